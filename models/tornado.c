#include "tornado.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"
#include "dist.h"

typedef struct outcomes {
    double *day;          /* completion day, +inf beyond the horizon */
    unsigned char *ok;    /* by the target */
} outcomes;

static void take(void *ctx, int64_t j, const bmc_result_block *row, const bmc_model *m)
{
    outcomes *o = ctx;
    int d = row->completion_day[0];
    o->day[j] = d >= 0 ? d : INFINITY;
    o->ok[j] = d >= 0 && d <= m->target_day;
}

static int run_setting(bmc_resim_pool *pool, int64_t n, const char *set, const double *u,
                       bmc_resim_job *jobs, outcomes *o, bmc_err *err)
{
    for (int64_t j = 0; j < n; j++)
        jobs[j] = (bmc_resim_job){.scenario = j, .set = set, .uniforms = u};
    return bmc_resim_pool_run(pool, n, jobs, take, o, err);
}

/* The uniform at which the distribution takes value v, by bisection on its quantile. */
static int uniform_of(const bmc_dist *d, const char *name, double v, double *u, bmc_err *err)
{
    double lo = 1e-12, hi = 1 - 1e-12;
    double qlo = bmc_dist_quantile(d, lo), qhi = bmc_dist_quantile(d, hi);
    if (!(v >= qlo && v <= qhi))
        return bmc_fail(err, BMC_EUSAGE, "--vary %s: %g lies outside its distribution (%g .. %g)",
                        name, v, qlo, qhi);
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = (lo + hi) / 2;
        if (bmc_dist_quantile(d, mid) < v)
            lo = mid;
        else
            hi = mid;
    }
    *u = hi;
    return BMC_OK;
}

static double median(int64_t n, const double *day)
{
    return bmc_rows_quantile(n, day, NULL, 50);
}

static double share(int64_t n, const unsigned char *ok)
{
    int64_t c = 0;
    for (int64_t j = 0; j < n; j++)
        c += ok[j];
    return (double)c / (double)n;
}

static double rank_key(const bmc_tornado_factor *f)
{
    if (isnan(f->median_effect[0]))
        return f->median_low != f->median_high ? INFINITY : -1;
    return fabs(f->median_effect[0]);
}

static int by_effect(const void *a, const void *b)
{
    const bmc_tornado_factor *x = a, *y = b;
    double kx = rank_key(x), ky = rank_key(y);
    if (kx != ky)
        return kx > ky ? -1 : 1;
    double px = fabs(x->p_effect[0]), py = fabs(y->p_effect[0]);
    if (px != py)
        return px > py ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The factors: the sampled parameters at their 5 % and 95 % points, then the given values. */
static int list_factors(const bmc_model *m, const bmc_tornado_vary *vary, int n_vary,
                        bmc_resim *ws, bmc_tornado *t, bmc_err *err)
{
    t->factor = calloc((size_t)(m->n_slots + n_vary), sizeof *t->factor);
    if (!t->factor)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the tornado");
    for (int i = 0; i < m->n_slots; i++) {
        const bmc_dist *d = m->slot_dist[i];
        if (!d || bmc_dist_is_fixed(d))
            continue;
        bmc_tornado_factor *f = &t->factor[t->n++];
        snprintf(f->name, sizeof f->name, "%s", m->slot_name[i]);
        f->slot = i;
        f->low = bmc_dist_quantile(d, 0.05);
        f->high = bmc_dist_quantile(d, 0.95);
    }
    for (int v = 0; v < n_vary; v++) {
        bmc_tornado_factor *f = NULL;
        for (int k = 0; k < t->n && !f; k++)
            if (t->factor[k].slot >= 0 && !strcmp(t->factor[k].name, vary[v].name))
                f = &t->factor[k];
        if (!f) {
            /* a configuration key: it must take both values */
            const bmc_model *mk;
            char set[256];
            f = &t->factor[t->n++];
            snprintf(f->name, sizeof f->name, "%s", vary[v].name);
            f->slot = -1;
            snprintf(set, sizeof set, "%s=%.17g", vary[v].name, vary[v].low);
            BMC_TRY(bmc_resim_model(ws, set, &mk, err));
            snprintf(set, sizeof set, "%s=%.17g", vary[v].name, vary[v].high);
            BMC_TRY(bmc_resim_model(ws, set, &mk, err));
        }
        f->low = vary[v].low;
        f->high = vary[v].high;
    }
    return BMC_OK;
}

typedef struct work {
    bmc_resim_job *jobs;
    outcomes lo, hi;
    double u_lo[BMC_P_MAX], u_hi[BMC_P_MAX];
} work;

static int run_factor(bmc_resim_pool *pool, const bmc_model *m, bmc_tornado_factor *f,
                      int64_t n, const double *u_base, int reps, uint64_t seed, work *w,
                      bmc_err *err)
{
    char set_lo[256], set_hi[256];
    const char *sl = NULL, *sh = NULL;
    memcpy(w->u_lo, u_base, sizeof w->u_lo);
    memcpy(w->u_hi, u_base, sizeof w->u_hi);
    if (f->slot >= 0) {
        const bmc_dist *d = m->slot_dist[f->slot];
        BMC_TRY(uniform_of(d, f->name, f->low, &w->u_lo[f->slot], err));
        BMC_TRY(uniform_of(d, f->name, f->high, &w->u_hi[f->slot], err));
    } else {
        snprintf(set_lo, sizeof set_lo, "%s=%.17g", f->name, f->low);
        snprintf(set_hi, sizeof set_hi, "%s=%.17g", f->name, f->high);
        sl = set_lo;
        sh = set_hi;
    }
    BMC_TRY(run_setting(pool, n, sl, w->u_lo, w->jobs, &w->lo, err));
    BMC_TRY(run_setting(pool, n, sh, w->u_hi, w->jobs, &w->hi, err));
    f->median_low = median(n, w->lo.day);
    f->median_high = median(n, w->hi.day);
    f->p_low = share(n, w->lo.ok);
    f->p_high = share(n, w->hi.ok);
    BMC_TRY(bmc_paired_quantile_shift(n, w->lo.day, w->hi.day, 50, reps, seed, 0.95,
                                      f->median_effect, err));
    return bmc_paired_share_shift(n, w->lo.ok, w->hi.ok, reps, seed, 0.95, f->p_effect, err);
}

int bmc_tornado_run(const bmc_resim_source *src, int64_t n, const bmc_tornado_vary *vary,
                    int n_vary, int threads, int reps, bmc_tornado *out, bmc_err *err)
{
    memset(out, 0, sizeof *out);
    out->scenarios = n;
    out->reps = reps;
    bmc_resim_pool *pool = NULL;
    BMC_TRY(bmc_resim_pool_create(src, threads, &pool, err));
    const bmc_model *m = bmc_resim_pool_model(pool);
    uint64_t seed = m->p.seed ^ 0x746F726E61646FULL; /* the bootstrap's own stream */
    work w = {0};
    w.jobs = malloc((size_t)n * sizeof *w.jobs);
    w.lo.day = malloc((size_t)n * sizeof *w.lo.day);
    w.hi.day = malloc((size_t)n * sizeof *w.hi.day);
    w.lo.ok = malloc((size_t)n);
    w.hi.ok = malloc((size_t)n);
    double u_base[BMC_P_MAX];
    for (int i = 0; i < BMC_P_MAX; i++)
        u_base[i] = 0.5;
    int rc = w.jobs && w.lo.day && w.hi.day && w.lo.ok && w.hi.ok
                 ? list_factors(m, vary, n_vary, bmc_resim_pool_workspace(pool), out, err)
                 : bmc_fail(err, BMC_ENOMEM, "out of memory for the tornado");
    if (rc == BMC_OK)
        rc = run_setting(pool, n, NULL, u_base, w.jobs, &w.lo, err);
    if (rc == BMC_OK) {
        out->median_base = median(n, w.lo.day);
        out->p_base = share(n, w.lo.ok);
        out->runs = n;
    }
    for (int k = 0; rc == BMC_OK && k < out->n; k++) {
        rc = run_factor(pool, m, &out->factor[k], n, u_base, reps, seed, &w, err);
        out->runs += 2 * n;
    }
    if (rc == BMC_OK)
        qsort(out->factor, (size_t)out->n, sizeof *out->factor, by_effect);
    free(w.jobs);
    free(w.lo.day);
    free(w.hi.day);
    free(w.lo.ok);
    free(w.hi.ok);
    bmc_resim_pool_free(pool);
    if (rc != BMC_OK)
        bmc_tornado_free(out);
    return rc;
}

void bmc_tornado_free(bmc_tornado *t)
{
    free(t->factor);
    t->factor = NULL;
    t->n = 0;
}
