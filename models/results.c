#include "results.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SCENARIO_FIELD(name, type, units)                                                      \
    {#name, BMC_FIELD_IS_INT_##type, NULL, units, offsetof(bmc_result_block, name)},
#define BMC_FIELD_IS_INT_I32 true
#define BMC_FIELD_IS_INT_F64 false
const bmc_field bmc_scenario_fields[BMC_N_SCENARIO_FIELDS] = {BMC_SCENARIO_FIELDS(SCENARIO_FIELD)};
const int bmc_n_scenario_fields = (int)(sizeof bmc_scenario_fields / sizeof bmc_scenario_fields[0]);

#define TRAJ_FIELD(ID, name, kind, units) [BMC_TRAJ_##ID] = {#name, false, kind, units, 0},
const bmc_field bmc_traj_fields[BMC_TRAJ_COUNT] = {BMC_TRAJ_FIELDS(TRAJ_FIELD)};
const bmc_field bmc_traj_cat_fields[BMC_TRAJ_CAT_COUNT] = {BMC_TRAJ_CAT_FIELDS(TRAJ_FIELD)};

const char *bmc_traj_name(enum bmc_traj f)
{
    return f >= 0 && f < BMC_TRAJ_COUNT ? bmc_traj_fields[f].name : NULL;
}

const char *bmc_traj_cat_name(enum bmc_traj_cat f)
{
    return f >= 0 && f < BMC_TRAJ_CAT_COUNT ? bmc_traj_cat_fields[f].name : NULL;
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
    bool ok = true;
    for (int f = 0; f < bmc_n_scenario_fields; f++) {
        void **col = (void **)(void *)((char *)b + bmc_scenario_fields[f].offset);
        *col = zalloc(n, bmc_scenario_fields[f].is_int ? sizeof(int32_t) : sizeof(double));
        ok = ok && *col;
    }
    b->category_completion_day = zalloc(n * (size_t)layout->n_categories,
                                        sizeof *b->category_completion_day);
    b->params = zalloc(n * (size_t)layout->n_params, sizeof *b->params);
    ok = ok && b->category_completion_day && b->params;
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
    for (int f = 0; f < bmc_n_scenario_fields; f++)
        free(bmc_result_column(b, f));
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
