#ifndef BACKLOGMC_BOOTSTRAP_H
#define BACKLOGMC_BOOTSTRAP_H

#include <stdint.h>

#include "status.h"

/* Percentile bootstrap intervals. A replicate draws n rows with replacement from a Philox
 * stream keyed by (seed, replicate), so the numbers do not depend on how the work is split;
 * the statistic maps the rows to m numbers, and the interval of each runs between the
 * replicates' (1 - conf) / 2 and (1 + conf) / 2 order statistics (replicates where it is NaN
 * left out; NaN when all are). Rows are resampled together, so paired observations (the
 * same scenario under two settings, common random numbers) stay paired. */

typedef void (*bmc_boot_stat)(void *ctx, int64_t n, const int64_t *rows, double *out);

/* lo[m], hi[m]. reps >= 1; n >= 1 and below 2^32. */
int bmc_bootstrap(int64_t n, int m, bmc_boot_stat stat, void *ctx, int reps, uint64_t seed,
                  double conf, double *lo, double *hi, bmc_err *err);

/* The level % quantile of x over the given rows (rows NULL: 0..n-1), by the order-statistic
 * rule of stats.h; +inf sorts after every number. NaN when n is 0 or out of memory. */
double bmc_rows_quantile(int64_t n, const double *x, const int64_t *rows, int level);

/* Paired comparisons of b against a (b - a) over the same n rows, out = {estimate, lo, hi}:
 * the difference of their level % quantiles (NaN when either is infinite), and the
 * difference of their shares of non-zero values. */
int bmc_paired_quantile_shift(int64_t n, const double *a, const double *b, int level, int reps,
                              uint64_t seed, double conf, double out[3], bmc_err *err);
int bmc_paired_share_shift(int64_t n, const unsigned char *a, const unsigned char *b, int reps,
                           uint64_t seed, double conf, double out[3], bmc_err *err);

#endif
