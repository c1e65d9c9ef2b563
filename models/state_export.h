#ifndef BACKLOGMC_STATE_EXPORT_H
#define BACKLOGMC_STATE_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "state.h"
#include "status.h"

/* The central projection's state at the end of a day, as a state (MODEL.md section 12): what
 * a run expects the IND to publish then. It makes the illustrative example states, and lets a
 * test continue a projection from its own state. */
typedef struct bmc_snapshot {
    bmc_start start;
    bmc_history history;   /* the model's history, then the simulated whole months to as_of */
    bmc_observed observed; /* the simulated whole months' actuals to as_of */
} bmc_snapshot;

/* Runs the central projection of m (built with deterministic = true) to the end of as_of, the
 * last day of a month within the period before the horizon, and reads its state: old cases
 * per category and stage with the remands that are back, decided or closed so far, open new
 * cases per track by lodging day (by_day; exact) or by lodging month (summed), the triage
 * state, the plan-cycle anchor of m's own start (else none: the grid is kept). Annulments
 * still to come of decisions before as_of are not part of a state. */
int bmc_state_export(const bmc_model *m, bmc_date as_of, bool by_day, bmc_snapshot *out,
                     bmc_err *err);

/* Writes x as a state file for the parameters p (names of categories and tracks). whole:
 * counts rounded to whole cases (shares to 4 decimals) and lodging periods with no case left
 * out; else every count as it is (%.17g, so it reads back exactly). header: comment lines
 * (each without the leading "# "), may be NULL. BMC_EIO on a write error; BMC_EINTERNAL for a
 * lodging period that is neither a day nor a month clipped to pact_date and as_of. */
int bmc_state_write(FILE *out, const bmc_params *p, const bmc_snapshot *x, bool whole,
                    const char *header, bmc_err *err);

#endif
