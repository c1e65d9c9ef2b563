/* Dates, Easter and the Dutch public holidays (MODEL.md section 1) against dates written
 * out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "calendar.h"

static bmc_date ymd(int y, int m, int d)
{
    return bmc_date_from_ymd(y, m, d);
}

static void test_easter(void **state)
{
    (void)state;
    static const int known[][3] = {{2000, 4, 23}, {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},
                                   {2027, 3, 28}, {2028, 4, 16}, {2029, 4, 1},  {2030, 4, 21},
                                   {2031, 4, 13}, {2038, 4, 25}, {1943, 4, 25}, {2008, 3, 23}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_int_equal(bmc_easter_sunday(known[i][0]), ymd(known[i][0], known[i][1], known[i][2]));
}

static void test_round_trip_and_weekday(void **state)
{
    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(bmc_date_weekday(ymd(2026, 6, 12)), 4); /* a Friday */
    assert_int_equal(bmc_date_weekday(ymd(2029, 6, 12)), 1); /* a Tuesday */
    for (bmc_date d = ymd(1900, 1, 1); d <= ymd(2200, 12, 31); d++) {
        int y, m, dd;
        bmc_date_to_ymd(d, &y, &m, &dd);
        assert_int_equal(ymd(y, m, dd), d);
    }
    char buf[11];
    bmc_date_format(ymd(2029, 6, 12), buf);
    assert_string_equal(buf, "2029-06-12");
}

static void test_parse(void **state)
{
    (void)state;
    bmc_date d;
    assert_int_equal(bmc_date_parse("2028-02-29", &d), 0);
    assert_int_equal(d, ymd(2028, 2, 29));
    const char *bad[] = {"2026-02-30", "2026-2-3", "2026-13-01", "", "2026-01-01x",
                         "2027-02-29", "26-01-01", "2026/01/01", "2026-00-10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(bmc_date_parse(bad[i], &d), -1);
}

static void test_add_months(void **state)
{
    (void)state;
    assert_int_equal(bmc_date_add_months(ymd(2026, 8, 31), 1), ymd(2026, 9, 30));
    assert_int_equal(bmc_date_add_months(ymd(2026, 10, 1), 3), ymd(2027, 1, 1));
    assert_int_equal(bmc_date_add_months(ymd(2028, 1, 31), 1), ymd(2028, 2, 29));
}

static const unsigned DUTCH = BMC_HOL_NEW_YEAR | BMC_HOL_EASTER_MONDAY | BMC_HOL_KINGS_DAY |
                              BMC_HOL_LIBERATION_DAY | BMC_HOL_ASCENSION |
                              BMC_HOL_WHIT_MONDAY | BMC_HOL_CHRISTMAS | BMC_HOL_BOXING_DAY;

static void test_holidays(void **state)
{
    (void)state;
    /* 2026 and 2027, written out by hand */
    static const int hol[][3] = {
        {2026, 1, 1}, {2026, 4, 6}, {2026, 4, 27}, {2026, 5, 5},  {2026, 5, 14}, {2026, 5, 25},
        {2026, 12, 25}, {2026, 12, 26}, {2027, 1, 1}, {2027, 3, 29}, {2027, 4, 27},
        {2027, 5, 5}, {2027, 5, 6}, {2027, 5, 17}, {2027, 12, 25}, {2027, 12, 26}};
    int found = 0;
    for (bmc_date d = ymd(2026, 1, 1); d <= ymd(2027, 12, 31); d++)
        found += bmc_is_rule_holiday(DUTCH, d);
    assert_int_equal(found, (int)(sizeof hol / sizeof hol[0]));
    for (size_t i = 0; i < sizeof hol / sizeof hol[0]; i++)
        assert_true(bmc_is_rule_holiday(DUTCH, ymd(hol[i][0], hol[i][1], hol[i][2])));
    /* King's Day moves to the 26th when the 27th is a Sunday (2025) */
    assert_true(bmc_is_rule_holiday(DUTCH, ymd(2025, 4, 26)));
    assert_false(bmc_is_rule_holiday(DUTCH, ymd(2025, 4, 27)));
    /* Good Friday only when asked for */
    assert_false(bmc_is_rule_holiday(DUTCH, ymd(2026, 4, 3)));
    assert_true(bmc_is_rule_holiday(BMC_HOL_GOOD_FRIDAY, ymd(2026, 4, 3)));
    unsigned rule;
    assert_int_equal(bmc_holiday_rule_from_name("whit_monday", &rule), 0);
    assert_int_equal(rule, BMC_HOL_WHIT_MONDAY);
    assert_int_equal(bmc_holiday_rule_from_name("whitmonday", &rule), -1);
}

static void test_calendar_tables(void **state)
{
    (void)state;
    bmc_date extra = ymd(2026, 7, 1); /* a Wednesday made non-working */
    bmc_calendar *c = bmc_calendar_create(ymd(2026, 4, 1), ymd(2027, 12, 31), DUTCH, &extra, 1);
    assert_non_null(c);
    assert_int_equal(bmc_calendar_days(c), ymd(2027, 12, 31) - ymd(2026, 4, 1) + 1);
    assert_int_equal(bmc_calendar_months(c), 21);
    assert_int_equal(bmc_calendar_month_first(c, 9), ymd(2027, 1, 1));
    assert_int_equal(bmc_calendar_month_of_year(c, 9), 1);
    const int32_t *mi = bmc_calendar_month_index(c);
    assert_int_equal(mi[0], 0);
    assert_int_equal(mi[bmc_calendar_day_of(c, ymd(2026, 4, 30))], 0);
    assert_int_equal(mi[bmc_calendar_day_of(c, ymd(2026, 5, 1))], 1);
    assert_true(bmc_calendar_is_month_end(c, bmc_calendar_day_of(c, ymd(2026, 4, 30))));
    assert_false(bmc_calendar_is_month_end(c, bmc_calendar_day_of(c, ymd(2026, 4, 29))));
    const uint8_t *w = bmc_calendar_working(c);
    assert_false(w[bmc_calendar_day_of(c, extra)]);
    assert_true(w[bmc_calendar_day_of(c, ymd(2026, 7, 2))]);
    /* 2027: 261 weekdays less the 6 holidays on weekdays (1 Jan, 29 Mar, 27 Apr, 5, 6, 17 May) */
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2027), 255);
    /* 2026: 261 weekdays less 7 (1 Jan, 6 Apr, 27 Apr, 5, 14, 25 May, 25 Dec) and 1 Jul */
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2026), 253);
    bmc_calendar_free(c);
    assert_null(bmc_calendar_create(ymd(2026, 4, 1), ymd(2026, 3, 1), DUTCH, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter),          cmocka_unit_test(test_round_trip_and_weekday),
        cmocka_unit_test(test_parse),           cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_holidays),        cmocka_unit_test(test_calendar_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
