#include "paired.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#include "stats.h"

struct bmc_paired {
    int ndays, target_day;
    bmc_paired_counts c;
    int64_t both_target;  /* both complete by the target: the fourth cell */
    int64_t *diff;        /* [2 ndays + 1] */
};

int bmc_paired_create(int ndays, int target_day, bmc_paired **out, bmc_err *err)
{
    *out = NULL;
    if (ndays < 1 || target_day < 0 || target_day >= ndays)
        return bmc_fail(err, BMC_EINTERNAL, "paired comparison of %d days, target day %d",
                        ndays, target_day);
    bmc_paired *p = calloc(1, sizeof *p);
    if (p)
        p->diff = calloc(2 * (size_t)ndays + 1, sizeof *p->diff);
    if (!p || !p->diff) {
        free(p);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a paired comparison");
    }
    p->ndays = ndays;
    p->target_day = target_day;
    *out = p;
    return BMC_OK;
}

void bmc_paired_free(bmc_paired *p)
{
    if (!p)
        return;
    free(p->diff);
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
    for (int i = 0; i < ref->count; i++) {
        int32_t r = ref->completion_day[i], v = var->completion_day[i];
        int64_t kr = order_key(r, p->ndays), kv = order_key(v, p->ndays);
        p->c.n++;
        if (kv > kr)
            p->c.later++;
        else if (kv < kr)
            p->c.earlier++;
        else
            p->c.tied++;
        if (r >= 0 && v >= 0) {
            p->c.both_complete++;
            p->diff[(v - r) + p->ndays]++;
        }
        bool rt = r >= 0 && r <= p->target_day, vt = v >= 0 && v <= p->target_day;
        p->c.target_reference_only += rt && !vt;
        p->c.target_variant_only += vt && !rt;
        p->both_target += rt && vt;
    }
    return BMC_OK;
}

void bmc_paired_get_counts(const bmc_paired *p, bmc_paired_counts *c)
{
    *c = p->c;
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
    int64_t n = p->c.both_complete;
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
    int64_t n = p->c.both_complete;
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
    int64_t n = p->c.n;
    out[0] = n > 0 ? (double)p->c.later / (double)n : NAN;
    bmc_stats_wilson(p->c.later, n, BMC_CONFIDENCE, &out[1], &out[2]);
}

void bmc_paired_target_difference(const bmc_paired *p, double out[3])
{
    int64_t n = p->c.n;
    out[0] = out[1] = out[2] = NAN;
    if (n == 0)
        return;
    double b = (double)p->c.target_reference_only, c = (double)p->c.target_variant_only;
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
