#ifndef BACKLOGMC_DRAWS_H
#define BACKLOGMC_DRAWS_H

#include <math.h>
#include <stdbool.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "normal.h"
#include "sampler.h"

/* The model's random draws, each replaced by its expected value in deterministic mode
 * (docs/model.md section 11: the central projection; counts may then be fractional).
 * Counts are doubles throughout: they hold exact integers in stochastic mode. A draw whose
 * outcome is fixed (nothing to draw from, probability 0 or 1) takes no random number. The
 * samplers (engine/sampler.h) are exact; which one runs depends only on the parameters, so
 * a scenario's numbers do not depend on threads or ranks. */

static inline double draw_poisson(gsl_rng *r, bool det, double mean)
{
    if (mean <= 0)
        return 0;
    return det ? mean : bmc_ran_poisson(r, mean);
}

/* min(n, Poisson(mean)) for whole n >= 1; in deterministic mode the mean itself, which the
 * production rule then caps at n. */
static inline double draw_poisson_min(gsl_rng *r, bool det, double mean, double n)
{
    if (mean <= 0)
        return 0;
    return det ? mean : bmc_ran_poisson_min(r, mean, n);
}

static inline double draw_binomial(gsl_rng *r, bool det, double n, double p)
{
    if (n <= 0 || p <= 0)
        return 0;
    if (p >= 1)
        return n;
    return det ? n * p : bmc_ran_binomial(r, n, p);
}

/* The day's Poisson rate of a negative binomial with mean mu and size g->shape (g NULL:
 * Poisson, the rate is mu): the Poisson-gamma mixture mu G / k with G ~ Gamma(k, 1). The
 * arrivals of a class with share s of the day are then Poisson(s rate), independently of the
 * other classes given the rate (intake.c). */
static inline double draw_negbin_rate(gsl_rng *r, bool det, double mu, const bmc_gamma_shape *g)
{
    if (mu <= 0 || det || !g)
        return mu > 0 ? mu : 0;
    return mu / g->shape * bmc_ran_gamma_prepared(r, g);
}

/* A Beta with the given mean: its shapes mean c and (1 - mean) c, prepared. */
static inline double draw_beta_mean(gsl_rng *r, bool det, double mean, const bmc_beta_shapes *s)
{
    if (det)
        return mean;
    return bmc_ran_beta_prepared(r, s);
}

static inline double draw_gaussian(gsl_rng *r, bool det)
{
    return det ? 0.0 : bmc_ran_normal(r);
}

/* Splits n over k classes with probabilities p (summing to 1) into out. */
static inline void draw_multinomial(gsl_rng *r, bool det, double n, int k, const double *p,
                                    double *out)
{
    double left = n, mass = 1.0;
    for (int i = 0; i < k; i++) {
        if (i == k - 1 || left <= 0) {
            out[i] = (i == k - 1) ? left : 0;
            continue;
        }
        double q = mass > 0 ? p[i] / mass : 0;
        if (q > 1)
            q = 1;
        out[i] = draw_binomial(r, det, left, q);
        left -= out[i];
        mass -= p[i];
    }
}

#endif
