#ifndef BACKLOGMC_DIST_H
#define BACKLOGMC_DIST_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "status.h"
#include "yamlcfg.h"

/* A scenario-level uncertain parameter. In YAML either a plain number (fixed) or a mapping:
 *   {dist: fixed, value: v}
 *   {dist: uniform, min: a, max: b}
 *   {dist: triangular, min: a, mode: c, max: b}
 *   {dist: normal, mean: m, sd: s}
 *   {dist: lognormal, median: m, sdlog: s}        (or meanlog: instead of median:)
 *   {dist: beta, a: alpha, b: beta}               (optional min:/max: rescale, default [0,1])
 */
enum bmc_dist_kind {
    BMC_DIST_FIXED,
    BMC_DIST_UNIFORM,
    BMC_DIST_TRIANGULAR,
    BMC_DIST_NORMAL,
    BMC_DIST_LOGNORMAL,
    BMC_DIST_BETA,
};

typedef struct bmc_dist {
    enum bmc_dist_kind kind;
    /* fixed: p0 = value; uniform: p0 = min, p1 = max; triangular: p0 = min, p1 = mode,
     * p2 = max; normal: p0 = mean, p1 = sd; lognormal: p0 = meanlog, p1 = sdlog;
     * beta: p0 = a, p1 = b, p2 = min, p3 = max.
     * normal and lognormal: p2, p3 = the allowed range their draws are clamped to (set by
     * cfg_get_dist; when p2 >= p3, e.g. both 0, draws are not clamped). */
    double p[4];
} bmc_dist;

static inline bmc_dist bmc_dist_fixed(double v)
{
    bmc_dist d = {BMC_DIST_FIXED, {v, 0, 0, 0}};
    return d;
}

/* Reads key as a distribution whose support must lie in [lo, hi]; a normal must keep
 * mean +- 6 sd inside [lo, hi], a lognormal median x/ exp(6 sdlog) (their draws outside,
 * about 2e-9 of them, are clamped onto [lo, hi]). Absent and !required: fixed def.
 * Errors (unknown dist, missing/extra parameter, min > max, mode outside [min, max],
 * sd <= 0, support outside [lo, hi]) carry file:line:col and key path; an unknown key in the
 * mapping is reported before a missing one. */
int cfg_get_dist(cfg_map *m, const char *key, bool required, double def, double lo, double hi,
                 bmc_dist *out, bmc_err *err);

/* One draw with GSL's samplers (triangular by its inverse CDF); never calls GSL's error
 * handler for a dist from cfg_get_dist. */
double bmc_dist_sample(const bmc_dist *d, gsl_rng *r);
/* The exact mean (lognormal exp(meanlog + sdlog^2 / 2)); the clamping is left out. */
double bmc_dist_mean(const bmc_dist *d);
/* The u-quantile (0 < u < 1), by the inverse CDF: one uniform per draw, so scenario-level
 * parameters keep their stream positions and variants stay coupled (common random numbers). */
double bmc_dist_quantile(const bmc_dist *d, double u);
bool bmc_dist_is_fixed(const bmc_dist *d);
/* Short human description, e.g. "lognormal(median 100, sdlog 0.5)". */
void bmc_dist_describe(const bmc_dist *d, char *buf, size_t n);

#endif
