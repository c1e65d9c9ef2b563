/* New intake (MODEL.md section 5) against its exact monthly expectation:
 * E[arrivals in month i] = L / 365.25 * S[month] * days * E[exp(x_i)], with
 * x_i ~ Normal(0, sigma^2 (1 - phi^(2(i+1))) / (1 - phi^2)) since x_1 = sigma eps_1, so
 * E[exp(x_i)] = exp(var_i / 2). Bounds: 5 standard errors of the mean over N scenarios. */
#include "testutil.h"

#include <math.h>

static void test_monthly_means(void **state)
{
    (void)state;
    const int N = 2000;
    bmc_model *m = tu_model("tests/data/models/intake.yaml", NULL);
    bmc_result_block *b = tu_run(m, 5, 0, N, true, false);
    const bmc_params *p = &m->p;
    int nm = m->nmonths;
    assert_int_equal(nm, 24);
    double phi = p->deviation_phi, sigma = p->deviation_sigma;
    int worst_month = -1;
    double worst_z = 0, feb = 0, oct = 0;
    for (int i = 0; i < nm; i++) {
        bmc_date first = bmc_calendar_month_first(m->cal, i);
        int y, mo, d;
        bmc_date_to_ymd(first, &y, &mo, &d);
        int days = bmc_days_in_month(y, mo);
        double var = sigma * sigma * (1 - pow(phi, 2.0 * (i + 1))) / (1 - phi * phi);
        double expected = 36525 / 365.25 * p->seasonality[mo - 1] * days * exp(var / 2);
        double sum = 0, sum2 = 0;
        for (int s = 0; s < N; s++) {
            double a = b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm + i];
            sum += a;
            sum2 += a * a;
        }
        double mean = sum / N, sd = sqrt((sum2 - N * mean * mean) / (N - 1));
        double z = fabs(mean - expected) / (sd / sqrt(N));
        if (z > worst_z) {
            worst_z = z;
            worst_month = i;
        }
        if (mo == 2)
            feb += mean / days;
        if (mo == 10)
            oct += mean / days;
    }
    printf("worst month %d at %.2f standard errors\n", worst_month, worst_z);
    assert_true(worst_z < 5);
    /* seasonality shows: October's daily rate over February's is S[10] / S[2] (about 1.26) */
    double ratio = oct / feb, want = p->seasonality[9] / p->seasonality[1];
    assert_true(fabs(ratio / want - 1) < 0.03);
    tu_block_free(b);
    bmc_model_free(m);
}

/* With sigma = 0 and Poisson days the yearly total is Poisson with the exact mean, so its
 * variance equals its mean (dispersion index 1); with negbin_size k the daily variance
 * grows to mu + mu^2 / k. */
static void test_daily_dispersion(void **state)
{
    (void)state;
    const int N = 3000;
    const char *poisson[] = {"intake.deviation.sigma=0", "intake.negbin_size=poisson",
                             "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]", NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", poisson);
    bmc_result_block *b = tu_run(m, 6, 0, N, true, false);
    int nm = m->nmonths;
    /* April 2026: 30 days at 100 a day */
    double sum = 0, sum2 = 0;
    for (int s = 0; s < N; s++) {
        double a = b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm];
        sum += a;
        sum2 += a * a;
    }
    double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
    assert_true(fabs(mean - 3000) < 5 * sqrt(3000.0 / N));
    /* sample variance of a Poisson(3000): sd about 3000 * sqrt(2 / N) */
    assert_true(fabs(var - 3000) < 5 * 3000 * sqrt(2.0 / N));
    tu_block_free(b);
    bmc_model_free(m);

    const char *negbin[] = {"intake.deviation.sigma=0", "intake.negbin_size=20",
                            "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]", NULL};
    m = tu_model("tests/data/models/intake.yaml", negbin);
    b = tu_run(m, 6, 0, N, true, false);
    sum = sum2 = 0;
    for (int s = 0; s < N; s++) {
        double a = b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm];
        sum += a;
        sum2 += a * a;
    }
    mean = sum / N;
    var = (sum2 - N * mean * mean) / (N - 1);
    double want = 30 * (100 + 100.0 * 100 / 20); /* 30 independent days */
    assert_true(fabs(mean - 3000) < 5 * sqrt(want / N));
    assert_true(fabs(var / want - 1) < 5 * sqrt(2.0 / N) * 1.5); /* heavier tail than normal */
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monthly_means),
        cmocka_unit_test(test_daily_dispersion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
