#ifndef BACKLOGMC_CALENDAR_H
#define BACKLOGMC_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A date is a count of days since 1970-01-01 in the proleptic Gregorian calendar. */
typedef int32_t bmc_date;

bmc_date bmc_date_from_ymd(int year, int month, int day);
void bmc_date_to_ymd(bmc_date d, int *year, int *month, int *day);
/* Strict "YYYY-MM-DD" with a real calendar day; returns 0 on success, -1 otherwise. */
int bmc_date_parse(const char *iso, bmc_date *out);
/* Writes "YYYY-MM-DD" and a terminating NUL into buf (at least 11 bytes). */
void bmc_date_format(bmc_date d, char *buf);
/* 0 = Monday ... 6 = Sunday. */
int bmc_date_weekday(bmc_date d);
bool bmc_is_leap_year(int year);
int bmc_days_in_month(int year, int month);
/* Adds months, clamping the day to the end of the target month (Aug 31 + 1 month -> Sep 30). */
bmc_date bmc_date_add_months(bmc_date d, int months);
/* Easter Sunday by the Gregorian computus (anonymous Gregorian algorithm). */
bmc_date bmc_easter_sunday(int year);

/* The public holidays of a year, written to out (at most BMC_MAX_YEAR_HOLIDAYS dates, in any
 * order, repeats allowed); returns how many. Which days are holidays is the domain's
 * business (models/holidays.h); the calendar only skips them. */
#define BMC_MAX_YEAR_HOLIDAYS 32
typedef int (*bmc_holidays_fn)(const void *ctx, int year, bmc_date *out);

/* The simulated period, day 0 = start, with working days and month bookkeeping
 * precomputed once so the daily loop only reads arrays. */
typedef struct bmc_calendar bmc_calendar;

/* holidays (may be NULL: none) is called with holidays_ctx, which must outlive the calendar;
 * extra: further non-working dates (need not be sorted, may fall outside the period).
 * Returns NULL when end < start or out of memory. */
bmc_calendar *bmc_calendar_create(bmc_date start, bmc_date end_inclusive,
                                  bmc_holidays_fn holidays, const void *holidays_ctx,
                                  const bmc_date *extra, size_t n_extra);
void bmc_calendar_free(bmc_calendar *cal);

int bmc_calendar_days(const bmc_calendar *cal);
bmc_date bmc_calendar_start(const bmc_calendar *cal);
bmc_date bmc_calendar_date(const bmc_calendar *cal, int day);
/* Day index of a date (may be negative or >= days when outside the period). */
int bmc_calendar_day_of(const bmc_calendar *cal, bmc_date d);
const uint8_t *bmc_calendar_working(const bmc_calendar *cal); /* [days], 1 = working day */
/* Month index of each day, 0 = the month containing the start date. */
const int32_t *bmc_calendar_month_index(const bmc_calendar *cal); /* [days] */
int bmc_calendar_months(const bmc_calendar *cal);              /* months touched by the period */
/* Calendar month 1..12 of month index m, and the first date of that month. */
int bmc_calendar_month_of_year(const bmc_calendar *cal, int m);
bmc_date bmc_calendar_month_first(const bmc_calendar *cal, int m);
/* 1 on the last day of a calendar month (and not otherwise). */
bool bmc_calendar_is_month_end(const bmc_calendar *cal, int day);
/* Working days in a calendar year under this calendar's rules (the whole year, also the
 * parts outside the simulated period). */
int bmc_calendar_working_days_in_year(const bmc_calendar *cal, int year);
int bmc_calendar_working_days_total(const bmc_calendar *cal);

#endif
