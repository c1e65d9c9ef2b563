/* The samplers of engine/sampler.c against the exact laws, every branch (quick zero,
 * inversion, transformed rejection, symmetry, shape < 1), and the buffered Philox refill
 * against Random123.
 *
 * Each law gets N draws from a fixed stream and a chi-square test: discrete laws on bins of
 * consecutive values holding at least 5 expected counts each (tails pooled), continuous laws
 * on 50 equiprobable bins from the exact quantiles. The bound is the chi-square quantile at
 * 1 - 1e-6: a correct sampler fails it once in a million seeds, a wrong one (a shifted mode,
 * a wrong tail, an off-by-one in the search) fails it by far at these N. Means are checked at
 * 5 standard errors besides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <Random123/philox.h>

#include "draws.h"
#include "normal.h"
#include "rng.h"
#include "rng_inline.h"
#include "sampler.h"

#define N_DRAWS 200000
#define ALPHA 1e-6

/* Both refill versions give Random123's blocks in counter order, across the 32-bit wrap of
 * the block counter. */
static void test_philox_refill(void **state)
{
    (void)state;
    void (*refill[2])(bmc_philox_state *) = {bmc_philox_refill_portable, bmc_philox_refill};
    for (int v = 0; v < 2; v++) {
        bmc_philox_state s = {.key = {0x89abcdef, 0x01234567},
                              .ctr = {0xfffffff0u, 5, 7, 9},
                              .next = BMC_PHILOX_BUF};
        philox4x32_key_t k = {{0x89abcdef, 0x01234567}};
        uint32_t block = 0xfffffff0u;
        for (int i = 0; i < 5 * BMC_PHILOX_LANES; i++, block++) {
            philox4x32_ctr_t c = {{block, 5, 7, 9}};
            philox4x32_ctr_t want = philox4x32(c, k);
            for (int j = 0; j < 4; j++) {
                if (s.next == BMC_PHILOX_BUF)
                    refill[v](&s);
                assert_int_equal(s.buf[s.next++], want.v[j]);
            }
        }
    }
}

/* The inline path and gsl_rng_get read one sequence. */
static void test_inline_and_gsl_share_stream(void **state)
{
    (void)state;
    gsl_rng *a = bmc_stream_alloc(), *b = bmc_stream_alloc();
    assert_non_null(a);
    assert_non_null(b);
    bmc_stream_key(a, 11, 12, BMC_STREAM_OUTCOMES);
    bmc_stream_key(b, 11, 12, BMC_STREAM_OUTCOMES);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(i % 3 ? bmc_rng_u32(a) : (uint32_t)gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static gsl_rng *stream(uint64_t id)
{
    gsl_rng *r = bmc_stream_alloc();
    assert_non_null(r);
    bmc_stream_key(r, 20260612, id, BMC_STREAM_PRODUCTION);
    return r;
}

typedef double (*pmf_fn)(unsigned k, const double *par);
typedef double (*draw_fn)(gsl_rng *r, const double *par);

static double poisson_pmf(unsigned k, const double *par)
{
    return gsl_ran_poisson_pdf(k, par[0]);
}

static double poisson_draw(gsl_rng *r, const double *par)
{
    return bmc_ran_poisson(r, par[0]);
}

static double binomial_pmf(unsigned k, const double *par)
{
    return gsl_ran_binomial_pdf(k, par[1], (unsigned)par[0]);
}

static double binomial_draw(gsl_rng *r, const double *par)
{
    return bmc_ran_binomial(r, par[0], par[1]);
}

/* min(n, X) for X ~ Poisson(mu): par = {mu, n} */
static double poisson_min_pmf(unsigned k, const double *par)
{
    if (k < par[1])
        return gsl_ran_poisson_pdf(k, par[0]);
    return k == par[1] ? gsl_cdf_poisson_Q((unsigned)par[1] - 1, par[0]) : 0;
}

static double poisson_min_draw(gsl_rng *r, const double *par)
{
    return bmc_ran_poisson_min(r, par[0], par[1]);
}

/* Chi-square of N draws against the pmf: values 0..kmax and a tail cell beyond, merged
 * from 0 upwards into bins of at least 5 expected draws (the rest, also >= 5, is the last
 * bin). */
static void check_discrete(const char *what, draw_fn draw, pmf_fn pmf, const double *par,
                           unsigned kmax, double mean, double var, uint64_t id)
{
    size_t cells = (size_t)kmax + 2;
    double *obs = calloc(cells, sizeof *obs), *expd = calloc(cells, sizeof *expd);
    double *rest = calloc(cells + 1, sizeof *rest); /* expected draws in cells k.. */
    assert_true(obs && expd && rest);
    gsl_rng *r = stream(id);
    double sum = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double x = draw(r, par);
        assert_true(x >= 0 && x == floor(x));
        sum += x;
        obs[x > kmax ? kmax + 1 : (unsigned)x]++;
    }
    gsl_rng_free(r);
    double mass = 0;
    for (unsigned k = 0; k <= kmax; k++)
        mass += expd[k] = N_DRAWS * pmf(k, par);
    expd[kmax + 1] = fmax(0, N_DRAWS - mass);
    for (size_t k = cells; k-- > 0;)
        rest[k] = rest[k + 1] + expd[k];
    double chi2 = 0, e = 0, o = 0;
    int bins = 0;
    for (size_t k = 0; k < cells; k++) {
        e += expd[k];
        o += obs[k];
        if ((e >= 5 && rest[k + 1] >= 5) || k == cells - 1) {
            chi2 += (o - e) * (o - e) / e;
            bins++;
            e = o = 0;
        }
    }
    free(obs);
    free(expd);
    free(rest);
    double bound = gsl_cdf_chisq_Qinv(ALPHA, bins - 1);
    printf("%-28s chi2 %8.2f on %3d bins (bound %6.2f), mean %.4f vs %.4f\n", what, chi2, bins,
           bound, sum / N_DRAWS, mean);
    assert_true(bins >= 2);
    assert_true(chi2 < bound);
    assert_true(fabs(sum / N_DRAWS - mean) <= 5 * sqrt(var / N_DRAWS));
}

static void test_poisson(void **state)
{
    (void)state;
    /* quick zero and inversion below 10, PTRS from 10 */
    const double mus[] = {0.02, 0.5, 1, 3.7, 9.99, 10, 31.4, 250, 4000};
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++) {
        double mu = mus[i];
        char what[64];
        snprintf(what, sizeof what, "Poisson(%g)", mu);
        unsigned kmax = (unsigned)(mu + 12 * sqrt(mu) + 20);
        check_discrete(what, poisson_draw, poisson_pmf, &mu, kmax, mu, mu, 100 + i);
    }
}

static void test_binomial(void **state)
{
    (void)state;
    /* n == 1; quick zero and inversion below n p = 10 (tiny p with large n as for
     * withdrawals); BTRS from 10, just below and above the switch; p > 1/2 by symmetry */
    const double np[][2] = {{1, 0.3},      {1, 0.7},      {5, 0.5},     {20, 0.05},
                            {5364, 5.4e-5}, {41, 0.24},    {42, 0.24},   {70, 0.8},
                            {300, 0.45},   {100000, 0.3}, {60, 0.999},  {2000, 0.995},
                            {23, 0.27}};
    for (size_t i = 0; i < sizeof np / sizeof np[0]; i++) {
        double n = np[i][0], p = np[i][1];
        char what[64];
        snprintf(what, sizeof what, "binomial(%g, %g)", n, p);
        unsigned kmax = (unsigned)n;
        check_discrete(what, binomial_draw, binomial_pmf, np[i], kmax, n * p, n * p * (1 - p),
                       200 + i);
    }
}

typedef double (*cdf_inv_fn)(double u, const double *par);

static double gamma_quantile(double u, const double *par)
{
    return gsl_cdf_gamma_Pinv(u, par[0], 1.0);
}

static double gamma_draw(gsl_rng *r, const double *par)
{
    return bmc_ran_gamma(r, par[0]);
}

static double beta_quantile(double u, const double *par)
{
    return gsl_cdf_beta_Pinv(u, par[0], par[1]);
}

static double beta_draw(gsl_rng *r, const double *par)
{
    return bmc_ran_beta(r, par[0], par[1]);
}

/* Chi-square on 50 equiprobable bins from the exact quantiles. */
static void check_continuous(const char *what, draw_fn draw, cdf_inv_fn quantile,
                             const double *par, double mean, double var, uint64_t id)
{
    enum { B = 50 };
    double edge[B - 1];
    for (int j = 0; j < B - 1; j++)
        edge[j] = quantile((j + 1.0) / B, par);
    unsigned count[B] = {0};
    gsl_rng *r = stream(id);
    double sum = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double x = draw(r, par);
        assert_true(isfinite(x));
        sum += x;
        int lo = 0, hi = B - 1; /* first edge above x */
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (x < edge[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        count[lo]++;
    }
    gsl_rng_free(r);
    double e = (double)N_DRAWS / B, chi2 = 0;
    for (int j = 0; j < B; j++)
        chi2 += (count[j] - e) * (count[j] - e) / e;
    double bound = gsl_cdf_chisq_Qinv(ALPHA, B - 1);
    printf("%-28s chi2 %8.2f on %3d bins (bound %6.2f), mean %.5f vs %.5f\n", what, chi2, B,
           bound, sum / N_DRAWS, mean);
    assert_true(chi2 < bound);
    assert_true(fabs(sum / N_DRAWS - mean) <= 5 * sqrt(var / N_DRAWS));
}

/* failures before the first success: par = {p, log(1 - p)} */
static double geometric_pmf(unsigned k, const double *par)
{
    return par[0] * pow(1 - par[0], k);
}

static double geometric_draw(gsl_rng *r, const double *par)
{
    return bmc_ran_geometric(r, par[1]);
}

/* The geometric gaps of the remand annulments (allocation.c): probabilities from the rates
 * the model uses (0.025 to 0.5) and a tiny one whose tail the 53-bit uniform must reach. */
static void test_geometric(void **state)
{
    (void)state;
    const double ps[] = {0.5, 0.14, 0.025, 0.0005};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double par[2] = {ps[i], log1p(-ps[i])};
        double q = 1 - ps[i];
        char what[64];
        snprintf(what, sizeof what, "geometric(%g)", ps[i]);
        unsigned kmax = (unsigned)(30 / ps[i]);
        check_discrete(what, geometric_draw, geometric_pmf, par, kmax, q / ps[i],
                       q / (ps[i] * ps[i]), 700 + i);
    }
}

static double normal_quantile(double u, const double *par)
{
    (void)par;
    return gsl_cdf_ugaussian_Pinv(u);
}

static double normal_draw(gsl_rng *r, const double *par)
{
    (void)par;
    return bmc_ran_normal(r);
}

/* The ziggurat normal of engine/normal.h: the 50-bin test, then 4 million draws on 512
 * equiprobable bins (a wrong edge of one of the 256 layers moves about 1/256 of the mass
 * and shows at once), the share beyond R against 2 Q(R) at 5 standard errors, and the law
 * of the tail draws on 10 bins of their conditional quantiles. */
static void test_normal(void **state)
{
    (void)state;
    const double none = 0;
    check_continuous("normal (ziggurat)", normal_draw, normal_quantile, &none, 0, 1, 350);

    enum { N = 4000000, B = 512, TB = 10 };
    unsigned *count = calloc(B, sizeof *count), tail_count[TB] = {0};
    assert_non_null(count);
    gsl_rng *r = stream(351);
    const double q_r = gsl_cdf_ugaussian_Q(BMC_ZIG_R);
    unsigned beyond = 0;
    for (int i = 0; i < N; i++) {
        double x = bmc_ran_normal(r);
        double u = gsl_cdf_ugaussian_P(x);
        int j = (int)(u * B);
        count[j < B ? j : B - 1]++;
        if (fabs(x) > BMC_ZIG_R) {
            beyond++;
            double v = gsl_cdf_ugaussian_Q(fabs(x)) / q_r; /* uniform on (0, 1) */
            int k = (int)(v * TB);
            tail_count[k < TB ? k : TB - 1]++;
        }
    }
    gsl_rng_free(r);
    double e = (double)N / B, chi2 = 0;
    for (int j = 0; j < B; j++)
        chi2 += (count[j] - e) * (count[j] - e) / e;
    free(count);
    double bound = gsl_cdf_chisq_Qinv(ALPHA, B - 1);
    double p_beyond = 2 * q_r, sd = sqrt(N * p_beyond * (1 - p_beyond));
    double te = (double)beyond / TB, tchi2 = 0;
    for (int k = 0; k < TB; k++)
        tchi2 += (tail_count[k] - te) * (tail_count[k] - te) / te;
    double tbound = gsl_cdf_chisq_Qinv(ALPHA, TB - 1);
    printf("normal on %d bins: chi2 %.2f (bound %.2f); beyond R %u vs %.1f; tail chi2 %.2f "
           "(bound %.2f)\n", B, chi2, bound, beyond, N * p_beyond, tchi2, tbound);
    assert_true(chi2 < bound);
    assert_true(fabs(beyond - N * p_beyond) < 5 * sd);
    assert_true(beyond > 500);
    assert_true(tchi2 < tbound);
}

static void test_gamma(void **state)
{
    (void)state;
    const double shapes[] = {0.3, 1, 2.5, 20, 170};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "gamma(%g)", shapes[i]);
        check_continuous(what, gamma_draw, gamma_quantile, &shapes[i], shapes[i], shapes[i],
                         300 + i);
    }
}

static void test_beta(void **state)
{
    (void)state;
    /* the availability draw and its mirror image, near-uniform, very skewed, symmetric, and
     * Joehnk's method of GSL for both shapes below 1 */
    const double ab[][2] = {{170, 30}, {30, 170}, {1.05, 1.3}, {2.5, 400}, {7, 7},
                            {0.5, 0.5}, {2, 0.7}, {1, 1}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        double a = ab[i][0], b = ab[i][1];
        char what[64];
        snprintf(what, sizeof what, "beta(%g, %g)", a, b);
        double mean = a / (a + b), var = a * b / ((a + b) * (a + b) * (a + b + 1));
        check_continuous(what, beta_draw, beta_quantile, ab[i], mean, var, 400 + i);
    }
}

/* min(n, Poisson(mu)), the production rule's draw: PTRS and inversion stopped at n, and far
 * below the mean the one-uniform test (where the law is all but a point mass at n). */
static void test_poisson_min(void **state)
{
    (void)state;
    const double mn[][2] = {{0.3, 1}, {5, 3}, {5, 30}, {9.5, 8}, {30, 25}, {30, 60},
                            {250, 240}, {250, 200}, {250, 5}, {60, 1}};
    for (size_t i = 0; i < sizeof mn / sizeof mn[0]; i++) {
        double mu = mn[i][0], n = mn[i][1], mean = 0, m2 = 0;
        for (unsigned k = 0; k <= n; k++) {
            double pk = poisson_min_pmf(k, mn[i]);
            mean += k * pk;
            m2 += (double)k * k * pk;
        }
        char what[64];
        snprintf(what, sizeof what, "min(%g, Poisson(%g))", n, mu);
        if (mean > n - 1e-9) { /* a point mass up to 1e-10: every draw is n */
            gsl_rng *r = stream(450 + i);
            for (int j = 0; j < 1000; j++)
                assert_true(bmc_ran_poisson_min(r, mu, n) == n);
            gsl_rng_free(r);
            continue;
        }
        check_discrete(what, poisson_min_draw, poisson_min_pmf, mn[i], (unsigned)n, mean,
                       m2 - mean * mean, 450 + i);
    }
}

/* The bound behind the one-uniform test: P(Poisson(k + 25 + 7 sqrt(k)) <= k) <= 2^-36 for
 * every k up to 4096 (engine/sampler.c; first checked with mpmath). */
static void test_poisson_min_bound(void **state)
{
    (void)state;
    for (unsigned k = 0; k <= 4096; k++)
        assert_true(gsl_cdf_poisson_P(k, k + 25 + 7 * sqrt(k)) <= 0x1p-36);
}

/* bmc_rng_below is exactly uniform. With m = 3 x 2^30 a plain multiply-and-shift would give
 * multiples of 3 probability 1/2 (every fourth 32-bit value maps on a pick twice); with the
 * rejection each residue mod 3 has 1/3. A small m checks every value. */
static void test_rng_below(void **state)
{
    (void)state;
    const uint32_t ms[] = {3u << 30, 7};
    for (size_t i = 0; i < 2; i++) {
        gsl_rng *r = stream(470 + i);
        int cells = ms[i] == 7 ? 7 : 3;
        double obs[7] = {0};
        for (int j = 0; j < N_DRAWS; j++) {
            uint32_t x = bmc_rng_below(r, ms[i]);
            assert_true(x < ms[i]);
            obs[x % (uint32_t)cells]++;
        }
        double chi2 = 0, e = (double)N_DRAWS / cells;
        for (int c = 0; c < cells; c++)
            chi2 += (obs[c] - e) * (obs[c] - e) / e;
        printf("uniform below %u: chi2 %.2f on %d cells\n", ms[i], chi2, cells);
        assert_true(chi2 < gsl_cdf_chisq_Qinv(ALPHA, cells - 1));
        gsl_rng_free(r);
    }
}

/* Deterministic mode gives expected values; fixed outcomes take no random number. */
static void test_deterministic_and_fixed(void **state)
{
    (void)state;
    gsl_rng *a = stream(600), *b = stream(600);
    assert_float_equal(draw_poisson(a, true, 12.5), 12.5, 0);
    assert_float_equal(draw_binomial(a, true, 40, 0.3), 12, 1e-12);
    bmc_gamma_shape g20;
    bmc_gamma_prepare(20, &g20);
    assert_float_equal(draw_negbin_rate(a, true, 7.25, &g20), 7.25, 0);
    bmc_beta_shapes avail;
    bmc_beta_prepare(170, 30, &avail);
    assert_float_equal(draw_beta_mean(a, true, 0.85, &avail), 0.85, 0);
    assert_float_equal(draw_gaussian(a, true), 0, 0);
    assert_float_equal(draw_binomial(a, false, 17, 1), 17, 0);
    assert_float_equal(draw_binomial(a, false, 17, 0), 0, 0);
    assert_float_equal(draw_binomial(a, false, 0, 0.5), 0, 0);
    assert_float_equal(draw_poisson(a, false, 0), 0, 0);
    assert_float_equal(draw_negbin_rate(a, false, 0, &g20), 0, 0);
    assert_float_equal(draw_negbin_rate(a, false, 7.25, NULL), 7.25, 0); /* Poisson days */
    for (int i = 0; i < 10; i++)
        assert_int_equal(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_refill),
        cmocka_unit_test(test_inline_and_gsl_share_stream),
        cmocka_unit_test(test_poisson),
        cmocka_unit_test(test_binomial),
        cmocka_unit_test(test_poisson_min),
        cmocka_unit_test(test_poisson_min_bound),
        cmocka_unit_test(test_rng_below),
        cmocka_unit_test(test_geometric),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_gamma),
        cmocka_unit_test(test_beta),
        cmocka_unit_test(test_deterministic_and_fixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
