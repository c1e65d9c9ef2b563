/* Attribution (MODEL.md section 13, engine/app/attribute.c): the waterfall adds up to the
 * total exactly; a group whose keys do not change moves nothing, exactly, because every step
 * runs the same scenarios with the same random numbers; swapping OLD and NEW negates every
 * effect and the total exactly and mirrors their intervals; the ends of the waterfall are the medians and
 * P(target) of OLD and NEW simulated on their own; the thread count changes nothing; OLD and
 * NEW with different categories are refused. */
#include "testutil.h"

#include <math.h>

#include "assert_near.h"
#include "attribute.h"

#define N 200

static bmc_waterfall *attribute(const bmc_params *old, const bmc_params *new, int threads)
{
    bmc_waterfall *w = calloc(1, sizeof *w);
    assert_non_null(w);
    bmc_attribute_options o = {.scenarios = N, .seed = 4242, .threads = threads, .reps = 200};
    bmc_err err = {{0}};
    int rc = bmc_attribute_run(old, new, &o, w, &err);
    if (rc != BMC_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, BMC_OK);
    return w;
}

/* OLD: the baseline. NEW: more intake, fewer staff, a later approach for A, a higher remand
 * probability (other); state and work content unchanged. */
static const char *const CHANGES[] = {
    "intake.annual_level={dist: lognormal, median: 29000, sdlog: 0.25}",
    "staff.fte=290",
    "old_cases.categories[1].approach_start=2027-01-01",
    "remands.probability=0.1",
    NULL,
};

static int sign(double x)
{
    return (x > 0) - (x < 0);
}

/* Each effect is the mean of the group's step in the two walks; the effects add up to the
 * total exactly, and the waterfall ends at NEW. */
static void check_sums(const bmc_waterfall *w)
{
    for (int k = 0; k < BMC_ATTR_METRICS; k++) {
        const bmc_attr_row *r = &w->row[k];
        double sum = 0;
        for (int g = 0; g < BMC_ATTR_GROUPS; g++) {
            double mean = ((r->forward[g + 1] - r->forward[g]) +
                           (r->backward[g] - r->backward[g + 1])) / 2;
            assert_true(r->effect[g] == mean);
            assert_true(r->value[g + 1] == r->value[g] + r->effect[g]);
            sum += r->effect[g];
        }
        if (sum != r->total)
            fail_msg("%s: the effects add up to %.17g, the total is %.17g",
                     bmc_attr_metric_name(k), sum, r->total);
        assert_true(r->total == r->forward[BMC_ATTR_GROUPS] - r->forward[0]);
        assert_true(r->value[BMC_ATTR_GROUPS] == r->forward[BMC_ATTR_GROUPS]);
        /* the walks' ends are OLD and NEW */
        assert_true(r->backward[0] == r->forward[BMC_ATTR_GROUPS]);
        assert_true(r->backward[BMC_ATTR_GROUPS] == r->forward[0]);
    }
}

/* The attributions the tests look at, made once: OLD to NEW on 2 threads and on 1, and NEW to
 * OLD. */
typedef struct fixture {
    bmc_params *old, *new;
    bmc_waterfall *forward, *forward_one_thread, *backward;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->old = tu_params("configs/baseline.yaml", NULL);
    f->new = tu_params("configs/baseline.yaml", CHANGES);
    f->forward = attribute(f->old, f->new, 2);
    f->forward_one_thread = attribute(f->old, f->new, 1);
    f->backward = attribute(f->new, f->old, 2);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    free(f->old);
    free(f->new);
    free(f->forward);
    free(f->forward_one_thread);
    free(f->backward);
    free(f);
    return 0;
}

static void test_waterfall_adds_up_and_unchanged_groups_are_zero(void **state)
{
    const fixture *fx = *state;
    const bmc_waterfall *w = fx->forward;
    check_sums(w);
    const bool changed[BMC_ATTR_GROUPS] = {false, true, true, false, true, true};
    for (int g = 0; g < BMC_ATTR_GROUPS; g++) {
        assert_int_equal(w->changed[g], changed[g]);
        if (changed[g])
            continue;
        for (int k = 0; k < BMC_ATTR_METRICS; k++) {
            const bmc_attr_row *r = &w->row[k];
            /* exactly: both of its steps ran the same scenarios twice */
            assert_true(r->forward[g + 1] == r->forward[g]);
            assert_true(r->backward[g + 1] == r->backward[g]);
            assert_true(r->effect[g] == 0 && r->low[g] == 0 && r->high[g] == 0);
        }
    }
    /* more intake and fewer staff move the completion date later, each on its own */
    assert_true(w->row[BMC_ATTR_COMPLETION].effect[BMC_ATTR_INTAKE] > 0);
    assert_true(w->row[BMC_ATTR_COMPLETION].effect[BMC_ATTR_STAFF] > 0);
    assert_true(w->row[BMC_ATTR_P_TARGET].total < 0);
}

static void test_swapping_flips_every_sign(void **state)
{
    const fixture *fx = *state;
    const bmc_waterfall *f = fx->forward, *b = fx->backward;
    check_sums(b);
    for (int k = 0; k < BMC_ATTR_METRICS; k++) {
        const bmc_attr_row *x = &f->row[k], *y = &b->row[k];
        assert_true(y->total == -x->total);
        assert_true(y->total_low == -x->total_high && y->total_high == -x->total_low);
        for (int g = 0; g < BMC_ATTR_GROUPS; g++) {
            if (sign(x->effect[g]) != -sign(y->effect[g]) || y->effect[g] != -x->effect[g])
                fail_msg("%s, %s: %g forward, %g back", bmc_attr_metric_name(k),
                         bmc_attr_group_name(g), x->effect[g], y->effect[g]);
            assert_true(y->low[g] == -x->high[g] && y->high[g] == -x->low[g]);
        }
    }
}

/* The median completion day and P(target) of a model simulated on its own, scenarios 0..N-1. */
static void on_its_own(const bmc_params *p, double *median_date, int64_t *by_target)
{
    bmc_params q = *p;
    q.seed = 4242;
    bmc_model *m = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_model_create(&q, &m, &err), BMC_OK);
    bmc_result_block *b = tu_run(m, 4242, 0, N, false, false);
    int days[N];
    *by_target = 0;
    for (int i = 0; i < N; i++) {
        int d = b->completion_day[i];
        days[i] = d < 0 ? INT32_MAX : d;
        *by_target += d >= 0 && d <= m->target_day;
    }
    for (int i = 1; i < N; i++) /* insertion sort: the median is the N/2-th smallest */
        for (int j = i; j > 0 && days[j] < days[j - 1]; j--) {
            int t = days[j];
            days[j] = days[j - 1];
            days[j - 1] = t;
        }
    *median_date = days[N / 2 - 1] == INT32_MAX ? INFINITY
                                                : (double)(q.start_date + days[N / 2 - 1]);
    tu_block_free(b);
    bmc_model_free(m);
}

static void test_ends_are_old_and_new_on_their_own(void **state)
{
    const fixture *fx = *state;
    const bmc_params *old = fx->old, *new = fx->new;
    const bmc_waterfall *w1 = fx->forward_one_thread, *w2 = fx->forward;
    double med;
    int64_t target;
    on_its_own(old, &med, &target);
    assert_true(w1->row[BMC_ATTR_COMPLETION].forward[0] == med);
    assert_near(w1->row[BMC_ATTR_P_TARGET].forward[0], (double)target / N, 1e-12);
    on_its_own(new, &med, &target);
    assert_true(w1->row[BMC_ATTR_COMPLETION].forward[BMC_ATTR_GROUPS] == med);
    assert_near(w1->row[BMC_ATTR_P_TARGET].forward[BMC_ATTR_GROUPS], (double)target / N, 1e-12);
    assert_true(memcmp(w1->row, w2->row, sizeof w1->row) == 0); /* 1 and 2 threads */
}

static void test_different_categories_are_refused(void **state)
{
    (void)state;
    const char *renamed[] = {"old_cases.categories[5].name=Other", NULL};
    bmc_params *old = tu_params("configs/baseline.yaml", NULL);
    bmc_params *new = tu_params("configs/baseline.yaml", renamed);
    bmc_waterfall w;
    bmc_attribute_options o = {.scenarios = 10, .seed = 1, .threads = 1, .reps = 100};
    bmc_err err = {{0}};
    assert_int_equal(bmc_attribute_run(old, new, &o, &w, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "different old-case categories (OLD: AMV, A, B, C, D, O; "
                                    "NEW: AMV, A, B, C, D, Other)"));
    free(old);
    free(new);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waterfall_adds_up_and_unchanged_groups_are_zero),
        cmocka_unit_test(test_swapping_flips_every_sign),
        cmocka_unit_test(test_ends_are_old_and_new_on_their_own),
        cmocka_unit_test(test_different_categories_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
