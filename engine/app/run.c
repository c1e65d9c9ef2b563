#include "run.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block_columns.h"
#include "mpi_env.h"
#include "run_internal.h"
#include "run_schedule.h"
#include "run_signals.h"
#include "stats.h"

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
            if (bmc_signals_stop())
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

bool run_precision_stop(const bmc_run_options *o)
{
    return o->precision > 0;
}

double run_half_width(int64_t count, int64_t n)
{
    double lo, hi;
    bmc_stats_wilson(count, n, BMC_CONFIDENCE, &lo, &hi);
    return (hi - lo) / 2;
}

/* Collective, after each batch of a precision stop: is P(complete by target) known well
 * enough on the scenarios so far? The same answer on every rank, from the sums of the
 * ranks' counts. */
static int decide_precision(run *r, bmc_err *err)
{
    bmc_sum_prob p;
    bmc_summary_probability(r->summary[0], BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
    int64_t v[2] = {p.count, p.n};
    double t = bmc_now_seconds();
    int rc = bmc_mpi_sum_all(&r->mpi, v, 2, err);
    r->times.mpi += bmc_now_seconds() - t;
    r->half_width = run_half_width(v[0], v[1]);
    r->precise = r->half_width <= r->o->precision;
    return rc;
}

/* Collective: every rank's summaries and paired comparisons added into rank 0's (the others
 * start again from zero). *all_whole: every rank's summaries held exactly its blocks. */
static int merge_to_root(run *r, bool *all_whole, bmc_err *err)
{
    double t = bmc_now_seconds();
    int64_t broken = !r->whole;
    int rc = bmc_mpi_sum_to_root(&r->mpi, &broken, 1, err);
    for (int k = 0; k < r->n_sets && rc == BMC_OK; k++) {
        size_t n;
        int64_t *counts = bmc_summary_counts(r->summary[k], &n);
        rc = bmc_mpi_sum_to_root(&r->mpi, counts, n, err);
        r->times.bytes_sent += r->mpi.rank > 0 ? (int64_t)(n * sizeof *counts) : 0;
        if (rc != BMC_OK || k == 0)
            continue;
        counts = bmc_paired_state(r->paired[k], &n);
        rc = bmc_mpi_sum_to_root(&r->mpi, counts, n, err);
        r->times.bytes_sent += r->mpi.rank > 0 ? (int64_t)(n * sizeof *counts) : 0;
    }
    *all_whole = broken == 0;
    r->times.mpi += bmc_now_seconds() - t;
    return rc;
}

/* This rank's block of a round agreed on, to its summaries and paired comparisons. */
static int summarise_block(run *r, bmc_err *err)
{
    double t = bmc_now_seconds();
    int rc = BMC_OK;
    for (int k = 0; k < r->n_sets && rc == BMC_OK; k++)
        rc = bmc_summary_add_block(r->summary[k], r->mine[k], err);
    for (int k = 1; k < r->n_sets && rc == BMC_OK; k++)
        rc = bmc_paired_add(r->paired[k], r->mine[0], r->mine[k], err);
    r->whole = r->whole && rc == BMC_OK;
    r->times.summarise += bmc_now_seconds() - t;
    return rc;
}

/* Rank 0's blocks for a block from rank k (k >= 1) of a round. */
static bmc_result_block **slot_of(run *r, int k)
{
    return &r->received[(size_t)((k - 1) % r->slots) * BMC_MAX_RESULT_SETS];
}

/* Rank 0: its own block and the other ranks' blocks of the round, in scenario order, to the
 * output. It receives as many blocks as it has room for before it writes, so that the
 * senders go on simulating. After a failure it keeps receiving (the senders must not be
 * left waiting) but writes nothing more; the failure is agreed on after the round. */
static int gather_round(run *r, int64_t round_first, int64_t left, bmc_err *err)
{
    double t = bmc_now_seconds();
    const int size = r->mpi.size;
    int rc = BMC_OK, next = 1; /* the next rank to receive from */
    for (int k = 0; k < size; k++) {
        /* room: the slots, less the one of block k until it is written */
        int ahead = k == 0 ? r->slots : k + r->slots - 1;
        for (; next < size && next <= ahead; next++) {
            int64_t offset;
            int rows;
            bmc_round_part(left, size, r->block, r->deficit, next, &offset, &rows);
            bmc_result_block **b = slot_of(r, next);
            for (int s = 0; s < r->n_sets && rows > 0; s++) {
                bmc_result_block_reset(b[s], round_first + offset);
                int mrc = bmc_mpi_recv_block(&r->mpi, b[s], rows, next, err);
                if (mrc != BMC_OK)
                    return mrc;
            }
        }
        int64_t offset;
        int rows;
        bmc_round_part(left, size, r->block, r->deficit, k, &offset, &rows);
        if (rows == 0 || rc != BMC_OK)
            continue;
        double w = bmc_now_seconds();
        rc = run_write_blocks(r, (const bmc_result_block *const *)(k == 0 ? r->mine
                                                                          : slot_of(r, k)),
                              err);
        r->writing += bmc_now_seconds() - w;
    }
    r->times.output += bmc_now_seconds() - t;
    return rc;
}

/* A rank other than 0: its block of the round to rank 0, as the output keeps it (the
 * monthly values only with --trajectories: the summaries have taken them). */
static int send_block(run *r, int count, bmc_err *err)
{
    double t = bmc_now_seconds();
    int rc = BMC_OK;
    for (int k = 0; k < r->n_sets && count > 0 && rc == BMC_OK; k++) {
        bmc_result_block view = *r->mine[k];
        view.layout = &r->saved[k];
        rc = bmc_mpi_send_block(&r->mpi, &view, count, 0, err);
        r->times.bytes_sent += (int64_t)bmc_block_bytes(&view, count);
    }
    r->times.mpi += bmc_now_seconds() - t;
    return rc;
}

/* Rank 0, before each agreement: its deficit in the next round, from what simulating and
 * writing took so far, and whether a durable checkpoint follows this round. */
enum { PLAN_DEFICIT, PLAN_SNAPSHOT };

static void plan_next(run *r, int64_t plan[BMC_MPI_PLAN])
{
    double sim = r->times.scenarios > 0 ? r->times.simulate / (double)r->times.scenarios : 0;
    double out = r->written > 0 ? r->writing / (double)r->written : 0;
    plan[PLAN_DEFICIT] = bmc_round_deficit(r->mpi.size, r->block, sim, out);
    plan[PLAN_SNAPSHOT] = 0;
    if (!r->ck)
        return;
    double every = r->o->checkpoint_every > 0 ? r->o->checkpoint_every
                                               : BMC_CHECKPOINT_EVERY_DEFAULT;
    double now = bmc_now_seconds();
    if (now - r->last_sync >= every) {
        r->last_sync = now;
        plan[PLAN_SNAPSHOT] = 1;
    }
}

/* After the round: the merged summaries into a checkpoint snapshot, synced. */
static int snapshot(run *r, int rc, bmc_err *err)
{
    bool all_whole;
    bmc_err merge_err;
    int mrc = merge_to_root(r, &all_whole, &merge_err);
    if (rc != BMC_OK)
        return rc;
    if (mrc != BMC_OK) {
        *err = merge_err;
        return mrc;
    }
    if (r->mpi.rank != 0)
        return BMC_OK;
    double t = bmc_now_seconds();
    rc = run_save_checkpoint(r, all_whole, err);
    r->times.output += bmc_now_seconds() - t;
    return rc;
}

/* The rounds from scenario `start` to r->goal, until all are done, one rank fails or a
 * signal came (then every rank stops after the round). */
static int simulate_rounds(run *r, int64_t start, bmc_err *err)
{
    const int rank = r->mpi.rank, size = r->mpi.size;
    int rc = BMC_OK;
    for (int64_t round_first = start; round_first < r->goal;) {
        const int64_t left = r->goal - round_first;
        int64_t offset;
        int count;
        bmc_round_part(left, size, r->block, r->deficit, rank, &offset, &count);
        double t = bmc_now_seconds();
        if (count > 0) {
            for (int k = 0; k < r->n_sets; k++)
                bmc_result_block_reset(r->mine[k], round_first + offset);
            rc = run_block(&r->w, r->o, r->mine, count, err);
            r->times.scenarios += count;
            r->times.simulate += bmc_now_seconds() - t;
        }
        bool stop = bmc_signals_stop() != 0;
        int64_t plan[BMC_MPI_PLAN] = {0, 0};
        if (rank == 0)
            plan_next(r, plan);
        t = bmc_now_seconds();
        rc = bmc_mpi_agree_plan(&r->mpi, rc, &stop, plan, err);
        r->times.mpi += bmc_now_seconds() - t;
        if (rc != BMC_OK)
            return rc;
        if (stop)
            return BMC_EINTERRUPTED;
        /* the round is agreed on: every rank summarises its block, rank 0 writes them all */
        if (count > 0)
            rc = summarise_block(r, err);
        int src = rank == 0 ? gather_round(r, round_first, left, err) : send_block(r, count, err);
        rc = rc != BMC_OK ? rc : src;
        if (plan[PLAN_SNAPSHOT])
            rc = snapshot(r, rc, err);
        if (rank == 0)
            bmc_progress_update(&r->progress, r->done);
        round_first += bmc_round_rows(left, size, r->block, r->deficit);
        r->deficit = (int)plan[PLAN_DEFICIT];
        /* a failure here is agreed on at the start of the next round */
        if (rc != BMC_OK)
            break;
    }
    double t = bmc_now_seconds();
    rc = bmc_mpi_agree(&r->mpi, rc, NULL, err);
    r->times.mpi += bmc_now_seconds() - t;
    return rc;
}

/* Where the rounds from `first` stop: the end of its batch with a precision stop. */
static int64_t goal_after(const run *r, int64_t first)
{
    const int64_t n = r->o->scenarios;
    if (!run_precision_stop(r->o))
        return n;
    int64_t b = r->o->precision_batch;
    int64_t end = (first / b + 1) * b;
    return end < n ? end : n;
}

/* Batch by batch (one batch of all scenarios without a precision stop); after each the
 * ranks decide together whether to go on. */
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
        if (run_precision_stop(r->o) && (rc = decide_precision(r, err)) != BMC_OK)
            return rc;
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

static void run_free(run *r)
{
    workers_free(&r->w);
    for (int k = 0; k < BMC_MAX_RESULT_SETS; k++) {
        bmc_result_block_free(r->mine[k]);
        bmc_summary_free(r->summary[k]);
        bmc_paired_free(r->paired[k]);
    }
    for (int i = 0; r->received && i < r->slots * BMC_MAX_RESULT_SETS; i++)
        bmc_result_block_free(r->received[i]);
    free(r->received);
    bmc_h5out_abort(r->out);
    bmc_err ignored;
    bmc_checkpoint_close(r->ck, false, &ignored);
    bmc_mpi_close(&r->mpi);
}

/* The shape of the run: layout, threads, block size. Nothing to fail, nothing collective. */
static void plan(run *r)
{
    const bmc_run_options *o = r->o;
    r->n_sets = 1 + o->n_variants;
    r->models[0] = r->m;
    for (int v = 0; v < o->n_variants; v++)
        r->models[1 + v] = o->variants[v].m;
    /* the monthly values feed the fan charts of /summary in every run; the file and the
     * checkpoint keep them per scenario only with --trajectories */
    for (int k = 0; k < r->n_sets; k++) {
        bmc_model_layout(r->models[k], true, &r->layout[k]);
        r->saved[k] = r->layout[k];
        r->saved[k].trajectories = o->trajectories;
    }
    r->threads = o->threads > 0 ? o->threads : bmc_mpi_default_threads();
    const bmc_layout *l = &r->layout[0];
    size_t traj_row = sizeof(double) * (size_t)l->n_months * (size_t)r->n_sets *
                      (BMC_TRAJ_COUNT + (size_t)BMC_TRAJ_CAT_COUNT * (size_t)l->n_categories);
    int64_t span = o->precision > 0 && o->precision_batch < o->scenarios ? o->precision_batch
                                                                        : o->scenarios;
    r->block = bmc_block_size(o->block_size, span, r->mpi.size, l->trajectories, traj_row);
}

/* Every rank's summaries and blocks; rank 0's room for received blocks, which hold what the
 * output keeps. */
static int allocate(run *r, bmc_err *err)
{
    const bmc_model *m = r->m;
    size_t block_bytes = 0;
    for (int k = 0; k < r->n_sets; k++) {
        if (r->models[k]->ndays != m->ndays || r->models[k]->target_day != m->target_day)
            return bmc_fail(err, BMC_EINTERNAL, "variant %s simulates another period",
                            r->o->variants[k - 1].name);
        r->mine[k] = bmc_result_block_alloc(&r->layout[k], r->block);
        if (!r->mine[k])
            return bmc_fail(err, BMC_ENOMEM, "out of memory for a block of %d scenarios",
                            r->block);
        bmc_result_block view = *r->mine[k];
        view.layout = &r->saved[k];
        block_bytes += bmc_block_bytes(&view, r->block);
        BMC_TRY(bmc_summary_create(&r->layout[k], m->ndays, m->target_day,
                                   bmc_calendar_date(m->cal, 0), &r->summary[k], err));
        if (k > 0)
            BMC_TRY(bmc_paired_create(m->ndays, m->target_day, &r->paired[k], err));
    }
    if (r->mpi.rank != 0 || r->mpi.size < 2)
        return BMC_OK;
    r->slots = bmc_receive_slots(r->mpi.size, block_bytes);
    r->received = calloc((size_t)r->slots * BMC_MAX_RESULT_SETS, sizeof *r->received);
    if (!r->received)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %d received blocks", r->slots);
    for (int i = 0; i < r->slots; i++)
        for (int k = 0; k < r->n_sets; k++) {
            bmc_result_block **b = &r->received[(size_t)i * BMC_MAX_RESULT_SETS + (size_t)k];
            if (!(*b = bmc_result_block_alloc(&r->saved[k], r->block)))
                return bmc_fail(err, BMC_ENOMEM, "out of memory for %d received blocks of %d "
                                "scenarios", r->slots, r->block);
        }
    return BMC_OK;
}

static int setup(run *r, bmc_err *err)
{
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
    int rc = allocate(r, err);
    if (rc == BMC_OK)
        rc = workers_create(r->models, r->n_sets, r->threads, &r->w, err);
    if (rc == BMC_OK && r->mpi.rank == 0) {
        double t = bmc_now_seconds();
        rc = run_open_output(r, err);
        r->times.output += bmc_now_seconds() - t;
    }
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
                            (int64_t)id.config_hash, (int64_t)id.layout_hash, r->o->timing};
    if (bmc_mpi_same(&r->mpi, mine, (int)(sizeof mine / sizeof mine[0])))
        return BMC_OK;
    return bmc_fail(err, BMC_EUSAGE,
                    "the MPI ranks were given different runs (scenarios, seed, block size, "
                    "--timing or configuration): start every rank with the same arguments and "
                    "files");
}

/* Rank 0 prints where every rank's time went (--timing). */
static int report_times(const run *r, bmc_err *err)
{
    bmc_rank_times *all = NULL;
    if (r->mpi.rank == 0 && !(all = calloc((size_t)r->mpi.size, sizeof *all)))
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the times of %d ranks",
                        r->mpi.size);
    int rc = bmc_mpi_gather(&r->mpi, &r->times, sizeof r->times, all, err);
    if (rc == BMC_OK && all) {
        fprintf(stderr, "timing: %4s %10s %10s %10s %10s %10s %10s %12s\n", "rank", "scenarios",
                "simulate_s", "summary_s", "output_s", "mpi_s", "total_s", "sent_bytes");
        for (int k = 0; k < r->mpi.size; k++)
            fprintf(stderr, "timing: %4d %10lld %10.3f %10.3f %10.3f %10.3f %10.3f %12lld\n", k,
                    (long long)all[k].scenarios, all[k].simulate, all[k].summarise,
                    all[k].output, all[k].mpi, all[k].total, (long long)all[k].bytes_sent);
    }
    free(all);
    return rc;
}

/* The end, on every rank: the summaries merged into rank 0's, rank 0 completes the output or
 * keeps the checkpoint, and the ranks agree on the outcome. `ready`: every rank set up. */
static int finish(run *r, int rc, bool ready, bmc_err *err)
{
    bool all_whole = false;
    bmc_err merge_err;
    int mrc = ready ? merge_to_root(r, &all_whole, &merge_err) : BMC_OK;
    if (rc == BMC_OK && mrc != BMC_OK) {
        *err = merge_err;
        rc = mrc;
    }
    if (r->mpi.rank == 0) {
        bmc_progress_end(&r->progress, r->done);
        double t = bmc_now_seconds();
        /* the half-width at the cap, on the merged summaries */
        if (rc == BMC_OK && run_precision_stop(r->o) && !r->precise) {
            bmc_sum_prob p;
            bmc_summary_probability(r->summary[0], BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
            r->half_width = run_half_width(p.count, p.n);
        }
        rc = run_finish_output(r, rc, all_whole, err);
        r->times.output += bmc_now_seconds() - t;
    }
    /* rank 0's commit is the last thing that can fail */
    double t = bmc_now_seconds();
    rc = bmc_mpi_agree(&r->mpi, rc, NULL, err);
    r->times.mpi += bmc_now_seconds() - t;
    return rc;
}

int bmc_run(const bmc_model *m, const bmc_run_options *o, bmc_run_summary *summary,
            bmc_err *err)
{
    double t_begin = bmc_now_seconds();
    run r = {.m = m, .o = o, .whole = true};
    int rc = bmc_mpi_open(&r.mpi, err);
    if (rc != BMC_OK)
        return rc;
    /* from before the output exists until every rank knows the outcome: a signal in between,
     * also a second one to a rank that has stopped, must not kill us */
    bmc_saved_signals old_actions;
    bmc_signals_catch(&old_actions);
    plan(&r);
    rc = check_ranks_agree(&r, err); /* the same result on every rank */
    if (rc == BMC_OK)
        rc = bmc_mpi_agree(&r.mpi, setup(&r, err), NULL, err);
    const bool ready = rc == BMC_OK;
    /* where to start: after the rows rank 0 took from the checkpoint */
    int64_t resume_at[2] = {r.done, r.precise};
    if (ready)
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
                 (long long)r.done, run_precision_stop(o) ? "at most " : "",
                 (long long)o->scenarios);
    rc = finish(&r, rc, ready, err);
    bmc_signals_restore(&old_actions);
    r.times.total = bmc_now_seconds() - t_begin;
    if (o->timing && ready) {
        bmc_err ignored;
        report_times(&r, &ignored);
    }

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
