#include "paired_intervals.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "stats.h"

void bmc_paired_proportion_diff(int64_t a_only, int64_t b_only, int64_t n, double conf,
                                double out[3])
{
    out[0] = out[1] = out[2] = NAN;
    if (n <= 0)
        return;
    double b = (double)a_only, c = (double)b_only;
    out[0] = (c - b) / (double)n;
    /* 1/2 added to each of the four cells, so n grows by 2 */
    double na = (double)n + 2, ba = b + 0.5, ca = c + 0.5;
    double d = (ca - ba) / na;
    double var = ((ba + ca) / na - d * d) / na;
    double z = gsl_cdf_ugaussian_Qinv((1 - conf) / 2);
    double half = z * sqrt(var > 0 ? var : 0);
    out[1] = fmax(-1.0, d - half);
    out[2] = fmin(1.0, d + half);
}

/* The k-th smallest (0-based) of x[0..n) by quickselect; x is reordered. */
static double select_kth(double *x, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = x[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] < pivot)
                i++;
            while (x[j] > pivot)
                j--;
            if (i <= j) {
                double t = x[i];
                x[i++] = x[j];
                x[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return x[k];
    }
    return x[k];
}

double bmc_median_defined(const double *x, int64_t n, double *scratch)
{
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            scratch[m++] = x[i];
    if (m == 0)
        return NAN;
    return select_kth(scratch, m, bmc_stats_quantile_rank(m, 50) - 1);
}

static double mean_defined(const double *x, int64_t n)
{
    double sum = 0;
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            m++;
        }
    return m > 0 ? sum / (double)m : NAN;
}

/* sum_j w[j] stat(x[j]) over the units x[j][0..n); NaN when a weighted term is not finite. */
static double contrast(const double *const *x, const double *w, int k, int64_t n,
                       enum bmc_contrast_stat stat, double grid, double *scratch)
{
    double sum = 0;
    for (int j = 0; j < k; j++) {
        if (w[j] == 0)
            continue;
        double v = stat == BMC_CONTRAST_MEDIAN ? bmc_median_defined(x[j], n, scratch)
                                               : mean_defined(x[j], n);
        if (!isfinite(v))
            return NAN;
        if (grid > 0)
            v = round(v / grid) * grid;
        sum += w[j] * v;
    }
    return sum;
}

/* Ascending with NaN (unknown) last. */
static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

#define MAX_SAMPLES 8

int bmc_paired_contrast(const double *const *x, const double *w, int k, int64_t n,
                        enum bmc_contrast_stat stat, double grid, int reps, uint64_t seed,
                        double conf, double out[3], bmc_err *err)
{
    out[0] = out[1] = out[2] = NAN;
    if (k < 1 || k > MAX_SAMPLES)
        return bmc_fail(err, BMC_EINTERNAL, "a contrast of %d samples", k);
    size_t units = (size_t)n + 1;
    double *scratch = malloc(units * sizeof *scratch), *d = malloc(((size_t)reps + 1) * sizeof *d);
    double *r[MAX_SAMPLES] = {NULL};
    bool ok = scratch && d;
    for (int j = 0; j < k && ok; j++)
        ok = (r[j] = malloc(units * sizeof *r[j])) != NULL;
    gsl_rng *g = ok ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    int rc = g ? BMC_OK : bmc_fail(err, BMC_ENOMEM, "out of memory for a bootstrap of %lld "
                                                    "units", (long long)n);
    if (rc == BMC_OK && n > 0) {
        out[0] = contrast(x, w, k, n, stat, grid, scratch);
        gsl_rng_set(g, (unsigned long)seed);
        for (int b = 0; b < reps; b++) {
            for (int64_t i = 0; i < n; i++) {
                int64_t u = (int64_t)gsl_rng_uniform_int(g, (unsigned long)n);
                for (int j = 0; j < k; j++)
                    r[j][i] = x[j][u];
            }
            d[b] = contrast((const double *const *)r, w, k, n, stat, grid, scratch);
        }
        qsort(d, (size_t)reps, sizeof *d, by_value);
        double tail = (1 - conf) / 2;
        int lo = (int)floor(tail * reps), hi = (int)ceil((1 - tail) * reps) - 1;
        if (reps > 0) {
            out[1] = d[lo < 0 ? 0 : lo];
            out[2] = d[hi >= reps ? reps - 1 : hi];
        }
    }
    gsl_rng_free(g);
    for (int j = 0; j < k; j++)
        free(r[j]);
    free(scratch);
    free(d);
    return rc;
}
