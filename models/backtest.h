#ifndef BACKLOGMC_BACKTEST_H
#define BACKLOGMC_BACKTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "forecast_scores.h"
#include "intake_history.h"
#include "intake_sample.h"
#include "params.h"
#include "status.h"

/* Scoring the intake forecast against what happened (docs/model.md section 14): a rolling-origin
 * backtest over an observed series of first applications (months or quarters). At each
 * origin, the end of one of the series' periods, the model is conditioned on the series up
 * to the origin (the Kalman filter of section 12) and its intake is simulated for the months
 * after it; the totals over each horizon are scored against the observed totals and against
 * two naive forecasts (docs/model.md section 14):
 *   - same months: the same months a year earlier;
 *   - last year: the last 12 months' total spread over the horizon by the seasonality.
 * Horizons are counted in months; with a quarterly series each must be a multiple of 3, so
 * that the observed totals are sums of whole quarters. */

#define BMC_BT_MAX_HORIZONS 8
#define BMC_BT_MAX_MONTHS 60     /* the longest horizon */
#define BMC_BT_MAX_ORIGINS BMC_MAX_HISTORY
/* Scenario s of the forecast made at the end of month index o runs on the streams of
 * scenario o x BMC_BT_SCENARIO_STRIDE + s of the master seed: independent across origins,
 * whichever origins a backtest covers, and common to every parameter setting tried on the
 * same origin (common random numbers for calibration). */
#define BMC_BT_SCENARIO_STRIDE (INT64_C(1) << 32)

enum { BMC_BT_REF_SAME_MONTHS, BMC_BT_REF_LAST_YEAR };

typedef struct bmc_backtest_plan {
    int period_months;                 /* 1 or 3: the series' periods */
    int n_horizons;
    int horizon[BMC_BT_MAX_HORIZONS];  /* months, ascending */
    int n_origins;
    int origin[BMC_BT_MAX_ORIGINS];    /* month index of each origin's last month */
} bmc_backtest_plan;

/* The plan for series: horizons h[n_h] in months (n_h = 0: 1, 3, 6, 12 for months, 3, 6,
 * 12 for quarters), origins the ends of the periods from..to (NULL: from the first period
 * with a year of the series up to its end, to the last period with the shortest horizon
 * after it; only month and months are read).
 * BMC_EUSAGE with a message for a series that mixes months and quarters or has fewer than
 * two periods, a horizon that is not a whole number of the series' periods or is not in
 * 1..BMC_BT_MAX_MONTHS, repeated horizons, origins that are not periods of the series'
 * kind, in reverse order, or outside the series, and more than BMC_BT_MAX_ORIGINS. */
int bmc_backtest_plan_make(const bmc_history *series, const bmc_history_period *from,
                           const bmc_history_period *to, const int *h, int n_h,
                           bmc_backtest_plan *plan, bmc_err *err);

/* The options of `backlogmc backtest`: "FROM..TO", two periods (YYYY-MM or YYYY-Qn), and
 * "1,3,6,12", at most BMC_BT_MAX_HORIZONS months in 1..BMC_BT_MAX_MONTHS (h[], *n of them).
 * BMC_EUSAGE with a message naming the option. */
int bmc_backtest_parse_origins(const char *text, bmc_history_period *from,
                               bmc_history_period *to, bmc_err *err);
int bmc_backtest_parse_horizons(const char *text, int *h, int *n, bmc_err *err);

/* The observed total of months from..to (inclusive): false when a month is not covered or
 * a period reaches outside the range. */
bool bmc_series_total(const bmc_history *series, int from, int to, double *total);

/* The two naive forecasts of the total of the `months` months after the origin's last month
 * `origin` (NaN where the months they need were not observed); seasonality S[12] as in the
 * config (mean 1). */
void bmc_backtest_naive(const bmc_history *series, const double *seasonality, int origin,
                        int months, double ref[BMC_SCORE_REFS]);

/* What the intake filter (docs/model.md section 12) makes of the series up to a month: the level
 * of the year of the month after it (median L0 exp(mean l) and the sd of l) and the
 * deviation x of that month. */
typedef struct bmc_backtest_posterior {
    int month;           /* month index of the first month forecast */
    int n_obs;           /* periods observed */
    double level_median, level_sdlog, deviation_mean, deviation_sd;
} bmc_backtest_posterior;

/* The forecast made at one origin and its scores. */
typedef struct bmc_backtest_origin {
    int origin;          /* month index of the origin's last month */
    bmc_backtest_posterior post;
    bmc_forecast_score score[BMC_BT_MAX_HORIZONS];
    /* quantiles (bmc_score_quantile_levels) of the count of each period after the origin */
    double fan[BMC_BT_MAX_MONTHS][BMC_SCORE_QUANTILES];
} bmc_backtest_origin;

/* Scratch space of one thread: the sampler and n_scenarios x BMC_BT_MAX_MONTHS counts. */
typedef struct bmc_backtest_work bmc_backtest_work;
int bmc_backtest_work_create(int64_t n_scenarios, bmc_backtest_work **out, bmc_err *err);
void bmc_backtest_work_free(bmc_backtest_work *w);

/* The forecast of the plan's origin `index`: the model of p with its start on the first day
 * after the origin, its horizon at the end of the longest horizon and its intake history
 * the series up to the origin (the configuration's own intake_history is replaced), then
 * n_scenarios scenarios of seed (2 <= n, at most the workspace's). BMC_ECONFIG when the
 * intake filter refuses the model; BMC_ENOMEM. */
int bmc_backtest_origin_run(const bmc_params *p, const bmc_history *series,
                            const bmc_backtest_plan *plan, int index, uint64_t seed,
                            int64_t n_scenarios, bmc_backtest_work *w, bmc_backtest_origin *out,
                            bmc_err *err);

/* The posterior after the whole series for a run that starts after it: in the configuration's
 * start month, or in the month after the series when that is later (for calibrating a run
 * without history: the uncertainty the history leaves about the level of its first year).
 * BMC_ECONFIG when the intake filter refuses the model. */
int bmc_backtest_latest(const bmc_params *p, const bmc_history *series,
                        bmc_backtest_posterior *out, bmc_err *err);

/* The scores of every origin tallied per horizon: out[plan->n_horizons]. */
void bmc_backtest_summarise(const bmc_backtest_plan *plan, const bmc_backtest_origin *o,
                            int n_origins, bmc_score_summary *out);

#endif
