#ifndef BACKLOGMC_RESIM_H
#define BACKLOGMC_RESIM_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "results.h"
#include "status.h"

/* Re-simulation of chosen scenarios of one configuration under settings changed key by key,
 * each scenario on its own random streams (common random numbers, docs/model.md section 10): the
 * same scenario under two settings differs by the settings alone. Analyses that ask "what
 * if this key had that value" (solve, sensitivity, relief capacity, attribution of a change)
 * build on it.
 *
 * A source is a resolved configuration text (cfg_emit of the loaded file with its --set
 * overrides, variants included), optionally one of its policy variants and further
 * overrides. A job is one scenario under one extra "key.path=value" override (validated like
 * --set, errors naming the override) and optionally with its scenario-level parameter
 * uniforms replaced (bmc_sim_set_uniforms). The source's sampling design (run.design), with
 * its dimensions fixed by the source's own model, is applied to every job's model, so a job
 * that fixes or changes a distribution keeps the other parameters' points. */

typedef struct bmc_resim_source {
    const char *name;            /* the configuration's file name, for messages */
    const char *text;            /* the resolved configuration */
    const char *variant;         /* NULL: the reference; else a variant's name */
    const char *const *sets;     /* further "key.path=value" overrides, after the variant */
    int n_sets;
    bool deterministic;          /* the central projection (docs/model.md section 11): no
                                    design, every parameter at its median */
    /* For run.design: the scenarios of one set (a Latin hypercube's size; < 1:
     * run.scenarios) and the most scenarios any job uses (a Sobol design's points; < 1: the
     * same) */
    int64_t design_set, design_points;
} bmc_resim_source;

/* One thread's workspace: a copy of the configuration, the model of the last override (kept
 * while the override stays the same), a scenario workspace and a one-row result block. */
typedef struct bmc_resim bmc_resim;

int bmc_resim_create(const bmc_resim_source *src, bmc_resim **out, bmc_err *err);
void bmc_resim_free(bmc_resim *r);

/* The model under one more override (NULL: the source's own); valid until the next call with
 * another override. */
int bmc_resim_model(bmc_resim *r, const char *set, const bmc_model **m, bmc_err *err);
/* Runs scenario `scenario` under the override, with the uniforms u[n_slots] (NULL: the
 * scenario's own); *row (one row) stays valid until the next call. Every job runs with the
 * source's seed (run.seed, which an override of the source may set). */
int bmc_resim_run(bmc_resim *r, const char *set, int64_t scenario, const double *u,
                  const bmc_result_block **row, bmc_err *err);
/* The uniforms of a scenario under the source's own model (design applied), u[BMC_P_MAX]. */
int bmc_resim_uniforms(bmc_resim *r, int64_t scenario, double *u, bmc_err *err);

/* Many jobs on several threads: one workspace per thread, the jobs in contiguous runs (so
 * jobs with the same override, placed next to each other, share a model). take() is called
 * once per job from the thread that ran it, with the job's index: it must write only what
 * belongs to that job. On failure the message is that of the lowest failing job. */
typedef struct bmc_resim_job {
    int64_t scenario;
    const char *set;         /* NULL: none */
    const double *uniforms;  /* NULL: the scenario's own */
} bmc_resim_job;

typedef void (*bmc_resim_take)(void *ctx, int64_t job, const bmc_result_block *row,
                               const bmc_model *m);

typedef struct bmc_resim_pool bmc_resim_pool;

/* threads < 1: OpenMP's default. */
int bmc_resim_pool_create(const bmc_resim_source *src, int threads, bmc_resim_pool **out,
                          bmc_err *err);
void bmc_resim_pool_free(bmc_resim_pool *p);
int bmc_resim_pool_threads(const bmc_resim_pool *p);
/* The source's own model (for its layout, days and parameter names). */
const bmc_model *bmc_resim_pool_model(bmc_resim_pool *p);
/* The first workspace, for serial work between parallel runs. */
bmc_resim *bmc_resim_pool_workspace(bmc_resim_pool *p);
int bmc_resim_pool_run(bmc_resim_pool *p, int64_t n, const bmc_resim_job *jobs,
                       bmc_resim_take take, void *ctx, bmc_err *err);

#endif
