#ifndef BACKLOGMC_INTAKE_H
#define BACKLOGMC_INTAKE_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "model.h"

/* New intake of one scenario (MODEL.md section 5): the annual level L, the persistent
 * monthly deviation x_m = phi x_{m-1} + sigma eps_m with x_0 = 0, optional surges, and the
 * daily negative-binomial arrivals around mu_t = L / 365.25 * S[month] * exp(x_m). */
typedef struct bmc_intake {
    double level;
    double deviation;   /* x_m of the current month */
    double month_factor; /* exp(x_m) times the surge multiplier */
    double surge_multiplier;
    int surge_months_left;
} bmc_intake;

void bmc_intake_begin(bmc_intake *in, double level);
/* Expected arrivals on day t. Call for t = 0, 1, 2, ... in order: the first day of each month
 * draws that month's deviation (and surge) from r. */
double bmc_intake_mean(bmc_intake *in, const bmc_model *m, int t, gsl_rng *r, bool det);
/* Arrivals on a day with expected value mu, split over n classes with shares summing to 1
 * into out; returns their total. */
double bmc_intake_arrivals(const bmc_model *m, double mu, gsl_rng *r, bool det, int n,
                           const double *share, double *out);

#endif
