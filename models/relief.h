#ifndef BACKLOGMC_RELIEF_H
#define BACKLOGMC_RELIEF_H

#include <stdbool.h>
#include <stdio.h>

#include "params.h"
#include "resim.h"
#include "status.h"

/* Relief capacity (README, `check`): from the central projection (docs/model.md section 11), the
 * constant capacity that clears the old cases by the target date, at the configured intake
 * level and at the levels of run.relief_intake_levels; the intake level above which the configured capacity no longer
 * clears them by the target; and the date it clears them. Every number is a bisection on the
 * deterministic model itself (re-simulated with staff.fte or the intake level overridden),
 * so it cannot disagree with the projection. A capacity is a constant fte from the start
 * date; in officer-days per working day it is fte x median fte_factor x availability (the
 * monthly availability at its mean, 1, and its seasonal factors averaged). */

/* the configured level and those of run.relief_intake_levels */
#define BMC_RELIEF_LEVELS (1 + BMC_MAX_RELIEF_LEVELS)

typedef struct bmc_relief_row {
    double level;         /* intake a year (the level's median) */
    bool configured;      /* the configuration's own level */
    bool reachable;       /* some fte up to 10^6 clears by the target */
    double fte;           /* the smallest constant fte that does, to 0.01 */
    double officer_days;  /* per working day */
} bmc_relief_row;

typedef struct bmc_relief {
    int n_rows;
    bmc_relief_row row[BMC_RELIEF_LEVELS];
    double per_fte;        /* officer-days per working day of one fte */
    int completion_day;    /* at the configured capacity and level; -1 past the horizon */
    /* the largest intake level (to 1 a year) at which the configured capacity clears by the
     * target; NaN when even an intake of 1 a year misses it, +inf when 10^7 a year still clears */
    double impossible_above;
    int runs;              /* deterministic runs the bisections took */
} bmc_relief;

/* src must be deterministic (the central projection). */
int bmc_relief_compute(const bmc_resim_source *src, bmc_relief *out, bmc_err *err);
void bmc_relief_print(const bmc_model *m, const bmc_relief *r, FILE *out);

#endif
