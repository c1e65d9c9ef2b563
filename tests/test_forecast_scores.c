/* Forecast scores (engine/core/forecast_scores.c): the sample CRPS against a hand-computed
 * case, against its exact expectation over every sample of a discrete law (unbiasedness),
 * and against the closed-form CRPS of a normal (itself checked by quadrature); the PIT with
 * ties and its uniformity for draws from the forecast law; quantiles, intervals, the
 * chi-square test and the tallies with their skill. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "forecast_scores.h"

/* {1, 2, 4} at y = 3: E|X - y| = 4/3; the pairs differ by 1, 3 and 2, so the fair
 * E|X - X'| over ordered pairs i != j is 12 / 6 = 2 and the CRPS 4/3 - 2/2 = 1/3 (the plain
 * form with n^2 pairs would give 4/3 - 12/18 = 2/3). */
static void test_crps_by_hand(void **state)
{
    (void)state;
    double x[] = {1, 2, 4};
    assert_float_equal(bmc_scores_crps_sample(x, 3, 3), 1.0 / 3, 1e-15);
    /* a sample of two equal values is a point forecast: |x - y| */
    double two[] = {5, 5};
    assert_float_equal(bmc_scores_crps_sample(two, 2, 2), 3, 1e-15);
    /* {0, 1} at 0: E|X - y| = 1/2, E|X - X'| = 1: exactly 0 */
    double b[] = {0, 1};
    assert_float_equal(bmc_scores_crps_sample(b, 2, 0), 0, 1e-15);
    /* shifting sample and observation together leaves the score alone (large values are
     * centred before the sums) */
    double big[] = {1e9 + 1, 1e9 + 2, 1e9 + 4};
    assert_float_equal(bmc_scores_crps_sample(big, 3, 1e9 + 3), 1.0 / 3, 1e-6);
}

/* The fair CRPS is unbiased: its mean over every ordered sample of size 3 from the law
 * P(0) = 0.2, P(1) = 0.5, P(3) = 0.3 equals CRPS(F, y) = E|X - y| - E|X - X'| / 2, summed
 * exactly over the law, for y at and between the atoms. */
static void test_crps_unbiased(void **state)
{
    (void)state;
    const double v[3] = {0, 1, 3}, p[3] = {0.2, 0.5, 0.3};
    const double ys[] = {-1, 0, 0.5, 1, 2.2, 3, 7};
    for (size_t k = 0; k < sizeof ys / sizeof ys[0]; k++) {
        double y = ys[k], exact = 0;
        for (int i = 0; i < 3; i++) {
            exact += p[i] * fabs(v[i] - y);
            for (int j = 0; j < 3; j++)
                exact -= 0.5 * p[i] * p[j] * fabs(v[i] - v[j]);
        }
        double mean = 0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 3; c++) {
                    double s[3] = {v[a], v[b], v[c]};
                    bmc_scores_sort(s, 3);
                    mean += p[a] * p[b] * p[c] * bmc_scores_crps_sample(s, 3, y);
                }
        assert_float_equal(mean, exact, 1e-14);
    }
}

typedef struct normal_at {
    double mu, sigma, y;
} normal_at;

/* (F(x) - 1{x >= y})^2, the integrand of the CRPS's definition */
static double crps_integrand(double x, void *arg)
{
    const normal_at *n = arg;
    double F = gsl_cdf_gaussian_P(x - n->mu, n->sigma);
    double step = x >= n->y ? 1 : 0;
    return (F - step) * (F - step);
}

/* The closed form against the definition integrated numerically, and the sample CRPS of
 * normal draws against the closed form: 200 samples of 500 draws each; their mean lies
 * within 4 standard errors (from the spread of the 200) of the closed form. */
static void test_crps_normal(void **state)
{
    (void)state;
    const normal_at cases[] = {{0, 1, 0}, {3, 2, 0.7}, {-1, 0.5, 2}, {100, 30, 40}};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        normal_at c = cases[k];
        gsl_function f = {crps_integrand, &c};
        double below, above, e1, e2;
        /* split at y, where the integrand jumps */
        assert_int_equal(gsl_integration_qagil(&f, c.y, 1e-12, 1e-10, 1000, ws, &below, &e1), 0);
        assert_int_equal(gsl_integration_qagiu(&f, c.y, 1e-12, 1e-10, 1000, ws, &above, &e2), 0);
        assert_float_equal(bmc_scores_crps_normal(c.mu, c.sigma, c.y), below + above,
                           1e-8 * c.sigma);
    }
    gsl_integration_workspace_free(ws);

    enum { REPS = 200, N = 500 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20260612);
    const double mu = 3, sigma = 2, y = 0.7;
    double sum = 0, sum2 = 0, x[N];
    for (int rep = 0; rep < REPS; rep++) {
        for (int i = 0; i < N; i++)
            x[i] = mu + gsl_ran_gaussian_ziggurat(r, sigma);
        bmc_scores_sort(x, N);
        double c = bmc_scores_crps_sample(x, N, y);
        sum += c;
        sum2 += c * c;
    }
    gsl_rng_free(r);
    double mean = sum / REPS, sd = sqrt((sum2 - REPS * mean * mean) / (REPS - 1));
    double exact = bmc_scores_crps_normal(mu, sigma, y);
    printf("sample CRPS %.5f +- %.5f, closed form %.5f\n", mean, sd / sqrt(REPS), exact);
    assert_true(fabs(mean - exact) < 4 * sd / sqrt(REPS));
    /* the plain n^2 form's bias, sigma / (sqrt(pi) N), is 0.45 standard errors here: the
     * estimator is checked to be the fair one by test_crps_unbiased */
}

/* PIT with ties: {1, 2, 2, 3} at 2 has one value below and two equal: (1 + 1.5) / 5. */
static void test_pit(void **state)
{
    (void)state;
    double x[] = {1, 2, 2, 3};
    assert_float_equal(bmc_scores_pit(x, 4, 2), 2.5 / 5, 1e-15);
    assert_float_equal(bmc_scores_pit(x, 4, 0), 0.5 / 5, 1e-15);
    assert_float_equal(bmc_scores_pit(x, 4, 1.5), 1.5 / 5, 1e-15);
    assert_float_equal(bmc_scores_pit(x, 4, 9), 4.5 / 5, 1e-15);
    /* an observation drawn from the forecast's own (continuous) law: with 9 draws the PIT
     * is (rank + 1/2) / 10, one value per bin of ten, uniform: chi-square p > 0.001 over
     * 20,000 forecasts, and far from uniform when the observation comes from a wider law */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    int64_t same[BMC_PIT_BINS] = {0}, wide[BMC_PIT_BINS] = {0};
    for (int k = 0; k < 20000; k++) {
        double s[9];
        for (int i = 0; i < 9; i++)
            s[i] = gsl_ran_gaussian(r, 1);
        bmc_scores_sort(s, 9);
        double pit = bmc_scores_pit(s, 9, gsl_ran_gaussian(r, 1));
        assert_float_equal(pit * 10 - floor(pit * 10), 0.5, 1e-12);
        same[(int)(pit * BMC_PIT_BINS)]++;
        wide[(int)(bmc_scores_pit(s, 9, gsl_ran_gaussian(r, 2)) * BMC_PIT_BINS)]++;
    }
    gsl_rng_free(r);
    double p_same, p_wide;
    bmc_scores_uniform_chisq(same, BMC_PIT_BINS, &p_same);
    bmc_scores_uniform_chisq(wide, BMC_PIT_BINS, &p_wide);
    printf("PIT chi-square p: %.3f for the forecast's own law, %.3g for a wider one\n", p_same,
           p_wide);
    assert_true(p_same > 0.001);
    assert_true(p_wide < 1e-6);
    assert_true(wide[0] > 2 * same[0] && wide[9] > 2 * same[9]); /* U-shaped: too narrow */
}

/* Quantiles are order statistics x_(ceil(n p)); the chi-square statistic by hand. */
static void test_quantiles_and_chisq(void **state)
{
    (void)state;
    double x[20];
    for (int i = 0; i < 20; i++)
        x[i] = i + 1;
    assert_float_equal(bmc_scores_quantile(x, 20, 5), 1, 0);
    assert_float_equal(bmc_scores_quantile(x, 20, 25), 5, 0);
    assert_float_equal(bmc_scores_quantile(x, 20, 50), 10, 0);
    assert_float_equal(bmc_scores_quantile(x, 20, 95), 19, 0);
    double big[1000];
    for (int i = 0; i < 1000; i++)
        big[i] = i + 1;
    /* 0.05 x 1000 is 50 in integer arithmetic, not 51 by rounding */
    assert_float_equal(bmc_scores_quantile(big, 1000, 5), 50, 0);
    assert_float_equal(bmc_scores_quantile(big, 1000, 95), 950, 0);
    int64_t flat[4] = {5, 5, 5, 5}, lopsided[2] = {15, 5}, none[3] = {0, 0, 0};
    double p;
    assert_float_equal(bmc_scores_uniform_chisq(flat, 4, &p), 0, 0);
    assert_float_equal(p, 1, 1e-12);
    /* (15 - 10)^2 / 10 + (5 - 10)^2 / 10 = 5, one degree of freedom */
    assert_float_equal(bmc_scores_uniform_chisq(lopsided, 2, &p), 5, 1e-12);
    assert_float_equal(p, 2 * gsl_cdf_ugaussian_Q(sqrt(5)), 1e-12);
    assert_true(isnan(bmc_scores_uniform_chisq(none, 3, &p)) && isnan(p));
}

/* One forecast: intervals inclusive at their ends, references scored by absolute error,
 * nothing observation-dependent without an observation; the tallies and their skill. */
static void test_score_and_tally(void **state)
{
    (void)state;
    double s[20];
    for (int i = 0; i < 20; i++)
        s[19 - i] = i + 1; /* unsorted on purpose */
    double ref[BMC_SCORE_REFS] = {12, NAN};
    bmc_forecast_score a;
    bmc_forecast_score_sample(s, 20, 15, ref, &a);
    assert_float_equal(a.mean, 10.5, 1e-12);
    assert_float_equal(a.quantile[1], 5, 0);
    assert_float_equal(a.quantile[3], 15, 0);
    assert_true(a.in50 && a.in90); /* 15 is the upper end of [5, 15] */
    assert_float_equal(a.ref_crps[0], 3, 0);
    assert_true(isnan(a.ref_crps[1]));
    double s2[20];
    for (int i = 0; i < 20; i++)
        s2[i] = i + 1;
    bmc_forecast_score b;
    bmc_forecast_score_sample(s2, 20, 16, (double[]){14, 10}, &b);
    assert_false(b.in50);
    assert_true(b.in90);
    bmc_forecast_score c;
    bmc_forecast_score_sample(s2, 20, NAN, (double[]){14, 10}, &c);
    assert_true(isnan(c.pit) && isnan(c.crps) && !c.in50 && !c.in90 && isnan(c.ref_crps[0]));
    assert_float_equal(c.quantile[2], 10, 0);

    bmc_score_tally t;
    memset(&t, 0, sizeof t);
    bmc_score_tally_add(&t, &a);
    bmc_score_tally_add(&t, &b);
    bmc_score_tally_add(&t, &c); /* left out: no observation */
    bmc_score_summary sum;
    bmc_score_tally_summarise(&t, &sum);
    assert_int_equal(sum.n, 2);
    assert_float_equal(sum.cover50, 0.5, 0);
    assert_float_equal(sum.cover90, 1, 0);
    assert_float_equal(sum.crps_mean, (a.crps + b.crps) / 2, 1e-12);
    /* reference 0 exists for both: 1 - (a + b) / (3 + 2); reference 1 only for b */
    assert_int_equal(sum.n_ref[0], 2);
    assert_float_equal(sum.skill[0], 1 - (a.crps + b.crps) / 5, 1e-12);
    assert_int_equal(sum.n_ref[1], 1);
    assert_float_equal(sum.skill[1], 1 - b.crps / 6, 1e-12);
    /* PITs (14 + 1) / 21 and (15 + 1) / 21, both in the eighth bin */
    assert_float_equal(a.pit, 15.0 / 21, 1e-15);
    assert_float_equal(b.pit, 16.0 / 21, 1e-15);
    assert_int_equal(sum.pit[7], 2);
    /* nothing observed: everything undefined */
    memset(&t, 0, sizeof t);
    bmc_score_tally_summarise(&t, &sum);
    assert_true(isnan(sum.cover90) && isnan(sum.crps_mean) && isnan(sum.skill[0]) &&
                isnan(sum.pit_p));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crps_by_hand),
        cmocka_unit_test(test_crps_unbiased),
        cmocka_unit_test(test_crps_normal),
        cmocka_unit_test(test_pit),
        cmocka_unit_test(test_quantiles_and_chisq),
        cmocka_unit_test(test_score_and_tally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
