#include "results.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The names double as HDF5 dataset names (docs/output.md): changing one changes the
 * schema. */
const char *bmc_traj_name(enum bmc_traj f)
{
    switch (f) {
    case BMC_TRAJ_GRANTS: return "grants";
    case BMC_TRAJ_REJECTIONS: return "rejections";
    case BMC_TRAJ_VOORFASE_ATTENDED: return "voorfase_attended";
    case BMC_TRAJ_HEARINGS: return "hearings";
    case BMC_TRAJ_NEW_ARRIVALS: return "new_arrivals";
    case BMC_TRAJ_NEW_DECISIONS: return "new_decisions";
    case BMC_TRAJ_NEW_ON_TIME: return "new_on_time";
    case BMC_TRAJ_NEW_OPEN: return "new_open";
    case BMC_TRAJ_OFFICER_DAYS_OFFERED: return "officer_days_offered";
    case BMC_TRAJ_OFFICER_DAYS_USED: return "officer_days_used";
    case BMC_TRAJ_TRIAGE: return "triage";
    case BMC_TRAJ_WITHDRAWN: return "withdrawn";
    case BMC_TRAJ_REMAND_DECISIONS: return "remand_decisions";
    case BMC_TRAJ_NAREIS: return "nareis";
    case BMC_TRAJ_APPEALS: return "appeals";
    case BMC_TRAJ_COUNT: break;
    }
    return NULL;
}

const char *bmc_traj_cat_name(enum bmc_traj_cat f)
{
    switch (f) {
    case BMC_TRAJ_OLD_OPEN: return "old_open";
    case BMC_TRAJ_OLD_DECISIONS: return "old_decisions";
    case BMC_TRAJ_CAT_COUNT: break;
    }
    return NULL;
}

/* calloc of count elements of size bytes; never NULL for count == 0 (so NULL always means
 * out of memory) and NULL instead of an overflowing product. */
static void *zalloc(size_t count, size_t size)
{
    if (count == 0)
        count = 1;
    if (count > SIZE_MAX / size)
        return NULL;
    return calloc(count, size);
}

static bool layout_valid(const bmc_layout *l, int capacity)
{
    return l && capacity >= 0 && l->n_categories >= 0 && l->n_categories <= BMC_MAX_CATEGORIES
           && l->n_params >= 0 && l->n_params <= BMC_MAX_PARAMS && l->n_months >= 0;
}

static size_t traj_len(const bmc_result_block *b)
{
    return (size_t)b->capacity * (size_t)b->layout->n_months;
}

static size_t traj_cat_len(const bmc_result_block *b)
{
    return traj_len(b) * (size_t)b->layout->n_categories;
}

bmc_result_block *bmc_result_block_alloc(const bmc_layout *layout, int capacity)
{
    if (!layout_valid(layout, capacity))
        return NULL;
    bmc_result_block *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->layout = layout;
    b->capacity = capacity;
    size_t n = (size_t)capacity;
    b->completion_day = zalloc(n, sizeof *b->completion_day);
    b->p90_day = zalloc(n, sizeof *b->p90_day);
    b->p95_day = zalloc(n, sizeof *b->p95_day);
    b->p99_day = zalloc(n, sizeof *b->p99_day);
    b->decided_share_at_target = zalloc(n, sizeof *b->decided_share_at_target);
    b->new_on_time_share = zalloc(n, sizeof *b->new_on_time_share);
    b->triage_days = zalloc(n, sizeof *b->triage_days);
    b->first_triage_day = zalloc(n, sizeof *b->first_triage_day);
    b->grant_rate = zalloc(n, sizeof *b->grant_rate);
    b->grant_rate_q_min = zalloc(n, sizeof *b->grant_rate_q_min);
    b->grant_rate_q_max = zalloc(n, sizeof *b->grant_rate_q_max);
    b->idle_share = zalloc(n, sizeof *b->idle_share);
    b->category_completion_day = zalloc(n * (size_t)layout->n_categories,
                                        sizeof *b->category_completion_day);
    b->params = zalloc(n * (size_t)layout->n_params, sizeof *b->params);
    bool ok = b->completion_day && b->p90_day && b->p95_day && b->p99_day
              && b->decided_share_at_target && b->new_on_time_share && b->triage_days
              && b->first_triage_day && b->grant_rate && b->grant_rate_q_min
              && b->grant_rate_q_max && b->idle_share && b->category_completion_day
              && b->params;
    if (layout->trajectories) {
        for (int f = 0; f < BMC_TRAJ_COUNT; f++) {
            b->traj[f] = zalloc(traj_len(b), sizeof(double));
            ok = ok && b->traj[f];
        }
        for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++) {
            b->traj_cat[f] = zalloc(traj_cat_len(b), sizeof(double));
            ok = ok && b->traj_cat[f];
        }
    }
    if (!ok) {
        /* free() accepts the NULLs of the allocations that failed or never ran */
        bmc_result_block_free(b);
        return NULL;
    }
    return b;
}

void bmc_result_block_free(bmc_result_block *b)
{
    if (!b)
        return;
    free(b->completion_day);
    free(b->p90_day);
    free(b->p95_day);
    free(b->p99_day);
    free(b->decided_share_at_target);
    free(b->new_on_time_share);
    free(b->triage_days);
    free(b->first_triage_day);
    free(b->grant_rate);
    free(b->grant_rate_q_min);
    free(b->grant_rate_q_max);
    free(b->idle_share);
    free(b->category_completion_day);
    free(b->params);
    for (int f = 0; f < BMC_TRAJ_COUNT; f++)
        free(b->traj[f]);
    for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
        free(b->traj_cat[f]);
    free(b);
}

/* Only the trajectories are cleared: models accumulate into them month by month, while
 * every per-scenario column is assigned once per scenario. */
void bmc_result_block_reset(bmc_result_block *b, int64_t first_scenario)
{
    b->count = 0;
    b->first_scenario = first_scenario;
    for (int f = 0; f < BMC_TRAJ_COUNT; f++)
        if (b->traj[f])
            memset(b->traj[f], 0, traj_len(b) * sizeof(double));
    for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
        if (b->traj_cat[f])
            memset(b->traj_cat[f], 0, traj_cat_len(b) * sizeof(double));
}
