#ifndef BACKLOGMC_SUMMARY_H
#define BACKLOGMC_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "results.h"
#include "status.h"

/* Summaries across scenarios (docs/model.md section 9): completion-date quantiles with
 * distribution-free confidence intervals, also per category; probabilities with Wilson and
 * Clopper-Pearson intervals; the split by whether triage ever fired; monthly fan-chart
 * quantiles of the indicators.
 *
 * A summary holds integer histograms only, and every number is read off them. Blocks add to
 * the histograms and summaries merge by integer addition, so the result is the same, bit for
 * bit, whatever the order of the blocks and however the scenarios were split over threads,
 * MPI ranks or batches. Day values have one bin per day and come back exactly; monthly
 * indicators have fixed bins (summary_bins.h) with a bounded error.
 *
 * Use: create one summary per run (or per variant), add every block once, merge the
 * summaries of other ranks, write it (summary_h5.c) before the file is committed. The
 * queries can be asked at any time, e.g. after every batch of a precision stop. */

typedef struct bmc_summary bmc_summary;

#define BMC_SUM_N_LEVELS 8 /* completion quantiles */
#define BMC_SUM_N_FAN 5    /* monthly fan charts */
extern const int bmc_summary_levels[BMC_SUM_N_LEVELS];  /* 5 10 25 50 75 85 90 95 % */
extern const int bmc_summary_fan_levels[BMC_SUM_N_FAN]; /* 5 25 50 75 95 % */

/* Scenarios by whether triage ever switched on (first_triage_day >= 0). */
enum bmc_sum_group {
    BMC_SUM_ALL,
    BMC_SUM_TRIAGE_FIRED,
    BMC_SUM_TRIAGE_NEVER,
    BMC_SUM_GROUPS
};

/* Day-valued outputs of a scenario; the completion day of category c is
 * BMC_SUM_CATEGORY + c. */
enum bmc_sum_day {
    BMC_SUM_COMPLETION,
    BMC_SUM_P90,
    BMC_SUM_P95,
    BMC_SUM_P99,
    BMC_SUM_FIRST_TRIAGE,
    BMC_SUM_CATEGORY
};

enum bmc_sum_event {
    BMC_SUM_COMPLETE_BY_TARGET,  /* every old case decided or closed by the target date */
    BMC_SUM_P95_BY_TARGET,       /* at least 95 % of them by the target date */
    BMC_SUM_COMPLETE_BY_HORIZON, /* every old case decided or closed by the horizon */
    BMC_SUM_EVENTS
};

/* Monthly indicators; old cases open of category c is BMC_MON_OLD_OPEN_CAT + c. */
enum bmc_sum_monthly {
    BMC_MON_OLD_OPEN,          /* old cases open at month end, all categories */
    BMC_MON_FIRST_DECISIONS,   /* first decisions, old and new (grants + rejections) */
    BMC_MON_OLD_DECISIONS,     /* first decisions on old cases, all categories */
    BMC_MON_NEW_DECISIONS,
    BMC_MON_GRANTS,
    BMC_MON_NEW_ARRIVALS,
    BMC_MON_NEW_OPEN,          /* new cases open at month end */
    BMC_MON_GRANT_RATE,        /* grants / first decisions; undefined in a month without */
    BMC_MON_NEW_ON_TIME_SHARE, /* new decisions on time / new decisions; same */
    BMC_MON_IDLE_SHARE,        /* officer-days not used / offered; undefined without any */
    BMC_MON_OLD_OPEN_CAT
};

/* Names as in the file (docs/output.md): event and group names, the day quantities
 * ("completion_day", ..., categories have none: NULL), the monthly indicators (NULL for the
 * per-category series). */
const char *bmc_summary_group_name(enum bmc_sum_group g);
const char *bmc_summary_event_name(enum bmc_sum_event e);
const char *bmc_summary_day_name(int quantity);
const char *bmc_summary_monthly_name(int series);
bool bmc_summary_monthly_is_share(int series);

/* ndays: simulated days, so day values lie in [0, ndays) or are -1 (not by the horizon);
 * target_day: day index of the target date, in [0, ndays); day0: date of day 0. Monthly
 * indicators are summarised when layout->trajectories (then every block must carry them).
 * BMC_EINTERNAL for arguments out of range, BMC_ENOMEM. */
int bmc_summary_create(const bmc_layout *layout, int ndays, int target_day, bmc_date day0,
                       bmc_summary **out, bmc_err *err);
void bmc_summary_free(bmc_summary *s);

/* Adds the block's b->count scenarios. Checks everything first (layout, day values in
 * [-1, ndays)), so on failure (BMC_EINTERNAL) the summary is unchanged. */
int bmc_summary_add_block(bmc_summary *s, const bmc_result_block *b, bmc_err *err);
/* dst += src; both from bmc_summary_create with the same arguments (else BMC_EINTERNAL). */
int bmc_summary_merge(bmc_summary *dst, const bmc_summary *src, bmc_err *err);

/* The whole state as one array of counts. Summaries of the same shape merge by adding these
 * arrays element by element, so MPI_Reduce(..., MPI_INT64_T, MPI_SUM, ...) into the array of
 * a summary made with the same arguments is a merge; a checkpoint can save and restore it. */
int64_t *bmc_summary_counts(bmc_summary *s, size_t *n);

int64_t bmc_summary_n(const bmc_summary *s, enum bmc_sum_group g);
int bmc_summary_ndays(const bmc_summary *s);
int bmc_summary_target_day(const bmc_summary *s);
bmc_date bmc_summary_day0(const bmc_summary *s);
const bmc_layout *bmc_summary_layout(const bmc_summary *s);
bool bmc_summary_has_monthly(const bmc_summary *s);
int bmc_summary_day_quantities(const bmc_summary *s); /* BMC_SUM_CATEGORY + categories */
int bmc_summary_monthly_series(const bmc_summary *s); /* BMC_MON_OLD_OPEN_CAT + categories */

/* Scenarios per day value of a quantity: out[d] for day d, out[ndays] = not by the horizon
 * (for BMC_SUM_FIRST_TRIAGE: never). out has ndays + 1 elements. */
void bmc_summary_day_counts(const bmc_summary *s, enum bmc_sum_group g, int quantity,
                            int64_t *out);

/* A quantile of a day quantity with its confidence interval [X_(lo_rank), X_(hi_rank)] at
 * BMC_CONFIDENCE (summary_stats.h). Days not reached by the horizon sort above every day, so
 * a quantile or bound that falls among them is -1, "beyond the horizon". */
#define BMC_SUM_NO_BOUND (-2) /* the interval is open on that side with this many scenarios */
#define BMC_SUM_NO_DATA (-3)  /* no scenarios in the group */
typedef struct bmc_sum_quantile {
    int level;               /* percent */
    int64_t n;               /* scenarios in the group */
    int64_t rank;            /* the estimate is X_(rank), rank = ceil(n level / 100) */
    int32_t day;             /* day index, -1 beyond the horizon, or BMC_SUM_NO_DATA */
    int64_t lo_rank, hi_rank;
    int32_t lo_day, hi_day;  /* day index, -1, BMC_SUM_NO_BOUND or BMC_SUM_NO_DATA */
} bmc_sum_quantile;

void bmc_summary_day_quantile(const bmc_summary *s, enum bmc_sum_group g, int quantity,
                              int level, bmc_sum_quantile *q);

typedef struct bmc_sum_prob {
    int64_t count, n;
    double estimate;             /* count / n; NaN (as are the bounds) when n == 0 */
    double wilson_lo, wilson_hi; /* at BMC_CONFIDENCE */
    double cp_lo, cp_hi;         /* Clopper-Pearson */
} bmc_sum_prob;

void bmc_summary_probability(const bmc_summary *s, enum bmc_sum_group g, enum bmc_sum_event e,
                             bmc_sum_prob *p);

/* The level % quantile of a monthly indicator in month m over the scenarios where it is
 * defined (bin value, summary_bins.h); NaN when it is defined in none, or without monthly
 * indicators. */
double bmc_summary_monthly_quantile(const bmc_summary *s, int series, int month, int level);
int64_t bmc_summary_monthly_defined(const bmc_summary *s, int series, int month);
/* The histogram of a monthly indicator in month m over all scenarios, in the bins of
 * summary_bins.h (bmc_summary_monthly_bins of them, the last for "undefined"); NULL without
 * monthly indicators or out of range. */
const int64_t *bmc_summary_monthly_histogram(const bmc_summary *s, int series, int month);
int bmc_summary_monthly_bins(int series);
/* Scenarios with triage on at the end of month m. */
int64_t bmc_summary_triage_count(const bmc_summary *s, int month);

/* Replaces the day histograms by counts read back from a file (h5read.c): fired and never
 * are [bmc_summary_day_quantities][ndays + 1] for the two triage groups, and every quantity
 * of a group must count the same scenarios. Only for a summary without monthly indicators
 * (they are not stored). BMC_EIO when the counts are inconsistent. */
int bmc_summary_set_day_counts(bmc_summary *s, const int64_t *fired, const int64_t *never,
                               bmc_err *err);

#endif
