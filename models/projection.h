#ifndef BACKLOGMC_PROJECTION_H
#define BACKLOGMC_PROJECTION_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "status.h"

/* The central projection (docs/model.md section 11): every draw replaced by its expected value and
 * every scenario-level parameter by its median, one fluid run. Reports the completion date
 * and whether the old cases can be cleared at all with the configured capacity. */
typedef struct bmc_projection {
    int completion_day; /* -1 when not reached by the horizon */
    int p90_day, p95_day, p99_day;
    double share_at_target;
    double old_open_at_horizon;
    double new_on_time_share;
    /* capacity balance over the last 365 days of the period, officer-days per year */
    double capacity_per_year;
    double new_demand_per_year;
    double old_work_left; /* officer-days of old-case work still open at the horizon, at the
                           * work content of the last day with the median factors */
    double old_waiting_at_horizon; /* still waiting for the voorfase */
    bool voorfase_closed;  /* at the horizon the voorfase admits nobody (no places or
                            * no show-ups): waiting cases can never be decided */
} bmc_projection;

/* m must have been built with deterministic = true. */
int bmc_projection_run(const bmc_model *m, bmc_projection *out, bmc_err *err);
void bmc_projection_print(const bmc_model *m, const bmc_projection *pr, FILE *out);

#endif
