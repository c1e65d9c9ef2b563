#include "block_columns.h"

#include <stdint.h>

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
    for (int f = 0; f < bmc_n_scenario_fields; f++)
        add(cols, &n, bmc_result_column(b, f),
            bmc_scenario_fields[f].is_int ? sizeof(int32_t) : sizeof(double), rows);
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
