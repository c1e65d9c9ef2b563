#include "run_schedule.h"

#include <math.h>

int bmc_block_size(int64_t requested, int64_t span, int ranks, bool trajectories,
                   size_t traj_row_bytes)
{
    int64_t block = requested > 0 ? requested : BMC_DEFAULT_BLOCK;
    int64_t share = (span + ranks - 1) / ranks; /* every rank gets work even in a small run */
    if (block > share)
        block = share;
    if (trajectories && requested <= 0 && traj_row_bytes > 0) {
        int64_t fit = (int64_t)(BMC_TRAJ_BLOCK_BYTES / traj_row_bytes);
        if (block > fit)
            block = fit;
    }
    return block > 0 ? (int)block : 1;
}

/* Rows of rank 0, and of the others: base each, one more for the first `extra` of them. */
typedef struct split {
    int64_t rows0, base, extra;
} split;

static split split_round(int64_t left, int ranks, int block, int deficit)
{
    if (ranks <= 1)
        return (split){left < block ? left : block, 0, 0};
    if (deficit < 0)
        deficit = 0;
    if (deficit > block)
        deficit = block;
    if (left >= (int64_t)ranks * block - deficit)
        return (split){block - deficit, block, 0};
    /* the last round: every rank ends alike when rank 0's rows plus its deficit equal the
     * others' rows; both stay below a block as the round is not full */
    int64_t q = (left + deficit) / ranks, e = (left + deficit) % ranks;
    if (q >= deficit)
        return (split){q - deficit, q, e};
    return (split){0, left / (ranks - 1), left % (ranks - 1)};
}

void bmc_round_part(int64_t left, int ranks, int block, int deficit, int k, int64_t *offset,
                    int *rows)
{
    split s = split_round(left > 0 ? left : 0, ranks, block, deficit);
    if (k == 0) {
        *offset = 0;
        *rows = (int)s.rows0;
        return;
    }
    int64_t j = k - 1;
    *offset = s.rows0 + j * s.base + (j < s.extra ? j : s.extra);
    *rows = (int)(s.base + (j < s.extra));
}

int64_t bmc_round_rows(int64_t left, int ranks, int block, int deficit)
{
    split s = split_round(left > 0 ? left : 0, ranks, block, deficit);
    return s.rows0 + (int64_t)(ranks > 1 ? ranks - 1 : 0) * s.base + s.extra;
}

int bmc_round_deficit(int ranks, int block, double sim_per_row, double out_per_row)
{
    if (ranks <= 1 || !(sim_per_row > 0) || !(out_per_row > 0))
        return 0;
    /* (block - d) sim + (ranks block - d) out = block sim */
    double d = (double)ranks * block * out_per_row / (sim_per_row + out_per_row);
    return d >= block ? block : (int)lround(d);
}

int bmc_receive_slots(int ranks, size_t block_bytes)
{
    if (ranks <= 1)
        return 0;
    size_t fit = block_bytes > 0 ? BMC_RECEIVE_BYTES / block_bytes : (size_t)ranks;
    if (fit < 1)
        fit = 1;
    return fit < (size_t)(ranks - 1) ? (int)fit : ranks - 1;
}
