#include "attribute.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "mpi_env.h"
#include "scenario.h"

typedef struct step_data {
    double *completion;
    double *by_target; /* 0 or 1 */
    double *on_time;
} step_data;

static void step_data_free(step_data *d)
{
    free(d->completion);
    free(d->by_target);
    free(d->on_time);
}

/* The scenarios of one step's model, into d. The error of the lowest failing scenario is the
 * one reported, whatever the threads did. */
static int simulate(const bmc_model *m, const bmc_attribute_options *o, step_data *d,
                    bmc_err *err)
{
    int64_t n = o->scenarios;
    bmc_layout layout;
    bmc_model_layout(m, false, &layout);
    bmc_result_block *b = bmc_result_block_alloc(&layout, (int)n);
    if (!b)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %lld scenarios", (long long)n);
    int threads = o->threads > 0 ? o->threads : bmc_mpi_default_threads();
    int64_t first_bad = -1;
    int bad_rc = BMC_OK;
#pragma omp parallel num_threads(threads)
    {
        bmc_sim *sim = NULL;
        bmc_err local;
        int rc0 = bmc_sim_create(m, &sim, &local);
#pragma omp for schedule(dynamic, 16)
        for (int64_t i = 0; i < n; i++) {
            int rc = rc0 == BMC_OK ? bmc_sim_run(sim, o->seed, i, false, b, (int)i, &local) : rc0;
            if (rc != BMC_OK) {
#pragma omp critical(bmc_attribute_error)
                if (first_bad < 0 || i < first_bad) {
                    first_bad = i;
                    bad_rc = rc;
                    bmc_fail(err, rc, "scenario %lld: %s", (long long)i, local.msg);
                }
            }
        }
        bmc_sim_free(sim);
    }
    for (int64_t i = 0; bad_rc == BMC_OK && i < n; i++) {
        int day = b->completion_day[i];
        d->completion[i] = day < 0 ? INFINITY : (double)(m->p.start_date + day);
        d->by_target[i] = day >= 0 && day <= m->target_day ? 1 : 0;
        d->on_time[i] = b->new_on_time_share[i];
    }
    bmc_result_block_free(b);
    return bad_rc;
}

static int run_step(const bmc_params *p, const bmc_attribute_options *o, step_data *d,
                    bmc_err *err)
{
    size_t n = (size_t)o->scenarios;
    d->completion = malloc(n * sizeof *d->completion);
    d->by_target = malloc(n * sizeof *d->by_target);
    d->on_time = malloc(n * sizeof *d->on_time);
    if (!d->completion || !d->by_target || !d->on_time)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %zu scenarios", n);
    bmc_model *m = NULL;
    int rc = bmc_model_create(p, &m, err);
    if (rc == BMC_OK)
        rc = simulate(m, o, d, err);
    bmc_model_free(m);
    return rc;
}

/* Every step runs the same scenarios with the same seed: the run keys are no input of either
 * forecast here. */
static void common_run(bmc_params *p, const bmc_attribute_options *o)
{
    p->seed = o->seed;
    p->scenarios = o->scenarios;
    p->precision_half_width = 0;
    p->precision_batch = p->max_scenarios = 0;
}

/* Walks from `from` to `to` through the groups in order: p[s] has the first s groups of
 * `to` (p[0] = from, p[BMC_ATTR_GROUPS] = to); changed[g] when group g moved anything. */
static void walk(const bmc_params *from, const bmc_params *to, bmc_params *p, bool *changed)
{
    p[0] = *from;
    for (int g = 0; g < BMC_ATTR_GROUPS; g++) {
        p[g + 1] = p[g];
        bmc_attr_move_group(&p[g + 1], to, g);
        if (changed)
            changed[g] = memcmp(&p[g], &p[g + 1], sizeof p[g]) != 0;
    }
}

int bmc_attribute_run(const bmc_params *old, const bmc_params *new,
                      const bmc_attribute_options *o, bmc_waterfall *out, bmc_err *err)
{
    BMC_TRY(bmc_attr_comparable(old, new, err));
    if (o->scenarios < 1 || o->scenarios > 100000000)
        return bmc_fail(err, BMC_EUSAGE, "attribution of %lld scenarios: 1 to 10^8",
                        (long long)o->scenarios);
    /* [0, STEPS) the forward walk from OLD, [STEPS, 2 STEPS) the backward walk from NEW */
    bmc_params *p = malloc(2 * BMC_ATTR_STEPS * sizeof *p), *ends = malloc(2 * sizeof *ends);
    step_data d[2 * BMC_ATTR_STEPS];
    memset(d, 0, sizeof d);
    int rc = p && ends ? BMC_OK : bmc_fail(err, BMC_ENOMEM, "out of memory for the attribution");
    if (rc == BMC_OK) {
        ends[0] = *old;
        ends[1] = *new;
        common_run(&ends[0], o);
        common_run(&ends[1], o);
        walk(&ends[0], &ends[1], p, out->changed);
        walk(&ends[1], &ends[0], p + BMC_ATTR_STEPS, NULL);
    }
    /* the backward walk's ends are the forward walk's: simulated once */
    for (int s = 0; s < BMC_ATTR_STEPS && rc == BMC_OK; s++)
        rc = run_step(&p[s], o, &d[s], err);
    for (int s = 1; s < BMC_ATTR_GROUPS && rc == BMC_OK; s++)
        rc = run_step(&p[BMC_ATTR_STEPS + s], o, &d[BMC_ATTR_STEPS + s], err);
    bmc_attr_sample x[BMC_ATTR_STEPS], y[BMC_ATTR_STEPS];
    for (int s = 0; s < BMC_ATTR_STEPS; s++) {
        const step_data *f = &d[s];
        const step_data *b = s == 0                 ? &d[BMC_ATTR_GROUPS]
                             : s == BMC_ATTR_GROUPS ? &d[0]
                                                    : &d[BMC_ATTR_STEPS + s];
        x[s] = (bmc_attr_sample){f->completion, f->by_target, f->on_time};
        y[s] = (bmc_attr_sample){b->completion, b->by_target, b->on_time};
    }
    if (rc == BMC_OK) /* keeps out->changed */
        rc = bmc_waterfall_compute(x, y, o->scenarios, o->reps, o->seed, out, err);
    for (int s = 0; s < 2 * BMC_ATTR_STEPS; s++)
        step_data_free(&d[s]);
    free(p);
    free(ends);
    return rc;
}
