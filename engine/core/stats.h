#ifndef BACKLOGMC_SUMMARY_STATS_H
#define BACKLOGMC_SUMMARY_STATS_H

#include <stdint.h>

/* Interval estimates that need no assumption about the distribution of the scenarios:
 * order-statistic intervals for quantiles, Wilson and Clopper-Pearson intervals for
 * proportions. conf is the two-sided confidence level, e.g. 0.95, with equal tails. GSL's
 * error handler must be off (gsl_set_error_handler_off), as everywhere in backlogmc. */

#define BMC_CONFIDENCE 0.95

/* P(B <= k) for B ~ Binomial(n, p): GSL's binomial CDF up to 10^4 trials; beyond, where GSL
 * loses accuracy, the tail summed in long double from Loader's saddle-point form of the
 * probabilities (relative error below 1e-13 up to 10^9 trials). */
double bmc_stats_binomial_cdf(int64_t k, double p, int64_t n);
/* P(B > k), computed directly (no cancellation in 1 - cdf). */
double bmc_stats_binomial_sf(int64_t k, double p, int64_t n);

/* The rank k = ceil(n * level / 100) of the order statistic X_(k) that estimates the level %
 * quantile of n scenarios (the inverse of the empirical CDF); 0 when n == 0. Integer
 * arithmetic, so k never depends on rounding. */
int64_t bmc_stats_quantile_rank(int64_t n, int level);

/* Ranks of the confidence interval [X_(lo), X_(hi)] for the level % quantile of n scenarios:
 * with B ~ Binomial(n, level / 100), lo is the largest rank with P(B <= lo - 1) <= tail and hi
 * the smallest with P(B >= hi) <= tail, tail = (1 - conf) / 2, so that
 * P(X_(lo) <= q <= X_(hi)) >= conf for every distribution (continuous or not). lo == 0 or
 * hi == n + 1 means the interval is not bounded on that side with n scenarios. */
void bmc_stats_quantile_ci_ranks(int64_t n, int level, double conf, int64_t *lo, int64_t *hi);

/* Wilson score interval for x successes in n trials; NaN when n == 0. */
void bmc_stats_wilson(int64_t x, int64_t n, double conf, double *lo, double *hi);
/* Clopper-Pearson ("exact") interval from the beta quantiles; NaN when n == 0. */
void bmc_stats_clopper_pearson(int64_t x, int64_t n, double conf, double *lo, double *hi);

#endif
