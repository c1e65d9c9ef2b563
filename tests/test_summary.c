/* Summaries across scenarios: known answers on a small hand-made block, merges equal to the
 * whole bit for bit in any split and order, the /summary group written and read back (also
 * computed from /scenarios when it is missing), and the error paths. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "calendar.h"
#include "h5out.h"
#include "h5read.h"
#include "results.h"
#include "summary.h"
#include "summary_bins.h"
#include "summary_h5.h"
#include "stats.h"

#include "summary_known.h"

#define assert_near(a, b, tol) assert_near_((double)(a), (double)(b), (tol), #a, __LINE__)
static void assert_near_(double a, double b, double tol, const char *what, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("line %d: %s = %.15g, expected %.15g within %g", line, what, a, b, tol);
}

/* ---- known answers -------------------------------------------------------------------------- */

static int32_t quantile_day(const bmc_summary *s, int g, int q, int level)
{
    bmc_sum_quantile qt;
    bmc_summary_day_quantile(s, g, q, level, &qt);
    return qt.day;
}

static void test_counts_and_quantiles(void **state)
{
    (void)state;
    bmc_summary *s = known_summary(true);
    assert_int_equal(bmc_summary_n(s, BMC_SUM_ALL), 10);
    assert_int_equal(bmc_summary_n(s, BMC_SUM_TRIAGE_FIRED), 5);
    assert_int_equal(bmc_summary_n(s, BMC_SUM_TRIAGE_NEVER), 5);
    /* ranks ceil(10 p): 1 1 3 5 8 9 9 10; ranks 9 and 10 are not reached by the horizon */
    static const int32_t expect[BMC_SUM_N_LEVELS] = {10, 10, 30, 50, 80, -1, -1, -1};
    for (int l = 0; l < BMC_SUM_N_LEVELS; l++)
        assert_int_equal(quantile_day(s, BMC_SUM_ALL, BMC_SUM_COMPLETION,
                                      bmc_summary_levels[l]), expect[l]);
    bmc_sum_quantile q;
    bmc_summary_day_quantile(s, BMC_SUM_ALL, BMC_SUM_COMPLETION, 50, &q);
    assert_int_equal(q.rank, 5);
    assert_int_equal(q.lo_rank, 2); /* textbook [X_(2), X_(9)] for n = 10 */
    assert_int_equal(q.hi_rank, 9);
    assert_int_equal(q.lo_day, 20);
    assert_int_equal(q.hi_day, -1);
    bmc_summary_day_quantile(s, BMC_SUM_ALL, BMC_SUM_COMPLETION, 5, &q);
    assert_int_equal(q.lo_day, BMC_SUM_NO_BOUND); /* P(B = 0) = 0.95^10 > 0.025 */
    assert_int_equal(q.hi_rank, 3);                /* P(B >= 3) = 0.0115, P(B >= 2) = 0.086 */
    assert_int_equal(q.hi_day, 30);
    /* groups: fired = even scenarios {10, 30, 50, 70, -}, never = odd {20, 40, 60, 80, -} */
    assert_int_equal(quantile_day(s, BMC_SUM_TRIAGE_FIRED, BMC_SUM_COMPLETION, 50), 50);
    assert_int_equal(quantile_day(s, BMC_SUM_TRIAGE_NEVER, BMC_SUM_COMPLETION, 50), 60);
    /* first triage: 3 5 7 9 11 and five never (-1, sorting last) */
    assert_int_equal(quantile_day(s, BMC_SUM_ALL, BMC_SUM_FIRST_TRIAGE, 50), 11);
    assert_int_equal(quantile_day(s, BMC_SUM_ALL, BMC_SUM_FIRST_TRIAGE, 75), -1);
    assert_int_equal(quantile_day(s, BMC_SUM_ALL, BMC_SUM_CATEGORY + 1, 50), 20);
    assert_int_equal(quantile_day(s, BMC_SUM_ALL, BMC_SUM_P95, 95), -1);
    assert_int_equal(quantile_day(s, BMC_SUM_ALL, BMC_SUM_P90, 95), 95);
    int64_t h[NDAYS + 1];
    bmc_summary_day_counts(s, BMC_SUM_ALL, BMC_SUM_COMPLETION, h);
    int64_t sum = 0;
    for (int d = 0; d <= NDAYS; d++)
        sum += h[d];
    assert_int_equal(sum, 10);
    assert_int_equal(h[10], 1);
    assert_int_equal(h[NDAYS], 2);
    bmc_summary_day_counts(s, BMC_SUM_TRIAGE_NEVER, BMC_SUM_COMPLETION, h);
    assert_int_equal(h[10], 0);
    assert_int_equal(h[NDAYS], 1);
    bmc_summary_free(s);
}

static void test_probabilities(void **state)
{
    (void)state;
    bmc_summary *s = known_summary(false);
    static const int64_t expect[BMC_SUM_GROUPS][BMC_SUM_EVENTS] = {
        {5, 6, 8}, {3, 3, 4}, {2, 3, 4}};
    for (int g = 0; g < BMC_SUM_GROUPS; g++)
        for (int e = 0; e < BMC_SUM_EVENTS; e++) {
            bmc_sum_prob p;
            bmc_summary_probability(s, g, e, &p);
            assert_int_equal(p.count, expect[g][e]);
            assert_int_equal(p.n, g == BMC_SUM_ALL ? 10 : 5);
        }
    bmc_sum_prob p;
    bmc_summary_probability(s, BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
    assert_near(p.estimate, 0.5, 0);
    /* 5 of 10: Wilson 0.2366-0.7634, Clopper-Pearson 0.1871-0.8129 (standard tables) */
    assert_near(p.wilson_lo, 0.2366, 0.00005);
    assert_near(p.wilson_hi, 0.7634, 0.00005);
    assert_near(p.cp_lo, 0.1871, 0.00005);
    assert_near(p.cp_hi, 0.8129, 0.00005);
    bmc_summary_free(s);
}

static void test_monthly(void **state)
{
    (void)state;
    bmc_summary *s = known_summary(true);
    assert_true(bmc_summary_has_monthly(s));
    /* totals 100, 102, ..., 118: below 256, exact */
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_OLD_OPEN, 0, 50), 108, 0);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_OLD_OPEN, 0, 5), 100, 0);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_OLD_OPEN, 0, 95), 118, 0);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_OLD_OPEN_CAT + 1, 0, 50), 104, 0);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_OLD_DECISIONS, 0, 50), 5, 0);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_FIRST_DECISIONS, 0, 50), 10, 0);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_NEW_ARRIVALS, 0, 50), 1004, 1004.0 / 256);
    /* 30000 + 1000 s: binned, within 1/256 of the value */
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_OLD_OPEN, 1, 50), 34000, 34000.0 / 256);
    /* grant rate s / 10 and on-time share s / 10: within 0.0005 */
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_GRANT_RATE, 0, 50), 0.4, 0.0005 + 1e-12);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_NEW_ON_TIME_SHARE, 0, 95), 0.9,
                0.0005 + 1e-12);
    /* month 1: no first decisions for s < 3, so the rate is defined in 7 scenarios, all 0 */
    assert_int_equal(bmc_summary_monthly_defined(s, BMC_MON_GRANT_RATE, 1), 7);
    assert_near(bmc_summary_monthly_quantile(s, BMC_MON_GRANT_RATE, 1, 50), 0, 0.0005 + 1e-12);
    assert_int_equal(bmc_summary_monthly_defined(s, BMC_MON_NEW_ON_TIME_SHARE, 2), 0);
    assert_true(isnan(bmc_summary_monthly_quantile(s, BMC_MON_NEW_ON_TIME_SHARE, 2, 50)));
    assert_int_equal(bmc_summary_triage_count(s, 2), 5);
    assert_int_equal(bmc_summary_triage_count(s, 0), 0);
    bmc_summary_free(s);
    s = known_summary(false);
    assert_false(bmc_summary_has_monthly(s));
    assert_true(isnan(bmc_summary_monthly_quantile(s, BMC_MON_OLD_OPEN, 0, 50)));
    bmc_summary_free(s);
}

/* Every bin holds its lower edge and not the next one's; the error bounds of summary_bins.h
 * hold over a sweep of values. */
static void test_bins(void **state)
{
    (void)state;
    for (int b = 0; b < BMC_BINS_COUNT_N - 2; b++) {
        double lo, w;
        bmc_bins_count_edges(b, &lo, &w);
        assert_int_equal(bmc_bins_count_index(lo), b);
        if (isfinite(w)) {
            assert_int_equal(bmc_bins_count_index(nextafter(lo + w, 0)), b);
            assert_int_equal(bmc_bins_count_index(lo + w), b + 1);
        }
    }
    assert_int_equal(bmc_bins_count_index(-3), 0);
    assert_int_equal(bmc_bins_count_index(NAN), BMC_BINS_COUNT_N - 1);
    assert_near(bmc_bins_count_value(bmc_bins_count_index(1e9)), BMC_BINS_COUNT_MAX, 0);
    for (double v = 0; v < BMC_BINS_COUNT_MAX; v = v * 1.0137 + 0.77) {
        double got = bmc_bins_count_value(bmc_bins_count_index(v));
        double tol = v < BMC_BINS_COUNT_EXACT ? 1 : v / 256;
        assert_near(got, v, tol);
        if (v < BMC_BINS_COUNT_EXACT)
            assert_near(bmc_bins_count_value(bmc_bins_count_index(floor(v))), floor(v), 0);
    }
    for (int i = 0; i <= 100000; i++) {
        double v = i / 100000.0;
        assert_near(bmc_bins_share_value(bmc_bins_share_index(v)), v, 0.0005 + 1e-12);
    }
    assert_near(bmc_bins_share_value(bmc_bins_share_index(1.0)), 1.0, 0);
    assert_int_equal(bmc_bins_share_index(NAN), BMC_BINS_SHARE_N - 1);
}

/* ---- merging -------------------------------------------------------------------------------- */

/* A deterministic pseudo-random block: every kind of value, censoring, NaN rates, counts
 * over the whole bin range. */
static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005u + 1442695040888963407u;
    return *x >> 33;
}

static void fill_random(bmc_result_block *b, int64_t first, int count, uint64_t seed)
{
    const bmc_layout *l = b->layout;
    bmc_result_block_reset(b, first);
    b->count = count;
    for (int r = 0; r < count; r++) {
        uint64_t x = seed ^ (uint64_t)(first + r) * 0x9E3779B97F4A7C15u;
        int32_t *days[] = {&b->completion_day[r], &b->p90_day[r], &b->p95_day[r],
                           &b->p99_day[r], &b->first_triage_day[r]};
        for (int k = 0; k < 5; k++)
            *days[k] = (int32_t)(lcg(&x) % (NDAYS + 1)) - 1;
        for (int c = 0; c < l->n_categories; c++)
            b->category_completion_day[r * l->n_categories + c] =
                (int32_t)(lcg(&x) % (NDAYS + 1)) - 1;
        size_t nm = (size_t)l->n_months, nc = (size_t)l->n_categories;
        for (size_t m = 0; m < nm; m++) {
            for (int f = 0; f < BMC_TRAJ_COUNT; f++)
                b->traj[f][(size_t)r * nm + m] = (double)(lcg(&x) % 5 == 0 ? 0 : lcg(&x) % 40000);
            for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
                for (size_t c = 0; c < nc; c++)
                    b->traj_cat[f][((size_t)r * nm + m) * nc + c] = ldexp(1.0 + lcg(&x) % 97,
                                                                          (int)(lcg(&x) % 20));
        }
    }
}

static void add_range(bmc_summary *s, const bmc_layout *l, int64_t first, int count)
{
    bmc_result_block *b = bmc_result_block_alloc(l, count);
    assert_non_null(b);
    fill_random(b, first, count, 42);
    bmc_err err;
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_OK);
    bmc_result_block_free(b);
}

static void assert_same_counts(bmc_summary *a, bmc_summary *b)
{
    size_t na, nb;
    int64_t *ca = bmc_summary_counts(a, &na), *cb = bmc_summary_counts(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ca, cb, na * sizeof *ca);
}

/* Compares every dataset of two HDF5 files byte for byte (same names, same order). */
typedef struct visit {
    hid_t other;
    int datasets;
} visit;

static herr_t compare_dataset(hid_t loc, const char *name, const H5O_info_t *info, void *data)
{
    visit *v = data;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    hid_t d1 = H5Dopen2(loc, name, H5P_DEFAULT), d2 = H5Dopen2(v->other, name, H5P_DEFAULT);
    assert_true(d1 >= 0 && d2 >= 0);
    hid_t t = H5Dget_type(d1), sp = H5Dget_space(d1);
    size_t bytes = (size_t)H5Sget_simple_extent_npoints(sp) * H5Tget_size(t);
    char *b1 = calloc(bytes + 1, 1), *b2 = calloc(bytes + 1, 1);
    assert_true(b1 && b2);
    assert_true(H5Dread(d1, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, b1) >= 0);
    assert_true(H5Dread(d2, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, b2) >= 0);
    if (memcmp(b1, b2, bytes))
        fail_msg("dataset %s differs", name);
    free(b1);
    free(b2);
    H5Sclose(sp);
    H5Tclose(t);
    H5Dclose(d1);
    H5Dclose(d2);
    v->datasets++;
    return 0;
}

static void write_plain(const bmc_summary *s, const char *path)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    bmc_err err;
    assert_int_equal(bmc_summary_write(s, f, "summary", &err), BMC_OK);
    assert_true(H5Fclose(f) >= 0);
}

static void test_merge_equals_whole(void **state)
{
    (void)state;
    bmc_layout l = make_layout(true);
    bmc_summary *whole = new_summary(&l), *a = new_summary(&l), *b = new_summary(&l),
                *rev = new_summary(&l);
    add_range(whole, &l, 0, 1000);
    add_range(a, &l, 0, 400);
    add_range(b, &l, 400, 600);
    bmc_err err;
    assert_int_equal(bmc_summary_merge(a, b, &err), BMC_OK);
    assert_same_counts(whole, a);
    /* three blocks of another size, in reverse order */
    add_range(rev, &l, 700, 300);
    add_range(rev, &l, 333, 367);
    add_range(rev, &l, 0, 333);
    assert_same_counts(whole, rev);
    /* merging by adding the raw arrays, as MPI_Reduce would */
    bmc_summary *x = new_summary(&l), *y = new_summary(&l);
    add_range(x, &l, 0, 10);
    add_range(x, &l, 10, 490);
    add_range(y, &l, 500, 500);
    size_t nx, ny;
    int64_t *cx = bmc_summary_counts(x, &nx), *cy = bmc_summary_counts(y, &ny);
    for (size_t i = 0; i < nx; i++)
        cx[i] += cy[i];
    assert_same_counts(whole, x);
    /* and the files agree in every dataset */
    char dir[] = "/tmp/bmc-summary-XXXXXX", p1[64], p2[64];
    assert_non_null(mkdtemp(dir));
    snprintf(p1, sizeof p1, "%s/whole.h5", dir);
    snprintf(p2, sizeof p2, "%s/merged.h5", dir);
    write_plain(whole, p1);
    write_plain(rev, p2);
    hid_t f1 = H5Fopen(p1, H5F_ACC_RDONLY, H5P_DEFAULT), f2 = H5Fopen(p2, H5F_ACC_RDONLY,
                                                                      H5P_DEFAULT);
    visit v = {f2, 0};
    assert_true(H5Ovisit(f1, H5_INDEX_NAME, H5_ITER_INC, compare_dataset, &v) >= 0);
    assert_true(v.datasets > 40);
    H5Fclose(f1);
    H5Fclose(f2);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    bmc_summary *all[] = {whole, a, b, rev, x, y};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        bmc_summary_free(all[i]);
}

/* ---- errors ---------------------------------------------------------------------------------- */

static void test_errors_leave_summary_unchanged(void **state)
{
    (void)state;
    bmc_layout l = make_layout(true);
    bmc_summary *s = known_summary(true), *ref = known_summary(true);
    bmc_err err;
    bmc_result_block *b = known_block(&l);
    b->p95_day[3] = NDAYS; /* past the horizon */
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_EINTERNAL);
    assert_non_null(strstr(err.msg, "outside -1..99"));
    b->p95_day[3] = -2;
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_EINTERNAL);
    b->p95_day[3] = 3;
    b->category_completion_day[2 * NS - 1] = 1000;
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_EINTERNAL);
    bmc_result_block_free(b);
    assert_same_counts(s, ref);
    /* a block without trajectories for a summary with monthly indicators */
    bmc_layout flat = make_layout(false);
    b = known_block(&flat);
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_EINTERNAL);
    bmc_result_block_free(b);
    bmc_layout other = make_layout(true);
    other.n_categories = 1;
    b = bmc_result_block_alloc(&other, 1);
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_EINTERNAL);
    bmc_result_block_free(b);
    assert_same_counts(s, ref);
    bmc_summary *f = known_summary(false);
    assert_int_equal(bmc_summary_merge(s, f, &err), BMC_EINTERNAL);
    assert_same_counts(s, ref);
    /* day counts that do not add up */
    size_t cells = (size_t)bmc_summary_day_quantities(f) * (NDAYS + 1);
    int64_t *fired = calloc(cells, sizeof *fired), *never = calloc(cells, sizeof *never);
    fired[0] = 1; /* completion counts one scenario, the other quantities none */
    assert_int_equal(bmc_summary_set_day_counts(f, fired, never, &err), BMC_EIO);
    free(fired);
    free(never);
    bmc_summary *none = NULL;
    assert_int_equal(bmc_summary_create(&l, NDAYS, NDAYS, day0(), &none, &err), BMC_EINTERNAL);
    assert_int_equal(bmc_summary_create(&l, 0, 0, day0(), &none, &err), BMC_EINTERNAL);
    assert_null(none);
    bmc_summary_free(f);
    bmc_summary_free(s);
    bmc_summary_free(ref);
}

static void test_empty(void **state)
{
    (void)state;
    bmc_layout l = make_layout(true);
    bmc_summary *s = new_summary(&l);
    bmc_sum_quantile q;
    bmc_summary_day_quantile(s, BMC_SUM_ALL, BMC_SUM_COMPLETION, 50, &q);
    assert_int_equal(q.day, BMC_SUM_NO_DATA);
    bmc_sum_prob p;
    bmc_summary_probability(s, BMC_SUM_TRIAGE_FIRED, BMC_SUM_COMPLETE_BY_TARGET, &p);
    assert_int_equal(p.n, 0);
    assert_true(isnan(p.estimate) && isnan(p.wilson_lo) && isnan(p.cp_hi));
    assert_true(isnan(bmc_summary_monthly_quantile(s, BMC_MON_OLD_OPEN, 0, 50)));
    bmc_summary_free(s);
}

/* ---- the file -------------------------------------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    bmc_calendar *cal;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/bmc-summary-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    fx->cal = bmc_calendar_create(day0(), day0() + NDAYS - 1, NULL, NULL, NULL, 0);
    *state = fx;
    return fx->cal ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    bmc_calendar_free(fx->cal);
    free(fx);
    return rc == 0 ? 0 : -1;
}

static void assert_same_results(const bmc_summary *a, const bmc_summary *b)
{
    assert_int_equal(bmc_summary_day_quantities(a), bmc_summary_day_quantities(b));
    for (int g = 0; g < BMC_SUM_GROUPS; g++) {
        assert_int_equal(bmc_summary_n(a, g), bmc_summary_n(b, g));
        for (int q = 0; q < bmc_summary_day_quantities(a); q++)
            for (int l = 0; l < BMC_SUM_N_LEVELS; l++) {
                bmc_sum_quantile qa, qb;
                bmc_summary_day_quantile(a, g, q, bmc_summary_levels[l], &qa);
                bmc_summary_day_quantile(b, g, q, bmc_summary_levels[l], &qb);
                assert_memory_equal(&qa, &qb, sizeof qa);
            }
        for (int e = 0; e < BMC_SUM_EVENTS; e++) {
            bmc_sum_prob pa, pb;
            bmc_summary_probability(a, g, e, &pa);
            bmc_summary_probability(b, g, e, &pb);
            assert_memory_equal(&pa, &pb, sizeof pa);
        }
    }
}

static ssize_t open_ids(void)
{
    return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
}

static void read_back(const char *path, bool has_summary, bool has_traj)
{
    bmc_h5read *r = NULL;
    bmc_err err;
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_OK);
    const bmc_h5read_info *in = bmc_h5read_get_info(r);
    assert_int_equal(in->n_scenarios, NS);
    assert_int_equal(in->ndays, NDAYS);
    assert_int_equal(in->target_day, TARGET);
    assert_int_equal(in->seed, 7);
    assert_int_equal(in->layout.n_categories, 2);
    assert_string_equal(in->layout.category_names[1], "Y");
    assert_string_equal(in->config_name, "known.yaml");
    assert_int_equal(in->has_summary, has_summary);
    assert_int_equal(in->layout.trajectories, has_traj);
    assert_int_equal(in->n_variants, 0);
    bmc_summary *s = NULL, *ref = known_summary(false);
    assert_int_equal(bmc_h5read_summary(r, NULL, &s, &err), BMC_OK);
    assert_same_results(s, ref);
    assert_same_counts(s, ref);
    bmc_summary_free(s);
    bmc_summary_free(ref);
    bmc_h5read_close(r);
}

static void test_file_round_trip(void **state)
{
    fixture *fx = *state;
    char with[128], without[128];
    snprintf(with, sizeof with, "%s/with.h5", fx->dir);
    snprintf(without, sizeof without, "%s/without.h5", fx->dir);
    ssize_t ids = open_ids();
    write_results(fx->cal, with, true, false);
    write_results(fx->cal, without, false, true);
    assert_int_equal(open_ids(), ids);
    read_back(with, true, true);
    /* without /summary: refused, never recomputed from /scenarios */
    bmc_h5read *r = NULL;
    bmc_err err;
    assert_int_equal(bmc_h5read_open(without, &r, &err), BMC_OK);
    bmc_summary *s = NULL;
    assert_int_equal(bmc_h5read_summary(r, NULL, &s, &err), BMC_EIO);
    assert_null(s);
    assert_non_null(strstr(err.msg, "no /summary"));
    bmc_h5read_close(r);
    assert_int_equal(open_ids(), ids);

    /* the stored numbers are the summary's own */
    hid_t f = H5Fopen(with, H5F_ACC_RDONLY, H5P_DEFAULT);
    int32_t q[BMC_SUM_GROUPS][BMC_SUM_N_LEVELS];
    hid_t d = H5Dopen2(f, "/summary/completion_day/quantile", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, q) >= 0);
    H5Dclose(d);
    assert_int_equal(q[BMC_SUM_ALL][3], 50);
    assert_int_equal(q[BMC_SUM_ALL][7], -1);
    assert_int_equal(q[BMC_SUM_TRIAGE_NEVER][3], 60);
    /* Monday-to-Sunday weeks from Wednesday 2026-04-01: days 0-4, 5-11, 12-18, ... */
    int32_t first[15];
    int64_t weeks[BMC_SUM_GROUPS][16];
    d = H5Dopen2(f, "/summary/completion_by_week/first_day", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, first) >= 0);
    H5Dclose(d);
    d = H5Dopen2(f, "/summary/completion_by_week/count", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, weeks) >= 0);
    H5Dclose(d);
    assert_int_equal(first[1], 5);
    assert_int_equal(first[2], 12);
    assert_int_equal(weeks[0][1], 1);  /* day 10 */
    assert_int_equal(weeks[0][15], 2); /* not by the horizon */
    double fan[NMONTHS][BMC_SUM_N_FAN];
    d = H5Dopen2(f, "/summary/monthly/old_open_total", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, fan) >= 0);
    H5Dclose(d);
    assert_near(fan[0][2], 108, 0);
    assert_true(H5Lexists(f, "/summary/monthly", H5P_DEFAULT) > 0);
    H5Fclose(f);
    f = H5Fopen(without, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(H5Lexists(f, "/trajectories", H5P_DEFAULT) == 0);
    H5Fclose(f);
    assert_int_equal(open_ids(), ids);
}

static void test_read_errors(void **state)
{
    fixture *fx = *state;
    char path[128], text[128];
    snprintf(path, sizeof path, "%s/broken.h5", fx->dir);
    snprintf(text, sizeof text, "%s/text.h5", fx->dir);
    write_results(fx->cal, path, true, false);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(H5Ldelete(f, "/summary/p95_day/count_by_day", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    ssize_t ids = open_ids();
    bmc_h5read *r = NULL;
    bmc_summary *s = NULL;
    bmc_err err;
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_OK);
    assert_int_equal(bmc_h5read_summary(r, NULL, &s, &err), BMC_EIO);
    assert_null(s);
    assert_non_null(strstr(err.msg, "p95_day/count_by_day"));
    bmc_h5read_close(r);
    FILE *t = fopen(text, "w");
    fputs("not hdf5\n", t);
    fclose(t);
    assert_int_equal(bmc_h5read_open(text, &r, &err), BMC_EIO);
    assert_null(r);
    assert_non_null(strstr(err.msg, "not an HDF5 file"));
    assert_int_equal(bmc_h5read_open("/nonexistent/x.h5", &r, &err), BMC_EIO);
    assert_non_null(strstr(err.msg, "No such file"));
    assert_int_equal(open_ids(), ids);
}

/* Replaces the attribute names of /variants by variable-length strings, as h5py writes a
 * list of str. */
static void set_vlen_names(const char *path, const char *const *names, int n)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t v = H5Gopen2(f, "/variants", H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hsize_t dims = (hsize_t)n;
    hid_t sp = H5Screate_simple(1, &dims, NULL);
    if (H5Aexists(v, "names") > 0)
        H5Adelete(v, "names");
    hid_t a = H5Acreate2(v, "names", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, t, names) >= 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    H5Gclose(v);
    H5Fclose(f);
}

static void test_variants_read(void **state)
{
    fixture *fx = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/variants.h5", fx->dir);
    write_results(fx->cal, path, true, false);
    add_known_variants(path, true);
    ssize_t ids = open_ids();
    bmc_h5read *r = NULL;
    bmc_err err;
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_OK);
    const bmc_h5read_info *in = bmc_h5read_get_info(r);
    /* configuration order, not the order of the names */
    assert_int_equal(in->n_variants, 2);
    assert_int_equal(in->n_variants_skipped, 0);
    assert_string_equal(in->variants[0], "slower");
    assert_string_equal(in->variants[1], "mixed");
    assert_string_equal(in->reference, "base");

    bmc_h5read_paired_info p;
    assert_int_equal(bmc_h5read_paired(r, "mixed", &p, &err), BMC_OK);
    assert_true(p.present);
    assert_int_equal(p.n, NS);
    assert_int_equal(p.later, 2);
    assert_int_equal(p.earlier, 6);
    assert_int_equal(p.tied, 2);
    assert_int_equal(p.both_complete, 7);
    assert_int_equal(p.target_reference_only, 0);
    assert_int_equal(p.target_variant_only, 1);
    assert_near(p.diff_mean, -29.0 / 7, 1e-12);
    /* differences sorted: -11 -9 -5 -4 -2 0 +2; ranks ceil(7 p) 1 1 2 4 6 6 7 7 */
    static const double q[BMC_SUM_N_LEVELS] = {-11, -11, -9, -4, 0, 0, 2, 2};
    for (int l = 0; l < BMC_SUM_N_LEVELS; l++) {
        assert_int_equal(p.level_percent[l], bmc_summary_levels[l]);
        assert_near(p.diff_quantile[l], q[l], 0);
    }
    assert_near(p.diff_ci_low[3], -11, 0); /* ranks 1 and 7 for the median of 7 */
    assert_near(p.diff_ci_high[3], 2, 0);
    assert_true(isnan(p.diff_ci_high[7])); /* open above */
    assert_near(p.p_later[0], 0.2, 1e-15);
    assert_true(p.p_later[1] < 0.2 && p.p_later[2] > 0.2);
    assert_near(p.p_target_difference[0], 0.1, 1e-15);
    assert_true(p.p_target_difference[1] < 0 && p.p_target_difference[2] > 0.1);
    assert_int_equal(open_ids(), ids + 1); /* only the file */

    bmc_h5read_close(r);

    /* no paired group: absent, not an error; nor is a variant that is not there */
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(H5Ldelete(f, "/variants/slower/paired", H5P_DEFAULT) >= 0);
    assert_true(H5Ldelete(f, "/variants/mixed/paired/p_later", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_OK);
    assert_int_equal(bmc_h5read_paired(r, "slower", &p, &err), BMC_OK);
    assert_false(p.present);
    assert_int_equal(bmc_h5read_paired(r, "elsewhere", &p, &err), BMC_OK);
    assert_false(p.present);
    /* malformed: an error naming the file and the dataset */
    assert_int_equal(bmc_h5read_paired(r, "mixed", &p, &err), BMC_EIO);
    assert_false(p.present);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "/variants/mixed/paired/p_later"));
    assert_int_equal(bmc_h5read_paired(r, "../x", &p, &err), BMC_EIO);
    bmc_h5read_close(r);
    assert_int_equal(open_ids(), ids);

    /* names as variable-length strings (h5py); names that cannot be groups are left out */
    static const char *const vnames[] = {"mixed", "a/b", "", "slower"};
    set_vlen_names(path, vnames, 4);
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_OK);
    in = bmc_h5read_get_info(r);
    assert_int_equal(in->n_variants, 2);
    assert_int_equal(in->n_variants_skipped, 2);
    assert_string_equal(in->variants[0], "mixed");
    assert_string_equal(in->variants[1], "slower");
    bmc_h5read_close(r);

    /* without names: the groups by name */
    f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t v = H5Gopen2(f, "/variants", H5P_DEFAULT);
    assert_true(H5Adelete(v, "names") >= 0);
    assert_true(H5Adelete(v, "reference") >= 0);
    H5Gclose(v);
    H5Fclose(f);
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_OK);
    in = bmc_h5read_get_info(r);
    assert_int_equal(in->n_variants, 2);
    assert_string_equal(in->variants[0], "mixed");
    assert_string_equal(in->variants[1], "slower");
    assert_string_equal(in->reference, "base");
    bmc_h5read_close(r);

    /* names that is not text: refused with the file named */
    f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    v = H5Gopen2(f, "/variants", H5P_DEFAULT);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(v, "names", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    int one = 1;
    assert_true(a >= 0 && H5Awrite(a, H5T_NATIVE_INT, &one) >= 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Gclose(v);
    H5Fclose(f);
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_EIO);
    assert_null(r);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "names of /variants"));
    assert_int_equal(open_ids(), ids);
}

/* A failed summary write (here: the group exists) leaves the file uncommittable, and the
 * temporary file goes away. */
static void test_failed_summary_write(void **state)
{
    fixture *fx = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/twice.h5", fx->dir);
    bmc_layout l = make_layout(true);
    bmc_run_meta meta = {.config_name = "known.yaml", .seed = 7, .n_scenarios = NS,
                         .cal = fx->cal, .target_date = day0() + TARGET,
                         .pact_date = day0() + 10};
    bmc_h5out *h = NULL;
    bmc_err err;
    ssize_t ids = open_ids();
    assert_int_equal(bmc_h5out_open(path, &l, &meta, &h, &err), BMC_OK);
    bmc_result_block *b = known_block(&l);
    assert_int_equal(bmc_h5out_append(h, b, &err), BMC_OK);
    bmc_summary *s = known_summary(true);
    assert_int_equal(bmc_h5out_write_summary(h, "summary", s, &err), BMC_OK);
    assert_int_equal(bmc_h5out_write_summary(h, "summary", s, &err), BMC_EIO);
    assert_non_null(strstr(err.msg, "create group summary"));
    assert_int_equal(bmc_h5out_commit(h, &err), BMC_EIO);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(open_ids(), ids);
    bmc_summary_free(s);
    bmc_result_block_free(b);
}

int main(void)
{
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_quantiles),
        cmocka_unit_test(test_probabilities),
        cmocka_unit_test(test_monthly),
        cmocka_unit_test(test_bins),
        cmocka_unit_test(test_merge_equals_whole),
        cmocka_unit_test(test_errors_leave_summary_unchanged),
        cmocka_unit_test(test_empty),
        cmocka_unit_test_setup_teardown(test_file_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_variants_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_summary_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
