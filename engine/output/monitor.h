#ifndef BACKLOGMC_MONITOR_H
#define BACKLOGMC_MONITOR_H

#include <stdint.h>

#include "h5read.h"
#include "state.h"
#include "status.h"

/* Monitoring (MODEL.md section 12): each observed monthly value of a state placed in the
 * forecast's distribution for that month, read from the monthly histograms of the forecast's
 * results file (no --trajectories needed). */

enum bmc_monitor_position {
    BMC_MONITOR_BELOW = -1,  /* below the forecast's 5 % point */
    BMC_MONITOR_INSIDE = 0,
    BMC_MONITOR_ABOVE = 1,   /* above its 95 % point */
    BMC_MONITOR_NONE = 2,    /* not comparable: see note */
};

#define BMC_MONITOR_FAN 5 /* 5, 25, 50, 75, 95 % */

typedef struct bmc_monitor_row {
    int series;  /* enum bmc_obs_series */
    int month;   /* year * 12 + month - 1 */
    double observed;
    double percentile;             /* mid-rank, 0..100; NaN when not comparable */
    double fan[BMC_MONITOR_FAN];   /* the forecast's quantiles that month */
    int position;                  /* enum bmc_monitor_position */
    char note[96];
} bmc_monitor_row;

typedef struct bmc_monitor {
    int n;
    bmc_monitor_row *row;   /* [n], by series then month */
    int before;             /* observed months before the forecast's first month: left out */
    int first_month, months; /* the forecast's months */
    /* the forecast's fan of each monitored indicator, [months][BMC_MONITOR_FAN], for the
     * chart of the actuals over it (NaN where the indicator is undefined) */
    double *fan[BMC_OBS_COUNT];
} bmc_monitor;

/* The rows for obs against the forecast file r.
 * A month outside the forecast, partly simulated, without a defined value in any scenario, or
 * (intake) before the Pact date, where the forecast counts new arrivals only, gets
 * BMC_MONITOR_NONE and a note. */
int bmc_monitor_compute(bmc_h5read *r, const bmc_observed *obs, bmc_monitor *out,
                        bmc_err *err);
void bmc_monitor_free(bmc_monitor *m);

/* "below 5 %", "inside", "above 95 %", "n/a". */
const char *bmc_monitor_position_name(int position);

#endif
