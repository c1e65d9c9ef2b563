#ifndef BACKLOGMC_INTAKE_SAMPLE_H
#define BACKLOGMC_INTAKE_SAMPLE_H

#include <stdint.h>

#include "model.h"
#include "status.h"

/* The intake of a model alone (docs/model.md section 5, conditioned on the history as in section
 * 12): the first applications of one scenario per calendar month, drawn the way a full run
 * draws them (the scenario's parameters from its parameters stream, bmc_intake_mean and
 * bmc_intake_arrivals day by day on its intake stream, keyed by (seed, scenario, purpose))
 * with no old case, staff or decision, which makes it cheap. The day's arrivals are drawn as
 * one class: the same law as a run's split over categories or tracks (Poisson thinning), and
 * the same numbers as a run whose new intake has one track and whose Pact date is not after
 * its start. */

typedef struct bmc_intake_sampler bmc_intake_sampler;

int bmc_intake_sampler_create(bmc_intake_sampler **out, bmc_err *err);
void bmc_intake_sampler_free(bmc_intake_sampler *s);

/* First applications of scenario `scenario` of master seed `seed` in each month of m
 * (months[m->nmonths]), stochastic whatever m's deterministic switch. */
void bmc_intake_sample_months(bmc_intake_sampler *s, const bmc_model *m, uint64_t seed,
                              int64_t scenario, double *months);

#endif
