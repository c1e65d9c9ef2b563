#include "attribution_stats.h"

#include <math.h>
#include <stdlib.h>

#include "paired_intervals.h"
#include "stats.h"

/* 2^40: probabilities and shares are held as multiples of its inverse */
#define GRID 1099511627776.0

const char *bmc_attr_metric_name(int metric)
{
    switch (metric) {
    case BMC_ATTR_COMPLETION: return "median completion date";
    case BMC_ATTR_P_TARGET: return "P(complete by target)";
    case BMC_ATTR_ON_TIME: return "median new on-time share";
    default: return NULL;
    }
}

static double on_grid(double v)
{
    return isfinite(v) ? round(v * GRID) / GRID : v;
}

/* effect = b - a, unknown (NaN) when either is not a finite number */
static double step_effect(double a, double b)
{
    return isfinite(a) && isfinite(b) ? b - a : NAN;
}

static void p_target_interval(const bmc_attr_sample *a, const bmc_attr_sample *b, int64_t n,
                              double *low, double *high)
{
    int64_t a_only = 0, b_only = 0;
    for (int64_t i = 0; i < n; i++) {
        a_only += a->by_target[i] && !b->by_target[i];
        b_only += b->by_target[i] && !a->by_target[i];
    }
    double out[3];
    bmc_paired_proportion_diff(a_only, b_only, n, BMC_CONFIDENCE, out);
    *low = out[1];
    *high = out[2];
}

/* The interval of metric between steps a and b (paired). */
static int interval(const bmc_attr_sample *a, const bmc_attr_sample *b, int metric, int64_t n,
                    int reps, uint64_t seed, double *low, double *high, bmc_err *err)
{
    double out[3];
    if (metric == BMC_ATTR_P_TARGET) {
        p_target_interval(a, b, n, low, high);
        return BMC_OK;
    }
    const double *x = metric == BMC_ATTR_COMPLETION ? a->completion : a->on_time;
    const double *y = metric == BMC_ATTR_COMPLETION ? b->completion : b->on_time;
    BMC_TRY(bmc_paired_median_diff(x, y, n, reps, seed, BMC_CONFIDENCE, out, err));
    *low = out[1];
    *high = out[2];
    return BMC_OK;
}

static double step_value(const bmc_attr_sample *s, int metric, int64_t n, double *scratch,
                         int64_t *count)
{
    switch (metric) {
    case BMC_ATTR_COMPLETION: return bmc_median_defined(s->completion, n, scratch);
    case BMC_ATTR_ON_TIME: return on_grid(bmc_median_defined(s->on_time, n, scratch));
    default:
        *count = 0;
        for (int64_t i = 0; i < n; i++)
            *count += s->by_target[i];
        return on_grid((double)*count / (double)n);
    }
}

int bmc_waterfall_compute(const bmc_attr_sample *steps, int64_t n, int reps, uint64_t seed,
                          bmc_waterfall *out, bmc_err *err)
{
    out->n = n;
    out->reps = reps;
    double *scratch = malloc(((size_t)n + 1) * sizeof *scratch);
    if (!scratch)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the attribution of %lld scenarios",
                        (long long)n);
    int rc = BMC_OK;
    for (int k = 0; k < BMC_ATTR_METRICS && rc == BMC_OK; k++) {
        bmc_attr_row *r = &out->row[k];
        for (int s = 0; s < BMC_ATTR_STEPS; s++) {
            int64_t count = 0;
            r->value[s] = step_value(&steps[s], k, n, scratch, &count);
            if (k == BMC_ATTR_P_TARGET)
                out->target_count[s] = count;
        }
        for (int g = 0; g < BMC_ATTR_GROUPS && rc == BMC_OK; g++) {
            r->effect[g] = step_effect(r->value[g], r->value[g + 1]);
            rc = interval(&steps[g], &steps[g + 1], k, n, reps, seed + 1000 * (uint64_t)k + g,
                          &r->low[g], &r->high[g], err);
        }
        r->total = step_effect(r->value[0], r->value[BMC_ATTR_GROUPS]);
        if (rc == BMC_OK)
            rc = interval(&steps[0], &steps[BMC_ATTR_GROUPS], k, n, reps,
                          seed + 1000 * (uint64_t)k + 999, &r->total_low, &r->total_high, err);
    }
    free(scratch);
    return rc;
}
