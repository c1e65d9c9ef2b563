#include "monthly_hist.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>

#include "h5util.h"
#include "hist_percentile.h"
#include "stats.h"
#include "summary.h"
#include "summary_bins.h"

int bmc_monthly_hist_read(bmc_h5read *r, int series, int64_t **out, int *months,
                          bmc_err *err)
{
    const char *path = bmc_h5read_path(r);
    *out = NULL;
    *months = 0;
    const char *name = bmc_summary_monthly_name(series);
    int bins = bmc_summary_monthly_bins(series);
    char dset[256];
    snprintf(dset, sizeof dset, "/summary/monthly_histogram/%s", name ? name : "?");
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, path, err);
    hid_t f = bmc_h5read_file(r);
    hid_t d = H5I_INVALID_HID, s = H5I_INVALID_HID;
    hsize_t dims[2] = {0, 0};
    int rc = BMC_OK;
    if (rc == BMC_OK && (H5Lexists(f, "/summary", H5P_DEFAULT) <= 0 ||
                         H5Lexists(f, "/summary/monthly_histogram", H5P_DEFAULT) <= 0 ||
                         H5Lexists(f, dset, H5P_DEFAULT) <= 0))
        rc = bmc_fail(err, BMC_EIO, "%s has no %s: it was written before backlogmc kept the "
                      "monthly distributions; run the forecast again", path, dset);
    if (rc == BMC_OK && ((d = H5Dopen2(f, dset, H5P_DEFAULT)) < 0 || (s = H5Dget_space(d)) < 0 ||
                         H5Sget_simple_extent_ndims(s) != 2 ||
                         H5Sget_simple_extent_dims(s, dims, NULL) < 0 || dims[1] != (hsize_t)bins))
        rc = bmc_h5_fail(&e, "read %s: not [months][%d]", dset, bins);
    if (rc == BMC_OK && !(*out = malloc((size_t)dims[0] * (size_t)bins * sizeof **out)))
        rc = bmc_fail(err, BMC_ENOMEM, "%s: out of memory for %s", path, dset);
    if (rc == BMC_OK && H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0)
        rc = bmc_h5_fail(&e, "read %s", dset);
    if (rc == BMC_OK)
        *months = (int)dims[0];
    if (rc != BMC_OK) {
        free(*out);
        *out = NULL;
    }
    bmc_h5_close_space(s);
    bmc_h5_close_dataset(&d);
    bmc_h5ctx_end(&e);
    return rc;
}

double bmc_monthly_hist_percentile(const int64_t *h, int series, double v)
{
    int defined = bmc_summary_monthly_bins(series) - 1; /* the last bin: undefined */
    if (bmc_summary_monthly_is_share(series)) {
        int bin = bmc_bins_share_index(v);
        /* [k / 1000, (k + 1) / 1000) spread evenly; the last bin holds 1 alone */
        double within = bin == BMC_BINS_SHARE_STEPS ? 0.5 : v * BMC_BINS_SHARE_STEPS - bin;
        return bmc_hist_percentile(h, defined, bin, within);
    }
    int bin = bmc_bins_count_index(v);
    double lo, width;
    bmc_bins_count_edges(bin, &lo, &width);
    double within = width <= 1 ? 0.5 : (v - lo) / width;
    return bmc_hist_percentile(h, defined, bin, within);
}

double bmc_monthly_hist_quantile(const int64_t *h, int series, int level)
{
    int defined = bmc_summary_monthly_bins(series) - 1;
    int64_t n = 0, cum = 0;
    for (int k = 0; k < defined; k++)
        n += h[k];
    if (n == 0)
        return NAN;
    int64_t rank = bmc_stats_quantile_rank(n, level);
    int bin = 0;
    for (; bin < defined - 1; bin++) {
        cum += h[bin];
        if (cum >= rank)
            break;
    }
    return bmc_summary_monthly_is_share(series) ? bmc_bins_share_value(bin)
                                                : bmc_bins_count_value(bin);
}
