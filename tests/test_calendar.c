/* Dates, Easter and the Dutch public holidays (docs/model.md section 1) against dates written
 * out by hand, and the calendar tables of a period against a naive day-by-day walk that does
 * not use the date functions under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "calendar.h"
#include "holidays.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bmc_date ymd(int y, int m, int d)
{
    return bmc_date_from_ymd(y, m, d);
}

static const unsigned DUTCH = BMC_HOL_NEW_YEAR | BMC_HOL_EASTER_MONDAY | BMC_HOL_KINGS_DAY |
                              BMC_HOL_LIBERATION_DAY | BMC_HOL_ASCENSION |
                              BMC_HOL_WHIT_MONDAY | BMC_HOL_CHRISTMAS | BMC_HOL_BOXING_DAY;

/* ---- a naive calendar, independent of calendar.c ---------------------------------------- */

/* Walks y-m-d one day forward with month lengths written out (leap rule by hand). */
static void naive_next(int *y, int *m, int *d)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    int dim = *m == 2 && leap ? 29 : len[*m - 1];
    if (++*d > dim) {
        *d = 1;
        if (++*m > 12) {
            *m = 1;
            ++*y;
        }
    }
}

typedef struct {
    int m, d;
} md;

static bool in_md(const md *list, size_t n, int m, int d)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].m == m && list[i].d == d)
            return true;
    return false;
}

/* The Dutch holidays of 2026 and 2027 (DUTCH rules), from a printed calendar: New Year,
 * Easter Monday, King's Day, Liberation Day, Ascension, Whit Monday, Christmas, Boxing Day. */
static const md HOL_2026[] = {{1, 1},  {4, 6},  {4, 27},  {5, 5},
                              {5, 14}, {5, 25}, {12, 25}, {12, 26}};
static const md HOL_2027[] = {{1, 1}, {3, 29}, {4, 27},  {5, 5},
                              {5, 6}, {5, 17}, {12, 25}, {12, 26}};

/* Working days of a year: weekdays from a known weekday of 1 January (0 = Monday), less the
 * holidays and extra days given by hand. */
static int naive_working_days(int year, int jan1_weekday, const md *hol, size_t n_hol,
                              const md *extra, size_t n_extra)
{
    int y = year, m = 1, d = 1, wd = jan1_weekday, n = 0;
    while (y == year) {
        n += wd < 5 && !in_md(hol, n_hol, m, d) && !in_md(extra, n_extra, m, d);
        naive_next(&y, &m, &d);
        wd = (wd + 1) % 7;
    }
    return n;
}

/* ---- dates ------------------------------------------------------------------------------ */

static void test_easter(void **state)
{
    (void)state;
    /* 1818 and 2285: the earliest possible Easter (22 March); 1943 and 2038: the latest */
    static const int known[][3] = {
        {2000, 4, 23}, {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},  {2027, 3, 28},
        {2028, 4, 16}, {2029, 4, 1},  {2030, 4, 21}, {2031, 4, 13}, {2038, 4, 25},
        {1818, 3, 22}, {2285, 3, 22}, {1943, 4, 25}, {2008, 3, 23}, {1954, 4, 18},
        {1981, 4, 19}, {2019, 4, 21}, {2049, 4, 18}, {2100, 3, 28}, {2200, 4, 6}};
    for (size_t i = 0; i < COUNT(known); i++)
        assert_int_equal(bmc_easter_sunday(known[i][0]),
                         ymd(known[i][0], known[i][1], known[i][2]));
    /* always a Sunday between 22 March and 25 April */
    for (int y = 1583; y <= 4099; y++) {
        bmc_date e = bmc_easter_sunday(y);
        assert_int_equal(bmc_date_weekday(e), 6);
        assert_in_range(e, ymd(y, 3, 22), ymd(y, 4, 25));
    }
}

static void test_anchors_and_weekday(void **state)
{
    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(1969, 12, 31), -1);
    assert_int_equal(ymd(2000, 3, 1), 11017);
    assert_int_equal(ymd(1900, 1, 1), -25567);
    assert_int_equal(bmc_date_weekday(ymd(1970, 1, 1)), 3);   /* a Thursday */
    assert_int_equal(bmc_date_weekday(ymd(1969, 12, 29)), 0); /* a Monday, before day 0 */
    assert_int_equal(bmc_date_weekday(ymd(2026, 6, 12)), 4);  /* a Friday */
    assert_int_equal(bmc_date_weekday(ymd(2029, 6, 12)), 1);  /* a Tuesday */
    assert_int_equal(bmc_date_weekday(ymd(1900, 1, 1)), 0);   /* a Monday */
    assert_true(bmc_is_leap_year(2000) && bmc_is_leap_year(2024) && bmc_is_leap_year(2028));
    assert_false(bmc_is_leap_year(1900) || bmc_is_leap_year(2100) || bmc_is_leap_year(2026));
    assert_int_equal(bmc_days_in_month(2028, 2), 29);
    assert_int_equal(bmc_days_in_month(2100, 2), 28);
    assert_int_equal(bmc_days_in_month(2026, 4), 30);
    assert_int_equal(bmc_days_in_month(2026, 12), 31);
}

/* From year -2000 to 6000, to_ymd walks exactly like the naive calendar, from_ymd inverts
 * it, and the weekday steps by one. */
static void test_round_trip(void **state)
{
    (void)state;
    int y = -2000, m = 1, d = 1;
    bmc_date start = ymd(y, m, d), end = ymd(6000, 12, 31);
    int wd = bmc_date_weekday(start);
    for (bmc_date t = start; t <= end; t++) {
        int yy, mm, dd;
        bmc_date_to_ymd(t, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d)
            fail_msg("day %d: %d-%d-%d, expected %d-%d-%d", (int)t, yy, mm, dd, y, m, d);
        assert_int_equal(ymd(y, m, d), t);
        assert_int_equal(bmc_date_weekday(t), wd);
        naive_next(&y, &m, &d);
        wd = (wd + 1) % 7;
    }
    char buf[11];
    bmc_date_format(ymd(2029, 6, 12), buf);
    assert_string_equal(buf, "2029-06-12");
    bmc_date_format(ymd(1900, 1, 1), buf);
    assert_string_equal(buf, "1900-01-01");
}

static void test_parse(void **state)
{
    (void)state;
    bmc_date d;
    static const char *const good[] = {"2028-02-29", "1900-01-01", "2200-12-31", "2026-04-01"};
    for (size_t i = 0; i < COUNT(good); i++) {
        char buf[11];
        assert_int_equal(bmc_date_parse(good[i], &d), 0);
        bmc_date_format(d, buf);
        assert_string_equal(buf, good[i]);
    }
    assert_int_equal(bmc_date_parse("2028-02-29", &d), 0);
    assert_int_equal(d, ymd(2028, 2, 29));
    static const char *const bad[] = {
        "2026-02-30", "2026-2-3",    "2026-13-01", "",           "2026-01-01x", "2026-01-01 ",
        " 2026-01-01", "2027-02-29", "26-01-01",   "2026/01/01", "2026-00-10",  "2026-01-00",
        "2026-04-31", "1899-12-31",  "2201-01-01", "2026-1-001", "+026-01-01",  "2026-01-1x",
        "2026-01-0 ", "2026--01-01", "2100-02-29", "2026-01-32", "abcd-ef-gh"};
    for (size_t i = 0; i < COUNT(bad); i++)
        if (bmc_date_parse(bad[i], &d) != -1)
            fail_msg("parsed \"%s\"", bad[i]);
    assert_int_equal(bmc_date_parse(NULL, &d), -1);
}

static void test_add_months(void **state)
{
    (void)state;
    static const struct {
        int y, m, d, add, ey, em, ed;
    } cases[] = {
        {2026, 8, 31, 1, 2026, 9, 30},    {2026, 10, 1, 3, 2027, 1, 1},
        {2028, 1, 31, 1, 2028, 2, 29},    {2026, 1, 31, 1, 2026, 2, 28},
        {2026, 3, 31, -1, 2026, 2, 28},   {2024, 3, 31, -1, 2024, 2, 29},
        {2026, 1, 15, -13, 2024, 12, 15}, {2026, 12, 31, 2, 2027, 2, 28},
        {2028, 2, 29, 12, 2029, 2, 28},   {2026, 5, 31, 0, 2026, 5, 31},
        {2026, 12, 31, -12, 2025, 12, 31}, {2026, 10, 31, 1, 2026, 11, 30},
        {2026, 1, 1, 240, 2046, 1, 1},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        assert_int_equal(bmc_date_add_months(ymd(cases[i].y, cases[i].m, cases[i].d), cases[i].add),
                         ymd(cases[i].ey, cases[i].em, cases[i].ed));
}

/* ---- holidays --------------------------------------------------------------------------- */

static void test_kings_day(void **state)
{
    (void)state;
    /* 27 April 2025 and 2014 are Sundays: King's Day is the Saturday before */
    assert_true(bmc_is_rule_holiday(BMC_HOL_KINGS_DAY, ymd(2025, 4, 26)));
    assert_false(bmc_is_rule_holiday(BMC_HOL_KINGS_DAY, ymd(2025, 4, 27)));
    assert_true(bmc_is_rule_holiday(BMC_HOL_KINGS_DAY, ymd(2014, 4, 26)));
    assert_false(bmc_is_rule_holiday(BMC_HOL_KINGS_DAY, ymd(2014, 4, 27)));
    assert_true(bmc_is_rule_holiday(BMC_HOL_KINGS_DAY, ymd(2026, 4, 27)));
    assert_false(bmc_is_rule_holiday(BMC_HOL_KINGS_DAY, ymd(2026, 4, 26)));
}

/* Every day of 2026 and 2027 is a holiday exactly when it is in the hand-written list. */
static void test_dutch_holidays(void **state)
{
    (void)state;
    for (int year = 2026; year <= 2027; year++) {
        const md *hol = year == 2026 ? HOL_2026 : HOL_2027;
        int y = year, m = 1, d = 1;
        while (y == year) {
            if (bmc_is_rule_holiday(DUTCH, ymd(y, m, d)) != in_md(hol, 8, m, d))
                fail_msg("%d-%02d-%02d", y, m, d);
            naive_next(&y, &m, &d);
        }
    }
    /* each rule alone gives its own day (2026) */
    static const struct {
        unsigned rule;
        int m, d;
    } one[] = {{BMC_HOL_NEW_YEAR, 1, 1},       {BMC_HOL_GOOD_FRIDAY, 4, 3},
               {BMC_HOL_EASTER_MONDAY, 4, 6},  {BMC_HOL_KINGS_DAY, 4, 27},
               {BMC_HOL_LIBERATION_DAY, 5, 5}, {BMC_HOL_ASCENSION, 5, 14},
               {BMC_HOL_WHIT_MONDAY, 5, 25},   {BMC_HOL_CHRISTMAS, 12, 25},
               {BMC_HOL_BOXING_DAY, 12, 26}};
    for (size_t i = 0; i < COUNT(one); i++) {
        int n = 0;
        for (bmc_date t = ymd(2026, 1, 1); t <= ymd(2026, 12, 31); t++)
            n += bmc_is_rule_holiday(one[i].rule, t);
        assert_int_equal(n, 1);
        assert_true(bmc_is_rule_holiday(one[i].rule, ymd(2026, one[i].m, one[i].d)));
    }
    /* Good Friday only when asked for; no rules, no holidays */
    assert_false(bmc_is_rule_holiday(DUTCH, ymd(2027, 3, 26)));
    assert_true(bmc_is_rule_holiday(BMC_HOL_GOOD_FRIDAY, ymd(2027, 3, 26)));
    assert_false(bmc_is_rule_holiday(0, ymd(2026, 12, 25)));
}

static void test_rule_names(void **state)
{
    (void)state;
    static const char *const names[] = {"new_year",       "good_friday", "easter_monday",
                                        "kings_day",      "liberation_day", "ascension",
                                        "whit_monday",    "christmas",   "boxing_day"};
    for (unsigned i = 0; i < COUNT(names); i++) {
        unsigned rule = 0;
        assert_int_equal(bmc_holiday_rule_from_name(names[i], &rule), 0);
        assert_int_equal(rule, 1u << i);
        assert_string_equal(bmc_holiday_rule_name(rule), names[i]);
    }
    unsigned rule = 0;
    assert_int_equal(bmc_holiday_rule_from_name("whitmonday", &rule), -1);
    assert_int_equal(bmc_holiday_rule_from_name("", &rule), -1);
    assert_string_equal(bmc_holiday_rule_name(BMC_HOL_CHRISTMAS | BMC_HOL_BOXING_DAY), "?");
}

/* ---- the calendar of a period ----------------------------------------------------------- */

/* Working days of 2026 (1 January a Thursday) and 2027 (a Friday) by the naive walk, also for
 * a period that covers neither year whole; the calendar's working[] day by day. */
static void test_working_days(void **state)
{
    (void)state;
    int n26 = naive_working_days(2026, 3, HOL_2026, 8, NULL, 0);
    int n27 = naive_working_days(2027, 4, HOL_2027, 8, NULL, 0);
    /* 261 weekdays each; 7 of the 2026 holidays and 6 of the 2027 ones fall on weekdays */
    assert_int_equal(n26, 254);
    assert_int_equal(n27, 255);
    bmc_calendar *c = bmc_calendar_create(ymd(2026, 1, 1), ymd(2027, 12, 31), bmc_holidays_of_year, &DUTCH, NULL, 0);
    assert_non_null(c);
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2026), n26);
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2027), n27);
    assert_int_equal(bmc_calendar_working_days_total(c), n26 + n27);
    const uint8_t *w = bmc_calendar_working(c);
    int y = 2026, m = 1, d = 1, wd = 3;
    for (int t = 0; t < bmc_calendar_days(c); t++) {
        const md *hol = y == 2026 ? HOL_2026 : HOL_2027;
        bool want = wd < 5 && !in_md(hol, 8, m, d);
        if (w[t] != want)
            fail_msg("%d-%02d-%02d", y, m, d);
        naive_next(&y, &m, &d);
        wd = (wd + 1) % 7;
    }
    bmc_calendar_free(c);
    c = bmc_calendar_create(ymd(2026, 4, 1), ymd(2026, 6, 30), bmc_holidays_of_year, &DUTCH, NULL, 0);
    assert_non_null(c);
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2026), n26);
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2027), n27);
    bmc_calendar_free(c);
}

/* Extra non-working dates: unsorted, repeated, on a weekend, on a rule holiday, outside the
 * period; they count in every year's total. */
static void test_extra_holidays(void **state)
{
    (void)state;
    const bmc_date extra[] = {
        ymd(2027, 6, 2),  /* Wednesday, outside the period */
        ymd(2026, 7, 1),  /* Wednesday */
        ymd(2026, 7, 4),  /* Saturday: no change */
        ymd(2026, 4, 27), /* King's Day already */
        ymd(2026, 7, 1),  /* again */
        ymd(2026, 12, 31), /* Thursday, the last day */
        ymd(2026, 4, 1),  /* Wednesday, the first day */
    };
    bmc_calendar *c =
        bmc_calendar_create(ymd(2026, 4, 1), ymd(2026, 12, 31), bmc_holidays_of_year, &DUTCH, extra, COUNT(extra));
    assert_non_null(c);
    const uint8_t *w = bmc_calendar_working(c);
    assert_false(w[0]);
    assert_false(w[bmc_calendar_day_of(c, ymd(2026, 7, 1))]);
    assert_true(w[bmc_calendar_day_of(c, ymd(2026, 7, 2))]);
    assert_false(w[bmc_calendar_days(c) - 1]);
    static const md x26[] = {{7, 1}, {12, 31}, {4, 1}}, x27[] = {{6, 2}};
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2026),
                     naive_working_days(2026, 3, HOL_2026, 8, x26, COUNT(x26)));
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2026), 254 - 3);
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2027),
                     naive_working_days(2027, 4, HOL_2027, 8, x27, COUNT(x27)));
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2027), 255 - 1);
    int total = 0;
    for (int t = 0; t < bmc_calendar_days(c); t++)
        total += w[t];
    assert_int_equal(bmc_calendar_working_days_total(c), total);
    bmc_calendar_free(c);
    /* the caller's array is copied, not kept */
    bmc_date mine[] = {ymd(2026, 7, 1)};
    c = bmc_calendar_create(ymd(2026, 7, 1), ymd(2026, 7, 2), NULL, NULL, mine, 1);
    assert_non_null(c);
    mine[0] = ymd(2026, 7, 2);
    assert_int_equal(bmc_calendar_working_days_in_year(c, 2026), 261 - 1);
    assert_false(bmc_calendar_working(c)[0]);
    assert_true(bmc_calendar_working(c)[1]);
    bmc_calendar_free(c);
}

/* A period from 2026-04-01 to 2027-06-15: month indices, first dates, months of the year and
 * month ends against the naive walk. */
static void test_month_bookkeeping(void **state)
{
    (void)state;
    bmc_date start = ymd(2026, 4, 1), end = ymd(2027, 6, 15);
    bmc_calendar *c = bmc_calendar_create(start, end, bmc_holidays_of_year, &DUTCH, NULL, 0);
    assert_non_null(c);
    assert_int_equal(bmc_calendar_start(c), start);
    assert_int_equal(bmc_calendar_days(c), 441); /* 275 days of 2026, 166 of 2027 */
    assert_int_equal(bmc_calendar_months(c), 15);
    assert_int_equal(bmc_calendar_date(c, 0), start);
    assert_int_equal(bmc_calendar_date(c, 440), end);
    assert_int_equal(bmc_calendar_day_of(c, end), 440);
    assert_int_equal(bmc_calendar_day_of(c, ymd(2026, 3, 31)), -1);
    assert_int_equal(bmc_calendar_day_of(c, ymd(2027, 6, 16)), 441);
    const int32_t *mi = bmc_calendar_month_index(c);
    int y = 2026, m = 4, d = 1, month = 0, ends = 0;
    for (int t = 0; t < bmc_calendar_days(c); t++) {
        if (d == 1 && t > 0)
            month++;
        if (d == 1) {
            assert_int_equal(bmc_calendar_month_first(c, month), ymd(y, m, 1));
            assert_int_equal(bmc_calendar_month_of_year(c, month), m);
        }
        assert_int_equal(mi[t], month);
        int ny = y, nm = m, nd = d;
        naive_next(&ny, &nm, &nd);
        bool is_end = nd == 1;
        if (bmc_calendar_is_month_end(c, t) != is_end)
            fail_msg("month end on %d-%02d-%02d", y, m, d);
        ends += is_end;
        y = ny, m = nm, d = nd;
    }
    assert_int_equal(month, 14);
    assert_int_equal(ends, 14); /* April 2026 .. May 2027; 15 June is no month end */
    assert_false(bmc_calendar_is_month_end(c, 440));
    assert_int_equal(bmc_calendar_month_first(c, 9), ymd(2027, 1, 1));
    assert_int_equal(bmc_calendar_month_of_year(c, 9), 1);
    assert_int_equal(bmc_calendar_month_first(c, 14), ymd(2027, 6, 1));
    bmc_calendar_free(c);
}

/* Month 0 is the month containing a mid-month start; a leap February ends on the 29th; a
 * one-day period; end before start fails. */
static void test_period_edges(void **state)
{
    (void)state;
    bmc_calendar *c = bmc_calendar_create(ymd(2028, 1, 20), ymd(2028, 3, 1), NULL, NULL, NULL, 0);
    assert_non_null(c);
    assert_int_equal(bmc_calendar_months(c), 3);
    assert_int_equal(bmc_calendar_month_first(c, 0), ymd(2028, 1, 1));
    assert_int_equal(bmc_calendar_month_first(c, 1), ymd(2028, 2, 1));
    assert_int_equal(bmc_calendar_month_of_year(c, 2), 3);
    assert_true(bmc_calendar_is_month_end(c, bmc_calendar_day_of(c, ymd(2028, 2, 29))));
    assert_false(bmc_calendar_is_month_end(c, bmc_calendar_day_of(c, ymd(2028, 2, 28))));
    assert_int_equal(bmc_calendar_month_index(c)[bmc_calendar_days(c) - 1], 2);
    bmc_calendar_free(c);

    c = bmc_calendar_create(ymd(2026, 12, 31), ymd(2026, 12, 31), bmc_holidays_of_year, &DUTCH, NULL, 0);
    assert_non_null(c);
    assert_int_equal(bmc_calendar_days(c), 1);
    assert_int_equal(bmc_calendar_months(c), 1);
    assert_true(bmc_calendar_is_month_end(c, 0));
    assert_true(bmc_calendar_working(c)[0]); /* a Thursday */
    assert_int_equal(bmc_calendar_month_of_year(c, 0), 12);
    bmc_calendar_free(c);

    assert_null(bmc_calendar_create(ymd(2026, 4, 1), ymd(2026, 3, 31), bmc_holidays_of_year, &DUTCH, NULL, 0));
    bmc_calendar_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter),          cmocka_unit_test(test_anchors_and_weekday),
        cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_parse),
        cmocka_unit_test(test_add_months),      cmocka_unit_test(test_kings_day),
        cmocka_unit_test(test_dutch_holidays),  cmocka_unit_test(test_rule_names),
        cmocka_unit_test(test_working_days),    cmocka_unit_test(test_extra_holidays),
        cmocka_unit_test(test_month_bookkeeping), cmocka_unit_test(test_period_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
