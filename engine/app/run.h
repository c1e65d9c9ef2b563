#ifndef BACKLOGMC_RUN_H
#define BACKLOGMC_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "status.h"
#include "variants.h"

/* The parallel driver. Scenarios go in rounds: each MPI rank simulates one block of
 * consecutive scenarios per round (run_schedule.h), with OpenMP threads over the scenarios
 * of its block, and adds it to its own summaries; rank 0 receives the blocks in scenario
 * order and alone writes the results file (and the checkpoint), and simulates fewer
 * scenarios to make up for it. The summaries are integer histograms, merged into rank 0's
 * at checkpoint snapshots and at the end. Every scenario draws only from its own streams,
 * so the file is the same for any number of threads and ranks, and for a run resumed from a
 * checkpoint. Without MPI running (mpi_env.h) the process is the only rank. With MPI every
 * rank calls bmc_run with the same arguments and gets the same status and message back. */

/* A policy variant: simulated on the same scenarios with the same random streams as the
 * reference model (common random numbers, docs/model.md section 10) and written under
 * /variants/<name> with its paired comparison (docs/output.md). */
typedef struct bmc_variant {
    const char *name;
    const char *description;
    const char *overrides; /* YAML, for the file */
    const bmc_model *m;    /* same period and categories as the reference */
} bmc_variant;


typedef struct bmc_run_options {
    int64_t scenarios;      /* with a precision stop: the most */
    uint64_t seed;
    const char *out_path;
    int threads;            /* per rank; 0 = OMP_NUM_THREADS, else the cores of the rank */
    bool trajectories;
    bool check_invariants;  /* verify docs/model.md section 11 every simulated day */
    bool quiet;             /* no progress lines */
    int block_size;         /* scenarios per rank and round; 0 = default */
    const char *config_name;
    const char *config_text;
    const char *state_text; /* the state file the run starts from (NULL: none), and its */
    bmc_date as_of;         /* as-of date: both go to the file and the checkpoint identity */
    const char *checkpoint; /* save finished scenarios to this file (NULL: none) */
    double checkpoint_every; /* seconds between syncs of the checkpoint; <= 0: 300 */
    bool resume;            /* continue the run saved in `checkpoint` */
    bool force;             /* an earlier results file at out_path may be replaced */
    const char *const *inputs; /* files the run reads (config, base: files): never written */
    int n_inputs;
    double progress_every;  /* seconds between progress lines when not on a terminal;
                               <= 0: 10 */
    int n_variants;         /* 0..BMC_MAX_VARIANTS */
    const bmc_variant *variants;
    /* Precision stop: > 0 runs batches of precision_batch scenarios until the 95 % Wilson
     * interval of P(complete by target) (the reference's) has at most this half-width, or
     * `scenarios` ran. The decision is taken only after whole batches (no round crosses a
     * batch boundary), so the scenarios in the file do not depend on threads, ranks, block
     * size or a resume. */
    double precision;
    int64_t precision_batch;
    bool timing;            /* rank 0 prints where each rank's time went (stderr) */
} bmc_run_options;

#define BMC_CHECKPOINT_EVERY_DEFAULT 300.0

/* Where one rank's time went in bmc_run, in seconds of wall time, and what it sent. */
typedef struct bmc_rank_times {
    int64_t scenarios;  /* simulated by the rank */
    double simulate;    /* simulating its blocks */
    double summarise;   /* adding its blocks to its summaries */
    double output;      /* rank 0: opening, receiving and writing blocks, snapshots, the file */
    double mpi;         /* agreements, sending blocks, merging summaries: waiting included */
    double total;       /* all of bmc_run */
    int64_t bytes_sent; /* blocks and summaries */
} bmc_rank_times;

/* What the driver reports back (on every rank): read off rank 0's summaries (summary.h), the
 * same numbers as the file's /summary. */
typedef struct bmc_run_summary {
    int64_t scenarios;
    int64_t completed;        /* completion reached by the horizon */
    int64_t by_target;        /* completion on or before the target date */
    int median_day;           /* -1 when the median lies beyond the horizon */
    double seconds;           /* of this process; scenarios from a checkpoint took none */
    int64_t resumed;          /* scenarios taken from the checkpoint */
    int threads;              /* per rank */
    int ranks;
    bool precision_reached;   /* with a precision stop */
    double half_width;        /* of P(complete by target), 95 % Wilson */
    int n_variants;
    struct {
        int64_t completed, by_target;
        int median_day;
        int64_t later;        /* scenarios in which the variant completes later */
    } variant[BMC_MAX_VARIANTS];
} bmc_run_summary;

/* BMC_EINTERRUPTED after a stop signal (SIGINT, SIGTERM, SIGUSR1, SIGHUP, SIGQUIT) without a
 * checkpoint (no output written), BMC_ESAVED after one with a checkpoint (synced; continue
 * with resume). The output file exists only after BMC_OK; the checkpoint is removed then.
 * The paths are checked first (outpaths.h): a refusal (BMC_EUSAGE or BMC_EIO) comes before
 * any file is created and any scenario simulated. */
int bmc_run(const bmc_model *m, const bmc_run_options *o, bmc_run_summary *summary,
            bmc_err *err);

#endif
