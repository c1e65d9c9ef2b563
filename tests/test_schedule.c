/* The schedule of the rounds (run_schedule.h): every scenario of a round falls to exactly one
 * rank, in rank order; rank 0 leaves its deficit to the others; the last round is split so
 * that the ranks end together; the deficit balances simulating against writing; block sizes
 * and rank 0's room for received blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "run_schedule.h"

/* The parts of one round, checked against the rules every round must keep. */
static void check_round(int64_t left, int ranks, int block, int deficit, int *rows)
{
    int64_t at = 0;
    for (int k = 0; k < ranks; k++) {
        int64_t offset;
        bmc_round_part(left, ranks, block, deficit, k, &offset, &rows[k]);
        assert_int_equal(offset, at); /* contiguous, in rank order */
        assert_true(rows[k] >= 0 && rows[k] <= block);
        at += rows[k];
    }
    int64_t want = (int64_t)ranks * block - (ranks > 1 ? deficit : 0);
    assert_int_equal(at, left < want ? left : want);
    assert_int_equal(bmc_round_rows(left, ranks, block, deficit), at);
    if (ranks > 1)
        assert_true(rows[0] <= block - deficit);
}

static void test_every_round_covers_its_scenarios(void **state)
{
    (void)state;
    int rows[9];
    for (int ranks = 1; ranks <= 9; ranks++)
        for (int block = 1; block <= 13; block += 3)
            for (int deficit = 0; deficit <= (ranks > 1 ? block : 0); deficit++)
                for (int64_t left = 1; left <= 3 * (int64_t)ranks * block; left++)
                    check_round(left, ranks, block, deficit, rows);
}

static void test_full_and_last_rounds(void **state)
{
    (void)state;
    int rows[4];
    /* 10,000 scenarios on 2 ranks in blocks of 4,096, rank 0 leaving 50: a full round, then
     * the rest split so that rank 0's rows plus 50 equal rank 1's */
    check_round(10000, 2, 4096, 50, rows);
    assert_int_equal(rows[0], 4046);
    assert_int_equal(rows[1], 4096);
    check_round(10000 - 8142, 2, 4096, 50, rows);
    assert_int_equal(rows[0], 904);
    assert_int_equal(rows[1], 954);
    /* without a deficit: 1,808 left, 904 each (not 1,808 for rank 0 and none for rank 1) */
    check_round(1808, 2, 4096, 0, rows);
    assert_int_equal(rows[0], 904);
    assert_int_equal(rows[1], 904);
    /* 10 left on 4 ranks, rank 0 leaving 2: (10 + 2) / 4 = 3 each, rank 0 one */
    check_round(10, 4, 100, 2, rows);
    assert_int_equal(rows[0], 1);
    assert_int_equal(rows[1], 3);
    assert_int_equal(rows[2], 3);
    assert_int_equal(rows[3], 3);
    /* 11 left: the one over goes to rank 1 */
    check_round(11, 4, 100, 2, rows);
    assert_int_equal(rows[0], 1);
    assert_int_equal(rows[1], 4);
    assert_int_equal(rows[3], 3);
    /* fewer left than rank 0's deficit covers: rank 0 none, the others share */
    check_round(5, 3, 100, 90, rows);
    assert_int_equal(rows[0], 0);
    assert_int_equal(rows[1], 3);
    assert_int_equal(rows[2], 2);
    /* one scenario left on 3 ranks: rank 1 takes it (what is left over goes to the ranks
     * that do not write) */
    check_round(1, 3, 100, 1, rows);
    assert_int_equal(rows[0], 0);
    assert_int_equal(rows[1], 1);
    check_round(1, 3, 100, 0, rows);
    assert_int_equal(rows[0], 0);
    assert_int_equal(rows[1], 1);
    assert_int_equal(rows[2], 0);
    /* rank 0 writing only: a deficit of a whole block */
    check_round(1000, 3, 100, 100, rows);
    assert_int_equal(rows[0], 0);
    assert_int_equal(rows[1], 100);
}

/* The last round ends together: the other ranks differ by at most one scenario, and rank 0
 * with its deficit by at most one from them, unless it has none left. */
static void test_last_round_is_balanced(void **state)
{
    (void)state;
    int rows[7];
    for (int ranks = 2; ranks <= 7; ranks++)
        for (int deficit = 0; deficit <= 20; deficit++)
            for (int64_t left = 1; left < (int64_t)ranks * 50 - deficit; left++) {
                check_round(left, ranks, 50, deficit, rows);
                int lo = rows[1], hi = rows[1];
                for (int k = 2; k < ranks; k++) {
                    lo = rows[k] < lo ? rows[k] : lo;
                    hi = rows[k] > hi ? rows[k] : hi;
                }
                assert_true(hi - lo <= 1);
                if (rows[0] > 0)
                    assert_true(rows[0] + deficit >= lo - 1 && rows[0] + deficit <= hi);
            }
}

static void test_deficit(void **state)
{
    (void)state;
    /* 2 ranks, blocks of 4,096, writing a scenario costs 1 % of simulating one:
     * d = 2 4096 0.01 / 1.01 = 81.1 */
    assert_int_equal(bmc_round_deficit(2, 4096, 1e-3, 1e-5), 81);
    /* (4096 - 81) s + (8192 - 81) w = 4096 s within a scenario */
    double s = 1e-3, w = 1e-5;
    assert_true((4096 - 81) * s + (8192 - 81) * w - 4096 * s < s);
    /* writing costs more than the others' simulating: rank 0 simulates nothing */
    assert_int_equal(bmc_round_deficit(200, 4096, 1e-3, 1e-5), 4096);
    /* unknown yet, or one rank */
    assert_int_equal(bmc_round_deficit(2, 4096, 0, 1e-5), 0);
    assert_int_equal(bmc_round_deficit(2, 4096, 1e-3, 0), 0);
    assert_int_equal(bmc_round_deficit(1, 4096, 1e-3, 1e-5), 0);
}

static void test_block_size_and_receiving(void **state)
{
    (void)state;
    assert_int_equal(bmc_block_size(0, 100000, 4, false, 0), BMC_DEFAULT_BLOCK);
    assert_int_equal(bmc_block_size(0, 101, 2, false, 0), 51);  /* a share each */
    assert_int_equal(bmc_block_size(500, 100000, 2, false, 0), 500);
    /* trajectories of 1 MB a scenario: 16 per block, unless a size is requested */
    assert_int_equal(bmc_block_size(0, 100000, 2, true, 1u << 20), 16);
    assert_int_equal(bmc_block_size(100, 100000, 2, true, 1u << 20), 100);
    assert_int_equal(bmc_block_size(0, 100000, 2, true, 1u << 30), 1);
    assert_int_equal(bmc_receive_slots(1, 1000), 0);
    assert_int_equal(bmc_receive_slots(2, 1000), 1);
    assert_int_equal(bmc_receive_slots(1000, 1000), 999);
    assert_int_equal(bmc_receive_slots(1000, 2u << 20), 128); /* 256 MB of 2 MB blocks */
    assert_int_equal(bmc_receive_slots(1000, 1u << 30), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_round_covers_its_scenarios),
        cmocka_unit_test(test_full_and_last_rounds),
        cmocka_unit_test(test_last_round_is_balanced),
        cmocka_unit_test(test_deficit),
        cmocka_unit_test(test_block_size_and_receiving),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
