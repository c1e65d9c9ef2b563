/* Tornado and variance decomposition on the single queue (tests/data/models/single.yaml at
 * fte 3.4, where the day's decisions are Poisson(3.4 F / 2) with F the staff factor): the
 * new-case grant rate cannot move an old case, so under common random numbers its effects
 * are exactly 0 and its total Sobol index exactly 0; the staff factor moves both; the
 * all-at-median setting is the file run with every parameter fixed at its median, and its
 * P(all by target) matches the closed form P(Poisson(m 3.4 / 2) >= 500) within sampling error. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "bootstrap.h"
#include "tornado.h"
#include "variance_decomposition.h"

static const char *const model_sets[] = {
    "staff.fte=3.4", "staff.fte_factor={dist: uniform, min: 0.8, max: 1.2}",
    "intake.grant_rate={dist: uniform, min: 0.3, max: 0.6}", NULL};

static const bmc_tornado_factor *factor(const bmc_tornado *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->factor[i].name, name))
            return &t->factor[i];
    fail_msg("no factor %s", name);
    return NULL;
}

static void test_tornado(void **state)
{
    char *text = tu_source_text("tests/data/models/single.yaml", model_sets);
    bmc_resim_source src = {.name = "single.yaml", .text = text};
    bmc_tornado_vary vary[] = {{"staff.fte", 3.0, 3.8}};
    bmc_tornado t;
    bmc_err err = {{0}};
    int64_t n = 200;
    assert_int_equal(bmc_tornado_run(&src, n, vary, 1, 2, 300, &t, &err), BMC_OK);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.runs, n * 7);
    const bmc_tornado_factor *g = factor(&t, "intake.grant_rate");
    assert_true(g->median_effect[0] == 0 && g->median_effect[1] == 0 && g->median_effect[2] == 0);
    assert_true(g->p_effect[0] == 0 && g->p_effect[1] == 0 && g->p_effect[2] == 0);
    assert_true(g->median_low == g->median_high);
    assert_true(fabs(g->low - 0.315) < 1e-12 && fabs(g->high - 0.585) < 1e-12);
    const bmc_tornado_factor *f = factor(&t, "staff.fte_factor");
    assert_true(f->median_effect[2] < 0 && f->p_effect[1] > 0);
    assert_true(fabs(f->low - 0.82) < 1e-12 && fabs(f->high - 1.18) < 1e-12);
    const bmc_tornado_factor *k = factor(&t, "staff.fte");
    assert_int_equal(k->slot, -1);
    assert_true(k->low == 3.0 && k->high == 3.8 && k->median_effect[2] < 0);
    /* ranked: the parameter without effect comes last */
    assert_string_equal(t.factor[2].name, "intake.grant_rate");
    /* all at the median = the file with the parameters fixed at their medians */
    const char *fixed[] = {"staff.fte=3.4", "staff.fte_factor=1", "intake.grant_rate=0.45", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", fixed);
    bmc_result_block *b = tu_run(m, m->p.seed, 0, (int)n, false, false);
    double day[200];
    int64_t by = 0;
    for (int j = 0; j < n; j++) {
        day[j] = b->completion_day[j] >= 0 ? b->completion_day[j] : INFINITY;
        by += b->completion_day[j] >= 0 && b->completion_day[j] <= m->target_day;
    }
    assert_true(t.median_base == bmc_rows_quantile(n, day, NULL, 50));
    assert_true(t.p_base == (double)by / (double)n);
    int w = 0;
    for (int d = 0; d <= m->target_day; d++)
        w += m->working[d];
    double p = gsl_cdf_poisson_Q(499, w * 3.4 / 2);
    assert_true(fabs(t.p_base - p) < 4 * sqrt(p * (1 - p) / (double)n) + 1.0 / (double)n);
    free((void *)b->layout);
    bmc_result_block_free(b);
    bmc_model_free(m);
    bmc_tornado_free(&t);
    /* given values replace a parameter's 5 % and 95 % points; outside its range is refused */
    bmc_tornado_vary given[] = {{"staff.fte_factor", 0.9, 1.1}};
    assert_int_equal(bmc_tornado_run(&src, 20, given, 1, 1, 50, &t, &err), BMC_OK);
    f = factor(&t, "staff.fte_factor");
    assert_true(fabs(f->low - 0.9) < 1e-9 && fabs(f->high - 1.1) < 1e-9);
    bmc_tornado_free(&t);
    bmc_tornado_vary outside[] = {{"staff.fte_factor", 0.5, 1.1}};
    assert_int_equal(bmc_tornado_run(&src, 20, outside, 1, 1, 50, &t, &err), BMC_EUSAGE);
    assert_non_null(strstr(err.msg, "outside its distribution"));
    bmc_tornado_vary unknown[] = {{"staff.no_such_key", 1, 2}};
    assert_int_not_equal(bmc_tornado_run(&src, 20, unknown, 1, 1, 50, &t, &err), BMC_OK);
    free(text);
}

static void test_variance_decomposition(void **state)
{
    char *text = tu_source_text("tests/data/models/single.yaml", model_sets);
    bmc_resim_source src = {.name = "single.yaml", .text = text};
    bmc_variance_decomposition one, two;
    bmc_err err = {{0}};
    assert_int_equal(bmc_vd_run(&src, 300, 1, 200, &one, &err), BMC_OK);
    assert_int_equal(bmc_vd_run(&src, 300, 2, 200, &two, &err), BMC_OK);
    assert_int_equal(one.k, 3);
    assert_int_equal(one.runs, 300 * (2 + 3));
    assert_string_equal(one.name[0], "staff.fte_factor");
    assert_string_equal(one.name[1], "intake.grant_rate");
    assert_string_equal(one.name[2], BMC_VD_STREAMS_NAME);
    /* the same numbers on one thread and on two */
    assert_memory_equal(one.completion, two.completion, 3 * sizeof *one.completion);
    /* no effect: the AB sample is A itself */
    const bmc_sobol_index *g = &one.completion[1];
    assert_true(g->total == 0 && g->total_lo == 0 && g->total_hi == 0);
    assert_true(g->first_lo <= 0 && 0 <= g->first_hi);
    /* the staff factor and the production noise both matter */
    assert_true(one.completion[0].total_lo > 0.1 && one.completion[2].total_lo > 0.05);
    /* no intake: no new case ever settles, so there are no on-time indices */
    assert_true(isnan(one.on_time[0].first));
    bmc_vd_free(&one);
    bmc_vd_free(&two);
    free(text);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tornado),
        cmocka_unit_test(test_variance_decomposition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
