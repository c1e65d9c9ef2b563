/* The deterministic mode (docs/model.md section 11): a fluid model whose completion date is
 * computed here by hand, with a working-day calendar written out in this file. */
#include "testutil.h"

#include <math.h>

#include "projection.h"

/* Dutch public holidays on weekdays, 2026-04-01 .. 2028-12-31, written out by hand. */
static const int HOLIDAYS[][3] = {
    {2026, 4, 6},  {2026, 4, 27}, {2026, 5, 5},  {2026, 5, 14}, {2026, 5, 25}, {2026, 12, 25},
    {2027, 1, 1},  {2027, 3, 29}, {2027, 4, 27}, {2027, 5, 5},  {2027, 5, 6},  {2027, 5, 17},
    {2028, 4, 17}, {2028, 4, 27}, {2028, 5, 5},  {2028, 5, 25}, {2028, 6, 5},  {2028, 12, 25},
    {2028, 12, 26},
};

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

/* Sakamoto's weekday, 0 = Sunday */
static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static bool is_working(int y, int m, int d)
{
    int w = weekday(y, m, d);
    if (w == 0 || w == 6)
        return false;
    for (size_t i = 0; i < sizeof HOLIDAYS / sizeof HOLIDAYS[0]; i++)
        if (HOLIDAYS[i][0] == y && HOLIDAYS[i][1] == m && HOLIDAYS[i][2] == d)
            return false;
    return true;
}

/* Calendar day index (from 2026-04-01) of the k-th working day (k >= 1); also the number of
 * working days before a given date when asked through before(). */
static int kth_working_day(int k)
{
    int y = 2026, m = 4, d = 1, index = 0;
    for (;;) {
        if (is_working(y, m, d) && --k == 0)
            return index;
        index++;
        if (++d > days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

static int working_days_before(int ty, int tm, int td)
{
    int y = 2026, m = 4, d = 1, n = 0;
    while (!(y == ty && m == tm && d == td)) {
        n += is_working(y, m, d);
        if (++d > days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    return n;
}

/* 1000 cases, 8.5 officer-days a day on work 2: 4.25 decisions a working day, so the last
 * case is decided on working day ceil(1000 / 4.25) = 236. */
static void test_fluid_completion(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "staff.availability=0.85",
                          "old_cases.categories[0].initial=1000", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_projection pr;
    bmc_err err;
    assert_int_equal(bmc_projection_run(m, &pr, &err), BMC_OK);
    assert_int_equal(pr.completion_day, kth_working_day(236));
    assert_int_equal(pr.p90_day, kth_working_day((int)ceil(900 / 4.25)));
    assert_int_equal(pr.p99_day, kth_working_day((int)ceil(990 / 4.25)));
    bmc_model_free(m);
}

/* The work content switches at the approach start (2026-10-01, a Thursday): before it 4.25
 * decisions a day (work 2). On that day every open case starts waiting for the voorfase;
 * with places for all and everyone attending they are ready from the next day, so
 * 2026-10-01 decides nothing, and from then on 8.5 a day (work 1: two hearings and two
 * decisions a day). */
static void test_fluid_completion_with_approach_switch(void **state)
{
    (void)state;
    const char *sets[] = {
        "run.deterministic=true",
        "staff.availability=0.85",
        "old_cases.categories[0].initial=2000",
        "old_cases.categories[0].approach_start=2026-10-01",
        "old_cases.categories[0].approach={hearings_per_day: 2, decisions_per_day: 2, "
        "hearing_share: 1}",
        "voorfase.capacity=100000",
        "voorfase.show_probability=1",
        NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_projection pr;
    bmc_err err;
    assert_int_equal(bmc_projection_run(m, &pr, &err), BMC_OK);
    int before = working_days_before(2026, 10, 1);
    double left = 2000 - before * 4.25;
    assert_true(left > 0);
    int after = (int)ceil(left / 8.5);
    assert_int_equal(pr.completion_day, kth_working_day(before + 1 + after));
    bmc_model_free(m);
}

/* The baseline's central projection conserves every case (checked each day inside) and
 * clears the old cases before the horizon. */
static void test_baseline_projection(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", NULL};
    bmc_model *m = tu_model("configs/baseline.yaml", sets);
    bmc_projection pr;
    bmc_err err = {{0}};
    int rc = bmc_projection_run(m, &pr, &err);
    if (rc != BMC_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, BMC_OK);
    assert_true(pr.completion_day > m->pact_day);
    assert_true(pr.p90_day <= pr.p95_day && pr.p95_day <= pr.p99_day &&
                pr.p99_day <= pr.completion_day);
    bmc_model_free(m);
}

/* The central projection takes every scenario-level parameter at its median (docs/model.md
 * section 11, version 2), not its mean: a lognormal level of median 36,525 and sdlog 0.5 gives
 * 36,525 S[m] / 12 arrivals in month m (its mean would be e^0.125 = 13 % more), and the staff
 * factor triangular(0.85, 1, 1.05) its median 0.85 + sqrt(0.5 x 0.2 x 0.15) = 0.97247 (its
 * mean is 0.96667): 10 fte x 0.97247 a working day. */
static void test_parameters_at_medians(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true",
                          "intake.annual_level={dist: lognormal, median: 36525, sdlog: 0.5}",
                          "staff.fte_factor={dist: triangular, min: 0.85, mode: 1, max: 1.05}",
                          NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_layout layout;
    bmc_model_layout(m, true, &layout);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    double F = 0.85 + sqrt(0.5 * 0.2 * 0.15);
    for (int mo = 0; mo < b->layout->n_months; mo++) {
        int y, mon, d, working = 0;
        bmc_date_to_ymd(bmc_calendar_month_first(m->cal, mo), &y, &mon, &d);
        for (int t = 0; t < m->ndays; t++)
            working += m->working[t] && m->month_index[t] == mo;
        assert_float_equal(b->traj[BMC_TRAJ_NEW_ARRIVALS][mo],
                           36525 * m->p.seasonality[mon - 1] / 12, 1e-9 * 36525);
        assert_float_equal(b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][mo], 10 * F * working,
                           1e-9 * working);
    }
    tu_block_free(b);
    bmc_model_free(m);
}

static char *verdict_of(const bmc_model *m, const bmc_projection *pr)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    bmc_projection_print(m, pr, f);
    fclose(f);
    char *v = strstr(text, "verdict: ");
    assert_non_null(v);
    char *out = strdup(v);
    free(text);
    return out;
}

/* check's verdict counts the work left at the scenario's own work content: with A's hearing
 * rate at 0.001 of 2 a day, a case needs 1 / 0.002 + 1 / 2 = 500.5 officer-days, and the
 * years the open cases still need follow from that, not from the raw 2 a day (which would
 * say well under a year). */
static void test_verdict_uses_factors(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true",
                          "old_cases.categories[1].approach.hearings_factor=0.001", NULL};
    bmc_model *m = tu_model("configs/baseline.yaml", sets);
    bmc_projection pr;
    bmc_err err = {{0}};
    assert_int_equal(bmc_projection_run(m, &pr, &err), BMC_OK);
    assert_int_equal(pr.completion_day, -1);
    /* A's open cases need 500.5 officer-days each and dominate the work left (the raw
     * rates would put every open case at 1 officer-day or less) */
    assert_true(pr.old_work_left > 200 * pr.old_open_at_horizon);
    double years = pr.old_work_left / (pr.capacity_per_year - pr.new_demand_per_year);
    assert_true(years > 100);
    char *v = verdict_of(m, &pr);
    char want[64];
    snprintf(want, sizeof want, "about %.1f more years", years);
    if (!strstr(v, want))
        fail_msg("verdict \"%s\" lacks \"%s\"", v, want);
    free(v);
    bmc_model_free(m);
}

/* Without voorfase places (or with nobody attending) the categories in the approach never
 * leave waiting: the verdict says they can never be decided, not how many years they need. */
static void test_verdict_closed_voorfase(void **state)
{
    (void)state;
    const char *closed[2][3] = {{"run.deterministic=true", "voorfase.capacity=0", NULL},
                                {"run.deterministic=true", "voorfase.show_probability=0", NULL}};
    const char *why[2] = {"(no places)", "(show_probability 0)"};
    for (int k = 0; k < 2; k++) {
        bmc_model *m = tu_model("configs/baseline.yaml", closed[k]);
        bmc_projection pr;
        bmc_err err = {{0}};
        assert_int_equal(bmc_projection_run(m, &pr, &err), BMC_OK);
        assert_int_equal(pr.completion_day, -1);
        assert_true(pr.voorfase_closed && pr.old_waiting_at_horizon > 1000);
        char *v = verdict_of(m, &pr);
        if (!strstr(v, "cannot be cleared") || !strstr(v, "never be decided") ||
            !strstr(v, why[k]))
            fail_msg("verdict \"%s\"", v);
        free(v);
        bmc_model_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_uses_factors),
        cmocka_unit_test(test_verdict_closed_voorfase),
        cmocka_unit_test(test_parameters_at_medians),
        cmocka_unit_test(test_fluid_completion),
        cmocka_unit_test(test_fluid_completion_with_approach_switch),
        cmocka_unit_test(test_baseline_projection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
