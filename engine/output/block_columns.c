#include "block_columns.h"

#include <stdint.h>

/* Fails the build when a field is added to bmc_result_block: add it to the list below too. */
_Static_assert(sizeof(bmc_result_block) ==
                   sizeof(const bmc_layout *) + 2 * sizeof(int) + sizeof(int64_t) +
                       14 * sizeof(void *) + (BMC_TRAJ_COUNT + BMC_TRAJ_CAT_COUNT) * sizeof(double *),
               "bmc_result_block changed: update bmc_block_columns");

static void add(bmc_block_column *cols, int *n, void *data, size_t row_bytes, int rows)
{
    cols[*n].data = data;
    cols[*n].bytes = row_bytes * (size_t)rows;
    (*n)++;
}

int bmc_block_columns(const bmc_result_block *b, int rows, bmc_block_column *cols)
{
    const bmc_layout *l = b->layout;
    int n = 0;
    add(cols, &n, b->completion_day, sizeof *b->completion_day, rows);
    add(cols, &n, b->p90_day, sizeof *b->p90_day, rows);
    add(cols, &n, b->p95_day, sizeof *b->p95_day, rows);
    add(cols, &n, b->p99_day, sizeof *b->p99_day, rows);
    add(cols, &n, b->decided_share_at_target, sizeof *b->decided_share_at_target, rows);
    add(cols, &n, b->new_on_time_share, sizeof *b->new_on_time_share, rows);
    add(cols, &n, b->triage_days, sizeof *b->triage_days, rows);
    add(cols, &n, b->first_triage_day, sizeof *b->first_triage_day, rows);
    add(cols, &n, b->grant_rate, sizeof *b->grant_rate, rows);
    add(cols, &n, b->grant_rate_q_min, sizeof *b->grant_rate_q_min, rows);
    add(cols, &n, b->grant_rate_q_max, sizeof *b->grant_rate_q_max, rows);
    add(cols, &n, b->idle_share, sizeof *b->idle_share, rows);
    add(cols, &n, b->category_completion_day,
        sizeof *b->category_completion_day * (size_t)l->n_categories, rows);
    add(cols, &n, b->params, sizeof *b->params * (size_t)l->n_params, rows);
    if (l->trajectories) {
        size_t months = (size_t)l->n_months;
        for (int f = 0; f < BMC_TRAJ_COUNT; f++)
            add(cols, &n, b->traj[f], sizeof(double) * months, rows);
        for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
            add(cols, &n, b->traj_cat[f], sizeof(double) * months * (size_t)l->n_categories,
                rows);
    }
    return n;
}

size_t bmc_block_bytes(const bmc_result_block *b, int rows)
{
    bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
    int n = bmc_block_columns(b, rows, cols);
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += cols[i].bytes;
    return total;
}
