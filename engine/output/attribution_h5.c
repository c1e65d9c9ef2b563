#include "attribution_h5.h"

#include <math.h>
#include <string.h>

#include "h5file.h"
#include "h5util.h"
#include "stats.h"

static const char *const METRIC_GROUP[BMC_ATTR_METRICS] = {"completion", "p_target",
                                                           "new_on_time_share"};
static const char *const METRIC_UNITS[BMC_ATTR_METRICS] = {
    ("value, forward, backward: days since 1970-01-01 (inf = the median lies beyond the "
     "horizon; value NaN after an unknown effect); effect, low, high, total: days (NaN = "
     "unknown)"),
    ("value, forward, backward: probability; effect, low, high, total: difference of "
     "probabilities"),
    ("value, forward, backward: share of new cases decided on time (NaN = none settled); "
     "effect, low, high, total: difference of shares"),
};

static int write_doubles(bmc_h5ctx *e, hid_t g, const char *name, const double *v, hsize_t n)
{
    return bmc_h5_write_array(e, g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &n, v);
}

static int write_metric(bmc_h5ctx *e, hid_t file, const bmc_waterfall *w, int k)
{
    const bmc_attr_row *r = &w->row[k];
    hid_t g = bmc_h5_create_group(file, METRIC_GROUP[k]);
    if (g < 0)
        return bmc_h5_fail(e, "create /%s", METRIC_GROUP[k]);
    const double total[3] = {r->total, r->total_low, r->total_high};
    int rc = bmc_h5_attr_string(e, g, "name", bmc_attr_metric_name(k));
    if (!rc)
        rc = bmc_h5_attr_string(e, g, "units", METRIC_UNITS[k]);
    if (!rc)
        rc = write_doubles(e, g, "value", r->value, BMC_ATTR_STEPS);
    if (!rc)
        rc = write_doubles(e, g, "forward", r->forward, BMC_ATTR_STEPS);
    if (!rc)
        rc = write_doubles(e, g, "backward", r->backward, BMC_ATTR_STEPS);
    if (!rc)
        rc = write_doubles(e, g, "effect", r->effect, BMC_ATTR_GROUPS);
    if (!rc)
        rc = write_doubles(e, g, "low", r->low, BMC_ATTR_GROUPS);
    if (!rc)
        rc = write_doubles(e, g, "high", r->high, BMC_ATTR_GROUPS);
    if (!rc)
        rc = write_doubles(e, g, "total", total, 3);
    bmc_h5_close_group(g);
    return rc;
}

/* The key lists as a one-dimensional array of variable-length strings. */
static int write_keys(bmc_h5ctx *e, hid_t file)
{
    const char *keys[BMC_ATTR_GROUPS];
    for (int g = 0; g < BMC_ATTR_GROUPS; g++)
        keys[g] = bmc_attr_group_keys(g);
    hsize_t n = BMC_ATTR_GROUPS;
    hid_t t = bmc_h5_vlen_string_type(), s = H5Screate_simple(1, &n, NULL);
    hid_t d = H5I_INVALID_HID;
    int rc = BMC_OK;
    if (t < 0 || s < 0 ||
        (d = H5Dcreate2(file, "group_keys", t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, keys) < 0)
        rc = bmc_h5_fail(e, "write /group_keys");
    bmc_h5_close_dataset(&d);
    bmc_h5_close_space(s);
    bmc_h5_close_type(t);
    return rc;
}

static int fill(bmc_h5ctx *e, hid_t file, const void *arg)
{
    const bmc_attribution_out *a = arg;
    char groups[BMC_ATTR_GROUPS][BMC_NAME_LEN], steps[BMC_ATTR_STEPS][BMC_NAME_LEN];
    snprintf(steps[0], BMC_NAME_LEN, "OLD");
    for (int g = 0; g < BMC_ATTR_GROUPS; g++) {
        snprintf(groups[g], BMC_NAME_LEN, "%s", bmc_attr_group_name(g));
        snprintf(steps[g + 1], BMC_NAME_LEN, "%s", bmc_attr_group_name(g));
    }
    const int32_t version = BMC_ATTRIBUTION_VERSION, reps = a->w->reps;
    const double conf = BMC_CONFIDENCE;
    int rc = bmc_h5_attr_scalar(e, file, "version", H5T_STD_I32LE, H5T_NATIVE_INT32, &version);
    if (!rc)
        rc = bmc_h5_attr_string(e, file, "old", a->old_source);
    if (!rc)
        rc = bmc_h5_attr_string(e, file, "new", a->new_source);
    if (!rc)
        rc = bmc_h5_attr_scalar(e, file, "master_seed", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                &a->seed);
    if (!rc)
        rc = bmc_h5_attr_scalar(e, file, "n_scenarios", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                &a->scenarios);
    if (!rc)
        rc = bmc_h5_attr_scalar(e, file, "bootstrap_resamples", H5T_STD_I32LE,
                                H5T_NATIVE_INT32, &reps);
    if (!rc)
        rc = bmc_h5_attr_scalar(e, file, "confidence_level", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                &conf);
    if (!rc)
        rc = bmc_h5_write_names(e, file, "groups", (const char(*)[BMC_NAME_LEN])groups,
                                BMC_ATTR_GROUPS);
    if (!rc)
        rc = bmc_h5_write_names(e, file, "steps", (const char(*)[BMC_NAME_LEN])steps,
                                BMC_ATTR_STEPS);
    if (!rc)
        rc = write_keys(e, file);
    uint8_t changed[BMC_ATTR_GROUPS];
    for (int g = 0; g < BMC_ATTR_GROUPS; g++)
        changed[g] = a->w->changed[g];
    hsize_t ng = BMC_ATTR_GROUPS;
    if (!rc)
        rc = bmc_h5_write_array(e, file, "group_changed", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, &ng,
                                changed);
    for (int k = 0; k < BMC_ATTR_METRICS && !rc; k++)
        rc = write_metric(e, file, a->w, k);
    return rc;
}

int bmc_attribution_write(bmc_h5_file_plan plan, const bmc_attribution_out *a, bmc_err *err)
{
    plan.format = BMC_ATTRIBUTION_FORMAT;
    return bmc_h5_write_file(&plan, fill, a, err);
}
