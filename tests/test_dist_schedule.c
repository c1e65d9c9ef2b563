/* Distributions and schedules: reading them from YAML (with exact error messages), sampling
 * (moments of 100,000 draws), exact means and quantiles, and schedule interpolation. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "dist.h"
#include "schedule.h"
#include "yamlcfg.h"

static void expect_msg(int rc, int want_rc, const bmc_err *err, const char *want)
{
    if (rc != want_rc || strcmp(err->msg, want) != 0)
        fail_msg("got %d \"%s\"\n   want %d \"%s\"", rc, err->msg, want_rc, want);
}

/* Reads key x of text (loaded as "d.yaml", then set applied when not NULL) as a dist. */
static int dist_from(const char *text, const char *set, double lo, double hi, bmc_dist *d,
                     bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    int rc = cfg_load_string("d.yaml", text, &cfg, err);
    if (rc == BMC_OK && set)
        rc = cfg_apply_set(cfg, set, err);
    if (rc == BMC_OK) {
        cfg_map r = cfg_root(cfg);
        rc = cfg_get_dist(&r, "x", true, 0, lo, hi, d, err);
        if (rc == BMC_OK)
            rc = cfg_finish(&r, err);
    }
    cfg_free(cfg);
    return rc;
}

static bmc_dist dist_ok(const char *text, double lo, double hi)
{
    bmc_err err = {{0}};
    bmc_dist d;
    int rc = dist_from(text, NULL, lo, hi, &d, &err);
    if (rc != BMC_OK)
        fail_msg("%s: %s", text, err.msg);
    return d;
}

static void dist_fails(const char *text, double lo, double hi, const char *want)
{
    bmc_err err = {{0}};
    bmc_dist d;
    expect_msg(dist_from(text, NULL, lo, hi, &d, &err), BMC_ECONFIG, &err, want);
}

/* ---- reading distributions ---- */

static void test_dist_forms(void **state)
{
    (void)state;
    bmc_dist d = dist_ok("x: 7\n", 0, 10);
    assert_true(bmc_dist_is_fixed(&d));
    assert_float_equal(d.p[0], 7, 0);
    d = dist_ok("x: {dist: fixed, value: 3}\n", 0, 10);
    assert_true(d.kind == BMC_DIST_FIXED && d.p[0] == 3);
    d = dist_ok("x: {dist: uniform, min: 2, max: 5}\n", 0, 10);
    assert_true(d.kind == BMC_DIST_UNIFORM && d.p[0] == 2 && d.p[1] == 5);
    d = dist_ok("x: {dist: triangular, min: 1, mode: 2, max: 6}\n", 0, 10);
    assert_true(d.kind == BMC_DIST_TRIANGULAR && d.p[0] == 1 && d.p[1] == 2 && d.p[2] == 6);
    d = dist_ok("x: {dist: normal, mean: 5, sd: 0.5}\n", 0, 10);
    assert_true(d.kind == BMC_DIST_NORMAL && d.p[0] == 5 && d.p[1] == 0.5);
    assert_true(d.p[2] == 0 && d.p[3] == 10); /* the clamp range */
    d = dist_ok("x: {dist: lognormal, median: 100, sdlog: 0.5}\n", 0, 1e6);
    assert_true(d.kind == BMC_DIST_LOGNORMAL);
    assert_float_equal(d.p[0], log(100), 1e-15);
    assert_float_equal(d.p[1], 0.5, 0);
    d = dist_ok("x: {dist: lognormal, meanlog: 1.5, sdlog: 0.25}\n", 0, 1e6);
    assert_true(d.p[0] == 1.5 && d.p[1] == 0.25);
    d = dist_ok("x: {dist: beta, a: 2, b: 5}\n", 0, 1);
    assert_true(d.kind == BMC_DIST_BETA && d.p[0] == 2 && d.p[1] == 5 && d.p[2] == 0 &&
                d.p[3] == 1);
    d = dist_ok("x: {dist: beta, a: 2, b: 5, min: 10, max: 20}\n", 0, 100);
    assert_true(d.p[2] == 10 && d.p[3] == 20);
    /* a normal exactly 6 sd inside the range is accepted */
    d = dist_ok("x: {dist: normal, mean: 0.5, sd: 0.0625}\n", 0, 1);
    assert_true(d.kind == BMC_DIST_NORMAL);
    /* absent and not required: fixed at the default */
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    assert_int_equal(cfg_load_string("d.yaml", "y: 1\n", &cfg, &err), BMC_OK);
    cfg_map r = cfg_root(cfg);
    assert_int_equal(cfg_get_dist(&r, "x", false, 4.5, 0, 10, &d, &err), BMC_OK);
    assert_true(bmc_dist_is_fixed(&d) && d.p[0] == 4.5);
    expect_msg(cfg_get_dist(&r, "x", true, 4.5, 0, 10, &d, &err), BMC_ECONFIG, &err,
               "d.yaml:1:1: x: missing required key \"x\"");
    cfg_free(cfg);
}

static void test_dist_errors(void **state)
{
    (void)state;
    dist_fails("x: {dist: gamma, shape: 2}\n", 0, 10,
               "d.yaml:1:11: x.dist: expected one of fixed, uniform, triangular, normal, "
               "lognormal, beta, got \"gamma\"");
    dist_fails("x: {min: 1, max: 2}\n", 0, 10, "d.yaml:1:4: x.dist: missing required key \"dist\"");
    dist_fails("x: {dist: uniform, min: 1}\n", 0, 10,
               "d.yaml:1:4: x.max: missing required key \"max\"");
    /* an extra parameter, and a misspelt one reported as unknown before the missing one */
    dist_fails("x: {dist: uniform, min: 1, max: 2, mode: 1.5}\n", 0, 10,
               "d.yaml:1:36: x.mode: unknown key \"mode\" (known keys here: dist, min, max)");
    dist_fails("x: {dist: uniform, min: 1, mx: 2}\n", 0, 10,
               "d.yaml:1:28: x.mx: unknown key \"mx\" (known keys here: dist, min, max)");
    dist_fails("x: {dist: uniform, min: a, max: 2}\n", 0, 10,
               "d.yaml:1:25: x.min: expected a number, got \"a\"");
    /* relations between parameters */
    dist_fails("x: {dist: uniform, min: 3, max: 2}\n", 0, 10,
               "d.yaml:1:25: x.min: min (3) is above max (2)");
    dist_fails("x: {dist: triangular, min: 1, mode: 5, max: 3}\n", 0, 10,
               "d.yaml:1:37: x.mode: mode (5) is outside [min, max] = [1, 3]");
    dist_fails("x: {dist: normal, mean: 0.5, sd: 0}\n", 0, 1,
               "d.yaml:1:34: x.sd: expected a number > 0, got \"0\"");
    dist_fails("x: {dist: normal, mean: 0.5, sd: -1}\n", 0, 1,
               "d.yaml:1:34: x.sd: expected a number > 0, got \"-1\"");
    dist_fails("x: {dist: beta, a: 0, b: 2}\n", 0, 1,
               "d.yaml:1:20: x.a: expected a number > 0, got \"0\"");
    dist_fails("x: {dist: beta, a: 1, b: 2, min: 0.5, max: 0.5}\n", 0, 1,
               "d.yaml:1:34: x.min: min must be below max");
    dist_fails("x: {dist: lognormal, median: 100, meanlog: 4, sdlog: 0.5}\n", 0, 1e6,
               "d.yaml:1:44: x.meanlog: give median or meanlog, not both");
    dist_fails("x: {dist: lognormal, sdlog: 0.5}\n", 0, 1e6,
               "d.yaml:1:4: x.median: missing required key \"median\" (or \"meanlog\")");
    dist_fails("x: {dist: lognormal, median: -1, sdlog: 0.5}\n", 0, 1e6,
               "d.yaml:1:30: x.median: expected a number > 0, got \"-1\"");
    /* the support must lie in the allowed range */
    dist_fails("x: {dist: uniform, min: -1, max: 2}\n", 0, 10,
               "d.yaml:1:25: x.min: expected a number in [0, 10], got \"-1\"");
    dist_fails("x: {dist: triangular, min: 1, mode: 2, max: 11}\n", 0, 10,
               "d.yaml:1:45: x.max: expected a number in [0, 10], got \"11\"");
    dist_fails("x: {dist: fixed, value: 20}\n", 0, 10,
               "d.yaml:1:25: x.value: expected a number in [0, 10], got \"20\"");
    dist_fails("x: {dist: beta, a: 2, b: 3}\n", 1, 10,
               "d.yaml:1:4: x: a beta on the default [0, 1] leaves the allowed range [1, 10]; "
               "give min: and max:");
    dist_fails("x: {dist: normal, mean: 0.5, sd: 0.2}\n", 0, 1,
               "d.yaml:1:4: x: normal(mean 0.5, sd 0.2) reaches [-0.7, 1.7] within 6 sd, "
               "outside the allowed range [0, 1]; use a smaller sd or a bounded distribution");
    dist_fails("x: {dist: lognormal, median: 1, sdlog: 1}\n", 0, 100,
               "d.yaml:1:4: x: lognormal(median 1, sdlog 1) reaches [0.00247875, 403.429] "
               "within 6 sdlog, outside the allowed range [0, 100]; use a smaller sdlog");
    /* plain values */
    dist_fails("x: 20\n", 0, 10, "d.yaml:1:4: x: expected a number in [0, 10], got \"20\"");
    dist_fails("x: lots\n", 0, 10, "d.yaml:1:4: x: expected a number in [0, 10], got \"lots\"");
    dist_fails("x: [1, 2]\n", 0, 10,
               "d.yaml:1:4: x: expected a number or a mapping {dist: ...}, got a list");
    /* from the command line */
    bmc_err err = {{0}};
    bmc_dist d;
    expect_msg(dist_from("x: 1\n", "x={dist: uniform, min: 3, max: 2}", 0, 10, &d, &err),
               BMC_ECONFIG, &err,
               "--set x={dist: uniform, min: 3, max: 2}: x.min: min (3) is above max (2)");
    assert_int_equal(dist_from("x: 1\n", "x={dist: uniform, min: 2, max: 3}", 0, 10, &d, &err),
                     BMC_OK);
    assert_int_equal(d.kind, BMC_DIST_UNIFORM);
}

/* ---- sampling and means ---- */

typedef struct known {
    const char *yaml;
    double lo, hi;
    double mean, var; /* exact */
} known;

static const double LN100 = 4.605170185988092; /* log(100) */

static known known_dist(int k)
{
    switch (k) {
    case 0: return (known){"x: {dist: uniform, min: 2, max: 5}\n", 0, 10, 3.5, 9.0 / 12};
    case 1: /* var (a^2 + b^2 + c^2 - ab - ac - bc) / 18 */
        return (known){"x: {dist: triangular, min: 1, mode: 2, max: 6}\n", 0, 10, 3,
                       (1 + 4 + 36 - 2 - 6 - 12) / 18.0};
    case 2: return (known){"x: {dist: normal, mean: 10, sd: 2}\n", -100, 100, 10, 4};
    case 3: /* mean exp(mu + s^2/2), var (exp(s^2) - 1) exp(2 mu + s^2) */
        return (known){"x: {dist: lognormal, median: 100, sdlog: 0.5}\n", 0, 1e6,
                       exp(LN100 + 0.125), (exp(0.25) - 1) * exp(2 * LN100 + 0.25)};
    case 4: /* a/(a+b) and ab/((a+b)^2 (a+b+1)), scaled to [10, 20] */
        return (known){"x: {dist: beta, a: 2, b: 5, min: 10, max: 20}\n", 0, 100,
                       10 + 10 * 2.0 / 7, 100 * 10.0 / (49 * 8)};
    default: return (known){"x: 7\n", 0, 10, 7, 0};
    }
}

/* The sample mean of n draws is within 5 standard errors (sd / sqrt(n)) of the exact mean:
 * by the central limit theorem a correct sampler misses that with probability 6e-7, so the
 * fixed seed passes for all but a vanishing share of seeds, while a sampler whose mean is
 * off by 5 standard errors (1.6 % of an sd at n = 100,000) fails. The sample variance is
 * within 5 % of the exact one: its relative standard error is sqrt((kurtosis - 1) / n),
 * at most 0.009 here (lognormal sdlog 0.5, kurtosis 8.9), so 5 % is more than 5 of them. */
static void test_sample_moments(void **state)
{
    (void)state;
    enum { N = 100000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    for (int k = 0; k < 6; k++) {
        known kd = known_dist(k);
        bmc_dist d = dist_ok(kd.yaml, kd.lo, kd.hi);
        gsl_rng_set(r, 20260612);
        double mean = 0, m2 = 0; /* Welford */
        for (int i = 0; i < N; i++) {
            double x = bmc_dist_sample(&d, r), delta = x - mean;
            mean += delta / (i + 1);
            m2 += delta * (x - mean);
        }
        double var = m2 / (N - 1), se = sqrt(kd.var / N);
        assert_float_equal(bmc_dist_mean(&d), kd.mean, 1e-12 * fabs(kd.mean));
        if (fabs(mean - kd.mean) > 5 * se || (kd.var > 0 && fabs(var / kd.var - 1) > 0.05) ||
            (kd.var == 0 && var != 0))
            fail_msg("%s: sample mean %.6f (exact %.6f, se %.2g), variance %.6f (exact %.6f)",
                     kd.yaml, mean, kd.mean, se, var, kd.var);
    }
    gsl_rng_free(r);
}

static void test_means_exact(void **state)
{
    (void)state;
    bmc_dist d = {BMC_DIST_UNIFORM, {1, 3, 0, 0}};
    assert_float_equal(bmc_dist_mean(&d), 2, 0);
    d = (bmc_dist){BMC_DIST_TRIANGULAR, {1, 2, 6, 0}};
    assert_float_equal(bmc_dist_mean(&d), 3, 0);
    d = (bmc_dist){BMC_DIST_NORMAL, {5, 1, 0, 10}};
    assert_float_equal(bmc_dist_mean(&d), 5, 0);
    d = (bmc_dist){BMC_DIST_LOGNORMAL, {1, 0.5, 0, 0}};
    assert_float_equal(bmc_dist_mean(&d), exp(1.125), 1e-15);
    d = (bmc_dist){BMC_DIST_BETA, {2, 6, 10, 20}};
    assert_float_equal(bmc_dist_mean(&d), 12.5, 1e-15);
    d = bmc_dist_fixed(7);
    assert_float_equal(bmc_dist_mean(&d), 7, 0);
}

static void test_quantiles(void **state)
{
    (void)state;
    bmc_dist u = dist_ok("x: {dist: uniform, min: 2, max: 5}\n", 0, 10);
    assert_float_equal(bmc_dist_quantile(&u, 0.25), 2.75, 1e-15);
    bmc_dist t = dist_ok("x: {dist: triangular, min: 1, mode: 2, max: 6}\n", 0, 10);
    assert_float_equal(bmc_dist_quantile(&t, 0.2), 2, 1e-12); /* F(mode) = 1/5 */
    bmc_dist n = dist_ok("x: {dist: normal, mean: 10, sd: 2}\n", -100, 100);
    assert_float_equal(bmc_dist_quantile(&n, 0.5), 10, 1e-12);
    assert_float_equal(bmc_dist_quantile(&n, 0.975), 10 + 2 * 1.959963984540054, 1e-9);
    bmc_dist l = dist_ok("x: {dist: lognormal, median: 100, sdlog: 0.5}\n", 0, 1e6);
    assert_float_equal(bmc_dist_quantile(&l, 0.5), 100, 1e-9);
    bmc_dist b = dist_ok("x: {dist: beta, a: 2, b: 2}\n", 0, 1);
    assert_float_equal(bmc_dist_quantile(&b, 0.5), 0.5, 1e-9);
    /* the ends of [0, 1] give finite values */
    assert_true(isfinite(bmc_dist_quantile(&n, 0)) && isfinite(bmc_dist_quantile(&n, 1)));
    assert_true(isfinite(bmc_dist_quantile(&l, 0)) && isfinite(bmc_dist_quantile(&b, 1)));
    /* the mean of the quantiles at the midpoints of M equal slices is the mean (midpoint
     * rule; its error here is far below 1e-3 sd) */
    for (int k = 0; k < 6; k++) {
        known kd = known_dist(k);
        bmc_dist d = dist_ok(kd.yaml, kd.lo, kd.hi);
        enum { M = 100000 };
        double s = 0;
        for (int i = 0; i < M; i++)
            s += bmc_dist_quantile(&d, (i + 0.5) / M);
        assert_float_equal(s / M, kd.mean, 1e-3 * sqrt(kd.var) + 1e-12);
    }
}

static int gsl_errors;

static void count_gsl_error(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason, (void)file, (void)line, (void)gsl_errno;
    gsl_errors++;
}

/* GSL's own beta inverse fails (through its error handler) for many valid (a, b, u); ours
 * must not, over the whole accepted range of a and b and u down to the clamped ends. */
static void test_beta_quantile_robust(void **state)
{
    (void)state;
    static const double shapes[] = {1e-3, 0.05, 0.5, 1, 2, 7, 100, 1e4, 1e5};
    static const double us[] = {0, 1e-300, 1e-16, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99,
                                1 - 1e-6, 1 - 1e-16, 1};
    enum { NS = sizeof shapes / sizeof shapes[0], NU = sizeof us / sizeof us[0] };
    gsl_errors = 0;
    gsl_error_handler_t *old = gsl_set_error_handler(count_gsl_error);
    for (int i = 0; i < NS; i++)
        for (int j = 0; j < NS; j++) {
            bmc_dist d = {BMC_DIST_BETA, {shapes[i], shapes[j], 10, 20}};
            double prev = 10;
            for (int k = 0; k < NU; k++) {
                double q = bmc_dist_quantile(&d, us[k]);
                if (!(q >= prev && q <= 20))
                    fail_msg("beta(%g, %g) at u = %g: %g after %g", shapes[i], shapes[j],
                             us[k], q, prev);
                prev = q;
            }
        }
    gsl_set_error_handler(old);
    assert_int_equal(gsl_errors, 0);
    /* where GSL's inverse converges the two agree */
    bmc_dist d = {BMC_DIST_BETA, {2, 5, 0, 1}};
    assert_float_equal(bmc_dist_quantile(&d, 0.3), gsl_cdf_beta_Pinv(0.3, 2, 5), 1e-13);
    assert_float_equal(bmc_dist_quantile(&d, 0.999), gsl_cdf_beta_Pinv(0.999, 2, 5), 1e-13);
    /* shapes beyond the range are refused when read */
    dist_fails("x: {dist: beta, a: 1e6, b: 2}\n", 0, 1,
               "d.yaml:1:20: x.a: expected a number <= 100000, got \"1e6\"");
}

/* Normal and lognormal draws beyond the allowed range are clamped onto it. */
static void test_clamping(void **state)
{
    (void)state;
    bmc_dist n = {BMC_DIST_NORMAL, {0, 1, -0.5, 0.5}};
    assert_float_equal(bmc_dist_quantile(&n, 0.99), 0.5, 0);
    assert_float_equal(bmc_dist_quantile(&n, 0.01), -0.5, 0);
    assert_float_equal(bmc_dist_quantile(&n, 0.6), 0.2533471031357997, 1e-9);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    int at_bounds = 0;
    for (int i = 0; i < 10000; i++) {
        double x = bmc_dist_sample(&n, r);
        assert_true(x >= -0.5 && x <= 0.5);
        at_bounds += x == -0.5 || x == 0.5;
    }
    assert_true(at_bounds > 5000); /* P(|Z| > 0.5) = 0.62 */
    bmc_dist l = {BMC_DIST_LOGNORMAL, {0, 1, 0.5, 2}};
    for (int i = 0; i < 1000; i++) {
        double x = bmc_dist_sample(&l, r);
        assert_true(x >= 0.5 && x <= 2);
    }
    gsl_rng_free(r);
    /* no range (p2 == p3 == 0): not clamped */
    bmc_dist free_n = {BMC_DIST_NORMAL, {0, 1, 0, 0}};
    assert_float_equal(bmc_dist_quantile(&free_n, 0.99), 2.3263478740408408, 1e-9);
}

static void test_describe(void **state)
{
    (void)state;
    char buf[128];
    bmc_dist d = dist_ok("x: {dist: lognormal, median: 100, sdlog: 0.5}\n", 0, 1e6);
    bmc_dist_describe(&d, buf, sizeof buf);
    assert_string_equal(buf, "lognormal(median 100, sdlog 0.5)");
    d = dist_ok("x: {dist: uniform, min: 2, max: 5}\n", 0, 10);
    bmc_dist_describe(&d, buf, sizeof buf);
    assert_string_equal(buf, "uniform(2, 5)");
    d = dist_ok("x: {dist: triangular, min: 1, mode: 2, max: 6}\n", 0, 10);
    bmc_dist_describe(&d, buf, sizeof buf);
    assert_string_equal(buf, "triangular(min 1, mode 2, max 6)");
    d = bmc_dist_fixed(7);
    bmc_dist_describe(&d, buf, sizeof buf);
    assert_string_equal(buf, "7");
}

/* ---- schedules ---- */

static int sched_from(const char *text, double lo, double hi, bmc_schedule *s, bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    int rc = cfg_load_string("s.yaml", text, &cfg, err);
    if (rc == BMC_OK) {
        cfg_map r = cfg_root(cfg);
        rc = cfg_get_schedule(&r, "x", true, 0, lo, hi, s, err);
        if (rc == BMC_OK)
            rc = cfg_finish(&r, err);
    }
    cfg_free(cfg);
    return rc;
}

static bmc_schedule sched_ok(const char *text)
{
    bmc_err err = {{0}};
    bmc_schedule s;
    int rc = sched_from(text, 0, 100, &s, &err);
    if (rc != BMC_OK)
        fail_msg("%s: %s", text, err.msg);
    return s;
}

static void sched_fails(const char *text, const char *want)
{
    bmc_err err = {{0}};
    bmc_schedule s;
    expect_msg(sched_from(text, 0, 100, &s, &err), BMC_ECONFIG, &err, want);
}

static bmc_date ymd(int y, int m, int d)
{
    return bmc_date_from_ymd(y, m, d);
}

static const char LINEAR[] = "x:\n  points: [[2026-01-01, 100], [2026-03-01, 40], "
                             "[2026-03-11, 40], [2026-04-10, 70]]\n";
static const char STEP[] = "x:\n  interpolation: step\n"
                           "  points: [[2026-01-01, 1], [2026-02-01, 2], [2026-03-01, 3]]\n";

static void test_schedule_linear(void **state)
{
    (void)state;
    bmc_schedule s = sched_ok(LINEAR);
    assert_true(s.linear);
    assert_int_equal(s.n, 4);
    assert_float_equal(bmc_schedule_at(&s, ymd(2025, 12, 1)), 100, 0); /* before the first */
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 1, 1)), 100, 0);
    /* 30 of the 59 days from Jan 1 to Mar 1: 100 - 60 * 30 / 59 */
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 1, 31)), 4100.0 / 59, 1e-12);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 3, 1)), 40, 1e-12);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 3, 5)), 40, 1e-12);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 3, 26)), 55, 1e-12); /* 15 of 30 days */
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 4, 10)), 70, 0);
    assert_float_equal(bmc_schedule_at(&s, ymd(2030, 1, 1)), 70, 0); /* after the last */
}

static void test_schedule_step_and_constant(void **state)
{
    (void)state;
    bmc_schedule s = sched_ok(STEP);
    assert_false(s.linear);
    assert_float_equal(bmc_schedule_at(&s, ymd(2025, 12, 31)), 1, 0);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 1, 31)), 1, 0);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 2, 1)), 2, 0);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 2, 28)), 2, 0);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 3, 1)), 3, 0);
    assert_float_equal(bmc_schedule_at(&s, ymd(2027, 1, 1)), 3, 0);
    s = sched_ok("x: 42\n");
    assert_int_equal(s.n, 1);
    assert_float_equal(bmc_schedule_at(&s, ymd(1990, 1, 1)), 42, 0);
    assert_float_equal(bmc_schedule_at(&s, ymd(2090, 1, 1)), 42, 0);
    /* absent: the default constant */
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    assert_int_equal(cfg_load_string("s.yaml", "y: 1\n", &cfg, &err), BMC_OK);
    cfg_map r = cfg_root(cfg);
    assert_int_equal(cfg_get_schedule(&r, "x", false, 9, 0, 10, &s, &err), BMC_OK);
    assert_float_equal(bmc_schedule_at(&s, ymd(2026, 1, 1)), 9, 0);
    cfg_free(cfg);
}

static void test_schedule_fill(void **state)
{
    (void)state;
    const char *texts[] = {LINEAR, STEP, "x: 42\n", "x: {points: [[2026-02-01, 5]]}\n",
                           "x: {interpolation: linear, points: [[2026-01-01, 0], "
                           "[2026-01-02, 1], [2026-01-03, 0]]}\n"};
    enum { DAYS = 200 };
    double out[DAYS];
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        bmc_schedule s = sched_ok(texts[k]);
        bmc_date start = ymd(2025, 12, 1);
        bmc_schedule_fill(&s, start, DAYS, out);
        for (int t = 0; t < DAYS; t++)
            if (out[t] != bmc_schedule_at(&s, start + t)) /* the same bits */
                fail_msg("%s: day %d: fill %.17g, at %.17g", texts[k], t, out[t],
                         bmc_schedule_at(&s, start + t));
    }
    bmc_schedule s = sched_ok(LINEAR);
    bmc_schedule_fill(&s, ymd(2026, 1, 31), 1, out);
    assert_float_equal(out[0], 4100.0 / 59, 1e-12);
    bmc_schedule_fill(&s, ymd(2026, 1, 31), 0, out); /* nothing to do */
}

static void test_schedule_errors(void **state)
{
    (void)state;
    /* dates out of order (or equal): at the offending item */
    sched_fails("x:\n  points:\n    - [2026-02-01, 1]\n    - [2026-01-01, 2]\n",
                "s.yaml:4:7: x.points[1]: dates must be strictly increasing: 2026-01-01 is not "
                "after 2026-02-01");
    sched_fails("x:\n  points:\n    - [2026-02-01, 1]\n    - [2026-02-01, 2]\n",
                "s.yaml:4:7: x.points[1]: dates must be strictly increasing: 2026-02-01 is not "
                "after 2026-02-01");
    sched_fails("x: {points: [[2026-02-30, 1]]}\n",
                "s.yaml:1:15: x.points[0][0]: expected a date YYYY-MM-DD, got \"2026-02-30\"");
    sched_fails("x: {points: [[2026-01-01, 1], [2026-02-01, 150]]}\n",
                "s.yaml:1:44: x.points[1][1]: expected a number in [0, 100], got \"150\"");
    sched_fails("x: {points: [[2026-01-01, 1, 2]]}\n",
                "s.yaml:1:14: x.points[0]: expected a point [YYYY-MM-DD, number], got a list of "
                "3 items");
    sched_fails("x: {points: [5]}\n",
                "s.yaml:1:14: x.points[0]: expected a point [YYYY-MM-DD, number], got \"5\"");
    sched_fails("x: {points: []}\n",
                "s.yaml:1:13: x.points: expected a list of at least 1 item, got 0");
    sched_fails("x: {interpolation: cubic, points: [[2026-01-01, 1]]}\n",
                "s.yaml:1:20: x.interpolation: expected one of linear, step, got \"cubic\"");
    sched_fails("x: {pionts: [[2026-01-01, 1]]}\n",
                "s.yaml:1:5: x.pionts: unknown key \"pionts\" (known keys here: interpolation, "
                "points)");
    sched_fails("x: {interpolation: step}\n", "s.yaml:1:4: x.points: missing required key "
                                              "\"points\"");
    sched_fails("x: [[2026-01-01, 1]]\n",
                "s.yaml:1:4: x: expected a number or a mapping {interpolation: linear|step, "
                "points: [[YYYY-MM-DD, number], ...]}, got a list");
    sched_fails("x: 101\n", "s.yaml:1:4: x: expected a number in [0, 100], got \"101\"");
    /* at most 64 points */
    char text[4096] = "x: {points: [";
    for (int i = 0; i < BMC_SCHEDULE_MAX_POINTS + 1; i++) {
        char date[11], item[32];
        bmc_date_format(ymd(2026, 1, 1) + i, date);
        snprintf(item, sizeof item, "%s[%s, 1]", i ? ", " : "", date);
        strcat(text, item);
    }
    strcat(text, "]}\n");
    sched_fails(text, "s.yaml:1:13: x.points: expected a list of at most 64 items, got 65");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_forms),
        cmocka_unit_test(test_dist_errors),
        cmocka_unit_test(test_sample_moments),
        cmocka_unit_test(test_means_exact),
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_beta_quantile_robust),
        cmocka_unit_test(test_clamping),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_schedule_linear),
        cmocka_unit_test(test_schedule_step_and_constant),
        cmocka_unit_test(test_schedule_fill),
        cmocka_unit_test(test_schedule_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
