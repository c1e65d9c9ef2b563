#ifndef BACKLOGMC_INTAKE_H
#define BACKLOGMC_INTAKE_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "model.h"

/* New intake of one scenario (docs/model.md section 5, version 2): the level L_y of each calendar
 * year (L in the year the run starts, then L_y = L_{y-1} exp(delta zeta_y)); the persistent
 * monthly deviation x_m = phi x_{m-1} + sigma eps_m, started from its stationary law
 * N(0, v_x) and entering as the mean-one factor exp(x_m - v_x / 2); optional surges; and
 * daily negative-binomial arrivals around
 *     mu_t = L_y S[m] / (12 days_in_month) exp(x_m - v_x / 2) surge. */
typedef struct bmc_intake {
    double level;        /* L_y of the current calendar year */
    double deviation;    /* x_m of the current month */
    double month_factor; /* exp(x_m - v_x / 2) times the surge multiplier */
    double surge_multiplier;
    int surge_months_left;
    bool started;        /* the first month's deviation has been drawn */
    /* the central projection after a history: the mean and variance of x given x_0, so the
     * month's factor is its expectation exp(mean + var / 2 - v_x / 2) */
    bool conditioned;
    double dev_mean, dev_var;
} bmc_intake;

/* level: L, the level of the year in which the run starts. */
void bmc_intake_begin(bmc_intake *in, double level);
/* After a history (docs/model.md section 12): the deviation of the month before the start is x,
 * and the first month continues the AR(1) from it instead of starting stationary. */
void bmc_intake_continue(bmc_intake *in, double x);
/* Expected arrivals on day t. Call for t = 0, 1, 2, ... in order: 1 January draws the year's
 * step of the level, then the first day of each month draws that month's deviation (and
 * surge) from r. */
double bmc_intake_mean(bmc_intake *in, const bmc_model *m, int t, gsl_rng *r, bool det);
/* Arrivals on a day with expected value mu, split over n classes with shares summing to 1
 * into out; returns their total. */
double bmc_intake_arrivals(const bmc_model *m, double mu, gsl_rng *r, bool det, int n,
                           const double *share, double *out);

#endif
