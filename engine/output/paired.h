#ifndef BACKLOGMC_PAIRED_H
#define BACKLOGMC_PAIRED_H

#include <stdint.h>

#include "results.h"
#include "status.h"

/* A policy variant against the reference on the same scenarios (common random numbers,
 * docs/model.md section 10): the completion-day difference scenario by scenario. Integer counts
 * only, added block by block in any order, so every number is the same for any split of
 * the scenarios over threads, ranks or batches (docs/output.md, /variants/<name>/paired). */
typedef struct bmc_paired bmc_paired;

/* ndays: simulated days (day values lie in [0, ndays) or are -1); target_day in [0, ndays). */
int bmc_paired_create(int ndays, int target_day, bmc_paired **out, bmc_err *err);
void bmc_paired_free(bmc_paired *p);

/* ref and var hold the same scenarios (first_scenario and count; else BMC_EINTERNAL). */
int bmc_paired_add(bmc_paired *p, const bmc_result_block *ref, const bmc_result_block *var,
                   bmc_err *err);

/* Variant minus reference completion day of one scenario; NaN when either is not complete
 * by the horizon. */
double bmc_paired_diff(int32_t ref_day, int32_t var_day);

typedef struct bmc_paired_counts {
    int64_t n;
    int64_t later, earlier, tied;  /* beyond the horizon ranks after every day */
    int64_t both_complete;
    int64_t target_reference_only, target_variant_only;
} bmc_paired_counts;

void bmc_paired_get_counts(const bmc_paired *p, bmc_paired_counts *c);
int bmc_paired_ndays(const bmc_paired *p);
/* [2 ndays + 1]: element k counts the both-complete scenarios with difference k - ndays. */
const int64_t *bmc_paired_diff_counts(const bmc_paired *p);

/* Quantile of the difference over both-complete scenarios (order-statistic rule of
 * summary.h) with its interval at BMC_CONFIDENCE; NaN when there are none, or for a bound
 * that is open. */
void bmc_paired_quantile(const bmc_paired *p, int level, double *q, double *lo, double *hi);
/* Mean and standard deviation (n - 1) of the difference over both-complete scenarios. */
void bmc_paired_moments(const bmc_paired *p, double *mean, double *sd);
/* P(variant completes later) with its Wilson interval. */
void bmc_paired_p_later(const bmc_paired *p, double out[3]);
/* P(variant by target) - P(reference by target) with the Agresti-Min interval for paired
 * proportions (Agresti & Min 2005: add 1/2 to each cell of the 2x2 table, then Wald). */
void bmc_paired_target_difference(const bmc_paired *p, double out[3]);

#endif
