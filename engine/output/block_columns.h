#ifndef BACKLOGMC_BLOCK_COLUMNS_H
#define BACKLOGMC_BLOCK_COLUMNS_H

#include <stddef.h>

#include "results.h"

/* The arrays of a result block as a list of byte ranges, so that moving rows between
 * processes (mpi_comm.c) and saving them (checkpoint.c) cannot forget a column: both go
 * through this one list. */

#define BMC_BLOCK_MAX_COLUMNS (16 + BMC_TRAJ_COUNT + BMC_TRAJ_CAT_COUNT)

typedef struct bmc_block_column {
    void *data;   /* first byte of row 0 */
    size_t bytes; /* bytes of rows [0, rows) */
} bmc_block_column;

/* Fills cols with the columns of rows [0, rows) of b (rows <= b->capacity) and returns how
 * many there are: the per-scenario columns, the parameters, and the trajectories when the
 * layout has them. */
int bmc_block_columns(const bmc_result_block *b, int rows, bmc_block_column *cols);

/* Total bytes of rows [0, rows). */
size_t bmc_block_bytes(const bmc_result_block *b, int rows);

#endif
