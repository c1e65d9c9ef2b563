#include "paired.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#include "stats.h"

/* The state is one array of counts (bmc_paired_state): the tallies below, then the
 * histogram of differences, [2 ndays + 1]. */
enum {
    T_N,
    T_LATER,
    T_EARLIER,
    T_TIED,
    T_BOTH_COMPLETE,
    T_TARGET_REFERENCE_ONLY,
    T_TARGET_VARIANT_ONLY,
    T_BOTH_TARGET, /* both complete by the target: the fourth cell */
    T_DIFF
};

struct bmc_paired {
    int ndays, target_day;
    size_t n_counts;
    int64_t *counts;
    int64_t *diff; /* counts + T_DIFF */
};

int bmc_paired_create(int ndays, int target_day, bmc_paired **out, bmc_err *err)
{
    *out = NULL;
    if (ndays < 1 || target_day < 0 || target_day >= ndays)
        return bmc_fail(err, BMC_EINTERNAL, "paired comparison of %d days, target day %d",
                        ndays, target_day);
    bmc_paired *p = calloc(1, sizeof *p);
    size_t n = T_DIFF + 2 * (size_t)ndays + 1;
    if (p)
        p->counts = calloc(n, sizeof *p->counts);
    if (!p || !p->counts) {
        free(p);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a paired comparison");
    }
    p->n_counts = n;
    p->diff = p->counts + T_DIFF;
    p->ndays = ndays;
    p->target_day = target_day;
    *out = p;
    return BMC_OK;
}

void bmc_paired_free(bmc_paired *p)
{
    if (!p)
        return;
    free(p->counts);
    free(p);
}

double bmc_paired_diff(int32_t ref_day, int32_t var_day)
{
    return ref_day < 0 || var_day < 0 ? NAN : (double)var_day - (double)ref_day;
}

/* Day values as a rank order: beyond the horizon after every day. */
static int64_t order_key(int32_t day, int ndays)
{
    return day < 0 ? ndays : day;
}

int bmc_paired_add(bmc_paired *p, const bmc_result_block *ref, const bmc_result_block *var,
                   bmc_err *err)
{
    if (ref->count != var->count || ref->first_scenario != var->first_scenario)
        return bmc_fail(err, BMC_EINTERNAL, "paired blocks of different scenarios");
    for (int i = 0; i < ref->count; i++) {
        int32_t r = ref->completion_day[i], v = var->completion_day[i];
        if (r >= p->ndays || v >= p->ndays)
            return bmc_fail(err, BMC_EINTERNAL, "completion day out of range");
    }
    int64_t *t = p->counts;
    for (int i = 0; i < ref->count; i++) {
        int32_t r = ref->completion_day[i], v = var->completion_day[i];
        int64_t kr = order_key(r, p->ndays), kv = order_key(v, p->ndays);
        t[T_N]++;
        t[kv > kr ? T_LATER : kv < kr ? T_EARLIER : T_TIED]++;
        if (r >= 0 && v >= 0) {
            t[T_BOTH_COMPLETE]++;
            p->diff[(v - r) + p->ndays]++;
        }
        bool rt = r >= 0 && r <= p->target_day, vt = v >= 0 && v <= p->target_day;
        t[T_TARGET_REFERENCE_ONLY] += rt && !vt;
        t[T_TARGET_VARIANT_ONLY] += vt && !rt;
        t[T_BOTH_TARGET] += rt && vt;
    }
    return BMC_OK;
}

int64_t *bmc_paired_state(bmc_paired *p, size_t *n)
{
    *n = p->n_counts;
    return p->counts;
}

int bmc_paired_merge(bmc_paired *dst, const bmc_paired *src, bmc_err *err)
{
    if (!dst || !src || dst->ndays != src->ndays || dst->target_day != src->target_day)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_paired_merge: comparisons of different shape");
    for (size_t i = 0; i < dst->n_counts; i++)
        dst->counts[i] += src->counts[i];
    return BMC_OK;
}

void bmc_paired_get_counts(const bmc_paired *p, bmc_paired_counts *c)
{
    const int64_t *t = p->counts;
    *c = (bmc_paired_counts){.n = t[T_N],
                             .later = t[T_LATER],
                             .earlier = t[T_EARLIER],
                             .tied = t[T_TIED],
                             .both_complete = t[T_BOTH_COMPLETE],
                             .target_reference_only = t[T_TARGET_REFERENCE_ONLY],
                             .target_variant_only = t[T_TARGET_VARIANT_ONLY]};
}

int bmc_paired_ndays(const bmc_paired *p)
{
    return p->ndays;
}

const int64_t *bmc_paired_diff_counts(const bmc_paired *p)
{
    return p->diff;
}

/* The difference of the rank-th smallest both-complete scenario (1-based). */
static double diff_of_rank(const bmc_paired *p, int64_t rank)
{
    int64_t cum = 0;
    for (int k = 0; k <= 2 * p->ndays; k++) {
        cum += p->diff[k];
        if (cum >= rank)
            return (double)(k - p->ndays);
    }
    return NAN;
}

void bmc_paired_quantile(const bmc_paired *p, int level, double *q, double *lo, double *hi)
{
    int64_t n = p->counts[T_BOTH_COMPLETE];
    *q = *lo = *hi = NAN;
    if (n == 0)
        return;
    *q = diff_of_rank(p, bmc_stats_quantile_rank(n, level));
    int64_t lr, hr;
    bmc_stats_quantile_ci_ranks(n, level, BMC_CONFIDENCE, &lr, &hr);
    if (lr >= 1)
        *lo = diff_of_rank(p, lr);
    if (hr <= n)
        *hi = diff_of_rank(p, hr);
}

void bmc_paired_moments(const bmc_paired *p, double *mean, double *sd)
{
    int64_t n = p->counts[T_BOTH_COMPLETE];
    *mean = *sd = NAN;
    if (n == 0)
        return;
    /* summed over the histogram, not over the scenarios: the same order, and so the same
     * bits, whatever order the scenarios came in */
    long double s1 = 0, s2 = 0;
    for (int k = 0; k <= 2 * p->ndays; k++) {
        long double d = k - p->ndays;
        s1 += d * (long double)p->diff[k];
    }
    long double m = s1 / (long double)n;
    for (int k = 0; k <= 2 * p->ndays; k++) {
        long double d = (long double)(k - p->ndays) - m;
        s2 += d * d * (long double)p->diff[k];
    }
    *mean = (double)m;
    if (n > 1)
        *sd = (double)sqrtl(s2 / (long double)(n - 1));
}

void bmc_paired_p_later(const bmc_paired *p, double out[3])
{
    int64_t n = p->counts[T_N], later = p->counts[T_LATER];
    out[0] = n > 0 ? (double)later / (double)n : NAN;
    bmc_stats_wilson(later, n, BMC_CONFIDENCE, &out[1], &out[2]);
}

void bmc_paired_target_difference(const bmc_paired *p, double out[3])
{
    int64_t n = p->counts[T_N];
    out[0] = out[1] = out[2] = NAN;
    if (n == 0)
        return;
    double b = (double)p->counts[T_TARGET_REFERENCE_ONLY];
    double c = (double)p->counts[T_TARGET_VARIANT_ONLY];
    out[0] = (c - b) / (double)n;
    /* Agresti-Min: 1/2 added to each of the four cells, so n grows by 2 */
    double na = (double)n + 2, ba = b + 0.5, ca = c + 0.5;
    double d = (ca - ba) / na;
    double var = ((ba + ca) / na - d * d) / na;
    double z = gsl_cdf_ugaussian_Qinv((1 - BMC_CONFIDENCE) / 2);
    double half = z * sqrt(var > 0 ? var : 0);
    out[1] = fmax(-1.0, d - half);
    out[2] = fmin(1.0, d + half);
}
