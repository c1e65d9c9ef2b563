#ifndef BACKLOGMC_INTAKE_HISTORY_H
#define BACKLOGMC_INTAKE_HISTORY_H

#include <stdbool.h>

#include "calendar.h"
#include "status.h"
#include "yamlcfg.h"

/* Observed first applications per period of whole months (docs/model.md section 12): a month
 * (YYYY-MM) or a calendar quarter (YYYY-Qn), oldest first, periods not overlapping, gaps
 * allowed. Plain data (no pointers), so it can live in bmc_params. */

#define BMC_MAX_HISTORY 600 /* fifty years of months */

typedef struct bmc_history_period {
    int month;    /* months since year 0: year * 12 + (month - 1) of the first month */
    int months;   /* 1 or 3 */
    double count; /* first applications in the period, >= 0 */
} bmc_history_period;

typedef struct bmc_history {
    int n;
    bmc_history_period p[BMC_MAX_HISTORY];
} bmc_history;

/* "2025-06" or "2025-Q3" (also "2025-q3"); false for anything else. */
bool bmc_history_parse_period(const char *text, int *month, int *months);
/* "2025-06" or "2025-Q3" into buf (at least 8 bytes). */
void bmc_history_format_period(const bmc_history_period *p, char *buf);

/* The first day of month index `month` (year * 12 + month - 1), and the reverse. */
bmc_date bmc_history_month_first(int month);
int bmc_history_month_of(bmc_date d);

/* Reads the optional list `key` of m ([[PERIOD, count], ...]) into h (n = 0 when absent).
 * Refused with FILE:LINE:COL and the item's key path: a malformed period, a count that is
 * negative or not a whole number, periods not in order or overlapping, more than
 * BMC_MAX_HISTORY periods, and (when before_month >= 0) a period that does not end before
 * month index before_month. */
int bmc_history_load(cfg_map *m, const char *key, int before_month, bmc_history *h,
                     bmc_err *err);

/* A series file (docs/model.md section 14): CSV with a header row, the period in the first column
 * (YYYY-MM or YYYY-Qn), the count in the column named `column` (NULL: the second column).
 * Quoted fields as in RFC 4180; empty count cells are gaps. Refused with FILE:LINE: a
 * missing file or column, a malformed period, a count that is not a number or negative,
 * periods out of order or overlapping. */
int bmc_history_read_csv(const char *path, const char *column, bmc_history *h, bmc_err *err);

#endif
