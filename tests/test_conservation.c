/* docs/model.md section 11 over whole runs of the baseline and of high intake under each triage
 * policy: the engine checks the invariants every day (check = true fails the run otherwise),
 * among them that no officer-day stays unused while a ready case exists (section 6, version
 * 2), and the totals at the horizon balance exactly. */
#include "testutil.h"

#include <math.h>

static void check_totals(const bmc_model *m, bool det)
{
    bmc_layout layout;
    bmc_model_layout(m, true, &layout);
    bmc_result_block *b = bmc_result_block_alloc(&layout, 1);
    bmc_sim *sim = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_sim_create(m, &sim, &err), BMC_OK);
    for (int s = 0; s < (det ? 1 : 12); s++) {
        int rc = bmc_sim_run(sim, 4242, s, true, b, 0, &err);
        if (rc != BMC_OK)
            fprintf(stderr, "%s\n", err.msg);
        assert_int_equal(rc, BMC_OK);
        bmc_sim_totals t;
        bmc_sim_totals_get(sim, &t);
        double tol = det ? 1e-6 * t.old_total : 0;
        assert_true(fabs(t.old_total - (t.old_decided + t.old_closed + t.old_open)) <= tol);
        assert_true(fabs(t.new_arrivals - (t.new_decided + t.new_open)) <= (det ? 1e-6 * t.new_arrivals : 0));
        assert_true(t.officer_days_used <= t.officer_days_offered * (1 + 1e-12));
        assert_true(t.old_total > m->old_initial_total); /* pre-Pact arrivals */
        /* the monthly trajectories add up to the totals */
        double dec = 0, grants = 0, rej = 0, arrivals = 0;
        int nm = layout.n_months, nc = layout.n_categories;
        for (int mo = 0; mo < nm; mo++) {
            for (int c = 0; c < nc; c++)
                dec += b->traj_cat[BMC_TRAJ_OLD_DECISIONS][(size_t)mo * nc + c];
            grants += b->traj[BMC_TRAJ_GRANTS][mo];
            rej += b->traj[BMC_TRAJ_REJECTIONS][mo];
            arrivals += b->traj[BMC_TRAJ_NEW_ARRIVALS][mo];
        }
        double eps = det ? 1e-6 * t.old_total : 1e-6;
        assert_true(fabs(dec - t.old_decided) <= eps);
        assert_true(fabs(grants + rej - t.first_decisions) <= eps);
        assert_true(fabs(grants - t.grants) <= eps);
        assert_true(fabs(arrivals - t.new_arrivals) <= eps);
        if (!det) /* whole numbers in stochastic mode */
            assert_true(t.old_decided == floor(t.old_decided) && t.grants == floor(t.grants));
        /* idle_share is what the monthly officer-days say */
        double offered = 0, used = 0;
        for (int mo = 0; mo < nm; mo++) {
            offered += b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][mo];
            used += b->traj[BMC_TRAJ_OFFICER_DAYS_USED][mo];
        }
        assert_true(fabs(offered - t.officer_days_offered) <= 1e-6 * offered);
        assert_true(fabs(b->idle_share[0] - (offered - used) / offered) <= 1e-9);
    }
    bmc_sim_free(sim);
    bmc_result_block_free(b);
}

static void test_baseline_stochastic(void **state)
{
    (void)state;
    bmc_model *m = tu_model("configs/baseline.yaml", NULL);
    check_totals(m, false);
    bmc_model_free(m);
}

static void test_baseline_deterministic(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", NULL};
    bmc_model *m = tu_model("configs/baseline.yaml", sets);
    check_totals(m, true);
    bmc_model_free(m);
}

/* High intake makes triage fire in most scenarios: each policy's allocation must still use
 * every officer-day while a ready case exists. */
static void test_high_intake_policies(void **state)
{
    (void)state;
    const char *policies[] = {"triage.policy=cap_new", "triage.policy=share",
                              "triage.policy=protect_new"};
    for (int k = 0; k < 3; k++) {
        for (int det = 0; det < 2; det++) {
            const char *sets[] = {policies[k], det ? "run.deterministic=true" : "run.seed=1",
                                  NULL};
            bmc_model *m = tu_model("configs/high-intake.yaml", sets);
            check_totals(m, det);
            bmc_model_free(m);
        }
    }
}

/* The same scenario twice gives the same row: no state leaks from one scenario into the
 * next through the reused workspace. */
static void test_workspace_reuse(void **state)
{
    (void)state;
    bmc_model *m = tu_model("configs/baseline.yaml", NULL);
    bmc_result_block *a = tu_run(m, 77, 3, 1, true, false);
    bmc_result_block *b = tu_run(m, 77, 0, 4, true, false); /* scenario 3 after 0, 1, 2 */
    assert_int_equal(a->completion_day[0], b->completion_day[3]);
    assert_memory_equal(&a->grant_rate[0], &b->grant_rate[3], sizeof(double));
    int nm = a->layout->n_months;
    assert_memory_equal(a->traj[BMC_TRAJ_NEW_ARRIVALS], b->traj[BMC_TRAJ_NEW_ARRIVALS] + 3 * nm,
                        (size_t)nm * sizeof(double));
    tu_block_free(a);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_stochastic),
        cmocka_unit_test(test_baseline_deterministic),
        cmocka_unit_test(test_high_intake_policies),
        cmocka_unit_test(test_workspace_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
