#ifndef BACKLOGMC_SUMMARY_TABLE_H
#define BACKLOGMC_SUMMARY_TABLE_H

#include <stdio.h>

#include "h5read.h"
#include "summary.h"

/* Plain-text tables of a summary for a memo: ISO dates, percentages, 95 % intervals. A day
 * not reached by the horizon is printed "after <horizon date>"; an interval end that this
 * many scenarios cannot bound is printed "open". */

/* Completion quantiles, probabilities (also by triage), milestones, per-category dates. */
void bmc_summary_print(const bmc_summary *s, FILE *out);

/* The reference (the main results, ref, named reference) and one row per variant: median
 * completion with its interval and P(complete by target) with its Clopper-Pearson interval.
 * Prints nothing when n == 0. */
void bmc_summary_print_variants(const char *reference, const bmc_summary *ref,
                                const char (*names)[BMC_NAME_LEN], bmc_summary *const *sums,
                                int n, FILE *out);

/* Each variant against the reference on the same scenarios (h5read.h): scenarios in which it
 * completes later, earlier or on the same day, P(later) with its Wilson interval; the
 * completion-day difference (variant minus reference) with the 95 % interval of its median;
 * the difference in P(complete by target) with its Agresti-Min interval. ref gives the dates.
 * A variant without paired[i].present gets a row that says so. Prints nothing when n == 0. */
void bmc_summary_print_paired(const char *reference, const bmc_summary *ref,
                              const char (*names)[BMC_NAME_LEN],
                              const bmc_h5read_paired_info *paired, int n, FILE *out);

#endif
