#ifndef BACKLOGMC_SUMMARY_TABLE_H
#define BACKLOGMC_SUMMARY_TABLE_H

#include <stdio.h>

#include "summary.h"

/* Plain-text tables of a summary for a memo: ISO dates, percentages, 95 % intervals. A day
 * not reached by the horizon is printed "after <horizon date>"; an interval end that this
 * many scenarios cannot bound is printed "open". */

/* Completion quantiles, probabilities (also by triage), milestones, per-category dates. */
void bmc_summary_print(const bmc_summary *s, FILE *out);

/* One row per variant: median completion with its interval and P(complete by target) with
 * its Clopper-Pearson interval. Prints nothing when n == 0. */
void bmc_summary_print_variants(const char (*names)[BMC_NAME_LEN], bmc_summary *const *sums,
                                int n, FILE *out);

#endif
