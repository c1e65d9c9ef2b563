#include "sampler.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "logfact.h"
#include "normal.h"
#include "rng_inline.h"

/* Means from which the transformed-rejection samplers take over from inversion: PTRS and
 * BTRS are valid from 10 on (Hoermann 1993), and inversion costs about one step per unit of
 * mean. */
#define POISSON_PTRS_MIN 10.0
#define BINOMIAL_BTRS_MIN 10.0
/* Inversion is restarted if rounding lets u outlive this many steps (probability far below
 * 1e-100 for means under 10). */
#define INVERSION_MAX_STEPS 400

static double uniform(gsl_rng *r)
{
    return bmc_rng_uniform_open(r);
}

/* floor(x) for |x| < 2^62 without a libm call (x86-64 has no rounding instruction before
 * SSE4.1); the rejection samplers need the true floor, also of negative x. */
static double floor_fast(double x)
{
    double t = (double)(long long)x;
    return t > x ? t - 1 : t;
}

/* q^n for whole n >= 0: by squaring while that is cheaper than exp(n log1p(-p)), over all
 * six bits with a select rather than a branch (the bits of n are unpredictable). */
static double power_of_complement(double p, double n)
{
    if (n >= 64)
        return exp(n * log1p(-p));
    double q = 1 - p, f = 1;
    unsigned e = (unsigned)n;
    for (int bit = 0; bit < 6; bit++, e >>= 1, q *= q) {
        const double factor[2] = {1, q}; /* an indexed load: GCC turns ?: into a branch */
        f *= factor[e & 1];
    }
    return f;
}

/* Sequential search from 0 with u already drawn, stopped at cap (min(cap, X) only needs
 * to know whether u lies beyond P(X < cap)); P(0) = e^-mu. */
static double poisson_inversion(gsl_rng *r, double mu, double u, double cap)
{
    for (;;) {
        double f = exp(-mu), k = 0;
        while (u > f && k < cap && k < INVERSION_MAX_STEPS) {
            u -= f;
            k++;
            f *= mu / k;
        }
        if (k < INVERSION_MAX_STEPS)
            return k;
        u = uniform(r);
    }
}

/* PTRS, Hoermann (1993), "The transformed rejection method for generating Poisson random
 * variables", Insurance: Mathematics and Economics 12, 39-45; mu >= 10. */
static double poisson_ptrs(gsl_rng *r, double mu)
{
    double slam = sqrt(mu);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    double v_r = 0.9277 - 3.6224 / (b - 2);
    double log_mu = 0; /* only the slow path needs it */
    for (;;) {
        double u = uniform(r) - 0.5, v = uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor_fast((2 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= v_r)
            return k;
        if (k < 0 || (us < 0.013 && v > us))
            continue;
        if (log_mu == 0)
            log_mu = log(mu);
        if (log(v * inv_alpha / (a / (us * us) + b)) <= -mu + k * log_mu - bmc_log_factorial(k))
            return k;
    }
}

double bmc_ran_poisson(gsl_rng *r, double mu)
{
    if (mu >= POISSON_PTRS_MIN)
        return poisson_ptrs(r, mu);
    double u = uniform(r);
    if (u <= 1 - mu) /* e^-mu >= 1 - mu */
        return 0;
    return poisson_inversion(r, mu, u, INFINITY);
}

/* P(Poisson(mu) <= k) <= 2^-36 when mu >= k + 25 + 7 sqrt(k): checked for every k <= 4096
 * with mpmath (the worst case, k = 0, is e^-25 = 0.95 x 2^-36), and the cdf decreases in mu.
 * tests/test_samplers.c checks it again with GSL. */
#define CAPPED_BOUND 0x1p-36
#define CAPPED_BOUND_MAX_K 4096

static int poisson_cdf_below_bound(double mu, double k)
{
    double d = mu - k - 25;
    return k <= CAPPED_BOUND_MAX_K && d >= 0 && d * d >= 49 * k;
}

/* The slow path of the capped draw below: inversion from 0 with every term from logs, so
 * that e^-mu cannot underflow for large mu. */
static double poisson_min_inversion(double mu, double n, double u)
{
    double log_mu = log(mu);
    for (double k = 0; k < n; k++) {
        double f = exp(k * log_mu - mu - bmc_log_factorial(k));
        if (u <= f)
            return k;
        u -= f;
    }
    return n;
}

double bmc_ran_poisson_min(gsl_rng *r, double mu, double n)
{
    if (poisson_cdf_below_bound(mu, n - 1)) {
        /* inversion: the draw is below n only when u <= P(X <= n - 1) <= 2^-36, and the
         * uniforms of rng_inline.h are at least 2^-33, so one number decides it without any
         * transcendental; the slow path is there for the law, not for these uniforms */
        double u = uniform(r);
        return u > CAPPED_BOUND ? n : poisson_min_inversion(mu, n, u);
    }
    if (mu >= POISSON_PTRS_MIN) {
        double k = poisson_ptrs(r, mu);
        return k < n ? k : n;
    }
    double u = uniform(r);
    if (u <= 1 - mu)
        return 0;
    return poisson_inversion(r, mu, u, n);
}

/* Sequential search from 0 with u already drawn; p <= 1/2, P(0) = q^n. */
static double binomial_inversion(gsl_rng *r, double n, double p, double u)
{
    double q = 1 - p, s = p / q;
    for (;;) {
        double f = power_of_complement(p, n), k = 0;
        while (u > f && k < n && k < INVERSION_MAX_STEPS) {
            u -= f;
            k++;
            f *= s * (n - k + 1) / k;
        }
        if (u <= f)
            return k;
        u = uniform(r); /* rounding left u beyond the mass summed: draw again */
    }
}

/* BTRS, Hoermann (1993), "The generation of binomial random variates", Journal of
 * Statistical Computation and Simulation 46, 101-110; n p >= 10, p <= 1/2. */
static double binomial_btrs(gsl_rng *r, double n, double p)
{
    double q = 1 - p;
    double spq = sqrt(n * p * q);
    double b = 1.15 + 2.53 * spq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = n * p + 0.5;
    double v_r = 0.92 - 4.2 / b;
    /* constants of the slow path, computed when first needed */
    double alpha = 0, lpq = 0, m = 0, h = 0;
    for (;;) {
        double u = uniform(r) - 0.5, v = uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor_fast((2 * a / us + b) * u + c);
        if (k < 0 || k > n)
            continue;
        if (us >= 0.07 && v <= v_r)
            return k;
        if (alpha == 0) {
            alpha = (2.83 + 5.1 / b) * spq;
            lpq = log(p / q);
            m = floor((n + 1) * p);
            h = bmc_log_factorial(m) + bmc_log_factorial(n - m);
        }
        v = log(v * alpha / (a / (us * us) + b));
        if (v <= h - bmc_log_factorial(k) - bmc_log_factorial(n - k) + (k - m) * lpq)
            return k;
    }
}

double bmc_ran_binomial(gsl_rng *r, double n, double p)
{
    if (p > 0.5)
        return n - bmc_ran_binomial(r, n, 1 - p);
    double mean = n * p;
    if (mean >= BINOMIAL_BTRS_MIN)
        return binomial_btrs(r, n, p);
    double u = uniform(r);
    if (n == 1)
        return u > 1 - p;
    if (u <= 1 - mean) /* q^n >= 1 - n p */
        return 0;
    return binomial_inversion(r, n, p, u);
}

double bmc_ran_geometric(gsl_rng *r, double log_q)
{
    /* P(floor(log U / log q) >= k) = P(U <= q^k) = q^k */
    return floor(log(bmc_rng_uniform53_open(r)) / log_q);
}

void bmc_gamma_prepare(double shape, bmc_gamma_shape *g)
{
    double a = shape < 1 ? shape + 1 : shape;
    g->shape = shape;
    g->d = a - 1.0 / 3;
    g->c = 1 / sqrt(9 * g->d);
    g->inv_shape = 1 / shape;
}

/* Marsaglia and Tsang (2000), "A simple method for generating gamma variables", ACM TOMS
 * 26(3), 363-372: squeeze first, the log test rarely. */
double bmc_ran_gamma_prepared(gsl_rng *r, const bmc_gamma_shape *g)
{
    double boost = 1;
    if (g->shape < 1) /* G(a) = G(a + 1) U^(1/a), section 6 of the paper */
        boost = pow(uniform(r), g->inv_shape);
    const double d = g->d, c = g->c;
    for (;;) {
        double x, v;
        do {
            x = bmc_ran_normal(r);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = uniform(r), x2 = x * x;
        if (u < 1 - 0.0331 * x2 * x2)
            return boost * d * v;
        if (log(u) < 0.5 * x2 + d * (1 - v + log(v)))
            return boost * d * v;
    }
}

double bmc_ran_gamma(gsl_rng *r, double shape)
{
    bmc_gamma_shape g;
    bmc_gamma_prepare(shape, &g);
    return bmc_ran_gamma_prepared(r, &g);
}

void bmc_beta_prepare(double a, double b, bmc_beta_shapes *out)
{
    bmc_gamma_prepare(a, &out->a);
    bmc_gamma_prepare(b, &out->b);
}

double bmc_ran_beta_prepared(gsl_rng *r, const bmc_beta_shapes *s)
{
    /* with both shapes below 1 the two gammas can underflow together: GSL uses Joehnk's
     * method there */
    if (s->a.shape < 1 && s->b.shape < 1)
        return gsl_ran_beta(r, s->a.shape, s->b.shape);
    double x = bmc_ran_gamma_prepared(r, &s->a), y = bmc_ran_gamma_prepared(r, &s->b);
    return x / (x + y);
}

double bmc_ran_beta(gsl_rng *r, double a, double b)
{
    bmc_beta_shapes s;
    bmc_beta_prepare(a, b, &s);
    return bmc_ran_beta_prepared(r, &s);
}
