/* The HDF5 results file: open, commit and abort; the layout is documented for readers in
 * docs/output.md. */
/* fallocate(2) for the reservation before the final flush (see reserve_for_flush) */
#define _GNU_SOURCE

#include "h5out_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outpaths.h"

static void close_datasets(bmc_h5out *h)
{
    for (int s = 0; s < h->n_sets; s++)
        for (int i = 0; i < DS_COUNT; i++)
            bmc_h5_close_dataset(&h->sets[s].ds[i]);
}

static void h5out_free(bmc_h5out *h)
{
    bmc_h5vfd_release(&h->vfd);
    free(h->final_path);
    free(h->tmp_path);
    free(h->sets);
    free(h);
}

/* Closes whatever is open, removes the temporary file, frees h: the one exit of every
 * failure. The content is thrown away, so the flush of the close goes nowhere (h5vfd.h): it
 * cannot fail on a full disk, and every HDF5 id is released. */
static void discard(bmc_h5out *h)
{
    if (!h)
        return;
    h->vfd.discard = true;
    close_datasets(h);
    if (h->file >= 0)
        H5Fclose(h->file);
    if (h->tmp_path)
        unlink(h->tmp_path);
    h5out_free(h);
}

/* A write that failed below HDF5 (h5vfd.h) fails the step that made it, and the file. */
int h5out_written(bmc_h5out *h, int rc, bmc_err *err)
{
    if (rc == BMC_OK && h->vfd.write_errno)
        rc = bmc_fail(err, BMC_EIO, "%s: not h5out_written: cannot write %s: %s", h->final_path,
                      h->tmp_path, strerror(h->vfd.write_errno));
    if (rc)
        h->failed = true;
    return rc;
}

static void set_init(result_set *r, const char *variant, const bmc_layout *layout,
                     bool omit_trajectories)
{
    if (variant)
        snprintf(r->prefix, sizeof r->prefix, "/variants/%s", variant);
    for (int i = 0; i < DS_COUNT; i++)
        r->ds[i] = H5I_INVALID_HID;
    r->layout = *layout;
    r->layout.trajectories = layout->trajectories && !omit_trajectories;
}

static bmc_h5out *h5out_new(const char *path, const bmc_layout *layout, const bmc_run_meta *m)
{
    bmc_h5out *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->file = H5I_INVALID_HID;
    h->vfd.driver = H5I_INVALID_HID;
    h->n_sets = 1 + m->n_variants;
    h->sets = calloc((size_t)h->n_sets, sizeof *h->sets);
    h->n_scenarios = m->n_scenarios;
    size_t len = strlen(path);
    h->final_path = malloc(len + 1);
    h->tmp_path = malloc(BMC_PATH_MAX + 1);
    if (!h->sets || !h->final_path || !h->tmp_path) {
        h5out_free(h);
        return NULL;
    }
    set_init(&h->sets[0], NULL, layout, m->omit_trajectories);
    for (int v = 0; v < m->n_variants; v++)
        set_init(&h->sets[1 + v], m->variants[v].name, m->variants[v].layout,
                 m->omit_trajectories);
    memcpy(h->final_path, path, len + 1);
    return h;
}

static bool name_terminated(const char *name)
{
    return memchr(name, '\0', BMC_NAME_LEN) != NULL;
}

/* Parameter names become link names under /scenarios/params: a '/' would make groups. */
static int check_layout(const bmc_layout *l, bmc_err *err)
{
    if (l->n_categories < 0 || l->n_categories > BMC_MAX_CATEGORIES || l->n_params < 0
        || l->n_params > BMC_MAX_PARAMS || l->n_months < 0)
        return bmc_fail(err, BMC_EINTERNAL,
                        "results layout out of range: %d categories, %d parameters, %d months",
                        l->n_categories, l->n_params, l->n_months);
    for (int c = 0; c < l->n_categories; c++)
        if (!name_terminated(l->category_names[c]))
            return bmc_fail(err, BMC_EINTERNAL, "category name %d is not terminated", c);
    for (int p = 0; p < l->n_params; p++) {
        const char *name = l->param_names[p];
        if (!name_terminated(name))
            return bmc_fail(err, BMC_EINTERNAL, "parameter name %d is not terminated", p);
        if (!name[0] || strchr(name, '/') || !strcmp(name, "."))
            return bmc_fail(err, BMC_ECONFIG,
                            "parameter name '%s' cannot name an HDF5 dataset (empty, '.' or "
                            "containing '/')", name);
        for (int q = 0; q < p; q++)
            if (!strcmp(name, l->param_names[q]))
                return bmc_fail(err, BMC_ECONFIG, "parameter name '%s' appears twice", name);
    }
    return BMC_OK;
}

/* Creates the temporary file with open(2) first, for an errno-based message that names the
 * path, and so that a leftover file of the same name is never clobbered. */
static int create_tmp_file(const bmc_h5out *h, bmc_err *err)
{
    /* commit renames over the final path: never over a directory or a device such as
     * /dev/null, only over an earlier results file */
    struct stat st;
    if (stat(h->final_path, &st) == 0 && !S_ISREG(st.st_mode))
        return bmc_fail(err, BMC_EIO, "cannot write results to %s: %s", h->final_path,
                        S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
    int fd = open(h->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return bmc_fail(err, BMC_EIO, "cannot create results file %s (temporary %s): %s",
                        h->final_path, h->tmp_path, strerror(errno));
    close(fd);
    return BMC_OK;
}

static int open_hdf5(bmc_h5ctx *e, bmc_h5out *h)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* strong close: H5Fclose releases the file even if a handle was missed, so the
     * temporary file can always be removed */
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0
        && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0
        && bmc_h5vfd_use(&h->vfd, fapl) == 0)
        h->file = H5Fcreate(h->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    int rc = h->file < 0 ? bmc_h5_fail(e, "create the HDF5 file") : BMC_OK;
    bmc_h5_close_plist(fapl);
    return rc;
}

/* The per-scenario datasets of one set under parent. */
static int check_variants(const bmc_layout *ref, const bmc_run_meta *meta, bmc_err *err)
{
    if (meta->n_variants < 0 || (meta->n_variants > 0 && !meta->variants))
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_open: %d variants", meta->n_variants);
    for (int v = 0; v < meta->n_variants; v++) {
        const bmc_h5_variant *var = &meta->variants[v];
        const bmc_layout *l = var->layout;
        if (!var->name || !var->name[0] || strlen(var->name) >= BMC_NAME_LEN
            || strchr(var->name, '/') || !strcmp(var->name, ".") || !strcmp(var->name, "..")
            || !l)
            return bmc_fail(err, BMC_EINTERNAL, "variant %d has no usable name or layout", v);
        for (int w = 0; w < v; w++)
            if (!strcmp(var->name, meta->variants[w].name))
                return bmc_fail(err, BMC_EINTERNAL, "variant %s appears twice", var->name);
        if (l->n_categories != ref->n_categories || l->n_months != ref->n_months
            || l->trajectories != ref->trajectories)
            return bmc_fail(err, BMC_EINTERNAL,
                            "variant %s: categories, months or trajectories differ from the "
                            "reference", var->name);
        int rc = check_layout(l, err);
        if (rc)
            return rc;
    }
    return BMC_OK;
}

int bmc_h5out_open(const char *path, const bmc_layout *layout, const bmc_run_meta *meta,
                   bmc_h5out **out, bmc_err *err)
{
    if (out)
        *out = NULL;
    if (!path || !path[0] || !layout || !meta || !meta->cal || !out)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_open: missing argument");
    if (meta->n_scenarios < 0)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_open: %lld scenarios",
                        (long long)meta->n_scenarios);
    int rc = check_layout(layout, err);
    if (!rc)
        rc = check_variants(layout, meta, err);
    if (rc)
        return rc;
    bmc_h5out *h = h5out_new(path, layout, meta);
    if (!h)
        return bmc_fail(err, BMC_ENOMEM, "out of memory opening %s", path);
    /* same directory as the final file, so that rename(2) is atomic */
    rc = bmc_tmp_path(path, (long)getpid(), h->tmp_path, BMC_PATH_MAX + 1) == 0
             ? create_tmp_file(h, err)
             : bmc_fail(err, BMC_EIO, "cannot create results file %s: its path leaves no room "
                        "for a temporary name beside it", path);
    if (rc) {
        free(h->tmp_path); /* not ours to unlink: creating it failed */
        h->tmp_path = NULL;
        discard(h);
        return rc;
    }
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    rc = open_hdf5(&e, h);
    if (!rc)
        rc = h5out_written(h, h5out_write_layout(&e, h, meta), err);
    if (rc)
        discard(h);
    else
        *out = h;
    bmc_h5ctx_end(&e);
    return rc;
}

/* ---- commit and abort ---------------------------------------------------------------------- */

/* Uncompressed bytes of one chunk of ds; 0 when it is not chunked. */
static size_t chunk_bytes(hid_t ds)
{
    hid_t dcpl = H5Dget_create_plist(ds), t = H5Dget_type(ds);
    hsize_t dims[3];
    int rank = 0;
    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED)
        rank = H5Pget_chunk(dcpl, 3, dims);
    size_t bytes = rank > 0 && t >= 0 ? H5Tget_size(t) : 0;
    for (int i = 0; i < rank; i++)
        bytes *= (size_t)dims[i];
    bmc_h5_close_type(t);
    bmc_h5_close_plist(dcpl);
    return bytes;
}

/* A full disk at the final flush would fail the commit anyway (h5vfd.h keeps HDF5 whole);
 * reserving the blocks the flush can need first says so early and plainly: every hole below
 * the end of the file (fallocate mode 0 fills them) plus room past it for the cached chunks
 * (two per dataset, at most) and the cached metadata. Filesystems without fallocate skip
 * this. */
static int reserve_for_flush(bmc_h5ctx *e, bmc_h5out *h)
{
#ifdef FALLOC_FL_KEEP_SIZE
    hsize_t size = 0;
    size_t mdc_max = 0, mdc_min_clean = 0, mdc_cur = 0;
    int mdc_entries = 0;
    if (H5Fget_filesize(h->file, &size) < 0
        || H5Fget_mdc_size(h->file, &mdc_max, &mdc_min_clean, &mdc_cur, &mdc_entries) < 0)
        return bmc_h5_fail(e, "query the file size");
    uint64_t need = size + mdc_cur + FLUSH_MARGIN_BYTES;
    for (int s = 0; s < h->n_sets; s++)
        for (int i = 0; i < DS_COUNT; i++)
            if (h->sets[s].ds[i] >= 0)
                need += 2 * (uint64_t)chunk_bytes(h->sets[s].ds[i]);
    int fd = open(h->tmp_path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return bmc_fail(e->err, BMC_EIO, "cannot reopen %s: %s", h->tmp_path, strerror(errno));
    int rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)need);
    int saved = errno;
    close(fd);
    if (rc < 0 && saved != EOPNOTSUPP && saved != ENOSYS)
        return bmc_fail(e->err, BMC_EIO, "%s: not h5out_written: cannot reserve %.1f MiB to finish "
                        "it: %s", h->final_path, (double)need / (1 << 20), strerror(saved));
#else
    (void)e;
    (void)h;
#endif
    return BMC_OK;
}

/* Everything goes to disk and every id is released before the rename, so the file under the
 * final name is complete the moment it appears. The explicit flush fails more gracefully
 * than a close that has to flush. */
static int close_file(bmc_h5ctx *e, bmc_h5out *h)
{
    int rc = reserve_for_flush(e, h);
    if (rc)
        return rc;
    if (H5Fflush(h->file, H5F_SCOPE_LOCAL) < 0)
        return bmc_h5_fail(e, "flush");
    BMC_TRY(h5out_written(h, BMC_OK, e->err));
    close_datasets(h);
    ssize_t open_ids = H5Fget_obj_count(h->file, H5F_OBJ_ALL);
    if (open_ids != 1)
        return bmc_fail(e->err, BMC_EINTERNAL, "%s: %zd HDF5 ids still open before close",
                        e->path, open_ids);
    herr_t closed = H5Fclose(h->file);
    h->file = H5I_INVALID_HID;
    if (closed < 0)
        return bmc_h5_fail(e, "close");
    return h5out_written(h, BMC_OK, e->err);
}

/* Gives back what reserve_for_flush held past the end of the file (a truncate to the same
 * size frees blocks preallocated past it), then fsyncs: after a crash the final name must not
 * point at unwritten blocks. */
static int trim_and_sync(const char *path, bmc_err *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return bmc_fail(err, BMC_EIO, "cannot reopen %s: %s", path, strerror(errno));
    struct stat st;
    int rc = fstat(fd, &st);
    if (rc == 0)
        rc = ftruncate(fd, st.st_size);
    if (rc == 0)
        rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc < 0)
        return bmc_fail(err, BMC_EIO, "cannot sync %s: %s", path, strerror(saved));
    return BMC_OK;
}

int bmc_h5out_commit(bmc_h5out *h, bmc_err *err)
{
    if (!h)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_commit: no file");
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    int rc = BMC_OK;
    if (h->failed)
        rc = bmc_fail(err, BMC_EIO, "%s: not h5out_written: an earlier write failed", h->final_path);
    for (int s = 0; !rc && s < h->n_sets; s++)
        if (h->sets[s].rows != h->n_scenarios)
            rc = bmc_fail(err, BMC_EINTERNAL, "%s: not h5out_written: %lld of %lld scenarios arrived",
                          h->final_path, (long long)h->sets[s].rows,
                          (long long)h->n_scenarios);
    if (!rc)
        rc = close_file(&e, h);
    if (!rc)
        rc = trim_and_sync(h->tmp_path, err);
    if (!rc && rename(h->tmp_path, h->final_path) < 0)
        rc = bmc_fail(err, BMC_EIO, "cannot rename %s to %s: %s", h->tmp_path, h->final_path,
                      strerror(errno));
    if (rc)
        discard(h);
    else
        h5out_free(h);
    bmc_h5ctx_end(&e);
    return rc;
}

const char *bmc_h5out_tmp_path(const bmc_h5out *h)
{
    return h->tmp_path;
}

void bmc_h5out_abort(bmc_h5out *h)
{
    if (!h)
        return;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, NULL);
    discard(h);
    bmc_h5ctx_end(&e);
}
