#include "calendar.h"

#include <limits.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- civil dates ------------------------------------------------------------------------ */

/* Howard Hinnant's days_from_civil: March-based years put the leap day last, so the day of
 * the year is a linear formula in the month; eras of 400 years repeat exactly. */
bmc_date bmc_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);                                  /* [0, 399] */
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1); /* [0, 365] */
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                      /* [0, 146096] */
    return (bmc_date)(era * 146097 + (int)doe - 719468);
}

/* Hinnant's civil_from_days, the inverse of the above. */
void bmc_date_to_ymd(bmc_date z, int *year, int *month, int *day)
{
    int zz = z + 719468; /* days since 0000-03-01 */
    int era = (zz >= 0 ? zz : zz - 146096) / 146097;
    unsigned doe = (unsigned)(zz - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)yoe + era * 400 + (m <= 2);
    *month = (int)m;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

bool bmc_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* 0 for a month outside 1..12, so a bad month never validates a day. */
int bmc_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && bmc_is_leap_year(y) ? 29 : days[m - 1];
}

/* Reads n decimal digits; -1 on anything else (no sign, no space, no shorter field). */
static int parse_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int bmc_date_parse(const char *s, bmc_date *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int y = parse_digits(s, 4), m = parse_digits(s + 5, 2), d = parse_digits(s + 8, 2);
    /* days_in_month is 0 for a bad month, so one comparison rejects both */
    if (y < 1900 || y > 2200 || d < 1 || d > bmc_days_in_month(y, m))
        return -1;
    *out = bmc_date_from_ymd(y, m, d);
    return 0;
}

void bmc_date_format(bmc_date d, char *buf)
{
    int y, m, dd;
    bmc_date_to_ymd(d, &y, &m, &dd);
    /* a year outside 0..9999 would not fit the 11 bytes: cut, never overrun */
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, dd);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
}

static int floor_mod(int a, int b)
{
    int r = a % b;
    return r < 0 ? r + b : r;
}

static int floor_div(int a, int b)
{
    return (a - floor_mod(a, b)) / b;
}

int bmc_date_weekday(bmc_date d)
{
    return floor_mod(d + 3, 7); /* 1970-01-01 was a Thursday, 3 with Monday = 0 */
}

bmc_date bmc_date_add_months(bmc_date d, int months)
{
    int y, m, dd;
    bmc_date_to_ymd(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + months; /* floor division: also right before year 0 */
    y = floor_div(total, 12);
    m = floor_mod(total, 12) + 1;
    int dim = bmc_days_in_month(y, m);
    return bmc_date_from_ymd(y, m, dd > dim ? dim : dd);
}

/* Anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8; Jones 1876, Butcher
 * 1876); valid for every Gregorian year (1583 on). */
bmc_date bmc_easter_sunday(int Y)
{
    int a = Y % 19, b = Y / 100, c = Y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int n = h + l - 7 * m + 114;
    return bmc_date_from_ymd(Y, n / 31, n % 31 + 1);
}

static bool in_list(const bmc_date *list, int n, bmc_date d)
{
    for (int i = 0; i < n; i++)
        if (list[i] == d)
            return true;
    return false;
}

/* ---- the calendar of a period ----------------------------------------------------------- */

/* One allocation: the struct, then the int32 tables, then the byte tables, so a failed
 * create has nothing half-built to free and free() is one call. */
struct bmc_calendar {
    bmc_date start;
    int days;
    int months;
    bmc_holidays_fn holidays; /* the public holidays of a year */
    const void *holidays_ctx;
    size_t n_extra;
    bmc_date *extra;        /* [n_extra] sorted, for bsearch */
    int32_t *month_index;   /* [days] */
    bmc_date *month_first;  /* [months] */
    int32_t *month_of_year; /* [months] 1..12 */
    uint8_t *working;       /* [days] */
    uint8_t *month_end;     /* [days] */
};

static int cmp_date(const void *a, const void *b)
{
    bmc_date x = *(const bmc_date *)a, y = *(const bmc_date *)b;
    return (x > y) - (x < y);
}

static bool is_extra(const bmc_calendar *c, bmc_date d)
{
    return c->n_extra && bsearch(&d, c->extra, c->n_extra, sizeof d, cmp_date);
}

/* The public holidays of a year, computed once per year rather than per day; none without a
 * holiday source. */
static int year_holidays(const bmc_calendar *c, int year, bmc_date out[BMC_MAX_YEAR_HOLIDAYS])
{
    if (!c->holidays)
        return 0;
    int n = c->holidays(c->holidays_ctx, year, out);
    return n < 0 ? 0 : n > BMC_MAX_YEAR_HOLIDAYS ? BMC_MAX_YEAR_HOLIDAYS : n;
}

/* Working day: Monday..Friday, no rule holiday (hol, the rule dates of d's year), not extra. */
static bool is_working(const bmc_calendar *c, const bmc_date *hol, int n_hol, bmc_date d)
{
    return bmc_date_weekday(d) < 5 && !in_list(hol, n_hol, d) && !is_extra(c, d);
}

/* Bytes of the block for the given sizes, or 0 when they do not fit a size_t. */
static size_t calendar_bytes(size_t days, size_t months, size_t n_extra)
{
    size_t limit = (SIZE_MAX - sizeof(bmc_calendar)) / 8;
    if (n_extra > limit || days > limit || months > limit)
        return 0;
    size_t words = n_extra + days + 2 * months; /* int32: extra, index, first, of_year */
    if (words > limit)
        return 0;
    return sizeof(bmc_calendar) + words * sizeof(int32_t) + 2 * days;
}

static bmc_calendar *calendar_alloc(int days, int months, size_t n_extra)
{
    _Static_assert(sizeof(bmc_date) == sizeof(int32_t), "one int32 run for all date tables");
    _Static_assert(sizeof(bmc_calendar) % alignof(int32_t) == 0, "tables follow the struct");
    size_t bytes = calendar_bytes((size_t)days, (size_t)months, n_extra);
    bmc_calendar *c = bytes ? calloc(1, bytes) : NULL;
    if (!c)
        return NULL;
    int32_t *w = (int32_t *)(void *)(c + 1);
    c->extra = w;
    c->month_index = c->extra + n_extra;
    c->month_first = c->month_index + days;
    c->month_of_year = c->month_first + months;
    c->working = (uint8_t *)(c->month_of_year + months);
    c->month_end = c->working + days;
    c->days = days;
    c->months = months;
    c->n_extra = n_extra;
    return c;
}

static void fill_months(bmc_calendar *c)
{
    int y, m, d;
    bmc_date_to_ymd(c->start, &y, &m, &d);
    bmc_date first = bmc_date_from_ymd(y, m, 1);
    for (int i = 0; i < c->months; i++) {
        c->month_first[i] = bmc_date_add_months(first, i);
        c->month_of_year[i] = floor_mod(m - 1 + i, 12) + 1;
    }
}

static void fill_days(bmc_calendar *c)
{
    bmc_date hol[BMC_MAX_YEAR_HOLIDAYS];
    int n_hol = 0, hol_year = INT_MIN, month = 0;
    for (int t = 0; t < c->days; t++) {
        bmc_date day = c->start + t;
        int y, m, d;
        bmc_date_to_ymd(day, &y, &m, &d);
        if (y != hol_year) { /* the rule dates change once a year */
            n_hol = year_holidays(c, y, hol);
            hol_year = y;
        }
        if (t > 0 && d == 1)
            month++;
        c->working[t] = is_working(c, hol, n_hol, day);
        c->month_index[t] = month;
        c->month_end[t] = d == bmc_days_in_month(y, m);
    }
}

bmc_calendar *bmc_calendar_create(bmc_date start, bmc_date end_inclusive,
                                  bmc_holidays_fn holidays, const void *holidays_ctx,
                                  const bmc_date *extra, size_t n_extra)
{
    int64_t days = (int64_t)end_inclusive - start + 1;
    if (days < 1 || days > INT32_MAX || (n_extra && !extra))
        return NULL;
    int y0, m0, d0, y1, m1, d1;
    bmc_date_to_ymd(start, &y0, &m0, &d0);
    bmc_date_to_ymd(end_inclusive, &y1, &m1, &d1);
    int months = (y1 - y0) * 12 + (m1 - m0) + 1;
    bmc_calendar *c = calendar_alloc((int)days, months, n_extra);
    if (!c)
        return NULL;
    c->start = start;
    c->holidays = holidays;
    c->holidays_ctx = holidays_ctx;
    if (n_extra) {
        memcpy(c->extra, extra, n_extra * sizeof *extra);
        qsort(c->extra, n_extra, sizeof *c->extra, cmp_date);
    }
    fill_months(c);
    fill_days(c);
    return c;
}

void bmc_calendar_free(bmc_calendar *cal)
{
    free(cal);
}

int bmc_calendar_days(const bmc_calendar *cal)
{
    return cal->days;
}

bmc_date bmc_calendar_start(const bmc_calendar *cal)
{
    return cal->start;
}

bmc_date bmc_calendar_date(const bmc_calendar *cal, int day)
{
    return cal->start + day;
}

int bmc_calendar_day_of(const bmc_calendar *cal, bmc_date d)
{
    return d - cal->start;
}

const uint8_t *bmc_calendar_working(const bmc_calendar *cal)
{
    return cal->working;
}

const int32_t *bmc_calendar_month_index(const bmc_calendar *cal)
{
    return cal->month_index;
}

int bmc_calendar_months(const bmc_calendar *cal)
{
    return cal->months;
}

/* Month indices and days outside the period are computed rather than read, so callers that
 * step one past the ends get the calendar's answer, not memory beyond the tables. */
int bmc_calendar_month_of_year(const bmc_calendar *cal, int m)
{
    if (m >= 0 && m < cal->months)
        return cal->month_of_year[m];
    return floor_mod(cal->month_of_year[0] - 1 + m, 12) + 1;
}

bmc_date bmc_calendar_month_first(const bmc_calendar *cal, int m)
{
    if (m >= 0 && m < cal->months)
        return cal->month_first[m];
    return bmc_date_add_months(cal->month_first[0], m);
}

bool bmc_calendar_is_month_end(const bmc_calendar *cal, int day)
{
    if (day >= 0 && day < cal->days)
        return cal->month_end[day];
    int y, m, d;
    bmc_date_to_ymd(cal->start + day, &y, &m, &d);
    return d == bmc_days_in_month(y, m);
}

int bmc_calendar_working_days_in_year(const bmc_calendar *cal, int year)
{
    bmc_date hol[BMC_MAX_YEAR_HOLIDAYS];
    int n_hol = year_holidays(cal, year, hol), n = 0;
    bmc_date last = bmc_date_from_ymd(year, 12, 31);
    for (bmc_date d = bmc_date_from_ymd(year, 1, 1); d <= last; d++)
        n += is_working(cal, hol, n_hol, d);
    return n;
}

int bmc_calendar_working_days_total(const bmc_calendar *cal)
{
    int n = 0;
    for (int t = 0; t < cal->days; t++)
        n += cal->working[t];
    return n;
}
