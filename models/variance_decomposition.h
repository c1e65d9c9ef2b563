#ifndef BACKLOGMC_VARIANCE_DECOMPOSITION_H
#define BACKLOGMC_VARIANCE_DECOMPOSITION_H

#include <stdint.h>

#include "model.h"
#include "resim.h"
#include "sobol_indices.h"
#include "status.h"

/* First-order and total Sobol indices (sobol_indices.h) of the completion day and of the
 * share of new cases decided on time, over every scenario-level parameter the configuration
 * samples and, as one more factor, each scenario's own random streams (its intake, staff and
 * production noise, which the parameters do not fix). The Saltelli design is built from
 * scenarios: row j of A is scenario j as it is, row j of B is scenario base + j, and AB_i
 * runs scenario j's streams with its parameters but parameter i from scenario base + j
 * (resim.h replaces the uniform); for the streams factor, AB runs scenario base + j's streams
 * with scenario j's parameters. Cost: base x (k + 3) runs for k parameters. A completion
 * beyond the horizon counts as the day after it (right-censored). */

#define BMC_VD_STREAMS_NAME "scenario streams"

typedef struct bmc_variance_decomposition {
    int k;                         /* factors: the parameters, then the streams */
    char (*name)[BMC_NAME_LEN];
    bmc_sobol_index *completion;   /* [k] */
    bmc_sobol_index *on_time;      /* [k] */
    bmc_sobol_summary s_completion, s_on_time;
    int64_t base, runs;
    int64_t censored;              /* rows of A or B whose completion is beyond the horizon */
    int reps;
} bmc_variance_decomposition;

int bmc_vd_run(const bmc_resim_source *src, int64_t base, int threads, int reps,
               bmc_variance_decomposition *out, bmc_err *err);
void bmc_vd_free(bmc_variance_decomposition *v);

#endif
