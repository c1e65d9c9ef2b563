/* solve on the case with a closed form (tests/data/models/single.yaml): one queue of
 * B = 500 cases, no intake, fte x availability 1 officer-days a working day on work content 2,
 * so the day's decisions are Poisson(fte / 2) (inversion below a mean of 10: monotone in fte
 * for each scenario's random numbers) and the cases are all decided by the target, m working
 * days in, exactly when a Poisson(m fte / 2) count reaches B:
 *     P(all by target) = P(Poisson(m fte / 2) >= B).
 * The fte at which that is 0.9 is found here with GSL's Poisson CDF, and solve's interval
 * must cover it; over 60 repetitions (independent seeds) at least 53 times (with true coverage
 * 0.95 fewer than 53 has probability 0.03). Each scenario's bracket is checked by direct
 * runs of that scenario, and the deterministic case against the fluid 1000 / m by hand. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "solve.h"

#define SINGLE "tests/data/models/single.yaml"

/* Working days from the start to the target date, inclusive, from the model's calendar. */
static int working_to_target(void)
{
    bmc_model *m = tu_model(SINGLE, NULL);
    int w = 0;
    for (int t = 0; t <= m->target_day; t++)
        w += m->working[t];
    bmc_model_free(m);
    return w;
}

static double p_by_target(double fte, int m)
{
    /* P(N >= 500) = 1 - P(N <= 499) */
    return gsl_cdf_poisson_Q(499, m * fte / 2);
}

/* The fte with P(all by target) = p, by bisection on the closed form. */
static double closed_form_fte(double p, int m)
{
    double lo = 1, hi = 10;
    for (int it = 0; it < 200; it++) {
        double mid = (lo + hi) / 2;
        if (p_by_target(mid, m) >= p)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static bmc_solve_options options(int64_t n)
{
    return (bmc_solve_options){.key = "staff.fte", .lo = 2, .hi = 6, .level = 90,
                               .metric = BMC_SOLVE_ALL, .scenarios = n, .tolerance = 0.005,
                               .check_items = 20, .check_points = 9, .threads = 2};
}

/* solve on single.yaml under the overrides, which must succeed. */
static void solve_single(const char *const *sets, const bmc_solve_options *o, bmc_solve *s)
{
    char *text = tu_source_text(SINGLE, sets);
    bmc_resim_source src = {.name = "single.yaml", .text = text};
    bmc_err err = {{0}};
    int rc = bmc_solve_run(&src, o, s, &err);
    if (rc != BMC_OK)
        fail_msg("solve: %s", err.msg);
    free(text);
}

/* Scenario s succeeds or fails at fte, by a direct run of a model loaded from the file. */
static bool direct_success(uint64_t seed, int64_t s, double fte)
{
    char set[64], seedset[64];
    snprintf(set, sizeof set, "staff.fte=%.17g", fte);
    snprintf(seedset, sizeof seedset, "run.seed=%llu", (unsigned long long)seed);
    const char *sets[] = {set, seedset, NULL};
    bmc_model *m = tu_model(SINGLE, sets);
    bmc_result_block *b = tu_run(m, seed, s, 1, false, false);
    bool ok = bmc_solve_success(BMC_SOLVE_ALL, NAN, b, m->target_day);
    free((void *)b->layout);
    bmc_result_block_free(b);
    bmc_model_free(m);
    return ok;
}

static void test_closed_form(void **state)
{
    int m = working_to_target();
    double truth = closed_form_fte(0.9, m);
    const char *sets[] = {"run.seed=4242", NULL};
    bmc_solve_options o = options(400);
    bmc_solve s;
    solve_single(sets, &o, &s);
    const bmc_threshold_result *r = &s.r;
    print_message("m %d: closed form %.4f, solve %.4f [%.4f, %.4f], %lld runs\n", m, truth,
                  r->answer, r->answer_lo, r->answer_hi, (long long)r->runs);
    assert_false(s.integer);
    assert_int_equal(r->method, BMC_THRESHOLD_PER_ITEM);
    assert_int_equal(r->direction, 1);
    assert_int_equal(r->check_violations, 0);
    assert_true(r->answer_lo <= truth && truth <= r->answer_hi);
    /* the metric at the answer on fresh scenarios covers the closed form there */
    double p = p_by_target(r->answer, m);
    assert_true(r->metric_lo <= p && p <= r->metric_hi);
    /* brackets by direct runs: scenario s fails at its lower end and succeeds at its upper */
    for (int64_t i = 0; i < 6; i++) {
        double ok = r->item_ok[i], fail = r->item_fail[i];
        assert_true(ok - fail <= 0.005 + 1e-12);
        assert_true(direct_success(4242, i, ok));
        assert_false(direct_success(4242, i, fail));
    }
    bmc_solve_free(&s);
}

/* Availability 0.9 gives every scenario the same daily means at fte / 0.9 as before at fte:
 * each threshold, and so the answer, scales by 1 / 0.9 (up to the bisection's tolerance), and
 * the paired comparison says so. */
static void test_compare(void **state)
{
    const char *sets_a[] = {"run.seed=77", NULL};
    const char *sets_b[] = {"run.seed=77", "staff.availability=0.9", NULL};
    bmc_solve_options o = options(150);
    bmc_solve ra, rb;
    bmc_err err = {{0}};
    solve_single(sets_a, &o, &ra);
    solve_single(sets_b, &o, &rb);
    for (int i = 0; i < 150; i++)
        assert_true(fabs(rb.r.item_ok[i] * 0.9 - ra.r.item_ok[i]) <= 0.0051);
    double d[3];
    assert_int_equal(bmc_solve_compare(&ra, &rb, 150, 90, 300, 1, d, &err), BMC_OK);
    assert_true(d[0] == rb.r.answer - ra.r.answer);
    assert_true(fabs(d[0] - ra.r.answer / 9) <= 0.0051);
    assert_true(d[1] <= d[0] && d[0] <= d[2]);
    /* the spread of the difference is a ninth of the answer's own */
    assert_true(d[2] - d[1] <= (ra.r.answer_hi - ra.r.answer_lo) / 9 * 2 + 0.011);
    bmc_solve_free(&ra);
    bmc_solve_free(&rb);
}

static void test_coverage(void **state)
{
    int m = working_to_target(), covered = 0, reps = 60;
    double truth = closed_form_fte(0.9, m);
    for (int rep = 0; rep < reps; rep++) {
        char seed[64];
        snprintf(seed, sizeof seed, "run.seed=%d", 1000 + rep);
        const char *sets[] = {seed, "time.horizon_date=2027-09-30", NULL};
        bmc_solve_options o = options(100);
        o.tolerance = 0.01;
        o.check_items = 10; /* the check is not what this counts */
        bmc_solve s;
        solve_single(sets, &o, &s);
        assert_int_equal(s.r.method, BMC_THRESHOLD_PER_ITEM);
        covered += s.r.answer_lo <= truth && truth <= s.r.answer_hi;
        bmc_solve_free(&s);
    }
    print_message("covered %d of %d\n", covered, reps);
    assert_true(covered >= 53);
}

/* The central projection: every scenario is the fluid model, cleared by the target exactly
 * when fte / 2 x m >= 500, so every scenario's threshold is 1000 / m. */
static void test_deterministic_thresholds(void **state)
{
    int m = working_to_target();
    const char *sets[] = {"run.deterministic=true", NULL};
    bmc_solve_options o = options(20);
    o.level = 50;
    bmc_solve s;
    solve_single(sets, &o, &s);
    double hand = 1000.0 / m;
    for (int i = 0; i < 20; i++)
        assert_true(s.r.item_fail[i] < hand + 1e-9 && hand - 1e-9 <= s.r.item_ok[i]);
    assert_true(fabs(s.r.answer - hand) <= 0.005 + 1e-9);
    assert_true(s.r.metric == 1);
    bmc_solve_free(&s);
}

static void test_keys(void **state)
{
    char *text = tu_source_text(SINGLE, NULL);
    bmc_resim_source src = {.name = "single.yaml", .text = text};
    bmc_solve s;
    bmc_err err = {{0}};
    /* a key that takes whole numbers: the cycle length; then whole ends are required */
    bmc_solve_options o = options(10);
    o.key = "plan.cycle_months";
    o.lo = 1;
    o.hi = 6;
    assert_int_equal(bmc_solve_run(&src, &o, &s, &err), BMC_OK);
    assert_true(s.integer);
    /* one queue: the plan does nothing, so the metric is flat */
    assert_int_equal(s.r.method, BMC_THRESHOLD_FLAT);
    bmc_solve_free(&s);
    o.lo = 1.5;
    assert_int_equal(bmc_solve_run(&src, &o, &s, &err), BMC_EUSAGE);
    assert_non_null(strstr(err.msg, "takes whole numbers"));
    /* a value the key refuses is reported as the override it came from */
    o = options(10);
    o.lo = -1;
    assert_int_equal(bmc_solve_run(&src, &o, &s, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "--set staff.fte=-1"));
    o = options(10);
    o.key = "staff.no_such_key";
    assert_int_not_equal(bmc_solve_run(&src, &o, &s, &err), BMC_OK);
    assert_non_null(strstr(err.msg, "no_such_key"));
    free(text);
    enum bmc_solve_metric metric;
    double q;
    assert_int_equal(bmc_solve_parse_metric("on-time:0.8", &metric, &q, &err), BMC_OK);
    assert_true(metric == BMC_SOLVE_ON_TIME && q == 0.8);
    assert_int_equal(bmc_solve_parse_metric("on-time:1.5", &metric, &q, &err), BMC_EUSAGE);
    assert_int_equal(bmc_solve_parse_metric("median", &metric, &q, &err), BMC_EUSAGE);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_form),
        cmocka_unit_test(test_deterministic_thresholds),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
