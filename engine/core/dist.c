#include "dist.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TRY BMC_TRY
#define BIG 1e300 /* "no bound" for parameters checked by relation, not by range */
/* Normal and lognormal draws are unbounded: the config must keep this many sd inside the
 * allowed range, and the draws beyond (about 2e-9 of them) are clamped. */
#define TAIL_SD 6.0
/* Beta shape parameters up to this keep GSL's beta CDF (and so the quantile) converging; a
 * beta with a + b that large is a fixed value to all purposes. */
#define BETA_MAX 1e5

static const char *const KINDS[] = {"fixed", "uniform", "triangular", "normal", "lognormal",
                                    "beta"};
#define N_KINDS ((int)(sizeof KINDS / sizeof KINDS[0]))

/* The parameter keys of each kind; lognormal takes median or meanlog, beta min/max are
 * optional. */
static const char *const PARAMS[N_KINDS][4] = {
    {"value"},         {"min", "max"}, {"min", "mode", "max"},
    {"mean", "sd"},    {"median", "meanlog", "sdlog"}, {"a", "b", "min", "max"},
};

/* Reads every parameter key of the kind that is present (type errors first), so that a
 * misspelt key is reported as unknown before the missing one it was meant to be. */
static int read_present(cfg_map *d, int kind, bmc_err *err)
{
    double ignored;
    for (int i = 0; i < 4 && PARAMS[kind][i]; i++)
        TRY(cfg_get_double(d, PARAMS[kind][i], false, 0, -BIG, BIG, &ignored, err));
    return cfg_finish(d, err);
}

/* A parameter that must be there, in [lo, hi] (the reader's message on failure). */
static int need(cfg_map *d, const char *key, double lo, double hi, double *out, bmc_err *err)
{
    return cfg_get_double(d, key, true, 0, lo, hi, out, err);
}

/* A parameter in (0, max]. */
static int positive_max(cfg_map *d, const char *key, double max, double *out, bmc_err *err)
{
    TRY(need(d, key, -BIG, max, out, err));
    if (*out <= 0)
        return cfg_fail_at(d, key, BMC_ECONFIG, err, "expected a number > 0, got \"%g\"", *out);
    return BMC_OK;
}

static int positive(cfg_map *d, const char *key, double *out, bmc_err *err)
{
    return positive_max(d, key, BIG, out, err);
}

/* min <= max, both inside the allowed [lo, hi]. */
static int bounds(cfg_map *d, bool required, double def_min, double def_max, double lo,
                  double hi, double *min, double *max, bmc_err *err)
{
    TRY(cfg_get_double(d, "min", required, def_min, lo, hi, min, err));
    TRY(cfg_get_double(d, "max", required, def_max, lo, hi, max, err));
    if (*min > *max)
        return cfg_fail_at(d, "min", BMC_ECONFIG, err, "min (%g) is above max (%g)", *min, *max);
    return BMC_OK;
}

static int read_normal(cfg_map *d, double lo, double hi, double *p, bmc_err *err)
{
    TRY(need(d, "mean", lo, hi, &p[0], err));
    TRY(positive(d, "sd", &p[1], err));
    double a = p[0] - TAIL_SD * p[1], b = p[0] + TAIL_SD * p[1];
    if (a < lo || b > hi)
        return cfg_fail_at(d, NULL, BMC_ECONFIG, err,
                           "normal(mean %g, sd %g) reaches [%g, %g] within %g sd, outside the "
                           "allowed range [%g, %g]; use a smaller sd or a bounded distribution",
                           p[0], p[1], a, b, TAIL_SD, lo, hi);
    p[2] = lo;
    p[3] = hi;
    return BMC_OK;
}

static int read_lognormal(cfg_map *d, double lo, double hi, double *p, bmc_err *err)
{
    bool median = cfg_has(d, "median"), meanlog = cfg_has(d, "meanlog");
    if (median && meanlog)
        return cfg_fail_at(d, "meanlog", BMC_ECONFIG, err,
                           "give median or meanlog, not both");
    if (!median && !meanlog)
        return cfg_fail_at(d, "median", BMC_ECONFIG, err,
                           "missing required key \"median\" (or \"meanlog\")");
    if (median) {
        double m;
        TRY(positive(d, "median", &m, err));
        p[0] = log(m);
    } else {
        TRY(need(d, "meanlog", -700, 700, &p[0], err));
    }
    TRY(positive(d, "sdlog", &p[1], err));
    double a = exp(p[0] - TAIL_SD * p[1]), b = exp(p[0] + TAIL_SD * p[1]);
    if (a < lo || b > hi)
        return cfg_fail_at(d, NULL, BMC_ECONFIG, err,
                           "lognormal(median %g, sdlog %g) reaches [%g, %g] within %g sdlog, "
                           "outside the allowed range [%g, %g]; use a smaller sdlog",
                           exp(p[0]), p[1], a, b, TAIL_SD, lo, hi);
    p[2] = lo;
    p[3] = hi;
    return BMC_OK;
}

static int read_params(cfg_map *d, enum bmc_dist_kind kind, double lo, double hi, double *p,
                       bmc_err *err)
{
    switch (kind) {
    case BMC_DIST_FIXED: return need(d, "value", lo, hi, &p[0], err);
    case BMC_DIST_UNIFORM: return bounds(d, true, 0, 0, lo, hi, &p[0], &p[1], err);
    case BMC_DIST_TRIANGULAR:
        TRY(bounds(d, true, 0, 0, lo, hi, &p[0], &p[2], err));
        TRY(need(d, "mode", -BIG, BIG, &p[1], err));
        if (p[1] < p[0] || p[1] > p[2])
            return cfg_fail_at(d, "mode", BMC_ECONFIG, err,
                               "mode (%g) is outside [min, max] = [%g, %g]", p[1], p[0], p[2]);
        return BMC_OK;
    case BMC_DIST_NORMAL: return read_normal(d, lo, hi, p, err);
    case BMC_DIST_LOGNORMAL: return read_lognormal(d, lo, hi, p, err);
    case BMC_DIST_BETA:
        TRY(positive_max(d, "a", BETA_MAX, &p[0], err));
        TRY(positive_max(d, "b", BETA_MAX, &p[1], err));
        if (!cfg_has(d, "min") && !cfg_has(d, "max") && (lo > 0 || hi < 1))
            return cfg_fail_at(d, NULL, BMC_ECONFIG, err,
                               "a beta on the default [0, 1] leaves the allowed range [%g, %g]; "
                               "give min: and max:",
                               lo, hi);
        TRY(bounds(d, false, 0, 1, lo, hi, &p[2], &p[3], err));
        if (p[2] == p[3])
            return cfg_fail_at(d, "min", BMC_ECONFIG, err, "min must be below max");
        return BMC_OK;
    }
    return BMC_OK;
}

int cfg_get_dist(cfg_map *m, const char *key, bool required, double def, double lo, double hi,
                 bmc_dist *out, bmc_err *err)
{
    if (!cfg_is_map(m, key)) {
        if (cfg_has(m, key) && !cfg_is_scalar(m, key))
            return cfg_fail_at(m, key, BMC_ECONFIG, err,
                               "expected a number or a mapping {dist: ...}, got a list");
        double v;
        TRY(cfg_get_double(m, key, required, def, lo, hi, &v, err));
        *out = bmc_dist_fixed(v);
        return BMC_OK;
    }
    cfg_map d;
    int kind;
    TRY(cfg_get_map(m, key, true, &d, err));
    TRY(cfg_get_enum(&d, "dist", true, KINDS, N_KINDS, 0, &kind, err));
    TRY(read_present(&d, kind, err));
    memset(out, 0, sizeof *out);
    out->kind = (enum bmc_dist_kind)kind;
    return read_params(&d, out->kind, lo, hi, out->p, err);
}

/* Normal and lognormal draws beyond the allowed range [p2, p3] are clamped onto it (p2 < p3;
 * a hand-made dist with p2 == p3 == 0 is unbounded). */
static double clamp_tail(const bmc_dist *d, double v)
{
    if (d->p[2] >= d->p[3])
        return v;
    return v < d->p[2] ? d->p[2] : v > d->p[3] ? d->p[3] : v;
}

/* The u-quantile of Beta(a, b) on [0, 1], to 2^-56, by 56 bisection steps on the CDF:
 * gsl_cdf_beta_Pinv fails to converge, and calls GSL's error handler, for many valid
 * (a, b, u), while the CDF does not for a, b <= BETA_MAX. The upper half is solved on the
 * upper tail Q, so u near 1 keeps its precision. */
static double beta_quantile(double a, double b, double u)
{
    bool upper = u > 0.5;
    double target = upper ? 1 - u : u, lo = 0, hi = 1;
    for (int step = 0; step < 56; step++) {
        double mid = 0.5 * (lo + hi);
        bool below = upper ? gsl_cdf_beta_Q(mid, a, b) > target
                           : gsl_cdf_beta_P(mid, a, b) < target;
        if (below)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* Inverse CDF of the triangular distribution: one uniform per draw. */
static double triangular_quantile(const double *p, double u)
{
    double a = p[0], c = p[1], b = p[2];
    if (b <= a)
        return a;
    double fc = (c - a) / (b - a);
    return u < fc ? a + sqrt(u * (b - a) * (c - a)) : b - sqrt((1 - u) * (b - a) * (b - c));
}

double bmc_dist_sample(const bmc_dist *d, gsl_rng *r)
{
    const double *p = d->p;
    switch (d->kind) {
    case BMC_DIST_FIXED: return p[0];
    case BMC_DIST_UNIFORM: return gsl_ran_flat(r, p[0], p[1]);
    case BMC_DIST_TRIANGULAR: return triangular_quantile(p, gsl_rng_uniform(r));
    case BMC_DIST_NORMAL: return clamp_tail(d, p[0] + gsl_ran_gaussian(r, p[1]));
    case BMC_DIST_LOGNORMAL: return clamp_tail(d, gsl_ran_lognormal(r, p[0], p[1]));
    case BMC_DIST_BETA: return p[2] + (p[3] - p[2]) * gsl_ran_beta(r, p[0], p[1]);
    }
    return p[0];
}

double bmc_dist_quantile(const bmc_dist *d, double u)
{
    const double *p = d->p;
    /* the open interval: the end points would give infinite normal quantiles */
    if (!(u > 1e-300))
        u = 1e-300;
    if (!(u < 1 - 1e-16))
        u = 1 - 1e-16;
    switch (d->kind) {
    case BMC_DIST_FIXED: return p[0];
    case BMC_DIST_UNIFORM: return p[0] + (p[1] - p[0]) * u;
    case BMC_DIST_TRIANGULAR: return triangular_quantile(p, u);
    case BMC_DIST_NORMAL: return clamp_tail(d, p[0] + gsl_cdf_gaussian_Pinv(u, p[1]));
    case BMC_DIST_LOGNORMAL: return clamp_tail(d, exp(p[0] + gsl_cdf_gaussian_Pinv(u, p[1])));
    case BMC_DIST_BETA: return p[2] + (p[3] - p[2]) * beta_quantile(p[0], p[1], u);
    }
    return p[0];
}

/* Exact means; the clamping beyond 6 sd moves a normal or lognormal mean by less than
 * 1e-9 sd, which is left out. */
double bmc_dist_mean(const bmc_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case BMC_DIST_FIXED: return p[0];
    case BMC_DIST_UNIFORM: return (p[0] + p[1]) / 2;
    case BMC_DIST_TRIANGULAR: return (p[0] + p[1] + p[2]) / 3;
    case BMC_DIST_NORMAL: return p[0];
    case BMC_DIST_LOGNORMAL: return exp(p[0] + p[1] * p[1] / 2);
    case BMC_DIST_BETA: return p[2] + (p[3] - p[2]) * p[0] / (p[0] + p[1]);
    }
    return p[0];
}

bool bmc_dist_is_fixed(const bmc_dist *d)
{
    return d->kind == BMC_DIST_FIXED;
}

void bmc_dist_describe(const bmc_dist *d, char *buf, size_t n)
{
    const double *p = d->p;
    switch (d->kind) {
    case BMC_DIST_FIXED: snprintf(buf, n, "%g", p[0]); break;
    case BMC_DIST_UNIFORM: snprintf(buf, n, "uniform(%g, %g)", p[0], p[1]); break;
    case BMC_DIST_TRIANGULAR:
        snprintf(buf, n, "triangular(min %g, mode %g, max %g)", p[0], p[1], p[2]);
        break;
    case BMC_DIST_NORMAL: snprintf(buf, n, "normal(mean %g, sd %g)", p[0], p[1]); break;
    case BMC_DIST_LOGNORMAL:
        snprintf(buf, n, "lognormal(median %g, sdlog %g)", exp(p[0]), p[1]);
        break;
    case BMC_DIST_BETA:
        snprintf(buf, n, "beta(a %g, b %g) on [%g, %g]", p[0], p[1], p[2], p[3]);
        break;
    }
}
