#ifndef BACKLOGMC_RUN_SCHEDULE_H
#define BACKLOGMC_RUN_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which scenarios each rank simulates. A run goes in rounds; in a round rank k simulates
 * one block of consecutive scenarios, rank 0's first, then rank 1's, and so on, so that the
 * blocks arrive at rank 0 in scenario order. Every rank computes the same schedule from the
 * same numbers; rank 0 hands out the one number that changes during a run, its deficit,
 * in the agreement after each round (mpi_comm.h). The results do not depend on the
 * schedule: every scenario draws from its own streams only. */

#define BMC_DEFAULT_BLOCK 4096
/* A block with trajectories stays under this many bytes (their rows are long). */
#define BMC_TRAJ_BLOCK_BYTES (16u << 20)
/* Rank 0 holds received blocks up to this many bytes in all (and at least one). */
#define BMC_RECEIVE_BYTES (256u << 20)

/* Scenarios per rank and round: `requested` (0: the default), at most a fair share of
 * `span` (the scenarios, or a precision batch: no round crosses one), and with trajectories
 * at most what fits BMC_TRAJ_BLOCK_BYTES unless requested. traj_row_bytes: the
 * trajectories of one scenario in all result sets. At least 1. */
int bmc_block_size(int64_t requested, int64_t span, int ranks, bool trajectories,
                   size_t traj_row_bytes);

/* Rank k's part of a round: `left` scenarios from the round's first one to where the rounds
 * stop (> 0), blocks of `block`, of which rank 0 leaves `deficit` (0 .. block; 0 with one
 * rank) to the others because it also writes the output. A full round gives rank 0 block -
 * deficit scenarios and the others a block each; the last one, shorter, is split so that
 * every rank finishes at about the same time (rank 0 still deficit fewer). *offset is where
 * rank k's scenarios start, counted from the round's first; *rows may be 0. */
void bmc_round_part(int64_t left, int ranks, int block, int deficit, int k, int64_t *offset,
                    int *rows);
/* Scenarios in the round: min(left, ranks block - deficit). */
int64_t bmc_round_rows(int64_t left, int ranks, int block, int deficit);

/* Rank 0's deficit that gives every rank the same work per full round: rank 0 writes every
 * scenario of the round (out_per_row seconds each) besides simulating its own
 * (sim_per_row). 0 while either is unknown (<= 0) or with one rank; at most block. */
int bmc_round_deficit(int ranks, int block, double sim_per_row, double out_per_row);

/* Blocks rank 0 can receive before it writes (at least 1, at most ranks - 1). */
int bmc_receive_slots(int ranks, size_t block_bytes);

#endif
