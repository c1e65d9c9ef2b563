#ifndef BACKLOGMC_STAFF_H
#define BACKLOGMC_STAFF_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "model.h"

/* Officer-days offered on working day t (MODEL.md section 4): K_t = fte(t) x factor x a_t,
 * a_t ~ Beta with the configured mean and concentration (0 = no daily variation). */
double bmc_staff_capacity(const bmc_model *m, int t, double fte_factor, gsl_rng *r, bool det);

#endif
