/* The backtest of the intake (models/backtest.c, docs/model.md section 14): its plan of origins
 * and horizons and the refusals, observed totals and the naive forecasts by hand (with
 * gaps and quarters), the forecast sample against a full run's arrivals bit for bit, and
 * calibration on data the engine's own intake model generates: 300 independent histories
 * with known parameters, each forecast at one origin; the 50 % and 90 % intervals cover at
 * the binomial rate and the PIT histogram is flat at every horizon, and both fail when the
 * forecast's parameters are wrong. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "backtest.h"
#include "intake_sample.h"
#include "stats.h"

static bmc_history monthly(int first, int n, double count)
{
    bmc_history h = {0, {{0, 0, 0}}};
    for (int i = 0; i < n; i++)
        h.p[h.n++] = (bmc_history_period){first + i, 1, count + i};
    return h;
}

static int month_of(int year, int month)
{
    return year * 12 + month - 1;
}

static void expect_refusal(const bmc_history *s, const bmc_history_period *from,
                           const bmc_history_period *to, const int *h, int n_h, const char *words)
{
    bmc_backtest_plan plan;
    bmc_err err = {{0}};
    assert_int_equal(bmc_backtest_plan_make(s, from, to, h, n_h, &plan, &err), BMC_EUSAGE);
    if (!strstr(err.msg, words))
        fail_msg("want \"%s\" in \"%s\"", words, err.msg);
}

static void test_plan(void **state)
{
    (void)state;
    bmc_backtest_plan plan;
    bmc_err err = {{0}};
    /* 2019-01..2021-12 monthly: origins from 2019-12 (a year known) to 2021-11 */
    bmc_history m = monthly(month_of(2019, 1), 36, 100);
    assert_int_equal(bmc_backtest_plan_make(&m, NULL, NULL, NULL, 0, &plan, &err), BMC_OK);
    assert_int_equal(plan.period_months, 1);
    assert_int_equal(plan.n_horizons, 4);
    assert_int_equal(plan.horizon[3], 12);
    assert_int_equal(plan.n_origins, 24);
    assert_int_equal(plan.origin[0], month_of(2019, 12));
    assert_int_equal(plan.origin[23], month_of(2021, 11));
    /* given origins and horizons (sorted) */
    bmc_history_period from = {month_of(2020, 3), 1, 0}, to = {month_of(2020, 5), 1, 0};
    assert_int_equal(bmc_backtest_plan_make(&m, &from, &to, (int[]){6, 2}, 2, &plan, &err),
                     BMC_OK);
    assert_int_equal(plan.n_origins, 3);
    assert_int_equal(plan.origin[2], month_of(2020, 5));
    assert_int_equal(plan.horizon[0], 2);
    assert_int_equal(plan.horizon[1], 6);
    /* quarters 2013-Q1..2015-Q4: origins at quarter ends from 2013-Q4 to 2015-Q3 */
    bmc_history q = {0, {{0, 0, 0}}};
    for (int i = 0; i < 12; i++)
        q.p[q.n++] = (bmc_history_period){month_of(2013, 1) + 3 * i, 3, 1000};
    assert_int_equal(bmc_backtest_plan_make(&q, NULL, NULL, NULL, 0, &plan, &err), BMC_OK);
    assert_int_equal(plan.period_months, 3);
    assert_int_equal(plan.n_horizons, 3);
    assert_int_equal(plan.horizon[0], 3);
    assert_int_equal(plan.origin[0], month_of(2013, 12));
    assert_int_equal(plan.origin[plan.n_origins - 1], month_of(2015, 9));
    assert_int_equal(plan.n_origins, 8);

    expect_refusal(&q, NULL, NULL, (int[]){1, 3}, 2, "not a whole number of quarters");
    expect_refusal(&m, NULL, NULL, (int[]){0}, 1, "in 1..60");
    expect_refusal(&m, NULL, NULL, (int[]){61}, 1, "in 1..60");
    expect_refusal(&m, NULL, NULL, (int[]){3, 3}, 2, "given twice");
    expect_refusal(&q, &from, NULL, NULL, 0, "origins must be quarters too");
    expect_refusal(&m, &to, &from, NULL, 0, "no origin: the first (2020-05) is after the last "
                                            "(2020-03)");
    bmc_history_period early = {month_of(2018, 6), 1, 0}, late = {month_of(2021, 12), 1, 0};
    expect_refusal(&m, &early, NULL, NULL, 0, "origins must lie from 2019-01 to the period "
                                              "before 2021-12");
    expect_refusal(&m, NULL, &late, NULL, 0, "origins must lie");
    bmc_history mixed = q;
    mixed.p[mixed.n++] = (bmc_history_period){month_of(2016, 1), 1, 5};
    expect_refusal(&mixed, NULL, NULL, NULL, 0, "mixes months and quarters");
    bmc_history one = monthly(month_of(2019, 1), 1, 1);
    expect_refusal(&one, NULL, NULL, NULL, 0, "at least 2");
    bmc_history short_series = monthly(month_of(2019, 1), 12, 1);
    expect_refusal(&short_series, NULL, NULL, NULL, 0, "too short");
}

/* The options' text: origins and horizons. */
static void test_options(void **state)
{
    (void)state;
    bmc_history_period from, to;
    bmc_err err = {{0}};
    assert_int_equal(bmc_backtest_parse_origins("2016-Q1..2024-Q4", &from, &to, &err), BMC_OK);
    assert_int_equal(from.month, month_of(2016, 1));
    assert_int_equal(from.months, 3);
    assert_int_equal(to.month, month_of(2024, 10));
    assert_int_equal(bmc_backtest_parse_origins("2020-02..2020-02", &from, &to, &err), BMC_OK);
    assert_int_equal(from.month, month_of(2020, 2));
    assert_int_equal(to.months, 1);
    static const char *const bad_origins[] = {"2016-Q1", "2016-Q1..", "..2016-Q1", "2016..2017",
                                              "2016-Q1...2016-Q2", "2016-13..2017-01",
                                              "2016-01..2016-01-01", ""};
    for (size_t i = 0; i < sizeof bad_origins / sizeof bad_origins[0]; i++) {
        assert_int_equal(bmc_backtest_parse_origins(bad_origins[i], &from, &to, &err),
                         BMC_EUSAGE);
        assert_non_null(strstr(err.msg, "--origins needs FROM..TO"));
    }
    int h[BMC_BT_MAX_HORIZONS], n;
    assert_int_equal(bmc_backtest_parse_horizons("1,3,6,12", h, &n, &err), BMC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(h[3], 12);
    assert_int_equal(bmc_backtest_parse_horizons("60", h, &n, &err), BMC_OK);
    assert_int_equal(h[0], 60);
    static const struct {
        const char *text, *words;
    } bad[] = {{"1,,3", "separated by commas"}, {"3,", "separated by commas"},
               {"", "separated by commas"}, {"0", "in [1, 60], got \"0\""},
               {"61", "in [1, 60]"}, {"+3", "in [1, 60]"}, {"1.5", "in [1, 60]"},
               {"1,2,3,4,5,6,7,8,9", "at most 8"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(bmc_backtest_parse_horizons(bad[i].text, h, &n, &err), BMC_EUSAGE);
        if (!strstr(err.msg, bad[i].words))
            fail_msg("%s: got \"%s\"", bad[i].text, err.msg);
    }
}

/* Totals over months with gaps and quarters, and the naive forecasts by hand. */
static void test_totals_and_naive(void **state)
{
    (void)state;
    /* 2020-01..2021-12, count 100 + i, with 2021-03 missing */
    bmc_history m = monthly(month_of(2020, 1), 24, 100);
    memmove(&m.p[14], &m.p[15], 9 * sizeof m.p[0]);
    m.n = 23;
    double t;
    assert_true(bmc_series_total(&m, month_of(2020, 1), month_of(2020, 3), &t));
    assert_float_equal(t, 100 + 101 + 102, 0);
    assert_false(bmc_series_total(&m, month_of(2021, 2), month_of(2021, 4), &t));
    assert_false(bmc_series_total(&m, month_of(2021, 12), month_of(2022, 1), &t));
    assert_false(bmc_series_total(&m, month_of(2019, 12), month_of(2020, 1), &t));
    double S[12];
    for (int i = 0; i < 12; i++)
        S[i] = i < 6 ? 0.8 : 1.2;
    /* origin 2020-12: the last year is 2020 (sum of 100..111 = 1266) */
    double ref[BMC_SCORE_REFS];
    bmc_backtest_naive(&m, S, month_of(2020, 12), 3, ref);
    assert_float_equal(ref[BMC_BT_REF_SAME_MONTHS], 100 + 101 + 102, 0); /* 2020-01..03 */
    assert_float_equal(ref[BMC_BT_REF_LAST_YEAR], 1266 * 3 * 0.8 / 12, 1e-9);
    /* 15 months: a whole year and then 2020-01..03 again */
    bmc_backtest_naive(&m, S, month_of(2020, 12), 15, ref);
    assert_float_equal(ref[BMC_BT_REF_SAME_MONTHS], 1266 + 303, 0);
    assert_float_equal(ref[BMC_BT_REF_LAST_YEAR], 1266 * (12 + 3 * 0.8) / 12, 1e-9);
    /* origin 2021-06: the year before holds the gap: a year ahead both are undefined, a
     * month ahead the same month a year earlier (2020-07) is known */
    bmc_backtest_naive(&m, S, month_of(2021, 6), 12, ref);
    assert_true(isnan(ref[0]) && isnan(ref[1]));
    bmc_backtest_naive(&m, S, month_of(2021, 6), 1, ref);
    assert_float_equal(ref[BMC_BT_REF_SAME_MONTHS], 106, 0);
    assert_true(isnan(ref[BMC_BT_REF_LAST_YEAR]));
    /* origin 2021-03 (the gap itself), one month ahead: same months = 2020-04 = 103 */
    bmc_backtest_naive(&m, S, month_of(2021, 3), 1, ref);
    assert_float_equal(ref[BMC_BT_REF_SAME_MONTHS], 103, 0);
    assert_true(isnan(ref[BMC_BT_REF_LAST_YEAR]));
    /* quarters: 2013-Q1..2014-Q4 = 1000, 2000, ..., origin 2013-Q4, six months ahead */
    bmc_history q = {0, {{0, 0, 0}}};
    for (int i = 0; i < 8; i++)
        q.p[q.n++] = (bmc_history_period){month_of(2013, 1) + 3 * i, 3, 1000.0 * (i + 1)};
    bmc_backtest_naive(&q, S, month_of(2013, 12), 6, ref);
    assert_float_equal(ref[BMC_BT_REF_SAME_MONTHS], 3000, 0);
    assert_float_equal(ref[BMC_BT_REF_LAST_YEAR], 10000 * 6 * 0.8 / 12, 1e-9);
    assert_true(bmc_series_total(&q, month_of(2014, 1), month_of(2014, 6), &t));
    assert_float_equal(t, 5000 + 6000, 0);
    /* a range cutting a quarter is not observed */
    assert_false(bmc_series_total(&q, month_of(2014, 1), month_of(2014, 2), &t));
}

/* The intake model of tests/data/models/intake.yaml with one track, the walk on, a lognormal
 * level: what the forecasts and the synthetic truths are drawn from. */
#define ONE_TRACK "intake.tracks=[{name: all, share: 1, deadline_days: 183, lead_days: 28, " \
                  "work: 1.5}]"
#define LEVEL "intake.annual_level={dist: lognormal, median: 36525, sdlog: 0.25}"
#define WALK "intake.year_to_year_sdlog=0.15"

static bmc_params load_params(const char *const *sets)
{
    char path[4096];
    bmc_cfg *cfg = NULL;
    bmc_params p;
    bmc_err err = {{0}};
    tu_path(path, sizeof path, "tests/data/models/intake.yaml");
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    for (int i = 0; sets[i]; i++)
        assert_int_equal(cfg_apply_set(cfg, sets[i], &err), BMC_OK);
    int rc = bmc_params_load(cfg, &p, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    cfg_free(cfg);
    return p;
}

/* The forecast at an origin is the engine's own intake: a full run that starts the day
 * after the origin with the series up to it as its intake_history (one track, the Pact
 * before the start, so that both draw a day's arrivals as one class) and runs the same
 * scenarios gives the same monthly arrivals, so the backtest's quantiles, mean and fan equal
 * those of the run's arrivals exactly. */
static void test_forecast_is_the_run(void **state)
{
    (void)state;
    enum { N = 40 };
    /* monthly 2023-01..2025-06 with a gap in 2024-02 */
    bmc_history series = monthly(month_of(2023, 1), 30, 2900);
    memmove(&series.p[13], &series.p[14], 16 * sizeof series.p[0]);
    series.n = 29;
    const char *sets[] = {ONE_TRACK, LEVEL, WALK, NULL};
    bmc_params p = load_params(sets);
    bmc_backtest_plan plan;
    bmc_err err = {{0}};
    bmc_history_period at = {month_of(2024, 11), 1, 0};
    assert_int_equal(bmc_backtest_plan_make(&series, &at, &at, (int[]){1, 3, 6}, 3, &plan, &err),
                     BMC_OK);
    bmc_backtest_work *w = NULL;
    assert_int_equal(bmc_backtest_work_create(N, &w, &err), BMC_OK);
    bmc_backtest_origin o;
    assert_int_equal(bmc_backtest_origin_run(&p, &series, &plan, 0, 99, N, w, &o, &err), BMC_OK);
    bmc_backtest_work_free(w);
    assert_int_equal(o.post.n_obs, 22); /* 2023-01..2024-11 less the gap */

    char hist[4096] = "intake_history=[";
    for (int i = 0; i < series.n && series.p[i].month <= at.month; i++) {
        char item[48], period[8];
        bmc_history_format_period(&series.p[i], period);
        snprintf(item, sizeof item, "%s[%s, %.0f]", i ? ", " : "", period, series.p[i].count);
        strcat(hist, item);
    }
    strcat(hist, "]");
    const char *run_sets[] = {ONE_TRACK, LEVEL, WALK, hist, "time.start_date=2024-12-01",
                              "time.pact_date=2024-12-01", "time.horizon_date=2025-05-31",
                              "time.target_date=2025-05-31", NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", run_sets);
    assert_true(m->posterior.active);
    assert_float_equal(o.post.level_median, m->level_median * exp(m->posterior.mean[0]), 1e-9);
    bmc_result_block *b = tu_run(m, 99, at.month * BMC_BT_SCENARIO_STRIDE, N, true, false);
    int nm = b->layout->n_months;
    assert_int_equal(nm, 6);
    for (int k = 0; k < plan.n_horizons; k++) {
        double totals[N], sum = 0;
        for (int s = 0; s < N; s++) {
            totals[s] = 0;
            for (int j = 0; j < plan.horizon[k]; j++)
                totals[s] += b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm + j];
            sum += totals[s];
        }
        bmc_scores_sort(totals, N);
        assert_float_equal(o.score[k].mean, sum / N, 0);
        for (int q = 0; q < BMC_SCORE_QUANTILES; q++)
            assert_float_equal(o.score[k].quantile[q],
                               bmc_scores_quantile(totals, N, bmc_score_quantile_levels[q]), 0);
        /* observed: 2024-12 onwards, 2923 + i */
        double want = 0;
        for (int j = 0; j < plan.horizon[k]; j++)
            want += 2900 + 23 + j;
        assert_float_equal(o.score[k].observed, want, 0);
    }
    for (int j = 0; j < 6; j++) {
        double month[N];
        for (int s = 0; s < N; s++)
            month[s] = b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm + j];
        bmc_scores_sort(month, N);
        assert_float_equal(o.fan[j][2], bmc_scores_quantile(month, N, 50), 0);
    }
    tu_block_free(b);
    bmc_model_free(m);
}

/* The posterior after the whole series: for the configuration's start month when the series
 * ends before it (the filter of a model whose intake_history is the series), else for the
 * month after the series. */
static void test_latest(void **state)
{
    (void)state;
    const char *sets[] = {ONE_TRACK, LEVEL, WALK, NULL};
    bmc_params p = load_params(sets); /* starts 2026-04-01 */
    bmc_history series = monthly(month_of(2024, 1), 18, 3000); /* to 2025-06 */
    bmc_backtest_posterior post;
    bmc_err err = {{0}};
    assert_int_equal(bmc_backtest_latest(&p, &series, &post, &err), BMC_OK);
    assert_int_equal(post.month, month_of(2026, 4));
    assert_int_equal(post.n_obs, 18);
    char hist[2048] = "intake_history=[";
    for (int i = 0; i < series.n; i++) {
        char item[48], period[8];
        bmc_history_format_period(&series.p[i], period);
        snprintf(item, sizeof item, "%s[%s, %.0f]", i ? ", " : "", period, series.p[i].count);
        strcat(hist, item);
    }
    strcat(hist, "]");
    const char *with[] = {ONE_TRACK, LEVEL, WALK, hist, NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", with);
    assert_float_equal(post.level_median, m->level_median * exp(m->posterior.mean[0]), 1e-9);
    assert_float_equal(post.level_sdlog, sqrt(m->posterior.cov[0][0]), 1e-12);
    assert_float_equal(post.deviation_sd, sqrt(m->posterior.cov[1][1]), 1e-12);
    bmc_model_free(m);
    /* a series past the start: the month after it */
    bmc_history longer = monthly(month_of(2024, 1), 30, 3000); /* to 2026-06 */
    assert_int_equal(bmc_backtest_latest(&p, &longer, &post, &err), BMC_OK);
    assert_int_equal(post.month, month_of(2026, 7));
    assert_int_equal(post.n_obs, 30);
}

/* [lo, hi] with P(B < lo) <= tail and P(B > hi) <= tail for B ~ Binomial(n, p). */
static void binomial_bounds(int n, double p, double tail, int *lo, int *hi)
{
    int k = 0;
    while (bmc_stats_binomial_cdf(k, p, n) <= tail)
        k++;
    *lo = k;
    k = n;
    while (bmc_stats_binomial_sf(k - 1, p, n) <= tail)
        k--;
    *hi = k;
}

typedef struct calibration {
    int in50[BMC_BT_MAX_HORIZONS], in90[BMC_BT_MAX_HORIZONS];
    bmc_score_summary sum[BMC_BT_MAX_HORIZONS];
} calibration;

/* Each of the S scenarios of a full run from 2023-01 to 2026-12 is one history; its
 * forecast at the end of 2025 (conditioned on 36 months) is scored on 2026. */
static void backtest_own_data(const bmc_result_block *b, const bmc_params *forecast, int S,
                              int n, calibration *out)
{
    bmc_backtest_origin *o = calloc((size_t)S, sizeof *o);
    bmc_backtest_work *w = NULL;
    bmc_err err = {{0}};
    assert_non_null(o);
    assert_int_equal(bmc_backtest_work_create(n, &w, &err), BMC_OK);
    bmc_backtest_plan plan;
    int nm = b->layout->n_months;
    memset(out, 0, sizeof *out);
    for (int s = 0; s < S; s++) {
        bmc_history h = monthly(month_of(2023, 1), nm, 0);
        for (int j = 0; j < nm; j++)
            h.p[j].count = b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm + j];
        bmc_history_period at = {month_of(2025, 12), 1, 0};
        assert_int_equal(bmc_backtest_plan_make(&h, &at, &at, NULL, 0, &plan, &err), BMC_OK);
        /* independent forecast streams for independent histories */
        assert_int_equal(bmc_backtest_origin_run(forecast, &h, &plan, 0, 1000 + (uint64_t)s, n,
                                                 w, &o[s], &err), BMC_OK);
        for (int k = 0; k < plan.n_horizons; k++) {
            out->in50[k] += o[s].score[k].in50;
            out->in90[k] += o[s].score[k].in90;
        }
    }
    bmc_backtest_summarise(&plan, o, S, out->sum);
    bmc_backtest_work_free(w);
    free(o);
}

static void test_calibrated_on_own_data(void **state)
{
    (void)state;
    enum { S = 300, N = 400 };
    const char *truth_sets[] = {ONE_TRACK, LEVEL, WALK, "time.start_date=2023-01-01",
                                "time.pact_date=2023-01-01", "time.horizon_date=2026-12-31",
                                "time.target_date=2026-12-31", NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", truth_sets);
    bmc_result_block *b = tu_run(m, 2026, 0, S, true, false);
    assert_int_equal(b->layout->n_months, 48);
    /* the forecast's own parameters are the truth's */
    const char *sets[] = {ONE_TRACK, LEVEL, WALK, NULL};
    bmc_params p = load_params(sets);
    calibration c;
    backtest_own_data(b, &p, S, N, &c);
    /* a sample interval [x_(k), x_(l)] of N draws holds a new draw with probability
     * (l - k + 1) / (N + 1): 361 / 401 and 201 / 401; over S independent histories the count
     * is binomial, and falls outside these bounds with probability at most 0.001 */
    int lo90, hi90, lo50, hi50;
    binomial_bounds(S, 361.0 / 401, 0.0005, &lo90, &hi90);
    binomial_bounds(S, 201.0 / 401, 0.0005, &lo50, &hi50);
    printf("binomial bounds: 90 %% [%d, %d], 50 %% [%d, %d] of %d\n", lo90, hi90, lo50, hi50, S);
    for (int k = 0; k < 4; k++) {
        const bmc_score_summary *s = &c.sum[k];
        printf("horizon %d: 90 %% %d, 50 %% %d, PIT chi-square p %.3f, CRPS %.1f, skill %.2f "
               "%.2f\n", k, c.in90[k], c.in50[k], s->pit_p, s->crps_mean, s->skill[0],
               s->skill[1]);
        assert_int_equal(s->n, S);
        assert_true(c.in90[k] >= lo90 && c.in90[k] <= hi90);
        assert_true(c.in50[k] >= lo50 && c.in50[k] <= hi50);
        assert_true(s->pit_p > 0.001);
    }
    /* the same histories forecast by a model that knows no walk and a quarter of the
     * monthly deviation: its intervals are too narrow, and it shows */
    const char *narrow[] = {ONE_TRACK, LEVEL, "intake.year_to_year_sdlog=0",
                            "intake.deviation={phi: 0.7, sigma: 0.025}", NULL};
    bmc_params q = load_params(narrow);
    calibration bad;
    backtest_own_data(b, &q, S, N, &bad);
    printf("narrow model: 90 %% at 12 months %d, PIT p %.3g\n", bad.in90[3], bad.sum[3].pit_p);
    assert_true(bad.in90[3] < lo90);
    assert_true(bad.sum[3].pit_p < 0.001);
    tu_block_free(b);
    bmc_model_free(m);
}

/* A sampler's months are a run's: the same monthly arrivals for the same scenarios. */
static void test_sampler_matches_run(void **state)
{
    (void)state;
    const char *sets[] = {ONE_TRACK, LEVEL, WALK, "time.pact_date=2026-04-01", NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", sets);
    bmc_result_block *b = tu_run(m, 5, 10, 8, true, false);
    bmc_intake_sampler *smp = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_intake_sampler_create(&smp, &err), BMC_OK);
    int nm = m->nmonths;
    double *months = malloc((size_t)nm * sizeof *months);
    for (int s = 0; s < 8; s++) {
        bmc_intake_sample_months(smp, m, 5, 10 + s, months);
        for (int j = 0; j < nm; j++)
            assert_float_equal(months[j], b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm + j], 0);
    }
    free(months);
    bmc_intake_sampler_free(smp);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_totals_and_naive),
        cmocka_unit_test(test_sampler_matches_run),
        cmocka_unit_test(test_forecast_is_the_run),
        cmocka_unit_test(test_latest),
        cmocka_unit_test(test_calibrated_on_own_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
