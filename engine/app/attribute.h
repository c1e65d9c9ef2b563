#ifndef BACKLOGMC_ATTRIBUTE_H
#define BACKLOGMC_ATTRIBUTE_H

#include <stdint.h>

#include "attribution_stats.h"
#include "params.h"
#include "status.h"

/* Attribution (MODEL.md section 13): OLD is moved to NEW one group of keys at a time
 * (models/attribution.h), every step simulated on the same scenarios with the same seed, and
 * the waterfall computed from them (attribution_stats.h). Scenarios run in OpenMP threads,
 * each with its own random streams, so the result does not depend on the thread count. */
typedef struct bmc_attribute_options {
    int64_t scenarios;
    uint64_t seed;
    int threads; /* 0: OMP_NUM_THREADS, else the cores */
    int reps;    /* bootstrap resamples of the median intervals */
} bmc_attribute_options;

/* BMC_ECONFIG when OLD and NEW are not comparable (bmc_attr_comparable); the step's
 * parameters (run.seed, run.scenarios aside) are OLD's with the groups before it moved. */
int bmc_attribute_run(const bmc_params *old, const bmc_params *new,
                      const bmc_attribute_options *o, bmc_waterfall *out, bmc_err *err);

#endif
