/* A results file of the baseline model with /summary, made the way the driver makes one:
 * every block goes to the file and to the summary, monthly values are always computed but
 * /trajectories is left out (omit_trajectories), the summary is written before commit. The
 * file is the fixture of the report test (tests/test_report.py, BACKLOGMC_SUMMARY_FIXTURE);
 * here it is checked against the summary of the same scenarios run in one block. */
#include "testutil.h"

#include <hdf5.h>
#include <math.h>
#include <unistd.h>

#include "h5out.h"
#include "h5read.h"
#include "summary.h"

#define N_SCEN 96
#define SEED 20260612

static void test_driver_protocol(void **state)
{
    (void)state;
    const char *path = getenv("BACKLOGMC_SUMMARY_FIXTURE");
    char fallback[] = "/tmp/bmc-summary-fixture.h5";
    if (!path)
        path = fallback;
    bmc_model *m = tu_model("configs/baseline.yaml", NULL);
    bmc_layout layout;
    bmc_model_layout(m, true, &layout);
    bmc_run_meta meta = {.config_name = "configs/baseline.yaml",
                         .config_text = "base: configs/baseline.yaml\n",
                         .seed = SEED,
                         .n_scenarios = N_SCEN,
                         .cal = m->cal,
                         .target_date = m->p.target_date,
                         .pact_date = m->p.pact_date,
                         .omit_trajectories = true};
    bmc_err err = {{0}};
    bmc_h5out *out = NULL;
    bmc_summary *sum = NULL;
    unlink(path);
    assert_int_equal(bmc_h5out_open(path, &layout, &meta, &out, &err), BMC_OK);
    assert_int_equal(bmc_summary_create(&layout, m->ndays, m->target_day,
                                        bmc_calendar_start(m->cal), &sum, &err), BMC_OK);
    /* blocks of uneven size, as a driver with a remainder would send them */
    for (int first = 0; first < N_SCEN;) {
        int count = first == 0 ? 40 : N_SCEN - first;
        bmc_result_block *b = tu_run(m, SEED, first, count, true, false);
        assert_int_equal(bmc_h5out_append(out, b, &err), BMC_OK);
        assert_int_equal(bmc_summary_add_block(sum, b, &err), BMC_OK);
        tu_block_free(b);
        first += count;
    }
    assert_int_equal(bmc_h5out_write_summary(out, "summary", sum, &err), BMC_OK);
    assert_int_equal(bmc_h5out_commit(out, &err), BMC_OK);

    /* the same scenarios in one block give the same counts */
    bmc_summary *whole = NULL;
    assert_int_equal(bmc_summary_create(&layout, m->ndays, m->target_day,
                                        bmc_calendar_start(m->cal), &whole, &err), BMC_OK);
    bmc_result_block *b = tu_run(m, SEED, 0, N_SCEN, true, false);
    assert_int_equal(bmc_summary_add_block(whole, b, &err), BMC_OK);
    tu_block_free(b);
    size_t n1, n2;
    int64_t *c1 = bmc_summary_counts(sum, &n1), *c2 = bmc_summary_counts(whole, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(c1, c2, n1 * sizeof *c1);

    /* plausible monthly values: about 54,000 old cases open after the first month */
    double open0 = bmc_summary_monthly_quantile(sum, BMC_MON_OLD_OPEN, 0, 50);
    assert_true(open0 > 40000 && open0 < 70000);
    assert_true(bmc_summary_monthly_quantile(sum, BMC_MON_FIRST_DECISIONS, 12, 50) > 500);

    bmc_h5read *r = NULL;
    assert_int_equal(bmc_h5read_open(path, &r, &err), BMC_OK);
    const bmc_h5read_info *in = bmc_h5read_get_info(r);
    assert_true(in->has_summary);
    assert_false(in->layout.trajectories);
    assert_int_equal(in->n_scenarios, N_SCEN);
    bmc_h5read_close(r);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(H5Lexists(f, "/summary/monthly/old_open_total", H5P_DEFAULT) > 0);
    H5Fclose(f);
    bmc_summary_free(whole);
    bmc_summary_free(sum);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_driver_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
