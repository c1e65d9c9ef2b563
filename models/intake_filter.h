#ifndef BACKLOGMC_INTAKE_FILTER_H
#define BACKLOGMC_INTAKE_FILTER_H

#include <stdbool.h>

#include "intake_history.h"
#include "status.h"

/* Intake conditioned on observed history (docs/model.md section 12): a Kalman filter over the
 * months of a history for the state (l, x): l the log level offset from the prior median L0
 * (prior N(0, sdlog^2) at the first month, moving by the year-to-year walk delta zeta on
 * each 1 January) and x_m the AR(1) monthly deviation of section 5 (prior its stationary law
 * N(0, v_x)). A period of whole months (a month or a quarter) observes
 *     u = log(A / E) = l + sum_m w_m x_m - v_x / 2 + e,   w_m = E_m / E,
 * with E_m = L0 S[m] / 12, E the sum over the period's months, and e ~ N(0, r),
 * r = 1 / E + sum_m E_m^2 / (k days_m) / E^2 (the negative binomial's variance of the
 * period's count on the log scale; for a month 1 / E_m + 1 / (k days_m)). A count of 0 is
 * read as 0.5. The filter keeps (l, x, s) with s the weighted sum of the period's x so far,
 * which makes a quarter an exact linear observation of the monthly state. */

typedef struct bmc_filter_model {
    double level_median; /* L0 */
    double sdlog;        /* prior sd of l */
    double delta;        /* year-to-year sd of the log level */
    double phi, sigma;   /* the monthly deviation */
    double negbin_size;  /* k; 0 = Poisson */
    double seasonality[12];
} bmc_filter_model;

typedef struct bmc_intake_posterior {
    bool active;         /* a history with at least one observed period was used */
    int n_obs;           /* periods observed */
    int first_month, last_month; /* month indices (year * 12 + month - 1) of the filter's span */
    double mean[2];      /* (l of the first simulated month's year, x of the month before it) */
    double cov[2][2];
    double chol[2][2];   /* lower Cholesky factor of cov */
} bmc_intake_posterior;

/* Filters the periods of h that end before month index `start_month` and predicts to the
 * start: the result is the posterior of l for the year of start_month and of x for the month
 * start_month - 1. With no such period, out->active is false and out holds the prior.
 * BMC_ECONFIG when the model is out of range (sdlog <= 0, phi >= 1). */
int bmc_intake_filter(const bmc_filter_model *fm, const bmc_history *h, int start_month,
                      bmc_intake_posterior *out, bmc_err *err);

#endif
