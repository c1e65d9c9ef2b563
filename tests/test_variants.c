/* Directional checks with common random numbers (docs/model.md section 10): the same scenarios
 * with the same streams under two policies, compared pair by pair. */
#include "testutil.h"

#include <math.h>

#define N 200

/* completion day with "not by the horizon" above every finite day */
static long done_day(int32_t d)
{
    return d < 0 ? 1L << 30 : d;
}

static void test_a_one_hearing_finishes_later(void **state)
{
    (void)state;
    bmc_model *two = tu_model("configs/baseline.yaml", NULL);
    bmc_model *one = tu_model("configs/a-one-hearing.yaml", NULL);
    bmc_result_block *b2 = tu_run(two, 99, 0, N, false, false);
    bmc_result_block *b1 = tu_run(one, 99, 0, N, false, false);
    int later = 0, a_later = 0;
    for (int s = 0; s < N; s++) {
        later += done_day(b1->completion_day[s]) > done_day(b2->completion_day[s]) ||
                 (b1->completion_day[s] < 0 && b2->completion_day[s] < 0);
        /* category A itself (index 1 after AMV) */
        int nc = b1->layout->n_categories;
        a_later += done_day(b1->category_completion_day[s * nc + 1]) >
                   done_day(b2->category_completion_day[s * nc + 1]);
    }
    printf("A at one hearing a day finishes later in %d of %d pairs (A itself: %d)\n", later,
           N, a_later);
    assert_true(later >= 0.95 * N);
    tu_block_free(b1);
    tu_block_free(b2);
    bmc_model_free(one);
    bmc_model_free(two);
}

static void test_protect_new_versus_cap_new(void **state)
{
    (void)state;
    bmc_model *cap = tu_model("configs/high-intake.yaml", NULL);
    bmc_model *prot = tu_model("configs/triage-protect-new.yaml", NULL);
    bmc_result_block *bc = tu_run(cap, 7, 0, N, false, false);
    bmc_result_block *bp = tu_run(prot, 7, 0, N, false, false);
    double on_time_gain = 0;
    int fired = 0, later = 0, earlier = 0;
    for (int s = 0; s < N; s++) {
        assert_int_equal(bc->first_triage_day[s], bp->first_triage_day[s]); /* same intake */
        if (bc->first_triage_day[s] < 0)
            continue;
        fired++;
        on_time_gain += bp->new_on_time_share[s] - bc->new_on_time_share[s];
        long dc = done_day(bc->completion_day[s]), dp = done_day(bp->completion_day[s]);
        later += dp > dc;
        earlier += dp < dc;
    }
    printf("triage fired in %d of %d; protect_new: on-time share +%.3f on average, completion "
           "later in %d, earlier in %d\n",
           fired, N, fired ? on_time_gain / fired : 0, later, earlier);
    assert_true(fired >= 20);
    assert_true(on_time_gain > 0);
    assert_true(later > earlier);
    tu_block_free(bc);
    tu_block_free(bp);
    bmc_model_free(cap);
    bmc_model_free(prot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_one_hearing_finishes_later),
        cmocka_unit_test(test_protect_new_versus_cap_new),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
