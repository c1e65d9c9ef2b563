#include "dist.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TRY BMC_TRY

static const char *const KINDS[] = {"fixed", "uniform", "triangular", "normal", "lognormal",
                                    "beta"};

static int check_support(cfg_map *m, const char *key, double a, double b, double lo, double hi,
                         bmc_err *err)
{
    if (a < lo || b > hi)
        return cfg_fail_at(m, key, BMC_ECONFIG, err,
                           "the distribution reaches [%g, %g], outside the allowed [%g, %g]", a,
                           b, lo, hi);
    return BMC_OK;
}

int cfg_get_dist(cfg_map *m, const char *key, bool required, double def, double lo, double hi,
                 bmc_dist *out, bmc_err *err)
{
    if (!cfg_has(m, key) || !cfg_is_map(m, key)) {
        double v;
        TRY(cfg_get_double(m, key, required, def, lo, hi, &v, err));
        *out = bmc_dist_fixed(v);
        return BMC_OK;
    }
    cfg_map d;
    int kind;
    const double big = 1e300;
    TRY(cfg_get_map(m, key, true, &d, err));
    TRY(cfg_get_enum(&d, "dist", true, KINDS, 6, 0, &kind, err));
    memset(out, 0, sizeof *out);
    out->kind = (enum bmc_dist_kind)kind;
    double *p = out->p;
    switch (out->kind) {
    case BMC_DIST_FIXED:
        TRY(cfg_get_double(&d, "value", true, 0, lo, hi, &p[0], err));
        break;
    case BMC_DIST_UNIFORM:
        TRY(cfg_get_double(&d, "min", true, 0, -big, big, &p[0], err));
        TRY(cfg_get_double(&d, "max", true, 0, -big, big, &p[1], err));
        if (p[0] > p[1])
            return cfg_fail_at(&d, "min", BMC_ECONFIG, err, "min %g is above max %g", p[0], p[1]);
        TRY(check_support(m, key, p[0], p[1], lo, hi, err));
        break;
    case BMC_DIST_TRIANGULAR:
        TRY(cfg_get_double(&d, "min", true, 0, -big, big, &p[0], err));
        TRY(cfg_get_double(&d, "mode", true, 0, -big, big, &p[1], err));
        TRY(cfg_get_double(&d, "max", true, 0, -big, big, &p[2], err));
        if (p[0] > p[2])
            return cfg_fail_at(&d, "min", BMC_ECONFIG, err, "min %g is above max %g", p[0], p[2]);
        if (p[1] < p[0] || p[1] > p[2])
            return cfg_fail_at(&d, "mode", BMC_ECONFIG, err, "mode %g is outside [min, max]",
                               p[1]);
        TRY(check_support(m, key, p[0], p[2], lo, hi, err));
        break;
    case BMC_DIST_NORMAL:
        TRY(cfg_get_double(&d, "mean", true, 0, -big, big, &p[0], err));
        TRY(cfg_get_double(&d, "sd", true, 0, 0, big, &p[1], err));
        if (p[1] <= 0)
            return cfg_fail_at(&d, "sd", BMC_ECONFIG, err, "sd must be positive");
        /* a normal has unbounded support: require the bulk inside the allowed range */
        TRY(check_support(m, key, p[0] - 6 * p[1], p[0] + 6 * p[1], lo, hi, err));
        break;
    case BMC_DIST_LOGNORMAL:
        if (cfg_has(&d, "median") == cfg_has(&d, "meanlog"))
            return cfg_fail_at(&d, NULL, BMC_ECONFIG, err,
                               "a lognormal needs exactly one of median and meanlog");
        if (cfg_has(&d, "median")) {
            double med;
            TRY(cfg_get_double(&d, "median", true, 0, 1e-300, big, &med, err));
            p[0] = log(med);
        } else {
            TRY(cfg_get_double(&d, "meanlog", true, 0, -700, 700, &p[0], err));
        }
        TRY(cfg_get_double(&d, "sdlog", true, 0, 0, 10, &p[1], err));
        if (p[1] <= 0)
            return cfg_fail_at(&d, "sdlog", BMC_ECONFIG, err, "sdlog must be positive");
        TRY(check_support(m, key, 0, hi, lo, hi, err));
        break;
    case BMC_DIST_BETA:
        TRY(cfg_get_double(&d, "a", true, 0, 1e-9, big, &p[0], err));
        TRY(cfg_get_double(&d, "b", true, 0, 1e-9, big, &p[1], err));
        TRY(cfg_get_double(&d, "min", false, 0, -big, big, &p[2], err));
        TRY(cfg_get_double(&d, "max", false, 1, -big, big, &p[3], err));
        if (p[2] >= p[3])
            return cfg_fail_at(&d, "min", BMC_ECONFIG, err, "min %g is not below max %g", p[2],
                               p[3]);
        TRY(check_support(m, key, p[2], p[3], lo, hi, err));
        break;
    }
    return cfg_finish(&d, err);
}

static double clamp(double v, double a, double b)
{
    return v < a ? a : v > b ? b : v;
}

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
    case BMC_DIST_NORMAL: return p[0] + gsl_ran_gaussian(r, p[1]);
    case BMC_DIST_LOGNORMAL: return gsl_ran_lognormal(r, p[0], p[1]);
    case BMC_DIST_BETA: return p[2] + (p[3] - p[2]) * gsl_ran_beta(r, p[0], p[1]);
    }
    return p[0];
}

double bmc_dist_quantile(const bmc_dist *d, double u)
{
    const double *p = d->p;
    u = clamp(u, 1e-300, 1 - 1e-16);
    switch (d->kind) {
    case BMC_DIST_FIXED: return p[0];
    case BMC_DIST_UNIFORM: return p[0] + (p[1] - p[0]) * u;
    case BMC_DIST_TRIANGULAR: return triangular_quantile(p, u);
    case BMC_DIST_NORMAL: return p[0] + gsl_cdf_gaussian_Pinv(u, p[1]);
    case BMC_DIST_LOGNORMAL: return exp(p[0] + gsl_cdf_gaussian_Pinv(u, p[1]));
    case BMC_DIST_BETA: return p[2] + (p[3] - p[2]) * gsl_cdf_beta_Pinv(u, p[0], p[1]);
    }
    return p[0];
}

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
