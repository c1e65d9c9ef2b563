/* Starting from an actual state (MODEL.md section 12): a state equal to the central
 * projection's own state on a date continues that projection; a stochastic run from a state
 * starts with the state's old cases; new cases keep the deadlines of their lodging days; a
 * state written and read back is the same state; the configuration's history and the state's
 * combine as docs/model.md says. The refusals of bad state files are in test_state_errors.c. */
#include "testutil.h"

#include <math.h>

#include "assert_near.h"
#include "sim_state.h"
#include "state.h"
#include "state_export.h"

static bmc_model *make_model(const bmc_params *p)
{
    bmc_model *m = NULL;
    bmc_err err = {{0}};
    int rc = bmc_model_create(p, &m, &err);
    if (rc != BMC_OK)
        fprintf(stderr, "model: %s\n", err.msg);
    assert_int_equal(rc, BMC_OK);
    return m;
}

/* Loads the state text against p (which it starts from the state); BMC_OK expected. */
static void load_state_text(bmc_params *p, const char *text, bmc_observed *obs)
{
    bmc_err err = {{0}};
    bmc_state_source src = {"state.yaml", text};
    int rc = bmc_state_load(&src, p, obs, &err);
    if (rc != BMC_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, BMC_OK);
}

static void assert_close(double a, double b, double rel, const char *what, int month)
{
    if (fabs(a - b) > rel * (1 + fabs(a) + fabs(b)))
        fail_msg("%s in month %d: %.17g against %.17g", what, month, a, b);
}

/* The baseline's central projection, its state at the end of 2026-12-31 (a plan-cycle
 * boundary), and a run from that state: every monthly value after the as-of date and every
 * date agree. The projection's remand probability is 0, because annulments still to come of
 * decisions before the as-of date are not part of a state (docs/model.md, section 12). The
 * state carries no intake history (it would condition the intake), so its triage window
 * starts empty; the projection's rate R is the threshold 25,000 itself up to rounding, so the
 * threshold is moved away from it to keep triage off in both. */
static void test_state_continues_the_projection(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "remands.probability=0",
                          "triage.threshold=30000", NULL};
    bmc_params *pa = tu_params("configs/baseline.yaml", sets);
    bmc_model *ma = make_model(pa);
    bmc_result_block *a = tu_run(ma, pa->seed, 0, 1, true, true);

    bmc_snapshot *x = malloc(sizeof *x);
    bmc_err err = {{0}};
    bmc_date as_of = bmc_date_from_ymd(2026, 12, 31);
    assert_int_equal(bmc_state_export(ma, as_of, true, x, &err), BMC_OK);
    bmc_params *pb = malloc(sizeof *pb);
    *pb = *pa;
    bmc_params_apply_start(pb, &x->start);
    bmc_model *mb = make_model(pb);
    bmc_result_block *b = tu_run(mb, pb->seed, 0, 1, true, true);

    int offset = (int)(pb->start_date - pa->start_date); /* days */
    int month0 = ma->month_index[offset];                 /* A's month of B's month 0 */
    int nc = pa->n_categories;
    assert_true(x->start.waiting[0] + x->start.waiting[1] > 1000); /* the voorfase is busy */
    for (int mo = 0; mo < mb->nmonths; mo++) {
        for (int f = 0; f < BMC_TRAJ_COUNT; f++)
            assert_close(a->traj[f][month0 + mo], b->traj[f][mo], 1e-9, bmc_traj_name(f), mo);
        for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
            for (int c = 0; c < nc; c++)
                assert_close(a->traj_cat[f][(size_t)(month0 + mo) * nc + c],
                             b->traj_cat[f][(size_t)mo * nc + c], 1e-9, bmc_traj_cat_name(f),
                             mo);
    }
    assert_true(a->completion_day[0] > offset);
    assert_int_equal(a->completion_day[0], b->completion_day[0] + offset);
    assert_int_equal(a->p90_day[0], b->p90_day[0] + offset);
    assert_int_equal(a->p95_day[0], b->p95_day[0] + offset);
    assert_int_equal(a->p99_day[0], b->p99_day[0] + offset);
    assert_near(a->decided_share_at_target[0], b->decided_share_at_target[0], 1e-12);
    for (int c = 0; c < nc; c++)
        if (a->category_completion_day[c] > offset)
            assert_int_equal(a->category_completion_day[c],
                             b->category_completion_day[c] + offset);
    tu_block_free(a);
    tu_block_free(b);
    bmc_model_free(ma);
    bmc_model_free(mb);
    free(pa);
    free(pb);
    free(x);
}

/* The baseline's categories and tracks, as of 2026-12-31: A and C in the approach (waiting
 * cases allowed), B and D from 2027-01-01, AMV and O never. */
static const char STATE_2026_12[] =
    "as_of: 2026-12-31\n"
    "old_cases:\n"
    "  AMV: {ready: 120}\n"
    "  A: {waiting: 9000, ready: 2500, remands: 40}\n"
    "  B: {ready: 7000}\n"
    "  C: {waiting: 1000, ready: 900, remands: 3}\n"
    "  D: {ready: 12000}\n"
    "  O: {ready: 2500}\n"
    "decided_old: 21000\n"
    "new_cases:\n"
    "  regular: [[2026-09, 150], [2026-10, 300], [2026-11, 1500], [2026-12, 1900]]\n"
    "  accelerated: [[2026-12, 400]]\n"
    "triage: {on: false, above: 1, below: 0}\n";

/* Stochastic runs from a state: at the end of the first simulated day the old cases still
 * open, decided and closed that day add up to the state's open old cases, scenario after
 * scenario (no arrival turns old after the Pact date), and the run's total counts the state's
 * decided_old on top. */
static void test_stochastic_day_one_total_is_the_state(void **state)
{
    (void)state;
    bmc_params *p = tu_params("configs/baseline.yaml", NULL);
    load_state_text(p, STATE_2026_12, NULL);
    assert_int_equal(p->start_date, bmc_date_from_ymd(2027, 1, 1));
    bmc_model *m = make_model(p);
    const double open = 120 + 11500 + 7000 + 1900 + 12000 + 2500;
    bmc_layout layout;
    bmc_model_layout(m, false, &layout);
    bmc_result_block *b = bmc_result_block_alloc(&layout, 1);
    bmc_sim *sim = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_sim_create(m, &sim, &err), BMC_OK);
    double moved = 0;
    for (int s = 0; s < 50; s++) {
        /* 2027-01-01 is a holiday: the second simulated day is the first with work */
        assert_int_equal(bmc_sim_run_until(sim, p->seed, s, true, b, 0, 1, &err), BMC_OK);
        double still = 0, done = 0, waiting = 0;
        for (int c = 0; c < p->n_categories; c++) {
            still += sim->old[c].waiting + sim->old[c].ready;
            done += sim->old[c].decided + sim->old[c].closed;
            waiting += sim->old[c].waiting;
        }
        assert_near(still + done, open, 0);
        assert_near(sim->tot.old_total, open + 21000, 0);
        moved += done + fabs(waiting - 10000);
    }
    assert_true(moved > 0); /* the day did something: the sum is not trivially the start */
    bmc_sim_free(sim);
    bmc_result_block_free(b);
    bmc_model_free(m);
    free(p);
}

/* Deadlines count from the lodging days: no capacity until Monday 2027-02-15, then enough to
 * decide every open case that day; no intake. Regular cases (deadline 183 days) of August
 * 2026, 100 a day, are on time when lodged on or after 2026-08-16; accelerated cases
 * (91 days) of November 2026, 45 spread over 30 days, when lodged on or after 2026-11-16.
 * Spread whole: day i of the month gets floor(1.5 (i + 1)) - floor(1.5 i), so the 15 days
 * from the 16th hold 23 cases; in the central projection 1.5 a day, 22.5. */
static void late_count(bool deterministic, double accelerated_on_time)
{
    const char *sets[] = {
        deterministic ? "run.deterministic=true" : "run.deterministic=false",
        "intake.annual_level={dist: fixed, value: 0}",
        "staff.fte={interpolation: step, points: [[2027-01-01, 0], [2027-02-15, 1000000]]}",
        NULL};
    bmc_params *p = tu_params("configs/baseline.yaml", sets);
    load_state_text(p, "as_of: 2026-12-31\n"
                       "old_cases: {}\n"
                       "decided_old: 0\n"
                       "new_cases: {regular: [[2026-08, 3100]], accelerated: [[2026-11, 45]]}\n"
                       "triage: {on: false}\n",
                    NULL);
    bmc_model *m = make_model(p);
    bmc_result_block *b = tu_run(m, p->seed, 0, 3, true, true);
    for (int s = 0; s < 3; s++) {
        double on_time = 0, decided = 0;
        for (int mo = 0; mo < m->nmonths; mo++) {
            on_time += b->traj[BMC_TRAJ_NEW_ON_TIME][(size_t)s * m->nmonths + mo];
            decided += b->traj[BMC_TRAJ_NEW_DECISIONS][(size_t)s * m->nmonths + mo];
        }
        assert_near(decided, 3145, 1e-9);
        assert_near(on_time, 1600 + accelerated_on_time, 1e-9);
        assert_near(b->traj[BMC_TRAJ_NEW_DECISIONS][(size_t)s * m->nmonths + 1], 3145,
                           1e-9); /* all in February */
        assert_near(b->new_on_time_share[s], (1600 + accelerated_on_time) / 3145, 1e-12);
    }
    tu_block_free(b);
    bmc_model_free(m);
    free(p);
}

static void test_deadlines_count_from_lodging_days(void **state)
{
    (void)state;
    late_count(false, 23);
    late_count(true, 22.5);
}

/* decided_old counts in the progress share: with 9,000 decided before and 1,000 open, 90 %
 * are done on the first day; without, 90 % of the 1,000 must be decided first. Remands in the
 * state are decided as remands (and none come from new annulments: remand probability 0). */
static void test_decided_old_and_remands(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "remands.probability=0", NULL};
    int p90[2];
    for (int k = 0; k < 2; k++) {
        bmc_params *p = tu_params("configs/baseline.yaml", sets);
        char text[512];
        snprintf(text, sizeof text,
                 "as_of: 2026-12-31\nold_cases: {O: {ready: 1000, remands: 100}}\n"
                 "decided_old: %d\nnew_cases: {}\ntriage: {on: false}\n",
                 k == 0 ? 9000 : 0);
        load_state_text(p, text, NULL);
        bmc_model *m = make_model(p);
        bmc_result_block *b = tu_run(m, p->seed, 0, 1, true, true);
        p90[k] = b->p90_day[0];
        double remand_decisions = 0;
        for (int mo = 0; mo < m->nmonths; mo++)
            remand_decisions += b->traj[BMC_TRAJ_REMAND_DECISIONS][mo];
        assert_near(remand_decisions, 100, 1e-6);
        tu_block_free(b);
        bmc_model_free(m);
        free(p);
    }
    assert_int_equal(p90[0], 0);
    assert_true(p90[1] > 5);
}

/* Triage given in the state holds from the first day; without it, it is replayed over the
 * history's month ends: 3,000 a month (36,000 a year) is above the threshold from the first
 * month end after the Pact date, so triage is on after three; 1,500 a month keeps it off. */
static void test_triage_given_or_replayed(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", NULL};
    struct { const char *triage; int level; bool on; } cases[] = {
        {"triage: {on: true, below: 1}\n", 1500, true},
        {"", 3000, true},
        {"", 1500, false},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        bmc_params *p = tu_params("configs/baseline.yaml", sets);
        char text[2048];
        int n = snprintf(text, sizeof text, "as_of: 2026-12-31\nold_cases: {}\ndecided_old: 0\n"
                                            "new_cases: {}\n%sintake_history:\n",
                         cases[k].triage);
        for (int mo = 1; mo <= 12; mo++)
            n += snprintf(text + n, sizeof text - (size_t)n, "  - [2026-%02d, %d]\n", mo,
                          cases[k].level);
        load_state_text(p, text, NULL);
        bmc_model *m = make_model(p);
        assert_int_equal(m->triage_start.on, cases[k].on);
        bmc_result_block *b = tu_run(m, p->seed, 0, 1, false, true);
        if (cases[k].on)
            assert_int_equal(b->first_triage_day[0], 0);
        else
            assert_int_not_equal(b->first_triage_day[0], 0);
        tu_block_free(b);
        bmc_model_free(m);
        free(p);
    }
}

/* Plan cycles keep the configuration's grid (every three months from 2026-10-01) unless the
 * state moves it; a cycle in progress at the start takes its shares on day 0. */
static void test_plan_cycle_grid(void **state)
{
    (void)state;
    const char *cycles[] = {"", "plan_cycle_start: 2026-11-15\n"};
    const int expect[2][3] = {{2027, 1, 1}, {2027, 2, 15}};
    for (int k = 0; k < 2; k++) {
        bmc_params *p = tu_params("configs/baseline.yaml", NULL);
        char text[512];
        snprintf(text, sizeof text, "as_of: 2026-12-31\nold_cases: {A: {ready: 10}}\n"
                                    "decided_old: 0\nnew_cases: {}\ntriage: {on: false}\n%s",
                 cycles[k]);
        load_state_text(p, text, NULL);
        bmc_model *m = make_model(p);
        int first = bmc_calendar_day_of(m->cal, bmc_date_from_ymd(expect[k][0], expect[k][1],
                                                                  expect[k][2]));
        int starts = 0;
        for (int t = 0; t < m->ndays; t++)
            starts += m->cycle_start[t];
        assert_int_equal(m->cycle_start[0], 1); /* on the grid, or in progress */
        assert_int_equal(m->cycle_start[first], 1);
        int next = bmc_calendar_day_of(m->cal, bmc_date_add_months(p->start_date + first, 3));
        assert_int_equal(m->cycle_start[next], 1);
        for (int t = 1; t < next; t++)
            assert_int_equal(m->cycle_start[t], t == first);
        assert_true(starts > 15);
        bmc_model_free(m);
        free(p);
    }
}

/* A state written whole (rounded, by lodging month) reads back as the rounded state. */
static void test_written_state_reads_back(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", NULL};
    bmc_params *pa = tu_params("configs/baseline.yaml", sets);
    bmc_model *ma = make_model(pa);
    bmc_snapshot *x = malloc(sizeof *x);
    bmc_err err = {{0}};
    assert_int_equal(bmc_state_export(ma, bmc_date_from_ymd(2027, 1, 31), false, x, &err),
                     BMC_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(bmc_state_write(f, pa, x, true, "illustrative\nsecond line", &err), BMC_OK);
    fclose(f);
    assert_true(strncmp(text, "# illustrative\n# second line\nas_of: 2027-01-31\n", 47) == 0);

    bmc_params *pb = tu_params("configs/baseline.yaml", NULL);
    bmc_observed *obs = malloc(sizeof *obs);
    load_state_text(pb, text, obs);
    const bmc_start *a = &x->start, *r = &pb->start;
    assert_true(r->active);
    assert_int_equal(pb->start_date, bmc_date_from_ymd(2027, 2, 1));
    for (int c = 0; c < pa->n_categories; c++) {
        assert_near(r->waiting[c], round(a->waiting[c]), 0);
        assert_near(r->ready[c], round(a->ready[c]), 0);
        assert_near(r->remands[c], round(a->remands[c]), 0);
    }
    assert_near(r->decided_old, round(a->decided_old), 0);
    assert_true(r->decided_old > 10000);
    for (int k = 0; k < pa->n_tracks; k++) {
        int j = 0;
        for (int i = 0; i < a->n_lodging[k]; i++) {
            if (round(a->lodging[k][i].count) <= 0)
                continue;
            assert_int_equal(r->lodging[k][j].first, a->lodging[k][i].first);
            assert_int_equal(r->lodging[k][j].last, a->lodging[k][i].last);
            assert_near(r->lodging[k][j].count, round(a->lodging[k][i].count), 0);
            j++;
        }
        assert_int_equal(r->n_lodging[k], j);
        assert_true(j >= 1);
    }
    assert_true(r->triage_given);
    assert_int_equal(r->triage.on, a->triage.on);
    assert_int_equal(r->triage.above, a->triage.above);
    assert_int_equal(r->triage.below, a->triage.below);
    /* the simulated months 2026-04 .. 2027-01 become the history and the observed actuals */
    assert_int_equal(pb->intake_history.n, 10);
    for (int i = 0; i < 10; i++)
        assert_near(pb->intake_history.p[i].count, round(x->history.p[i].count), 0);
    for (int k = 0; k < BMC_OBS_COUNT; k++) {
        assert_int_equal(obs->n[k], x->observed.n[k]);
        for (int i = 0; i < obs->n[k]; i++) {
            double v = x->observed.p[k][i].value;
            assert_int_equal(obs->p[k][i].month, x->observed.p[k][i].month);
            assert_near(obs->p[k][i].value,
                               bmc_obs_is_share(k) ? round(v * 1e4) / 1e4 : round(v), 1e-12);
        }
    }
    assert_int_equal(obs->n[BMC_OBS_OLD_OPEN], 10);
    free(text);
    free(obs);
    free(x);
    free(pa);
    free(pb);
    bmc_model_free(ma);
}

/* Names that are no plain YAML key are quoted, and read back. */
static void test_written_names_read_back(void **state)
{
    (void)state;
    const char *sets[] = {"run.deterministic=true", "old_cases.categories[1].name=\"A#1:[x]\"",
                          "intake.tracks[1].name=\"-fast\"", NULL};
    bmc_params *pa = tu_params("configs/baseline.yaml", sets);
    bmc_model *ma = make_model(pa);
    bmc_snapshot *x = malloc(sizeof *x);
    bmc_err err = {{0}};
    assert_int_equal(bmc_state_export(ma, bmc_date_from_ymd(2026, 12, 31), false, x, &err),
                     BMC_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(bmc_state_write(f, pa, x, true, NULL, &err), BMC_OK);
    fclose(f);
    assert_non_null(strstr(text, "  \"A#1:[x]\": {waiting: "));
    assert_non_null(strstr(text, "  \"-fast\": [[2026-12, "));
    bmc_params *pb = tu_params("configs/baseline.yaml", sets + 1);
    load_state_text(pb, text, NULL);
    assert_near(pb->start.waiting[1], round(x->start.waiting[1]), 0);
    assert_int_equal(pb->start.n_lodging[1], 1);
    free(text);
    free(x);
    free(pa);
    free(pb);
    bmc_model_free(ma);
}

/* The configuration's history before the state's first period, then the state's; without a
 * history in the state, the configuration's alone. */
static void test_histories_combine(void **state)
{
    (void)state;
    const char *sets[] = {"intake_history=[[2025-Q1, 7000], [2025-Q2, 7100], [2025-Q3, 7200]]",
                          NULL};
    bmc_params *p = tu_params("configs/baseline.yaml", sets);
    load_state_text(p, "as_of: 2025-12-31\nold_cases: {}\ndecided_old: 0\n"
                       "intake_history: [[2025-06, 2400], [2025-07, 2500], [2025-08, 2600], "
                       "[2025-09, 2700], [2025-10, 2800], [2025-11, 2900], [2025-12, 3000]]\n",
                    NULL);
    const bmc_history *h = &p->intake_history;
    assert_int_equal(h->n, 8); /* 2025-Q1, then June .. December */
    assert_int_equal(h->p[0].months, 3);
    assert_near(h->p[0].count, 7000, 0);
    assert_int_equal(h->p[1].month, 2025 * 12 + 5);
    assert_near(h->p[7].count, 3000, 0);
    free(p);
    p = tu_params("configs/baseline.yaml", sets);
    load_state_text(p, "as_of: 2025-12-31\nold_cases: {}\ndecided_old: 0\n", NULL);
    assert_int_equal(p->intake_history.n, 3);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_continues_the_projection),
        cmocka_unit_test(test_stochastic_day_one_total_is_the_state),
        cmocka_unit_test(test_deadlines_count_from_lodging_days),
        cmocka_unit_test(test_decided_old_and_remands),
        cmocka_unit_test(test_triage_given_or_replayed),
        cmocka_unit_test(test_plan_cycle_grid),
        cmocka_unit_test(test_written_state_reads_back),
        cmocka_unit_test(test_written_names_read_back),
        cmocka_unit_test(test_histories_combine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
