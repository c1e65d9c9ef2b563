#ifndef BACKLOGMC_SUMMARY_BINS_H
#define BACKLOGMC_SUMMARY_BINS_H

/* Fixed histogram bins for the monthly indicators. The edges depend on nothing in the
 * configuration, so histograms of any two runs, ranks or batches add up bin by bin; a
 * quantile is read off as the representative value of the bin that holds it.
 *
 * Counts (cases, decisions): one bin per whole number below 256, then 128 bins per power of
 * two up to 2^24, one bin for everything from 2^24 up. A whole number below 256 comes back
 * exactly (a fraction, from deterministic runs, is cut to the whole number below it: error
 * < 1); from 256 the bin's midpoint comes back, within 1/256 (0.39 %) of every value in the
 * bin. Values of 2^24 and more come back as 2^24. Negative values count as 0.
 *
 * Shares (0..1): 1000 bins of width 0.001 and one for exactly 1; the midpoint comes back,
 * within 0.0005 of the value.
 *
 * Both kinds end with one bin for NaN ("undefined": a rate without a denominator), which
 * quantiles leave out. */

#define BMC_BINS_COUNT_EXACT 256  /* whole numbers below this have a bin each */
#define BMC_BINS_COUNT_SUB 128    /* bins per power of two above */
#define BMC_BINS_COUNT_OCTAVES 16 /* 2^8 .. 2^24 */
#define BMC_BINS_COUNT_MAX 16777216.0
#define BMC_BINS_COUNT_N \
    (BMC_BINS_COUNT_EXACT + BMC_BINS_COUNT_OCTAVES * BMC_BINS_COUNT_SUB + 2)
#define BMC_BINS_SHARE_STEPS 1000
#define BMC_BINS_SHARE_N (BMC_BINS_SHARE_STEPS + 2)

int bmc_bins_count_index(double v);
/* Lower edge and width of a count bin (NaN for the undefined bin). */
void bmc_bins_count_edges(int bin, double *lo, double *width);
double bmc_bins_count_value(int bin);

int bmc_bins_share_index(double v);
double bmc_bins_share_value(int bin);

#endif
