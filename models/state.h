#ifndef BACKLOGMC_STATE_H
#define BACKLOGMC_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "params.h"
#include "status.h"
#include "yamlcfg.h"

/* The state file (MODEL.md section 12): the actual state at the end of an as-of day, in YAML.
 *
 *   as_of: 2027-03-31                  # the last day of a month
 *   old_cases:                         # open old cases per category and stage (0 when left out)
 *     A:   {waiting: 9000, ready: 2500, remands: 40}
 *     AMV: {ready: 120}
 *   decided_old: 21500                 # old cases decided or closed so far
 *   new_cases:                         # open new cases per track, oldest first:
 *     regular: [[2026-11, 150], [2027-03, 1900]]   # [lodging month, count] or [day, count]
 *   intake_history: [[2025-06, 2400], ..., [2027-03, 2100]]   # months or quarters
 *   triage: {on: true, above: 4, below: 0}         # optional: else replayed from the history
 *   plan_cycle_start: 2027-01-01       # optional: else the configuration's grid
 *   observed:                          # optional monthly actuals, for `monitor` only
 *     first_decisions_old: [[2027-01, 2900]]
 *     old_open: [[2027-01, 30100]]
 *     new_on_time_share: [[2027-01, 0.97]]
 *     intake: [[2027-01, 2050]]
 *
 * Everything is checked against the configuration it is run with, and a file that does not
 * fit is refused with one line FILE:LINE:COL: key: message, never repaired (the rules are in
 * bmc_state_load). */

/* Monthly actuals for monitoring (not used to simulate). */
enum bmc_obs_series {
    BMC_OBS_FIRST_DECISIONS_OLD, /* first decisions on old cases in the month */
    BMC_OBS_OLD_OPEN,            /* old cases open at the month end */
    BMC_OBS_NEW_ON_TIME_SHARE,   /* new decisions on time / new decisions in the month */
    BMC_OBS_INTAKE,              /* first applications in the month */
    BMC_OBS_COUNT
};
#define BMC_OBS_MAX 600

typedef struct bmc_obs_point {
    int month; /* year * 12 + month - 1 */
    double value;
} bmc_obs_point;

typedef struct bmc_observed {
    int n[BMC_OBS_COUNT];
    bmc_obs_point p[BMC_OBS_COUNT][BMC_OBS_MAX];
} bmc_observed;

/* The key under observed: ("first_decisions_old", ...); NULL out of range. */
const char *bmc_obs_name(int series);
bool bmc_obs_is_share(int series);

/* Where a state comes from: the file `name`, or (text not NULL) that text under that name
 * (a state stored in a results file). */
typedef struct bmc_state_source {
    const char *name;
    const char *text;
} bmc_state_source;

/* The configuration's `state:` key as a path: relative to the configuration file's
 * directory unless absolute. *found false (and path "") when the key is absent. The key is
 * left for bmc_params_load to read. */
int bmc_state_config_path(bmc_cfg *cfg, char *path, size_t n, bool *found, bmc_err *err);

/* Reads the state and checks it against p, the configuration's parameters; then starts p from
 * it (bmc_params_apply_start) and sets p->intake_history to the history the run conditions
 * on: the configuration's periods that end before the state's first period, then the
 * state's (without a history in the state, the configuration's, which must then end before
 * the first simulated month). obs, when not NULL, gets the observed series (they are checked
 * either way). Refused, with FILE:LINE:COL and the key:
 *  - as_of not the last day of a month, or not before horizon_date and target_date;
 *  - a category or track the configuration does not have;
 *  - a count that is negative or not a whole number (a share outside [0, 1]);
 *  - waiting cases in a category whose approach has not started by as_of;
 *  - a month (or day) after as_of, new cases lodged before pact_date, periods not oldest
 *    first or repeated;
 *  - triage inconsistent with the configured state machine (on with `below` at the release
 *    count, off with `above` at the trigger count, both counts above 0), or neither given
 *    nor replayable (as_of on or after the Pact date and no history up to as_of);
 *  - plan_cycle_start after the first simulated day, or without any approach start;
 *  - new_cases absent when as_of lies on or after pact_date (give {} for none);
 *  - unknown keys, malformed YAML. */
int bmc_state_load(const bmc_state_source *src, bmc_params *p, bmc_observed *obs, bmc_err *err);

#endif
