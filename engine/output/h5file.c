#include "h5file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5read.h"
#include "h5vfd.h"
#include "outpaths.h"

bool bmc_h5_has_format(const char *path, const char *format)
{
    bool same = false;
    H5E_auto2_t func;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    bmc_h5vfd vfd = {.driver = H5I_INVALID_HID};
    hid_t f = H5Fis_hdf5(path) > 0 ? bmc_h5read_open_file(path, &vfd) : H5I_INVALID_HID;
    hid_t a = f >= 0 && H5Aexists(f, "format") > 0 ? H5Aopen(f, "format", H5P_DEFAULT)
                                                   : H5I_INVALID_HID;
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    hid_t mt = bmc_h5_vlen_string_type();
    char *value = NULL;
    if (t >= 0 && mt >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0 &&
        H5Aread(a, mt, &value) >= 0 && value)
        same = strcmp(value, format) == 0;
    if (value)
        H5free_memory(value);
    bmc_h5_close_type(mt);
    bmc_h5_close_type(t);
    bmc_h5_close_attr(a);
    if (f >= 0)
        H5Fclose(f);
    bmc_h5vfd_release(&vfd);
    H5Eset_auto2(H5E_DEFAULT, func, data);
    return same;
}

/* The file under its temporary name, with the driver that never fails a write as far as
 * HDF5 can tell (h5vfd.h); BMC_EIO when a write failed below it. */
static int write_tmp(const char *tmp, const bmc_h5_file_plan *plan, bmc_h5_fill fill,
                     const void *arg, bmc_err *err)
{
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, plan->path, err);
    bmc_h5vfd vfd = {H5I_INVALID_HID, false, 0};
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0 &&
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0 &&
        bmc_h5vfd_use(&vfd, fapl) == 0)
        f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    int rc = f < 0 ? bmc_h5_fail(&e, "create the HDF5 file") : BMC_OK;
    if (rc == BMC_OK)
        rc = bmc_h5_attr_string(&e, f, "format", plan->format);
    if (rc == BMC_OK)
        rc = fill(&e, f, arg);
    if (rc != BMC_OK)
        vfd.discard = true;
    if (f >= 0 && H5Fclose(f) < 0 && rc == BMC_OK)
        rc = bmc_h5_fail(&e, "close the file");
    if (rc == BMC_OK && vfd.write_errno)
        rc = bmc_fail(err, BMC_EIO, "cannot write %s: %s", plan->path, strerror(vfd.write_errno));
    bmc_h5_close_plist(fapl);
    bmc_h5vfd_release(&vfd);
    bmc_h5ctx_end(&e);
    return rc;
}

int bmc_h5_file_check(const bmc_h5_file_plan *plan, bmc_err *err)
{
    bmc_out_plan check = {.out = plan->path, .force = plan->force, .inputs = plan->inputs,
                          .n_inputs = plan->n_inputs, .format = plan->format};
    return bmc_out_plan_check(&check, err);
}

int bmc_h5_write_file(const bmc_h5_file_plan *plan, bmc_h5_fill fill, const void *arg,
                      bmc_err *err)
{
    BMC_TRY(bmc_h5_file_check(plan, err));
    char tmp[BMC_PATH_MAX + 1];
    if (bmc_tmp_path(plan->path, (long)getpid(), tmp, sizeof tmp) != 0)
        return bmc_fail(err, BMC_EUSAGE, "--out %s: the path is too long", plan->path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return bmc_fail(err, BMC_EIO, "cannot create %s (temporary %s): %s", plan->path, tmp,
                        strerror(errno));
    close(fd);
    int rc = write_tmp(tmp, plan, fill, arg, err);
    if (rc == BMC_OK && rename(tmp, plan->path) < 0)
        rc = bmc_fail(err, BMC_EIO, "cannot rename %s to %s: %s", tmp, plan->path,
                      strerror(errno));
    if (rc != BMC_OK)
        unlink(tmp);
    return rc;
}
