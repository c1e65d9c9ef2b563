/* New intake (docs/model.md section 5, version 2) against its exact monthly expectation. The
 * seasonality factors are shares of a year's count, and the deviation factor
 * exp(x_m - v_x / 2) has mean one in every month (x starts from its stationary law), so
 *     E[arrivals in month m] = L S[m] / 12
 * for every month, February included, whatever its length. Bounds: 5 standard errors of the
 * mean over N scenarios (the errors from the sample itself). */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "intake.h"
#include "rng.h"

/* Mean, variance and the standard errors of both from a sample (the variance's from the
 * fourth central moment, so heavy tails widen it). */
typedef struct moments {
    double mean, var, se_mean, se_var;
} moments;

static moments sample_moments(const double *x, int n)
{
    moments r = {0, 0, 0, 0};
    for (int i = 0; i < n; i++)
        r.mean += x[i] / n;
    double m2 = 0, m4 = 0;
    for (int i = 0; i < n; i++) {
        double d = x[i] - r.mean;
        m2 += d * d / n;
        m4 += d * d * d * d / n;
    }
    r.var = m2 * n / (n - 1);
    r.se_mean = sqrt(r.var / n);
    r.se_var = sqrt((m4 - m2 * m2) / n);
    return r;
}

static double month_arrivals(const bmc_result_block *b, int s, int month)
{
    return b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * b->layout->n_months + month];
}

static void test_monthly_means(void **state)
{
    (void)state;
    enum { N = 2000 };
    bmc_model *m = tu_model("tests/data/models/intake.yaml", NULL);
    bmc_result_block *b = tu_run(m, 5, 0, N, true, false);
    const bmc_params *p = &m->p;
    int nm = m->nmonths;
    assert_int_equal(nm, 24);
    int worst_month = -1;
    double worst_z = 0, x[N];
    for (int i = 0; i < nm; i++) {
        int y, mo, d;
        bmc_date_to_ymd(bmc_calendar_month_first(m->cal, i), &y, &mo, &d);
        double expected = 36525 * p->seasonality[mo - 1] / 12;
        for (int s = 0; s < N; s++)
            x[s] = month_arrivals(b, s, i);
        moments r = sample_moments(x, N);
        double z = fabs(r.mean - expected) / r.se_mean;
        if (z > worst_z) {
            worst_z = z;
            worst_month = i;
        }
        if (mo == 2) /* February: S[2] / 12 of the year, not 28 / 365.25 x S[2] */
            printf("February %d: %.1f, expected %.1f (version 1 gave %.1f)\n", y, r.mean,
                   expected, 36525 / 365.25 * p->seasonality[1] * bmc_days_in_month(y, 2));
    }
    printf("worst month %d at %.2f standard errors\n", worst_month, worst_z);
    assert_true(worst_z < 5);
    tu_block_free(b);
    bmc_model_free(m);
}

/* The deviation factor has mean one and starts stationary: with flat seasonality, Poisson
 * days and a fixed level, a month's count M is Poisson(mu exp(x - v/2)) with
 * x ~ N(0, v), v = sigma^2 / (1 - phi^2), in every month, the first one included:
 * E M = mu and Var M = mu + mu^2 (e^v - 1). (Started from x = 0, the first month would have
 * variance mu + mu^2 (e^{sigma^2} - 1), less than half as much here.) Consecutive months are
 * correlated through phi: Cov(M_1, M_2) = mu^2 (e^{phi v} - 1). */
static void test_deviation_mean_one_stationary(void **state)
{
    (void)state;
    enum { N = 20000 };
    const char *sets[] = {"intake.deviation={phi: 0.7, sigma: 0.3}",
                          "intake.negbin_size=poisson",
                          "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]", NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", sets);
    bmc_result_block *b = tu_run(m, 15, 0, N, true, false);
    double v = 0.09 / (1 - 0.49), mu = 36525.0 / 12;
    double want_var = mu + mu * mu * (exp(v) - 1);
    static double x[N], y[N];
    const int months[3] = {0, 1, 12};
    for (int k = 0; k < 3; k++) {
        for (int s = 0; s < N; s++)
            x[s] = month_arrivals(b, s, months[k]);
        moments r = sample_moments(x, N);
        printf("month %d: mean %.1f (%.1f), variance %.0f (%.0f, se %.0f)\n", months[k], r.mean,
               mu, r.var, want_var, r.se_var);
        assert_true(fabs(r.mean - mu) < 5 * r.se_mean);
        assert_true(fabs(r.var - want_var) < 5 * r.se_var);
    }
    for (int s = 0; s < N; s++) {
        x[s] = month_arrivals(b, s, 0);
        y[s] = month_arrivals(b, s, 1);
    }
    moments a = sample_moments(x, N), c = sample_moments(y, N);
    double cov = 0, cov2 = 0;
    for (int s = 0; s < N; s++) {
        double prod = (x[s] - a.mean) * (y[s] - c.mean);
        cov += prod / N;
        cov2 += prod * prod / N;
    }
    double se = sqrt((cov2 - cov * cov) / N), want_cov = mu * mu * (exp(0.7 * v) - 1);
    printf("covariance of months 0 and 1: %.0f (%.0f, se %.0f)\n", cov, want_cov, se);
    assert_true(fabs(cov - want_cov) < 5 * se);
    tu_block_free(b);
    bmc_model_free(m);
}

/* The year-to-year walk: L_2027 = L exp(delta zeta_1), L_2028 = L_2027 exp(delta zeta_2).
 * With no monthly deviation and Poisson days the year totals T are Poisson given the level:
 * E T_2027 = L e^{d^2/2}, Var T_2027 = E T_2027 + L^2 (e^{2 d^2} - e^{d^2}), and the walk makes
 * the years correlated: Cov(T_2027, T_2028) = L^2 e^{3 d^2 / 2} (e^{d^2} - 1) (independent
 * years would give 0). 2026 keeps L exactly: E T = L (S shares of April..December). */
static void test_year_to_year_walk(void **state)
{
    (void)state;
    enum { N = 20000 };
    const char *sets[] = {"time.horizon_date=2028-12-31", "intake.year_to_year_sdlog=0.3",
                          "intake.deviation.sigma=0", "intake.negbin_size=poisson",
                          "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]", NULL};
    bmc_model *m = tu_model("tests/data/models/intake.yaml", sets);
    bmc_result_block *b = tu_run(m, 16, 0, N, true, false);
    const double L = 36525, d2 = 0.09;
    static double t26[N], t27[N], t28[N];
    for (int s = 0; s < N; s++) {
        t26[s] = t27[s] = t28[s] = 0;
        for (int i = 0; i < 9; i++)
            t26[s] += month_arrivals(b, s, i);
        for (int i = 9; i < 21; i++)
            t27[s] += month_arrivals(b, s, i);
        for (int i = 21; i < 33; i++)
            t28[s] += month_arrivals(b, s, i);
    }
    moments a = sample_moments(t26, N), c = sample_moments(t27, N), e = sample_moments(t28, N);
    assert_true(fabs(a.mean - L * 9 / 12) < 5 * a.se_mean);
    assert_true(fabs(a.var - L * 9 / 12) < 5 * a.se_var); /* Poisson: no level noise in 2026 */
    double m27 = L * exp(d2 / 2), v27 = m27 + L * L * (exp(2 * d2) - exp(d2));
    printf("2027: mean %.0f (%.0f), variance %.4g (%.4g)\n", c.mean, m27, c.var, v27);
    assert_true(fabs(c.mean - m27) < 5 * c.se_mean);
    assert_true(fabs(c.var - v27) < 5 * c.se_var);
    assert_true(fabs(e.mean - L * exp(d2)) < 5 * e.se_mean);
    double cov = 0, cov2 = 0;
    for (int s = 0; s < N; s++) {
        double prod = (t27[s] - c.mean) * (t28[s] - e.mean);
        cov += prod / N;
        cov2 += prod * prod / N;
    }
    double se = sqrt((cov2 - cov * cov) / N);
    double want = L * L * exp(1.5 * d2) * (exp(d2) - 1);
    printf("Cov(2027, 2028): %.4g (%.4g, se %.3g)\n", cov, want, se);
    assert_true(fabs(cov - want) < 5 * se);
    tu_block_free(b);
    bmc_model_free(m);
}

/* With sigma = 0 and Poisson days a month's total is Poisson with the exact mean, so its
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
    /* April 2026: 36525 / 12 = 3043.75 over its 30 days */
    const double april = 36525.0 / 12, mu = april / 30;
    double sum = 0, sum2 = 0;
    for (int s = 0; s < N; s++) {
        double a = b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)s * nm];
        sum += a;
        sum2 += a * a;
    }
    double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
    assert_true(fabs(mean - april) < 5 * sqrt(april / N));
    /* sample variance of a Poisson: sd about its mean x sqrt(2 / N) */
    assert_true(fabs(var - april) < 5 * april * sqrt(2.0 / N));
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
    double want = 30 * (mu + mu * mu / 20); /* 30 independent days */
    assert_true(fabs(mean - april) < 5 * sqrt(want / N));
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
        cmocka_unit_test(test_deviation_mean_one_stationary),
        cmocka_unit_test(test_year_to_year_walk),
        cmocka_unit_test(test_daily_dispersion),
        cmocka_unit_test(test_track_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
