#ifndef BACKLOGMC_FORECAST_SCORES_H
#define BACKLOGMC_FORECAST_SCORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Scores of a probabilistic forecast, given as a sample of simulated values, against the
 * value that was then observed (Gneiting and Raftery 2007, "Strictly proper scoring rules,
 * prediction, and estimation"): the central 50 % and 90 % intervals and whether they held
 * it, the probability integral transform (PIT), the continuous ranked probability score
 * (CRPS), and the same score for point forecasts to compare against (skill). Then the
 * tallies over many forecasts: coverage, the PIT histogram with its chi-square test of
 * uniformity, mean CRPS and the CRPS skill against each reference forecast. */

#define BMC_PIT_BINS 10
#define BMC_SCORE_REFS 2       /* reference point forecasts per forecast */
#define BMC_SCORE_QUANTILES 5  /* 5, 25, 50, 75 and 95 % */

extern const int bmc_score_quantile_levels[BMC_SCORE_QUANTILES];

/* Sorts n doubles ascending in place (no NaN). */
void bmc_scores_sort(double *x, size_t n);

/* The level % quantile of a sorted sample as the order statistic x_(k), k = ceil(n level /
 * 100) (the inverse of the empirical CDF, as every quantile of backlogmc). n >= 1. */
double bmc_scores_quantile(const double *sorted, size_t n, int level);

/* The PIT of y under the sample, from the rank of y among the n + 1 values with ties split
 * evenly: (#{x < y} + (#{x = y} + 1) / 2) / (n + 1). When y is a draw from the forecast
 * distribution (continuous), its rank is uniform on 0..n and the PIT is uniform on the
 * midpoints of n + 1 equal cells, so the histogram of many PITs is flat. */
double bmc_scores_pit(const double *sorted, size_t n, double y);

/* The CRPS of the sample at y in its unbiased energy form (the "fair" CRPS):
 *     (1/n) sum |x_i - y|  -  1 / (2 n (n - 1)) sum_{i != j} |x_i - x_j|,
 * whose expectation over samples of the forecast distribution F is CRPS(F, y) exactly
 * (the plain form with n^2 overstates it by E|X - X'| / (2n)). O(n) on a sorted sample.
 * n >= 2. */
double bmc_scores_crps_sample(const double *sorted, size_t n, double y);

/* The CRPS of N(mu, sigma^2) at y in closed form:
 *     sigma (z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)),  z = (y - mu) / sigma. */
double bmc_scores_crps_normal(double mu, double sigma, double y);

/* Pearson's chi-square statistic of bin counts against equal expected counts, and its
 * upper-tail p-value with bins - 1 degrees of freedom (NaN when the counts sum to 0). */
double bmc_scores_uniform_chisq(const int64_t *counts, int bins, double *p_value);

/* One forecast against its observation. Everything observation-dependent is NaN (and the
 * flags false) when the observation is unknown; a reference forecast that is unknown (NaN)
 * has a NaN score. */
typedef struct bmc_forecast_score {
    double observed;                     /* NaN: not observed */
    double quantile[BMC_SCORE_QUANTILES];
    double mean;
    double pit;
    bool in50, in90;                     /* observed within [q25, q75], [q5, q95] */
    double crps;
    double ref[BMC_SCORE_REFS];          /* reference point forecasts */
    double ref_crps[BMC_SCORE_REFS];     /* their CRPS: |ref - observed| */
} bmc_forecast_score;

/* Sorts the sample (n >= 2) in place and scores it against observed with the references
 * ref[BMC_SCORE_REFS]. */
void bmc_forecast_score_sample(double *sample, size_t n, double observed, const double *ref,
                               bmc_forecast_score *out);

/* Tallies over forecasts with an observation. Skill against reference r counts only the
 * forecasts where r exists, so that both sums are over the same cases. */
typedef struct bmc_score_tally {
    int64_t n;
    int64_t in50, in90;
    int64_t pit[BMC_PIT_BINS];
    double crps_sum;
    int64_t n_ref[BMC_SCORE_REFS];
    double crps_sum_ref[BMC_SCORE_REFS]; /* the forecast's CRPS where reference r exists */
    double ref_crps_sum[BMC_SCORE_REFS];
} bmc_score_tally;

/* Adds a scored forecast; one without an observation is left out. */
void bmc_score_tally_add(bmc_score_tally *t, const bmc_forecast_score *s);

typedef struct bmc_score_summary {
    int64_t n;                       /* forecasts scored */
    double cover50, cover90;         /* shares of observations inside the intervals */
    int64_t pit[BMC_PIT_BINS];
    double pit_chisq, pit_p;         /* uniformity of the PIT histogram */
    double crps_mean;
    int64_t n_ref[BMC_SCORE_REFS];
    /* 1 - sum CRPS / sum reference CRPS over the forecasts where the reference exists:
     * positive when the forecast beats the reference */
    double skill[BMC_SCORE_REFS];
} bmc_score_summary;

/* NaN for what is undefined (no forecast, no reference, a reference that was never off). */
void bmc_score_tally_summarise(const bmc_score_tally *t, bmc_score_summary *out);

#endif
