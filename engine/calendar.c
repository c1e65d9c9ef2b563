#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
bmc_date bmc_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (bmc_date)(era * 146097 + (int)doe - 719468);
}

void bmc_date_to_ymd(bmc_date z, int *year, int *month, int *day)
{
    int zz = z + 719468;
    int era = (zz >= 0 ? zz : zz - 146096) / 146097;
    unsigned doe = (unsigned)(zz - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (m <= 2);
    *month = (int)m;
    *day = (int)d;
}

bool bmc_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int bmc_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && bmc_is_leap_year(y) ? 29 : days[m - 1];
}

int bmc_date_parse(const char *s, bmc_date *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int v[3] = {0, 0, 0};
    const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < len[k]; i++) {
            char c = s[start[k] + i];
            if (c < '0' || c > '9')
                return -1;
            v[k] = v[k] * 10 + (c - '0');
        }
    if (v[0] < 1900 || v[0] > 2200 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
        v[2] > bmc_days_in_month(v[0], v[1]))
        return -1;
    *out = bmc_date_from_ymd(v[0], v[1], v[2]);
    return 0;
}

void bmc_date_format(bmc_date d, char *buf)
{
    int y, m, dd;
    bmc_date_to_ymd(d, &y, &m, &dd);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, dd);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
}

int bmc_date_weekday(bmc_date d)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    int w = (d + 3) % 7;
    return w < 0 ? w + 7 : w;
}

bmc_date bmc_date_add_months(bmc_date d, int months)
{
    int y, m, dd;
    bmc_date_to_ymd(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    int dim = bmc_days_in_month(y, m);
    return bmc_date_from_ymd(y, m, dd > dim ? dim : dd);
}

bmc_date bmc_easter_sunday(int Y)
{
    int a = Y % 19, b = Y / 100, c = Y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return bmc_date_from_ymd(Y, month, day);
}

static const struct {
    unsigned rule;
    const char *name;
} RULE_NAMES[] = {
    {BMC_HOL_NEW_YEAR, "new_year"},       {BMC_HOL_GOOD_FRIDAY, "good_friday"},
    {BMC_HOL_EASTER_MONDAY, "easter_monday"}, {BMC_HOL_KINGS_DAY, "kings_day"},
    {BMC_HOL_LIBERATION_DAY, "liberation_day"}, {BMC_HOL_ASCENSION, "ascension"},
    {BMC_HOL_WHIT_MONDAY, "whit_monday"}, {BMC_HOL_CHRISTMAS, "christmas"},
    {BMC_HOL_BOXING_DAY, "boxing_day"},
};

int bmc_holiday_rule_from_name(const char *name, unsigned *rule)
{
    for (size_t i = 0; i < sizeof RULE_NAMES / sizeof RULE_NAMES[0]; i++)
        if (!strcmp(name, RULE_NAMES[i].name)) {
            *rule = RULE_NAMES[i].rule;
            return 0;
        }
    return -1;
}

const char *bmc_holiday_rule_name(unsigned rule)
{
    for (size_t i = 0; i < sizeof RULE_NAMES / sizeof RULE_NAMES[0]; i++)
        if (RULE_NAMES[i].rule == rule)
            return RULE_NAMES[i].name;
    return "?";
}

bool bmc_is_rule_holiday(unsigned rules, bmc_date d)
{
    int y, m, dd;
    bmc_date_to_ymd(d, &y, &m, &dd);
    if ((rules & BMC_HOL_NEW_YEAR) && m == 1 && dd == 1)
        return true;
    if ((rules & BMC_HOL_LIBERATION_DAY) && m == 5 && dd == 5)
        return true;
    if ((rules & BMC_HOL_CHRISTMAS) && m == 12 && dd == 25)
        return true;
    if ((rules & BMC_HOL_BOXING_DAY) && m == 12 && dd == 26)
        return true;
    if ((rules & BMC_HOL_KINGS_DAY) && m == 4) {
        /* 27 April, or the 26th when the 27th is a Sunday */
        bmc_date k = bmc_date_from_ymd(y, 4, 27);
        if (bmc_date_weekday(k) == 6)
            k -= 1;
        if (d == k)
            return true;
    }
    if (rules & (BMC_HOL_GOOD_FRIDAY | BMC_HOL_EASTER_MONDAY | BMC_HOL_ASCENSION |
                 BMC_HOL_WHIT_MONDAY)) {
        int off = d - bmc_easter_sunday(y);
        if (((rules & BMC_HOL_GOOD_FRIDAY) && off == -2) ||
            ((rules & BMC_HOL_EASTER_MONDAY) && off == 1) ||
            ((rules & BMC_HOL_ASCENSION) && off == 39) ||
            ((rules & BMC_HOL_WHIT_MONDAY) && off == 50))
            return true;
    }
    return false;
}

struct bmc_calendar {
    bmc_date start;
    int days;
    unsigned rules;
    size_t n_extra;
    bmc_date *extra;
    uint8_t *working;
    int32_t *month_index;
    int months;
    bmc_date *month_first;
};

static bool is_extra(const bmc_date *extra, size_t n, bmc_date d)
{
    for (size_t i = 0; i < n; i++)
        if (extra[i] == d)
            return true;
    return false;
}

static bool is_working(unsigned rules, const bmc_date *extra, size_t n, bmc_date d)
{
    return bmc_date_weekday(d) < 5 && !bmc_is_rule_holiday(rules, d) && !is_extra(extra, n, d);
}

bmc_calendar *bmc_calendar_create(bmc_date start, bmc_date end, unsigned rules,
                                  const bmc_date *extra, size_t n_extra)
{
    if (end < start)
        return NULL;
    bmc_calendar *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->start = start;
    c->days = end - start + 1;
    c->rules = rules;
    c->n_extra = n_extra;
    int y0, m0, d0, y1, m1, d1;
    bmc_date_to_ymd(start, &y0, &m0, &d0);
    bmc_date_to_ymd(end, &y1, &m1, &d1);
    c->months = (y1 * 12 + m1) - (y0 * 12 + m0) + 1;
    c->extra = malloc((n_extra ? n_extra : 1) * sizeof *c->extra);
    c->working = malloc((size_t)c->days);
    c->month_index = malloc((size_t)c->days * sizeof *c->month_index);
    c->month_first = malloc((size_t)c->months * sizeof *c->month_first);
    if (!c->extra || !c->working || !c->month_index || !c->month_first) {
        bmc_calendar_free(c);
        return NULL;
    }
    if (n_extra)
        memcpy(c->extra, extra, n_extra * sizeof *extra);
    for (int t = 0; t < c->days; t++) {
        int y, m, d;
        bmc_date day = start + t;
        bmc_date_to_ymd(day, &y, &m, &d);
        c->working[t] = is_working(rules, c->extra, n_extra, day);
        c->month_index[t] = (y * 12 + m) - (y0 * 12 + m0);
    }
    for (int i = 0; i < c->months; i++)
        c->month_first[i] = bmc_date_add_months(bmc_date_from_ymd(y0, m0, 1), i);
    return c;
}

void bmc_calendar_free(bmc_calendar *c)
{
    if (!c)
        return;
    free(c->extra);
    free(c->working);
    free(c->month_index);
    free(c->month_first);
    free(c);
}

int bmc_calendar_days(const bmc_calendar *c) { return c->days; }
bmc_date bmc_calendar_start(const bmc_calendar *c) { return c->start; }
bmc_date bmc_calendar_date(const bmc_calendar *c, int day) { return c->start + day; }
int bmc_calendar_day_of(const bmc_calendar *c, bmc_date d) { return d - c->start; }
const uint8_t *bmc_calendar_working(const bmc_calendar *c) { return c->working; }
const int32_t *bmc_calendar_month_index(const bmc_calendar *c) { return c->month_index; }
int bmc_calendar_months(const bmc_calendar *c) { return c->months; }

int bmc_calendar_month_of_year(const bmc_calendar *c, int m)
{
    int y, mo, d;
    bmc_date_to_ymd(c->month_first[m], &y, &mo, &d);
    return mo;
}

bmc_date bmc_calendar_month_first(const bmc_calendar *c, int m) { return c->month_first[m]; }

bool bmc_calendar_is_month_end(const bmc_calendar *c, int day)
{
    int y, m, d;
    bmc_date_to_ymd(c->start + day, &y, &m, &d);
    return d == bmc_days_in_month(y, m);
}

int bmc_calendar_working_days_in_year(const bmc_calendar *c, int year)
{
    int n = 0;
    for (bmc_date d = bmc_date_from_ymd(year, 1, 1); d <= bmc_date_from_ymd(year, 12, 31); d++)
        n += is_working(c->rules, c->extra, c->n_extra, d);
    return n;
}

int bmc_calendar_working_days_total(const bmc_calendar *c)
{
    int n = 0;
    for (int t = 0; t < c->days; t++)
        n += c->working[t];
    return n;
}
