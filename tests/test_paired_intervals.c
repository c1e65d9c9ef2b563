/* Paired intervals (engine/core/paired_intervals.c) and the histogram percentile
 * (engine/core/hist_percentile.c): the Agresti-Min interval against the formula worked by
 * hand, medians with undefined and censored values, the bootstrap interval's coverage on
 * samples whose true median difference is known, its antisymmetry, and percentiles of
 * constructed histograms. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "assert_near.h"
#include "hist_percentile.h"
#include "paired_intervals.h"

/* 10 units with A only, 20 with B only, of 100: estimate 0.1; with 1/2 added to each cell
 * d = 10 / 102, var = (31 / 102 - d^2) / 102, half-width 1.959964 sqrt(var). */
static void test_agresti_min(void **state)
{
    (void)state;
    double out[3];
    bmc_paired_proportion_diff(10, 20, 100, 0.95, out);
    double d = 10.0 / 102, half = 1.959963984540054 * sqrt((31.0 / 102 - d * d) / 102);
    assert_near(out[0], 0.1, 1e-15);
    assert_near(out[1], d - half, 1e-12);
    assert_near(out[2], d + half, 1e-12);
    assert_near(out[1], -0.0072419, 1e-6);
    bmc_paired_proportion_diff(20, 10, 100, 0.95, out); /* swapped: negated */
    assert_near(out[0], -0.1, 1e-15);
    assert_near(out[1], -(d + half), 1e-12);
    bmc_paired_proportion_diff(0, 0, 0, 0.95, out);
    assert_true(isnan(out[0]) && isnan(out[1]) && isnan(out[2]));
}

static int median_diff(const double *a, const double *b, int64_t n, int reps, uint64_t seed,
                       double out[3])
{
    const double *x[2] = {a, b};
    const double w[2] = {-1, 1};
    return bmc_paired_contrast(x, w, 2, n, BMC_CONTRAST_MEDIAN, 0, reps, seed, 0.95, out, NULL);
}

static void test_median_defined(void **state)
{
    (void)state;
    double scratch[8];
    const double a[] = {3, NAN, 1, INFINITY, 2};
    assert_near(bmc_median_defined(a, 5, scratch), 2, 0); /* rank ceil(4 / 2) of 1 2 3 inf */
    const double b[] = {INFINITY, INFINITY, 1};
    assert_true(isinf(bmc_median_defined(b, 3, scratch)));
    const double c[] = {NAN, NAN};
    assert_true(isnan(bmc_median_defined(c, 2, scratch)));
    const double d[] = {5, 4, 4, 4, 1, 9, 4};
    assert_near(bmc_median_defined(d, 7, scratch), 4, 0);
}

/* Pairs (a, b) with b = 0.8 a + 0.6 z + 3, a and z standard normal: the median of b minus the
 * median of a is 3. Over 200 samples of 400 pairs, the 95 % interval covers 3 in a share whose
 * sampling sd is sqrt(0.95 0.05 / 200) = 0.015; the bounds are 4 sd (0.89) and 0.995 (the
 * bootstrap percentile interval is no wider than it should be by more than that). */
static void test_bootstrap_coverage(void **state)
{
    (void)state;
    enum { N = 400, SAMPLES = 200 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20260612);
    double a[N], b[N], out[3];
    int covered = 0;
    double width = 0;
    for (int s = 0; s < SAMPLES; s++) {
        for (int i = 0; i < N; i++) {
            a[i] = gsl_ran_gaussian(r, 1);
            b[i] = 0.8 * a[i] + 0.6 * gsl_ran_gaussian(r, 1) + 3;
        }
        assert_int_equal(median_diff(a, b, N, 500, (uint64_t)s, out), 0);
        covered += out[1] <= 3 && 3 <= out[2];
        width += out[2] - out[1];
    }
    gsl_rng_free(r);
    double share = (double)covered / SAMPLES;
    assert_true(share >= 0.89 && share <= 0.995);
    /* the sd of a median difference of 400 such pairs is about
     * sqrt(pi / 2 (2 - 2 0.8) / 400) = 0.040: a 95 % interval about 0.16 wide */
    assert_true(width / SAMPLES > 0.10 && width / SAMPLES < 0.24);
}

/* Identical samples differ by 0 exactly, in every resample; swapping the samples negates the
 * estimate and mirrors the interval exactly (the same resamples, the order reversed). A
 * difference involving a median beyond the horizon is unknown. */
static void test_bootstrap_symmetry(void **state)
{
    (void)state;
    double a[50], b[50], ab[3], ba[3], aa[3];
    for (int i = 0; i < 50; i++) {
        a[i] = (i * 37) % 50;
        b[i] = a[i] + (i % 7) - 2 + (i == 3 ? INFINITY : 0);
    }
    assert_int_equal(median_diff(a, a, 50, 999, 7, aa), 0);
    assert_true(aa[0] == 0 && aa[1] == 0 && aa[2] == 0);
    assert_int_equal(median_diff(a, b, 50, 999, 7, ab), 0);
    assert_int_equal(median_diff(b, a, 50, 999, 7, ba), 0);
    assert_true(ab[0] == -ba[0] && ab[1] == -ba[2] && ab[2] == -ba[1]);
    assert_true(ab[1] < ab[2]);
    double c[4] = {INFINITY, INFINITY, INFINITY, 1}, out[3];
    assert_int_equal(median_diff(c, c, 4, 99, 1, out), 0);
    assert_true(isnan(out[0]));
}

/* A contrast of four samples with weights 1/2, -1/2, -1/2, 1/2 (attribution's average of two
 * steps): the means 1, 2, 4, 7 give (1 - 2 - 4 + 7) / 2 = 1 exactly; undefined units are left
 * out of each mean; a constant sample makes every resample's contrast the same, so the
 * interval is that value. Negated weights mirror everything. */
static void test_contrast_of_four(void **state)
{
    (void)state;
    double s0[4] = {1, 1, 1, 1}, s1[4] = {2, 2, NAN, 2}, s2[4] = {4, 4, 4, 4}, s3[4] = {7, 7, 7, 7};
    const double *x[4] = {s0, s1, s2, s3};
    const double w[4] = {0.5, -0.5, -0.5, 0.5}, v[4] = {-0.5, 0.5, 0.5, -0.5};
    double out[3], neg[3];
    assert_int_equal(bmc_paired_contrast(x, w, 4, 4, BMC_CONTRAST_MEAN, 0, 199, 3, 0.95, out, NULL),
                     0);
    assert_true(out[0] == 1 && out[1] == 1 && out[2] == 1);
    assert_int_equal(bmc_paired_contrast(x, v, 4, 4, BMC_CONTRAST_MEDIAN, 0, 199, 3, 0.95, neg, NULL),
                     0);
    assert_true(neg[0] == -1 && neg[1] == -1 && neg[2] == -1);
    double r0[6] = {0, 1, 0, 1, 1, 0}, r1[6] = {1, 1, 0, 1, 1, 1};
    const double *y[2] = {r0, r1};
    const double d[2] = {-1, 1}, e[2] = {1, -1};
    double a[3], b[3];
    assert_int_equal(bmc_paired_contrast(y, d, 2, 6, BMC_CONTRAST_MEAN, 0, 999, 9, 0.95, a, NULL), 0);
    assert_int_equal(bmc_paired_contrast(y, e, 2, 6, BMC_CONTRAST_MEAN, 0, 999, 9, 0.95, b, NULL), 0);
    assert_near(a[0], 2.0 / 6, 1e-15);
    assert_true(b[0] == -a[0] && b[1] == -a[2] && b[2] == -a[1]);
    assert_true(a[1] >= 0 && a[2] <= 1);
}

/* On a grid the contrast does not depend on the order of its terms: the two walks of an
 * attribution swapped give exactly the negated estimate and the mirrored interval. */
static void test_contrast_on_a_grid(void **state)
{
    (void)state;
    enum { M = 40 };
    double c[4][M];
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < M; i++)
            c[j][i] = 0.1 * (j + 1) + 0.01 * ((i * (7 + j)) % 13) / 3.0;
    const double *x[4] = {c[0], c[1], c[2], c[3]}, *y[4] = {c[2], c[3], c[0], c[1]};
    const double w[4] = {-0.5, 0.5, 0.5, -0.5};
    const double grid = 1.0 / 1099511627776.0; /* 2^-40 */
    for (int stat = 0; stat < 2; stat++) {
        double a[3], b[3];
        assert_int_equal(bmc_paired_contrast(x, w, 4, M, stat, grid, 499, 5, 0.95, a, NULL), 0);
        assert_int_equal(bmc_paired_contrast(y, w, 4, M, stat, grid, 499, 5, 0.95, b, NULL), 0);
        assert_true(b[0] == -a[0] && b[1] == -a[2] && b[2] == -a[1]);
        assert_true(a[1] < a[2]);
    }
}

/* A histogram of 1 .. 4 with 10, 20, 30, 40 samples: 2 lies at 10 + 20 / 2 of 100 (a tie
 * counts half); in a bin spread over its width, a value a quarter in counts a quarter. */
static void test_hist_percentile(void **state)
{
    (void)state;
    const int64_t h[4] = {10, 20, 30, 40};
    assert_near(bmc_hist_percentile(h, 4, 1, 0.5), 20, 1e-12);
    assert_near(bmc_hist_percentile(h, 4, 0, 0), 0, 0);
    assert_near(bmc_hist_percentile(h, 4, 3, 1), 100, 1e-12);
    assert_near(bmc_hist_percentile(h, 4, 2, 0.25), 37.5, 1e-12);
    assert_true(isnan(bmc_hist_percentile(h, 4, 4, 0.5)));
    const int64_t empty[2] = {0, 0};
    assert_true(isnan(bmc_hist_percentile(empty, 2, 0, 0.5)));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agresti_min),
        cmocka_unit_test(test_median_defined),
        cmocka_unit_test(test_bootstrap_coverage),
        cmocka_unit_test(test_bootstrap_symmetry),
        cmocka_unit_test(test_contrast_of_four),
        cmocka_unit_test(test_contrast_on_a_grid),
        cmocka_unit_test(test_hist_percentile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
