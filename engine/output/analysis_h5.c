#include "analysis_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backlogmc_version.h"
#include "h5vfd.h"
#include "outpaths.h"

struct bmc_analysis_h5 {
    char *final_path, *tmp_path;
    hid_t file;
    bmc_h5vfd vfd;
    bmc_h5ctx ctx;
    bmc_err *err;
};

hid_t bmc_analysis_h5_root(bmc_analysis_h5 *a)
{
    return a->file;
}

bmc_h5ctx *bmc_analysis_h5_ctx(bmc_analysis_h5 *a)
{
    return &a->ctx;
}

static void release(bmc_analysis_h5 *a, bool remove_tmp)
{
    if (a->file >= 0) {
        a->vfd.discard = remove_tmp; /* a file thrown away writes nothing more */
        H5Fclose(a->file);
    }
    if (remove_tmp && a->tmp_path)
        unlink(a->tmp_path);
    bmc_h5vfd_release(&a->vfd);
    bmc_h5ctx_end(&a->ctx);
    free(a->final_path);
    free(a->tmp_path);
    free(a);
}

void bmc_analysis_h5_abort(bmc_analysis_h5 *a)
{
    if (a)
        release(a, true);
}

static int root_attributes(bmc_analysis_h5 *a, const bmc_analysis_meta *m)
{
    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(created, sizeof created, "unknown");
    bmc_h5ctx *e = &a->ctx;
    hid_t f = a->file;
    int rc;
    if ((rc = bmc_h5_attr_string(e, f, "format", m->format))
        || (rc = bmc_analysis_attr_int(a, f, "schema_version", m->schema_version))
        || (rc = bmc_h5_attr_string(e, f, "engine_version", BACKLOGMC_VERSION))
        || (rc = bmc_h5_attr_string(e, f, "git_commit", BACKLOGMC_GIT_COMMIT))
        || (rc = bmc_h5_attr_string(e, f, "created", created))
        || (rc = bmc_h5_attr_string(e, f, "config_name", m->config_name))
        || (rc = bmc_h5_attr_scalar(e, f, "master_seed", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                    &m->seed))
        || (rc = bmc_h5_attr_date(e, f, "day0", m->day0))
        || (rc = bmc_h5_attr_date(e, f, "target_date", m->target_date)))
        return rc;
    hid_t g = bmc_h5_create_group(f, "config");
    if (g < 0)
        return bmc_h5_fail(e, "create group /config");
    rc = bmc_h5_write_text(e, g, "text", m->config_text);
    bmc_h5_close_group(g);
    return rc;
}

int bmc_analysis_h5_create(const char *path, const bmc_analysis_meta *m, bmc_analysis_h5 **out,
                           bmc_err *err)
{
    *out = NULL;
    bmc_analysis_h5 *a = calloc(1, sizeof *a);
    if (!a)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    a->file = H5I_INVALID_HID;
    a->vfd.driver = H5I_INVALID_HID;
    a->err = err;
    a->final_path = strdup(path);
    a->tmp_path = malloc(BMC_PATH_MAX + 1);
    bmc_h5ctx_begin(&a->ctx, path, err);
    if (!a->final_path || !a->tmp_path) {
        release(a, false);
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    if (bmc_tmp_path(path, (long)getpid(), a->tmp_path, BMC_PATH_MAX + 1) < 0) {
        free(a->tmp_path);
        a->tmp_path = NULL;
        release(a, false);
        return bmc_fail(err, BMC_EIO, "%s: no room for a temporary name beside it", path);
    }
    /* O_EXCL: a leftover file of that name is never clobbered */
    int fd = open(a->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int rc = bmc_fail(err, BMC_EIO, "cannot create %s (temporary %s): %s", path,
                          a->tmp_path, strerror(errno));
        free(a->tmp_path);
        a->tmp_path = NULL;
        release(a, false);
        return rc;
    }
    close(fd);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0
        && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0
        && bmc_h5vfd_use(&a->vfd, fapl) == 0)
        a->file = H5Fcreate(a->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    bmc_h5_close_plist(fapl);
    int rc = a->file < 0 ? bmc_h5_fail(&a->ctx, "create the HDF5 file") : root_attributes(a, m);
    if (rc != BMC_OK) {
        release(a, true);
        return rc;
    }
    *out = a;
    return BMC_OK;
}

int bmc_analysis_h5_commit(bmc_analysis_h5 *a, bmc_err *err)
{
    int rc = BMC_OK;
    if (H5Fflush(a->file, H5F_SCOPE_LOCAL) < 0)
        rc = bmc_h5_fail(&a->ctx, "flush");
    if (rc == BMC_OK && a->vfd.write_errno)
        rc = bmc_fail(err, BMC_EIO, "%s: not written: %s", a->final_path,
                      strerror(a->vfd.write_errno));
    if (rc == BMC_OK) {
        herr_t closed = H5Fclose(a->file);
        a->file = H5I_INVALID_HID;
        if (closed < 0 || a->vfd.write_errno)
            rc = bmc_fail(err, BMC_EIO, "%s: not written: the close failed", a->final_path);
    }
    int fd = rc == BMC_OK ? open(a->tmp_path, O_WRONLY | O_CLOEXEC) : -1;
    if (rc == BMC_OK && (fd < 0 || fsync(fd) < 0))
        rc = bmc_fail(err, BMC_EIO, "cannot sync %s: %s", a->tmp_path, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (rc == BMC_OK && rename(a->tmp_path, a->final_path) < 0)
        rc = bmc_fail(err, BMC_EIO, "cannot rename %s to %s: %s", a->tmp_path, a->final_path,
                      strerror(errno));
    release(a, rc != BMC_OK);
    return rc;
}

int bmc_analysis_attr_double(bmc_analysis_h5 *a, hid_t obj, const char *name, double v)
{
    return bmc_h5_attr_scalar(&a->ctx, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

int bmc_analysis_attr_int(bmc_analysis_h5 *a, hid_t obj, const char *name, int64_t v)
{
    return bmc_h5_attr_scalar(&a->ctx, obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v);
}

int bmc_analysis_attr_text(bmc_analysis_h5 *a, hid_t obj, const char *name, const char *v)
{
    return bmc_h5_attr_string(&a->ctx, obj, name, v);
}

int bmc_analysis_write_doubles(bmc_analysis_h5 *a, hid_t loc, const char *name, int64_t n,
                               int width, const double *v)
{
    hsize_t dims[2] = {(hsize_t)n, (hsize_t)width};
    return bmc_h5_write_array(&a->ctx, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                              width > 0 ? 2 : 1, dims, v);
}

int bmc_analysis_write_ints(bmc_analysis_h5 *a, hid_t loc, const char *name, int64_t n,
                            const int32_t *v)
{
    hsize_t dims[1] = {(hsize_t)n};
    return bmc_h5_write_array(&a->ctx, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 1, dims, v);
}

int bmc_analysis_write_strings(bmc_analysis_h5 *a, hid_t loc, const char *name, int64_t n,
                               const char *names, size_t stride)
{
    const char **p = malloc((size_t)(n > 0 ? n : 1) * sizeof *p);
    if (!p)
        return bmc_fail(a->err, BMC_ENOMEM, "%s: out of memory for %s", a->final_path, name);
    for (int64_t i = 0; i < n; i++)
        p[i] = names + (size_t)i * stride;
    hid_t t = bmc_h5_vlen_string_type();
    hsize_t dims[1] = {(hsize_t)n};
    int rc = t < 0 ? bmc_h5_fail(&a->ctx, "create a string type")
                   : bmc_h5_write_array(&a->ctx, loc, name, t, t, 1, dims, p);
    bmc_h5_close_type(t);
    free(p);
    return rc;
}
