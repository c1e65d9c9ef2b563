/* Interval estimates against values found independently of the code under test: textbook
 * tables, and brute force from the binomial probability mass function in long double
 * (lgammal), with bisection where a bound is the root of a tail probability. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "stats.h"

#define Z975 1.959963984540054L /* the 97.5 % point of the standard normal */

/* cmocka's assert_near works in float: too coarse here. */
#define assert_near(a, b, tol) assert_near_((double)(a), (double)(b), (tol), #a, __LINE__)
static void assert_near_(double a, double b, double tol, const char *what, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("line %d: %s = %.15g, expected %.15g within %g", line, what, a, b, tol);
}

/* ---- brute force -------------------------------------------------------------------------- */

static long double pmf(int64_t k, long double p, int64_t n)
{
    if (p <= 0)
        return k == 0;
    if (p >= 1)
        return k == n;
    return expl(lgammal((long double)n + 1) - lgammal((long double)k + 1)
                - lgammal((long double)(n - k) + 1) + (long double)k * logl(p)
                + (long double)(n - k) * log1pl(-p));
}

/* P(B <= k) and P(B >= k), each term from lgammal on its own, summed from k outwards until
 * the terms stop mattering (the pmf is unimodal, so once past the mode they only shrink). */
static long double lower_tail(int64_t k, long double p, int64_t n)
{
    long double s = 0;
    for (int64_t j = k < n ? k : n; j >= 0; j--) {
        long double t = pmf(j, p, n);
        s += t;
        if (t < s * 1e-30L && (long double)j < (long double)n * p)
            break;
    }
    return s;
}

static long double upper_tail(int64_t k, long double p, int64_t n)
{
    long double s = 0;
    for (int64_t j = k > 0 ? k : 0; j <= n; j++) {
        long double t = pmf(j, p, n);
        s += t;
        if (t < s * 1e-30L && (long double)j > (long double)n * p)
            break;
    }
    return s;
}

/* The definition, rank by rank: lo the largest with P(B <= lo - 1) <= 0.025, hi the smallest
 * with P(B >= hi) <= 0.025; the tails accumulated once over all ranks. */
static void brute_ranks(int64_t n, int level, int64_t *lo, int64_t *hi)
{
    long double p = level / 100.0L;
    long double *cdf = calloc((size_t)n + 2, sizeof *cdf), *sf = calloc((size_t)n + 2,
                                                                         sizeof *sf);
    assert_true(cdf && sf);
    for (int64_t j = 0; j <= n; j++)
        cdf[j] = (j ? cdf[j - 1] : 0) + pmf(j, p, n);
    for (int64_t j = n; j >= 0; j--)
        sf[j] = sf[j + 1] + pmf(j, p, n); /* sf[j] = P(B >= j), sf[n + 1] = 0 */
    *lo = 0;
    for (int64_t j = 1; j <= n; j++)
        if (cdf[j - 1] <= 0.025L)
            *lo = j;
    *hi = n + 1;
    for (int64_t j = n; j >= 1; j--)
        if (sf[j] <= 0.025L)
            *hi = j;
    free(cdf);
    free(sf);
}

/* Root in [a, b] of a function that changes sign once, by bisection. */
static long double bisect(long double (*f)(long double, const void *), const void *ctx,
                          long double a, long double b)
{
    long double fa = f(a, ctx);
    for (int i = 0; i < 200; i++) {
        long double m = (a + b) / 2, fm = f(m, ctx);
        if ((fm < 0) == (fa < 0)) {
            a = m;
            fa = fm;
        } else {
            b = m;
        }
    }
    return (a + b) / 2;
}

typedef struct xn {
    int64_t x, n;
} xn;

/* Clopper-Pearson: lo solves P(B >= x | p) = 0.025, hi solves P(B <= x | p) = 0.025. */
static long double cp_lo_f(long double p, const void *c)
{
    const xn *v = c;
    return upper_tail(v->x, p, v->n) - 0.025L;
}

static long double cp_hi_f(long double p, const void *c)
{
    const xn *v = c;
    return lower_tail(v->x, p, v->n) - 0.025L;
}

/* Wilson: the p where the score statistic |x - n p| / sqrt(n p (1 - p)) equals z. */
static long double score_f(long double p, const void *c)
{
    const xn *v = c;
    long double d = (long double)v->x - (long double)v->n * p;
    return d * d - Z975 * Z975 * (long double)v->n * p * (1 - p);
}

/* ---- order-statistic intervals ------------------------------------------------------------ */

static void test_rank_of_estimate(void **state)
{
    (void)state;
    assert_int_equal(bmc_stats_quantile_rank(0, 50), 0);
    assert_int_equal(bmc_stats_quantile_rank(1, 5), 1);
    assert_int_equal(bmc_stats_quantile_rank(10, 50), 5);
    assert_int_equal(bmc_stats_quantile_rank(10, 5), 1);
    assert_int_equal(bmc_stats_quantile_rank(10, 85), 9);   /* ceil(8.5) */
    assert_int_equal(bmc_stats_quantile_rank(2000, 5), 100); /* exact, no rounding up */
    assert_int_equal(bmc_stats_quantile_rank(2001, 5), 101);
    assert_int_equal(bmc_stats_quantile_rank(7, 100), 7);
}

/* Textbook intervals for the median: n = 10 -> [X_(2), X_(9)], n = 20 -> [X_(6), X_(15)],
 * n = 100 -> [X_(40), X_(61)]; too few scenarios leave the interval open. */
static void test_median_ranks_textbook(void **state)
{
    (void)state;
    static const int64_t cases[][3] = {{10, 2, 9}, {20, 6, 15}, {100, 40, 61}, {5, 0, 6},
                                       {6, 1, 6}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t lo, hi;
        bmc_stats_quantile_ci_ranks(cases[i][0], 50, 0.95, &lo, &hi);
        assert_int_equal(lo, cases[i][1]);
        assert_int_equal(hi, cases[i][2]);
    }
}

static void test_ranks_brute_force(void **state)
{
    (void)state;
    /* up to 10^4 trials GSL's CDF is used, above it the summed tails */
    static const int64_t ns[] = {1, 2, 7, 10, 19, 50, 137, 400, 1000, 2000, 10000, 10001,
                                 25000};
    static const int levels[] = {5, 10, 25, 50, 75, 85, 90, 95};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (size_t l = 0; l < sizeof levels / sizeof *levels; l++) {
            int64_t lo, hi, blo, bhi;
            bmc_stats_quantile_ci_ranks(ns[i], levels[l], 0.95, &lo, &hi);
            brute_ranks(ns[i], levels[l], &blo, &bhi);
            if (lo != blo || hi != bhi)
                fail_msg("n %lld level %d: got [%lld, %lld], brute force [%lld, %lld]",
                         (long long)ns[i], levels[l], (long long)lo, (long long)hi,
                         (long long)blo, (long long)bhi);
            /* and the coverage it promises, when both ends are bounded */
            if (lo >= 1 && hi <= ns[i]) {
                long double p = levels[l] / 100.0L;
                long double cover = 1 - lower_tail(lo - 1, p, ns[i]) - upper_tail(hi, p, ns[i]);
                assert_true(cover >= 0.95L);
            }
        }
}

/* Beyond an unsigned int of scenarios the beta form takes over: the median interval then
 * lies within a rank or two of n/2 -+ 1.96 sqrt(n)/2 + 1/2 (normal approximation). */
static void test_ranks_huge_n(void **state)
{
    (void)state;
    int64_t n = INT64_C(5000000000), lo, hi;
    bmc_stats_quantile_ci_ranks(n, 50, 0.95, &lo, &hi);
    double half = 1.959963984540054 * sqrt((double)n) / 2;
    assert_true(fabs((double)lo - ((double)n / 2 - half)) < 3);
    assert_true(fabs((double)hi - ((double)n / 2 + half + 1)) < 3);
    /* P(B <= n/2) = 1/2 + pmf(n/2) / 2, pmf(n/2) = sqrt(2 / (pi n)) (1 - 1/(4n) + ...) */
    double pi = 3.14159265358979323846, centre = 0.5 * sqrt(2 / (pi * (double)n));
    assert_near(bmc_stats_binomial_cdf(n / 2, 0.5, n), 0.5 + centre, 1e-10);
    assert_near(bmc_stats_binomial_sf(n / 2, 0.5, n), 0.5 - centre, 1e-10);
}

/* A few million trials near the median, where GSL's continued fraction gives up, against
 * the brute-force sum (itself within 3e-13 of a 40-digit mpmath sum at the first k). */
static void test_cdf_millions(void **state)
{
    (void)state;
    int64_t n = 3300000;
    int64_t ks[] = {n / 2 - 1800, n / 2, n / 2 + 1800};
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
        assert_near(bmc_stats_binomial_cdf(ks[i], 0.5, n), (double)lower_tail(ks[i], 0.5L, n),
                    1e-12);
        assert_near(bmc_stats_binomial_sf(ks[i], 0.5, n),
                    (double)upper_tail(ks[i] + 1, 0.5L, n), 1e-12);
    }
    int64_t lo, hi, blo, bhi;
    bmc_stats_quantile_ci_ranks(n, 50, 0.95, &lo, &hi);
    /* brute force near the answer only: the tails are monotone */
    blo = lo;
    while (lower_tail(blo, 0.5L, n) <= 0.025L)
        blo++;
    while (blo > 0 && lower_tail(blo - 1, 0.5L, n) > 0.025L)
        blo--;
    assert_int_equal(lo, blo);
    bhi = hi;
    while (upper_tail(bhi - 1, 0.5L, n) <= 0.025L)
        bhi--;
    while (upper_tail(bhi, 0.5L, n) > 0.025L)
        bhi++;
    assert_int_equal(hi, bhi);
}

/* ---- proportions -------------------------------------------------------------------------- */

/* Newcombe (1998), Statistics in Medicine 17:857-872, table I, methods 3 (Wilson score) and 5
 * (Clopper-Pearson), to the 4 decimals printed there. */
static void test_newcombe_table(void **state)
{
    (void)state;
    static const struct {
        int64_t x, n;
        double wlo, whi, clo, chi;
    } rows[] = {{81, 263, 0.2553, 0.3662, 0.2527, 0.3676},
                {15, 148, 0.0624, 0.1605, 0.0578, 0.1617},
                {0, 20, 0.0000, 0.1611, 0.0000, 0.1684},
                {1, 29, 0.0061, 0.1718, 0.0009, 0.1776}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        double lo, hi;
        bmc_stats_wilson(rows[i].x, rows[i].n, 0.95, &lo, &hi);
        assert_near(lo, rows[i].wlo, 0.00005);
        assert_near(hi, rows[i].whi, 0.00005);
        bmc_stats_clopper_pearson(rows[i].x, rows[i].n, 0.95, &lo, &hi);
        assert_near(lo, rows[i].clo, 0.00005);
        assert_near(hi, rows[i].chi, 0.00005);
    }
}

static void test_intervals_brute_force(void **state)
{
    (void)state;
    static const int64_t cases[][2] = {{0, 1},   {1, 1},    {3, 10},   {5, 10},  {10, 10},
                                       {1, 50},  {49, 50},  {17, 80},  {412, 1000},
                                       {0, 500}, {500, 500}, {999, 1000}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        xn v = {cases[i][0], cases[i][1]};
        long double ph = (long double)v.x / (long double)v.n;
        double lo, hi;
        bmc_stats_clopper_pearson(v.x, v.n, 0.95, &lo, &hi);
        long double blo = v.x == 0 ? 0 : bisect(cp_lo_f, &v, 0, ph);
        long double bhi = v.x == v.n ? 1 : bisect(cp_hi_f, &v, ph, 1);
        assert_near(lo, (double)blo, 1e-9);
        assert_near(hi, (double)bhi, 1e-9);
        bmc_stats_wilson(v.x, v.n, 0.95, &lo, &hi);
        /* p = x / n is a root too when x is 0 or n: start just inside */
        blo = v.x == 0 ? 0 : bisect(score_f, &v, 0, v.x == v.n ? 1 - 1e-30L : ph);
        bhi = v.x == v.n ? 1 : bisect(score_f, &v, v.x == 0 ? 1e-30L : ph, 1);
        assert_near(lo, (double)blo, 1e-12);
        assert_near(hi, (double)bhi, 1e-12);
    }
}

/* Lopsided cases where GSL's beta quantile gives up: the bounds still satisfy their
 * defining tail equations. */
static void test_clopper_pearson_extreme(void **state)
{
    (void)state;
    static const int64_t cases[][2] = {{1, 1000000}, {999999, 1000000}, {3, 10000000}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t x = cases[i][0], n = cases[i][1];
        double lo, hi;
        bmc_stats_clopper_pearson(x, n, 0.95, &lo, &hi);
        assert_true(lo > 0 && lo < (double)x / (double)n && hi > (double)x / (double)n
                    && hi < 1);
        /* P(B >= x | lo) = 1 - P(B <= x - 1 | lo) and P(B <= x | hi) */
        assert_near(1 - bmc_stats_binomial_cdf(x - 1, lo, n), 0.025, 1e-9);
        assert_near(bmc_stats_binomial_cdf(x, hi, n), 0.025, 1e-9);
    }
}

static void test_no_trials(void **state)
{
    (void)state;
    double lo, hi;
    bmc_stats_wilson(0, 0, 0.95, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
    bmc_stats_clopper_pearson(0, 0, 0.95, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
    int64_t rlo, rhi;
    bmc_stats_quantile_ci_ranks(0, 50, 0.95, &rlo, &rhi);
    assert_int_equal(rlo, 0);
    assert_int_equal(rhi, 1);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_of_estimate),
        cmocka_unit_test(test_median_ranks_textbook),
        cmocka_unit_test(test_ranks_brute_force),
        cmocka_unit_test(test_ranks_huge_n),
        cmocka_unit_test(test_cdf_millions),
        cmocka_unit_test(test_newcombe_table),
        cmocka_unit_test(test_intervals_brute_force),
        cmocka_unit_test(test_clopper_pearson_extreme),
        cmocka_unit_test(test_no_trials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
