#ifndef BACKLOGMC_RUN_INTERNAL_H
#define BACKLOGMC_RUN_INTERNAL_H

/* The state of one run, shared by the files of the driver and private to them: run.c (the
 * rounds, the ranks' agreements and merges) and run_output.c (what rank 0 writes: the
 * results file and the checkpoint). */

#include <stdbool.h>
#include <stdint.h>

#include "checkpoint.h"
#include "h5out.h"
#include "mpi_comm.h"
#include "paired.h"
#include "progress.h"
#include "run.h"
#include "scenario.h"
#include "summary.h"

/* One simulator per thread and result set (the reference, then each variant). */
typedef struct workers {
    int n, n_sets;
    bmc_sim **sim; /* [n][n_sets] */
} workers;

/* Every rank adds the blocks it simulated to its own summaries and paired comparisons;
 * merges (bmc_mpi_sum_to_root) move them into rank 0's, which then hold every scenario
 * merged so far, for checkpoint snapshots and at the end. Rank 0 alone has the output side
 * (out, checkpoint, progress). */
typedef struct run {
    const bmc_model *m;
    const bmc_run_options *o;
    bmc_mpi mpi;
    int n_sets;                                   /* 1 + variants; set 0 is the reference */
    const bmc_model *models[BMC_MAX_RESULT_SETS];
    bmc_layout layout[BMC_MAX_RESULT_SETS];       /* as simulated: monthly values always */
    bmc_layout saved[BMC_MAX_RESULT_SETS];        /* as written and checkpointed */
    workers w;
    int threads;
    int block;                                    /* scenarios per rank and round */
    int deficit;                                  /* rank 0's, this round (run_schedule.h) */
    bmc_result_block *mine[BMC_MAX_RESULT_SETS];  /* this rank's block */
    int slots;                                    /* rank 0: blocks it receives at once */
    bmc_result_block **received;                  /* rank 0: [slots][n_sets] */
    bmc_h5out *out;
    bmc_checkpoint *ck;
    bool ck_consistent;      /* rank 0: the checkpoint holds every row of the output */
    bool ck_created;         /* by this run (not resumed) */
    bool whole;              /* this rank's summaries hold exactly its blocks agreed on */
    bmc_summary *summary[BMC_MAX_RESULT_SETS];    /* written to the output as /summary */
    bmc_paired *paired[BMC_MAX_RESULT_SETS];      /* [1 + v]: variant v against the reference */
    int64_t done;            /* scenarios of the rounds agreed on (in the output on rank 0) */
    int64_t goal;            /* the rounds stop here: the end of the batch, or of the run */
    bool precise;            /* the precision stop was reached (at a batch boundary) */
    double half_width;
    int64_t resumed;
    double last_sync;
    bmc_progress progress;
    bmc_rank_times times;    /* of this rank */
    int64_t written;         /* rank 0: scenarios this process wrote, in */
    double writing;          /* in this many seconds (receiving not included) */
} run;

bool run_precision_stop(const bmc_run_options *o);
/* Seed, scenarios, configuration and the layout of every result set (run_output.c). */
void run_identity(const run *r, bmc_run_identity *id);
/* Half-width of the 95 % Wilson interval of P(complete by target) of a count of n. */
double run_half_width(int64_t count, int64_t n);

/* Rank 0 (run_output.c). Opens the output and the checkpoint, replaying its rows when
 * resuming: the output gets them, the summaries their last snapshot. */
int run_open_output(run *r, bmc_err *err);
/* A finished block of every set, next in scenario order, to the output and the checkpoint. */
int run_write_blocks(run *r, const bmc_result_block *const *b, bmc_err *err);
/* The rows so far and the summaries they made (merged: all_whole says every rank's were
 * whole), durably: the point a resume starts from. */
int run_save_checkpoint(run *r, bool all_whole, bmc_err *err);
/* The output complete (commit it, drop the checkpoint) or not (remove it, keep the
 * checkpoint with a last snapshot when the merged summaries allow one). */
int run_finish_output(run *r, int rc, bool all_whole, bmc_err *err);

#endif
