/* The mechanisms of the IND approach (docs/model.md sections 3, 6, 7, 8) on hand-made inputs
 * with known answers. */
#include "testutil.h"

#include <math.h>

#include "plan.h"
#include "triage.h"
#include "voorfase.h"

static void test_voorfase_split(void **state)
{
    (void)state;
    bool elig[4] = {true, true, false, true};
    double share[4] = {0.5, 0.3, 0.9, 0.2}, invited[4];
    /* 100 places: floor(100 x 0.5) = 50, floor(30) = 30 capped at 10 waiting, 20; the 20
     * left over go in config order: category 0 up to its 60 waiting (10 more), then 3 */
    double waiting[4] = {60, 10, 500, 1000};
    double used = bmc_voorfase_invite(4, elig, share, waiting, 100, invited);
    assert_float_equal(invited[0], 60, 0);
    assert_float_equal(invited[1], 10, 0);
    assert_float_equal(invited[2], 0, 0); /* not in the approach */
    assert_float_equal(invited[3], 30, 0);
    assert_float_equal(used, 100, 0);
    /* floors: 7 places over shares 1/3 each -> 2, 2, 2, and the one left to the first */
    bool all[3] = {true, true, true};
    double eq[3] = {1, 1, 1}, w3[3] = {100, 100, 100}, inv3[3];
    bmc_voorfase_invite(3, all, eq, w3, 7, inv3);
    assert_float_equal(inv3[0], 3, 0);
    assert_float_equal(inv3[1], 2, 0);
    assert_float_equal(inv3[2], 2, 0);
    /* fewer waiting than places: everyone invited, places left unused */
    double few[3] = {1, 2, 0};
    used = bmc_voorfase_invite(3, all, eq, few, 50, inv3);
    assert_float_equal(used, 3, 0);
    assert_float_equal(inv3[2], 0, 0);
}

/* The tilt (docs/model.md section 6, version 2): shares s of officer-days, G the grant rate of the
 * decisions they buy, sum (s_c / w_c) g_c / sum (s_c / w_c). */
static void test_plan_tilt(void **state)
{
    (void)state;
    const double g[4] = {0.15, 0.90, 0.20, 0.50};
    const double w[4] = {1.0, 0.25, 4.0 / 3.0, 5.0 / 3.0}; /* A, B, C, D approach work */
    /* in band: the mix is left alone (normalised) */
    double open[4] = {21060, 9180, 4320, 15120}, b[4], s[4];
    double total = 0;
    for (int c = 0; c < 4; c++)
        total += b[c] = open[c] * w[c];
    double G = bmc_plan_grant_rate(4, b, w, g);
    /* G(b) is the grant rate of the open cases themselves: hand-computed
     * (21060 x 0.15 + 9180 x 0.9 + 4320 x 0.2 + 15120 x 0.5) / 49680 = 0.40355 */
    assert_float_equal(G, (21060 * 0.15 + 9180 * 0.9 + 4320 * 0.2 + 15120 * 0.5) / 49680, 1e-12);
    double theta = bmc_plan_weights(4, b, w, g, G + 0.03, 0.05, s);
    assert_float_equal(theta, 0, 0);
    for (int c = 0; c < 4; c++)
        assert_float_equal(s[c], b[c] / total, 1e-15);
    /* above the band: tilted down onto the upper edge exactly */
    double high[4] = {1000, 9000, 500, 2000};
    theta = bmc_plan_weights(4, high, w, g, 0.40, 0.05, s);
    assert_true(theta < 0);
    assert_float_equal(bmc_plan_grant_rate(4, s, w, g), 0.45, 1e-9);
    /* the tilt is exponential in g: s_c / b_c = C exp(theta g_c) */
    double r0 = s[0] / high[0], r1 = s[1] / high[1];
    assert_float_equal(log(r1 / r0), theta * (g[1] - g[0]), 1e-9);
    /* below the band: tilted up onto the lower edge */
    double low[4] = {9000, 100, 3000, 500};
    theta = bmc_plan_weights(4, low, w, g, 0.40, 0.05, s);
    assert_true(theta > 0);
    assert_float_equal(bmc_plan_grant_rate(4, s, w, g), 0.35, 1e-9);
    /* unreachable edge: as close as the categories allow (all weight on the lowest g) */
    double only[4] = {100, 0, 100, 0};
    bmc_plan_weights(4, only, w, g, 0.05, 0.01, s);
    assert_float_equal(bmc_plan_grant_rate(4, s, w, g), 0.15, 1e-6);
    assert_float_equal(s[1], 0, 0);
}

/* G is weighted by decisions, not officer-days: two categories with equal officer-day shares,
 * one four times cheaper per decision, give (4 x 0.9 + 1 x 0.1) / 5 = 0.74, where weighting
 * officer-days would give 0.5. */
static void test_plan_grant_rate_decision_weighted(void **state)
{
    (void)state;
    const double g[2] = {0.9, 0.1}, w[2] = {0.25, 1.0}, s[2] = {0.5, 0.5};
    assert_float_equal(bmc_plan_grant_rate(2, s, w, g), 0.74, 1e-15);
    /* the band edge is reached in decisions: target 0.5 +- 0.05 from b = equal officer-days
     * (G 0.74, above the band): the tilted shares buy decisions whose grant rate is 0.55 */
    double out[2];
    double theta = bmc_plan_weights(2, s, w, g, 0.5, 0.05, out);
    assert_true(theta < 0);
    double d0 = out[0] / w[0], d1 = out[1] / w[1];
    assert_float_equal((d0 * 0.9 + d1 * 0.1) / (d0 + d1), 0.55, 1e-9);
    assert_float_equal(out[0] + out[1], 1, 1e-15);
}

/* R (docs/model.md section 7, version 2) over every first application from the first known day:
 * the last 365 days once a year is known; before that the arrivals so far divided by their
 * expected seasonal share of a year, from 90 days on. */
static void test_triage_rate(void **state)
{
    (void)state;
    enum { N = 800 };
    double cum[N], expected[N];
    for (int t = 0; t < N; t++) {
        cum[t] = 100.0 * (t + 1);
        expected[t] = (t + 1) / 365.0;
    }
    double r;
    assert_false(bmc_triage_rate(cum, expected, 88, 90, &r)); /* 89 days */
    assert_true(bmc_triage_rate(cum, expected, 89, 90, &r));  /* 90 days: deseasonalised */
    assert_float_equal(r, 9000 / (90 / 365.0), 1e-9);
    assert_true(bmc_triage_rate(cum, expected, 363, 90, &r)); /* 364 days: still partial */
    assert_float_equal(r, 36400 / (364 / 365.0), 1e-9);
    assert_true(bmc_triage_rate(cum, expected, 364, 90, &r)); /* 365 days: a plain count */
    assert_float_equal(r, 36500, 1e-9);
    assert_true(bmc_triage_rate(cum, expected, 700, 90, &r)); /* days 336..700 */
    assert_float_equal(r, cum[700] - cum[335], 0);
}

/* The deseasonalised partial window on a constructed series: a year whose months follow
 * S exactly (an autumn peak), observed from 1 September. Annualising by days would read the
 * peak as a level of S[Sep..Nov] / 3 x 25,000 = 1.208 x 25,000; dividing by the expected
 * seasonal share gives the level, 25,000, exactly. */
static void test_triage_rate_deseasonalised(void **state)
{
    (void)state;
    const double S[12] = {0.867, 0.756, 1.109, 0.798, 0.824, 0.867,
                          1.023, 1.054, 1.204, 1.165, 1.254, 1.080};
    const int days[3] = {30, 31, 30}; /* September, October, November */
    double cum[91], expected[91];
    int i = 0;
    double c = 0, e = 0;
    for (int k = 0; k < 3; k++)
        for (int d = 0; d < days[k]; d++, i++) {
            double share = S[8 + k] / (12.0 * days[k]);
            c += 25000 * share;
            e += share;
            cum[i] = c;
            expected[i] = e;
        }
    double r;
    assert_true(bmc_triage_rate(cum, expected, 90, 90, &r));
    assert_float_equal(r, 25000, 1e-6);
    /* by days the same arrivals read as 30,200 a year: above a 25,000 threshold */
    double by_days = cum[90] * 365.0 / 91;
    assert_true(by_days > 30000);
}

static void test_triage_state_machine(void **state)
{
    (void)state;
    bmc_triage s = {0};
    /* above, above, below (resets), above x3: on exactly at the third consecutive */
    const double series[] = {30000, 30000, 20000, 30000, 30000};
    for (int i = 0; i < 5; i++)
        assert_false(bmc_triage_month_end(&s, series[i], 25000, 3, 3));
    assert_true(bmc_triage_month_end(&s, 26000, 25000, 3, 3));
    /* exactly the threshold counts as not above; release after three at or below */
    assert_true(bmc_triage_month_end(&s, 25000, 25000, 3, 3));
    assert_true(bmc_triage_month_end(&s, 24000, 25000, 3, 3));
    assert_true(bmc_triage_month_end(&s, 31000, 25000, 3, 3)); /* resets the release count */
    assert_true(bmc_triage_month_end(&s, 1, 25000, 3, 3));
    assert_true(bmc_triage_month_end(&s, 1, 25000, 3, 3));
    assert_false(bmc_triage_month_end(&s, 1, 25000, 3, 3));
}

/* Triage inside the engine: a constant intake of 36,525 a year (100 a day, no noise) is
 * above 25,000 from the first evaluation at the first month end with 90 days of Pact
 * intake, so it fires after three such month ends and stays on. */
static void test_triage_in_run(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "intake.annual_level=36525",
                          "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]",
                          "triage.threshold=25000", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    /* Pact from 2026-04-01: 90 days by 2026-06-29; month ends 06-30, 07-31, 08-31 above */
    int on = bmc_calendar_day_of(m->cal, bmc_date_from_ymd(2026, 9, 1));
    assert_int_equal(b->first_triage_day[0], on);
    assert_int_equal(b->triage_days[0], m->ndays - on);
    tu_block_free(b);
    bmc_model_free(m);
}

/* R counts every first application, old and new (docs/model.md section 7, version 2): with the
 * Pact on 2026-06-12 and intake from 2026-04-01, the first month end from the Pact date
 * (06-30) already knows 91 days, so R is 36,525 there and triage fires after 06-30, 07-31
 * and 08-31. Counting the Pact intake alone, the first rate would come after 90 days of it,
 * at 09-30, and triage would wait until December. */
static void test_triage_counts_pre_pact_intake(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "time.pact_date=2026-06-12",
                          "intake.annual_level=36525",
                          "intake.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]",
                          "triage.threshold=25000", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    assert_int_equal(b->first_triage_day[0],
                     bmc_calendar_day_of(m->cal, bmc_date_from_ymd(2026, 9, 1)));
    tu_block_free(b);
    bmc_model_free(m);
}

/* Each B case attends the voorfase once and moves to D with probability 0.1, so the cases
 * that D decides beyond its own are Binomial(B, 0.1): mean and variance within 5 sigma. */
static void test_reclassification_share(void **state)
{
    (void)state;
    const char *sets[] = {
        "old_cases.categories=[{name: B, initial: 2000, grant_rate: 0.9, approach_start: "
        "2026-04-01, regular: {hearings_per_day: 1, decisions_per_day: 1, hearing_share: 1}, "
        "approach: {decisions_per_day: 4, hearing_share: 0}}, {name: D, initial: 0, "
        "intake_share: 0, grant_rate: 0.5, approach_start: 2026-04-01, regular: "
        "{hearings_per_day: 1, decisions_per_day: 1, hearing_share: 1}, approach: "
        "{hearings_per_day: 1, decisions_per_day: 1.5, hearing_share: 1}}]",
        "old_cases.categories[0].intake_share=1",
        "old_cases.reclassification=[{from: B, to: D, probability: 0.1}]",
        "voorfase.capacity=50", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    const int N = 400;
    bmc_result_block *b = tu_run(m, 3, 0, N, true, true);
    int nm = b->layout->n_months;
    double sum = 0, sum2 = 0;
    for (int s = 0; s < N; s++) {
        double d = 0;
        for (int mo = 0; mo < nm; mo++)
            d += b->traj_cat[BMC_TRAJ_OLD_DECISIONS][((size_t)s * nm + mo) * 2 + 1];
        assert_int_equal(b->completion_day[s] >= 0, 1); /* everything decided */
        sum += d;
        sum2 += d * d;
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    double mu = 2000 * 0.1, v = 2000 * 0.1 * 0.9;
    assert_true(fabs(mean - mu) < 5 * sqrt(v / N));
    assert_true(fabs(var / v - 1) < 5 * sqrt(2.0 / N));
    tu_block_free(b);
    bmc_model_free(m);
}

/* Without capacity every case stays open, so the closed count at the horizon is
 * Binomial(n, 1 - (1 - p q)^D) with p the daily withdrawal probability, q = 1 - refile and
 * D the simulated days, and the first month's closures Binomial(n, 1 - (1 - p q)^30) (each
 * case closes within April's 30 days independently): means at 5 standard errors, variances
 * at 5 standard errors of a sample variance (var sqrt(2 / N), the counts being close to
 * normal). */
static void test_withdrawal_rate(void **state)
{
    (void)state;
    const char *sets[] = {"staff.fte=0", "withdrawals.annual_rate=0.2",
                          "withdrawals.refile_probability=0.25", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    const int N = 2000;
    bmc_result_block *b = tu_run(m, 8, 0, N, true, true);
    int nm = b->layout->n_months;
    double p = 1 - pow(1 - 0.2, 1 / 365.25), q = 0.75;
    double pc = 1 - pow(1 - p * q, m->ndays), n = 500;
    double sum = 0, sum2 = 0, first = 0, first2 = 0;
    for (int s = 0; s < N; s++) {
        double closed = 0;
        for (int mo = 0; mo < nm; mo++)
            closed += b->traj[BMC_TRAJ_WITHDRAWN][(size_t)s * nm + mo];
        /* open at the horizon + closed = 500 */
        assert_float_equal(closed + b->traj_cat[BMC_TRAJ_OLD_OPEN][(size_t)s * nm + nm - 1], n, 0);
        sum += closed;
        sum2 += closed * closed;
        double april = b->traj[BMC_TRAJ_WITHDRAWN][(size_t)s * nm];
        first += april;
        first2 += april * april;
    }
    double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1), want = n * pc * (1 - pc);
    printf("closed by the horizon: mean %.2f vs %.2f, variance %.2f vs %.2f\n", mean, n * pc,
           var, want);
    assert_true(fabs(mean - n * pc) < 5 * sqrt(want / N));
    assert_true(fabs(var - want) < 5 * want * sqrt(2.0 / N));
    double pa = 1 - pow(1 - p * q, 30), am = n * pa, av = n * pa * (1 - pa);
    double fm = first / N, fv = (first2 - N * fm * fm) / (N - 1);
    printf("April: mean %.3f vs %.3f, variance %.3f vs %.3f\n", fm, am, fv, av);
    assert_true(fabs(fm - am) < 5 * sqrt(av / N));
    assert_true(fabs(fv - av) < 5 * av * sqrt(2.0 / N));
    tu_block_free(b);
    bmc_model_free(m);
}

/* Remands in the central projection: 1000 rejections at 4.25 a working day from day 0; 10 %
 * come back 180 days later, so none is decided before the month of day first + 180, and all
 * 100 are decided by the horizon. */
static void test_remands_return_after_delay(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "staff.availability=0.85",
                          "old_cases.categories[0].initial=1000",
                          "old_cases.categories[0].grant_rate=0", "remands.probability=0.1",
                          "remands.delay_days=180", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 1, 0, 1, true, true);
    int nm = b->layout->n_months;
    int first = 0;
    while (!m->working[first])
        first++;
    int back_month = m->month_index[first + 180];
    double total = 0;
    for (int mo = 0; mo < nm; mo++) {
        double r = b->traj[BMC_TRAJ_REMAND_DECISIONS][mo];
        if (mo < back_month)
            assert_float_equal(r, 0, 0);
        total += r;
    }
    assert_true(b->traj[BMC_TRAJ_REMAND_DECISIONS][back_month] > 0);
    assert_float_equal(total, 100, 1e-6);
    /* remands are extra work, not first decisions: the old-case decisions stay 1000 */
    double dec = 0;
    for (int mo = 0; mo < nm; mo++)
        dec += b->traj_cat[BMC_TRAJ_OLD_DECISIONS][mo];
    assert_float_equal(dec, 1000, 1e-6);
    tu_block_free(b);
    bmc_model_free(m);
}

/* Grants and annulments together (docs/model.md sections 6 and 8): 1000 cases of grant rate 0.3
 * with remand probability 0.2, all decided well before the horizon and every remand back
 * after 30 days and decided too. Per scenario (grants, remands) is then multinomial with
 * 1000 trials and probabilities g = 0.3 and (1 - g) r = 0.14: means 300 and 140, variances
 * 210 and 120.4, covariance -42. The engine draws the annulments per day and the grants among
 * the rest once a month; a grant draw independent of the annulments would give covariance 0.
 * Bounds: 5 standard errors over 4000 scenarios, from the sample itself. */
static void test_grants_and_remands_joint_law(void **state)
{
    (void)state;
    enum { N = 4000 };
    const char *sets[] = {"old_cases.categories[0].initial=1000", "remands.probability=0.2",
                          "remands.delay_days=30", NULL};
    bmc_model *m = tu_model("tests/data/models/single.yaml", sets);
    bmc_result_block *b = tu_run(m, 21, 0, N, true, true);
    int nm = b->layout->n_months;
    double *g = malloc(N * sizeof *g), *a = malloc(N * sizeof *a);
    assert_true(g && a);
    double mg = 0, ma = 0;
    for (int s = 0; s < N; s++) {
        g[s] = a[s] = 0;
        double first = 0;
        for (int mo = 0; mo < nm; mo++) {
            size_t at = (size_t)s * nm + mo;
            g[s] += b->traj[BMC_TRAJ_GRANTS][at];
            a[s] += b->traj[BMC_TRAJ_REMAND_DECISIONS][at];
            first += b->traj[BMC_TRAJ_GRANTS][at] + b->traj[BMC_TRAJ_REJECTIONS][at];
        }
        assert_float_equal(first, 1000, 0);
        mg += g[s] / N;
        ma += a[s] / N;
    }
    double vg = 0, va = 0, cov = 0, cov2 = 0;
    for (int s = 0; s < N; s++) {
        double dg = g[s] - mg, da = a[s] - ma;
        vg += dg * dg / (N - 1);
        va += da * da / (N - 1);
        cov += dg * da / N;
        cov2 += dg * da * dg * da / N;
    }
    double cov_se = sqrt((cov2 - cov * cov) / N);
    printf("grants %.2f (var %.1f), remands %.2f (var %.1f), covariance %.2f (se %.2f)\n", mg,
           vg, ma, va, cov, cov_se);
    assert_true(fabs(mg - 300) < 5 * sqrt(210.0 / N));
    assert_true(fabs(ma - 140) < 5 * sqrt(120.4 / N));
    /* sample variances: se about var sqrt(2 / N) for these near-normal counts */
    assert_true(fabs(vg - 210) < 5 * 210 * sqrt(2.0 / N));
    assert_true(fabs(va - 120.4) < 5 * 120.4 * sqrt(2.0 / N));
    assert_true(fabs(cov + 42) < 5 * cov_se);
    free(g);
    free(a);
    tu_block_free(b);
    bmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_voorfase_split),
        cmocka_unit_test(test_plan_tilt),
        cmocka_unit_test(test_plan_grant_rate_decision_weighted),
        cmocka_unit_test(test_triage_rate),
        cmocka_unit_test(test_triage_rate_deseasonalised),
        cmocka_unit_test(test_triage_state_machine),
        cmocka_unit_test(test_triage_in_run),
        cmocka_unit_test(test_triage_counts_pre_pact_intake),
        cmocka_unit_test(test_reclassification_share),
        cmocka_unit_test(test_withdrawal_rate),
        cmocka_unit_test(test_remands_return_after_delay),
        cmocka_unit_test(test_grants_and_remands_joint_law),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
