#include "backtest_h5.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "h5file.h"
#include "h5util.h"

#define PERIOD_LEN 7 /* "2025-06", "2025-Q3" */

/* ---- writing ------------------------------------------------------------------------------ */

static int attr_units(bmc_h5ctx *e, hid_t g, const char *name, const char *units)
{
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    int rc = d < 0 ? bmc_h5_fail(e, "open dataset %s", name)
                   : bmc_h5_attr_string(e, d, "units", units);
    bmc_h5_close_dataset(&d);
    return rc;
}

/* A float64 dataset [n] or [n][cols] (cols > 0) with its units. */
static int write_doubles(bmc_h5ctx *e, hid_t g, const char *name, size_t n, size_t cols,
                         const double *buf, const char *units)
{
    hsize_t dims[2] = {n, cols};
    BMC_TRY(bmc_h5_write_array(e, g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cols ? 2 : 1,
                               dims, buf));
    return attr_units(e, g, name, units);
}

static int write_ints(bmc_h5ctx *e, hid_t g, const char *name, size_t n, size_t cols,
                      const int64_t *buf, const char *units)
{
    hsize_t dims[2] = {n, cols};
    BMC_TRY(bmc_h5_write_array(e, g, name, H5T_STD_I64LE, H5T_NATIVE_INT64, cols ? 2 : 1, dims,
                               buf));
    return attr_units(e, g, name, units);
}

/* Periods as fixed 7-character strings, from the first months of periods of `months`. */
static int write_periods(bmc_h5ctx *e, hid_t g, const char *name, const int *first, size_t n,
                         int months)
{
    char *buf = calloc(n ? n : 1, PERIOD_LEN);
    hid_t t = bmc_h5_fixed_string_type(PERIOD_LEN);
    int rc = BMC_OK;
    if (!buf)
        rc = bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory for %s", e->path, name);
    else if (t < 0)
        rc = bmc_h5_fail(e, "create a string type");
    for (size_t i = 0; !rc && i < n; i++) {
        char text[8];
        bmc_history_format_period(&(bmc_history_period){first[i], months, 0}, text);
        memcpy(buf + i * PERIOD_LEN, text, PERIOD_LEN);
    }
    hsize_t dims[1] = {n};
    if (!rc)
        rc = bmc_h5_write_array(e, g, name, t, t, 1, dims, buf);
    bmc_h5_close_type(t);
    free(buf);
    return rc;
}

static int write_series(bmc_h5ctx *e, hid_t g, const bmc_history *h)
{
    size_t n = (size_t)h->n;
    int *first = malloc((n ? n : 1) * sizeof *first);
    double *count = malloc((n ? n : 1) * sizeof *count);
    int rc = first && count ? BMC_OK : bmc_fail(e->err, BMC_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        first[i] = h->p[i].month;
        count[i] = h->p[i].count;
    }
    if (!rc)
        rc = write_periods(e, g, "period", first, n, n ? h->p[0].months : 1);
    if (!rc)
        rc = write_doubles(e, g, "count", n, 0, count, "first applications in the period "
                           "(observed periods only; gaps are left out)");
    free(first);
    free(count);
    return rc;
}

/* The columns of the origins and of the forecasts, gathered from the origins. */
typedef struct columns {
    int *first;              /* [O] first month of the origin period */
    int64_t *n_obs;          /* [O] */
    double *post[4];         /* [O] level median, level sdlog, deviation mean, deviation sd */
    double *fan;             /* [O][steps][Q] */
    int *row_origin;         /* [R] */
    int64_t *horizon, *in50, *in90; /* [R] */
    double *observed, *mean, *pit, *crps, *quantile; /* [R], quantile [R][Q] */
    double *ref[BMC_SCORE_REFS], *ref_crps[BMC_SCORE_REFS]; /* [R] */
} columns;

static void columns_free(columns *c)
{
    free(c->first);
    free(c->n_obs);
    for (int i = 0; i < 4; i++)
        free(c->post[i]);
    free(c->fan);
    free(c->row_origin);
    free(c->horizon);
    free(c->in50);
    free(c->in90);
    free(c->observed);
    free(c->mean);
    free(c->pit);
    free(c->crps);
    free(c->quantile);
    for (int r = 0; r < BMC_SCORE_REFS; r++) {
        free(c->ref[r]);
        free(c->ref_crps[r]);
    }
}

static bool columns_alloc(columns *c, size_t O, size_t R, size_t steps)
{
    memset(c, 0, sizeof *c);
    O = O ? O : 1;
    R = R ? R : 1;
    c->first = malloc(O * sizeof *c->first);
    c->n_obs = malloc(O * sizeof *c->n_obs);
    bool ok = c->first && c->n_obs;
    for (int i = 0; i < 4; i++)
        ok = (c->post[i] = malloc(O * sizeof(double))) && ok;
    ok = (c->fan = malloc(O * steps * BMC_SCORE_QUANTILES * sizeof *c->fan)) && ok;
    ok = (c->row_origin = malloc(R * sizeof *c->row_origin)) && ok;
    ok = (c->horizon = malloc(R * sizeof(int64_t))) && ok;
    ok = (c->in50 = malloc(R * sizeof(int64_t))) && ok;
    ok = (c->in90 = malloc(R * sizeof(int64_t))) && ok;
    ok = (c->observed = malloc(R * sizeof(double))) && ok;
    ok = (c->mean = malloc(R * sizeof(double))) && ok;
    ok = (c->pit = malloc(R * sizeof(double))) && ok;
    ok = (c->crps = malloc(R * sizeof(double))) && ok;
    ok = (c->quantile = malloc(R * BMC_SCORE_QUANTILES * sizeof(double))) && ok;
    for (int r = 0; r < BMC_SCORE_REFS; r++) {
        ok = (c->ref[r] = malloc(R * sizeof(double))) && ok;
        ok = (c->ref_crps[r] = malloc(R * sizeof(double))) && ok;
    }
    return ok;
}

static void gather(const bmc_backtest_meta *m, size_t steps, columns *c)
{
    const bmc_backtest_plan *plan = m->plan;
    int H = plan->n_horizons, pm = plan->period_months;
    for (int i = 0; i < plan->n_origins; i++) {
        const bmc_backtest_origin *o = &m->origins[i];
        c->first[i] = o->origin - pm + 1;
        c->n_obs[i] = o->post.n_obs;
        c->post[0][i] = o->post.level_median;
        c->post[1][i] = o->post.level_sdlog;
        c->post[2][i] = o->post.deviation_mean;
        c->post[3][i] = o->post.deviation_sd;
        for (size_t s = 0; s < steps; s++)
            memcpy(c->fan + ((size_t)i * steps + s) * BMC_SCORE_QUANTILES, o->fan[s],
                   sizeof o->fan[s]);
        for (int k = 0; k < H; k++) {
            size_t r = (size_t)i * (size_t)H + (size_t)k;
            const bmc_forecast_score *f = &o->score[k];
            bool known = !isnan(f->observed);
            c->row_origin[r] = c->first[i];
            c->horizon[r] = plan->horizon[k];
            c->observed[r] = f->observed;
            c->mean[r] = f->mean;
            c->pit[r] = f->pit;
            c->crps[r] = f->crps;
            c->in50[r] = known ? f->in50 : -1;
            c->in90[r] = known ? f->in90 : -1;
            memcpy(c->quantile + r * BMC_SCORE_QUANTILES, f->quantile, sizeof f->quantile);
            for (int q = 0; q < BMC_SCORE_REFS; q++) {
                c->ref[q][r] = f->ref[q];
                c->ref_crps[q][r] = f->ref_crps[q];
            }
        }
    }
}

static int attr_levels(bmc_h5ctx *e, hid_t g, const char *name)
{
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT), s = H5I_INVALID_HID, a = H5I_INVALID_HID;
    hsize_t n = BMC_SCORE_QUANTILES;
    int rc = BMC_OK;
    if (d < 0 || (s = H5Screate_simple(1, &n, NULL)) < 0
        || (a = H5Acreate2(d, "levels", H5T_STD_I32LE, s, H5P_DEFAULT, H5P_DEFAULT)) < 0
        || H5Awrite(a, H5T_NATIVE_INT, bmc_score_quantile_levels) < 0)
        rc = bmc_h5_fail(e, "write the levels of %s", name);
    bmc_h5_close_attr(a);
    bmc_h5_close_space(s);
    bmc_h5_close_dataset(&d);
    return rc;
}

static const char *const COUNT_UNITS = "first applications over the horizon";

static int write_origins(bmc_h5ctx *e, hid_t g, const bmc_backtest_meta *m, const columns *c,
                         size_t steps)
{
    const bmc_backtest_plan *plan = m->plan;
    size_t O = (size_t)plan->n_origins;
    int rc;
    hsize_t dims[3] = {O, steps, BMC_SCORE_QUANTILES};
    int32_t step_months = plan->period_months;
    if ((rc = write_periods(e, g, "period", c->first, O, plan->period_months))
        || (rc = write_ints(e, g, "n_observed", O, 0, c->n_obs,
                            "periods of the series the forecast was conditioned on"))
        || (rc = write_doubles(e, g, "level_median", O, 0, c->post[0],
                               "first applications a year: the posterior median of the level "
                               "of the year of the first forecast month"))
        || (rc = write_doubles(e, g, "level_sdlog", O, 0, c->post[1],
                               "sd of the posterior log level"))
        || (rc = write_doubles(e, g, "deviation_mean", O, 0, c->post[2],
                               "posterior mean of the monthly deviation x of the origin's "
                               "last month"))
        || (rc = write_doubles(e, g, "deviation_sd", O, 0, c->post[3],
                               "posterior sd of that deviation"))
        || (rc = bmc_h5_write_array(e, g, "fan", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dims,
                                    c->fan))
        || (rc = attr_units(e, g, "fan", "first applications in each period after the "
                            "origin: quantiles at the levels attribute"))
        || (rc = attr_levels(e, g, "fan")))
        return rc;
    hid_t d = H5Dopen2(g, "fan", H5P_DEFAULT);
    rc = d < 0 ? bmc_h5_fail(e, "open dataset fan")
               : bmc_h5_attr_scalar(e, d, "step_months", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                    &step_months);
    bmc_h5_close_dataset(&d);
    return rc;
}

static int write_forecasts(bmc_h5ctx *e, hid_t g, const bmc_backtest_meta *m,
                           const columns *c)
{
    size_t R = (size_t)m->plan->n_origins * (size_t)m->plan->n_horizons;
    int rc;
    if ((rc = write_periods(e, g, "origin", c->row_origin, R, m->plan->period_months))
        || (rc = write_ints(e, g, "horizon_months", R, 0, c->horizon,
                            "months after the origin that the total covers"))
        || (rc = write_doubles(e, g, "observed", R, 0, c->observed,
                               "first applications over the horizon; NaN when a period "
                               "of it was not observed"))
        || (rc = write_doubles(e, g, "quantiles", R, BMC_SCORE_QUANTILES, c->quantile,
                               "first applications over the horizon: forecast quantiles at "
                               "the levels attribute"))
        || (rc = attr_levels(e, g, "quantiles"))
        || (rc = write_doubles(e, g, "mean", R, 0, c->mean, COUNT_UNITS))
        || (rc = write_doubles(e, g, "pit", R, 0, c->pit,
                               "probability integral transform of the observation (ties split "
                               "evenly); NaN when not observed"))
        || (rc = write_ints(e, g, "in50", R, 0, c->in50,
                            "1 when the observation lies in the central 50 % interval, 0 when "
                            "not, -1 when not observed"))
        || (rc = write_ints(e, g, "in90", R, 0, c->in90, "the same for the central 90 %"))
        || (rc = write_doubles(e, g, "crps", R, 0, c->crps,
                               "first applications: CRPS of the forecast (fair, from the "
                               "sample); NaN when not observed"))
        || (rc = write_doubles(e, g, "naive_same_months", R, 0, c->ref[BMC_BT_REF_SAME_MONTHS],
                               "first applications: the same months a year earlier; NaN when "
                               "one was not observed"))
        || (rc = write_doubles(e, g, "naive_last_year", R, 0, c->ref[BMC_BT_REF_LAST_YEAR],
                               "first applications: the last 12 months' total spread by the "
                               "seasonality; NaN when one was not observed"))
        || (rc = write_doubles(e, g, "crps_naive_same_months", R, 0,
                               c->ref_crps[BMC_BT_REF_SAME_MONTHS],
                               "first applications: absolute error of naive_same_months"))
        || (rc = write_doubles(e, g, "crps_naive_last_year", R, 0,
                               c->ref_crps[BMC_BT_REF_LAST_YEAR],
                               "first applications: absolute error of naive_last_year")))
        return rc;
    return BMC_OK;
}

static int write_summary(bmc_h5ctx *e, hid_t g, const bmc_backtest_meta *m)
{
    size_t H = (size_t)m->plan->n_horizons;
    int64_t horizon[BMC_BT_MAX_HORIZONS], n[BMC_BT_MAX_HORIZONS];
    int64_t n_ref[BMC_SCORE_REFS][BMC_BT_MAX_HORIZONS], pit[BMC_BT_MAX_HORIZONS][BMC_PIT_BINS];
    double v[7][BMC_BT_MAX_HORIZONS];
    for (size_t k = 0; k < H; k++) {
        const bmc_score_summary *s = &m->summary[k];
        horizon[k] = m->plan->horizon[k];
        n[k] = s->n;
        memcpy(pit[k], s->pit, sizeof pit[k]);
        double row[7] = {s->cover50, s->cover90, s->pit_chisq, s->pit_p, s->crps_mean,
                         s->skill[BMC_BT_REF_SAME_MONTHS], s->skill[BMC_BT_REF_LAST_YEAR]};
        for (int j = 0; j < 7; j++)
            v[j][k] = row[j];
        for (int r = 0; r < BMC_SCORE_REFS; r++)
            n_ref[r][k] = s->n_ref[r];
    }
    int rc;
    if ((rc = write_ints(e, g, "horizon_months", H, 0, horizon, "months"))
        || (rc = write_ints(e, g, "n", H, 0, n, "forecasts with an observation"))
        || (rc = write_doubles(e, g, "cover50", H, 0, v[0],
                               "share of observations in the central 50 % interval"))
        || (rc = write_doubles(e, g, "cover90", H, 0, v[1],
                               "share of observations in the central 90 % interval"))
        || (rc = write_ints(e, g, "pit_histogram", H, BMC_PIT_BINS, &pit[0][0],
                            "forecasts whose PIT falls in each tenth of [0, 1]"))
        || (rc = write_doubles(e, g, "pit_chisq", H, 0, v[2],
                               "chi-square statistic of the PIT histogram against a flat one"))
        || (rc = write_doubles(e, g, "pit_p", H, 0, v[3],
                               "its p-value (9 degrees of freedom); small: not uniform"))
        || (rc = write_doubles(e, g, "crps_mean", H, 0, v[4],
                               "first applications: mean CRPS of the forecasts"))
        || (rc = write_ints(e, g, "n_same_months", H, 0, n_ref[BMC_BT_REF_SAME_MONTHS],
                            "forecasts where naive_same_months exists"))
        || (rc = write_doubles(e, g, "skill_same_months", H, 0, v[5],
                               "1 - sum CRPS / sum CRPS of naive_same_months over those "
                               "forecasts: positive when the forecast is better"))
        || (rc = write_ints(e, g, "n_last_year", H, 0, n_ref[BMC_BT_REF_LAST_YEAR],
                            "forecasts where naive_last_year exists"))
        || (rc = write_doubles(e, g, "skill_last_year", H, 0, v[6],
                               "the same against naive_last_year")))
        return rc;
    return BMC_OK;
}

static int write_latest(bmc_h5ctx *e, hid_t g, const bmc_backtest_posterior *p)
{
    char month[8];
    bmc_history_format_period(&(bmc_history_period){p->month, 1, 0}, month);
    int32_t n_obs = p->n_obs;
    int rc;
    if ((rc = bmc_h5_attr_string(e, g, "month", month))
        || (rc = bmc_h5_attr_scalar(e, g, "n_observed", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                    &n_obs))
        || (rc = bmc_h5_attr_scalar(e, g, "level_median", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                    &p->level_median))
        || (rc = bmc_h5_attr_scalar(e, g, "level_sdlog", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                    &p->level_sdlog))
        || (rc = bmc_h5_attr_scalar(e, g, "deviation_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                    &p->deviation_mean))
        || (rc = bmc_h5_attr_scalar(e, g, "deviation_sd", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                    &p->deviation_sd)))
        return rc;
    return BMC_OK;
}

static int write_root(bmc_h5ctx *e, hid_t file, const bmc_backtest_meta *m)
{
    int32_t pm = m->plan->period_months;
    int rc;
    if ((rc = bmc_h5_attr_provenance(e, file, BMC_BACKTEST_FORMAT, BMC_BACKTEST_SCHEMA_VERSION,
                                     m->config_name, m->seed, m->n_scenarios))
        || (rc = bmc_h5_attr_string(e, file, "series_file", m->series_file))
        || (rc = bmc_h5_attr_string(e, file, "series_column",
                                    m->series_column ? m->series_column : ""))
        || (rc = bmc_h5_attr_scalar(e, file, "period_months", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                    &pm)))
        return rc;
    return bmc_h5_write_config(e, file, m->config_text);
}

/* Each group in turn; every id is closed before the next. */
static int write_groups(bmc_h5ctx *e, hid_t file, const bmc_backtest_meta *m, const columns *c,
                        size_t steps)
{
    static const char *const names[] = {"series", "origins", "forecasts", "summary", "latest"};
    int rc = write_root(e, file, m);
    for (int i = 0; !rc && i < 5; i++) {
        hid_t g = bmc_h5_create_group(file, names[i]);
        if (g < 0)
            rc = bmc_h5_fail(e, "create group /%s", names[i]);
        else if (i == 0)
            rc = write_series(e, g, m->series);
        else if (i == 1)
            rc = write_origins(e, g, m, c, steps);
        else if (i == 2)
            rc = write_forecasts(e, g, m, c);
        else if (i == 3)
            rc = write_summary(e, g, m);
        else
            rc = write_latest(e, g, m->latest);
        bmc_h5_close_group(g);
    }
    return rc;
}

int bmc_backtest_h5_write(const char *path, const bmc_backtest_meta *m, bmc_err *err)
{
    const bmc_backtest_plan *plan = m->plan;
    size_t steps = (size_t)(plan->horizon[plan->n_horizons - 1] / plan->period_months);
    columns c;
    if (!columns_alloc(&c, (size_t)plan->n_origins,
                       (size_t)plan->n_origins * (size_t)plan->n_horizons, steps)) {
        columns_free(&c);
        return bmc_fail(err, BMC_ENOMEM, "out of memory writing %s", path);
    }
    gather(m, steps, &c);
    bmc_h5file f;
    int rc = bmc_h5file_create(&f, path, "backtest file", err);
    if (rc == BMC_OK) {
        bmc_h5ctx e;
        bmc_h5ctx_begin(&e, f.tmp_path, err);
        rc = write_groups(&e, f.id, m, &c, steps);
        if (!rc)
            rc = bmc_h5file_check(&f, err);
        bmc_h5ctx_end(&e);
        if (rc)
            bmc_h5file_discard(&f);
        else
            rc = bmc_h5file_commit(&f, err);
    }
    columns_free(&c);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* A dataset of n values (or n x cols) converted to mtype into buf. */
static int read_column(bmc_h5ctx *e, hid_t g, const char *name, hid_t mtype, hsize_t n,
                       hsize_t cols, void *buf)
{
    hid_t d = H5Lexists(g, name, H5P_DEFAULT) > 0 ? H5Dopen2(g, name, H5P_DEFAULT)
                                                  : H5I_INVALID_HID;
    hid_t s = d < 0 ? H5I_INVALID_HID : H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    bool shape = rank == (cols ? 2 : 1) && H5Sget_simple_extent_dims(s, dims, NULL) >= 0
                 && dims[0] == n && (!cols || dims[1] == cols);
    int rc = BMC_OK;
    if (!shape)
        rc = bmc_fail(e->err, BMC_EIO, "%s: /summary/%s is missing or not of %llu rows",
                      e->path, name, (unsigned long long)n);
    else if (n > 0 && H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = bmc_h5_fail(e, "read /summary/%s", name);
    bmc_h5_close_space(s);
    bmc_h5_close_dataset(&d);
    return rc;
}

static int read_summary(bmc_h5ctx *e, hid_t file, bmc_backtest_h5_info *in)
{
    hid_t g = H5Lexists(file, "summary", H5P_DEFAULT) > 0 ? H5Gopen2(file, "summary", H5P_DEFAULT)
                                                          : H5I_INVALID_HID;
    hid_t d = g < 0 ? H5I_INVALID_HID : H5Dopen2(g, "horizon_months", H5P_DEFAULT);
    hid_t s = d < 0 ? H5I_INVALID_HID : H5Dget_space(d);
    hssize_t n = s < 0 ? -1 : H5Sget_simple_extent_npoints(s);
    bmc_h5_close_space(s);
    bmc_h5_close_dataset(&d);
    int rc = BMC_OK;
    if (n < 1 || n > BMC_BT_MAX_HORIZONS)
        rc = bmc_fail(e->err, BMC_EIO, "%s: /summary/horizon_months is missing or does not "
                      "hold 1 to %d horizons", e->path, BMC_BT_MAX_HORIZONS);
    hsize_t H = n > 0 ? (hsize_t)n : 0;
    in->n_horizons = (int)H;
    int64_t horizon[BMC_BT_MAX_HORIZONS], count[BMC_BT_MAX_HORIZONS];
    int64_t n_ref[BMC_SCORE_REFS][BMC_BT_MAX_HORIZONS], pit[BMC_BT_MAX_HORIZONS][BMC_PIT_BINS];
    double v[7][BMC_BT_MAX_HORIZONS];
    static const char *const names[7] = {"cover50", "cover90", "pit_chisq", "pit_p",
                                         "crps_mean", "skill_same_months", "skill_last_year"};
    if (!rc)
        rc = read_column(e, g, "horizon_months", H5T_NATIVE_INT64, H, 0, horizon);
    if (!rc)
        rc = read_column(e, g, "n", H5T_NATIVE_INT64, H, 0, count);
    if (!rc)
        rc = read_column(e, g, "pit_histogram", H5T_NATIVE_INT64, H, BMC_PIT_BINS, pit);
    if (!rc)
        rc = read_column(e, g, "n_same_months", H5T_NATIVE_INT64, H, 0, n_ref[0]);
    if (!rc)
        rc = read_column(e, g, "n_last_year", H5T_NATIVE_INT64, H, 0, n_ref[1]);
    for (int j = 0; !rc && j < 7; j++)
        rc = read_column(e, g, names[j], H5T_NATIVE_DOUBLE, H, 0, v[j]);
    for (hsize_t k = 0; !rc && k < H; k++) {
        bmc_score_summary *o = &in->summary[k];
        memset(o, 0, sizeof *o);
        in->horizon[k] = (int)horizon[k];
        o->n = count[k];
        memcpy(o->pit, pit[k], sizeof o->pit);
        o->cover50 = v[0][k];
        o->cover90 = v[1][k];
        o->pit_chisq = v[2][k];
        o->pit_p = v[3][k];
        o->crps_mean = v[4][k];
        o->skill[BMC_BT_REF_SAME_MONTHS] = v[5][k];
        o->skill[BMC_BT_REF_LAST_YEAR] = v[6][k];
        for (int r = 0; r < BMC_SCORE_REFS; r++)
            o->n_ref[r] = n_ref[r][k];
        if (horizon[k] < 1 || horizon[k] > BMC_BT_MAX_MONTHS || count[k] < 0)
            rc = bmc_fail(e->err, BMC_EIO, "%s: /summary holds a horizon or count out of range",
                          e->path);
    }
    bmc_h5_close_group(g);
    return rc;
}

/* The origins' first and last periods, from /origins/period. */
static int read_origins(bmc_h5ctx *e, hid_t file, bmc_backtest_h5_info *in)
{
    hid_t d = H5Lexists(file, "origins", H5P_DEFAULT) > 0
                  ? H5Dopen2(file, "origins/period", H5P_DEFAULT)
                  : H5I_INVALID_HID;
    hid_t s = d < 0 ? H5I_INVALID_HID : H5Dget_space(d);
    hssize_t n = s < 0 ? -1 : H5Sget_simple_extent_npoints(s);
    hid_t t = bmc_h5_fixed_string_type(PERIOD_LEN);
    char *buf = n > 0 ? calloc((size_t)n, PERIOD_LEN) : NULL;
    int rc = BMC_OK;
    if (n < 1 || n > BMC_BT_MAX_ORIGINS || t < 0)
        rc = bmc_fail(e->err, BMC_EIO, "%s: /origins/period is missing or empty", e->path);
    else if (!buf)
        rc = bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory", e->path);
    else if (H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = bmc_h5_fail(e, "read /origins/period");
    if (!rc) {
        in->n_origins = (int)n;
        memcpy(in->first_origin, buf, PERIOD_LEN);
        memcpy(in->last_origin, buf + (size_t)(n - 1) * PERIOD_LEN, PERIOD_LEN);
        in->first_origin[PERIOD_LEN] = in->last_origin[PERIOD_LEN] = '\0';
    }
    free(buf);
    bmc_h5_close_type(t);
    bmc_h5_close_space(s);
    bmc_h5_close_dataset(&d);
    return rc;
}

static int read_root(bmc_h5ctx *e, hid_t file, bmc_backtest_h5_info *in)
{
    char format[64];
    if (!bmc_h5_attr_read_string(file, "format", format, sizeof format)
        || strcmp(format, BMC_BACKTEST_FORMAT))
        return bmc_fail(e->err, BMC_EIO, "%s: not a backlogmc backtest file (format attribute "
                        "is not \"%s\")", e->path, BMC_BACKTEST_FORMAT);
    int32_t version = 0, pm = 0;
    if (!bmc_h5_attr_read_number(file, "schema_version", H5T_NATIVE_INT32, &version))
        return bmc_fail(e->err, BMC_EIO, "%s: no schema_version attribute", e->path);
    if (version != BMC_BACKTEST_SCHEMA_VERSION)
        return bmc_fail(e->err, BMC_EIO, "%s: backtest schema version %d; this backlogmc reads "
                        "version %d", e->path, (int)version, BMC_BACKTEST_SCHEMA_VERSION);
    bmc_h5_attr_read_string(file, "engine_version", in->engine_version,
                            sizeof in->engine_version);
    bmc_h5_attr_read_string(file, "git_commit", in->git_commit, sizeof in->git_commit);
    bmc_h5_attr_read_string(file, "created", in->created, sizeof in->created);
    bmc_h5_attr_read_string(file, "config_name", in->config_name, sizeof in->config_name);
    bmc_h5_attr_read_string(file, "series_file", in->series_file, sizeof in->series_file);
    bmc_h5_attr_read_string(file, "series_column", in->series_column, sizeof in->series_column);
    if (!bmc_h5_attr_read_number(file, "master_seed", H5T_NATIVE_UINT64, &in->seed)
        || !bmc_h5_attr_read_number(file, "n_scenarios", H5T_NATIVE_INT64, &in->n_scenarios)
        || !bmc_h5_attr_read_number(file, "period_months", H5T_NATIVE_INT32, &pm)
        || (pm != 1 && pm != 3))
        return bmc_fail(e->err, BMC_EIO, "%s: master_seed, n_scenarios or period_months is "
                        "missing or out of range", e->path);
    in->period_months = pm;
    return BMC_OK;
}

int bmc_backtest_h5_read(const char *path, bmc_backtest_h5_info *out, bmc_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bmc_fail(err, BMC_EIO, "%s: cannot open: %s", path, strerror(errno));
    fclose(f);
    if (H5Fis_hdf5(path) <= 0)
        return bmc_fail(err, BMC_EIO, "%s: not an HDF5 file", path);
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, path, err);
    bmc_h5vfd vfd = {.driver = H5I_INVALID_HID};
    hid_t file = bmc_h5_open_read(path, &vfd);
    int rc = file < 0 ? bmc_h5_fail(&e, "open the file") : read_root(&e, file, out);
    if (!rc)
        rc = read_origins(&e, file, out);
    if (!rc)
        rc = read_summary(&e, file, out);
    if (file >= 0)
        H5Fclose(file);
    bmc_h5vfd_release(&vfd);
    bmc_h5ctx_end(&e);
    return rc;
}
