#ifndef BACKLOGMC_MONTHLY_HIST_H
#define BACKLOGMC_MONTHLY_HIST_H

#include <stdint.h>

#include "h5read.h"
#include "status.h"

/* The monthly distributions a results file keeps for monitoring: /summary/monthly_histogram/
 * <name>, [months][bins] scenario counts in the bins of summary_bins.h (docs/output.md). */

/* Reads the histograms of the monthly indicator `series` (summary.h, one of those the file
 * keeps: old_open_total, old_decisions_total, new_on_time_share, new_arrivals) into *out,
 * malloc'd [*months][bins] with bins = bmc_summary_monthly_bins(series). BMC_EIO naming the
 * file when it has none (written before they were kept) or their shape is not that. */
int bmc_monthly_hist_read(bmc_h5read *r, int series, int64_t **out, int *months,
                          bmc_err *err);

/* Where value v lies in the histogram h of a series: the mid-rank percentile
 * (hist_percentile.h) with a tie counted half in a bin of one value and the part of the bin
 * below v otherwise; NaN when no scenario defines the indicator that month. */
double bmc_monthly_hist_percentile(const int64_t *h, int series, double v);

/* The level % quantile of the histogram (the bin's value, as the fan charts of /summary). */
double bmc_monthly_hist_quantile(const int64_t *h, int series, int level);

#endif
