#ifndef BACKLOGMC_ATTRIBUTION_STATS_H
#define BACKLOGMC_ATTRIBUTION_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "attribution.h"
#include "status.h"

/* The waterfall of an attribution (MODEL.md section 13) of three numbers: the median
 * completion date, P(every old case decided by the target date) and the median share of new
 * cases decided on time.
 *
 * The groups are moved in their fixed order twice, on the same scenarios (common random
 * numbers): the forward walk X from OLD (X_0 = OLD, X_g with the first g groups of NEW,
 * X_6 = NEW) and the backward walk Y from NEW (Y_0 = NEW, Y_g with the first g groups of OLD,
 * Y_6 = OLD). The effect of group g is the mean of its two steps,
 *     e_g = ((f(X_g+1) - f(X_g)) + (f(Y_g) - f(Y_g+1))) / 2,
 * once with the groups before it already NEW's, once with them still OLD's. So the effects add
 * up to f(NEW) - f(OLD) (both walks do), a group whose keys do not change gives 0 exactly (its
 * steps run the same scenarios twice), and swapping OLD and NEW negates every effect exactly
 * (the walks swap). Dates are whole days, and probabilities and shares are held as multiples
 * of 2^-40 (about 1e-12, far below the 0.1 percentage point shown), so the sums are exact in
 * double precision. */

#define BMC_ATTR_STEPS (BMC_ATTR_GROUPS + 1) /* a walk's configurations, both ends included */

/* One configuration's scenarios. */
typedef struct bmc_attr_sample {
    const double *completion; /* [n] completion date, days since 1970-01-01; +INFINITY when
                               * not by the horizon */
    const double *by_target;  /* [n] 1 when complete by the configuration's target date, else 0 */
    const double *on_time;    /* [n] new cases decided on time; NaN when none settled */
} bmc_attr_sample;

enum bmc_attr_metric { BMC_ATTR_COMPLETION, BMC_ATTR_P_TARGET, BMC_ATTR_ON_TIME, BMC_ATTR_METRICS };

typedef struct bmc_attr_row {
    double forward[BMC_ATTR_STEPS];  /* f(X_s): completion +INFINITY when the median lies
                                      * beyond the horizon, a share NaN when nothing defines it */
    double backward[BMC_ATTR_STEPS]; /* f(Y_s) */
    double value[BMC_ATTR_STEPS];    /* the waterfall: f(OLD) plus the effects so far */
    double effect[BMC_ATTR_GROUPS];  /* NaN when unknown (a median beyond the horizon) */
    double low[BMC_ATTR_GROUPS], high[BMC_ATTR_GROUPS]; /* paired 95 % interval */
    double total, total_low, total_high;                /* NEW against OLD */
} bmc_attr_row;

typedef struct bmc_waterfall {
    int64_t n;
    int reps; /* bootstrap resamples of the intervals */
    bool changed[BMC_ATTR_GROUPS]; /* some key of the group differs between OLD and NEW */
    bmc_attr_row row[BMC_ATTR_METRICS];
} bmc_waterfall;

/* "median completion date", "P(complete by target)", "median new on-time share". */
const char *bmc_attr_metric_name(int metric);

/* The waterfall of the walks x (forward) and y (backward), each [BMC_ATTR_STEPS] over the
 * same n scenarios (y[0] is x's last configuration, y's last x[0]). Intervals: a paired
 * bootstrap of reps resamples of the scenarios (paired_intervals.h), the same resamples for
 * every configuration of a contrast, seeded from seed. out->changed is left as it is.
 * BMC_ENOMEM. */
int bmc_waterfall_compute(const bmc_attr_sample *x, const bmc_attr_sample *y, int64_t n,
                          int reps, uint64_t seed, bmc_waterfall *out, bmc_err *err);

#endif
