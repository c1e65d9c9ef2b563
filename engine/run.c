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
#include "progress.h"
#include "scenario.h"
#include "summary.h"

#define DEFAULT_BLOCK 4096
/* trajectory rows are long: a block of them stays under this many bytes */
#define TRAJ_BLOCK_BYTES (64u << 20)

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

/* SIGINT, SIGTERM and SIGUSR1 (Open MPI's mpirun forwards SIGUSR1 to every rank, SIGTERM it
 * does not) stop the run after the round. A SIGINT ignored by whoever started us (a
 * background job of a script) stays ignored. */
static const int STOP_SIGNALS[] = {SIGINT, SIGTERM, SIGUSR1};
#define N_STOP_SIGNALS (sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0])

static void catch_signals(struct sigaction *old)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    atomic_store(&stop_requested, 0);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) {
        sigaction(STOP_SIGNALS[i], NULL, &old[i]);
        if (STOP_SIGNALS[i] != SIGINT || old[i].sa_handler != SIG_IGN)
            sigaction(STOP_SIGNALS[i], &sa, NULL);
    }
}

static void restore_signals(const struct sigaction *old)
{
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(STOP_SIGNALS[i], &old[i], NULL);
}

typedef struct workers {
    int n;
    bmc_sim **sim;
} workers;

static void workers_free(workers *w)
{
    for (int i = 0; i < w->n; i++)
        bmc_sim_free(w->sim[i]);
    free(w->sim);
    w->sim = NULL;
    w->n = 0;
}

static int workers_create(const bmc_model *m, int n, workers *w, bmc_err *err)
{
    w->n = 0;
    w->sim = calloc((size_t)n, sizeof *w->sim);
    if (!w->sim)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %d workers", n);
    for (; w->n < n; w->n++) {
        int rc = bmc_sim_create(m, &w->sim[w->n], err);
        if (rc != BMC_OK) {
            workers_free(w);
            return rc;
        }
    }
    return BMC_OK;
}

/* Runs the scenarios of one block; on failure the error of the lowest failing scenario is
 * reported, so the message does not depend on thread timing either. */
static int run_block(workers *w, const bmc_run_options *o, bmc_result_block *b, int count,
                     bmc_err *err)
{
    int64_t first_bad = -1;
    int bad_rc = BMC_OK;
#pragma omp parallel num_threads(w->n)
    {
        bmc_sim *sim = w->sim[omp_get_thread_num()];
        bmc_err local;
#pragma omp for schedule(dynamic, 8)
        for (int i = 0; i < count; i++) {
            if (stop_signal())
                continue;
            int64_t sc = b->first_scenario + i;
            int rc = bmc_sim_run(sim, o->seed, sc, o->check_invariants, b, i, &local);
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
    b->count = count;
    return bad_rc;
}

/* Everything one run holds. Rank 0 alone has the output side (out, checkpoint, histogram,
 * progress). */
typedef struct run {
    const bmc_model *m;
    const bmc_run_options *o;
    bmc_mpi mpi;
    bmc_layout layout;
    workers w;
    int threads;
    int block;               /* scenarios per rank and round */
    bmc_result_block *mine;  /* this rank's block */
    bmc_result_block *other; /* rank 0: a block received from another rank */
    bmc_h5out *out;
    bmc_checkpoint *ck;
    bmc_summary *summary;    /* across scenarios, written to the output as /summary */
    int64_t *hist;           /* completion days, [ndays] = not by the horizon */
    int64_t done;            /* scenarios in the output so far */
    int64_t resumed;
    double last_sync;
    bmc_progress progress;
} run;

static void count_completions(const bmc_result_block *b, int64_t *hist, int ndays)
{
    for (int i = 0; i < b->count; i++) {
        int d = b->completion_day[i];
        hist[d < 0 || d >= ndays ? ndays : d]++;
    }
}

/* Rank 0: a finished block, next in scenario order, goes to the output, the summary and
 * the checkpoint (blocks replayed from the checkpoint are there already). */
static int sink(run *r, const bmc_result_block *b, bool save, bmc_err *err)
{
    int rc = bmc_h5out_append(r->out, b, err);
    if (rc == BMC_OK)
        rc = bmc_summary_add_block(r->summary, b, err);
    if (rc == BMC_OK && save && r->ck)
        rc = bmc_checkpoint_append(r->ck, b, err);
    if (rc == BMC_OK) {
        count_completions(b, r->hist, r->m->ndays);
        r->done += b->count;
    }
    return rc;
}

static int sink_replayed(void *ctx, const bmc_result_block *b, bmc_err *err)
{
    return sink(ctx, b, false, err);
}

/* Scenarios per rank and round: every rank gets work even in a small run. */
static int block_size(const bmc_run_options *o, const bmc_layout *l, int ranks)
{
    int64_t block = o->block_size > 0 ? o->block_size : DEFAULT_BLOCK;
    int64_t share = (o->scenarios + ranks - 1) / ranks;
    if (block > share)
        block = share;
    if (l->trajectories) {
        size_t row = sizeof(double) * (size_t)l->n_months *
                     (BMC_TRAJ_COUNT + (size_t)BMC_TRAJ_CAT_COUNT * (size_t)l->n_categories);
        int64_t fit = row > 0 ? (int64_t)(TRAJ_BLOCK_BYTES / row) : block;
        if (o->block_size <= 0 && block > fit)
            block = fit;
    }
    return block > 0 ? (int)block : 1;
}

/* The temporary output of a process killed mid-run is garbage once its run is resumed. */
static void remove_stale_output(const char *out_path, long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return;
    char tmp[4096 + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out_path, pid);
    unlink(tmp);
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
        .cal = m->cal,
        .target_date = m->p.target_date,
        .pact_date = m->p.pact_date,
    };
    bmc_run_identity id;
    bmc_run_identity_make(&r->layout, o->seed, o->scenarios, o->config_text, &id);
    long old_pid = 0;
    int rc = bmc_summary_create(&r->layout, m->ndays, m->target_day,
                                bmc_calendar_date(m->cal, 0), &r->summary, err);
    if (rc == BMC_OK && o->checkpoint && o->resume) {
        rc = bmc_checkpoint_open(o->checkpoint, &id, &r->ck, &old_pid, err);
        if (rc == BMC_OK)
            remove_stale_output(o->out_path, old_pid);
    }
    if (rc == BMC_OK)
        rc = bmc_h5out_open(o->out_path, &r->layout, &meta, &r->out, err);
    if (rc == BMC_OK && r->ck)
        rc = bmc_checkpoint_replay(r->ck, &r->layout, sink_replayed, r, &r->resumed, err);
    else if (rc == BMC_OK && o->checkpoint)
        rc = bmc_checkpoint_create(o->checkpoint, &id, &r->ck, err);
    return rc;
}

/* Scenarios of the block that starts at `first`: a whole block, the rest, or none. */
static int block_rows(const run *r, int64_t first)
{
    int64_t left = r->o->scenarios - first;
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
        bmc_result_block *b = r->mine;
        if (k > 0) {
            b = r->other;
            bmc_result_block_reset(b, first);
            int mrc = bmc_mpi_recv_block(&r->mpi, b, rows, k, err);
            if (mrc != BMC_OK)
                return mrc;
        }
        if (rc == BMC_OK)
            rc = sink(r, b, true, err);
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
    return bmc_checkpoint_sync(r->ck, err);
}

/* The rounds from scenario `start` on, until all are done, one rank fails or a signal
 * came (then every rank stops after the round). */
static int simulate(run *r, int64_t start, bmc_err *err)
{
    const int64_t n = r->o->scenarios;
    const int64_t per_round = (int64_t)r->block * r->mpi.size;
    int rc = BMC_OK;
    for (int64_t round_first = start; round_first < n; round_first += per_round) {
        int64_t first = round_first + (int64_t)r->mpi.rank * r->block;
        int count = block_rows(r, first);
        if (count > 0) {
            bmc_result_block_reset(r->mine, first);
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
        } else if (count > 0) {
            rc = bmc_mpi_send_block(&r->mpi, r->mine, count, 0, err);
        }
        /* a failure on rank 0 (writing) is agreed on at the start of the next round */
        if (rc != BMC_OK)
            break;
    }
    return bmc_mpi_agree(&r->mpi, rc, NULL, err);
}

static void summarise(const bmc_model *m, const int64_t *hist, bmc_run_summary *s)
{
    int64_t cum = 0;
    s->completed = s->by_target = 0;
    s->median_day = -1;
    for (int d = 0; d < m->ndays; d++) {
        cum += hist[d];
        if (d <= m->target_day)
            s->by_target = cum;
        if (s->median_day < 0 && 2 * cum >= s->scenarios)
            s->median_day = d;
    }
    s->completed = cum;
}

/* Rank 0: the output is complete (commit it, drop the checkpoint) or not (remove it, keep
 * the checkpoint, synced). */
static int finish_output(run *r, int rc, bmc_err *err)
{
    bmc_err ignored;
    if (rc == BMC_OK)
        rc = bmc_h5out_write_summary(r->out, "summary", r->summary, err);
    if (rc == BMC_OK) {
        rc = bmc_h5out_commit(r->out, err);
        r->out = NULL;
        /* once the output is complete a checkpoint that cannot be removed is only clutter:
         * resuming it would write the same file again */
        bmc_checkpoint_close(r->ck, rc == BMC_OK, &ignored);
        r->ck = NULL;
        return rc;
    }
    bmc_h5out_abort(r->out);
    r->out = NULL;
    if (!r->ck)
        return rc;
    int64_t saved = bmc_checkpoint_rows(r->ck);
    int src = bmc_checkpoint_sync(r->ck, &ignored);
    int crc = bmc_checkpoint_close(r->ck, false, &ignored);
    r->ck = NULL;
    if (rc == BMC_EINTERRUPTED && src == BMC_OK && crc == BMC_OK)
        return bmc_fail(err, BMC_ESAVED,
                        "stopped by a signal after %lld of %lld scenarios; checkpoint %s holds "
                        "them: continue with --resume %s",
                        (long long)saved, (long long)r->o->scenarios, r->o->checkpoint,
                        r->o->checkpoint);
    return rc;
}

static void run_free(run *r)
{
    workers_free(&r->w);
    bmc_result_block_free(r->mine);
    bmc_result_block_free(r->other);
    bmc_h5out_abort(r->out);
    bmc_err ignored;
    bmc_checkpoint_close(r->ck, false, &ignored);
    bmc_summary_free(r->summary);
    free(r->hist);
    bmc_mpi_close(&r->mpi);
}

/* The shape of the run: layout, threads, block size. Nothing to fail, nothing collective. */
static void plan(run *r)
{
    bmc_model_layout(r->m, r->o->trajectories, &r->layout);
    r->threads = r->o->threads > 0 ? r->o->threads : bmc_mpi_default_threads();
    r->block = block_size(r->o, &r->layout, r->mpi.size);
}

static int setup(run *r, bmc_err *err)
{
    const bmc_model *m = r->m;
    const bmc_run_options *o = r->o;
    if (o->scenarios < 1)
        return bmc_fail(err, BMC_EUSAGE, "the number of scenarios must be at least 1");
    if (o->resume && !o->checkpoint)
        return bmc_fail(err, BMC_EUSAGE, "resuming needs the checkpoint file");
    /* the finished run deletes its checkpoint: it must not be the output */
    if (o->checkpoint && !strcmp(o->checkpoint, o->out_path))
        return bmc_fail(err, BMC_EUSAGE, "the checkpoint %s cannot also be the output file",
                        o->checkpoint);
    r->mine = bmc_result_block_alloc(&r->layout, r->block);
    if (r->mpi.rank == 0 && r->mpi.size > 1)
        r->other = bmc_result_block_alloc(&r->layout, r->block);
    r->hist = calloc((size_t)m->ndays + 1, sizeof *r->hist);
    if (!r->mine || !r->hist || (r->mpi.rank == 0 && r->mpi.size > 1 && !r->other))
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a block of %d scenarios",
                        r->block);
    int rc = workers_create(m, r->threads, &r->w, err);
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
    bmc_run_identity_make(&r->layout, r->o->seed, r->o->scenarios, r->o->config_text, &id);
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
    struct sigaction old_actions[N_STOP_SIGNALS];
    catch_signals(old_actions);
    plan(&r);
    rc = check_ranks_agree(&r, err); /* the same result on every rank */
    if (rc == BMC_OK)
        rc = bmc_mpi_agree(&r.mpi, setup(&r, err), NULL, err);
    /* where to start: after the rows rank 0 took from the checkpoint */
    int64_t start = r.done;
    if (rc == BMC_OK)
        rc = bmc_mpi_agree(&r.mpi, bmc_mpi_bcast(&r.mpi, &start, sizeof start, err), NULL, err);

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
                 "stopped by a signal after %lld of %lld scenarios; no output written",
                 (long long)r.done, (long long)o->scenarios);
    if (r.mpi.rank == 0) {
        bmc_progress_end(&r.progress, r.done);
        rc = finish_output(&r, rc, err);
    }
    restore_signals(old_actions);
    /* rank 0's commit is the last thing that can fail */
    rc = bmc_mpi_agree(&r.mpi, rc, NULL, err);

    if (rc == BMC_OK && summary) {
        bmc_run_summary s = {.scenarios = o->scenarios, .threads = r.threads,
                             .ranks = r.mpi.size, .resumed = r.resumed};
        if (r.mpi.rank == 0) {
            summarise(m, r.hist, &s);
            s.seconds = bmc_now_seconds() - t0;
        }
        rc = bmc_mpi_bcast(&r.mpi, &s, sizeof s, err);
        *summary = s;
    }
    run_free(&r);
    return rc;
}
