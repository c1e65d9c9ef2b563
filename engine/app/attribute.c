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
    uint8_t *by_target;
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
        d->by_target[i] = day >= 0 && day <= m->target_day;
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
    d->by_target = malloc(n);
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

int bmc_attribute_run(const bmc_params *old, const bmc_params *new,
                      const bmc_attribute_options *o, bmc_waterfall *out, bmc_err *err)
{
    BMC_TRY(bmc_attr_comparable(old, new, err));
    if (o->scenarios < 1 || o->scenarios > 100000000)
        return bmc_fail(err, BMC_EUSAGE, "attribution of %lld scenarios: 1 to 10^8",
                        (long long)o->scenarios);
    bmc_params *step = malloc(sizeof *step), *before = malloc(sizeof *before),
               *target = malloc(sizeof *target);
    step_data d[BMC_ATTR_STEPS];
    memset(d, 0, sizeof d);
    int rc = step && before && target
                 ? BMC_OK
                 : bmc_fail(err, BMC_ENOMEM, "out of memory for the attribution");
    if (rc == BMC_OK) {
        *step = *old;
        *target = *new;
        common_run(step, o);
        common_run(target, o);
    }
    for (int s = 0; s < BMC_ATTR_STEPS && rc == BMC_OK; s++) {
        if (s > 0) {
            *before = *step;
            bmc_attr_move_group(step, target, s - 1);
            out->changed[s - 1] = memcmp(before, step, sizeof *before) != 0;
        }
        rc = run_step(step, o, &d[s], err);
    }
    bmc_attr_sample sample[BMC_ATTR_STEPS];
    for (int s = 0; s < BMC_ATTR_STEPS; s++)
        sample[s] = (bmc_attr_sample){d[s].completion, d[s].by_target, d[s].on_time};
    if (rc == BMC_OK) /* keeps out->changed */
        rc = bmc_waterfall_compute(sample, o->scenarios, o->reps, o->seed, out, err);
    for (int s = 0; s < BMC_ATTR_STEPS; s++)
        step_data_free(&d[s]);
    free(step);
    free(before);
    free(target);
    return rc;
}
