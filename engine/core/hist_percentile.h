#ifndef BACKLOGMC_HIST_PERCENTILE_H
#define BACKLOGMC_HIST_PERCENTILE_H

#include <stdint.h>

/* Where a value lies in a distribution held as a histogram: the percentage of the
 * distribution below it, counting half of a tie (the mid-rank percentile, so that a value
 * equal to every sample lies at 50 %).
 *
 * counts[0..nbins) are the samples per bin in ascending order of value; v falls in bin `bin`,
 * and `within` is the share of that bin's samples taken to lie below v: 0.5 for a bin that
 * holds one value only (v ties with all of them), (v - lo) / width for a bin whose samples
 * are spread over [lo, lo + width). Returns 100 (below + within x counts[bin]) / total, NaN
 * when the histogram is empty or bin is out of range. */
double bmc_hist_percentile(const int64_t *counts, int nbins, int bin, double within);

#endif
