/* The deterministic mode (MODEL.md section 11): a fluid model whose completion date is
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fluid_completion),
        cmocka_unit_test(test_fluid_completion_with_approach_switch),
        cmocka_unit_test(test_baseline_projection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
