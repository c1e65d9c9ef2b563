#include "h5text.h"

#include <stdlib.h>
#include <string.h>

/* Every group on the way to name exists, and name itself (H5Lexists on each part). */
static bool exists(hid_t file, const char *name)
{
    char part[1024];
    size_t len = strlen(name);
    if (len >= sizeof part)
        return false;
    for (size_t i = 1; i <= len; i++)
        if (name[i] == '/' || name[i] == '\0') {
            memcpy(part, name, i);
            part[i] = '\0';
            if (H5Lexists(file, part, H5P_DEFAULT) <= 0)
                return false;
        }
    return true;
}

int bmc_h5_read_text(bmc_h5read *r, const char *name, char **out, bmc_err *err)
{
    *out = NULL;
    const char *path = bmc_h5read_path(r);
    hid_t f = bmc_h5read_file(r);
    if (!exists(f, name))
        return BMC_OK;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, path, err);
    hid_t d = H5I_INVALID_HID, t = H5I_INVALID_HID, s = H5I_INVALID_HID, ft = H5I_INVALID_HID;
    char *value = NULL;
    int rc = BMC_OK;
    if ((d = H5Dopen2(f, name, H5P_DEFAULT)) < 0 || (s = H5Dget_space(d)) < 0 ||
        H5Sget_simple_extent_type(s) != H5S_SCALAR || (ft = H5Dget_type(d)) < 0 ||
        H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) <= 0 ||
        (t = bmc_h5_vlen_string_type()) < 0 ||
        H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0 || !value)
        rc = bmc_h5_fail(&e, "read %s as a text", name);
    if (rc == BMC_OK && !(*out = strdup(value)))
        rc = bmc_fail(err, BMC_ENOMEM, "%s: out of memory reading %s", path, name);
    if (value)
        H5free_memory(value);
    bmc_h5_close_type(t);
    bmc_h5_close_type(ft);
    bmc_h5_close_space(s);
    bmc_h5_close_dataset(&d);
    bmc_h5ctx_end(&e);
    return rc;
}
