/* The production rule (docs/model.md section 4) and the work content formula. */
#include "testutil.h"

#include <math.h>

#include "production.h"
#include "rng.h"

static void test_work_content(void **state)
{
    (void)state;
    /* A in the approach: 1/2 + 1/2; B: no hearing, 1/4; regular: 1 + 1 */
    assert_float_equal(bmc_work_content(1, 2, 2), 1.0, 1e-15);
    assert_float_equal(bmc_work_content(0, 123, 4), 0.25, 1e-15);
    assert_float_equal(bmc_work_content(1, 1, 1), 2.0, 1e-15);
    assert_float_equal(bmc_work_content(0.5, 1.5, 1.5), 0.5 / 1.5 + 1 / 1.5, 1e-15);
}

static void test_empty_queue_takes_no_draw(void **state)
{
    (void)state;
    gsl_rng *a = bmc_stream_alloc(), *b = bmc_stream_alloc();
    bmc_stream_key(a, 1, 2, BMC_STREAM_PRODUCTION);
    bmc_stream_key(b, 1, 2, BMC_STREAM_PRODUCTION);
    bmc_produced pr = bmc_produce(a, false, 0, 10, 2);
    assert_true(pr.decisions == 0 && pr.used == 0 && pr.leftover == 10);
    pr = bmc_produce(a, false, 5, 0, 2);
    assert_true(pr.decisions == 0 && pr.used == 0 && pr.leftover == 0);
    /* neither call consumed a number */
    assert_int_equal(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_deterministic_flow_on(void **state)
{
    (void)state;
    /* 10 officer-days on 3 cases of work 2: all decided, 4 officer-days flow on */
    bmc_produced pr = bmc_produce(NULL, true, 3, 10, 2);
    assert_float_equal(pr.decisions, 3, 0);
    assert_float_equal(pr.used, 6, 1e-15);
    assert_float_equal(pr.leftover, 4, 1e-15);
    /* 10 officer-days on 100 cases: 5 decided, everything spent, nothing flows on */
    pr = bmc_produce(NULL, true, 100, 10, 2);
    assert_float_equal(pr.decisions, 5, 1e-15);
    assert_float_equal(pr.used, 10, 0);
    assert_float_equal(pr.leftover, 0, 0);
}

/* D = min(n, Poisson(X/w)): with n = 8 and X/w = 5, P(D = n) = P(Poisson(5) >= 8) and
 * E[D] = sum_k min(k, 8) P(k), computed here from the Poisson pmf. */
static void test_stochastic_law(void **state)
{
    (void)state;
    const int N = 200000, n = 8;
    const double X = 10, w = 2, lambda = X / w;
    gsl_rng *r = bmc_stream_alloc();
    bmc_stream_key(r, 99, 0, BMC_STREAM_PRODUCTION);
    double sum = 0, full = 0, leftover_sum = 0, used_max = 0;
    for (int i = 0; i < N; i++) {
        bmc_produced pr = bmc_produce(r, false, n, X, w);
        sum += pr.decisions;
        if (pr.decisions == n) {
            full++;
            assert_float_equal(pr.leftover, X - n * w > 0 ? X - n * w : 0, 1e-12);
        } else {
            assert_float_equal(pr.leftover, 0, 0);
        }
        leftover_sum += pr.leftover;
        if (pr.used > used_max)
            used_max = pr.used;
    }
    double mean = 0, p_full = 0, var = 0;
    for (int k = 0; k < 200; k++) {
        double pk = gsl_ran_poisson_pdf((unsigned)k, lambda);
        double d = k < n ? k : n;
        mean += d * pk;
        var += d * d * pk;
        if (k >= n)
            p_full += pk;
    }
    var -= mean * mean;
    /* 5 standard errors of the sample mean and of the sample proportion */
    assert_true(fabs(sum / N - mean) < 5 * sqrt(var / N));
    assert_true(fabs(full / N - p_full) < 5 * sqrt(p_full * (1 - p_full) / N));
    assert_true(used_max <= X); /* never more officer-days than offered */
    assert_float_equal(leftover_sum, 0, 0); /* X - n w < 0 here: nothing flows on */
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_work_content),
        cmocka_unit_test(test_empty_queue_takes_no_draw),
        cmocka_unit_test(test_deterministic_flow_on),
        cmocka_unit_test(test_stochastic_law),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
