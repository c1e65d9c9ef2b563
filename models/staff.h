#ifndef BACKLOGMC_STAFF_H
#define BACKLOGMC_STAFF_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "model.h"

/* The officer pool of one scenario (docs/model.md section 4, version 2). On a working day in
 * month m it offers K_t = fte(t) x F x a_m officer-days, with one availability per calendar
 * month, persistent and seasonal:
 *     a_m = min(1, availability Sa[month] exp(y_m - v_a / 2)),
 *     y_m = rho y_{m-1} + tau eta_m,  y_0 ~ N(0, v_a),  v_a = tau^2 / (1 - rho^2). */
typedef struct bmc_staff {
    double fte_factor; /* F */
    double y;          /* y_m of the current month */
    double a;          /* a_m of the current month */
    bool started;
} bmc_staff;

void bmc_staff_begin(bmc_staff *s, double fte_factor);
/* Officer-days offered on day t (0 on a day that is not a working day). Call for t = 0, 1,
 * 2, ... in order: the first day of each month draws that month's availability from r. */
double bmc_staff_capacity(bmc_staff *s, const bmc_model *m, int t, gsl_rng *r, bool det);

#endif
