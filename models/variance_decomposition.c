#include "variance_decomposition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sample {
    double *day;     /* completion day, the day after the horizon when not reached */
    double *on_time; /* NaN when no new case settled */
} sample;

static void take(void *ctx, int64_t j, const bmc_result_block *row, const bmc_model *m)
{
    sample *s = ctx;
    int d = row->completion_day[0];
    s->day[j] = d >= 0 ? d : m->ndays;
    s->on_time[j] = row->new_on_time_share[0];
}

typedef struct design {
    int64_t base;
    int n_par;
    int slot[BMC_P_MAX];
    double *ua, *ub;      /* [base][BMC_P_MAX] the rows' uniforms */
    double *u;            /* [base][BMC_P_MAX] one AB sample's */
    bmc_resim_job *jobs;
    sample a, b, ab;      /* ab: [k][base] */
} design;

static int run_rows(bmc_resim_pool *pool, design *d, int64_t first, const double *u,
                    sample *into, int64_t offset, bmc_err *err)
{
    for (int64_t j = 0; j < d->base; j++)
        d->jobs[j] = (bmc_resim_job){.scenario = first + j,
                                     .uniforms = u ? u + (size_t)j * BMC_P_MAX : NULL};
    sample s = {into->day + offset, into->on_time + offset};
    return bmc_resim_pool_run(pool, d->base, d->jobs, take, &s, err);
}

static int alloc_design(design *d, int k, bmc_err *err)
{
    size_t n = (size_t)d->base;
    d->ua = malloc(n * BMC_P_MAX * sizeof *d->ua);
    d->ub = malloc(n * BMC_P_MAX * sizeof *d->ub);
    d->u = malloc(n * BMC_P_MAX * sizeof *d->u);
    d->jobs = malloc(n * sizeof *d->jobs);
    d->a.day = malloc(n * sizeof(double));
    d->a.on_time = malloc(n * sizeof(double));
    d->b.day = malloc(n * sizeof(double));
    d->b.on_time = malloc(n * sizeof(double));
    d->ab.day = malloc(n * (size_t)k * sizeof(double));
    d->ab.on_time = malloc(n * (size_t)k * sizeof(double));
    if (!d->ua || !d->ub || !d->u || !d->jobs || !d->a.day || !d->a.on_time || !d->b.day ||
        !d->b.on_time || !d->ab.day || !d->ab.on_time)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the Sobol design");
    return BMC_OK;
}

static void free_design(design *d)
{
    free(d->ua);
    free(d->ub);
    free(d->u);
    free(d->jobs);
    free(d->a.day);
    free(d->a.on_time);
    free(d->b.day);
    free(d->b.on_time);
    free(d->ab.day);
    free(d->ab.on_time);
}

static int run_design(bmc_resim_pool *pool, design *d, int64_t *runs, bmc_err *err)
{
    int64_t n = d->base;
    bmc_resim *ws = bmc_resim_pool_workspace(pool);
    for (int64_t j = 0; j < n; j++) {
        BMC_TRY(bmc_resim_uniforms(ws, j, d->ua + (size_t)j * BMC_P_MAX, err));
        BMC_TRY(bmc_resim_uniforms(ws, n + j, d->ub + (size_t)j * BMC_P_MAX, err));
    }
    BMC_TRY(run_rows(pool, d, 0, NULL, &d->a, 0, err));
    BMC_TRY(run_rows(pool, d, n, NULL, &d->b, 0, err));
    *runs = 2 * n;
    for (int i = 0; i < d->n_par; i++) {
        memcpy(d->u, d->ua, (size_t)n * BMC_P_MAX * sizeof *d->u);
        for (int64_t j = 0; j < n; j++)
            d->u[(size_t)j * BMC_P_MAX + d->slot[i]] = d->ub[(size_t)j * BMC_P_MAX + d->slot[i]];
        BMC_TRY(run_rows(pool, d, 0, d->u, &d->ab, (int64_t)i * n, err));
        *runs += n;
    }
    /* the streams: B's scenarios with A's parameters */
    BMC_TRY(run_rows(pool, d, n, d->ua, &d->ab, (int64_t)d->n_par * n, err));
    *runs += n;
    return BMC_OK;
}

/* An output that does not vary (or is never defined) has no indices: NaN, not an error. */
static int indices(const design *d, int k, const double *ya, const double *yb, const double *yab,
                   int reps, uint64_t seed, bmc_sobol_index *out, bmc_sobol_summary *summary,
                   bmc_err *err)
{
    int rc = bmc_sobol_jansen(d->base, k, ya, yb, yab, reps, seed, 0.95, out, summary, err);
    if (rc != BMC_ECONFIG)
        return rc;
    for (int i = 0; i < k; i++)
        out[i] = (bmc_sobol_index){NAN, NAN, NAN, NAN, NAN, NAN};
    return BMC_OK;
}

int bmc_vd_run(const bmc_resim_source *src, int64_t base, int threads, int reps,
               bmc_variance_decomposition *out, bmc_err *err)
{
    memset(out, 0, sizeof *out);
    out->base = base;
    out->reps = reps;
    if (base < 2)
        return bmc_fail(err, BMC_EUSAGE, "the Sobol design needs at least 2 base samples");
    bmc_resim_pool *pool = NULL;
    BMC_TRY(bmc_resim_pool_create(src, threads, &pool, err));
    const bmc_model *m = bmc_resim_pool_model(pool);
    design d = {.base = base};
    for (int i = 0; i < m->n_slots; i++)
        if (m->slot_dist[i] && !bmc_dist_is_fixed(m->slot_dist[i]))
            d.slot[d.n_par++] = i;
    int k = out->k = d.n_par + 1;
    out->name = calloc((size_t)k, sizeof *out->name);
    out->completion = calloc((size_t)k, sizeof *out->completion);
    out->on_time = calloc((size_t)k, sizeof *out->on_time);
    int rc = out->name && out->completion && out->on_time
                 ? alloc_design(&d, k, err)
                 : bmc_fail(err, BMC_ENOMEM, "out of memory for the Sobol indices");
    if (rc == BMC_OK) {
        for (int i = 0; i < d.n_par; i++)
            snprintf(out->name[i], BMC_NAME_LEN, "%s", m->slot_name[d.slot[i]]);
        snprintf(out->name[d.n_par], BMC_NAME_LEN, "%s", BMC_VD_STREAMS_NAME);
        rc = run_design(pool, &d, &out->runs, err);
    }
    if (rc == BMC_OK) {
        for (int64_t j = 0; j < base; j++)
            out->censored += (d.a.day[j] == m->ndays) + (d.b.day[j] == m->ndays);
        /* each output its own bootstrap stream */
        rc = indices(&d, k, d.a.day, d.b.day, d.ab.day, reps, m->p.seed ^ 0x736F626F6CULL,
                     out->completion, &out->s_completion, err);
    }
    if (rc == BMC_OK)
        rc = indices(&d, k, d.a.on_time, d.b.on_time, d.ab.on_time, reps,
                     m->p.seed ^ 0x6F6E74696D65ULL, out->on_time, &out->s_on_time, err);
    free_design(&d);
    bmc_resim_pool_free(pool);
    if (rc != BMC_OK)
        bmc_vd_free(out);
    return rc;
}

void bmc_vd_free(bmc_variance_decomposition *v)
{
    free(v->name);
    free(v->completion);
    free(v->on_time);
    v->name = NULL;
    v->completion = v->on_time = NULL;
}
