#include "h5vfd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest address, as sec2 has it: what off_t can reach. */
#define MAX_ADDR (((haddr_t)1 << (8 * sizeof(off_t) - 1)) - 1)

typedef struct vfd_fapl {
    bmc_h5vfd *state;
} vfd_fapl;

typedef struct vfd_file {
    H5FD_t pub; /* first: HDF5 sees this */
    int fd;
    haddr_t eoa, eof;
    dev_t dev;
    ino_t ino;
    bmc_h5vfd *state;
} vfd_file;

static herr_t fail(H5E_major_t major, H5E_minor_t minor, const char *func, const char *what,
                   int err)
{
    H5Epush2(H5E_DEFAULT, __FILE__, func, __LINE__, H5E_ERR_CLS, major, minor, "%s: %s", what,
             strerror(err));
    return -1;
}

static void *fapl_copy(const void *old)
{
    vfd_fapl *f = malloc(sizeof *f);
    if (f)
        memcpy(f, old, sizeof *f);
    return f;
}

static herr_t fapl_free(void *f)
{
    free(f);
    return 0;
}

static void *fapl_get(H5FD_t *file)
{
    vfd_fapl f = {((vfd_file *)file)->state};
    return fapl_copy(&f);
}

static H5FD_t *vfd_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
    if (!name || !*name || maxaddr == 0 || maxaddr > MAX_ADDR) {
        fail(H5E_ARGS, H5E_BADVALUE, __func__, "bad file name or address space", EINVAL);
        return NULL;
    }
    const vfd_fapl *fa = H5Pget_driver_info(fapl);
    int o = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & H5F_ACC_TRUNC)
        o |= O_TRUNC;
    if (flags & H5F_ACC_CREAT)
        o |= O_CREAT;
    if (flags & H5F_ACC_EXCL)
        o |= O_EXCL;
    int fd = open(name, o | O_CLOEXEC, 0666);
    if (fd < 0) {
        fail(H5E_FILE, H5E_CANTOPENFILE, __func__, name, errno);
        return NULL;
    }
    struct stat st;
    vfd_file *f = calloc(1, sizeof *f);
    if (!f || fstat(fd, &st) < 0) {
        fail(H5E_FILE, H5E_CANTOPENFILE, __func__, name, f ? errno : ENOMEM);
        free(f);
        close(fd);
        return NULL;
    }
    f->fd = fd;
    f->eof = (haddr_t)st.st_size;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->state = fa ? fa->state : NULL;
    return &f->pub;
}

static herr_t vfd_close(H5FD_t *file)
{
    vfd_file *f = (vfd_file *)file;
    int rc = close(f->fd);
    int e = errno;
    free(f);
    return rc < 0 ? fail(H5E_IO, H5E_CANTCLOSEFILE, __func__, "close", e) : 0;
}

static int vfd_cmp(const H5FD_t *a, const H5FD_t *b)
{
    const vfd_file *x = (const vfd_file *)a, *y = (const vfd_file *)b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return 0;
}

/* What sec2 declares: the library may aggregate, accumulate and sieve. */
static herr_t vfd_query(const H5FD_t *file, unsigned long *flags)
{
    (void)file;
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA |
             H5FD_FEAT_DATA_SIEVE | H5FD_FEAT_AGGREGATE_SMALLDATA |
             H5FD_FEAT_POSIX_COMPAT_HANDLE | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
    return 0;
}

static haddr_t vfd_get_eoa(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const vfd_file *)file)->eoa;
}

static herr_t vfd_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr)
{
    (void)type;
    ((vfd_file *)file)->eoa = addr;
    return 0;
}

static haddr_t vfd_get_eof(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const vfd_file *)file)->eof;
}

static herr_t vfd_get_handle(H5FD_t *file, hid_t fapl, void **handle)
{
    (void)fapl;
    *handle = &((vfd_file *)file)->fd;
    return 0;
}

static bool discarding(const vfd_file *f)
{
    return f->state && (f->state->discard || f->state->write_errno);
}

/* A write that failed: recorded for the writer, hidden from HDF5 (see h5vfd.h). Without a
 * state to record it in, HDF5 is told. */
static herr_t write_failed(vfd_file *f, const char *func, const char *what, int err)
{
    if (!f->state)
        return fail(H5E_IO, H5E_WRITEERROR, func, what, err);
    f->state->write_errno = err ? err : EIO;
    return 0;
}

/* pread of size bytes at addr; zeros beyond the end of the file, as sec2 gives. */
static herr_t read_at(const vfd_file *f, haddr_t addr, size_t size, void *buf)
{
    char *p = buf;
    while (size > 0) {
        ssize_t n = pread(f->fd, p, size, (off_t)addr);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            memset(p, 0, size);
            break;
        }
        p += n;
        addr += (haddr_t)n;
        size -= (size_t)n;
    }
    return 0;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* HDF5 1.10 trusts the object sizes of a global heap collection (where variable-length
 * strings live, without a checksum): a damaged one makes it copy past the collection's end,
 * or loop for ever. A collection ("GCOL", version 1, its size, then objects of a 16-byte
 * header and their data padded to 8 bytes; an object of index 0 is free space of the size it
 * says) is walked here as HDF5 will walk it: false when an object runs past the end or does
 * not move on. */
static bool objects_sane(const unsigned char *p, uint64_t size)
{
    for (uint64_t at = 16; size - at >= 16;) {
        unsigned idx = (unsigned)p[at] | (unsigned)p[at + 1] << 8;
        uint64_t len = le64(p + at + 8), left = size - at;
        uint64_t need = idx ? 16 + ((len + 7) & ~(uint64_t)7) : len;
        if (len > left || need == 0 || need > left)
            return false;
        at += need;
    }
    return true;
}

/* A read that starts a collection: HDF5 reads 4096 bytes, learns the size and reads the
 * rest separately, so the whole collection is read here once more to be checked. */
static bool collection_sane(const vfd_file *f, haddr_t addr, const unsigned char *p, size_t n)
{
    if (n < 16 || memcmp(p, "GCOL", 4) != 0 || p[4] != 1)
        return true; /* not a collection */
    uint64_t size = le64(p + 8);
    if (size < 16 || addr > f->eoa || size > f->eoa - addr)
        return false;
    if (size <= n)
        return objects_sane(p, size);
    unsigned char *whole = malloc((size_t)size);
    bool ok = whole && read_at(f, addr, (size_t)size, whole) == 0 && objects_sane(whole, size);
    free(whole);
    return ok;
}

static herr_t vfd_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                       void *buf)
{
    vfd_file *f = (vfd_file *)file;
    (void)dxpl;
    if (addr > f->eoa || size > f->eoa - addr)
        return fail(H5E_ARGS, H5E_OVERFLOW, __func__, "read beyond the end of the address space",
                    EINVAL);
    if (read_at(f, addr, size, buf) < 0)
        return fail(H5E_IO, H5E_READERROR, __func__, "read", errno);
    if ((type == H5FD_MEM_DRAW || type == H5FD_MEM_GHEAP) && !collection_sane(f, addr, buf, size))
        return fail(H5E_HEAP, H5E_BADVALUE, __func__,
                    "a global heap collection is damaged (an object runs past its end)",
                    EINVAL);
    return 0;
}

static herr_t vfd_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                        const void *buf)
{
    (void)type;
    (void)dxpl;
    vfd_file *f = (vfd_file *)file;
    if (addr > f->eoa || size > f->eoa - addr)
        return fail(H5E_ARGS, H5E_OVERFLOW, __func__,
                    "write beyond the end of the address space", EINVAL);
    if (discarding(f)) {
        if (addr + size > f->eof)
            f->eof = addr + size;
        return 0;
    }
    const char *p = buf;
    while (size > 0) {
        ssize_t n = pwrite(f->fd, p, size, (off_t)addr);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return write_failed(f, __func__, "write", n < 0 ? errno : EIO);
        p += n;
        addr += (haddr_t)n;
        size -= (size_t)n;
        if (addr > f->eof)
            f->eof = addr;
    }
    return 0;
}

static herr_t vfd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    (void)dxpl;
    (void)closing;
    vfd_file *f = (vfd_file *)file;
    if (f->eoa == f->eof)
        return 0;
    if (!discarding(f) && ftruncate(f->fd, (off_t)f->eoa) < 0 &&
        write_failed(f, __func__, "set the file size", errno) < 0)
        return -1;
    f->eof = f->eoa;
    return 0;
}

static const H5FD_class_t vfd_class = {
    .name = "backlogmc",
    .maxaddr = MAX_ADDR,
    .fc_degree = H5F_CLOSE_WEAK,
    .fapl_size = sizeof(vfd_fapl),
    .fapl_get = fapl_get,
    .fapl_copy = fapl_copy,
    .fapl_free = fapl_free,
    .open = vfd_open,
    .close = vfd_close,
    .cmp = vfd_cmp,
    .query = vfd_query,
    .get_eoa = vfd_get_eoa,
    .set_eoa = vfd_set_eoa,
    .get_eof = vfd_get_eof,
    .get_handle = vfd_get_handle,
    .read = vfd_read,
    .write = vfd_write,
    .truncate = vfd_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

int bmc_h5vfd_use(bmc_h5vfd *v, hid_t fapl)
{
    v->discard = false;
    v->write_errno = 0;
    v->driver = H5FDregister(&vfd_class);
    vfd_fapl info = {v};
    if (v->driver < 0 || H5Pset_driver(fapl, v->driver, &info) < 0) {
        bmc_h5vfd_release(v);
        return -1;
    }
    return 0;
}

void bmc_h5vfd_release(bmc_h5vfd *v)
{
    if (v->driver >= 0)
        H5FDunregister(v->driver);
    v->driver = H5I_INVALID_HID;
}
