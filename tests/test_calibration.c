/* MODEL.md section 4 calibration anchor: with regular work content everywhere (2
 * officer-days per first decision, old and new cases alike) the default staff must give
 * about 33,000 first decisions a year (fact: IND 2024, 33,160). configs/regular-only.yaml
 * with the new-case tracks at regular work content, first decisions in 2027 (a full year
 * in which the backlog never runs dry), mean over 100 scenarios within +-5 %. */
#include "testutil.h"

#include <math.h>

static void test_first_decisions_a_year(void **state)
{
    (void)state;
    const char *sets[] = {"intake.tracks[0].work=2", "intake.tracks[1].work=2", NULL};
    bmc_model *m = tu_model("configs/regular-only.yaml", sets);
    const int N = 100;
    bmc_result_block *b = tu_run(m, 2024, 0, N, true, false);
    int nm = b->layout->n_months;
    double sum = 0;
    for (int s = 0; s < N; s++) {
        double year = 0;
        int months = 0;
        for (int mo = 0; mo < nm; mo++) {
            int y, mon, d;
            bmc_date_to_ymd(bmc_calendar_month_first(m->cal, mo), &y, &mon, &d);
            if (y != 2027)
                continue;
            size_t at = (size_t)s * nm + mo;
            year += b->traj[BMC_TRAJ_GRANTS][at] + b->traj[BMC_TRAJ_REJECTIONS][at];
            months++;
        }
        assert_int_equal(months, 12);
        sum += year;
    }
    double mean = sum / N;
    printf("first decisions in 2027: %.0f a year (IND 2024: 33,160)\n", mean);
    assert_true(fabs(mean / 33160 - 1) < 0.05);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_first_decisions_a_year)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
