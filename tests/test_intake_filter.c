/* Intake conditioned on observed history (docs/model.md section 12): the Kalman filter against
 * hand-computed examples (written here as a two-state filter and as a joint-Gaussian
 * conditioning, independently of the engine's three-state form), gaps, the coverage of the
 * posterior level on data the engine's own intake model generates, the scenarios' draws from
 * the posterior, the triage window reaching back into the history, and the refusals of bad
 * history in a config and in a series file. */
#include "testutil.h"

#include <math.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "intake_filter.h"
#include "intake_history.h"

static bmc_filter_model flat_model(double sdlog, double delta, double phi, double sigma,
                                   double k)
{
    bmc_filter_model fm = {12000, sdlog, delta, phi, sigma, k, {0}};
    for (int i = 0; i < 12; i++)
        fm.seasonality[i] = 1; /* E = 1000 a month */
    return fm;
}

/* A two-state (l, x) Kalman filter for monthly observations, y = l + x + e. */
typedef struct kf2 {
    double m[2], P[2][2];
} kf2;

static void kf2_observe(kf2 *k, double y, double r)
{
    double S = k->P[0][0] + 2 * k->P[0][1] + k->P[1][1] + r;
    double K0 = (k->P[0][0] + k->P[0][1]) / S, K1 = (k->P[1][0] + k->P[1][1]) / S;
    double innov = y - k->m[0] - k->m[1];
    double a = k->P[0][0] + k->P[0][1], b = k->P[1][0] + k->P[1][1];
    k->m[0] += K0 * innov;
    k->m[1] += K1 * innov;
    double P00 = k->P[0][0] - K0 * a, P01 = k->P[0][1] - K0 * b, P11 = k->P[1][1] - K1 * b;
    k->P[0][0] = P00;
    k->P[0][1] = k->P[1][0] = P01;
    k->P[1][1] = P11;
}

static void kf2_predict(kf2 *k, double phi, double sigma, double walk)
{
    k->m[1] *= phi;
    k->P[0][0] += walk;
    k->P[0][1] = k->P[1][0] = phi * k->P[0][1];
    k->P[1][1] = phi * phi * k->P[1][1] + sigma * sigma;
}

static void assert_posterior(const bmc_intake_posterior *post, const kf2 *k)
{
    for (int i = 0; i < 2; i++) {
        assert_float_equal(post->mean[i], k->m[i], 1e-12);
        for (int j = 0; j < 2; j++)
            assert_float_equal(post->cov[i][j], k->P[i][j], 1e-12);
    }
    /* the Cholesky factor reproduces the covariance */
    assert_float_equal(post->chol[0][0] * post->chol[0][0], post->cov[0][0], 1e-14);
    assert_float_equal(post->chol[1][0] * post->chol[0][0], post->cov[1][0], 1e-14);
    assert_float_equal(post->chol[1][0] * post->chol[1][0] + post->chol[1][1] * post->chol[1][1],
                       post->cov[1][1], 1e-14);
}

/* December 2025 and January 2026 observed (1100 and 900 against 1000 expected), Poisson
 * noise r = 1 / 1000, the walk's delta^2 added at the new year; the posterior is for the
 * start month February 2026 (no further step). */
static void test_two_months_across_a_new_year(void **state)
{
    (void)state;
    const double sdlog = 0.2, delta = 0.15, phi = 0.5, sigma = 0.1;
    bmc_filter_model fm = flat_model(sdlog, delta, phi, sigma, 0);
    bmc_history h = {2, {{2025 * 12 + 11, 1, 1100}, {2026 * 12 + 0, 1, 900}}};
    bmc_intake_posterior post;
    bmc_err err = {{0}};
    assert_int_equal(bmc_intake_filter(&fm, &h, 2026 * 12 + 1, &post, &err), BMC_OK);
    assert_true(post.active);
    assert_int_equal(post.n_obs, 2);
    double v = sigma * sigma / (1 - phi * phi), r = 1.0 / 1000;
    kf2 k = {{0, 0}, {{sdlog * sdlog, 0}, {0, v}}};
    kf2_observe(&k, log(1100.0 / 1000) + v / 2, r);
    kf2_predict(&k, phi, sigma, delta * delta);
    kf2_observe(&k, log(900.0 / 1000) + v / 2, r);
    assert_posterior(&post, &k);
    /* starting in January instead adds the walk once more */
    bmc_history h1 = {1, {{2025 * 12 + 11, 1, 1100}}};
    assert_int_equal(bmc_intake_filter(&fm, &h1, 2026 * 12 + 0, &post, &err), BMC_OK);
    kf2 k1 = {{0, 0}, {{sdlog * sdlog, 0}, {0, v}}};
    kf2_observe(&k1, log(1100.0 / 1000) + v / 2, r);
    k1.P[0][0] += delta * delta;
    assert_posterior(&post, &k1);
}

/* A gap: March and May observed, April not: the filter predicts through April. With the
 * negative binomial of size k the noise is 1 / E + 1 / (k days). */
static void test_gap(void **state)
{
    (void)state;
    const double sdlog = 0.25, phi = 0.7, sigma = 0.1, kk = 20;
    bmc_filter_model fm = flat_model(sdlog, 0.15, phi, sigma, kk);
    bmc_history h = {2, {{2024 * 12 + 2, 1, 1200}, {2024 * 12 + 4, 1, 1000}}};
    bmc_intake_posterior post;
    bmc_err err = {{0}};
    assert_int_equal(bmc_intake_filter(&fm, &h, 2024 * 12 + 7, &post, &err), BMC_OK);
    double v = sigma * sigma / (1 - phi * phi);
    kf2 k = {{0, 0}, {{sdlog * sdlog, 0}, {0, v}}};
    kf2_observe(&k, log(1.2) + v / 2, 1.0 / 1000 + 1.0 / (kk * 31));
    kf2_predict(&k, phi, sigma, 0); /* April */
    kf2_predict(&k, phi, sigma, 0); /* May */
    kf2_observe(&k, log(1.0) + v / 2, 1.0 / 1000 + 1.0 / (kk * 31));
    kf2_predict(&k, phi, sigma, 0); /* June, July: no data up to the start in August */
    kf2_predict(&k, phi, sigma, 0);
    assert_posterior(&post, &k);
}

/* One quarter (Q2 2024) against joint-Gaussian conditioning written out by hand:
 * u = l + sum_m w_m x_m - v/2 + e over April, May, June (w = 1/3 each with flat seasonality),
 * x stationary, Cov(x_m, x_n) = phi^|m-n| v, e with variance 1 / 3000 (Poisson). The posterior
 * of (l, x_June) is the prior conditioned on u. */
static void test_quarter(void **state)
{
    (void)state;
    const double sdlog = 0.25, phi = 0.7, sigma = 0.1;
    bmc_filter_model fm = flat_model(sdlog, 0.15, phi, sigma, 0);
    bmc_history h = {1, {{2024 * 12 + 3, 3, 3300}}};
    bmc_intake_posterior post;
    bmc_err err = {{0}};
    assert_int_equal(bmc_intake_filter(&fm, &h, 2024 * 12 + 6, &post, &err), BMC_OK);
    double v = sigma * sigma / (1 - phi * phi), w = 1.0 / 3;
    double var_sum = 0, cov_x3 = 0;
    for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++)
            var_sum += w * w * pow(phi, abs(a - b)) * v;
        cov_x3 += w * pow(phi, 2 - a) * v;
    }
    double r = 1.0 / 3000, Vu = sdlog * sdlog + var_sum + r;
    double y = log(3300.0 / 3000) + v / 2; /* u + v/2 has mean 0 under the prior */
    double c[2] = {sdlog * sdlog, cov_x3};
    double prior[2][2] = {{sdlog * sdlog, 0}, {0, v}};
    for (int i = 0; i < 2; i++) {
        assert_float_equal(post.mean[i], c[i] / Vu * y, 1e-12);
        for (int j = 0; j < 2; j++)
            assert_float_equal(post.cov[i][j], prior[i][j] - c[i] * c[j] / Vu, 1e-12);
    }
    /* a count of 0 is read as 0.5, not log(0) */
    bmc_history zero = {1, {{2024 * 12 + 5, 1, 0}}};
    assert_int_equal(bmc_intake_filter(&fm, &zero, 2024 * 12 + 6, &post, &err), BMC_OK);
    assert_true(isfinite(post.mean[0]) && post.mean[0] < -1);
    /* no period before the start: the prior, inactive */
    assert_int_equal(bmc_intake_filter(&fm, &h, 2024 * 12 + 5, &post, &err), BMC_OK);
    assert_false(post.active);
    assert_float_equal(post.cov[0][0], sdlog * sdlog, 0);
}

/* Data the engine's own intake model generates (tests/data/models/intake.yaml: negative
 * binomial k 20, phi 0.7, sigma 0.1, no walk, a lognormal level of median 36,525 and sdlog
 * 0.25): 24 months of counts per scenario, filtered; the true offset log(L / L0) falls in the
 * posterior's central 90 % interval in 300 scenarios at the binomial rate: at least 255 and at
 * most 285 (0.9 +- 3.3 sd of Binomial(300, 0.9)). The filter's normal approximation of the
 * log counts is what this checks. */
static void test_posterior_coverage(void **state)
{
    (void)state;
    enum { N = 300 };
    const char *sets[] = {"intake.annual_level={dist: lognormal, median: 36525, sdlog: 0.25}",
                          NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", sets);
    bmc_result_block *b = tu_run(m, 44, 0, N, true, false);
    int nm = b->layout->n_months, level_col = -1;
    for (int i = 0; i < b->layout->n_params; i++)
        if (!strcmp(b->layout->param_names[i], "intake.annual_level"))
            level_col = i;
    assert_true(level_col >= 0 && nm >= 24);
    bmc_filter_model fm = {36525, 0.25, 0, 0.7, 0.1, 20, {0}};
    memcpy(fm.seasonality, m->p.seasonality, sizeof fm.seasonality);
    int start = bmc_history_month_of(m->p.start_date), inside = 0;
    double z = gsl_cdf_ugaussian_Pinv(0.95);
    for (int s = 0; s < N; s++) {
        bmc_history h = {24, {{0, 0, 0}}};
        for (int i = 0; i < 24; i++)
            h.p[i] = (bmc_history_period){start + i, 1,
                                          b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm + i]};
        bmc_intake_posterior post;
        bmc_err err = {{0}};
        assert_int_equal(bmc_intake_filter(&fm, &h, start + 24, &post, &err), BMC_OK);
        double truth = log(b->params[(size_t)s * b->layout->n_params + level_col] / 36525);
        double sd = sqrt(post.cov[0][0]);
        inside += fabs(truth - post.mean[0]) <= z * sd;
    }
    printf("posterior 90 %% interval of the level holds the truth in %d of %d\n", inside, N);
    assert_true(inside >= 255 && inside <= 285);
    tu_block_free(b);
    bmc_model_free(m);
}

/* With a history the scenarios draw (l, x) from the posterior: over 4000 scenarios the
 * sample mean and covariance of the stored params match the filter's within 5 standard
 * errors, and intake.annual_level is L0 exp(l). The central projection takes the posterior
 * median. */
static void test_scenarios_draw_from_posterior(void **state)
{
    (void)state;
    enum { N = 4000 };
    const char *sets[] = {"intake_history=[[2025-01, 3000], [2025-Q2, 8000], [2025-07, 3500], "
                          "[2025-09, 3300], [2026-03, 2500]]",
                          "intake.annual_level={dist: lognormal, median: 36525, sdlog: 0.25}",
                          NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", sets);
    assert_true(m->posterior.active);
    assert_int_equal(m->posterior.n_obs, 5);
    bmc_result_block *b = tu_run(m, 3, 0, N, false, false);
    int cl = -1, cx = -1, cL = -1, np = b->layout->n_params;
    for (int i = 0; i < np; i++) {
        if (!strcmp(b->layout->param_names[i], "intake.history.level_offset"))
            cl = i;
        if (!strcmp(b->layout->param_names[i], "intake.history.deviation"))
            cx = i;
        if (!strcmp(b->layout->param_names[i], "intake.annual_level"))
            cL = i;
    }
    assert_true(cl >= 0 && cx >= 0 && cL >= 0);
    double ml = 0, mx = 0;
    for (int s = 0; s < N; s++) {
        double l = b->params[(size_t)s * np + cl];
        assert_float_equal(b->params[(size_t)s * np + cL], m->level_median * exp(l),
                           1e-9 * m->level_median);
        ml += l / N;
        mx += b->params[(size_t)s * np + cx] / N;
    }
    double vl = 0, vx = 0, cov = 0;
    for (int s = 0; s < N; s++) {
        double dl = b->params[(size_t)s * np + cl] - ml, dx = b->params[(size_t)s * np + cx] - mx;
        vl += dl * dl / (N - 1);
        vx += dx * dx / (N - 1);
        cov += dl * dx / (N - 1);
    }
    const bmc_intake_posterior *p = &m->posterior;
    assert_true(fabs(ml - p->mean[0]) < 5 * sqrt(p->cov[0][0] / N));
    assert_true(fabs(mx - p->mean[1]) < 5 * sqrt(p->cov[1][1] / N));
    assert_true(fabs(vl - p->cov[0][0]) < 5 * p->cov[0][0] * sqrt(2.0 / N));
    assert_true(fabs(vx - p->cov[1][1]) < 5 * p->cov[1][1] * sqrt(2.0 / N));
    double se_cov = sqrt((p->cov[0][0] * p->cov[1][1] + p->cov[0][1] * p->cov[0][1]) / N);
    assert_true(fabs(cov - p->cov[0][1]) < 5 * se_cov);
    tu_block_free(b);
    bmc_model_free(m);
    /* the central projection: the level at the posterior median */
    const char *det[] = {sets[0], sets[1], "run.deterministic=true", NULL};
    m = tu_model("tests/data/models/intake.yaml", det);
    b = tu_run(m, 3, 0, 1, false, true);
    np = b->layout->n_params;
    for (int i = 0; i < np; i++)
        if (!strcmp(b->layout->param_names[i], "intake.annual_level"))
            assert_float_equal(b->params[i], m->level_median * exp(m->posterior.mean[0]), 1e-6);
    tu_block_free(b);
    bmc_model_free(m);
}

/* The triage window reaches back into the history (docs/model.md section 7): twelve months at
 * 36,525 a year end the day before the start, so R is known at the first month end (April):
 * above 30,000 there and in May and June, triage is on from 1 July. Without the history the
 * first R comes after 90 days (June) and triage waits until September. And with the Pact
 * before the start, the month ends of the history replay the state machine: October,
 * November and December 2025 above the threshold turn triage on before the run starts. */
static void test_triage_reaches_back(void **state)
{
    (void)state;
    char hist[1024] = "intake_history=[";
    for (int i = 0; i < 12; i++) {
        char item[40];
        snprintf(item, sizeof item, "%s[%d-%02d, 3043.75]", i ? ", " : "", i < 9 ? 2025 : 2026,
                 (i + 3) % 12 + 1);
        strcat(hist, item);
    }
    strcat(hist, "]");
    const char *base[] = {"run.deterministic=true", "intake.annual_level=36525",
                          "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]",
                          "triage.threshold=30000"};
    /* 3043.75 is not a whole number of applications: refused */
    const char *frac[] = {base[0], base[1], base[2], base[3], hist, NULL};
    char path[4096];
    bmc_cfg *cfg = NULL;
    bmc_params p;
    bmc_err err = {{0}};
    tu_path(path, sizeof path, "tests/data/models/single.yaml");
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    for (int i = 0; frac[i]; i++)
        assert_int_equal(cfg_apply_set(cfg, frac[i], &err), BMC_OK);
    assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "not a whole number"));
    cfg_free(cfg);
    /* whole months of 3044 */
    for (char *c = strstr(hist, "3043.75"); c; c = strstr(c, "3043.75"))
        memcpy(c, "3044   ", 7);
    const char *with[] = {base[0], base[1], base[2], base[3], hist,
                          "intake.annual_level={dist: lognormal, median: 36525, sdlog: 0.01}",
                          NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", with);
    assert_int_equal(m->triage_prefix, 365);
    bmc_result_block *b = tu_run(m, 1, 0, 1, false, true);
    assert_int_equal(b->first_triage_day[0],
                     bmc_calendar_day_of(m->cal, bmc_date_from_ymd(2026, 7, 1)));
    tu_block_free(b);
    bmc_model_free(m);
    const char *without[] = {base[0], base[1], base[2], base[3], NULL};
    m = tu_model("tests/data/models/single.yaml", without);
    b = tu_run(m, 1, 0, 1, false, true);
    assert_int_equal(b->first_triage_day[0],
                     bmc_calendar_day_of(m->cal, bmc_date_from_ymd(2026, 9, 1)));
    tu_block_free(b);
    bmc_model_free(m);
    const char *replay[] = {base[0], base[1], base[2], base[3], hist,
                            "intake.annual_level={dist: lognormal, median: 36525, sdlog: 0.01}",
                            "time.pact_date=2025-10-01", NULL};
    m = tu_model("tests/data/models/single.yaml", replay);
    assert_true(m->triage_start.on);
    b = tu_run(m, 1, 0, 1, false, true);
    assert_int_equal(b->first_triage_day[0], 0);
    tu_block_free(b);
    bmc_model_free(m);
}

/* A bad history in a config: each refusal names the item with its position. */
static void test_history_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *value, *words;
    } cases[] = {
        {"[[2025-13, 10]]", "not a period"},
        {"[[2025-Q5, 10]]", "not a period"},
        {"[[25-01, 10]]", "not a period"},
        {"[[2025-01, -1]]", "expected a number in [0, 1e+09]"},
        {"[[2025-01, 2.5]]", "not a whole number"},
        {"[[2025-01, many]]", "expected a number"},
        {"[[2025-03, 10], [2025-01, 10]]", "oldest first"},
        {"[[2025-Q1, 10], [2025-02, 10]]", "overlaps"},
        {"[[2026-04, 10]]", "does not end before 2026-04"},
        {"[[2026-Q1, 10], [2026-Q2, 10]]", "does not end before"},
        {"[2025-01, 10]", "expected a pair"},
    };
    char path[4096];
    tu_path(path, sizeof path, "tests/data/models/single.yaml");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bmc_cfg *cfg = NULL;
        bmc_params p;
        bmc_err err = {{0}};
        char set[256];
        snprintf(set, sizeof set, "intake_history=%s", cases[i].value);
        assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
        assert_int_equal(cfg_apply_set(cfg, set, &err), BMC_OK);
        assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_ECONFIG);
        if (strncmp(err.msg, "--set intake_history=", 21) || !strstr(err.msg, "intake_history") ||
            !strstr(err.msg, cases[i].words))
            fail_msg("%s: got \"%s\"", cases[i].value, err.msg);
        cfg_free(cfg);
    }
    /* in a file: FILE:LINE:COL of the item */
    char dir[] = "/tmp/bmc-hist-XXXXXX", file[128];
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/h.yaml", dir);
    FILE *f = fopen(file, "w");
    char *abs = realpath(path, NULL);
    assert_non_null(abs);
    fprintf(f, "base: %s\nintake_history:\n  - [2025-01, 10]\n  - [2024-12, 10]\n", abs);
    free(abs);
    fclose(f);
    bmc_cfg *cfg = NULL;
    bmc_params p;
    bmc_err err = {{0}};
    assert_int_equal(cfg_load_file(file, &cfg, &err), BMC_OK);
    assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_ECONFIG);
    char want[256];
    snprintf(want, sizeof want, "%s:4:5: intake_history[1]: 2024-12: periods must be oldest first",
             file);
    assert_string_equal(err.msg, want);
    cfg_free(cfg);
    /* a non-lognormal level cannot carry the filter's prior */
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "intake_history=[[2025-01, 10]]", &err), BMC_OK);
    assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "needs intake.annual_level as a lognormal"));
    cfg_free(cfg);
    unlink(file);
    rmdir(dir);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Series files: the published files read as they are (quoted fields with commas, gaps),
 * and each malformed file refused with FILE:LINE. */
static void test_series_files(void **state)
{
    (void)state;
    bmc_history h;
    bmc_err err = {{0}};
    char path[4096];
    tu_path(path, sizeof path, "configs/data/quarterly-cbs.csv");
    assert_int_equal(bmc_history_read_csv(path, "first_asylum_requests_cbs", &h, &err), BMC_OK);
    assert_true(h.n >= 48);
    assert_int_equal(h.p[0].month, 2013 * 12);
    assert_int_equal(h.p[0].months, 3);
    assert_float_equal(h.p[0].count, 2110, 0);
    tu_path(path, sizeof path, "configs/data/monthly.csv");
    assert_int_equal(bmc_history_read_csv(path, "first_applications", &h, &err), BMC_OK);
    assert_int_equal(h.p[0].month, 2019 * 12);
    assert_float_equal(h.p[0].count, 1854, 0);
    for (int i = 1; i < h.n; i++)
        assert_true(h.p[i].month > h.p[i - 1].month);
    char dir[] = "/tmp/bmc-series-XXXXXX", file[128];
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/s.csv", dir);
    static const struct {
        const char *text, *column, *want;
    } bad[] = {
        {"month,n\n2025-01,10\n2025-02,ten\n", NULL, ":3: count \"ten\" is not a number >= 0"},
        {"month,n\n2025-01,-4\n", NULL, ":2: count \"-4\" is not a number >= 0"},
        {"month,n\n2025-02,1\n2025-01,1\n", NULL, ":3: 2025-01: periods must be oldest first"},
        {"month,n\n2025-Q1,1\n2025-03,1\n", NULL, ":3: 2025-03: the period overlaps"},
        {"month,n\n2025-01,1\n", "other", ":1: no column \"other\""},
        {"month,n\nJanuary,1\n", NULL, ":2: \"January\" is not a period"},
        {"month,n\n2025-01,\"1\n", NULL, ":2: malformed CSV"},
        {"", NULL, ":1: empty file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text(file, bad[i].text);
        assert_int_equal(bmc_history_read_csv(file, bad[i].column, &h, &err), BMC_ECONFIG);
        if (strncmp(err.msg, file, strlen(file)) || !strstr(err.msg, bad[i].want))
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, bad[i].want);
    }
    /* gaps: empty cells are left out, the periods around them kept */
    write_text(file, "quarter,n,source\n2024-Q1,5,\"a, b\"\n2024-Q2,,x\n2024-Q3,7,\"say \"\"hi\"\"\"\n");
    assert_int_equal(bmc_history_read_csv(file, "n", &h, &err), BMC_OK);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.p[1].month, 2024 * 12 + 6);
    assert_float_equal(h.p[1].count, 7, 0);
    unlink(file);
    assert_int_equal(bmc_history_read_csv(file, NULL, &h, &err), BMC_EIO);
    assert_non_null(strstr(err.msg, "cannot open"));
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_months_across_a_new_year),
        cmocka_unit_test(test_gap),
        cmocka_unit_test(test_quarter),
        cmocka_unit_test(test_posterior_coverage),
        cmocka_unit_test(test_scenarios_draw_from_posterior),
        cmocka_unit_test(test_triage_reaches_back),
        cmocka_unit_test(test_history_refusals),
        cmocka_unit_test(test_series_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
