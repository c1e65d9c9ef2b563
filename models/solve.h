#ifndef BACKLOGMC_SOLVE_H
#define BACKLOGMC_SOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "resim.h"
#include "status.h"
#include "threshold_search.h"

/* The value of a numeric configuration key at which a target metric is reached with a given
 * probability (README, `solve`): each scenario succeeds or not at a value, evaluated by
 * re-simulating it with KEY=value on its own streams (resim.h), and the threshold search
 * (threshold_search.h) finds the value. Scenarios 0..n-1 are searched, scenarios n..2n-1
 * measure the metric at the answer. */

enum bmc_solve_metric {
    BMC_SOLVE_ALL,     /* every old case decided or closed by the target date */
    BMC_SOLVE_P95,     /* at least 95 % of them by the target date */
    BMC_SOLVE_ON_TIME, /* the share of new cases decided on time is at least q */
    BMC_SOLVE_METRIC_COUNT
};

typedef struct bmc_solve_options {
    const char *key;       /* a --set key path */
    double lo, hi;
    int level;             /* the target probability in whole percent */
    enum bmc_solve_metric metric;
    double on_time;        /* q of BMC_SOLVE_ON_TIME */
    int64_t scenarios;
    double tolerance;      /* <= 0: (hi - lo) / 1000 */
    int check_items, check_points; /* the monotonicity check */
    int threads;
} bmc_solve_options;

typedef struct bmc_solve {
    bool integer;          /* the key takes whole values */
    bmc_threshold_result r;
} bmc_solve;

/* Parses "all", "p95" or "on-time:Q" (0 < Q <= 1). BMC_EUSAGE with a message otherwise. */
int bmc_solve_parse_metric(const char *text, enum bmc_solve_metric *metric, double *q,
                           bmc_err *err);
/* A description of the metric, e.g. "every old case decided by the target". */
void bmc_solve_describe_metric(enum bmc_solve_metric metric, double q, char *buf, size_t n);
/* Does the scenario in row 0 succeed? */
bool bmc_solve_success(enum bmc_solve_metric metric, double q, const bmc_result_block *row,
                       int target_day);

/* The key is checked first: a model must build at both ends (the message names the
 * override), and whether it takes whole values decides the bisection. */
int bmc_solve_run(const bmc_resim_source *src, const bmc_solve_options *o, bmc_solve *out,
                  bmc_err *err);
void bmc_solve_free(bmc_solve *s);

/* A variant against the reference, both solved on the same scenarios: out = {variant's answer
 * minus the reference's, lo, hi}. When both found per-scenario thresholds in the same
 * direction the interval is a paired bootstrap of the difference of the two quantiles over
 * the scenarios (bootstrap.h), else NaN; the estimate is NaN when either answer is. */
int bmc_solve_compare(const bmc_solve *ref, const bmc_solve *var, int64_t n, int level,
                      int reps, uint64_t seed, double out[3], bmc_err *err);

#endif
