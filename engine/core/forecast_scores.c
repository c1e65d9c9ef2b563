#include "forecast_scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>

#include "stats.h"

const int bmc_score_quantile_levels[BMC_SCORE_QUANTILES] = {5, 25, 50, 75, 95};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bmc_scores_sort(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
}

double bmc_scores_quantile(const double *sorted, size_t n, int level)
{
    return sorted[bmc_stats_quantile_rank((int64_t)n, level) - 1];
}

/* The first index whose value is >= y (strict: > y). */
static size_t lower_bound(const double *sorted, size_t n, double y, bool strict)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? sorted[mid] <= y : sorted[mid] < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double bmc_scores_pit(const double *sorted, size_t n, double y)
{
    size_t below = lower_bound(sorted, n, y, false);
    size_t equal = lower_bound(sorted, n, y, true) - below;
    return ((double)below + 0.5 * ((double)equal + 1)) / ((double)n + 1);
}

double bmc_scores_crps_sample(const double *sorted, size_t n, double y)
{
    /* sum_{i<j} (x_(j) - x_(i)) = sum_i x_(i) (2 i - n - 1) with i from 1; the values are
     * centred first, which leaves the differences alone and keeps the sums small */
    double centre = sorted[n / 2], abs_dev = 0, spread = 0;
    for (size_t i = 0; i < n; i++) {
        double x = sorted[i] - centre;
        abs_dev += fabs(sorted[i] - y);
        spread += x * (2.0 * (double)i + 1 - (double)n);
    }
    double nn = (double)n;
    return abs_dev / nn - spread / (nn * (nn - 1));
}

double bmc_scores_crps_normal(double mu, double sigma, double y)
{
    double z = (y - mu) / sigma;
    return sigma * (z * (2 * gsl_cdf_ugaussian_P(z) - 1) + 2 * exp(-0.5 * z * z) / sqrt(2 * M_PI)
                    - 1 / sqrt(M_PI));
}

double bmc_scores_uniform_chisq(const int64_t *counts, int bins, double *p_value)
{
    double total = 0;
    for (int b = 0; b < bins; b++)
        total += (double)counts[b];
    if (total <= 0 || bins < 2) {
        *p_value = NAN;
        return NAN;
    }
    double expected = total / bins, chisq = 0;
    for (int b = 0; b < bins; b++)
        chisq += ((double)counts[b] - expected) * ((double)counts[b] - expected) / expected;
    *p_value = gsl_cdf_chisq_Q(chisq, bins - 1);
    return chisq;
}

void bmc_forecast_score_sample(double *sample, size_t n, double observed, const double *ref,
                               bmc_forecast_score *out)
{
    bmc_scores_sort(sample, n);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += sample[i];
    out->mean = sum / (double)n;
    for (int q = 0; q < BMC_SCORE_QUANTILES; q++)
        out->quantile[q] = bmc_scores_quantile(sample, n, bmc_score_quantile_levels[q]);
    out->observed = observed;
    bool known = !isnan(observed);
    out->pit = known ? bmc_scores_pit(sample, n, observed) : NAN;
    out->crps = known ? bmc_scores_crps_sample(sample, n, observed) : NAN;
    out->in50 = known && observed >= out->quantile[1] && observed <= out->quantile[3];
    out->in90 = known && observed >= out->quantile[0] && observed <= out->quantile[4];
    for (int r = 0; r < BMC_SCORE_REFS; r++) {
        out->ref[r] = ref[r];
        out->ref_crps[r] = known && !isnan(ref[r]) ? fabs(ref[r] - observed) : NAN;
    }
}

void bmc_score_tally_add(bmc_score_tally *t, const bmc_forecast_score *s)
{
    if (isnan(s->observed))
        return;
    t->n++;
    t->in50 += s->in50;
    t->in90 += s->in90;
    int bin = (int)(s->pit * BMC_PIT_BINS);
    t->pit[bin < 0 ? 0 : bin >= BMC_PIT_BINS ? BMC_PIT_BINS - 1 : bin]++;
    t->crps_sum += s->crps;
    for (int r = 0; r < BMC_SCORE_REFS; r++)
        if (!isnan(s->ref_crps[r])) {
            t->n_ref[r]++;
            t->crps_sum_ref[r] += s->crps;
            t->ref_crps_sum[r] += s->ref_crps[r];
        }
}

void bmc_score_tally_summarise(const bmc_score_tally *t, bmc_score_summary *out)
{
    memset(out, 0, sizeof *out);
    out->n = t->n;
    double n = (double)t->n;
    out->cover50 = t->n ? (double)t->in50 / n : NAN;
    out->cover90 = t->n ? (double)t->in90 / n : NAN;
    memcpy(out->pit, t->pit, sizeof out->pit);
    out->pit_chisq = bmc_scores_uniform_chisq(t->pit, BMC_PIT_BINS, &out->pit_p);
    out->crps_mean = t->n ? t->crps_sum / n : NAN;
    for (int r = 0; r < BMC_SCORE_REFS; r++) {
        out->n_ref[r] = t->n_ref[r];
        out->skill[r] = t->n_ref[r] && t->ref_crps_sum[r] > 0
                            ? 1 - t->crps_sum_ref[r] / t->ref_crps_sum[r]
                            : NAN;
    }
}
