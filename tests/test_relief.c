/* Relief capacity against a fluid model worked out by hand (tests/data/models/relief.yaml):
 * with no holidays, working days are Monday to Friday; new intake arrives at L / (12 x days in
 * the month) a day, is ready the same day and takes 1 officer-day before any old case; the
 * 20,000 old cases take 2 each. With K officer-days a working day the old cases are all
 * decided at the end of the first working day T with K W(T) - L c(T) >= 40,000, where W(T)
 * counts working days and c(T) = sum over days d <= T of 1 / (12 days_in_month(d)). So the
 * capacity that clears them by the target is (40,000 + L c(T)) / W(T), and the configured
 * K = 200 clears them up to the level (200 W(T) - 40,000) / c(T) (as long as a Monday's three
 * days of intake fit in a day's capacity, which holds for these levels). */
#include "testutil.h"

#include <math.h>

#include "calendar.h"
#include "relief.h"

typedef struct fluid {
    double W, c; /* up to the target day, inclusive */
} fluid;

static fluid fluid_to(bmc_date start, bmc_date last)
{
    fluid f = {0, 0};
    for (bmc_date d = start; d <= last; d++) {
        int y, mo, dd;
        bmc_date_to_ymd(d, &y, &mo, &dd);
        f.W += bmc_date_weekday(d) < 5;
        f.c += 1.0 / (12.0 * bmc_days_in_month(y, mo));
    }
    return f;
}

static void test_relief_against_fluid(void **state)
{
    char *text = tu_source_text("tests/data/models/relief.yaml", NULL);
    bmc_resim_source src = {.name = "relief.yaml", .text = text, .deterministic = true};
    bmc_relief r;
    bmc_err err = {{0}};
    assert_int_equal(bmc_relief_compute(&src, &r, &err), BMC_OK);
    bmc_date start = bmc_date_from_ymd(2026, 4, 1), target = bmc_date_from_ymd(2027, 6, 30);
    fluid f = fluid_to(start, target);
    double B2 = 2 * 20000.0;
    /* one fte is one officer-day: factor 1, availability 1 */
    assert_true(fabs(r.per_fte - 1) < 1e-12);
    assert_int_equal(r.n_rows, 5);
    const double levels[] = {3650, 20000, 25000, 32000, 40000};
    for (int k = 0; k < 5; k++) {
        double need = (B2 + levels[k] * f.c) / f.W;
        assert_true(r.row[k].level == levels[k]);
        assert_true(r.row[k].reachable);
        if (!(r.row[k].fte >= need - 1e-6 && r.row[k].fte <= need + 0.011))
            fail_msg("level %.0f: %.4f fte, by hand %.4f", levels[k], r.row[k].fte, need);
        assert_true(fabs(r.row[k].officer_days - r.row[k].fte) < 1e-12);
    }
    assert_true(r.row[0].configured && !r.row[1].configured);
    double above = (200 * f.W - B2) / f.c;
    if (!(fabs(r.impossible_above - above) <= 1.5))
        fail_msg("impossible above %.2f, by hand %.2f", r.impossible_above, above);
    /* the completion date at 200 a day and the configured 3,650 a year */
    int day = -1;
    double W = 0, c = 0;
    for (bmc_date d = start; day < 0; d++) {
        int y, mo, dd;
        bmc_date_to_ymd(d, &y, &mo, &dd);
        W += bmc_date_weekday(d) < 5;
        c += 1.0 / (12.0 * bmc_days_in_month(y, mo));
        if (bmc_date_weekday(d) < 5 && 200 * W - 3650 * c >= B2 - 1e-6)
            day = d - start;
    }
    assert_int_equal(r.completion_day, day);
    free(text);
}

/* A configuration that can never clear: the voorfase admits nobody. */
static void test_unreachable(void **state)
{
    char path[4096];
    tu_path(path, sizeof path, "tests/data/models/relief.yaml");
    bmc_cfg *cfg = NULL;
    bmc_err err = {{0}};
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "old_cases.categories[0].approach_start=2026-04-01", &err),
                     BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "old_cases.categories[0].approach={hearings_per_day: 1, "
                                        "decisions_per_day: 1, hearing_share: 1}",
                                   &err),
                     BMC_OK);
    char *text = cfg_emit(cfg);
    cfg_free(cfg);
    bmc_resim_source src = {.name = "relief.yaml", .text = text, .deterministic = true};
    bmc_relief r;
    assert_int_equal(bmc_relief_compute(&src, &r, &err), BMC_OK);
    for (int k = 0; k < r.n_rows; k++)
        assert_false(r.row[k].reachable);
    assert_true(isnan(r.impossible_above));
    assert_int_equal(r.completion_day, -1);
    free(text);
}

/* The levels come from run.relief_intake_levels: none gives the configured row alone, a level
 * equal to the configured one is not repeated, and a level outside (0, 10^7] is refused. */
static void test_levels_from_config(void **state)
{
    const char *none[] = {"run.relief_intake_levels=[]", NULL};
    const char *two[] = {"run.relief_intake_levels=[3650, 5000]", NULL};
    const char *const *sets[] = {none, two};
    const int rows[] = {1, 2};
    for (int i = 0; i < 2; i++) {
        char *text = tu_source_text("tests/data/models/relief.yaml", sets[i]);
        bmc_resim_source src = {.name = "relief.yaml", .text = text, .deterministic = true};
        bmc_relief r;
        bmc_err err = {{0}};
        assert_int_equal(bmc_relief_compute(&src, &r, &err), BMC_OK);
        assert_int_equal(r.n_rows, rows[i]);
        assert_true(r.row[0].configured && r.row[0].level == 3650);
        if (i == 1)
            assert_true(r.row[1].level == 5000 && !r.row[1].configured);
        free(text);
    }
    char path[4096];
    tu_path(path, sizeof path, "tests/data/models/relief.yaml");
    bmc_cfg *cfg = NULL;
    bmc_err err = {{0}};
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "run.relief_intake_levels=[20000, 0]", &err), BMC_OK);
    bmc_params *p = malloc(sizeof *p);
    assert_non_null(p);
    assert_int_equal(bmc_params_load(cfg, p, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "relief_intake_levels"));
    free(p);
    cfg_free(cfg);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relief_against_fluid),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_levels_from_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
