/* The officer pool's availability (docs/model.md section 4, version 2): one value a month,
 * a_m = min(1, availability Sa[month] exp(y_m - v_a / 2)) with y an AR(1) started from its
 * stationary law. With a constant fte and F = 1 the month's offered officer-days are
 * fte x a_m x working days, so a_m is read back exactly from the trajectories. Against the
 * exact law of log a_m = log(availability Sa) - v_a / 2 + y_m: mean availability x Sa[m] in
 * every month, variance v_a of log a_m in every month (the first included), lag-one
 * correlation rho. Availability 0.3 keeps the cap at 1 more than 4 sd away. Bounds: 5
 * standard errors from the sample itself. */
#include "testutil.h"

#include <math.h>

enum { N = 4000 };

static const double SA[12] = {1.2, 1, 1, 1, 1, 1, 0.8, 0.8, 1, 1, 1, 1.2};

/* a[s][m] for N scenarios; caller frees. */
static double *availability_paths(bmc_model **out_m, int *out_nm, const char *extra)
{
    const char *sets[] = {"staff.fte=100", "staff.availability=0.3",
                          "staff.availability_seasonality=[1.2,1,1,1,1,1,0.8,0.8,1,1,1,1.2]",
                          "staff.availability_deviation={rho: 0.6, tau: 0.2}", extra, NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 12, 0, N, true, false);
    int nm = b->layout->n_months;
    int *working = calloc((size_t)nm, sizeof *working);
    double *a = malloc(sizeof(double) * N * (size_t)nm);
    assert_true(working && a);
    for (int t = 0; t < m->ndays; t++)
        working[m->month_index[t]] += m->working[t];
    for (int s = 0; s < N; s++)
        for (int mo = 0; mo < nm; mo++)
            a[(size_t)s * nm + mo] =
                b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][(size_t)s * nm + mo] / (100.0 * working[mo]);
    free(working);
    tu_block_free(b);
    *out_m = m;
    *out_nm = nm;
    return a;
}

static void test_availability_law(void **state)
{
    (void)state;
    bmc_model *m;
    int nm;
    double *a = availability_paths(&m, &nm, "staff.fte_factor=1");
    const double v = 0.04 / (1 - 0.36);
    double worst = 0;
    for (int mo = 0; mo < nm; mo++) {
        int moy = bmc_calendar_month_of_year(m->cal, mo);
        double sum = 0, sum2 = 0, lsum = 0, lsum2 = 0, l4 = 0;
        for (int s = 0; s < N; s++) {
            double x = a[(size_t)s * nm + mo];
            sum += x;
            sum2 += x * x;
            lsum += log(x);
            lsum2 += log(x) * log(x);
        }
        double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
        double want = 0.3 * SA[moy - 1];
        double z = fabs(mean - want) / sqrt(var / N);
        worst = fmax(worst, z);
        /* log a_m: normal with variance v in every month */
        double lmean = lsum / N, lvar = (lsum2 - N * lmean * lmean) / (N - 1);
        for (int s = 0; s < N; s++) {
            double d = log(a[(size_t)s * nm + mo]) - lmean;
            l4 += d * d * d * d / N;
        }
        double se_var = sqrt((l4 - lvar * lvar) / N);
        assert_true(fabs(lmean - (log(want) - v / 2)) < 5 * sqrt(lvar / N));
        if (fabs(lvar - v) > 5 * se_var)
            fail_msg("month %d: variance of log a %.5f, expected %.5f (se %.5f)", mo, lvar, v,
                     se_var);
    }
    printf("mean availability: worst month at %.2f standard errors\n", worst);
    assert_true(worst < 5);
    /* lag-one correlation of log a: rho, also between the first two months */
    const int pairs[3] = {0, 10, 30};
    for (int k = 0; k < 3; k++) {
        int mo = pairs[k];
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int s = 0; s < N; s++) {
            double x = log(a[(size_t)s * nm + mo]), y = log(a[(size_t)s * nm + mo + 1]);
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        double cxy = sxy / N - sx / N * sy / N, cxx = sxx / N - sx / N * sx / N,
               cyy = syy / N - sy / N * sy / N;
        double r = cxy / sqrt(cxx * cyy), se = (1 - 0.36) / sqrt(N);
        printf("months %d, %d: correlation %.4f (0.6, se %.4f)\n", mo, mo + 1, r, se);
        assert_true(fabs(r - 0.6) < 5 * se);
    }
    free(a);
    bmc_model_free(m);
}

/* The central projection takes the factor at its mean, 1: a_m = availability x Sa exactly;
 * and a_m never exceeds 1, however high availability x Sa x the factor would go. */
static void test_availability_projection_and_cap(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "staff.fte=100",
                          "staff.availability=0.5",
                          "staff.availability_seasonality=[1.2,1,1,1,1,1,0.8,0.8,1,1,1,1.2]",
                          NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    int nm = b->layout->n_months;
    for (int mo = 0; mo < nm; mo++) {
        int working = 0;
        for (int t = 0; t < m->ndays; t++)
            working += m->working[t] && m->month_index[t] == mo;
        double want = 100 * 0.5 * SA[bmc_calendar_month_of_year(m->cal, mo) - 1] * working;
        assert_float_equal(b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][mo], want, 1e-9 * want);
    }
    tu_block_free(b);
    bmc_model_free(m);
    const char *high[] = {"staff.fte=100", "staff.availability=1",
                          "staff.availability_deviation={rho: 0.6, tau: 0.5}", NULL};
    m = tu_model("tests/data/models/single.yaml", high);
    b = tu_run(m, 3, 0, 50, true, false);
    nm = b->layout->n_months;
    bool capped = false;
    for (int s = 0; s < 50; s++)
        for (int mo = 0; mo < nm; mo++) {
            int working = 0;
            for (int t = 0; t < m->ndays; t++)
                working += m->working[t] && m->month_index[t] == mo;
            double a = b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][(size_t)s * nm + mo] / (100.0 * working);
            assert_true(a <= 1 + 1e-12);
            capped = capped || a > 1 - 1e-12;
        }
    assert_true(capped);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_availability_law),
        cmocka_unit_test(test_availability_projection_and_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
