#include "run.h"

#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "h5out.h"
#include "scenario.h"

#define DEFAULT_BLOCK 4096
#define PROGRESS_SECONDS 10.0

/* The one piece of process-wide state: a signal handler can only talk through a flag. */
static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig)
{
    stop_requested = sig;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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
            if (stop_requested)
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

static void progress(const bmc_run_options *o, int64_t done, double t0, double *last, bool final)
{
    if (o->quiet)
        return;
    double t = now_seconds();
    if (!final && t - *last < (isatty(STDERR_FILENO) ? 0.5 : PROGRESS_SECONDS))
        return;
    *last = t;
    double rate = done / (t - t0 > 1e-9 ? t - t0 : 1e-9);
    double eta = rate > 0 ? (double)(o->scenarios - done) / rate : 0;
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r%lld / %lld scenarios, %.0f/s, ETA %.0f s   %s", (long long)done,
                (long long)o->scenarios, rate, eta, final ? "\n" : "");
    else
        fprintf(stderr, "progress: %lld / %lld scenarios, %.0f/s, ETA %.0f s\n",
                (long long)done, (long long)o->scenarios, rate, eta);
}

static void count_completions(const bmc_result_block *b, int64_t *hist, int ndays)
{
    for (int i = 0; i < b->count; i++) {
        int d = b->completion_day[i];
        hist[d < 0 ? ndays : d]++;
    }
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

int bmc_run(const bmc_model *m, const bmc_run_options *o, bmc_run_summary *summary,
            bmc_err *err)
{
    int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    int block = o->block_size > 0 ? o->block_size : DEFAULT_BLOCK;
    if (block > o->scenarios)
        block = (int)o->scenarios;

    bmc_layout layout;
    bmc_model_layout(m, o->trajectories, &layout);
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
    workers w = {0};
    bmc_h5out *out = NULL;
    bmc_result_block *b = bmc_result_block_alloc(&layout, block);
    int64_t *hist = calloc((size_t)m->ndays + 1, sizeof *hist);
    if (!b || !hist) {
        bmc_result_block_free(b);
        free(hist);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a block of %d scenarios", block);
    }
    int rc = workers_create(m, threads, &w, err);
    if (rc == BMC_OK)
        rc = bmc_h5out_open(o->out_path, &layout, &meta, &out, err);

    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    stop_requested = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    double t0 = now_seconds(), last = t0;
    for (int64_t first = 0; rc == BMC_OK && first < o->scenarios; first += block) {
        int count = (int)(o->scenarios - first < block ? o->scenarios - first : block);
        bmc_result_block_reset(b, first);
        rc = run_block(&w, o, b, count, err);
        if (rc == BMC_OK && stop_requested)
            rc = bmc_fail(err, BMC_EINTERRUPTED,
                          "stopped by signal %d after %lld of %lld scenarios; no output written",
                          (int)stop_requested, (long long)first, (long long)o->scenarios);
        if (rc == BMC_OK)
            rc = bmc_h5out_append(out, b, err);
        if (rc == BMC_OK)
            count_completions(b, hist, m->ndays);
        if (rc == BMC_OK)
            progress(o, first + count, t0, &last, first + count == o->scenarios);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

    if (rc == BMC_OK) {
        rc = bmc_h5out_commit(out, err);
    } else {
        if (!o->quiet && isatty(STDERR_FILENO))
            fprintf(stderr, "\n");
        bmc_h5out_abort(out);
    }
    if (rc == BMC_OK && summary) {
        summary->scenarios = o->scenarios;
        summary->threads = threads;
        summary->seconds = now_seconds() - t0;
        summarise(m, hist, summary);
    }
    workers_free(&w);
    bmc_result_block_free(b);
    free(hist);
    return rc;
}
