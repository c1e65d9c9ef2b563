/* Re-simulation under overrides: every job must give exactly what a model loaded from the
 * file with the same --set gives (whatever came before it in the workspace), for 1 and 2
 * threads alike; parameter uniforms replace exactly the slots asked for; the design of the
 * source reaches the jobs; errors name the override and the scenario. */
#include "testutil.h"

#include <math.h>

#include "dist.h"
#include "resim.h"

static void assert_same_row(const bmc_result_block *a, int ra, const bmc_result_block *b, int rb)
{
    assert_int_equal(a->completion_day[ra], b->completion_day[rb]);
    assert_int_equal(a->p90_day[ra], b->p90_day[rb]);
    assert_int_equal(a->triage_days[ra], b->triage_days[rb]);
    assert_memory_equal(&a->decided_share_at_target[ra], &b->decided_share_at_target[rb],
                        sizeof(double));
    assert_memory_equal(&a->new_on_time_share[ra], &b->new_on_time_share[rb], sizeof(double));
    assert_memory_equal(&a->grant_rate[ra], &b->grant_rate[rb], sizeof(double));
    int np = a->layout->n_params;
    assert_int_equal(np, b->layout->n_params);
    assert_memory_equal(&a->params[(size_t)ra * np], &b->params[(size_t)rb * np],
                        (size_t)np * sizeof(double));
}

/* Direct runs of the file with the override, scenarios first..first+n-1. */
static bmc_result_block *direct(const char *set, int64_t first, int n, bmc_model **keep)
{
    const char *sets[] = {set, NULL};
    bmc_model *m = tu_model("configs/baseline.yaml", set ? sets : NULL);
    bmc_result_block *b = tu_run(m, m->p.seed, first, n, false, false);
    *keep = m;
    return b;
}

static void free_direct(bmc_result_block *b, bmc_model *m)
{
    free((void *)b->layout);
    bmc_result_block_free(b);
    bmc_model_free(m);
}

static void test_jobs_match_direct_runs(void **state)
{
    char *text = tu_source_text("configs/baseline.yaml", NULL);
    bmc_resim_source src = {.name = "baseline.yaml", .text = text};
    bmc_resim *r = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_resim_create(&src, &r, &err), BMC_OK);
    /* the order switches keys, so a stale override in the workspace would show */
    const char *order[] = {"staff.fte=250", "intake.year_to_year_sdlog=0.3", NULL,
                           "staff.fte=330", "staff.fte=250", NULL};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        bmc_model *m;
        bmc_result_block *d = direct(order[k], 5, 3, &m);
        for (int i = 0; i < 3; i++) {
            const bmc_result_block *row;
            assert_int_equal(bmc_resim_run(r, order[k], 5 + i, NULL, &row, &err), BMC_OK);
            assert_same_row(row, 0, d, i);
        }
        free_direct(d, m);
    }
    bmc_resim_free(r);
    free(text);
}

typedef struct collected {
    int32_t day[64];
    double share[64];
    double params[64][BMC_MAX_PARAMS];
} collected;

/* Called on the pool's threads at once: each writes only job j's slots. */
static void take(void *ctx, int64_t j, const bmc_result_block *row, const bmc_model *m)
{
    collected *c = ctx;
    c->day[j] = row->completion_day[0];
    c->share[j] = row->decided_share_at_target[0];
    memcpy(c->params[j], row->params, (size_t)row->layout->n_params * sizeof(double));
}

/* A pool of two threads gives what one workspace gives, job by job. */
static void test_pool_threads(void **state)
{
    char *text = tu_source_text("configs/baseline.yaml", NULL);
    bmc_resim_source src = {.name = "baseline.yaml", .text = text};
    bmc_resim_job jobs[24];
    const char *sets[] = {NULL, "staff.fte=280", "staff.fte=320"};
    for (int j = 0; j < 24; j++)
        jobs[j] = (bmc_resim_job){.scenario = j % 8, .set = sets[j / 8]};
    static collected one, two;
    bmc_err err = {{0}};
    for (int t = 1; t <= 2; t++) {
        bmc_resim_pool *p = NULL;
        assert_int_equal(bmc_resim_pool_create(&src, t, &p, &err), BMC_OK);
        assert_int_equal(bmc_resim_pool_threads(p), t);
        assert_int_equal(bmc_resim_pool_run(p, 24, jobs, take, t == 1 ? &one : &two, &err),
                         BMC_OK);
        bmc_resim_pool_free(p);
    }
    assert_memory_equal(one.day, two.day, sizeof one.day);
    assert_memory_equal(one.params, two.params, sizeof one.params);
    /* more staff never hurts these scenarios much: the median day moves earlier */
    int earlier = 0;
    for (int j = 0; j < 8; j++)
        earlier += one.day[16 + j] >= 0 && (one.day[j] < 0 || one.day[16 + j] < one.day[j]);
    assert_true(earlier >= 6);
    free(text);
}

/* Slot uniforms: an override moves exactly its slot to the quantile of the given uniform. */
static void test_uniform_override(void **state)
{
    char *text = tu_source_text("configs/baseline.yaml", NULL);
    bmc_resim_source src = {.name = "baseline.yaml", .text = text};
    bmc_resim *r = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_resim_create(&src, &r, &err), BMC_OK);
    const bmc_model *m;
    assert_int_equal(bmc_resim_model(r, NULL, &m, &err), BMC_OK);
    double u[BMC_P_MAX], own[BMC_P_MAX];
    for (int i = 0; i < BMC_P_MAX; i++)
        u[i] = NAN;
    u[BMC_P_FTE_FACTOR] = 0.05;
    const bmc_result_block *row;
    assert_int_equal(bmc_resim_run(r, NULL, 3, NULL, &row, &err), BMC_OK);
    double plain[BMC_MAX_PARAMS];
    int np = row->layout->n_params;
    memcpy(plain, row->params, (size_t)np * sizeof(double));
    assert_int_equal(bmc_resim_run(r, NULL, 3, u, &row, &err), BMC_OK);
    assert_int_equal(bmc_resim_uniforms(r, 3, own, &err), BMC_OK);
    for (int k = 0; k < np; k++) {
        const char *name = row->layout->param_names[k];
        if (!strcmp(name, "staff.fte_factor")) {
            assert_true(row->params[k] == bmc_dist_quantile(&m->p.fte_factor, 0.05));
            assert_true(plain[k] == bmc_dist_quantile(&m->p.fte_factor, own[BMC_P_FTE_FACTOR]));
        } else {
            assert_true(row->params[k] == plain[k]);
        }
    }
    bmc_resim_free(r);
    free(text);
}

/* The source's design reaches every job: a Latin hypercube of 32 points over the scenarios
 * fills each of 32 strata of intake.annual_level once, with or without an override of an
 * unrelated key, and a failing override names itself and the scenario. */
static void test_design_and_errors(void **state)
{
    const char *sets[] = {"run.design=latin_hypercube", "run.scenarios=32", NULL};
    char *text = tu_source_text("configs/baseline.yaml", sets);
    bmc_resim_source src = {.name = "baseline.yaml", .text = text};
    bmc_resim_pool *p = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_resim_pool_create(&src, 2, &p, &err), BMC_OK);
    const bmc_model *m = bmc_resim_pool_model(p);
    bmc_resim_job jobs[64];
    for (int j = 0; j < 64; j++)
        jobs[j] = (bmc_resim_job){.scenario = j % 32, .set = j < 32 ? NULL : "staff.fte=200"};
    static collected c;
    assert_int_equal(bmc_resim_pool_run(p, 64, jobs, take, &c, &err), BMC_OK);
    int seen[32] = {0};
    for (int j = 0; j < 32; j++) {
        double L = c.params[j][0];
        assert_true(L == c.params[32 + j][0]);
        /* the stratum of the level under its lognormal law */
        double lo = 0, hi = 1;
        for (int it = 0; it < 60; it++) {
            double mid = (lo + hi) / 2;
            if (bmc_dist_quantile(&m->p.annual_level, mid) < L)
                lo = mid;
            else
                hi = mid;
        }
        seen[(int)floor(lo * 32)]++;
    }
    for (int k = 0; k < 32; k++)
        assert_int_equal(seen[k], 1);
    jobs[5].set = "staff.fte=-1";
    assert_int_not_equal(bmc_resim_pool_run(p, 64, jobs, take, &c, &err), BMC_OK);
    assert_non_null(strstr(err.msg, "scenario 5 with staff.fte=-1"));
    assert_non_null(strstr(err.msg, "--set staff.fte=-1"));
    bmc_resim_pool_free(p);
    free(text);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jobs_match_direct_runs),
        cmocka_unit_test(test_pool_threads),
        cmocka_unit_test(test_uniform_override),
        cmocka_unit_test(test_design_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
