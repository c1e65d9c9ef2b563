#ifndef BACKLOGMC_THRESHOLD_SEARCH_H
#define BACKLOGMC_THRESHOLD_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

/* The value of a setting at which a success probability reaches a target: the smallest
 * value when a larger one helps, the largest when a larger one hurts (the direction is
 * found from the two ends of the range). Items are independent replications (scenarios)
 * evaluated with common random numbers: item i at value v either succeeds or not, and
 * evaluating it twice at one value gives the same answer.
 *
 * When every item's success is monotone in the value, item i has its own threshold t_i
 * (succeeds from t_i on), found by bisection to `tolerance`, and the answer is the
 * level % quantile of the thresholds, the order statistic of stats.h, with its
 * distribution-free interval; each threshold is known as a bracket (fails at one end,
 * succeeds at the other), so the estimate is the order statistic of the succeeding ends and
 * the interval runs from the failing ends' lower rank to the succeeding ends' upper rank,
 * which covers at least as often as the exact one. Monotonicity is checked first on a grid
 * over the range for a sample of items (and for every item at the two ends). When it fails
 * the search falls back to a stochastic root search on the share of items that succeed
 * (same items at every value): bisection to the first value where the share reaches the
 * target, and an interval by test inversion, from where the upper to where the lower
 * Clopper-Pearson bound of the share reaches it. Either way the share of successes at the
 * answer is then measured on fresh items, with a Wilson interval. */

/* Evaluates items[j] at values[j] for j < n into ok[j] (1 success, 0 not). The search asks
 * for many items at once so that the caller can run them in parallel. */
typedef int (*bmc_indicator_fn)(void *ctx, int64_t n, const int64_t *items, const double *values,
                                unsigned char *ok, bmc_err *err);

typedef struct bmc_threshold_options {
    double lo, hi;          /* the range, lo < hi */
    bool integer;           /* whole values only (lo and hi whole too) */
    double tolerance;       /* bisection brackets at most this wide; <= 0: (hi - lo) / 1000 */
    int level;              /* target probability in whole percent, 1..99 */
    double conf;            /* of the intervals, e.g. 0.95 */
    int64_t n;              /* items 0..n-1 */
    int check_items;        /* items 0..check_items-1 are checked on the grid */
    int check_points;       /* grid points inside the range */
    int64_t fresh_first;    /* the answer is measured on items fresh_first..fresh_first+n-1;
                               < 0: not measured */
} bmc_threshold_options;

enum bmc_threshold_method {
    BMC_THRESHOLD_PER_ITEM,    /* monotone: quantile of per-item thresholds */
    BMC_THRESHOLD_ROOT_SEARCH, /* not monotone: stochastic root search */
    BMC_THRESHOLD_FLAT         /* the same share at both ends: no direction */
};

enum bmc_threshold_answer {
    BMC_ANSWER_INSIDE,   /* within the range */
    BMC_ANSWER_AT_END,   /* reached already at the end that asks least (lo when a larger value
                            helps, hi when it hurts): the answer is that end or beyond */
    BMC_ANSWER_BEYOND    /* not reached within the range */
};

typedef struct bmc_threshold_result {
    enum bmc_threshold_method method;
    enum bmc_threshold_answer state;
    int direction;           /* +1: a larger value helps; -1: it hurts; 0: flat */
    double answer;           /* NaN when BEYOND */
    double answer_lo, answer_hi; /* the interval; -inf / +inf when open on that side */
    double share_lo_end, share_hi_end; /* share of items succeeding at lo and at hi */
    /* measured on fresh items at the answer (NaN when not measured) */
    int64_t fresh_n, fresh_successes;
    double metric, metric_lo, metric_hi;
    int64_t runs;            /* evaluations of one item at one value, fresh items included */
    int64_t check_items, check_points, check_violations; /* items with a non-monotone pattern */
    int64_t end_violations;  /* items that succeed at the end that asks least but not at the
                                other end */
    /* per item (PER_ITEM only; else NaN): the value nearest its threshold at which it
     * succeeds, and the one at which it fails; +-inf when it succeeds or fails throughout */
    double *item_ok, *item_fail;
} bmc_threshold_result;

/* Runs the search. result->item_ok and item_fail are allocated here ([n]); free them with
 * bmc_threshold_result_free. BMC_EUSAGE for bad options; the callback's status otherwise. */
int bmc_threshold_search(const bmc_threshold_options *o, bmc_indicator_fn f, void *ctx,
                         bmc_threshold_result *result, bmc_err *err);
void bmc_threshold_result_free(bmc_threshold_result *r);

/* The level % quantile and its interval from per-item brackets in "helpful" orientation
 * (item i fails at fail[i] and succeeds at ok[i] >= fail[i], -inf / +inf allowed): what
 * bmc_threshold_search reports, exposed for tests and comparisons. */
void bmc_threshold_quantile(int64_t n, const double *ok, const double *fail, int level,
                            double conf, double *estimate, double *lo, double *hi);

#endif
