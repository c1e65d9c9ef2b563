/* New intake (MODEL.md section 5) against its exact monthly expectation:
 * E[arrivals in month i] = L / 365.25 * S[month] * days * E[exp(x_i)], with
 * x_i ~ Normal(0, sigma^2 (1 - phi^(2(i+1))) / (1 - phi^2)) since x_1 = sigma eps_1, so
 * E[exp(x_i)] = exp(var_i / 2). Bounds: 5 standard errors of the mean over N scenarios. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "intake.h"
#include "rng.h"

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

/* The day's split over tracks (intake.c draws one Poisson per track given the day's gamma
 * rate): the total must be negative binomial, NB(k, k / (k + mu)), tested by chi-square on
 * bins of at least 5 expected days; and the joint law that of a multinomial split of that
 * total: E N_i = s_i mu, Var N_i = s_i mu + s_i^2 mu^2 / k, Cov(N_i, N_j) = s_i s_j mu^2 / k,
 * each at 5 standard errors (the errors from the sample itself). */
static void test_track_split(void **state)
{
    (void)state;
    enum { N = 200000, C = 3 };
    bmc_model *m = tu_model("tests/data/models/intake.yaml", NULL);
    const double mu = 68.5, k = m->p.negbin_size, share[C] = {0.5, 0.3, 0.2};
    gsl_rng *r = bmc_stream_alloc();
    assert_non_null(r);
    bmc_stream_key(r, 77, 0, BMC_STREAM_INTAKE);
    double *x = malloc(sizeof(double) * N * C);
    assert_non_null(x);
    enum { KMAX = 400 };
    double count[KMAX + 1] = {0};
    for (int i = 0; i < N; i++) {
        double total = bmc_intake_arrivals(m, mu, r, false, C, share, x + (size_t)i * C);
        assert_true(total == x[i * C] + x[i * C + 1] + x[i * C + 2]);
        count[total < KMAX ? (int)total : KMAX]++;
    }
    gsl_rng_free(r);
    /* the total against the negative binomial pmf */
    double chi2 = 0, e = 0, o = 0, left = N;
    int bins = 0;
    for (int v = 0; v <= KMAX; v++) {
        double ev = v < KMAX ? N * gsl_ran_negative_binomial_pdf(v, k / (k + mu), k) : left;
        left -= ev;
        e += ev;
        o += count[v];
        if ((e >= 5 && left >= 5) || v == KMAX) {
            chi2 += (o - e) * (o - e) / e;
            bins++;
            e = o = 0;
        }
    }
    double bound = gsl_cdf_chisq_Qinv(1e-6, bins - 1);
    printf("negative binomial total: chi2 %.2f on %d bins (bound %.2f)\n", chi2, bins, bound);
    assert_true(chi2 < bound);
    /* first and second moments of the split */
    double mean[C] = {0};
    for (int i = 0; i < N; i++)
        for (int a = 0; a < C; a++)
            mean[a] += x[i * C + a] / N;
    for (int a = 0; a < C; a++)
        for (int b = a; b < C; b++) {
            double want = share[a] * share[b] * mu * mu / k + (a == b ? share[a] * mu : 0);
            double sum = 0, sum2 = 0;
            for (int i = 0; i < N; i++) {
                double prod = (x[i * C + a] - mean[a]) * (x[i * C + b] - mean[b]);
                sum += prod;
                sum2 += prod * prod;
            }
            double cov = sum / N, se = sqrt((sum2 / N - cov * cov) / N);
            printf("track %d x %d: %.3f vs %.3f (se %.3f)\n", a, b, cov, want, se);
            assert_true(fabs(cov - want) < 5 * se);
        }
    for (int a = 0; a < C; a++) {
        double var = share[a] * mu + share[a] * share[a] * mu * mu / k;
        assert_true(fabs(mean[a] - share[a] * mu) < 5 * sqrt(var / N));
    }
    free(x);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monthly_means),
        cmocka_unit_test(test_daily_dispersion),
        cmocka_unit_test(test_track_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
