/* One category, no intake, constant capacity lambda = X / w decisions a working day: each
 * working day decides min(open, Poisson(lambda)), so the completion working-day index T has
 * P(T <= m) = P(Poisson(m lambda) >= B) exactly. The empirical CDF of N scenarios is
 * compared with it in the Kolmogorov distance; by the DKW inequality
 * P(sup |F_N - F| > eps) <= 2 exp(-2 N eps^2), so eps = sqrt(ln(2 / 1e-6) / (2 N)) fails a
 * correct engine with probability below one in a million. */
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

static void test_completion_law(void **state)
{
    (void)state;
    const int N = 4000, B = 500;
    const double lambda = 5; /* fte 10, availability 1, work 2 */
    bmc_model *m = tu_model("tests/data/models/single.yaml", NULL);
    bmc_result_block *b = tu_run(m, 20261128, 0, N, false, false);

    /* working-day index (1-based) of each calendar day */
    int *wd = calloc((size_t)m->ndays, sizeof *wd);
    assert_non_null(wd);
    for (int t = 0, k = 0; t < m->ndays; t++)
        wd[t] = (k += m->working[t]);
    int max_m = wd[m->ndays - 1];
    int *count = calloc((size_t)max_m + 2, sizeof *count);
    assert_non_null(count);
    for (int i = 0; i < N; i++) {
        int day = b->completion_day[i];
        assert_true(day >= 0); /* 500 cases at 5 a day end long before the horizon */
        assert_true(m->working[day]);
        count[wd[day]]++;
    }
    double eps = sqrt(log(2 / 1e-6) / (2.0 * N)), worst = 0;
    int cum = 0;
    for (int k = 1; k <= max_m; k++) {
        cum += count[k];
        double exact = gsl_cdf_poisson_Q((unsigned)(B - 1), k * lambda);
        double gap = fabs((double)cum / N - exact);
        if (gap > worst)
            worst = gap;
    }
    printf("Kolmogorov distance %.4f, bound %.4f\n", worst, eps);
    assert_true(worst < eps);
    /* and it is not trivially small: the mean is near B / lambda working days */
    double mean = 0;
    for (int k = 1; k <= max_m; k++)
        mean += (double)k * count[k] / N;
    assert_true(fabs(mean - B / lambda) < 2);
    free(count);
    free(wd);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_completion_law)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
