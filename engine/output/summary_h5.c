/* The /summary group of the results file; docs/output.md is the reader's description. */
#include "summary_h5.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "summary_bins.h"
#include "stats.h"

#define DAY_UNITS                                                                            \
    "days since day0; -1 = beyond the horizon; -2 = interval open on this side with this "  \
    "many scenarios; -3 = no scenarios in the group"
#define QUANTILE_RULE                                                                        \
    "estimate X_(k), k = ceil(n p), over the scenarios in order (not by the horizon sorts "  \
    "last); 95 % interval [X_(l), X_(u)] with B ~ Binomial(n, p): l the largest rank with "  \
    "P(B <= l - 1) <= 0.025, u the smallest with P(B >= u) <= 0.025"
#define COUNT_ERROR                                                                          \
    "exact for whole numbers below 256; from 256 within 1/256 (0.39 %) of the value; "       \
    "values of 16777216 and more read as 16777216"
#define SHARE_ERROR "within 0.0005 of the value"

typedef struct writer {
    bmc_h5ctx *e;
    const bmc_summary *s;
    int G, Q, D1;            /* groups, quantile levels, days + 1 */
    int C, M;                /* categories, months */
} writer;

static void *alloc_zero(size_t n, size_t size)
{
    return calloc(n > 0 ? n : 1, size);
}

static int no_memory(writer *w, const char *what)
{
    return bmc_fail(w->e->err, BMC_ENOMEM, "%s: out of memory for the summary %s", w->e->path,
                    what);
}

static int write_i32(writer *w, hid_t g, const char *name, int rank, const hsize_t *dims,
                     const int32_t *buf)
{
    return bmc_h5_write_array(w->e, g, name, H5T_STD_I32LE, H5T_NATIVE_INT32, rank, dims, buf);
}

static int write_i64(writer *w, hid_t g, const char *name, int rank, const hsize_t *dims,
                     const int64_t *buf)
{
    return bmc_h5_write_array(w->e, g, name, H5T_STD_I64LE, H5T_NATIVE_INT64, rank, dims, buf);
}

static int write_f64(writer *w, hid_t g, const char *name, int rank, const hsize_t *dims,
                     const double *buf)
{
    return bmc_h5_write_array(w->e, g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, rank, dims,
                              buf);
}

/* An attribute on an object that was just written: loc/name. */
static int attr_on(writer *w, hid_t loc, const char *name, const char *attr, const char *text)
{
    hid_t d = H5Oopen(loc, name, H5P_DEFAULT);
    if (d < 0)
        return bmc_h5_fail(w->e, "open %s", name);
    int rc = bmc_h5_attr_string(w->e, d, attr, text);
    H5Oclose(d);
    return rc;
}

static int group_names(writer *w, hid_t g)
{
    char names[BMC_SUM_GROUPS][BMC_NAME_LEN];
    for (int i = 0; i < BMC_SUM_GROUPS; i++)
        snprintf(names[i], BMC_NAME_LEN, "%s", bmc_summary_group_name(i));
    return bmc_h5_attr_names(w->e, g, "groups", (const char (*)[BMC_NAME_LEN])names,
                             BMC_SUM_GROUPS);
}

static int category_names(writer *w, hid_t g)
{
    const bmc_layout *l = bmc_summary_layout(w->s);
    return bmc_h5_attr_names(w->e, g, "categories", l->category_names, l->n_categories);
}

/* ---- day quantities ---------------------------------------------------------------------- */

typedef struct day_arrays {
    int32_t *q, *lo, *hi;
    int64_t *rank, *lo_rank, *hi_rank, *counts;
} day_arrays;

static void day_arrays_free(day_arrays *a)
{
    free(a->q);
    free(a->lo);
    free(a->hi);
    free(a->rank);
    free(a->lo_rank);
    free(a->hi_rank);
    free(a->counts);
}

static bool day_arrays_alloc(day_arrays *a, size_t cells, size_t count_cells)
{
    a->q = alloc_zero(cells, sizeof(int32_t));
    a->lo = alloc_zero(cells, sizeof(int32_t));
    a->hi = alloc_zero(cells, sizeof(int32_t));
    a->rank = alloc_zero(cells, sizeof(int64_t));
    a->lo_rank = alloc_zero(cells, sizeof(int64_t));
    a->hi_rank = alloc_zero(cells, sizeof(int64_t));
    a->counts = alloc_zero(count_cells, sizeof(int64_t));
    return a->q && a->lo && a->hi && a->rank && a->lo_rank && a->hi_rank && a->counts;
}

/* Quantities q0 .. q0 + nq - 1 for every group; row (g, i) of the arrays. */
static void fill_days(writer *w, int q0, int nq, day_arrays *a)
{
    for (int g = 0; g < w->G; g++)
        for (int i = 0; i < nq; i++) {
            size_t row = (size_t)g * (size_t)nq + (size_t)i;
            for (int l = 0; l < w->Q; l++) {
                bmc_sum_quantile qt;
                bmc_summary_day_quantile(w->s, g, q0 + i, bmc_summary_levels[l], &qt);
                size_t at = row * (size_t)w->Q + (size_t)l;
                a->q[at] = qt.day;
                a->lo[at] = qt.lo_day;
                a->hi[at] = qt.hi_day;
                a->rank[at] = qt.rank;
                a->lo_rank[at] = qt.lo_rank;
                a->hi_rank[at] = qt.hi_rank;
            }
            bmc_summary_day_counts(w->s, g, q0 + i, a->counts + row * (size_t)w->D1);
        }
}

static int write_day_arrays(writer *w, hid_t g, const day_arrays *a, int rank,
                            const hsize_t *dims, const hsize_t *cdims)
{
    int rc;
    if ((rc = write_i32(w, g, "quantile", rank, dims, a->q))
        || (rc = write_i32(w, g, "ci_low", rank, dims, a->lo))
        || (rc = write_i32(w, g, "ci_high", rank, dims, a->hi))
        || (rc = write_i64(w, g, "rank", rank, dims, a->rank))
        || (rc = write_i64(w, g, "ci_low_rank", rank, dims, a->lo_rank))
        || (rc = write_i64(w, g, "ci_high_rank", rank, dims, a->hi_rank))
        || (rc = bmc_h5_write_array_deflated(w->e, g, "count_by_day", H5T_STD_I64LE,
                                             H5T_NATIVE_INT64, rank, cdims, a->counts)))
        return rc;
    static const char *const with_units[] = {"quantile", "ci_low", "ci_high"};
    for (int i = 0; i < 3 && !rc; i++)
        rc = attr_on(w, g, with_units[i], "units", DAY_UNITS);
    if (!rc)
        rc = attr_on(w, g, "count_by_day", "units",
                     "scenarios per day index; the last element counts those not reached by "
                     "the horizon");
    return rc;
}

/* One group per day quantity: [groups][levels], or [groups][categories][levels]. */
static int write_day_quantity(writer *w, hid_t parent, const char *name, int q0, int nq,
                              bool per_category)
{
    hid_t g = bmc_h5_create_group(parent, name);
    if (g < 0)
        return bmc_h5_fail(w->e, "create group /summary/%s", name);
    day_arrays a;
    size_t rows = (size_t)w->G * (size_t)nq;
    int rc = BMC_OK;
    if (!day_arrays_alloc(&a, rows * (size_t)w->Q, rows * (size_t)w->D1))
        rc = no_memory(w, name);
    if (!rc) {
        fill_days(w, q0, nq, &a);
        hsize_t dims[3] = {(hsize_t)w->G, (hsize_t)nq, (hsize_t)w->Q};
        hsize_t cdims[3] = {(hsize_t)w->G, (hsize_t)nq, (hsize_t)w->D1};
        if (per_category) {
            rc = write_day_arrays(w, g, &a, 3, dims, cdims);
        } else {
            dims[1] = dims[2];
            cdims[1] = cdims[2];
            rc = write_day_arrays(w, g, &a, 2, dims, cdims);
        }
    }
    if (!rc)
        rc = group_names(w, g);
    if (!rc && per_category)
        rc = category_names(w, g);
    day_arrays_free(&a);
    H5Gclose(g);
    return rc;
}

/* ---- completion by week ------------------------------------------------------------------ */

/* Calendar weeks Monday to Sunday; the first and last can be partial. */
static int write_weeks(writer *w, hid_t parent)
{
    int wd0 = bmc_date_weekday(bmc_summary_day0(w->s)); /* 0 = Monday */
    int nd = w->D1 - 1, nw = (nd - 1 + wd0) / 7 + 1;
    int32_t *first = alloc_zero((size_t)nw, sizeof *first);
    int64_t *days = alloc_zero((size_t)w->D1, sizeof *days);
    int64_t *count = alloc_zero((size_t)w->G * (size_t)(nw + 1), sizeof *count);
    hid_t g = H5I_INVALID_HID;
    int rc = BMC_OK;
    if (!first || !days || !count)
        rc = no_memory(w, "weeks");
    else if ((g = bmc_h5_create_group(parent, "completion_by_week")) < 0)
        rc = bmc_h5_fail(w->e, "create group /summary/completion_by_week");
    for (int k = 0; k < nw && !rc; k++)
        first[k] = k == 0 ? 0 : 7 * k - wd0;
    for (int gr = 0; gr < w->G && !rc; gr++) {
        bmc_summary_day_counts(w->s, gr, BMC_SUM_COMPLETION, days);
        int64_t *row = count + (size_t)gr * (size_t)(nw + 1);
        for (int d = 0; d < nd; d++)
            row[(d + wd0) / 7] += days[d];
        row[nw] = days[nd];
    }
    hsize_t fdims[1] = {(hsize_t)nw}, cdims[2] = {(hsize_t)w->G, (hsize_t)nw + 1};
    if (!rc && !(rc = write_i32(w, g, "first_day", 1, fdims, first))
        && !(rc = bmc_h5_write_array_deflated(w->e, g, "count", H5T_STD_I64LE,
                                              H5T_NATIVE_INT64, 2, cdims, count))
        && !(rc = attr_on(w, g, "first_day", "units",
                          "day index of the first simulated day of each week (Monday to "
                          "Sunday)")))
        rc = attr_on(w, g, "count", "units",
                     "scenarios completing in each week; the last element counts those not "
                     "complete by the horizon");
    if (!rc)
        rc = group_names(w, g);
    bmc_h5_close_group(g);
    free(first);
    free(days);
    free(count);
    return rc;
}

/* ---- probabilities ----------------------------------------------------------------------- */

static int write_probabilities(writer *w, hid_t parent)
{
    enum { E = BMC_SUM_EVENTS, G = BMC_SUM_GROUPS };
    int64_t count[G][E], n[G];
    double est[G][E], wlo[G][E], whi[G][E], clo[G][E], chi[G][E];
    for (int g = 0; g < G; g++) {
        n[g] = bmc_summary_n(w->s, g);
        for (int e = 0; e < E; e++) {
            bmc_sum_prob p;
            bmc_summary_probability(w->s, g, e, &p);
            count[g][e] = p.count;
            est[g][e] = p.estimate;
            wlo[g][e] = p.wilson_lo;
            whi[g][e] = p.wilson_hi;
            clo[g][e] = p.cp_lo;
            chi[g][e] = p.cp_hi;
        }
    }
    char events[E][BMC_NAME_LEN];
    for (int e = 0; e < E; e++)
        snprintf(events[e], BMC_NAME_LEN, "%s", bmc_summary_event_name(e));
    hid_t g = bmc_h5_create_group(parent, "probability");
    if (g < 0)
        return bmc_h5_fail(w->e, "create group /summary/probability");
    hsize_t dims[2] = {G, E}, ndims[1] = {G};
    int rc;
    if (!(rc = write_i64(w, g, "count", 2, dims, &count[0][0]))
        && !(rc = write_i64(w, g, "n", 1, ndims, n))
        && !(rc = write_f64(w, g, "estimate", 2, dims, &est[0][0]))
        && !(rc = write_f64(w, g, "wilson_low", 2, dims, &wlo[0][0]))
        && !(rc = write_f64(w, g, "wilson_high", 2, dims, &whi[0][0]))
        && !(rc = write_f64(w, g, "clopper_pearson_low", 2, dims, &clo[0][0]))
        && !(rc = write_f64(w, g, "clopper_pearson_high", 2, dims, &chi[0][0]))
        && !(rc = group_names(w, g)))
        rc = bmc_h5_attr_names(w->e, g, "events", (const char (*)[BMC_NAME_LEN])events, E);
    H5Gclose(g);
    return rc;
}

/* ---- monthly fan charts ------------------------------------------------------------------ */

/* Quantiles [M][ncols][L] of the series s0 .. s0 + ncols - 1. */
static int write_fan(writer *w, hid_t g, const char *name, int s0, int ncols, bool per_cat,
                     double *buf)
{
    for (int m = 0; m < w->M; m++)
        for (int c = 0; c < ncols; c++)
            for (int l = 0; l < BMC_SUM_N_FAN; l++)
                buf[((size_t)m * (size_t)ncols + (size_t)c) * BMC_SUM_N_FAN + (size_t)l] =
                    bmc_summary_monthly_quantile(w->s, s0 + c, m, bmc_summary_fan_levels[l]);
    hsize_t dims[3] = {(hsize_t)w->M, (hsize_t)ncols, BMC_SUM_N_FAN};
    if (!per_cat)
        dims[1] = BMC_SUM_N_FAN;
    int rc = write_f64(w, g, name, per_cat ? 3 : 2, dims, buf);
    if (!rc)
        rc = attr_on(w, g, name, "max_error",
                     bmc_summary_monthly_is_share(s0) ? SHARE_ERROR : COUNT_ERROR);
    return rc;
}

static int write_monthly_counts(writer *w, hid_t g, int64_t *n, double *share)
{
    hsize_t dims[1] = {(hsize_t)w->M};
    int64_t total = bmc_summary_n(w->s, BMC_SUM_ALL);
    int rc = BMC_OK;
    for (int k = BMC_MON_GRANT_RATE; k <= BMC_MON_IDLE_SHARE && !rc; k++) {
        char name[BMC_NAME_LEN + 8];
        snprintf(name, sizeof name, "%s_n", bmc_summary_monthly_name(k));
        for (int m = 0; m < w->M; m++)
            n[m] = bmc_summary_monthly_defined(w->s, k, m);
        rc = write_i64(w, g, name, 1, dims, n);
    }
    for (int m = 0; m < w->M; m++) {
        n[m] = bmc_summary_triage_count(w->s, m);
        share[m] = total > 0 ? (double)n[m] / (double)total : NAN;
    }
    if (!rc)
        rc = write_i64(w, g, "triage_count", 1, dims, n);
    if (!rc)
        rc = write_f64(w, g, "triage_share", 1, dims, share);
    return rc;
}

/* The whole monthly distributions of the indicators that `backlogmc monitor` compares with
 * observed values (MODEL.md section 12): [M][bins] counts, mostly zeros, deflated. */
static int write_histograms(writer *w, hid_t parent)
{
    static const int SERIES[] = {BMC_MON_OLD_OPEN, BMC_MON_OLD_DECISIONS,
                                 BMC_MON_NEW_ON_TIME_SHARE, BMC_MON_NEW_ARRIVALS};
    hid_t g = bmc_h5_create_group(parent, "monthly_histogram");
    if (g < 0)
        return bmc_h5_fail(w->e, "create group /summary/monthly_histogram");
    int rc = BMC_OK;
    for (size_t k = 0; k < sizeof SERIES / sizeof SERIES[0] && !rc; k++) {
        int series = SERIES[k], bins = bmc_summary_monthly_bins(series);
        int64_t *buf = alloc_zero((size_t)w->M * (size_t)bins, sizeof *buf);
        if (!buf) {
            rc = no_memory(w, "monthly histograms");
            break;
        }
        for (int m = 0; m < w->M; m++)
            memcpy(buf + (size_t)m * (size_t)bins, bmc_summary_monthly_histogram(w->s, series, m),
                   (size_t)bins * sizeof *buf);
        const char *name = bmc_summary_monthly_name(series);
        hsize_t dims[2] = {(hsize_t)w->M, (hsize_t)bins};
        rc = bmc_h5_write_array_deflated(w->e, g, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 2, dims,
                                         buf);
        if (!rc)
            rc = attr_on(w, g, name, "bins",
                             bmc_summary_monthly_is_share(series) ? "shares" : "counts");
        free(buf);
    }
    H5Gclose(g);
    return rc;
}

static int write_monthly(writer *w, hid_t parent)
{
    hid_t g = bmc_h5_create_group(parent, "monthly");
    if (g < 0)
        return bmc_h5_fail(w->e, "create group /summary/monthly");
    int cols = w->C > 0 ? w->C : 1;
    double *buf = alloc_zero((size_t)w->M * (size_t)cols * BMC_SUM_N_FAN, sizeof *buf);
    double *share = alloc_zero((size_t)w->M, sizeof *share);
    int64_t *n = alloc_zero((size_t)w->M, sizeof *n);
    hsize_t ldims[1] = {BMC_SUM_N_FAN};
    int rc = !buf || !share || !n ? no_memory(w, "monthly quantiles")
                                  : write_i32(w, g, "level_percent", 1, ldims,
                                              bmc_summary_fan_levels);
    if (!rc)
        rc = write_fan(w, g, "old_open", BMC_MON_OLD_OPEN_CAT, w->C, true, buf);
    if (!rc)
        rc = category_names(w, g);
    for (int k = 0; k < BMC_MON_OLD_OPEN_CAT && !rc; k++)
        rc = write_fan(w, g, bmc_summary_monthly_name(k), k, 1, false, buf);
    if (!rc)
        rc = write_monthly_counts(w, g, n, share);
    free(buf);
    free(share);
    free(n);
    H5Gclose(g);
    return rc;
}

/* ---- the group --------------------------------------------------------------------------- */

static int write_header(writer *w, hid_t g)
{
    int64_t n = bmc_summary_n(w->s, BMC_SUM_ALL);
    int32_t target = bmc_summary_target_day(w->s), horizon = w->D1 - 2;
    double conf = BMC_CONFIDENCE;
    hsize_t ldims[1] = {BMC_SUM_N_LEVELS}, gdims[1] = {BMC_SUM_GROUPS};
    int64_t ng[BMC_SUM_GROUPS];
    for (int i = 0; i < BMC_SUM_GROUPS; i++)
        ng[i] = bmc_summary_n(w->s, i);
    int rc;
    if ((rc = bmc_h5_attr_scalar(w->e, g, "n_scenarios", H5T_STD_I64LE, H5T_NATIVE_INT64, &n))
        || (rc = bmc_h5_attr_scalar(w->e, g, "target_day", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                    &target))
        || (rc = bmc_h5_attr_scalar(w->e, g, "horizon_day", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                    &horizon))
        || (rc = bmc_h5_attr_scalar(w->e, g, "confidence_level", H5T_IEEE_F64LE,
                                    H5T_NATIVE_DOUBLE, &conf))
        || (rc = bmc_h5_attr_string(w->e, g, "quantile_rule", QUANTILE_RULE))
        || (rc = group_names(w, g))
        || (rc = write_i32(w, g, "level_percent", 1, ldims, bmc_summary_levels)))
        return rc;
    return write_i64(w, g, "n", 1, gdims, ng);
}

static int write_all(writer *w, hid_t g)
{
    static const int scalar_days[] = {BMC_SUM_COMPLETION, BMC_SUM_P90, BMC_SUM_P95,
                                      BMC_SUM_P99, BMC_SUM_FIRST_TRIAGE};
    int rc = write_header(w, g);
    for (size_t i = 0; i < sizeof scalar_days / sizeof *scalar_days && !rc; i++)
        rc = write_day_quantity(w, g, bmc_summary_day_name(scalar_days[i]), scalar_days[i], 1,
                                false);
    if (!rc)
        rc = write_day_quantity(w, g, "category_completion_day", BMC_SUM_CATEGORY, w->C, true);
    if (!rc)
        rc = write_weeks(w, g);
    if (!rc)
        rc = write_probabilities(w, g);
    if (!rc && bmc_summary_has_monthly(w->s))
        rc = write_monthly(w, g);
    if (!rc && bmc_summary_has_monthly(w->s))
        rc = write_histograms(w, g);
    return rc;
}

int bmc_summary_write(const bmc_summary *s, hid_t loc, const char *name, bmc_err *err)
{
    if (!s || loc < 0 || !name)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_summary_write: missing argument");
    char path[1024];
    if (H5Fget_name(loc, path, sizeof path) < 0)
        snprintf(path, sizeof path, "results file");
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, path, err);
    const bmc_layout *l = bmc_summary_layout(s);
    writer w = {.e = &e, .s = s, .G = BMC_SUM_GROUPS, .Q = BMC_SUM_N_LEVELS,
                .D1 = bmc_summary_ndays(s) + 1, .C = l->n_categories, .M = l->n_months};
    hid_t g = bmc_h5_create_group(loc, name);
    int rc = g < 0 ? bmc_h5_fail(&e, "create group %s", name) : write_all(&w, g);
    bmc_h5_close_group(g);
    bmc_h5ctx_end(&e);
    return rc;
}
