#include "sobol_indices.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"

typedef struct design_outputs {
    int64_t n;
    int k;
    const double *ya, *yb, *yab; /* only usable rows */
} design_outputs;

/* out = first[k], total[k], sum of first, sum of total over the rows. */
static void jansen(void *ctx, int64_t n, const int64_t *rows, double *out)
{
    const design_outputs *d = ctx;
    int k = d->k;
    double mean = 0;
    for (int64_t j = 0; j < n; j++) {
        int64_t r = rows ? rows[j] : j;
        mean += d->ya[r] + d->yb[r];
    }
    mean /= 2.0 * (double)n;
    double var = 0;
    for (int64_t j = 0; j < n; j++) {
        int64_t r = rows ? rows[j] : j;
        var += (d->ya[r] - mean) * (d->ya[r] - mean) + (d->yb[r] - mean) * (d->yb[r] - mean);
    }
    var /= 2.0 * (double)n - 1;
    double sum_first = 0, sum_total = 0;
    for (int i = 0; i < k; i++) {
        const double *yi = d->yab + (size_t)i * d->n;
        double sb = 0, sa = 0;
        for (int64_t j = 0; j < n; j++) {
            int64_t r = rows ? rows[j] : j;
            sb += (d->yb[r] - yi[r]) * (d->yb[r] - yi[r]);
            sa += (d->ya[r] - yi[r]) * (d->ya[r] - yi[r]);
        }
        double first = var > 0 ? (var - sb / (2.0 * (double)n)) / var : NAN;
        double total = var > 0 ? sa / (2.0 * (double)n) / var : NAN;
        out[i] = first;
        out[k + i] = total;
        sum_first += first;
        sum_total += total;
    }
    out[2 * k] = sum_first;
    out[2 * k + 1] = sum_total;
}

int bmc_sobol_jansen(int64_t n, int k, const double *ya, const double *yb, const double *yab,
                     int reps, uint64_t seed, double conf, bmc_sobol_index *out,
                     bmc_sobol_summary *summary, bmc_err *err)
{
    memset(summary, 0, sizeof *summary);
    if (k < 1 || n < 1)
        return bmc_fail(err, BMC_EINTERNAL, "Sobol indices of %d inputs from %lld rows", k,
                        (long long)n);
    /* the usable rows, compacted */
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    double *ab = malloc((size_t)n * (size_t)k * sizeof *ab);
    int m = 2 * k + 2;
    double *est = malloc((size_t)m * sizeof *est), *lo = malloc((size_t)m * sizeof *lo);
    double *hi = malloc((size_t)m * sizeof *hi);
    int rc = BMC_OK;
    if (!a || !b || !ab || !est || !lo || !hi) {
        rc = bmc_fail(err, BMC_ENOMEM, "out of memory for the Sobol indices");
        goto done;
    }
    int64_t u = 0;
    for (int64_t j = 0; j < n; j++) {
        bool ok = !isnan(ya[j]) && !isnan(yb[j]);
        for (int i = 0; ok && i < k; i++)
            ok = !isnan(yab[(size_t)i * n + j]);
        if (!ok)
            continue;
        a[u] = ya[j];
        b[u] = yb[j];
        for (int i = 0; i < k; i++)
            ab[(size_t)i * n + u] = yab[(size_t)i * n + j];
        u++;
    }
    summary->rows_used = u;
    if (u < 2) {
        rc = bmc_fail(err, BMC_ECONFIG, "only %lld of %lld rows have every output defined",
                      (long long)u, (long long)n);
        goto done;
    }
    design_outputs d = {n, k, a, b, ab};
    /* d.n stays the stride of ab; the statistic reads rows < u only */
    jansen(&d, u, NULL, est);
    double mean = 0, var = 0;
    for (int64_t j = 0; j < u; j++)
        mean += a[j] + b[j];
    mean /= 2.0 * (double)u;
    for (int64_t j = 0; j < u; j++)
        var += (a[j] - mean) * (a[j] - mean) + (b[j] - mean) * (b[j] - mean);
    summary->mean = mean;
    summary->variance = var / (2.0 * (double)u - 1);
    if (!(summary->variance > 0)) {
        rc = bmc_fail(err, BMC_ECONFIG, "the output does not vary over the design: no indices");
        goto done;
    }
    rc = bmc_bootstrap(u, m, jansen, &d, reps, seed, conf, lo, hi, err);
    if (rc != BMC_OK)
        goto done;
    for (int i = 0; i < k; i++)
        out[i] = (bmc_sobol_index){est[i], lo[i], hi[i], est[k + i], lo[k + i], hi[k + i]};
    double *sf = summary->sum_first, *st = summary->sum_total;
    sf[0] = est[2 * k], sf[1] = lo[2 * k], sf[2] = hi[2 * k];
    st[0] = est[2 * k + 1], st[1] = lo[2 * k + 1], st[2] = hi[2 * k + 1];
    summary->interactions = sf[2] < 1 || st[1] > 1;
done:
    free(a);
    free(b);
    free(ab);
    free(est);
    free(lo);
    free(hi);
    return rc;
}
