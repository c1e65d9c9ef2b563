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

/* A contrast sum_j w[j] stat(x[j]) of k paired samples x[0..k) of the same n units, stat the
 * median (bmc_median_defined) or the mean of the defined values rounded to a multiple of grid
 * (grid 0: not rounded; with a grid, and weights that are multiples of 1/2, every contrast is
 * exact, whatever the order of its terms), with a paired bootstrap
 * interval: `reps` resamples of the n units with replacement, the same units for every
 * sample, the contrast of each, and the (1 - conf) / 2 and (1 + conf) / 2 order statistics of
 * those. The contrast is unknown (NaN) when a sample with a weight other than 0 has no
 * defined value or an infinite statistic (a median beyond the horizon); a bound that falls
 * on an unknown resample is NaN. The resamples come from an MT19937 stream seeded with
 * `seed`, so the interval is the same on every run, and negating the weights negates the
 * estimate and mirrors the interval exactly. out = {estimate, low, high}. BMC_ENOMEM. */
enum bmc_contrast_stat { BMC_CONTRAST_MEDIAN, BMC_CONTRAST_MEAN };
int bmc_paired_contrast(const double *const *x, const double *w, int k, int64_t n,
                        enum bmc_contrast_stat stat, double grid, int reps, uint64_t seed,
                        double conf, double out[3], bmc_err *err);

#endif
