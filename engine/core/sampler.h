#ifndef BACKLOGMC_SAMPLER_H
#define BACKLOGMC_SAMPLER_H

#include <gsl/gsl_rng.h>

/* Exact samplers for the draws of the daily loop, chosen by cost for the parameters the
 * model uses (thousands of draws per scenario, most with small means or cheap outcomes):
 *   Poisson: inversion below mean 10, else PTRS (Hoermann 1993, transformed rejection with
 *            squeeze);
 *   binomial: by symmetry p <= 1/2; inversion below n p = 10, else BTRS (Hoermann 1993);
 *   gamma: Marsaglia and Tsang (2000) on the inline ziggurat normal of normal.h;
 *   beta: ratio of two gammas.
 * Inversion starts with the free test u <= 1 - mean (Bernoulli's inequality bounds P(0)
 * from below), so the frequent zero outcomes cost one uniform and no transcendental.
 * Counts come back as doubles holding whole numbers. tests/test_samplers.c compares every
 * branch with the exact pmf or cdf. */

/* mu > 0 */
double bmc_ran_poisson(gsl_rng *r, double mu);
/* min(n, Poisson(mu)) for whole n >= 1, mu > 0 (the production rule): when n lies far below
 * the mean one uniform settles it, else as above with the inversion stopped at n. */
double bmc_ran_poisson_min(gsl_rng *r, double mu, double n);
/* n >= 1 a whole number, 0 < p < 1 */
double bmc_ran_binomial(gsl_rng *r, double n, double p);
/* Failures before the first success of independent Bernoulli(p) trials, 0 < p < 1, given
 * log_q = log(1 - p): inversion, floor(log U / log_q), with a 53-bit uniform. */
double bmc_ran_geometric(gsl_rng *r, double log_q);
/* Gamma with the given shape > 0 and scale 1. */
double bmc_ran_gamma(gsl_rng *r, double shape);
/* The same with the constants of Marsaglia and Tsang's method worked out once, for a shape
 * drawn from thousands of times (the daily intake and availability draws). */
typedef struct bmc_gamma_shape {
    double shape;
    double d, c;     /* d = a - 1/3 and c = 1 / sqrt(9 d), with a = shape or shape + 1 */
    double inv_shape; /* for shape < 1: G(a) = G(a + 1) U^(1/a) */
} bmc_gamma_shape;
void bmc_gamma_prepare(double shape, bmc_gamma_shape *g);
double bmc_ran_gamma_prepared(gsl_rng *r, const bmc_gamma_shape *g);
/* Beta(a, b), a, b > 0; prepared as for the gamma. */
double bmc_ran_beta(gsl_rng *r, double a, double b);
typedef struct bmc_beta_shapes {
    bmc_gamma_shape a, b;
} bmc_beta_shapes;
void bmc_beta_prepare(double a, double b, bmc_beta_shapes *out);
double bmc_ran_beta_prepared(gsl_rng *r, const bmc_beta_shapes *s);

#endif
