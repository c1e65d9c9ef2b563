#ifndef BACKLOGMC_PARAM_DESIGN_H
#define BACKLOGMC_PARAM_DESIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "design.h"
#include "model.h"
#include "status.h"

/* The sampling design of a run's scenario-level parameters (run.design, design.h). The
 * slots that are sampled (not fixed) in the reference or in any policy variant get one
 * dimension each, in slot order, the same map for every model: a variant then takes the same
 * point of the design in every scenario, and common random numbers hold. */

/* Fills slot_dim[BMC_P_MAX] (-1 for a slot fixed in every model) and returns the number of
 * dimensions. */
int bmc_param_design_dims(const bmc_model *const *models, int n, int *slot_dim);

/* The design's size for a run (design.h): a Latin hypercube has one hypercube per fixed run
 * (`scenarios` points) or one per batch of a precision run (`batch` points), since a
 * precision run stops only after whole batches; a Sobol design needs the most points the
 * run can take (`scenarios`, or `max_scenarios` with a precision stop). */
int64_t bmc_param_design_size(enum bmc_design_kind kind, bool precision, int64_t scenarios,
                              int64_t batch);

/* Creates the design (plain: none, *out NULL, the models untouched) and attaches it to every
 * model; the caller frees it after the models' last run. BMC_ECONFIG (naming run.design) when
 * the design cannot take these parameters, e.g. Sobol beyond its dimension limit. */
int bmc_param_design_attach(bmc_model *const *models, int n, enum bmc_design_kind kind,
                            uint64_t seed, int64_t size, bmc_design **out, bmc_err *err);

#endif
