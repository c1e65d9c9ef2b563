/* The attribution groups (MODEL.md section 13, models/attribution.c): every key of the
 * documented lists moves with its group and no other. For each key, NEW is the baseline with
 * that key changed; walking the groups from OLD (the baseline) to NEW, and back, the
 * parameters must stay OLD's until the key's group moves and be NEW's from then on, byte for
 * byte. Keys that
 * no group lists move in "other", the last step, which is NEW itself. Also: OLD and NEW with
 * different categories or tracks are refused with a message that says what differs. */
#include "testutil.h"

#include "attribution.h"
#include "state.h"

static bmc_params *load(const char *const *sets, const char *state_text)
{
    char path[4096];
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    bmc_params *p = malloc(sizeof *p);
    assert_non_null(p);
    gsl_set_error_handler_off();
    tu_path(path, sizeof path, "configs/baseline.yaml");
    int rc = cfg_load_file(path, &cfg, &err);
    for (int i = 0; rc == BMC_OK && sets && sets[i]; i++)
        rc = cfg_apply_set(cfg, sets[i], &err);
    bmc_state_source src = {"state.yaml", state_text};
    if (rc == BMC_OK)
        rc = bmc_params_load_state(cfg, state_text ? &src : NULL, p, &err);
    if (rc != BMC_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, BMC_OK);
    cfg_free(cfg);
    return p;
}

typedef struct key_case {
    const char *sets[7];
    int group;
} key_case;

static const key_case CASES[] = {
    {{"time.start_date=2026-05-01"}, BMC_ATTR_STATE},
    {{"old_cases.categories[1].initial=20000"}, BMC_ATTR_STATE},
    {{"intake.annual_level={dist: lognormal, median: 30000, sdlog: 0.25}"}, BMC_ATTR_INTAKE},
    {{"intake.year_to_year_sdlog=0.2"}, BMC_ATTR_INTAKE},
    {{"intake.seasonality=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"}, BMC_ATTR_INTAKE},
    {{"intake.deviation.phi=0.5"}, BMC_ATTR_INTAKE},
    {{"intake.deviation.sigma=0.2"}, BMC_ATTR_INTAKE},
    {{"intake.negbin_size=30"}, BMC_ATTR_INTAKE},
    {{"intake.surge={probability: 0.01, multiplier: 2, months: 3}"}, BMC_ATTR_INTAKE},
    {{"intake.tracks[0].share=0.7", "intake.tracks[1].share=0.3"}, BMC_ATTR_INTAKE},
    {{"old_cases.categories[0].intake_share=0.1", "old_cases.categories[1].intake_share=0.3",
      "old_cases.categories[2].intake_share=0.2", "old_cases.categories[3].intake_share=0.1",
      "old_cases.categories[4].intake_share=0.2", "old_cases.categories[5].intake_share=0.1"},
     BMC_ATTR_STATE},
    {{"intake_history=[[2025-Q4, 6000]]"}, BMC_ATTR_INTAKE},
    {{"staff.fte=320"}, BMC_ATTR_STAFF},
    {{"staff.fte_factor=1"}, BMC_ATTR_STAFF},
    {{"staff.availability=0.8"}, BMC_ATTR_STAFF},
    {{"staff.availability_seasonality=[1.1, 1, 1, 1, 1, 1, 0.9, 1, 1, 1, 1, 1]"},
     BMC_ATTR_STAFF},
    {{"staff.availability_deviation.rho=0.5"}, BMC_ATTR_STAFF},
    {{"staff.availability_deviation.tau=0.1"}, BMC_ATTR_STAFF},
    {{"old_cases.categories[1].regular.decisions_per_day=1.2"}, BMC_ATTR_WORK},
    {{"old_cases.categories[1].approach.hearings_per_day=1.5"}, BMC_ATTR_WORK},
    {{"old_cases.categories[1].approach.hearings_factor=1"}, BMC_ATTR_WORK},
    {{"old_cases.categories[2].approach.decisions_factor=1"}, BMC_ATTR_WORK},
    {{"old_cases.categories[3].approach.rates_factor=1"}, BMC_ATTR_WORK},
    {{"intake.tracks[0].work=1.5"}, BMC_ATTR_WORK},
    {{"intake.work_factor=1"}, BMC_ATTR_WORK},
    {{"old_cases.categories[5].priority=true"}, BMC_ATTR_POLICY},
    {{"old_cases.categories[2].hold_until_approach=true"}, BMC_ATTR_POLICY},
    {{"old_cases.categories[1].approach_start=2026-11-01"}, BMC_ATTR_POLICY},
    {{"old_cases.categories[4].approach_start=never"}, BMC_ATTR_POLICY},
    {{"voorfase.capacity=300"}, BMC_ATTR_POLICY},
    {{"plan.cycle_months=2"}, BMC_ATTR_POLICY},
    {{"plan.grant_target=0.4"}, BMC_ATTR_POLICY},
    {{"plan.grant_tolerance=0.1"}, BMC_ATTR_POLICY},
    {{"triage.threshold=30000"}, BMC_ATTR_POLICY},
    {{"triage.trigger_months=2"}, BMC_ATTR_POLICY},
    {{"triage.release_months=2"}, BMC_ATTR_POLICY},
    {{"triage.min_days=60"}, BMC_ATTR_POLICY},
    {{"triage.policy=share"}, BMC_ATTR_POLICY},
    {{"triage.old_share=0.5"}, BMC_ATTR_POLICY},
    {{"intake.tracks[0].deadline_days=150"}, BMC_ATTR_POLICY},
    {{"intake.tracks[0].lead_days=20"}, BMC_ATTR_POLICY},
    {{"time.horizon_date=2032-12-31"}, BMC_ATTR_OTHER},
    {{"time.target_date=2029-12-31"}, BMC_ATTR_OTHER},
    {{"time.pact_date=2026-07-01"}, BMC_ATTR_OTHER},
    {{"time.holidays=[new_year]"}, BMC_ATTR_OTHER},
    {{"time.extra_holidays=[2026-12-24]"}, BMC_ATTR_OTHER},
    {{"old_cases.categories[1].grant_rate=0.2"}, BMC_ATTR_OTHER},
    {{"intake.grant_rate=0.5"}, BMC_ATTR_OTHER},
    {{"old_cases.reclassification=[]"}, BMC_ATTR_OTHER},
    {{"voorfase.show_probability=0.8"}, BMC_ATTR_OTHER},
    {{"withdrawals.annual_rate=0.03"}, BMC_ATTR_OTHER},
    {{"withdrawals.refile_probability=0.4"}, BMC_ATTR_OTHER},
    {{"remands.probability=0.1"}, BMC_ATTR_OTHER},
    {{"remands.delay_days=90"}, BMC_ATTR_OTHER},
    {{"chain.nareis_per_grant=0.5"}, BMC_ATTR_OTHER},
    {{"chain.appeals_per_rejection=0.7"}, BMC_ATTR_OTHER},
    {{"run.deterministic=true"}, BMC_ATTR_OTHER},
};

/* Walks OLD to NEW and checks that the parameters change exactly at `group`. */
static void check_walk(const bmc_params *old, const bmc_params *new, int group, const char *what)
{
    bmc_params *step = malloc(sizeof *step);
    assert_non_null(step);
    if (memcmp(old, new, sizeof *old) == 0)
        fail_msg("%s: NEW does not differ from OLD", what);
    *step = *old;
    for (int g = 0; g < BMC_ATTR_GROUPS; g++) {
        bmc_attr_move_group(step, new, g);
        const bmc_params *expect = g < group ? old : new;
        if (memcmp(step, expect, sizeof *step) != 0)
            fail_msg("%s: after moving %s the parameters are not %s's", what,
                     bmc_attr_group_name(g), g < group ? "OLD" : "NEW");
    }
    free(step);
}

static void test_every_key_moves_with_its_group(void **state)
{
    (void)state;
    bmc_params *old = load(NULL, NULL);
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        bmc_params *new = load(CASES[i].sets, NULL);
        check_walk(old, new, CASES[i].group, CASES[i].sets[0]);
        check_walk(new, old, CASES[i].group, CASES[i].sets[0]); /* and back */
        free(new);
    }
    free(old);
}

/* A state moves with "state", its intake history with "intake". */
static void test_state_file_keys(void **state)
{
    (void)state;
    const char *a = "as_of: 2026-12-31\nold_cases: {A: {ready: 10}}\ndecided_old: 5\n"
                    "new_cases: {regular: [[2026-12, 7]]}\ntriage: {on: false}\n";
    const char *b = "as_of: 2026-12-31\nold_cases: {A: {ready: 10}}\ndecided_old: 5\n"
                    "new_cases: {regular: [[2026-12, 7]]}\ntriage: {on: false}\n"
                    "intake_history: [[2026-11, 2000], [2026-12, 2100]]\n";
    const char *c = "as_of: 2027-01-31\nold_cases: {A: {waiting: 3, ready: 10}}\n"
                    "decided_old: 50\nnew_cases: {accelerated: [[2027-01-07, 7]]}\n"
                    "triage: {on: true, below: 1}\nplan_cycle_start: 2027-01-01\n";
    bmc_params *base = load(NULL, NULL), *pa = load(NULL, a), *pb = load(NULL, b),
               *pc = load(NULL, c);
    check_walk(base, pa, BMC_ATTR_STATE, "a state instead of the initial counts");
    check_walk(pa, pc, BMC_ATTR_STATE, "a later state");
    check_walk(pa, pb, BMC_ATTR_INTAKE, "the state's intake history");
    free(base);
    free(pa);
    free(pb);
    free(pc);
}

static void test_names(void **state)
{
    (void)state;
    const char *expect[] = {"state", "intake", "staff", "work content", "policy", "other"};
    for (int g = 0; g < BMC_ATTR_GROUPS; g++) {
        assert_string_equal(bmc_attr_group_name(g), expect[g]);
        assert_true(strlen(bmc_attr_group_keys(g)) > 20);
    }
    assert_null(bmc_attr_group_name(BMC_ATTR_GROUPS));
}

static void test_different_lists_are_refused(void **state)
{
    (void)state;
    bmc_params *old = load(NULL, NULL);
    const char *renamed[] = {"old_cases.categories[1].name=AA", NULL};
    const char *tracks[] = {"intake.tracks[1].name=fast", NULL};
    bmc_params *a = load(renamed, NULL), *b = load(tracks, NULL);
    bmc_err err = {{0}};
    assert_int_equal(bmc_attr_comparable(old, old, &err), BMC_OK);
    assert_int_equal(bmc_attr_comparable(old, a, &err), BMC_ECONFIG);
    assert_string_equal(err.msg, "OLD and NEW have different old-case categories (OLD: AMV, A, "
                                 "B, C, D, O; NEW: AMV, AA, B, C, D, O): attribution moves their "
                                 "keys one by one and needs the same list in the same order");
    assert_int_equal(bmc_attr_comparable(b, old, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "different new-case tracks (OLD: regular, fast; NEW: "
                                    "regular, accelerated)"));
    a->n_categories--;
    assert_int_equal(bmc_attr_comparable(old, a, &err), BMC_ECONFIG);
    free(old);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_moves_with_its_group),
        cmocka_unit_test(test_state_file_keys),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_different_lists_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
