/* docs/model.md section 4 calibration anchor: with regular work content everywhere (2
 * officer-days per first decision, old and new cases alike) the default staff must give
 * about 33,000 first decisions a year (fact: IND 2024, 33,160). configs/regular-only.yaml
 * with the new-case tracks at regular work content and the staff factor F fixed at 1 (2024
 * is history; F is a risk on the plan ahead), the central projection, first decisions in
 * the year after the start (2026-04-01 .. 2027-03-31, a year in which the backlog never runs
 * dry): 33,000 +- 1 %. */
#include "testutil.h"

#include <math.h>

static void test_first_decisions_a_year(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "staff.fte_factor=1",
                          "intake.work_factor=1", "intake.tracks[1].work=2", NULL};
    bmc_model *m = tu_model("configs/regular-only.yaml", sets);
    assert_float_equal(m->p.track[0].work, 2, 0); /* the regular track is anchored at 2 */
    bmc_result_block *b = tu_run(m, 2024, 0, 1, true, true);
    double year = 0;
    for (int mo = 0; mo < 12; mo++) {
        int y, mon, d;
        bmc_date_to_ymd(bmc_calendar_month_first(m->cal, mo), &y, &mon, &d);
        assert_true((y == 2026 && mon >= 4) || (y == 2027 && mon <= 3));
        year += b->traj[BMC_TRAJ_GRANTS][mo] + b->traj[BMC_TRAJ_REJECTIONS][mo];
        /* every officer-day used: the backlog never runs dry */
        assert_float_equal(b->traj[BMC_TRAJ_OFFICER_DAYS_USED][mo],
                           b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][mo], 1e-9 * year + 1e-9);
    }
    printf("first decisions 2026-04 .. 2027-03: %.0f (33,000 +- 1 %%; IND 2024: 33,160)\n", year);
    assert_true(fabs(year / 33000 - 1) <= 0.01);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_first_decisions_a_year)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
