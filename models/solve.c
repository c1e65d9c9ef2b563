#include "solve.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"

int bmc_solve_parse_metric(const char *text, enum bmc_solve_metric *metric, double *q,
                           bmc_err *err)
{
    *q = NAN;
    if (!strcmp(text, "all")) {
        *metric = BMC_SOLVE_ALL;
        return BMC_OK;
    }
    if (!strcmp(text, "p95")) {
        *metric = BMC_SOLVE_P95;
        return BMC_OK;
    }
    char *end;
    if (!strncmp(text, "on-time:", 8)) {
        double v = strtod(text + 8, &end);
        if (end != text + 8 && !*end && v > 0 && v <= 1) {
            *metric = BMC_SOLVE_ON_TIME;
            *q = v;
            return BMC_OK;
        }
    }
    return bmc_fail(err, BMC_EUSAGE,
                    "--metric %s: expected all, p95 or on-time:Q with 0 < Q <= 1", text);
}

void bmc_solve_describe_metric(enum bmc_solve_metric metric, double q, char *buf, size_t n)
{
    if (metric == BMC_SOLVE_ALL)
        snprintf(buf, n, "every old case decided by the target date");
    else if (metric == BMC_SOLVE_P95)
        snprintf(buf, n, "at least 95 %% of the old cases decided by the target date");
    else
        snprintf(buf, n, "at least %g %% of new cases decided on time", 100 * q);
}

bool bmc_solve_success(enum bmc_solve_metric metric, double q, const bmc_result_block *row,
                       int target_day)
{
    if (metric == BMC_SOLVE_ALL)
        return row->completion_day[0] >= 0 && row->completion_day[0] <= target_day;
    if (metric == BMC_SOLVE_P95)
        return row->p95_day[0] >= 0 && row->p95_day[0] <= target_day;
    /* no new case settled: nothing was decided on time */
    return row->new_on_time_share[0] >= q;
}

typedef struct solve_ctx {
    bmc_resim_pool *pool;
    const bmc_solve_options *o;
    bool integer;
    int64_t cap;
    bmc_resim_job *jobs;
    char (*sets)[128];
    struct keyed {
        double value;
        int64_t index; /* in the search's batch */
    } *order;
    unsigned char *ok; /* the search's outcome array, by its index */
} solve_ctx;

static int by_value(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static void take(void *ctx, int64_t job, const bmc_result_block *row, const bmc_model *m)
{
    solve_ctx *c = ctx;
    c->ok[c->order[job].index] = bmc_solve_success(c->o->metric, c->o->on_time, row, m->target_day);
}

static void format_set(const char *key, double v, bool integer, char *buf, size_t n)
{
    if (integer)
        snprintf(buf, n, "%s=%.0f", key, v);
    else
        snprintf(buf, n, "%s=%.17g", key, v);
}

static int grow(solve_ctx *c, int64_t n, bmc_err *err)
{
    if (n <= c->cap)
        return BMC_OK;
    free(c->jobs);
    free(c->sets);
    free(c->order);
    c->jobs = malloc((size_t)n * sizeof *c->jobs);
    c->sets = malloc((size_t)n * sizeof *c->sets);
    c->order = malloc((size_t)n * sizeof *c->order);
    c->cap = n;
    if (!c->jobs || !c->sets || !c->order) {
        c->cap = 0;
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %lld runs", (long long)n);
    }
    return BMC_OK;
}

/* The search's batch: jobs in order of value, so that the threads' contiguous runs of jobs
 * share models; every outcome goes back to its place in the batch. */
static int indicator(void *ctx, int64_t n, const int64_t *items, const double *values,
                     unsigned char *ok, bmc_err *err)
{
    solve_ctx *c = ctx;
    BMC_TRY(grow(c, n, err));
    for (int64_t j = 0; j < n; j++)
        c->order[j] = (struct keyed){values[j], j};
    qsort(c->order, (size_t)n, sizeof *c->order, by_value);
    for (int64_t j = 0; j < n; j++) {
        int64_t i = c->order[j].index;
        format_set(c->o->key, values[i], c->integer, c->sets[j], sizeof c->sets[j]);
        c->jobs[j] = (bmc_resim_job){.scenario = items[i], .set = c->sets[j]};
    }
    c->ok = ok;
    return bmc_resim_pool_run(c->pool, n, c->jobs, take, c, err);
}

/* Builds the model at value v; BMC_OK or the override's error. */
static int try_value(bmc_resim *r, const char *key, double v, bool integer, bmc_err *err)
{
    char set[128];
    const bmc_model *m;
    format_set(key, v, integer, set, sizeof set);
    return bmc_resim_model(r, set, &m, err);
}

/* A key that takes whole values refuses a fraction with "a whole number" in its message. */
static int check_key(bmc_resim *r, const bmc_solve_options *o, bool *integer, bmc_err *err)
{
    *integer = false;
    bmc_err probe;
    double frac = floor(o->lo) + 0.5;
    if (try_value(r, o->key, frac, false, &probe) == BMC_ECONFIG &&
        strstr(probe.msg, "a whole number")) {
        *integer = true;
        if (o->lo != floor(o->lo) || o->hi != floor(o->hi))
            return bmc_fail(err, BMC_EUSAGE, "--range %g..%g: %s takes whole numbers", o->lo,
                            o->hi, o->key);
    }
    BMC_TRY(try_value(r, o->key, o->lo, *integer, err));
    return try_value(r, o->key, o->hi, *integer, err);
}

int bmc_solve_run(const bmc_resim_source *src, const bmc_solve_options *o, bmc_solve *out,
                  bmc_err *err)
{
    memset(out, 0, sizeof *out);
    /* scenarios n..2n-1 measure the answer: a design must reach them */
    bmc_resim_source at = *src;
    at.design_set = o->scenarios;
    at.design_points = 2 * o->scenarios;
    bmc_resim_pool *pool = NULL;
    BMC_TRY(bmc_resim_pool_create(&at, o->threads, &pool, err));
    int rc = check_key(bmc_resim_pool_workspace(pool), o, &out->integer, err);
    solve_ctx c = {.pool = pool, .o = o, .integer = out->integer};
    if (rc == BMC_OK) {
        bmc_threshold_options t = {
            .lo = o->lo, .hi = o->hi, .integer = out->integer, .tolerance = o->tolerance,
            .level = o->level, .conf = 0.95, .n = o->scenarios, .check_items = o->check_items,
            .check_points = o->check_points, .fresh_first = o->scenarios};
        rc = bmc_threshold_search(&t, indicator, &c, &out->r, err);
    }
    free(c.jobs);
    free(c.sets);
    free(c.order);
    bmc_resim_pool_free(pool);
    return rc;
}

void bmc_solve_free(bmc_solve *s)
{
    bmc_threshold_result_free(&s->r);
}

int bmc_solve_compare(const bmc_solve *ref, const bmc_solve *var, int64_t n, int level,
                      int reps, uint64_t seed, double out[3], bmc_err *err)
{
    const bmc_threshold_result *a = &ref->r, *b = &var->r;
    out[0] = b->answer - a->answer;
    out[1] = out[2] = NAN;
    if (a->method != BMC_THRESHOLD_PER_ITEM || b->method != BMC_THRESHOLD_PER_ITEM ||
        a->direction != b->direction)
        return BMC_OK;
    /* in the helpful orientation the answer is the level % quantile of the succeeding ends */
    int sign = a->direction;
    double *ea = malloc((size_t)n * sizeof *ea), *eb = malloc((size_t)n * sizeof *eb);
    int rc = BMC_OK;
    if (!ea || !eb)
        rc = bmc_fail(err, BMC_ENOMEM, "out of memory comparing variants");
    else {
        for (int64_t i = 0; i < n; i++) {
            ea[i] = sign * a->item_ok[i];
            eb[i] = sign * b->item_ok[i];
        }
        double d[3];
        rc = bmc_paired_quantile_shift(n, ea, eb, level, reps, seed, 0.95, d, err);
        if (rc == BMC_OK) {
            out[1] = sign > 0 ? d[1] : -d[2];
            out[2] = sign > 0 ? d[2] : -d[1];
        }
    }
    free(ea);
    free(eb);
    return rc;
}
