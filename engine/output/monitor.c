#include "monitor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monthly_hist.h"
#include "summary.h"

static const int FAN_LEVELS[BMC_MONITOR_FAN] = {5, 25, 50, 75, 95};

/* The forecast's monthly indicator for an observed series. */
static int summary_series(int obs)
{
    switch (obs) {
    case BMC_OBS_FIRST_DECISIONS_OLD: return BMC_MON_OLD_DECISIONS;
    case BMC_OBS_OLD_OPEN: return BMC_MON_OLD_OPEN;
    case BMC_OBS_NEW_ON_TIME_SHARE: return BMC_MON_NEW_ON_TIME_SHARE;
    default: return BMC_MON_NEW_ARRIVALS;
    }
}

const char *bmc_monitor_position_name(int position)
{
    switch (position) {
    case BMC_MONITOR_BELOW: return "below 5 %";
    case BMC_MONITOR_INSIDE: return "inside";
    case BMC_MONITOR_ABOVE: return "above 95 %";
    default: return "n/a";
    }
}

static void place(const int64_t *h, int series, bmc_monitor_row *r)
{
    r->percentile = bmc_monthly_hist_percentile(h, series, r->observed);
    for (int l = 0; l < BMC_MONITOR_FAN; l++)
        r->fan[l] = bmc_monthly_hist_quantile(h, series, FAN_LEVELS[l]);
    if (isnan(r->percentile)) {
        r->position = BMC_MONITOR_NONE;
        snprintf(r->note, sizeof r->note, "undefined in every scenario");
    } else {
        r->position = r->percentile < 5    ? BMC_MONITOR_BELOW
                      : r->percentile > 95 ? BMC_MONITOR_ABOVE
                                           : BMC_MONITOR_INSIDE;
    }
}

/* Why month (an index of the forecast's months) cannot be compared; NULL when it can. */
static const char *not_comparable(int obs, int month, const bmc_monitor *m, bmc_date day0,
                                  bmc_date pact)
{
    if (month - m->first_month >= m->months)
        return "after the forecast's horizon";
    if (month == m->first_month && bmc_history_month_first(month) != day0)
        return "the forecast starts within this month";
    if (obs == BMC_OBS_INTAKE && bmc_history_month_first(month) < pact)
        return "before the Pact date the forecast counts new arrivals only";
    return NULL;
}

/* The fan of every month of histograms h [months][bins] of series. */
static int whole_fan(const int64_t *h, int series, int months, double **out, bmc_err *err)
{
    int bins = bmc_summary_monthly_bins(series);
    *out = malloc((size_t)(months > 0 ? months : 1) * BMC_MONITOR_FAN * sizeof **out);
    if (!*out)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the monitoring fans");
    for (int m = 0; m < months; m++)
        for (int l = 0; l < BMC_MONITOR_FAN; l++)
            (*out)[(size_t)m * BMC_MONITOR_FAN + (size_t)l] =
                bmc_monthly_hist_quantile(h + (size_t)m * (size_t)bins, series, FAN_LEVELS[l]);
    return BMC_OK;
}

int bmc_monitor_compute(bmc_h5read *r, const bmc_observed *obs, bmc_monitor *out,
                        bmc_err *err)
{
    const bmc_h5read_info *info = bmc_h5read_get_info(r);
    bmc_date day0 = info->day0, pact = info->pact_date;
    memset(out, 0, sizeof *out);
    out->first_month = bmc_history_month_of(day0);
    int total = 0;
    for (int k = 0; k < BMC_OBS_COUNT; k++)
        total += obs->n[k];
    out->row = calloc(total > 0 ? (size_t)total : 1, sizeof *out->row);
    if (!out->row)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the monitoring table");
    int rc = BMC_OK;
    for (int k = 0; k < BMC_OBS_COUNT && rc == BMC_OK; k++) {
        int series = summary_series(k), bins = bmc_summary_monthly_bins(series);
        int64_t *h = NULL;
        rc = bmc_monthly_hist_read(r, series, &h, &out->months, err);
        if (rc == BMC_OK)
            rc = whole_fan(h, series, out->months, &out->fan[k], err);
        for (int i = 0; i < obs->n[k] && rc == BMC_OK; i++) {
            const bmc_obs_point *pt = &obs->p[k][i];
            if (pt->month < out->first_month) {
                out->before++;
                continue;
            }
            bmc_monitor_row *row = &out->row[out->n++];
            *row = (bmc_monitor_row){.series = k, .month = pt->month, .observed = pt->value,
                                     .percentile = NAN, .position = BMC_MONITOR_NONE};
            for (int l = 0; l < BMC_MONITOR_FAN; l++)
                row->fan[l] = NAN;
            const char *why = not_comparable(k, pt->month, out, day0, pact);
            if (why)
                snprintf(row->note, sizeof row->note, "%s", why);
            else
                place(h + (size_t)(pt->month - out->first_month) * (size_t)bins, series, row);
        }
        free(h);
    }
    if (rc != BMC_OK)
        bmc_monitor_free(out);
    return rc;
}

void bmc_monitor_free(bmc_monitor *m)
{
    free(m->row);
    m->row = NULL;
    m->n = 0;
    for (int k = 0; k < BMC_OBS_COUNT; k++) {
        free(m->fan[k]);
        m->fan[k] = NULL;
    }
}
