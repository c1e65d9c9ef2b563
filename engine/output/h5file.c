#include "h5file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An earlier output of this kind: HDF5 with the root attribute format == format. */
static bool same_kind(const char *path, const char *format)
{
    bool same = false;
    H5E_auto2_t func;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t a = f >= 0 ? H5Aopen(f, "format", H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t t = bmc_h5_vlen_string_type();
    char *value = NULL;
    if (a >= 0 && t >= 0 && H5Aread(a, t, &value) >= 0 && value)
        same = strcmp(value, format) == 0;
    if (value)
        H5free_memory(value);
    bmc_h5_close_type(t);
    bmc_h5_close_attr(a);
    if (f >= 0)
        H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, func, data);
    return same;
}

static int check_target(const char *path, const char *format, bmc_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? BMC_OK
                               : bmc_fail(err, BMC_EIO, "cannot write %s: %s", path,
                                          strerror(errno));
    if (!S_ISREG(st.st_mode) || !same_kind(path, format))
        return bmc_fail(err, BMC_EIO, "%s exists and is not an earlier %s file: it is left "
                        "alone (remove it or choose another name)", path, format);
    return BMC_OK;
}

int bmc_h5_write_file(const char *path, const char *format, bmc_h5_fill fill, const void *arg,
                      bmc_err *err)
{
    BMC_TRY(check_target(path, format, err));
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp)
        return bmc_fail(err, BMC_ENOMEM, "out of memory writing %s", path);
    snprintf(tmp, len, "%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int rc = bmc_fail(err, BMC_EIO, "cannot create %s (temporary %s): %s", path, tmp,
                          strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, path, err);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    int rc = f < 0 ? bmc_h5_fail(&e, "create the HDF5 file") : BMC_OK;
    if (rc == BMC_OK)
        rc = bmc_h5_attr_string(&e, f, "format", format);
    if (rc == BMC_OK)
        rc = fill(&e, f, arg);
    if (f >= 0 && H5Fclose(f) < 0 && rc == BMC_OK)
        rc = bmc_h5_fail(&e, "close the file");
    bmc_h5_close_plist(fapl);
    bmc_h5ctx_end(&e);
    if (rc == BMC_OK && rename(tmp, path) < 0)
        rc = bmc_fail(err, BMC_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (rc != BMC_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}
