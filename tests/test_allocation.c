/* The day's allocation of docs/model.md section 6 (version 2) on constructed cases with known
 * answers: work conservation after the old cases are done, held categories, the voorfase
 * split by decision shares, and the scenario factors on work content. Every run checks the
 * invariants each day (check = true), the idle rule among them. */
#include "testutil.h"

#include <math.h>

/* One category X of 2000 old cases (work 2), 10 officer-days a working day, new intake 600
 * a year on one track (work 1.5, deadline 183 days): 3.6 officer-days a day, well below
 * capacity. Triage at 250 a year fires in September 2026 and stays on, so cap_new holds new
 * intake at 250 x 1.5 / working days = 1.5 officer-days a day while old cases are ready:
 * a new backlog builds and its cases miss the deadline. Once the old cases are done, step 5
 * gives new cases everything the cap held back, the backlog clears and every month from a
 * year after the completion decides at least 95 % of its new cases on time (in fact all). */
static const char *const ON_TIME_CASE[] = {
    "intake.annual_level=600",
    "intake.negbin_size=poisson",
    "intake.deviation.sigma=0",
    "intake.tracks=[{name: regular, share: 1, deadline_days: 183, lead_days: 28, work: 1.5}]",
    "old_cases.categories[0].initial=2000",
    "triage.threshold=250",
    "time.horizon_date=2029-12-31",
};
#define N_ON_TIME_SETS (sizeof ON_TIME_CASE / sizeof ON_TIME_CASE[0])

static void check_on_time_recovers(const char *policy, const char *extra, bool det)
{
    const char *sets[N_ON_TIME_SETS + 4];
    size_t n = 0;
    for (size_t i = 0; i < N_ON_TIME_SETS; i++)
        sets[n++] = ON_TIME_CASE[i];
    sets[n++] = policy;
    sets[n++] = extra;
    sets[n++] = det ? "run.deterministic=true" : "run.seed=5";
    sets[n] = NULL;
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    const int N = det ? 1 : 100;
    bmc_result_block *b = tu_run(m, 31, 0, N, true, true);
    int nm = b->layout->n_months;
    double worst_dip = 1;
    for (int s = 0; s < N; s++) {
        int done = b->completion_day[s];
        assert_true(done >= 0);
        assert_true(b->first_triage_day[s] >= 0 && b->first_triage_day[s] < done);
        int recovered_from = m->month_index[done] + 12;
        assert_true(recovered_from < nm);
        for (int mo = 0; mo < nm; mo++) {
            size_t at = (size_t)s * nm + mo;
            double dec = b->traj[BMC_TRAJ_NEW_DECISIONS][at];
            double share = dec > 0 ? b->traj[BMC_TRAJ_NEW_ON_TIME][at] / dec : 1;
            if (mo < recovered_from && share < worst_dip)
                worst_dip = share;
            if (mo >= recovered_from && share < 0.95)
                fail_msg("%s scenario %d: month %d, %.0f months after completion: on time %.3f",
                         policy, s, mo, mo - recovered_from + 12.0, share);
            /* triage is still on: the recovery is the allocation's, not a release */
            if (mo >= recovered_from)
                assert_true(b->traj[BMC_TRAJ_TRIAGE][at] > 0.5);
        }
    }
    /* the case is not trivial: before the recovery new cases did miss their deadline */
    assert_true(worst_dip < 0.5);
    tu_block_free(b);
    bmc_model_free(m);
}

static void test_new_on_time_recovers(void **state)
{
    (void)state;
    for (int det = 0; det < 2; det++) {
        check_on_time_recovers("triage.policy=cap_new", "triage.old_share=0.4", det);
        /* share with old cases at 90 %: new intake held at 1 officer-day a day */
        check_on_time_recovers("triage.policy=share", "triage.old_share=0.9", det);
    }
}

/* Two categories: X (500 cases, regular process) and B (1000 cases, approach from
 * 2027-01-01, held until then). Before B's approach start B decides nothing, and once X is
 * done the officer-days stay unused (the only ready cases are held, which the idle rule
 * allows); from the approach start on, B is decided. Without the hold, B would share the
 * capacity from the first day. */
static void test_hold_until_approach(void **state)
{
    (void)state;
    const char *sets[] = {
        "old_cases.categories=[{name: X, initial: 500, grant_rate: 0.3, approach_start: never, "
        "regular: {hearings_per_day: 1, decisions_per_day: 1, hearing_share: 1}}, "
        "{name: B, initial: 1000, grant_rate: 0.9, approach_start: 2027-01-01, "
        "hold_until_approach: true, "
        "regular: {hearings_per_day: 1, decisions_per_day: 1, hearing_share: 1}, "
        "approach: {decisions_per_day: 4, hearing_share: 0}}]",
        "voorfase.capacity=100", "voorfase.show_probability=1", NULL};
    for (int det = 0; det < 2; det++) {
        const char *with_det[sizeof sets / sizeof sets[0] + 1];
        size_t n = 0;
        for (; sets[n]; n++)
            with_det[n] = sets[n];
        with_det[n++] = det ? "run.deterministic=true" : "run.seed=2";
        with_det[n] = NULL;
        bmc_model *m = tu_model("tests/data/models/single.yaml", with_det);
        bmc_result_block *b = tu_run(m, 9, 0, det ? 1 : 20, true, true);
        int nm = b->layout->n_months, start = m->month_index[m->approach_day[1]];
        for (int s = 0; s < b->count; s++) {
            double before = 0, after = 0, idle_before = 0;
            for (int mo = 0; mo < nm; mo++) {
                size_t at = (size_t)s * nm + mo;
                double d = b->traj_cat[BMC_TRAJ_OLD_DECISIONS][at * 2 + 1];
                if (mo < start) {
                    before += d;
                    idle_before += b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][at] -
                                   b->traj[BMC_TRAJ_OFFICER_DAYS_USED][at];
                } else {
                    after += d;
                }
            }
            assert_float_equal(before, 0, 0);
            assert_true(after > 999); /* all of B, and its remand-free decisions */
            assert_true(b->category_completion_day[s * 2] < m->approach_day[1]);
            assert_true(idle_before > 100); /* X done by about August: idle, not B's */
        }
        tu_block_free(b);
        bmc_model_free(m);
        /* the same without the hold: B takes half the capacity from the first day */
        const char *free_b[] = {sets[0], sets[1], sets[2],
                                "old_cases.categories[1].hold_until_approach=false",
                                "run.deterministic=true", NULL};
        m = tu_model("tests/data/models/single.yaml", free_b);
        b = tu_run(m, 9, 0, 1, true, true);
        assert_true(b->traj_cat[BMC_TRAJ_OLD_DECISIONS][1] > 0);
        tu_block_free(b);
        bmc_model_free(m);
    }
}

/* Voorfase places follow the plan's decision shares s_c / w_c (docs/model.md section 3, version
 * 2). A: 10,000 cases at work 1 (2 hearings, 2 decisions a day); B: 2,500 at work 0.25 (4
 * decisions a day, no hearing); equal grant rates, so the shares are the untilted
 * b = (10,000, 625) officer-days and the decision shares are 10,000 : 2,500 = 0.8 : 0.2. With
 * 100 places a working day, everyone attending and capacity for all, A decides 80 cases and
 * B 20 on every working day of May 2026 (the attendees of the working day before). Shares of
 * officer-days would give 95 and 5. */
static void test_voorfase_decision_shares(void **state)
{
    (void)state;
    const char *sets[] = {
        "run.deterministic=true", "staff.fte=100000",
        "old_cases.categories=[{name: A, initial: 10000, grant_rate: 0.3, approach_start: "
        "2026-04-01, regular: {hearings_per_day: 1, decisions_per_day: 1, hearing_share: 1}, "
        "approach: {hearings_per_day: 2, decisions_per_day: 2, hearing_share: 1}}, "
        "{name: B, initial: 2500, grant_rate: 0.3, approach_start: 2026-04-01, "
        "regular: {hearings_per_day: 1, decisions_per_day: 1, hearing_share: 1}, "
        "approach: {decisions_per_day: 4, hearing_share: 0}}]",
        "voorfase.capacity=100", "voorfase.show_probability=1", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    int may = m->month_index[bmc_calendar_day_of(m->cal, bmc_date_from_ymd(2026, 5, 1))];
    int working = 0;
    for (int t = 0; t < m->ndays; t++)
        working += m->working[t] && m->month_index[t] == may;
    assert_float_equal(b->traj_cat[BMC_TRAJ_OLD_DECISIONS][may * 2], 80.0 * working, 1e-9);
    assert_float_equal(b->traj_cat[BMC_TRAJ_OLD_DECISIONS][may * 2 + 1], 20.0 * working, 1e-9);
    tu_block_free(b);
    bmc_model_free(m);
}

/* rates_factor multiplies a category's approach hearings and decisions per day, and so its
 * remand work (docs/model.md section 4). One category in the approach from the start (2 hearings
 * and 2 decisions a day: work 1) with rates_factor 0.5 (work 2), grant rate 0 and every
 * rejection annulled after 30 days: 1000 first decisions at 2 officer-days and 1000 remand
 * decisions at 1 / (2 x 0.5) = 1 officer-day, 3000 officer-days in all. */
static void test_rates_factor(void **state)
{
    (void)state;
    const char *sets[] = {
        "run.deterministic=true", "old_cases.categories[0].initial=1000",
        "old_cases.categories[0].grant_rate=0",
        "old_cases.categories[0].approach_start=2026-04-01",
        "old_cases.categories[0].approach={hearings_per_day: 2, decisions_per_day: 2, "
        "hearing_share: 1, rates_factor: 0.5}",
        "voorfase.capacity=100000", "voorfase.show_probability=1", "remands.probability=1",
        "remands.delay_days=30", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    double used = 0, remands = 0;
    for (int mo = 0; mo < b->layout->n_months; mo++) {
        used += b->traj[BMC_TRAJ_OFFICER_DAYS_USED][mo];
        remands += b->traj[BMC_TRAJ_REMAND_DECISIONS][mo];
    }
    assert_float_equal(remands, 1000, 1e-6);
    assert_float_equal(used, 3000, 1e-6);
    tu_block_free(b);
    bmc_model_free(m);
}

/* The new-case work factor scales every track's work and the cap_new cap with it, so under
 * the cap new cases are decided at threshold / working days of the year a day whatever the
 * factor: 10,000 old cases keep the rest of the capacity busy, intake 3,000 a year is above
 * the threshold of 1,000, and from triage on (2026-09-01) every working day of October 2026
 * decides 1,000 / 253 new cases. Without triage all the new work is done at 1.5 x 0.6
 * officer-days a case. */
static void test_new_work_factor(void **state)
{
    (void)state;
    const char *sets[] = {
        "run.deterministic=true", "intake.annual_level=3000", "intake.work_factor=0.6",
        "old_cases.categories[0].initial=10000", "triage.threshold=1000",
        "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    int oct = m->month_index[bmc_calendar_day_of(m->cal, bmc_date_from_ymd(2026, 10, 1))];
    int working = 0;
    for (int t = 0; t < m->ndays; t++)
        working += m->working[t] && m->month_index[t] == oct;
    int year = bmc_calendar_working_days_in_year(m->cal, 2026);
    assert_int_equal(b->first_triage_day[0],
                     bmc_calendar_day_of(m->cal, bmc_date_from_ymd(2026, 9, 1)));
    assert_float_equal(b->traj[BMC_TRAJ_NEW_DECISIONS][oct], 1000.0 * working / year, 1e-6);
    tu_block_free(b);
    bmc_model_free(m);

    const char *no_triage[] = {"run.deterministic=true", "intake.annual_level=3000",
                               "intake.work_factor=0.6", "old_cases.categories[0].initial=1",
                               NULL};
    m = tu_model("tests/data/models/single.yaml", no_triage);
    b = tu_run(m, 1, 0, 1, true, true);
    double used = 0, decided = 0;
    for (int mo = 0; mo < b->layout->n_months; mo++) {
        used += b->traj[BMC_TRAJ_OFFICER_DAYS_USED][mo];
        decided += b->traj[BMC_TRAJ_NEW_DECISIONS][mo];
    }
    assert_true(decided > 7000);
    assert_float_equal(used, decided * 1.5 * 0.6 + 1 * 2, 1e-6 * used);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_on_time_recovers),
        cmocka_unit_test(test_hold_until_approach),
        cmocka_unit_test(test_voorfase_decision_shares),
        cmocka_unit_test(test_rates_factor),
        cmocka_unit_test(test_new_work_factor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
