#ifndef BACKLOGMC_CHECKPOINT_H
#define BACKLOGMC_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "results.h"
#include "status.h"
#include "variants.h"

/* Checkpoint of a run: the identity of the run, then the rows of the scenarios finished so
 * far, in scenario order, as records of whole blocks, each with its own checksum, and from
 * time to time a snapshot of state the rows cannot rebuild (the run's summaries). A record
 * is appended as soon as its block reaches the output; the run adds a snapshot and makes
 * the file durable (fsync) every --checkpoint-every seconds and when it stops on a signal.
 * A resume continues from the last whole snapshot (without snapshots: the last whole row
 * record) and cuts what follows, e.g. a record torn by a kill. Scenarios depend only on
 * (seed, scenario, purpose), so the saved rows plus the rest computed later give the same
 * output as a straight run, whatever the threads and ranks of either part. The file is
 * native binary (same machine type for both parts); it holds every per-scenario number the
 * output holds, uncompressed. A snapshot supersedes the ones before it: when they take more
 * room than the rest of the file, the file is rewritten without them (a synced copy renamed
 * over it, so a crash leaves the old file or the new one, whole). One process at a time
 * holds a checkpoint (flock). */

typedef struct bmc_checkpoint bmc_checkpoint;

/* What must match for a checkpoint to be resumed. */
typedef struct bmc_run_identity {
    uint64_t seed;
    int64_t n_scenarios;
    uint64_t config_hash; /* of the resolved configuration text */
    uint64_t layout_hash; /* categories, sampled parameters, months, trajectories */
    char engine[96];      /* version and git commit of the engine */
} bmc_run_identity;

void bmc_run_identity_make(const bmc_layout *layout, uint64_t seed, int64_t n_scenarios,
                           const char *config_text, bmc_run_identity *out);
/* Folds a run option that changes the result (the precision stop) into the identity. */
void bmc_run_identity_add_value(bmc_run_identity *id, uint64_t v);
/* Folds the layout of one more result set (a policy variant) into the identity. */
void bmc_run_identity_add_layout(bmc_run_identity *id, const bmc_layout *layout);

/* Creates path holding the identity and no rows, recording out_path (the run's output) for
 * a later resume. Never over an existing file: BMC_EUSAGE saying whether it is this run's
 * checkpoint (resume it or remove it), another run's, or no checkpoint at all; BMC_EIO naming
 * the path when it cannot be created. */
int bmc_checkpoint_create(const char *path, const bmc_run_identity *id, const char *out_path,
                          bmc_checkpoint **out, bmc_err *err);

/* The run that wrote a checkpoint before: its process and output path. A run killed outright
 * leaves its temporary output beside that path (outpaths.h, bmc_tmp_path). */
typedef struct bmc_checkpoint_writer {
    long pid;
    char out_path[4096];
} bmc_checkpoint_writer;

/* Opens path to resume the run id (whose output is out_path): BMC_EIO when it cannot be
 * read or is not a checkpoint, BMC_EUSAGE (naming what differs) when it belongs to another
 * run or another process holds it. *old says who wrote it before; the file records this
 * process once the replay succeeded. A copy that a compaction of the old process left is
 * removed. */
int bmc_checkpoint_open(const char *path, const bmc_run_identity *id, const char *out_path,
                        bmc_checkpoint **out, bmc_checkpoint_writer *old, bmc_err *err);

/* Hands the saved rows, in order, to fn as blocks (layout as the run's); stops at the first
 * torn or corrupt record and cuts the file there, so appends continue the valid rows.
 * Appends before the replay are refused.
 * *rows = scenarios replayed. Call once, right after bmc_checkpoint_open. */
typedef int (*bmc_checkpoint_fn)(void *ctx, const bmc_result_block *b, bmc_err *err);
int bmc_checkpoint_replay(bmc_checkpoint *c, const bmc_layout *layout, bmc_checkpoint_fn fn,
                          void *ctx, int64_t *rows, bmc_err *err);

/* Appends rows [0, b->count) of b, scenarios b->first_scenario on, which must continue the
 * saved rows (else BMC_EINTERNAL). */
int bmc_checkpoint_append(bmc_checkpoint *c, const bmc_result_block *b, bmc_err *err);

/* The same for a run with policy variants: each record holds the same scenarios of every
 * result set (the reference, then each variant), so a resumed run continues them all at
 * one scenario. */
typedef int (*bmc_checkpoint_sets_fn)(void *ctx, const bmc_result_block *const *b, int n_sets,
                                      bmc_err *err);
/* restore (may be NULL) receives the counts of each set from the last snapshot; with it the
 * replay stops at that snapshot and drops the rows after it, which the resumed run
 * simulates again. */
typedef int (*bmc_checkpoint_restore_fn)(void *ctx, int set, const int64_t *counts, size_t n,
                                         bmc_err *err);
int bmc_checkpoint_replay_sets(bmc_checkpoint *c, const bmc_layout *const *layouts, int n_sets,
                               bmc_checkpoint_sets_fn fn, bmc_checkpoint_restore_fn restore,
                               void *ctx, int64_t *rows, bmc_err *err);
/* A snapshot of state that the rows alone cannot rebuild (the run's summaries, whose monthly
 * histograms come from trajectories the checkpoint does not keep): counts[k][0 .. n[k]) of
 * each set, which must describe exactly the rows appended so far. Zero runs are stored
 * compactly; nothing is written when no row came since the last snapshot. May compact the
 * file (see above); a compaction that fails leaves the file as it was and is no error. */
int bmc_checkpoint_append_snapshot(bmc_checkpoint *c, const int64_t *const *counts,
                                   const size_t *n_counts, int n_sets, bmc_err *err);
int bmc_checkpoint_append_sets(bmc_checkpoint *c, const bmc_result_block *const *b, int n_sets,
                               bmc_err *err);
/* fsync: what was appended survives a crash of the machine, not only of the process. */
int bmc_checkpoint_sync(bmc_checkpoint *c, bmc_err *err);
int64_t bmc_checkpoint_rows(const bmc_checkpoint *c);
/* Closes and frees c (NULL is fine); remove deletes the file, once the output is complete.
 * Returns BMC_EIO when closing or removing fails. */
int bmc_checkpoint_close(bmc_checkpoint *c, bool remove, bmc_err *err);

#endif
