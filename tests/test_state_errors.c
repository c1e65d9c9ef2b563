/* Every refusal of a state file (MODEL.md section 12) is one line FILE:LINE:COL: key: message,
 * at the offending value, and the file is never repaired. Each test below breaks one rule of a
 * valid state for the baseline configuration (A and C in the approach from 2026-10-01, B and D
 * from 2027-01-01, AMV and O never; Pact date 2026-06-12; triage after 3 month ends, off after
 * 3) and checks the whole position and key, and what the message says. */
#include "testutil.h"

#include <math.h>

#include "assert_near.h"
#include "state.h"

/* The valid lines; a test replaces one of them (by its key) or appends one. */
static const char *const VALID[] = {
    "as_of: 2026-12-31",
    "old_cases: {A: {waiting: 9000, ready: 2500, remands: 40}, B: {ready: 7000}}",
    "decided_old: 21000",
    "new_cases: {regular: [[2026-11, 1500], [2026-12, 1900]], accelerated: [[2026-12, 400]]}",
    "triage: {on: false, above: 1}",
    NULL,
};

/* text loaded against p: the message must start with `expect` and hold `says`. */
static void refused_text(bmc_params *p, const char *text, const char *expect, const char *says)
{
    bmc_err err = {{0}};
    bmc_state_source src = {"state.yaml", text};
    int rc = bmc_state_load(&src, p, NULL, &err);
    if (rc != BMC_ECONFIG || strncmp(err.msg, expect, strlen(expect)) || !strstr(err.msg, says))
        fail_msg("got %d \"%s\", expected \"%s...%s...\"", rc, err.msg, expect, says);
    assert_null(strchr(err.msg, '\n'));
}

/* VALID with the line starting with `key:` replaced by `line` (appended when no line has that
 * key; line NULL drops it), refused as refused_text says. */
static void refused_with(bmc_params *p, const char *key, const char *line, const char *expect,
                         const char *says)
{
    char text[4096] = "";
    bool replaced = false;
    size_t klen = strlen(key);
    for (int i = 0; VALID[i]; i++) {
        const char *l = VALID[i];
        if (!strncmp(l, key, klen) && l[klen] == ':') {
            replaced = true;
            if (!line)
                continue;
            l = line;
        }
        strcat(text, l);
        strcat(text, "\n");
    }
    if (!replaced && line) {
        strcat(text, line);
        strcat(text, "\n");
    }
    refused_text(p, text, expect, says);
}

static void refused(const char *key, const char *line, const char *expect, const char *says)
{
    bmc_params *p = tu_params("configs/baseline.yaml", NULL);
    refused_with(p, key, line, expect, says);
    free(p);
}

static void test_the_valid_state_loads(void **state)
{
    (void)state;
    bmc_params *p = tu_params("configs/baseline.yaml", NULL);
    char text[4096] = "";
    for (int i = 0; VALID[i]; i++) {
        strcat(text, VALID[i]);
        strcat(text, "\n");
    }
    bmc_err err = {{0}};
    bmc_state_source src = {"state.yaml", text};
    assert_int_equal(bmc_state_load(&src, p, NULL, &err), BMC_OK);
    assert_near(p->start.waiting[1], 9000, 0);
    free(p);
}

static void test_unknown_category(void **state)
{
    (void)state;
    refused("old_cases", "old_cases: {A: {ready: 2}, Z: {ready: 1}}", "state.yaml:2:28: old_cases.Z: ",
            "the configuration has no category \"Z\" (its categories: AMV, A, B, C, D, O)");
}

static void test_unknown_track(void **state)
{
    (void)state;
    refused("new_cases", "new_cases: {fast: [[2026-12, 5]]}", "state.yaml:4:13: new_cases.fast: ",
            "no track \"fast\" (its tracks: regular, accelerated)");
}

static void test_unknown_stage_and_key(void **state)
{
    (void)state;
    refused("old_cases", "old_cases: {A: {open: 2}}", "state.yaml:2:17: old_cases.A.open: ",
            "unknown key \"open\" (known keys here: waiting, ready, remands)");
    refused("colour", "colour: red", "state.yaml:6:1: colour: ", "unknown key \"colour\"");
}

static void test_waiting_before_the_approach(void **state)
{
    (void)state;
    refused("old_cases", "old_cases: {B: {waiting: 5, ready: 1}}",
            "state.yaml:2:26: old_cases.B.waiting: ",
            "5 cases wait for the voorfase, but the approach of B has not started by as_of "
            "(approach_start 2027-01-01)");
    refused("old_cases", "old_cases: {O: {waiting: 5}}", "state.yaml:2:26: old_cases.O.waiting: ",
            "(approach_start never)");
}

static void test_negative_count(void **state)
{
    (void)state;
    refused("old_cases", "old_cases: {A: {ready: -5}}", "state.yaml:2:24: old_cases.A.ready: ",
            "expected a whole number in [0, 1000000000], got \"-5\"");
    refused("decided_old", "decided_old: -1", "state.yaml:3:14: decided_old: ", "\"-1\"");
    refused("new_cases", "new_cases: {regular: [[2026-12, -3]]}",
            "state.yaml:4:33: new_cases.regular[0][1]: ", "got \"-3\"");
}

static void test_count_not_whole(void **state)
{
    (void)state;
    refused("old_cases", "old_cases: {A: {remands: 2.5}}", "state.yaml:2:26: old_cases.A.remands: ",
            "expected a whole number");
    refused("new_cases", "new_cases: {regular: [[2026-12, 2.5]]}",
            "state.yaml:4:23: new_cases.regular[0]: ", "2.5 is not a whole number of cases");
    refused("observed", "observed: {intake: [[2026-12, 10.5]]}",
            "state.yaml:6:21: observed.intake[0]: ", "10.5 is not a whole number");
    refused("intake_history", "intake_history: [[2026-12, 10.5]]",
            "state.yaml:6:18: intake_history[0]: ", "10.5 is not a whole number of applications");
}

static void test_month_after_as_of(void **state)
{
    (void)state;
    refused("new_cases", "new_cases: {regular: [[2026-11, 1], [2027-01, 5]]}",
            "state.yaml:4:37: new_cases.regular[1]: ", "2027-01 lies after as_of 2026-12-31");
    refused("new_cases", "new_cases: {accelerated: [[2027-01-01, 5]]}",
            "state.yaml:4:27: new_cases.accelerated[0]: ",
            "2027-01-01 lies after as_of 2026-12-31");
    refused("observed", "observed: {old_open: [[2027-01, 5]]}",
            "state.yaml:6:23: observed.old_open[0]: ", "2027-01 lies after as_of 2026-12-31");
    refused("intake_history", "intake_history: [[2026-12, 2000], [2027-01, 2100]]",
            "state.yaml:6:35: intake_history[1]: ",
            "2027-01 does not end before 2027-01, the first simulated month");
}

static void test_lodged_before_the_pact(void **state)
{
    (void)state;
    refused("new_cases", "new_cases: {regular: [[2026-05, 5]]}",
            "state.yaml:4:23: new_cases.regular[0]: ",
            "2026-05 lies before pact_date 2026-06-12: a case lodged then is an old case");
}

static void test_periods_out_of_order(void **state)
{
    (void)state;
    refused("new_cases", "new_cases: {regular: [[2026-12, 1], [2026-11, 5]]}",
            "state.yaml:4:37: new_cases.regular[1]: ", "oldest first, each once");
    refused("new_cases", "new_cases: {regular: [[2026-11, 1], [2026-11-30, 5]]}",
            "state.yaml:4:37: new_cases.regular[1]: ", "oldest first, each once");
    refused("observed", "observed: {new_on_time_share: [[2026-11, 0.9], [2026-11, 0.8]]}",
            "state.yaml:6:48: observed.new_on_time_share[1]: ", "oldest first, each once");
}

static void test_malformed_values(void **state)
{
    (void)state;
    refused("new_cases", "new_cases: {regular: [[2026-13, 5]]}",
            "state.yaml:4:23: new_cases.regular[0]: ",
            "\"2026-13\" is not a lodging month YYYY-MM or day YYYY-MM-DD");
    refused("observed", "observed: {new_on_time_share: [[2026-11, 1.2]]}",
            "state.yaml:6:42: observed.new_on_time_share[0][1]: ",
            "expected a number in [0, 1], got \"1.2\"");
    refused("observed", "observed: {intake: [[2026-Q4, 5]]}", "state.yaml:6:21: observed.intake[0]: ",
            "\"2026-Q4\" is not a month YYYY-MM");
    refused("as_of", "as_of: 2026-02-30", "state.yaml:1:8: as_of: ", "2026-02-30");
}

static void test_as_of(void **state)
{
    (void)state;
    refused("as_of", "as_of: 2026-12-30", "state.yaml:1:8: as_of: ",
            "as_of must be the last day of a month");
    refused("as_of", "as_of: 2029-06-30", "state.yaml:1:8: as_of: ",
            "as_of must lie before target_date 2029-06-12 and horizon_date 2031-12-31");
    refused("as_of", NULL, "state.yaml:1:1: as_of: ", "missing required key \"as_of\"");
}

static void test_required_keys(void **state)
{
    (void)state;
    refused("new_cases", NULL, "state.yaml:1:1: ",
            "missing required key \"new_cases\": as_of lies on or after pact_date 2026-06-12");
    refused("decided_old", NULL, "state.yaml:1:1: decided_old: ",
            "missing required key \"decided_old\"");
    refused("old_cases", NULL, "state.yaml:1:1: old_cases: ", "missing required key \"old_cases\"");
}

static void test_triage_inconsistent(void **state)
{
    (void)state;
    refused("triage", "triage: {on: false, above: 3}", "state.yaml:5:28: triage.above: ",
            "triage would have switched on after 3 month ends above the threshold");
    refused("triage", "triage: {on: true, below: 3}", "state.yaml:5:27: triage.below: ",
            "triage would have switched off after 3 month ends at or below");
    refused("triage", "triage: {on: true, above: 1, below: 1}", "state.yaml:5:37: triage.below: ",
            "one of them is 0");
    refused("triage", "triage: {above: 1}", "state.yaml:5:9: triage.on: ",
            "missing required key \"on\"");
}

static void test_triage_not_replayable(void **state)
{
    (void)state;
    refused("triage", NULL, "state.yaml:1:8: as_of: ",
            "triage is not given and cannot be replayed: the intake history does not reach as_of");
    refused("triage", "intake_history: [[2026-10, 2000], [2026-11, 2000]]",
            "state.yaml:5:17: intake_history: ", "does not reach as_of");
}

static void test_plan_cycle_start(void **state)
{
    (void)state;
    refused("plan_cycle_start", "plan_cycle_start: 2027-01-02", "state.yaml:6:19: plan_cycle_start: ",
            "the start of the plan cycle in progress lies after the first simulated day");
    const char *sets[] = {"old_cases.categories[1].approach_start=never",
                          "old_cases.categories[2].approach_start=never",
                          "old_cases.categories[3].approach_start=never",
                          "old_cases.categories[4].approach_start=never", NULL};
    bmc_params *p = tu_params("configs/baseline.yaml", sets);
    refused_text(p, "as_of: 2026-12-31\nold_cases: {A: {ready: 1}}\ndecided_old: 0\n"
                    "new_cases: {}\ntriage: {on: false}\nplan_cycle_start: 2026-10-01\n",
                 "state.yaml:6:19: plan_cycle_start: ", "no category has an approach_start");
    free(p);
}

/* Without a history in the state the configuration's must end before the first simulated
 * month: the state does not silently cut it. */
static void test_config_history_reaches_into_the_run(void **state)
{
    (void)state;
    const char *sets[] = {"intake_history=[[2026-Q1, 5000]]", NULL};
    bmc_params *p = tu_params("configs/baseline.yaml", sets);
    refused_text(p, "as_of: 2026-01-31\nold_cases: {A: {ready: 1}}\ndecided_old: 0\n",
                 "state.yaml:1:8: as_of: ",
                 "the configuration's intake_history reaches into the simulated period (from "
                 "2026-02)");
    free(p);
}

static void test_missing_file(void **state)
{
    (void)state;
    bmc_params *p = tu_params("configs/baseline.yaml", NULL);
    bmc_err err = {{0}};
    bmc_state_source src = {"/nonexistent/state.yaml", NULL};
    assert_int_not_equal(bmc_state_load(&src, p, NULL, &err), BMC_OK);
    assert_non_null(strstr(err.msg, "/nonexistent/state.yaml"));
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_valid_state_loads),
        cmocka_unit_test(test_unknown_category),
        cmocka_unit_test(test_unknown_track),
        cmocka_unit_test(test_unknown_stage_and_key),
        cmocka_unit_test(test_waiting_before_the_approach),
        cmocka_unit_test(test_negative_count),
        cmocka_unit_test(test_count_not_whole),
        cmocka_unit_test(test_month_after_as_of),
        cmocka_unit_test(test_lodged_before_the_pact),
        cmocka_unit_test(test_periods_out_of_order),
        cmocka_unit_test(test_malformed_values),
        cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_required_keys),
        cmocka_unit_test(test_triage_inconsistent),
        cmocka_unit_test(test_triage_not_replayable),
        cmocka_unit_test(test_plan_cycle_start),
        cmocka_unit_test(test_config_history_reaches_into_the_run),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
