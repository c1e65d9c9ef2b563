/* The threshold search on items whose thresholds are known by construction: each item i has
 * t_i from a fixed hash, and succeeds at v when v >= t_i (or v <= t_i for a setting that
 * hurts), so the answer, the per-item brackets and the interval ranks can be worked out by
 * hand (ranks from GSL's binomial CDF, not from summary_stats). A non-monotone variant flips
 * outcomes near the threshold and must send the search to its root search; coverage is
 * counted over repetitions against the known quantile of the thresholds' distribution. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "threshold_search.h"

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double unit(uint64_t seed, uint64_t i)
{
    return ((double)(mix(seed ^ mix(i)) >> 11) + 0.5) * 0x1.0p-53;
}

typedef struct items {
    uint64_t seed;
    double a, b;        /* t_i ~ uniform(a, b) */
    bool integer;       /* t_i rounded up to a whole number */
    int sign;           /* +1: succeeds from t_i up; -1: up to t_i */
    double flip_width;  /* > 0: outcomes within this distance of t_i flip by a coin */
    double lo, hi;      /* every value asked for must lie in here */
    int64_t fresh_first;
    int64_t runs, fresh_runs;
    int fail_with;      /* != BMC_OK: the callback fails */
} items;

static double threshold(const items *it, int64_t i)
{
    double t = it->a + (it->b - it->a) * unit(it->seed, (uint64_t)i);
    return it->integer ? ceil(t) : t;
}

static int indicator(void *ctx, int64_t n, const int64_t *item, const double *v,
                     unsigned char *ok, bmc_err *err)
{
    items *it = ctx;
    if (it->fail_with != BMC_OK)
        return bmc_fail(err, it->fail_with, "the evaluation failed");
    for (int64_t j = 0; j < n; j++) {
        assert_true(v[j] >= it->lo && v[j] <= it->hi);
        if (it->integer)
            assert_true(v[j] == floor(v[j]));
        double t = threshold(it, item[j]);
        bool s = it->sign > 0 ? v[j] >= t : v[j] <= t;
        if (it->flip_width > 0 && fabs(v[j] - t) < it->flip_width) {
            uint64_t bits;
            memcpy(&bits, &v[j], sizeof bits);
            if (mix(it->seed ^ mix((uint64_t)item[j] * 31 + bits)) & 1)
                s = !s;
        }
        ok[j] = s;
        it->runs++;
        it->fresh_runs += item[j] >= it->fresh_first;
    }
    return BMC_OK;
}

static bmc_threshold_options options(double lo, double hi, int level, int64_t n)
{
    return (bmc_threshold_options){.lo = lo, .hi = hi, .tolerance = 1e-3, .level = level,
                                   .conf = 0.95, .n = n, .check_items = 30, .check_points = 9,
                                   .fresh_first = 1000000};
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The ranks of the distribution-free interval, from GSL's binomial CDF directly. */
static void hand_ranks(int64_t n, double p, int64_t *lo, int64_t *hi)
{
    *lo = 0;
    for (int64_t r = 1; r <= n; r++)
        if (gsl_cdf_binomial_P((unsigned)(r - 1), p, (unsigned)n) <= 0.025)
            *lo = r;
    *hi = n + 1;
    for (int64_t r = n; r >= 1; r--)
        if (gsl_cdf_binomial_Q((unsigned)(r - 1), p, (unsigned)n) <= 0.025)
            *hi = r;
}

static void test_per_item_increasing(void **state)
{
    int64_t n = 500;
    items it = {.seed = 11, .a = 10, .b = 20, .sign = 1, .lo = 11, .hi = 19,
                .fresh_first = 1000000};
    bmc_threshold_options o = options(11, 19, 80, n);
    bmc_threshold_result r;
    bmc_err err = {{0}};
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
    assert_int_equal(r.method, BMC_THRESHOLD_PER_ITEM);
    assert_int_equal(r.direction, 1);
    assert_int_equal(r.state, BMC_ANSWER_INSIDE);
    assert_int_equal(r.check_violations, 0);
    assert_int_equal(r.runs, it.runs);
    double *t = malloc((size_t)n * sizeof *t);
    for (int64_t i = 0; i < n; i++) {
        double ti = threshold(&it, i);
        if (ti <= 11) {
            assert_true(r.item_ok[i] == 11 && r.item_fail[i] == -INFINITY);
            t[i] = 11;
        } else if (ti > 19) {
            assert_true(r.item_ok[i] == INFINITY && r.item_fail[i] == 19);
            t[i] = INFINITY;
        } else {
            assert_true(r.item_fail[i] < ti && ti <= r.item_ok[i]);
            assert_true(r.item_ok[i] - r.item_fail[i] <= 1e-3);
            t[i] = ti;
        }
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    /* the 80 % point: order statistic ceil(0.8 n) = 400 */
    assert_true(r.answer >= t[399] && r.answer <= t[399] + 1e-3);
    int64_t rlo, rhi;
    hand_ranks(n, 0.8, &rlo, &rhi);
    assert_true(r.answer_lo <= t[rlo - 1] && r.answer_lo >= t[rlo - 1] - 1e-3);
    assert_true(r.answer_hi >= t[rhi - 1] && r.answer_hi <= t[rhi - 1] + 1e-3);
    /* the answer measured on fresh items: their share at it, with a Wilson interval */
    assert_int_equal(r.fresh_n, n);
    assert_int_equal(it.fresh_runs, n);
    int64_t x = 0;
    for (int64_t i = 0; i < n; i++)
        x += threshold(&it, 1000000 + i) <= r.answer;
    assert_int_equal(r.fresh_successes, x);
    assert_true(r.metric_lo < r.metric && r.metric < r.metric_hi);
    free(t);
    bmc_threshold_result_free(&r);
}

/* A setting that hurts: success up to t_i, so the answer is the largest value that 80 % of the
 * items tolerate, the 20 % point of t, with the whole-number brackets adjacent. */
static void test_per_item_decreasing_integer(void **state)
{
    int64_t n = 301;
    items it = {.seed = 5, .a = 100, .b = 200, .integer = true, .sign = -1, .lo = 90,
                .hi = 210, .fresh_first = -1};
    bmc_threshold_options o = options(90, 210, 80, n);
    o.integer = true;
    o.fresh_first = -1;
    bmc_threshold_result r;
    bmc_err err = {{0}};
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
    assert_int_equal(r.method, BMC_THRESHOLD_PER_ITEM);
    assert_int_equal(r.direction, -1);
    double *t = malloc((size_t)n * sizeof *t);
    for (int64_t i = 0; i < n; i++) {
        t[i] = threshold(&it, i);
        assert_true(r.item_ok[i] == t[i] && r.item_fail[i] == t[i] + 1);
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    /* largest v with #(t >= v) >= 0.8 n: the ceil(0.8 n)-th largest */
    int64_t k = (n * 80 + 99) / 100;
    assert_true(r.answer == t[n - k]);
    int64_t rlo, rhi;
    hand_ranks(n, 0.8, &rlo, &rhi);
    assert_true(r.answer_hi == t[n - rlo] + 1 && r.answer_lo == t[n - rhi]);
    assert_true(isnan(r.metric) && r.fresh_n == 0);
    free(t);
    bmc_threshold_result_free(&r);
}

static void test_ends(void **state)
{
    bmc_err err = {{0}};
    bmc_threshold_result r;
    /* every threshold below the range: reached at the lower end already */
    items it = {.seed = 3, .a = 0, .b = 1, .sign = 1, .lo = 2, .hi = 5, .fresh_first = 1000000};
    bmc_threshold_options o = options(2, 5, 90, 50);
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
    assert_int_equal(r.method, BMC_THRESHOLD_FLAT);
    assert_int_equal(r.state, BMC_ANSWER_AT_END);
    bmc_threshold_result_free(&r);
    /* most thresholds above the range: not reached */
    it = (items){.seed = 3, .a = 4, .b = 40, .sign = 1, .lo = 2, .hi = 5, .fresh_first = 1000000};
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
    assert_int_equal(r.method, BMC_THRESHOLD_PER_ITEM);
    assert_int_equal(r.state, BMC_ANSWER_BEYOND);
    assert_true(isnan(r.answer) && r.answer_hi == INFINITY);
    assert_int_equal(r.fresh_n, 0);
    bmc_threshold_result_free(&r);
    /* the same with outcomes that flip near the threshold: the root search says the same,
     * and its interval starts at the end of the range */
    it = (items){.seed = 3, .a = 4, .b = 8, .sign = 1, .flip_width = 0.3, .lo = 2, .hi = 5,
                 .fresh_first = 1000000};
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
    assert_int_equal(r.method, BMC_THRESHOLD_ROOT_SEARCH);
    assert_int_equal(r.state, BMC_ANSWER_BEYOND);
    assert_true(isnan(r.answer) && r.answer_lo == 5 && r.answer_hi == INFINITY);
    bmc_threshold_result_free(&r);
    /* 95 % of thresholds below the range: the 50 % point is the lower end */
    it = (items){.seed = 3, .a = 0, .b = 2.1, .sign = 1, .lo = 2, .hi = 5, .fresh_first = 1000000};
    o.level = 50;
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
    assert_int_equal(r.state, BMC_ANSWER_AT_END);
    assert_true(r.answer == 2 && r.answer_lo == -INFINITY);
    bmc_threshold_result_free(&r);
}

static void test_non_monotone_root_search(void **state)
{
    int64_t n = 2000;
    items it = {.seed = 17, .a = 10, .b = 20, .sign = 1, .flip_width = 0.5, .lo = 5, .hi = 25,
                .fresh_first = 1000000};
    bmc_threshold_options o = options(5, 25, 50, n);
    bmc_threshold_result r;
    bmc_err err = {{0}};
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
    assert_int_equal(r.method, BMC_THRESHOLD_ROOT_SEARCH);
    assert_true(r.check_violations > 0);
    assert_true(isnan(r.item_ok[0]) && isnan(r.item_fail[0]));
    /* symmetric flips leave the share at F(v) inside (10.5, 19.5): the root is 15, and the
     * interval is about +-2.2 sd of the share's slope-scaled error (10 x 0.011 x 2) */
    assert_true(r.answer_lo <= 15 && 15 <= r.answer_hi);
    assert_true(r.answer_hi - r.answer_lo < 1.5);
    assert_true(fabs(r.answer - 15) < 0.5);
    assert_int_equal(r.runs, it.runs);
    bmc_threshold_result_free(&r);
}

/* Coverage over repetitions: the 95 % intervals must cover the true 90 % point of the
 * thresholds' distribution (19 for uniform(10, 20)) in at least 90 of 100 repetitions
 * (with true coverage 0.95, fewer than 90 has probability 0.03), for both methods. */
static void test_coverage(void **state)
{
    int covered = 0, covered_root = 0;
    for (int rep = 0; rep < 100; rep++) {
        bmc_err err = {{0}};
        bmc_threshold_result r;
        items it = {.seed = 1000 + (uint64_t)rep, .a = 10, .b = 20, .sign = 1, .lo = 12,
                    .hi = 22, .fresh_first = -1};
        bmc_threshold_options o = options(12, 22, 90, 200);
        o.fresh_first = -1;
        assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
        assert_int_equal(r.method, BMC_THRESHOLD_PER_ITEM);
        covered += r.answer_lo <= 19 && 19 <= r.answer_hi;
        bmc_threshold_result_free(&r);
        it.flip_width = 0.3;
        assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_OK);
        assert_int_equal(r.method, BMC_THRESHOLD_ROOT_SEARCH);
        covered_root += r.answer_lo <= 19 && 19 <= r.answer_hi;
        bmc_threshold_result_free(&r);
    }
    print_message("coverage: per item %d, root search %d of 100\n", covered, covered_root);
    assert_true(covered >= 90);
    assert_true(covered_root >= 90);
}

static void test_refusals_and_errors(void **state)
{
    bmc_err err = {{0}};
    bmc_threshold_result r;
    items it = {.seed = 1, .a = 0, .b = 1, .sign = 1, .lo = 0, .hi = 1, .fresh_first = 10};
    bmc_threshold_options o = options(1, 1, 90, 10);
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_EUSAGE);
    o = options(0, 1, 100, 10);
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_EUSAGE);
    o = options(0.5, 3, 50, 10);
    o.integer = true;
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_EUSAGE);
    o = options(0, 1, 50, 10);
    it.fail_with = BMC_EIO;
    assert_int_equal(bmc_threshold_search(&o, indicator, &it, &r, &err), BMC_EIO);
    assert_non_null(strstr(err.msg, "evaluation failed"));
    assert_null(r.item_ok);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_item_increasing),
        cmocka_unit_test(test_per_item_decreasing_integer),
        cmocka_unit_test(test_ends),
        cmocka_unit_test(test_non_monotone_root_search),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_refusals_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
