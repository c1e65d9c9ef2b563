#include "h5file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5util.h"

int bmc_h5file_sync(const char *path, bmc_err *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return bmc_fail(err, BMC_EIO, "cannot reopen %s: %s", path, strerror(errno));
    struct stat st;
    int rc = fstat(fd, &st);
    if (rc == 0) /* a truncate to the same size frees blocks preallocated past it */
        rc = ftruncate(fd, st.st_size);
    if (rc == 0)
        rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc < 0)
        return bmc_fail(err, BMC_EIO, "cannot sync %s: %s", path, strerror(saved));
    return BMC_OK;
}

int bmc_h5file_create(bmc_h5file *f, const char *path, const char *what, bmc_err *err)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->id = H5I_INVALID_HID;
    f->vfd.driver = H5I_INVALID_HID;
    struct stat st;
    /* the commit renames over the final path: never over a directory or a device */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return bmc_fail(err, BMC_EIO, "cannot write the %s %s: %s", what, path,
                        S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
    if (bmc_tmp_path(path, (long)getpid(), f->tmp_path, sizeof f->tmp_path) != 0)
        return bmc_fail(err, BMC_EIO, "cannot write the %s %s: its path leaves no room for a "
                        "temporary name beside it", what, path);
    /* open(2) first: an errno-based message, and a leftover file is never clobbered */
    int fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return bmc_fail(err, BMC_EIO, "cannot create the %s %s (temporary %s): %s", what, path,
                        f->tmp_path, strerror(errno));
    close(fd);
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, f->tmp_path, err);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* strong close releases every id, so the temporary file can always be removed; HDF5 1.8
     * object headers carry checksums */
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0
        && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0
        && bmc_h5vfd_use(&f->vfd, fapl) == 0)
        f->id = H5Fcreate(f->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    int rc = f->id < 0 ? bmc_h5_fail(&e, "create the HDF5 file") : BMC_OK;
    bmc_h5_close_plist(fapl);
    bmc_h5ctx_end(&e);
    if (rc)
        bmc_h5file_discard(f);
    return rc;
}

int bmc_h5file_check(const bmc_h5file *f, bmc_err *err)
{
    if (f->vfd.write_errno)
        return bmc_fail(err, BMC_EIO, "%s: not written: cannot write %s: %s", f->path,
                        f->tmp_path, strerror(f->vfd.write_errno));
    return BMC_OK;
}

void bmc_h5file_discard(bmc_h5file *f)
{
    f->vfd.discard = true; /* the close flushes nowhere: it cannot fail on a full disk */
    if (f->id >= 0)
        H5Fclose(f->id);
    f->id = H5I_INVALID_HID;
    bmc_h5vfd_release(&f->vfd);
    if (f->tmp_path[0])
        unlink(f->tmp_path);
    f->tmp_path[0] = '\0';
}

int bmc_h5file_commit(bmc_h5file *f, bmc_err *err)
{
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, f->tmp_path, err);
    int rc = BMC_OK;
    if (f->id < 0)
        rc = bmc_fail(err, BMC_EINTERNAL, "%s: not written: the file is not open", f->path);
    if (!rc && H5Fflush(f->id, H5F_SCOPE_LOCAL) < 0)
        rc = bmc_h5_fail(&e, "flush");
    if (!rc)
        rc = bmc_h5file_check(f, err);
    ssize_t open_ids = rc ? 1 : H5Fget_obj_count(f->id, H5F_OBJ_ALL);
    if (!rc && open_ids != 1)
        rc = bmc_fail(err, BMC_EINTERNAL, "%s: %zd HDF5 ids still open before close",
                      f->tmp_path, open_ids);
    if (!rc) {
        herr_t closed = H5Fclose(f->id);
        f->id = H5I_INVALID_HID;
        rc = closed < 0 ? bmc_h5_fail(&e, "close") : bmc_h5file_check(f, err);
    }
    if (!rc)
        rc = bmc_h5file_sync(f->tmp_path, err);
    if (!rc && rename(f->tmp_path, f->path) < 0)
        rc = bmc_fail(err, BMC_EIO, "cannot rename %s to %s: %s", f->tmp_path, f->path,
                      strerror(errno));
    if (rc) {
        bmc_h5file_discard(f);
    } else {
        bmc_h5vfd_release(&f->vfd);
        f->tmp_path[0] = '\0';
    }
    bmc_h5ctx_end(&e);
    return rc;
}

int bmc_h5_file_check(const bmc_h5_file_plan *plan, bmc_err *err)
{
    bmc_out_plan check = {.out = plan->path, .force = plan->force, .inputs = plan->inputs,
                          .n_inputs = plan->n_inputs, .format = plan->format,
                          .what = plan->what, .earlier = plan->earlier};
    return bmc_out_plan_check(&check, err);
}

int bmc_h5_write_file(const bmc_h5_file_plan *plan, bmc_h5_fill fill, const void *arg,
                      bmc_err *err)
{
    BMC_TRY(bmc_h5_file_check(plan, err));
    bmc_h5file f;
    BMC_TRY(bmc_h5file_create(&f, plan->path, plan->what ? plan->what : "file", err));
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, plan->path, err);
    int rc = bmc_h5_attr_string(&e, f.id, "format", plan->format);
    if (rc == BMC_OK)
        rc = fill(&e, f.id, arg);
    if (rc == BMC_OK)
        rc = bmc_h5file_check(&f, err);
    bmc_h5ctx_end(&e);
    if (rc != BMC_OK) {
        bmc_h5file_discard(&f);
        return rc;
    }
    return bmc_h5file_commit(&f, err);
}
