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

static const double *column(const bmc_attr_sample *s, int metric)
{
    return metric == BMC_ATTR_COMPLETION ? s->completion
           : metric == BMC_ATTR_P_TARGET ? s->by_target
                                         : s->on_time;
}

static enum bmc_contrast_stat stat_of(int metric)
{
    return metric == BMC_ATTR_P_TARGET ? BMC_CONTRAST_MEAN : BMC_CONTRAST_MEDIAN;
}

/* whole days; probabilities and shares on the 2^-40 grid */
static double grid_of(int metric)
{
    return metric == BMC_ATTR_COMPLETION ? 1 : 1 / GRID;
}

static double value_of(const bmc_attr_sample *s, int metric, int64_t n, double *scratch)
{
    const double *x = column(s, metric);
    if (metric == BMC_ATTR_COMPLETION)
        return bmc_median_defined(x, n, scratch);
    if (metric == BMC_ATTR_ON_TIME)
        return on_grid(bmc_median_defined(x, n, scratch));
    double hits = 0;
    for (int64_t i = 0; i < n; i++)
        hits += x[i];
    return on_grid(hits / (double)n);
}

/* (a1 - a0 + b0 - b1) / 2, unknown when a term is not a number */
static double mean_step(double a0, double a1, double b0, double b1)
{
    if (!isfinite(a0) || !isfinite(a1) || !isfinite(b0) || !isfinite(b1))
        return NAN;
    return ((a1 - a0) + (b0 - b1)) / 2;
}

/* The effect of group g with its interval. */
static int group_effect(const bmc_attr_sample *x, const bmc_attr_sample *y, int metric, int g,
                        int64_t n, int reps, uint64_t seed, bmc_attr_row *r, bmc_err *err)
{
    r->effect[g] = mean_step(r->forward[g], r->forward[g + 1], r->backward[g],
                             r->backward[g + 1]);
    const double *cols[4] = {column(&x[g], metric), column(&x[g + 1], metric),
                             column(&y[g], metric), column(&y[g + 1], metric)};
    const double w[4] = {-0.5, 0.5, 0.5, -0.5};
    double out[3];
    BMC_TRY(bmc_paired_contrast(cols, w, 4, n, stat_of(metric), grid_of(metric), reps, seed,
                                BMC_CONFIDENCE, out, err));
    r->low[g] = out[1];
    r->high[g] = out[2];
    return BMC_OK;
}

static int total_effect(const bmc_attr_sample *x, int metric, int64_t n, int reps,
                        uint64_t seed, bmc_attr_row *r, bmc_err *err)
{
    double a = r->forward[0], b = r->forward[BMC_ATTR_GROUPS];
    r->total = isfinite(a) && isfinite(b) ? b - a : NAN;
    const double *cols[2] = {column(&x[0], metric), column(&x[BMC_ATTR_GROUPS], metric)};
    const double w[2] = {-1, 1};
    double out[3];
    BMC_TRY(bmc_paired_contrast(cols, w, 2, n, stat_of(metric), grid_of(metric), reps, seed,
                                BMC_CONFIDENCE, out, err));
    r->total_low = out[1];
    r->total_high = out[2];
    return BMC_OK;
}

/* The seed of a contrast: the same for OLD -> NEW and NEW -> OLD, so that swapping them
 * mirrors the intervals exactly. */
static uint64_t contrast_seed(uint64_t seed, int metric, int g)
{
    return seed * 31 + (uint64_t)(metric * 16 + g);
}

int bmc_waterfall_compute(const bmc_attr_sample *x, const bmc_attr_sample *y, int64_t n,
                          int reps, uint64_t seed, bmc_waterfall *out, bmc_err *err)
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
            r->forward[s] = value_of(&x[s], k, n, scratch);
            r->backward[s] = value_of(&y[s], k, n, scratch);
        }
        r->value[0] = r->forward[0];
        for (int g = 0; g < BMC_ATTR_GROUPS && rc == BMC_OK; g++) {
            rc = group_effect(x, y, k, g, n, reps, contrast_seed(seed, k, g), r, err);
            r->value[g + 1] = r->value[g] + r->effect[g];
        }
        if (rc == BMC_OK)
            rc = total_effect(x, k, n, reps, contrast_seed(seed, k, 15), r, err);
    }
    free(scratch);
    return rc;
}
