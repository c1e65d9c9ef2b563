/* Each random purpose draws from its own stream only (docs/model.md section 10): a draw taken
 * from the wrong stream shows here. The scenario parameters are recomputed from the
 * parameters stream by hand; the other purposes are checked by switching one purpose's draws
 * on or off (a probability of exactly 1 or 0 takes no random number, one a hair away takes
 * them but leaves the state as it was) and asking that every other output stays the same, bit
 * for bit. */
#include "testutil.h"

#include <math.h>

#include "rng.h"

enum { N = 6 };

static bmc_result_block *run_baseline(const char *const *sets, bmc_model **m)
{
    *m = tu_model("configs/baseline.yaml", sets);
    return tu_run(*m, 99, 0, N, true, true);
}

static void assert_same_traj(const bmc_result_block *a, const bmc_result_block *b, int f,
                             const char *what)
{
    size_t n = (size_t)N * (size_t)a->layout->n_months;
    if (memcmp(a->traj[f], b->traj[f], n * sizeof(double)) != 0)
        fail_msg("%s: %s differs", what, bmc_traj_name(f));
}

static void assert_same_cat(const bmc_result_block *a, const bmc_result_block *b, int f,
                            const char *what)
{
    size_t n = (size_t)N * (size_t)a->layout->n_months * (size_t)a->layout->n_categories;
    if (memcmp(a->traj_cat[f], b->traj_cat[f], n * sizeof(double)) != 0)
        fail_msg("%s: %s differs", what, bmc_traj_cat_name(f));
}

/* Slot i of the scenario parameters is the i-th uniform of (seed, scenario, parameters)
 * through the parameter's inverse CDF. */
static void test_parameters_stream(void **state)
{
    (void)state;
    bmc_model *m;
    bmc_result_block *b = run_baseline(NULL, &m);
    gsl_rng *r = bmc_stream_alloc();
    assert_non_null(r);
    for (int s = 0; s < N; s++) {
        bmc_stream_key(r, 99, (uint64_t)s, BMC_STREAM_PARAMETERS);
        int col = 0;
        for (int i = 0; i < m->n_slots; i++) {
            double u = gsl_rng_uniform_pos(r);
            const bmc_dist *d = m->slot_dist[i];
            if (!d || bmc_dist_is_fixed(d))
                continue;
            double want = bmc_dist_quantile(d, u);
            assert_true(b->params[(size_t)s * b->layout->n_params + col] == want);
            col++;
        }
        assert_int_equal(col, b->layout->n_params);
    }
    gsl_rng_free(r);
    tu_block_free(b);
    bmc_model_free(m);
}

/* The intake stream feeds the arrivals alone: staff, voorfase, outcomes, withdrawals and
 * remands changed at once leave every month's new arrivals as they were. */
static void test_intake_stream(void **state)
{
    (void)state;
    bmc_model *m1, *m2;
    bmc_result_block *a = run_baseline(NULL, &m1);
    const char *other[] = {"staff.fte=200", "voorfase.capacity=150",
                           "voorfase.show_probability=0.5", "remands.probability=0.3",
                           "withdrawals.annual_rate=0.2", "intake.grant_rate=0.7", NULL};
    bmc_result_block *b = run_baseline(other, &m2);
    assert_same_traj(a, b, BMC_TRAJ_NEW_ARRIVALS, "other purposes changed");
    tu_block_free(a);
    tu_block_free(b);
    bmc_model_free(m1);
    bmc_model_free(m2);
}

/* One purpose's draws switched on with a probability a hair from certain: nothing else moves. */
/* except: a trajectory left out of the comparison (-1: none) */
static bool outcome_traj(int f)
{
    return f == BMC_TRAJ_GRANTS || f == BMC_TRAJ_REJECTIONS || f == BMC_TRAJ_NAREIS ||
           f == BMC_TRAJ_APPEALS;
}

static void check_switch(const char *off, const char *on, const char *what, bool outcomes_too)
{
    bmc_model *m1, *m2;
    /* no reclassification: the voorfase stream then holds the show-up draws alone, so
     * switching them does not move a later draw of the same stream */
    const char *s1[] = {off, "old_cases.reclassification=[]", NULL},
               *s2[] = {on, "old_cases.reclassification=[]", NULL};
    bmc_result_block *a = run_baseline(s1, &m1);
    bmc_result_block *b = run_baseline(s2, &m2);
    for (int f = 0; f < BMC_TRAJ_COUNT; f++)
        if (outcomes_too || !outcome_traj(f))
            assert_same_traj(a, b, f, what);
    for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
        assert_same_cat(a, b, f, what);
    assert_memory_equal(a->completion_day, b->completion_day, N * sizeof(int32_t));
    tu_block_free(a);
    tu_block_free(b);
    bmc_model_free(m1);
    bmc_model_free(m2);
}

static void test_one_purpose_at_a_time(void **state)
{
    (void)state;
    /* voorfase: show-up draws taken or not; production, outcomes untouched */
    check_switch("voorfase.show_probability=1", "voorfase.show_probability=0.999999999999",
                 "voorfase draws", true);
    /* remands: annulment gaps drawn or not; everything but the grants untouched (a remand
     * probability moves the grant probability of the decisions kept, g / (1 - (1 - g) r), by
     * an ulp, which can take the binomial sampler's other branch at g = 0.5) */
    check_switch("remands.probability=0", "remands.probability=1e-15", "remand draws", false);
    /* withdrawals: closures drawn or not */
    check_switch("withdrawals.refile_probability=1",
                 "withdrawals.refile_probability=0.999999999999", "withdrawal draws", true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameters_stream),
        cmocka_unit_test(test_intake_stream),
        cmocka_unit_test(test_one_purpose_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
