#ifndef BACKLOGMC_TORNADO_H
#define BACKLOGMC_TORNADO_H

#include <stdint.h>

#include "resim.h"
#include "status.h"

/* One-at-a-time sensitivity (README, `sensitivity`): every scenario-level parameter that the
 * configuration samples is set to its distribution's 5 % and then its 95 % point while every
 * other one stays at its median, on the same scenarios with their own streams (common random
 * numbers), so the intake, staff and production noise is shared and a parameter without
 * effect moves nothing at all. A factor may instead be given values: a sampled parameter by
 * its name (values in its own units) or any numeric configuration key (--set path). For each
 * factor: the median completion day and P(all old cases decided by the target) at the low and
 * the high setting, and high minus low with a paired bootstrap interval (bootstrap.h). */

typedef struct bmc_tornado_vary {
    const char *name; /* a sampled parameter's name (e.g. staff.fte_factor) or a key path */
    double low, high;
} bmc_tornado_vary;

typedef struct bmc_tornado_factor {
    char name[160];
    int slot;             /* the parameter's slot, -1 for a configuration key */
    double low, high;     /* the settings, in the parameter's or the key's units */
    double median_low, median_high; /* completion days; +inf: beyond the horizon */
    double median_effect[3];        /* high - low: estimate, lo, hi; NaN when censored */
    double p_low, p_high;
    double p_effect[3];
} bmc_tornado_factor;

typedef struct bmc_tornado {
    int n;                     /* factors, ranked by |median effect| then |P effect| */
    bmc_tornado_factor *factor;
    double median_base, p_base; /* every parameter at its median */
    int64_t scenarios, runs;
    int reps;                  /* bootstrap replicates */
} bmc_tornado;

/* n scenarios (0..n-1); vary[n_vary] replaces the default setting of a parameter of that name
 * or adds a configuration key. BMC_EUSAGE for a name that is neither, or a value outside a
 * parameter's range. */
int bmc_tornado_run(const bmc_resim_source *src, int64_t n, const bmc_tornado_vary *vary,
                    int n_vary, int threads, int reps, bmc_tornado *out, bmc_err *err);
void bmc_tornado_free(bmc_tornado *t);

#endif
