#ifndef BACKLOGMC_RESULTS_H
#define BACKLOGMC_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

/* Per-scenario outputs (MODEL.md section 9), column by column for a block of consecutive
 * scenarios, so a block goes to HDF5 (or over MPI) as contiguous arrays. Day values are
 * day indices from the start date; -1 means "not reached by the horizon". */

#define BMC_MAX_CATEGORIES 16
#define BMC_MAX_PARAMS 128
#define BMC_NAME_LEN 64

/* Monthly trajectories with one value per scenario and month. */
enum bmc_traj {
    BMC_TRAJ_GRANTS,             /* grants among first decisions, old and new */
    BMC_TRAJ_REJECTIONS,         /* first decisions that were not grants */
    BMC_TRAJ_VOORFASE_ATTENDED,
    BMC_TRAJ_HEARINGS,
    BMC_TRAJ_NEW_ARRIVALS,
    BMC_TRAJ_NEW_DECISIONS,
    BMC_TRAJ_NEW_ON_TIME,
    BMC_TRAJ_NEW_OPEN,           /* at month end */
    BMC_TRAJ_OFFICER_DAYS_OFFERED,
    BMC_TRAJ_OFFICER_DAYS_USED,
    BMC_TRAJ_TRIAGE,             /* 1 when triage was on at month end */
    BMC_TRAJ_WITHDRAWN,          /* old cases withdrawn and not re-lodged (closed) */
    BMC_TRAJ_REMAND_DECISIONS,   /* annulled decisions decided again */
    BMC_TRAJ_NAREIS,             /* expected family-reunification applications */
    BMC_TRAJ_APPEALS,            /* expected appeals */
    BMC_TRAJ_COUNT
};
/* Monthly trajectories with one value per scenario, month and old-case category. */
enum bmc_traj_cat {
    BMC_TRAJ_OLD_OPEN,           /* at month end: waiting + ready */
    BMC_TRAJ_OLD_DECISIONS,      /* first decisions in the month */
    BMC_TRAJ_CAT_COUNT
};
/* snake_case names, also the HDF5 dataset names (docs/output.md); NULL out of range. */
const char *bmc_traj_name(enum bmc_traj f);
const char *bmc_traj_cat_name(enum bmc_traj_cat f);

typedef struct bmc_layout {
    int n_categories;
    char category_names[BMC_MAX_CATEGORIES][BMC_NAME_LEN];
    int n_params; /* sampled scenario parameters, e.g. "intake.annual_level" */
    char param_names[BMC_MAX_PARAMS][BMC_NAME_LEN];
    int n_months; /* months in trajectories */
    bool trajectories;
} bmc_layout;

typedef struct bmc_result_block {
    const bmc_layout *layout;
    int capacity;           /* scenarios the arrays hold */
    int count;              /* scenarios filled, 0..capacity */
    int64_t first_scenario; /* scenario index of row 0 */
    int32_t *completion_day;
    int32_t *p90_day, *p95_day, *p99_day;
    double *decided_share_at_target;
    double *new_on_time_share; /* NaN when no new case settled */
    int32_t *triage_days;
    int32_t *first_triage_day;
    double *grant_rate;        /* overall, all first decisions; NaN when none */
    double *grant_rate_q_min;  /* over calendar quarters with decisions */
    double *grant_rate_q_max;
    double *idle_share;        /* officer-days offered and not used / offered; NaN when none */
    int32_t *category_completion_day; /* [capacity][n_categories] */
    double *params;                   /* [capacity][n_params] */
    double *traj[BMC_TRAJ_COUNT];         /* [capacity][n_months], NULL without trajectories */
    double *traj_cat[BMC_TRAJ_CAT_COUNT]; /* [capacity][n_months][n_categories] */
} bmc_result_block;

/* NULL when out of memory or the layout is out of range. Arrays are zeroed. */
bmc_result_block *bmc_result_block_alloc(const bmc_layout *layout, int capacity);
void bmc_result_block_free(bmc_result_block *b);
/* Sets count = 0 and first_scenario; zeroes the trajectories. */
void bmc_result_block_reset(bmc_result_block *b, int64_t first_scenario);

#endif
