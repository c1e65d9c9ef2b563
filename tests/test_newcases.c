/* A new-case track (docs/model.md section 5) on hand-made days: ready after the lead time,
 * decided first in first out, on time when decided within the deadline counted from the
 * lodging day (the deadline day itself is on time), and open past the deadline counted late
 * at the horizon. */
#include "testutil.h"

#include "newcases.h"

static bmc_track_queue queue(int deadline, int lead)
{
    bmc_track_params t = {"t", 1, deadline, lead, 1};
    bmc_track_queue q;
    assert_int_equal(bmc_track_queue_init(&q, &t, 100, 0), BMC_OK);
    return q;
}

static void test_lead_time(void **state)
{
    (void)state;
    bmc_track_queue q = queue(10, 3);
    bmc_track_queue_arrive(&q, 0, 5);
    for (int day = 0; day < 3; day++) {
        bmc_track_queue_advance(&q, day);
        assert_float_equal(q.ready, 0, 0); /* lodged on day 0: ready on day 3 */
    }
    bmc_track_queue_advance(&q, 3);
    assert_float_equal(q.ready, 5, 0);
    bmc_track_queue_release(&q);
}

static void test_deadline_day_is_on_time(void **state)
{
    (void)state;
    bmc_track_queue q = queue(10, 0);
    bmc_track_queue_arrive(&q, 0, 2);
    bmc_track_queue_arrive(&q, 1, 3);
    bmc_track_queue_advance(&q, 0);
    bmc_track_queue_advance(&q, 1);
    for (int day = 2; day <= 10; day++)
        bmc_track_queue_advance(&q, day);
    /* day 10: the two of day 0 are at their deadline (on time), FIFO before day 1's */
    assert_float_equal(bmc_track_queue_decide(&q, 10, 2), 2, 0);
    bmc_track_queue_advance(&q, 11);
    bmc_track_queue_advance(&q, 12);
    /* day 12: day 1's cases are 11 days old, one past the deadline: late */
    assert_float_equal(bmc_track_queue_decide(&q, 12, 3), 0, 0);
    assert_float_equal(q.open_total, 0, 0);
    bmc_track_queue_release(&q);
}

static void test_open_late_at_the_horizon(void **state)
{
    (void)state;
    bmc_track_queue q = queue(10, 0);
    bmc_track_queue_arrive(&q, 5, 4);
    bmc_track_queue_arrive(&q, 6, 7);
    for (int day = 0; day <= 16; day++)
        bmc_track_queue_advance(&q, day);
    /* day 15: day 5's cases are at their deadline, not past it */
    assert_float_equal(bmc_track_queue_open_late(&q, 15), 0, 0);
    assert_float_equal(bmc_track_queue_open_late(&q, 16), 4, 0);
    assert_float_equal(bmc_track_queue_open_late(&q, 17), 11, 0);
    bmc_track_queue_release(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lead_time),
        cmocka_unit_test(test_deadline_day_is_on_time),
        cmocka_unit_test(test_open_late_at_the_horizon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
