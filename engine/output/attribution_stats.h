#ifndef BACKLOGMC_ATTRIBUTION_STATS_H
#define BACKLOGMC_ATTRIBUTION_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "attribution.h"
#include "status.h"

/* The waterfall of an attribution (MODEL.md section 13): the same scenarios simulated at each
 * step from OLD to NEW (common random numbers), and how much each step moved three numbers:
 * the median completion date, P(every old case decided by the target date) and the median
 * share of new cases decided on time. Each effect is the difference of the step's number and
 * the step's before, so the effects add up to NEW minus OLD exactly: dates are whole days, and
 * the probability and the share are held as multiples of 2^-40 (about 1e-12, far below the
 * 0.1 percentage point shown), whose sums are exact in double precision. A group whose step
 * changes nothing gives the same scenarios again, so its effect is 0 exactly. */

#define BMC_ATTR_STEPS (BMC_ATTR_GROUPS + 1) /* OLD, then after each group (the last is NEW) */

/* One step's scenarios. */
typedef struct bmc_attr_sample {
    const double *completion;  /* [n] completion date, days since 1970-01-01; +INFINITY when
                                * not by the horizon */
    const uint8_t *by_target;  /* [n] 1 when complete by the step's target date */
    const double *on_time;     /* [n] new cases decided on time; NaN when none settled */
} bmc_attr_sample;

enum bmc_attr_metric { BMC_ATTR_COMPLETION, BMC_ATTR_P_TARGET, BMC_ATTR_ON_TIME, BMC_ATTR_METRICS };

typedef struct bmc_attr_row {
    double value[BMC_ATTR_STEPS];   /* the number at each step; completion +INFINITY when the
                                     * median lies beyond the horizon, a share NaN when no
                                     * scenario defines it */
    double effect[BMC_ATTR_GROUPS]; /* value[g + 1] - value[g]; NaN when unknown */
    double low[BMC_ATTR_GROUPS], high[BMC_ATTR_GROUPS]; /* paired 95 % interval */
    double total, total_low, total_high;                /* NEW against OLD */
} bmc_attr_row;

typedef struct bmc_waterfall {
    int64_t n;
    int reps; /* bootstrap resamples of the median intervals */
    bool changed[BMC_ATTR_GROUPS]; /* some key of the group differs between OLD and NEW */
    bmc_attr_row row[BMC_ATTR_METRICS];
    int64_t target_count[BMC_ATTR_STEPS];
} bmc_waterfall;

/* "median completion date", "P(complete by target)", "median new on-time share". */
const char *bmc_attr_metric_name(int metric);

/* The waterfall of steps[0..BMC_ATTR_STEPS) over n scenarios (out->changed is left as it is). Intervals: for the medians a
 * paired bootstrap of reps resamples (paired_intervals.h) seeded from seed and the step, for
 * P(target) the Agresti-Min interval of the paired outcomes. BMC_ENOMEM. */
int bmc_waterfall_compute(const bmc_attr_sample *steps, int64_t n, int reps, uint64_t seed,
                          bmc_waterfall *out, bmc_err *err);

#endif
