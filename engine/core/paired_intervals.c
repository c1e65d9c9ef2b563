#include "paired_intervals.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
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

static double diff_of(double ma, double mb)
{
    if (isinf(ma) && isinf(mb))
        return NAN;
    return mb - ma;
}

/* Ascending with NaN (unknown) last. */
static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

int bmc_paired_median_diff(const double *a, const double *b, int64_t n, int reps, uint64_t seed,
                           double conf, double out[3], bmc_err *err)
{
    out[0] = out[1] = out[2] = NAN;
    double *sa = malloc(((size_t)n + 1) * sizeof *sa), *sb = malloc(((size_t)n + 1) * sizeof *sb);
    double *ra = malloc(((size_t)n + 1) * sizeof *ra), *rb = malloc(((size_t)n + 1) * sizeof *rb);
    double *d = malloc(((size_t)reps + 1) * sizeof *d);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = sa && sb && ra && rb && d && r
                 ? BMC_OK
                 : bmc_fail(err, BMC_ENOMEM, "out of memory for a bootstrap of %lld units",
                            (long long)n);
    if (rc == BMC_OK && n > 0) {
        out[0] = diff_of(bmc_median_defined(a, n, sa), bmc_median_defined(b, n, sb));
        gsl_rng_set(r, (unsigned long)seed);
        for (int k = 0; k < reps; k++) {
            for (int64_t i = 0; i < n; i++) {
                int64_t u = (int64_t)gsl_rng_uniform_int(r, (unsigned long)n);
                ra[i] = a[u];
                rb[i] = b[u];
            }
            d[k] = diff_of(bmc_median_defined(ra, n, sa), bmc_median_defined(rb, n, sb));
        }
        qsort(d, (size_t)reps, sizeof *d, by_value);
        double tail = (1 - conf) / 2;
        int lo = (int)floor(tail * reps), hi = (int)ceil((1 - tail) * reps) - 1;
        if (reps > 0) {
            out[1] = d[lo < 0 ? 0 : lo];
            out[2] = d[hi >= reps ? reps - 1 : hi];
        }
    }
    gsl_rng_free(r);
    free(sa);
    free(sb);
    free(ra);
    free(rb);
    free(d);
    return rc;
}
