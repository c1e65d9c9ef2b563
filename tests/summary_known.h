#ifndef BACKLOGMC_SUMMARY_KNOWN_H
#define BACKLOGMC_SUMMARY_KNOWN_H

/* A small hand-made results block with answers worked out by hand (test_summary.c) and the
 * results file made of it (test_summary_cli.c): 10 scenarios, 100 days from Wednesday
 * 2026-04-01, target day 50, categories X and Y, 4 months; and two policy variants of it
 * under /variants (add_known_variants). Include after cmocka.h. */

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "calendar.h"
#include "h5out.h"
#include "h5util.h"
#include "results.h"
#include "summary.h"
#include "summary_h5.h"
#include "stats.h"

#define NDAYS 100
#define TARGET 50
#define NS 10     /* scenarios of the hand-made block */
#define NMONTHS 4 /* 2026-04-01 + 99 days = 2026-07-09 */

static inline bmc_date day0(void)
{
    return bmc_date_from_ymd(2026, 4, 1);
}

static inline bmc_layout make_layout(bool trajectories)
{
    bmc_layout l;
    memset(&l, 0, sizeof l);
    l.n_categories = 2;
    snprintf(l.category_names[0], BMC_NAME_LEN, "X");
    snprintf(l.category_names[1], BMC_NAME_LEN, "Y");
    l.n_months = NMONTHS;
    l.trajectories = trajectories;
    return l;
}

static inline bmc_summary *new_summary(const bmc_layout *l)
{
    bmc_summary *s = NULL;
    bmc_err err;
    assert_int_equal(bmc_summary_create(l, NDAYS, TARGET, day0(), &s, &err), BMC_OK);
    return s;
}

static const int32_t completion[NS] = {10, 20, 30, 40, 50, 60, 70, 80, -1, -1};
static const int32_t p90[NS] = {4, 14, 24, 34, 44, 49, 64, 74, 89, 95};
static const int32_t p95[NS] = {5, 15, 25, 35, 45, 50, 65, 75, 90, -1};
static const int32_t p99[NS] = {9, 19, 29, 39, 49, 59, 69, 79, -1, -1};

static inline double *traj(bmc_result_block *b, int f, int s, int m)
{
    return &b->traj[f][(size_t)s * NMONTHS + (size_t)m];
}

static inline double *traj_cat(bmc_result_block *b, int f, int s, int m, int c)
{
    return &b->traj_cat[f][((size_t)s * NMONTHS + (size_t)m) * 2 + (size_t)c];
}

static inline void fill_months(bmc_result_block *b, int s)
{
    *traj_cat(b, BMC_TRAJ_OLD_OPEN, s, 0, 0) = s;
    *traj_cat(b, BMC_TRAJ_OLD_OPEN, s, 0, 1) = 100 + s;       /* total 100 + 2 s */
    *traj_cat(b, BMC_TRAJ_OLD_OPEN, s, 1, 1) = 30000 + 1000 * s;
    *traj_cat(b, BMC_TRAJ_OLD_DECISIONS, s, 0, 0) = 1;
    *traj_cat(b, BMC_TRAJ_OLD_DECISIONS, s, 0, 1) = s;
    *traj(b, BMC_TRAJ_GRANTS, s, 0) = s;                      /* grant rate s / 10 */
    *traj(b, BMC_TRAJ_REJECTIONS, s, 0) = 10 - s;
    *traj(b, BMC_TRAJ_REJECTIONS, s, 1) = s < 3 ? 0 : s;      /* rate 0, undefined for s < 3 */
    *traj(b, BMC_TRAJ_NEW_DECISIONS, s, 0) = 10;
    *traj(b, BMC_TRAJ_NEW_ON_TIME, s, 0) = s;                 /* on time s / 10 */
    *traj(b, BMC_TRAJ_NEW_ARRIVALS, s, 0) = 1000 + s;
    *traj(b, BMC_TRAJ_NEW_OPEN, s, 0) = 5 * s;
    *traj(b, BMC_TRAJ_TRIAGE, s, 2) = s % 2 == 0;
}

/* The block with the completion days days (NULL: the known ones), every one of them moved
 * shift days later (a "variant"). */
static inline bmc_result_block *known_block_with(const bmc_layout *l, const int32_t *days,
                                                 int shift)
{
    if (!days)
        days = completion;
    bmc_result_block *b = bmc_result_block_alloc(l, NS);
    assert_non_null(b);
    bmc_result_block_reset(b, 0);
    b->count = NS;
    for (int s = 0; s < NS; s++) {
        b->completion_day[s] = days[s] < 0 ? -1 : days[s] + shift;
        b->p90_day[s] = p90[s];
        b->p95_day[s] = p95[s];
        b->p99_day[s] = p99[s];
        b->first_triage_day[s] = s % 2 == 0 ? 3 + s : -1;
        b->triage_days[s] = s;
        b->decided_share_at_target[s] = 0.5;
        b->new_on_time_share[s] = b->grant_rate[s] = 0.25;
        b->grant_rate_q_min[s] = b->grant_rate_q_max[s] = 0.25;
        b->category_completion_day[2 * s] = b->completion_day[s];
        b->category_completion_day[2 * s + 1] = 5 * s;
        if (l->trajectories)
            fill_months(b, s);
    }
    return b;
}

static inline bmc_result_block *known_block_shifted(const bmc_layout *l, int shift)
{
    return known_block_with(l, NULL, shift);
}

static inline bmc_result_block *known_block(const bmc_layout *l)
{
    return known_block_shifted(l, 0);
}

static inline bmc_summary *known_summary(bool trajectories)
{
    bmc_layout l = make_layout(trajectories);
    bmc_summary *s = new_summary(&l);
    bmc_result_block *b = known_block(&l);
    bmc_err err;
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_OK);
    bmc_result_block_free(b);
    return s;
}

/* A complete results file of the block through the writer's protocol, the way the driver
 * makes one: blocks go to the file and to the summary, the summary is written before
 * commit. cal covers the NDAYS days. */
static inline void write_results(const bmc_calendar *cal, const char *path, bool with_summary,
                                 bool omit_trajectories)
{
    bmc_layout l = make_layout(true);
    assert_int_equal(bmc_calendar_months(cal), NMONTHS);
    bmc_run_meta meta = {.config_name = "known.yaml", .config_text = "x: 1\n", .seed = 7,
                         .n_scenarios = NS, .cal = cal,
                         .target_date = day0() + TARGET, .pact_date = day0() + 10,
                         .omit_trajectories = omit_trajectories};
    bmc_h5out *h = NULL;
    bmc_err err;
    assert_int_equal(bmc_h5out_open(path, &l, &meta, &h, &err), BMC_OK);
    bmc_result_block *b = known_block(&l);
    assert_int_equal(bmc_h5out_append(h, b, &err), BMC_OK);
    bmc_summary *s = new_summary(&l);
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_OK);
    if (with_summary)
        assert_int_equal(bmc_h5out_write_summary(h, "summary", s, &err), BMC_OK);
    assert_int_equal(bmc_h5out_commit(h, &err), BMC_OK);
    bmc_summary_free(s);
    bmc_result_block_free(b);
}

/* ---- variants -------------------------------------------------------------------------- */

/* The variant "mixed" against the known completion days {10, 20, .., 80, -1, -1}:
 * differences +2 -2 0 -5 -9 -11 -4 where both finish (7 scenarios), later in scenarios 0 and
 * 7 (it no longer finishes), earlier in 1, 3, 4, 5, 6 and 8 (it now finishes), tied in 2 and
 * 9 (neither finishes); by the target (day 50): the reference in scenarios 0-4, the variant in
 * 0-5. */
static const int32_t mixed_completion[NS] = {12, 18, 30, 35, 41, 49, 66, -1, 95, -1};

static inline void put_array(hid_t g, const char *name, hid_t ftype, hid_t mtype, hsize_t n,
                             const void *buf)
{
    hid_t s = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(g, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Dclose(d);
    H5Sclose(s);
}

static inline void put_attr(hid_t g, const char *name, hid_t ftype, hid_t mtype,
                            const void *value)
{
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(g, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, mtype, value) >= 0);
    H5Aclose(a);
    H5Sclose(s);
}

static inline void put_text(hid_t g, const char *name, const char *value)
{
    bmc_h5ctx e;
    bmc_err err;
    bmc_h5ctx_begin(&e, "fixture", &err);
    assert_int_equal(bmc_h5_attr_string(&e, g, name, value), BMC_OK);
    bmc_h5ctx_end(&e);
}

/* day codes with "not by the horizon" above every day */
static inline long ranked_day(int32_t d)
{
    return d < 0 ? NDAYS : d;
}

/* g/paired for variant days var against reference days ref (NS scenarios each), computed
 * the long way from docs/output.md. */
static inline void write_paired(hid_t parent, const int32_t *ref, const int32_t *var)
{
    int64_t c[7] = {NS, 0, 0, 0, 0, 0, 0}; /* n later earlier tied both ref_only var_only */
    int64_t count[2 * NDAYS + 1] = {0};
    double diff[NS], sorted[NS], sum = 0, sum2 = 0;
    for (int s = 0; s < NS; s++) {
        long a = ranked_day(ref[s]), b = ranked_day(var[s]);
        c[1] += b > a;
        c[2] += b < a;
        c[3] += b == a;
        diff[s] = NAN;
        if (ref[s] >= 0 && var[s] >= 0) {
            diff[s] = var[s] - ref[s];
            count[var[s] - ref[s] + NDAYS]++;
            sum += diff[s];
            sum2 += diff[s] * diff[s];
            int k = (int)c[4]++;
            for (; k > 0 && sorted[k - 1] > diff[s]; k--)
                sorted[k] = sorted[k - 1];
            sorted[k] = diff[s];
        }
        bool rt = ref[s] >= 0 && ref[s] <= TARGET, vt = var[s] >= 0 && var[s] <= TARGET;
        c[5] += rt && !vt;
        c[6] += vt && !rt;
    }
    int64_t both = c[4];
    double mean = both ? sum / (double)both : NAN;
    double sd = both > 1 ? sqrt((sum2 - (double)both * mean * mean) / (double)(both - 1)) : NAN;
    double q[BMC_SUM_N_LEVELS], lo[BMC_SUM_N_LEVELS], hi[BMC_SUM_N_LEVELS];
    for (int l = 0; l < BMC_SUM_N_LEVELS; l++) {
        int64_t k = bmc_stats_quantile_rank(both, bmc_summary_levels[l]), kl, kh;
        bmc_stats_quantile_ci_ranks(both, bmc_summary_levels[l], BMC_CONFIDENCE, &kl, &kh);
        q[l] = both ? sorted[k - 1] : NAN;
        lo[l] = both && kl >= 1 ? sorted[kl - 1] : NAN;
        hi[l] = both && kh <= both ? sorted[kh - 1] : NAN;
    }
    double p_later[3] = {(double)c[1] / NS, 0, 0};
    bmc_stats_wilson(c[1], NS, BMC_CONFIDENCE, &p_later[1], &p_later[2]);
    /* Agresti-Min: half a scenario added to each cell of the paired 2 x 2 table */
    double z = 1.959963984540054, n2 = NS + 2.0, b5 = (double)c[5] + 0.5,
           c6 = (double)c[6] + 0.5, d = (c6 - b5) / n2;
    double half = z * sqrt(((b5 + c6) / n2 - d * d) / n2);
    double p_target[3] = {(double)(c[6] - c[5]) / NS, fmax(-1, d - half), fmin(1, d + half)};

    hid_t g = H5Gcreate2(parent, "paired", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(g >= 0);
    static const char *const names[7] = {"n", "later", "earlier", "tied", "both_complete",
                                         "target_reference_only", "target_variant_only"};
    for (int i = 0; i < 7; i++)
        put_attr(g, names[i], H5T_STD_I64LE, H5T_NATIVE_INT64, &c[i]);
    put_attr(g, "diff_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &mean);
    put_attr(g, "diff_sd", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &sd);
    put_array(g, "completion_day_diff", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, NS, diff);
    put_array(g, "level_percent", H5T_STD_I32LE, H5T_NATIVE_INT, BMC_SUM_N_LEVELS,
              bmc_summary_levels);
    put_array(g, "diff_quantile", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, BMC_SUM_N_LEVELS, q);
    put_array(g, "diff_ci_low", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, BMC_SUM_N_LEVELS, lo);
    put_array(g, "diff_ci_high", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, BMC_SUM_N_LEVELS, hi);
    put_array(g, "p_later", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, p_later);
    put_array(g, "p_target_difference", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, p_target);
    put_array(g, "diff_count", H5T_STD_I64LE, H5T_NATIVE_INT64, 2 * NDAYS + 1, count);
    H5Gclose(g);
}

/* /variants of the known file at path: "slower" (every completion 5 days later) and "mixed"
 * (mixed_completion), in that order, each with its attributes, summary and paired
 * comparison. Without names the attribute names is left out, as in files from before it. */
static inline void add_known_variants(const char *path, bool names)
{
    static const char variant[2][BMC_NAME_LEN] = {"slower", "mixed"};
    static const char *const description[2] = {"every old case five days later", ""};
    static const char *const overrides[2] = {"plan.cycle_days: 5\n", "triage.share: 0.4\n"};
    int32_t slower[NS];
    for (int s = 0; s < NS; s++)
        slower[s] = completion[s] < 0 ? -1 : completion[s] + 5;
    const int32_t *days[2] = {slower, mixed_completion};
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t v = H5Gcreate2(f, "variants", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(v >= 0);
    bmc_h5ctx e;
    bmc_err err;
    bmc_h5ctx_begin(&e, path, &err);
    if (names)
        assert_int_equal(bmc_h5_attr_names(&e, v, "names", variant, 2), BMC_OK);
    bmc_h5ctx_end(&e);
    put_text(v, "reference", "base");
    bmc_layout l = make_layout(false);
    for (int i = 0; i < 2; i++) {
        hid_t g = H5Gcreate2(v, variant[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(g >= 0);
        put_text(g, "description", description[i]);
        put_text(g, "overrides", overrides[i]);
        bmc_summary *s = new_summary(&l);
        bmc_result_block *b = known_block_with(&l, days[i], 0);
        assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_OK);
        assert_int_equal(bmc_summary_write(s, g, "summary", &err), BMC_OK);
        write_paired(g, completion, days[i]);
        bmc_result_block_free(b);
        bmc_summary_free(s);
        H5Gclose(g);
    }
    H5Gclose(v);
    H5Fclose(f);
}

#endif
