#ifndef BACKLOGMC_SOBOL_INDICES_H
#define BACKLOGMC_SOBOL_INDICES_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

/* First-order and total Sobol indices from a Saltelli design (Saltelli et al. 2010): two
 * independent samples A and B of n rows over k inputs, and for each input i the sample AB_i,
 * A with column i taken from B. With f the outputs, V the variance of f(A) and f(B) pooled,
 * Jansen's estimators are
 *     first_i = (V - sum_j (f(B)_j - f(AB_i)_j)^2 / 2n) / V
 *     total_i = sum_j (f(A)_j - f(AB_i)_j)^2 / 2n / V,
 * at a cost of n (k + 2) evaluations. Rows with a NaN output anywhere are left out. The
 * intervals are percentile bootstraps over the rows (bootstrap.h). The first-order indices
 * sum to 1 and every total equals its first-order index only for an additive model; a
 * first-order sum clearly below 1 (or totals summing above 1) means interactions. */

typedef struct bmc_sobol_index {
    double first, first_lo, first_hi;
    double total, total_lo, total_hi;
} bmc_sobol_index;

typedef struct bmc_sobol_summary {
    int64_t rows_used;  /* rows without a NaN */
    double mean, variance;
    double sum_first[3], sum_total[3]; /* estimate, lo, hi */
    bool interactions;  /* the first-order sum's interval lies below 1, or the totals' above */
} bmc_sobol_summary;

/* ya[n], yb[n], yab[i * n + j] for input i and row j; out[k]. BMC_ECONFIG when fewer than
 * 2 rows are usable or the outputs do not vary. */
int bmc_sobol_jansen(int64_t n, int k, const double *ya, const double *yb, const double *yab,
                     int reps, uint64_t seed, double conf, bmc_sobol_index *out,
                     bmc_sobol_summary *summary, bmc_err *err);

#endif
