#include "outpaths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5file.h"
#include "h5read.h"

#define NAME_BYTES 255 /* NAME_MAX of Linux file systems */

int bmc_tmp_path(const char *path, long pid, char *out, size_t n)
{
    char suffix[32];
    int sl = snprintf(suffix, sizeof suffix, ".tmp-%ld", pid);
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0; /* with its '/' */
    size_t name = strlen(path) - dir;
    size_t keep = name;
    if (keep + (size_t)sl > NAME_BYTES)
        keep = NAME_BYTES - (size_t)sl;
    if (dir + keep + (size_t)sl > BMC_PATH_MAX)
        keep = BMC_PATH_MAX > dir + (size_t)sl ? BMC_PATH_MAX - dir - (size_t)sl : 0;
    /* never cut a UTF-8 character in two */
    while (keep > 0 && keep < name && ((unsigned char)path[dir + keep] & 0xC0) == 0x80)
        keep--;
    if (keep == 0 && name > 0)
        return -1;
    int len = snprintf(out, n, "%.*s%s", (int)(dir + keep), path, suffix);
    return len >= 0 && (size_t)len < n ? 0 : -1;
}

void bmc_remove_stale_tmp(const char *path, long pid, const char *magic, size_t magic_len)
{
    char tmp[BMC_PATH_MAX + 1];
    struct stat st;
    if (pid <= 0 || pid == (long)getpid() || bmc_tmp_path(path, pid, tmp, sizeof tmp) != 0
        || lstat(tmp, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    if (st.st_size > 0) {
        static const char zeros[16];
        char head[16];
        int fd = magic_len <= sizeof head ? open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
        ssize_t got = fd < 0 ? -1 : read(fd, head, magic_len);
        if (fd >= 0)
            close(fd);
        /* HDF5 writes its superblock at offset 0 last: a file killed early has zeros there */
        if (got != (ssize_t)magic_len
            || (memcmp(head, magic, magic_len) && memcmp(head, zeros, magic_len)))
            return;
    }
    unlink(tmp);
}

/* What a path names: an existing file by device and inode, an absent one by its directory's
 * device and inode and its last component (so "x.h5" and "./x.h5" are one name). */
typedef struct file_id {
    bool exists, dir_known;
    dev_t dev;
    ino_t ino;
    mode_t mode;
    char name[NAME_BYTES + 1];
} file_id;

static int identify(const char *opt, const char *path, file_id *id, bmc_err *err)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->exists = true;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        id->mode = st.st_mode;
        return BMC_OK;
    }
    if (errno != ENOENT)
        return bmc_fail(err, BMC_EIO, "%s %s: cannot examine it: %s", opt, path, strerror(errno));
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (!*name)
        return bmc_fail(err, BMC_EUSAGE, "%s %s: needs a file name, not a directory", opt,
                        path);
    snprintf(id->name, sizeof id->name, "%s", name);
    char dir[BMC_PATH_MAX + 1];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    if (stat(dir, &st) == 0) {
        id->dir_known = true;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    }
    return BMC_OK;
}

static bool same_file(const file_id *a, const file_id *b)
{
    if (a->exists != b->exists)
        return false;
    if (a->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return a->dir_known && b->dir_known && a->dev == b->dev && a->ino == b->ino
           && !strcmp(a->name, b->name);
}

/* An output path must not name an input: the run would destroy what it reads. */
static int check_not_input(const char *opt, const char *path, const file_id *id,
                           const bmc_out_plan *p, bmc_err *err)
{
    for (int i = 0; i < p->n_inputs; i++) {
        file_id in;
        bmc_err ignored; /* an input that went away cannot be overwritten */
        if (identify("input", p->inputs[i], &in, &ignored) != BMC_OK || !same_file(id, &in))
            continue;
        return bmc_fail(err, BMC_EUSAGE, "%s %s is %s%s, an input of this run: refusing to "
                        "overwrite it (choose another %s)", opt, path,
                        i == 0 ? "the configuration " : "", p->inputs[i], opt);
    }
    return BMC_OK;
}

static int check_out(const bmc_out_plan *p, const file_id *id, bmc_err *err)
{
    if (!id->exists)
        return BMC_OK;
    if (!S_ISREG(id->mode))
        return bmc_fail(err, BMC_EIO, "cannot write results to %s: %s", p->out,
                        S_ISDIR(id->mode) ? "it is a directory" : "not a regular file");
    if (p->format) /* another backlogmc output (h5file.h) */
        return !bmc_h5_has_format(p->out, p->format)
                   ? bmc_fail(err, BMC_EUSAGE, "--out %s exists and is not a %s file: refusing "
                              "to replace it (choose another --out)", p->out, p->format)
               : !p->force ? bmc_fail(err, BMC_EUSAGE, "--out %s holds an earlier %s file: add "
                                      "--force to replace it, or choose another --out", p->out,
                                      p->format)
                           : BMC_OK;
    if (!bmc_h5read_is_results(p->out))
        return bmc_fail(err, BMC_EUSAGE, "--out %s exists and is not a backlogmc results file: "
                        "refusing to replace it (choose another --out)", p->out);
    if (!p->force)
        return bmc_fail(err, BMC_EUSAGE, "--out %s holds earlier results: add --force to "
                        "replace them, or choose another --out", p->out);
    return BMC_OK;
}

int bmc_out_plan_check(const bmc_out_plan *p, bmc_err *err)
{
    file_id out, ck;
    BMC_TRY(identify("--out", p->out, &out, err));
    BMC_TRY(check_not_input("--out", p->out, &out, p, err));
    if (p->checkpoint) {
        const char *opt = p->resume ? "--resume" : "--checkpoint";
        BMC_TRY(identify(opt, p->checkpoint, &ck, err));
        BMC_TRY(check_not_input(opt, p->checkpoint, &ck, p, err));
        /* a finished run deletes its checkpoint */
        if (same_file(&out, &ck) || !strcmp(p->out, p->checkpoint))
            return bmc_fail(err, BMC_EUSAGE, "the checkpoint %s cannot also be the output "
                            "file", p->checkpoint);
    }
    return check_out(p, &out, err);
}
