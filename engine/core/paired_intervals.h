#ifndef BACKLOGMC_PAIRED_INTERVALS_H
#define BACKLOGMC_PAIRED_INTERVALS_H

#include <stdint.h>

#include "status.h"

/* Intervals for the difference between two measurements of the same units (paired samples:
 * the same scenarios under two sets of inputs, common random numbers). conf is the two-sided
 * level, e.g. 0.95. */

/* P(B) - P(A) of a paired binary outcome over n units, a_only of which have A only and b_only
 * B only: out[0] = (b_only - a_only) / n, out[1..2] the Agresti-Min interval (Agresti & Min
 * 2005: 1/2 added to each cell of the 2 x 2 table, then Wald), clipped to [-1, 1]. NaN when
 * n is 0. */
void bmc_paired_proportion_diff(int64_t a_only, int64_t b_only, int64_t n, double conf,
                                double out[3]);

/* The median of the defined values of x[0..n) (NaN = undefined, left out; +INFINITY sorts
 * above every number): the order statistic of rank ceil(m / 2) of the m defined values, as
 * everywhere in backlogmc. NaN when none is defined. scratch holds n doubles. */
double bmc_median_defined(const double *x, int64_t n, double *scratch);

/* median(b) - median(a) of two paired samples (bmc_median_defined each; +INFINITY - x is
 * +INFINITY, x - INFINITY is -INFINITY, INFINITY - INFINITY is NaN: unknown) with a paired
 * bootstrap interval: `reps` resamples of the n units with replacement, the same units for
 * a and b, the difference of the medians of each, and the (1 - conf) / 2 and (1 + conf) / 2
 * order statistics of those differences. A bound that falls on an unknown difference is NaN.
 * The resamples come from an MT19937 stream seeded with `seed`, so the interval is the same
 * on every run. out = {estimate, low, high}. BMC_ENOMEM. */
int bmc_paired_median_diff(const double *a, const double *b, int64_t n, int reps, uint64_t seed,
                           double conf, double out[3], bmc_err *err);

#endif
