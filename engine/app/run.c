#include "run.h"

#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "h5out.h"
#include "mpi_comm.h"
#include "mpi_env.h"
#include "outpaths.h"
#include "paired.h"
#include "progress.h"
#include "scenario.h"
#include "summary.h"

#define DEFAULT_BLOCK 4096
/* trajectory rows are long: a block of them stays under this many bytes */
#define TRAJ_BLOCK_BYTES (16u << 20)

/* The one piece of process-wide state: a signal handler can only talk through a flag. A
 * lock-free atomic may be written by a handler (C11 7.14.1.1) and is read by the OpenMP
 * threads without a data race. */
static atomic_int stop_requested = 0;

static void on_signal(int sig)
{
    atomic_store_explicit(&stop_requested, sig, memory_order_relaxed);
}

static int stop_signal(void)
{
    return atomic_load_explicit(&stop_requested, memory_order_relaxed);
}

/* SIGINT, SIGTERM, SIGUSR1 (Open MPI's mpirun forwards SIGUSR1 to every rank, SIGTERM it
 * does not), SIGHUP (the terminal or ssh session went away) and SIGQUIT stop the run after
 * the round. A signal ignored by whoever started us (SIGINT and SIGQUIT in a background job
 * of a script, SIGHUP under nohup) stays ignored. SIGXFSZ is ignored while the run writes:
 * a file-size limit (ulimit -f) then makes the write fail like a full disk, and the run
 * cleans up, instead of being killed with its temporary file left behind. */
static const int STOP_SIGNALS[] = {SIGINT, SIGTERM, SIGUSR1, SIGHUP, SIGQUIT};
#define N_STOP_SIGNALS (sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0])

typedef struct saved_signals {
    struct sigaction stop[N_STOP_SIGNALS];
    struct sigaction xfsz;
} saved_signals;

static void catch_signals(saved_signals *old)
{
    struct sigaction sa = {.sa_handler = on_signal}, ignore = {.sa_handler = SIG_IGN};
    sigemptyset(&sa.sa_mask);
    sigemptyset(&ignore.sa_mask);
    atomic_store(&stop_requested, 0);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) {
        sigaction(STOP_SIGNALS[i], NULL, &old->stop[i]);
        if (old->stop[i].sa_handler != SIG_IGN)
            sigaction(STOP_SIGNALS[i], &sa, NULL);
    }
    sigaction(SIGXFSZ, &ignore, &old->xfsz);
}

static void restore_signals(const saved_signals *old)
{
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(STOP_SIGNALS[i], &old->stop[i], NULL);
    sigaction(SIGXFSZ, &old->xfsz, NULL);
}

/* One simulator per thread and result set (the reference, then each variant). */
typedef struct workers {
    int n, n_sets;
    bmc_sim **sim; /* [n][n_sets] */
} workers;

static void workers_free(workers *w)
{
    for (int i = 0; w->sim && i < w->n * w->n_sets; i++)
        bmc_sim_free(w->sim[i]);
    free(w->sim);
    w->sim = NULL;
    w->n = 0;
}

static int workers_create(const bmc_model *const *models, int n_sets, int n, workers *w,
                          bmc_err *err)
{
    w->n = n;
    w->n_sets = n_sets;
    w->sim = calloc((size_t)n * (size_t)n_sets, sizeof *w->sim);
    if (!w->sim)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %d workers", n);
    for (int i = 0; i < n * n_sets; i++) {
        int rc = bmc_sim_create(models[i % n_sets], &w->sim[i], err);
        if (rc != BMC_OK) {
            workers_free(w);
            return rc;
        }
    }
    return BMC_OK;
}

/* Runs the scenarios of one block, each in every result set: a scenario draws from its own
 * streams only, so the reference and the variants see the same random numbers. On failure
 * the error of the lowest failing scenario is reported, so the message does not depend on
 * thread timing either. */
static int run_block(workers *w, const bmc_run_options *o, bmc_result_block **b, int count,
                     bmc_err *err)
{
    int64_t first_bad = -1;
    int bad_rc = BMC_OK;
    const int64_t first = b[0]->first_scenario;
#pragma omp parallel num_threads(w->n)
    {
        bmc_sim **sim = &w->sim[omp_get_thread_num() * w->n_sets];
        bmc_err local;
#pragma omp for schedule(dynamic, 8)
        for (int i = 0; i < count; i++) {
            if (stop_signal())
                continue;
            int64_t sc = first + i;
            int rc = BMC_OK;
            for (int k = 0; k < w->n_sets && rc == BMC_OK; k++)
                rc = bmc_sim_run(sim[k], o->seed, sc, o->check_invariants, b[k], i, &local);
            if (rc != BMC_OK) {
#pragma omp critical(bmc_run_error)
                if (first_bad < 0 || sc < first_bad) {
                    first_bad = sc;
                    bad_rc = rc;
                    bmc_fail(err, rc, "scenario %lld: %s", (long long)sc, local.msg);
                }
            }
        }
    }
    for (int k = 0; k < w->n_sets; k++)
        b[k]->count = count;
    return bad_rc;
}

/* Everything one run holds. Rank 0 alone has the output side (out, checkpoint, summaries,
 * progress). */
typedef struct run {
    const bmc_model *m;
    const bmc_run_options *o;
    bmc_mpi mpi;
    int n_sets;                            /* 1 + variants; set 0 is the reference */
    const bmc_model *models[BMC_MAX_RESULT_SETS];
    bmc_layout layout[BMC_MAX_RESULT_SETS];           /* as simulated: monthly values always */
    bmc_layout saved[BMC_MAX_RESULT_SETS];            /* as written and checkpointed */
    workers w;
    int threads;
    int block;                             /* scenarios per rank and round */
    bmc_result_block *mine[BMC_MAX_RESULT_SETS];      /* this rank's block */
    bmc_result_block *other[BMC_MAX_RESULT_SETS];     /* rank 0: a block received from another rank */
    bmc_h5out *out;
    bmc_checkpoint *ck;
    bool ck_consistent;      /* the summaries describe exactly the checkpoint's rows */
    bool ck_created;         /* by this run (not resumed) */
    bmc_summary *summary[BMC_MAX_RESULT_SETS];        /* written to the output as /summary */
    bmc_paired *paired[BMC_MAX_RESULT_SETS];          /* [1 + v]: variant v against the reference */
    int64_t done;            /* scenarios in the output so far */
    int64_t goal;            /* the rounds stop here: the end of the batch, or of the run */
    bool precise;            /* the precision stop was reached (at a batch boundary) */
    double half_width;
    int64_t resumed;
    double last_sync;
    bmc_progress progress;
} run;

static bool precision_stop(const bmc_run_options *o)
{
    return o->precision > 0;
}

/* Rank 0: is P(complete by target) known well enough, on the scenarios so far? */
static bool precise_enough(run *r)
{
    bmc_sum_prob p;
    bmc_summary_probability(r->summary[0], BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
    r->half_width = (p.wilson_hi - p.wilson_lo) / 2;
    return r->half_width <= r->o->precision;
}

/* Rank 0: a finished block of every set, next in scenario order, goes to the output, the
 * summaries and the checkpoint (blocks replayed from the checkpoint are there already). */
static int sink(run *r, const bmc_result_block *const *b, bool replayed, bmc_err *err)
{
    int rc = bmc_h5out_append_sets(r->out, b, r->n_sets, err);
    /* from here a failure leaves the summaries ahead of the checkpoint: no more snapshots */
    r->ck_consistent = r->ck_consistent && rc == BMC_OK;
    /* replayed rows lack the monthly values: their summaries come from the snapshot */
    for (int k = 0; k < r->n_sets && rc == BMC_OK && !replayed; k++)
        rc = bmc_summary_add_block(r->summary[k], b[k], err);
    for (int k = 1; k < r->n_sets && rc == BMC_OK; k++)
        rc = bmc_paired_add(r->paired[k], b[0], b[k], err);
    if (rc == BMC_OK && !replayed && r->ck) {
        /* the checkpoint keeps what the output keeps: trajectories only when written */
        bmc_result_block view[BMC_MAX_RESULT_SETS];
        const bmc_result_block *vp[BMC_MAX_RESULT_SETS];
        for (int k = 0; k < r->n_sets; k++) {
            view[k] = *b[k];
            view[k].layout = &r->saved[k];
            vp[k] = &view[k];
        }
        rc = bmc_checkpoint_append_sets(r->ck, vp, r->n_sets, err);
    }
    if (rc == BMC_OK) {
        r->done += b[0]->count;
    } else {
        r->ck_consistent = false;
    }
    return rc;
}

static int sink_replayed(void *ctx, const bmc_result_block *const *b, int n_sets,
                         bmc_err *err)
{
    run *r = ctx;
    if (n_sets != r->n_sets)
        return bmc_fail(err, BMC_EINTERNAL, "checkpoint of %d result sets, run of %d", n_sets,
                        r->n_sets);
    return sink(r, b, true, err);
}

/* The summaries as they were after the replayed rows. */
static int restore_summary(void *ctx, int set, const int64_t *counts, size_t n, bmc_err *err)
{
    run *r = ctx;
    size_t have;
    int64_t *mine = set >= 0 && set < r->n_sets ? bmc_summary_counts(r->summary[set], &have) : NULL;
    if (!mine || have != n)
        return bmc_fail(err, BMC_EIO, "checkpoint %s: its summary does not fit this run",
                        r->o->checkpoint);
    memcpy(mine, counts, n * sizeof *counts);
    return BMC_OK;
}

/* The rows so far and the summaries they made, durably: the point a resume starts from. */
static int save_checkpoint(run *r, bmc_err *err)
{
    if (!r->ck_consistent)
        return bmc_checkpoint_sync(r->ck, err); /* the last snapshot stands */
    const int64_t *counts[BMC_MAX_RESULT_SETS];
    size_t n[BMC_MAX_RESULT_SETS];
    for (int k = 0; k < r->n_sets; k++)
        counts[k] = bmc_summary_counts(r->summary[k], &n[k]);
    int rc = bmc_checkpoint_append_snapshot(r->ck, counts, n, r->n_sets, err);
    return rc == BMC_OK ? bmc_checkpoint_sync(r->ck, err) : rc;
}

/* Scenarios per rank and round: every rank gets work even in a small run. */
static int block_size(const bmc_run_options *o, const bmc_layout *l, int n_sets, int ranks)
{
    int64_t block = o->block_size > 0 ? o->block_size : DEFAULT_BLOCK;
    /* a round never crosses a batch of the precision stop: larger blocks would idle */
    int64_t span = o->precision > 0 && o->precision_batch < o->scenarios ? o->precision_batch
                                                                        : o->scenarios;
    int64_t share = (span + ranks - 1) / ranks;
    if (block > share)
        block = share;
    if (l->trajectories) {
        size_t row = sizeof(double) * (size_t)l->n_months * (size_t)n_sets *
                     (BMC_TRAJ_COUNT + (size_t)BMC_TRAJ_CAT_COUNT * (size_t)l->n_categories);
        int64_t fit = row > 0 ? (int64_t)(TRAJ_BLOCK_BYTES / row) : block;
        if (o->block_size <= 0 && block > fit)
            block = fit;
    }
    return block > 0 ? (int)block : 1;
}

/* Seed, scenarios, configuration and the layout of every result set. */
static void run_identity(const run *r, bmc_run_identity *id)
{
    bmc_run_identity_make(&r->saved[0], r->o->seed, r->o->scenarios, r->o->config_text, id);
    if (r->o->state_text) { /* a resume must start from the same state: FNV-1a of its text */
        uint64_t h = 14695981039346656037ULL;
        for (const char *c = r->o->state_text; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ULL;
        bmc_run_identity_add_value(id, h);
    }
    for (int k = 1; k < r->n_sets; k++)
        bmc_run_identity_add_layout(id, &r->saved[k]);
    if (precision_stop(r->o)) {
        uint64_t bits;
        memcpy(&bits, &r->o->precision, sizeof bits);
        bmc_run_identity_add_value(id, bits);
        bmc_run_identity_add_value(id, (uint64_t)r->o->precision_batch);
    }
}

/* Rank 0: opens the output, and the checkpoint (replaying its rows when resuming). */
static int open_output(run *r, bmc_err *err)
{
    const bmc_run_options *o = r->o;
    const bmc_model *m = r->m;
    bmc_run_meta meta = {
        .config_name = o->config_name,
        .config_text = o->config_text,
        .seed = o->seed,
        .n_scenarios = o->scenarios,
        .deterministic = m->p.deterministic,
        .omit_trajectories = !o->trajectories,
        .cal = m->cal,
        .target_date = m->p.target_date,
        .pact_date = m->p.pact_date,
        .state_text = o->state_text,
        .as_of = o->as_of,
        .n_variants = r->n_sets - 1,
    };
    bmc_h5_variant variants[BMC_MAX_VARIANTS];
    for (int v = 0; v < o->n_variants; v++)
        variants[v] = (bmc_h5_variant){.name = o->variants[v].name,
                                       .description = o->variants[v].description,
                                       .overrides = o->variants[v].overrides,
                                       .layout = &r->layout[1 + v]};
    meta.variants = variants;
    bmc_run_identity id;
    run_identity(r, &id);
    bmc_out_plan plan = {.out = o->out_path, .checkpoint = o->checkpoint, .resume = o->resume,
                         .force = o->force, .inputs = o->inputs, .n_inputs = o->n_inputs};
    int rc = bmc_out_plan_check(&plan, err);
    for (int k = 0; k < r->n_sets && rc == BMC_OK; k++)
        rc = bmc_summary_create(&r->layout[k], m->ndays, m->target_day,
                                bmc_calendar_date(m->cal, 0), &r->summary[k], err);
    for (int k = 1; k < r->n_sets && rc == BMC_OK; k++)
        rc = bmc_paired_create(m->ndays, m->target_day, &r->paired[k], err);
    if (rc == BMC_OK && o->checkpoint && o->resume) {
        /* the temporary output of a process killed mid-run is garbage once its run is
         * resumed, whatever output this resume writes */
        static const char hdf5_signature[8] = "\x89HDF\r\n\x1a\n";
        bmc_checkpoint_writer old;
        rc = bmc_checkpoint_open(o->checkpoint, &id, o->out_path, &r->ck, &old, err);
        if (rc == BMC_OK)
            bmc_remove_stale_tmp(old.out_path, old.pid, hdf5_signature, 8);
    }
    if (rc == BMC_OK)
        rc = bmc_h5out_open(o->out_path, &r->layout[0], &meta, &r->out, err);
    const bmc_layout *layouts[BMC_MAX_RESULT_SETS];
    for (int k = 0; k < r->n_sets; k++)
        layouts[k] = &r->saved[k];
    if (rc != BMC_OK || !o->checkpoint)
        return rc;
    if (!r->ck) {
        rc = bmc_checkpoint_create(o->checkpoint, &id, o->out_path, &r->ck, err);
        r->ck_consistent = r->ck_created = rc == BMC_OK;
        return rc;
    }
    r->ck_consistent = true; /* until a replayed block fails */
    rc = bmc_checkpoint_replay_sets(r->ck, layouts, r->n_sets, sink_replayed, restore_summary,
                                    r, &r->resumed, err);
    if (rc != BMC_OK)
        r->ck_consistent = false;
    else if (bmc_summary_n(r->summary[0], BMC_SUM_ALL) != r->done)
        rc = bmc_fail(err, BMC_EIO, "checkpoint %s: its summaries count %lld scenarios, its "
                      "rows %lld", o->checkpoint,
                      (long long)bmc_summary_n(r->summary[0], BMC_SUM_ALL), (long long)r->done);
    /* the run that wrote it may have stopped right after the batch that was precise enough */
    if (rc == BMC_OK && precision_stop(o) && r->done > 0 && r->done % o->precision_batch == 0 &&
        r->done < o->scenarios)
        r->precise = precise_enough(r);
    return rc;
}

/* Scenarios of the block that starts at `first`: a whole block, the rest, or none. */
static int block_rows(const run *r, int64_t first)
{
    int64_t left = r->goal - first;
    return left <= 0 ? 0 : left < r->block ? (int)left : r->block;
}

/* Rank 0: takes its own block and the other ranks' blocks of the round, in rank order.
 * After a failure it keeps receiving (the senders must not be left waiting) but writes
 * nothing more; the failure is agreed on after the round. */
static int gather_round(run *r, int64_t round_first, bmc_err *err)
{
    int rc = BMC_OK;
    for (int k = 0; k < r->mpi.size; k++) {
        int64_t first = round_first + (int64_t)k * r->block;
        int rows = block_rows(r, first);
        if (rows == 0)
            break;
        bmc_result_block **b = r->mine;
        if (k > 0) {
            b = r->other;
            for (int s = 0; s < r->n_sets; s++) {
                bmc_result_block_reset(b[s], first);
                int mrc = bmc_mpi_recv_block(&r->mpi, b[s], rows, k, err);
                if (mrc != BMC_OK)
                    return mrc;
            }
        }
        if (rc == BMC_OK)
            rc = sink(r, (const bmc_result_block *const *)b, false, err);
    }
    return rc;
}

/* Rank 0, after each round: progress, and a durable checkpoint when one is due. */
static int after_round(run *r, bmc_err *err)
{
    bmc_progress_update(&r->progress, r->done);
    if (!r->ck)
        return BMC_OK;
    double every = r->o->checkpoint_every > 0 ? r->o->checkpoint_every
                                               : BMC_CHECKPOINT_EVERY_DEFAULT;
    double now = bmc_now_seconds();
    if (now - r->last_sync < every)
        return BMC_OK;
    r->last_sync = now;
    return save_checkpoint(r, err);
}

/* The rounds from scenario `start` to r->goal, until all are done, one rank fails or a
 * signal came (then every rank stops after the round). */
static int simulate_rounds(run *r, int64_t start, bmc_err *err)
{
    const int64_t per_round = (int64_t)r->block * r->mpi.size;
    int rc = BMC_OK;
    for (int64_t round_first = start; round_first < r->goal; round_first += per_round) {
        int64_t first = round_first + (int64_t)r->mpi.rank * r->block;
        int count = block_rows(r, first);
        if (count > 0) {
            for (int k = 0; k < r->n_sets; k++)
                bmc_result_block_reset(r->mine[k], first);
            rc = run_block(&r->w, r->o, r->mine, count, err);
        }
        bool stop = stop_signal() != 0;
        rc = bmc_mpi_agree(&r->mpi, rc, &stop, err);
        if (rc != BMC_OK)
            return rc;
        if (stop)
            return BMC_EINTERRUPTED;
        if (r->mpi.rank == 0) {
            rc = gather_round(r, round_first, err);
            if (rc == BMC_OK)
                rc = after_round(r, err);
        } else {
            for (int k = 0; k < r->n_sets && count > 0 && rc == BMC_OK; k++)
                rc = bmc_mpi_send_block(&r->mpi, r->mine[k], count, 0, err);
        }
        /* a failure on rank 0 (writing) is agreed on at the start of the next round */
        if (rc != BMC_OK)
            break;
    }
    return bmc_mpi_agree(&r->mpi, rc, NULL, err);
}

/* Where the rounds from `first` stop: the end of its batch with a precision stop. */
static int64_t goal_after(const run *r, int64_t first)
{
    const int64_t n = r->o->scenarios;
    if (!precision_stop(r->o))
        return n;
    int64_t b = r->o->precision_batch;
    int64_t end = (first / b + 1) * b;
    return end < n ? end : n;
}

/* Batch by batch (one batch of all scenarios without a precision stop); rank 0 decides after
 * each whether to go on, and every rank follows. */
static int simulate(run *r, int64_t start, bmc_err *err)
{
    const int64_t n = r->o->scenarios;
    int64_t first = start;
    while (first < n && !r->precise) {
        r->goal = goal_after(r, first);
        int rc = simulate_rounds(r, first, err);
        if (rc != BMC_OK)
            return rc;
        first = r->goal;
        if (!precision_stop(r->o))
            continue;
        uint8_t precise = r->mpi.rank == 0 && precise_enough(r);
        rc = bmc_mpi_bcast(&r->mpi, &precise, sizeof precise, err);
        if (rc != BMC_OK)
            return rc;
        r->precise = precise;
    }
    return BMC_OK;
}

/* Rank 0: the numbers printed after a run, read off the summaries that go into the file, so
 * the two cannot disagree. */
static void summarise_set(const bmc_summary *sum, int64_t *completed, int64_t *by_target,
                          int *median_day)
{
    bmc_sum_prob p;
    bmc_summary_probability(sum, BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_HORIZON, &p);
    *completed = p.count;
    bmc_summary_probability(sum, BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
    *by_target = p.count;
    bmc_sum_quantile q;
    bmc_summary_day_quantile(sum, BMC_SUM_ALL, BMC_SUM_COMPLETION, 50, &q);
    *median_day = q.day >= 0 ? q.day : -1;
}

static void summarise(const run *r, bmc_run_summary *s)
{
    summarise_set(r->summary[0], &s->completed, &s->by_target, &s->median_day);
    s->n_variants = r->n_sets - 1;
    for (int k = 1; k < r->n_sets; k++) {
        summarise_set(r->summary[k], &s->variant[k - 1].completed,
                      &s->variant[k - 1].by_target, &s->variant[k - 1].median_day);
        bmc_paired_counts c;
        bmc_paired_get_counts(r->paired[k], &c);
        s->variant[k - 1].later = c.later;
    }
}

/* Rank 0: the output is complete (commit it, drop the checkpoint) or not (remove it, keep
 * the checkpoint, synced). */
static int finish_output(run *r, int rc, bmc_err *err)
{
    bmc_err ignored;
    if (rc == BMC_OK && precision_stop(r->o)) {
        if (!r->precise)
            precise_enough(r); /* the half-width at the cap */
        bmc_h5_precision p = {.goal = r->o->precision, .batch = r->o->precision_batch,
                              .max_scenarios = r->o->scenarios, .half_width = r->half_width,
                              .reached = r->precise};
        rc = bmc_h5out_set_scenarios(r->out, r->done, err);
        if (rc == BMC_OK)
            rc = bmc_h5out_write_precision(r->out, &p, err);
    }
    if (rc == BMC_OK)
        rc = bmc_h5out_write_summary(r->out, "summary", r->summary[0], err);
    for (int k = 1; k < r->n_sets && rc == BMC_OK; k++) {
        char name[BMC_NAME_LEN + 32];
        snprintf(name, sizeof name, "variants/%s/summary", r->o->variants[k - 1].name);
        rc = bmc_h5out_write_summary(r->out, name, r->summary[k], err);
        if (rc == BMC_OK)
            rc = bmc_h5out_write_paired(r->out, k - 1, r->paired[k], err);
    }
    if (rc == BMC_OK) {
        rc = bmc_h5out_commit(r->out, err); /* removes the temporary file when it fails */
        r->out = NULL;
        if (rc == BMC_OK) {
            /* once the output is complete a checkpoint that cannot be removed is only
             * clutter: resuming it would write the same file again */
            bmc_checkpoint_close(r->ck, true, &ignored);
            r->ck = NULL;
            return rc;
        }
    } else {
        bmc_h5out_abort(r->out);
        r->out = NULL;
    }
    if (!r->ck)
        return rc;
    int64_t saved = bmc_checkpoint_rows(r->ck);
    /* a checkpoint this run created that holds nothing is of no use to a resume */
    if (saved == 0 && r->ck_created) {
        bmc_checkpoint_close(r->ck, true, &ignored);
        r->ck = NULL;
        return rc;
    }
    /* every row reached the checkpoint: with a final snapshot a resume redoes nothing */
    int src = save_checkpoint(r, &ignored);
    int crc = bmc_checkpoint_close(r->ck, false, &ignored);
    r->ck = NULL;
    bool kept = src == BMC_OK && crc == BMC_OK;
    if (rc == BMC_EINTERRUPTED && kept)
        return bmc_fail(err, BMC_ESAVED,
                        "stopped by a signal after %lld of %s%lld scenarios; checkpoint %s "
                        "holds them: continue with --resume %s",
                        (long long)saved, precision_stop(r->o) ? "at most " : "",
                        (long long)r->o->scenarios, r->o->checkpoint, r->o->checkpoint);
    if (rc == BMC_EIO && kept && saved > 0) {
        char why[BMC_ERR_LEN];
        snprintf(why, sizeof why, "%s", err->msg);
        return bmc_fail(err, rc, "%.900s; checkpoint %s keeps the scenarios done: continue "
                        "with --resume %s once there is room", why, r->o->checkpoint,
                        r->o->checkpoint);
    }
    return rc;
}

static void run_free(run *r)
{
    workers_free(&r->w);
    for (int k = 0; k < BMC_MAX_RESULT_SETS; k++) {
        bmc_result_block_free(r->mine[k]);
        bmc_result_block_free(r->other[k]);
        bmc_summary_free(r->summary[k]);
        bmc_paired_free(r->paired[k]);
    }
    bmc_h5out_abort(r->out);
    bmc_err ignored;
    bmc_checkpoint_close(r->ck, false, &ignored);
    bmc_mpi_close(&r->mpi);
}

/* The shape of the run: layout, threads, block size. Nothing to fail, nothing collective. */
static void plan(run *r)
{
    r->n_sets = 1 + r->o->n_variants;
    r->models[0] = r->m;
    for (int v = 0; v < r->o->n_variants; v++)
        r->models[1 + v] = r->o->variants[v].m;
    /* the monthly values feed the fan charts of /summary in every run; the file and the
     * checkpoint keep them per scenario only with --trajectories */
    for (int k = 0; k < r->n_sets; k++) {
        bmc_model_layout(r->models[k], true, &r->layout[k]);
        r->saved[k] = r->layout[k];
        r->saved[k].trajectories = r->o->trajectories;
    }
    r->threads = r->o->threads > 0 ? r->o->threads : bmc_mpi_default_threads();
    r->block = block_size(r->o, &r->layout[0], r->n_sets, r->mpi.size);
}

static int setup(run *r, bmc_err *err)
{
    const bmc_model *m = r->m;
    const bmc_run_options *o = r->o;
    if (o->scenarios < 1)
        return bmc_fail(err, BMC_EUSAGE, "the number of scenarios must be at least 1");
    if (o->precision < 0 || o->precision >= 0.5 || (o->precision > 0 && o->precision_batch < 1))
        return bmc_fail(err, BMC_EUSAGE,
                        "a precision stop needs a half-width in (0, 0.5) and batches of at "
                        "least 1 scenario (got %g and %lld)",
                        o->precision, (long long)o->precision_batch);
    if (o->resume && !o->checkpoint)
        return bmc_fail(err, BMC_EUSAGE, "resuming needs the checkpoint file");
    if (o->n_variants < 0 || o->n_variants > BMC_MAX_VARIANTS ||
        (o->n_variants > 0 && !o->variants))
        return bmc_fail(err, BMC_EINTERNAL, "%d variants", o->n_variants);
    bool need_other = r->mpi.rank == 0 && r->mpi.size > 1;
    for (int k = 0; k < r->n_sets; k++) {
        if (r->models[k]->ndays != m->ndays || r->models[k]->target_day != m->target_day)
            return bmc_fail(err, BMC_EINTERNAL, "variant %s simulates another period",
                            o->variants[k - 1].name);
        r->mine[k] = bmc_result_block_alloc(&r->layout[k], r->block);
        if (need_other)
            r->other[k] = bmc_result_block_alloc(&r->layout[k], r->block);
        if (!r->mine[k] || (need_other && !r->other[k]))
            return bmc_fail(err, BMC_ENOMEM, "out of memory for a block of %d scenarios",
                            r->block);
    }
    int rc = workers_create(r->models, r->n_sets, r->threads, &r->w, err);
    if (rc == BMC_OK && r->mpi.rank == 0)
        rc = open_output(r, err);
    return rc;
}

/* Every rank must follow the same schedule of blocks (else rank 0 would wait for blocks
 * that never come): the same scenarios, block size and output layout; and it must simulate
 * the same scenarios: the same seed and configuration. */
static int check_ranks_agree(const run *r, bmc_err *err)
{
    bmc_run_identity id;
    run_identity(r, &id);
    const int64_t mine[] = {r->o->scenarios, (int64_t)r->o->seed, r->block,
                            (int64_t)id.config_hash, (int64_t)id.layout_hash};
    if (bmc_mpi_same(&r->mpi, mine, (int)(sizeof mine / sizeof mine[0])))
        return BMC_OK;
    return bmc_fail(err, BMC_EUSAGE,
                    "the MPI ranks were given different runs (scenarios, seed, block size or "
                    "configuration): start every rank with the same arguments and files");
}

int bmc_run(const bmc_model *m, const bmc_run_options *o, bmc_run_summary *summary,
            bmc_err *err)
{
    run r = {.m = m, .o = o};
    int rc = bmc_mpi_open(&r.mpi, err);
    if (rc != BMC_OK)
        return rc;
    /* from before the output exists: a signal in between must not kill us */
    saved_signals old_actions;
    catch_signals(&old_actions);
    plan(&r);
    rc = check_ranks_agree(&r, err); /* the same result on every rank */
    if (rc == BMC_OK)
        rc = bmc_mpi_agree(&r.mpi, setup(&r, err), NULL, err);
    /* where to start: after the rows rank 0 took from the checkpoint */
    int64_t resume_at[2] = {r.done, r.precise};
    if (rc == BMC_OK)
        rc = bmc_mpi_agree(&r.mpi, bmc_mpi_bcast(&r.mpi, resume_at, sizeof resume_at, err), NULL,
                           err);
    int64_t start = resume_at[0];
    r.precise = resume_at[1] != 0;

    double t0 = bmc_now_seconds();
    if (r.mpi.rank == 0) {
        bmc_progress_begin(&r.progress, stderr, o->quiet, o->progress_every, o->scenarios,
                           start);
        r.last_sync = t0;
    }
    if (rc == BMC_OK)
        rc = simulate(&r, start, err);
    if (rc == BMC_EINTERRUPTED)
        bmc_fail(err, BMC_EINTERRUPTED,
                 "stopped by a signal after %lld of %s%lld scenarios; no output written",
                 (long long)r.done, precision_stop(o) ? "at most " : "",
                 (long long)o->scenarios);
    if (r.mpi.rank == 0) {
        bmc_progress_end(&r.progress, r.done);
        rc = finish_output(&r, rc, err);
    }
    restore_signals(&old_actions);
    /* rank 0's commit is the last thing that can fail */
    rc = bmc_mpi_agree(&r.mpi, rc, NULL, err);

    if (rc == BMC_OK && summary) {
        bmc_run_summary s = {.scenarios = o->scenarios, .threads = r.threads,
                             .ranks = r.mpi.size, .resumed = r.resumed};
        if (r.mpi.rank == 0) {
            s.scenarios = r.done;
            s.precision_reached = r.precise;
            s.half_width = r.half_width;
            summarise(&r, &s);
            s.seconds = bmc_now_seconds() - t0;
        }
        rc = bmc_mpi_bcast(&r.mpi, &s, sizeof s, err);
        *summary = s;
    }
    run_free(&r);
    return rc;
}
