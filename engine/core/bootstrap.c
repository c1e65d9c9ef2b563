#include "bootstrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "rng.h"
#include "stats.h"

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int bmc_bootstrap(int64_t n, int m, bmc_boot_stat stat, void *ctx, int reps, uint64_t seed,
                  double conf, double *lo, double *hi, bmc_err *err)
{
    if (n < 1 || n >= (INT64_C(1) << 32) || m < 1 || reps < 1)
        return bmc_fail(err, BMC_EINTERNAL, "bootstrap of %lld rows, %d numbers, %d replicates",
                        (long long)n, m, reps);
    int64_t *rows = malloc((size_t)n * sizeof *rows);
    double *rep = malloc((size_t)reps * (size_t)m * sizeof *rep);
    double *col = malloc((size_t)reps * sizeof *col);
    gsl_rng *r = bmc_stream_alloc();
    if (!rows || !rep || !col || !r) {
        free(rows);
        free(rep);
        free(col);
        if (r)
            gsl_rng_free(r);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %d bootstrap replicates", reps);
    }
    for (int b = 0; b < reps; b++) {
        /* its own stream per replicate; the purpose slot is only a label here */
        bmc_stream_key(r, seed, (uint64_t)b, BMC_STREAM_PARAMETERS);
        for (int64_t j = 0; j < n; j++)
            rows[j] = (int64_t)gsl_rng_uniform_int(r, (unsigned long)n);
        stat(ctx, n, rows, rep + (size_t)b * m);
    }
    double tail = (1 - conf) / 2;
    for (int i = 0; i < m; i++) {
        int k = 0;
        for (int b = 0; b < reps; b++) {
            double v = rep[(size_t)b * m + i];
            if (!isnan(v))
                col[k++] = v;
        }
        if (k == 0) {
            lo[i] = hi[i] = NAN;
            continue;
        }
        qsort(col, (size_t)k, sizeof *col, cmp_double);
        lo[i] = col[(int)floor(tail * (k - 1))];
        hi[i] = col[(int)ceil((1 - tail) * (k - 1))];
    }
    free(rows);
    free(rep);
    free(col);
    gsl_rng_free(r);
    return BMC_OK;
}

double bmc_rows_quantile(int64_t n, const double *x, const int64_t *rows, int level)
{
    if (n < 1)
        return NAN;
    double *v = malloc((size_t)n * sizeof *v);
    if (!v)
        return NAN;
    for (int64_t j = 0; j < n; j++)
        v[j] = x[rows ? rows[j] : j];
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double q = v[bmc_stats_quantile_rank(n, level) - 1];
    free(v);
    return q;
}

typedef struct quantile_pair {
    const double *a, *b;
    int level;
} quantile_pair;

static void quantile_shift_stat(void *ctx, int64_t n, const int64_t *rows, double *out)
{
    const quantile_pair *q = ctx;
    double qa = bmc_rows_quantile(n, q->a, rows, q->level);
    double qb = bmc_rows_quantile(n, q->b, rows, q->level);
    *out = isfinite(qa) && isfinite(qb) ? qb - qa : NAN;
}

int bmc_paired_quantile_shift(int64_t n, const double *a, const double *b, int level, int reps,
                              uint64_t seed, double conf, double out[3], bmc_err *err)
{
    quantile_pair q = {a, b, level};
    quantile_shift_stat(&q, n, NULL, &out[0]);
    return bmc_bootstrap(n, 1, quantile_shift_stat, &q, reps, seed, conf, &out[1], &out[2],
                         err);
}

typedef struct share_pair {
    const unsigned char *a, *b;
} share_pair;

static void share_shift_stat(void *ctx, int64_t n, const int64_t *rows, double *out)
{
    const share_pair *s = ctx;
    int64_t d = 0;
    for (int64_t j = 0; j < n; j++) {
        int64_t i = rows ? rows[j] : j;
        d += (s->b[i] != 0) - (s->a[i] != 0);
    }
    *out = (double)d / (double)n;
}

int bmc_paired_share_shift(int64_t n, const unsigned char *a, const unsigned char *b, int reps,
                           uint64_t seed, double conf, double out[3], bmc_err *err)
{
    share_pair s = {a, b};
    share_shift_stat(&s, n, NULL, &out[0]);
    return bmc_bootstrap(n, 1, share_shift_stat, &s, reps, seed, conf, &out[1], &out[2], err);
}
