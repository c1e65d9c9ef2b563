#ifndef BACKLOGMC_START_H
#define BACKLOGMC_START_H

#include <stdbool.h>

#include "calendar.h"
#include "results.h"
#include "triage.h"

/* The initial conditions of a run that starts from an actual state (MODEL.md section 12):
 * what a state file says about the end of its as-of day. Plain data (no pointers), so it can
 * live in bmc_params and a model, a variant or an attribution step can copy it. Without a
 * state (active false) the run starts from the configuration's `initial` counts. */

#define BMC_MAX_START_TRACKS 8 /* = BMC_MAX_TRACKS of params.h */
/* Lodging periods per track: twenty years of months, or a year of single days. */
#define BMC_MAX_LODGING 366

/* Open new cases lodged on the days first..last (inclusive), spread evenly over them. */
typedef struct bmc_lodging {
    bmc_date first, last;
    double count;
} bmc_lodging;

typedef struct bmc_start {
    bool active;
    bmc_date as_of; /* the counts hold at the end of this day; the run starts the day after */
    /* open old cases per category (config order) and stage, and the annulled decisions that
     * are back as decision tasks */
    double waiting[BMC_MAX_CATEGORIES];
    double ready[BMC_MAX_CATEGORIES];
    double remands[BMC_MAX_CATEGORIES];
    double decided_old; /* old cases decided or closed before the start (progress share) */
    /* open new cases per track (config order), oldest lodging period first */
    int n_lodging[BMC_MAX_START_TRACKS];
    bmc_lodging lodging[BMC_MAX_START_TRACKS][BMC_MAX_LODGING];
    bool triage_given; /* else replayed from the intake history */
    bmc_triage triage;
    bool cycle_given;  /* else the plan cycles keep the configuration's grid */
    bmc_date cycle_start;
} bmc_start;

/* Open new cases of lodging period l on its i-th day (0-based): count / days in the
 * central projection (deterministic, counts may be fractional); otherwise whole cases, the
 * i-th day getting floor((i + 1) count / days) - floor(i count / days), so that the days
 * hold floor or ceil of the mean and add up to the count exactly. */
double bmc_lodging_day_count(const bmc_lodging *l, int i, bool deterministic);

#endif
