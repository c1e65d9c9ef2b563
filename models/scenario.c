#include "scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "production.h"
#include "sim_state.h"
#include "draws.h"
#include "flows.h"
#include "plan.h"
#include "intake.h"
#include "rng.h"
#include "staff.h"

int bmc_sim_create(const bmc_model *m, bmc_sim **out, bmc_err *err)
{
    *out = NULL;
    bmc_sim *s = calloc(1, sizeof *s);
    if (!s)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a scenario workspace");
    s->m = m;
    for (int k = 0; k < BMC_STREAM_COUNT; k++)
        if (!(s->rng[k] = bmc_stream_alloc()))
            goto oom;
    for (int k = 0; k < m->p.n_tracks; k++) {
        if (bmc_track_queue_init(&s->track[k], &m->p.track[k], m->ndays, m->lodged_before) !=
            BMC_OK)
            goto oom;
        s->n_tracks_ready = k + 1;
    }
    /* the known days before the start (the history) never change: copied once */
    size_t H = (size_t)m->triage_prefix;
    if (!(s->arrivals_cum = calloc(H + (size_t)m->ndays, sizeof *s->arrivals_cum)))
        goto oom;
    if (H > 0)
        memcpy(s->arrivals_cum, m->triage_cum, H * sizeof *s->arrivals_cum);
    if (!(s->remand_due = calloc((size_t)m->ndays * (size_t)m->p.n_categories, sizeof(double))))
        goto oom;
    *out = s;
    return BMC_OK;
oom:
    bmc_sim_free(s);
    return bmc_fail(err, BMC_ENOMEM, "out of memory for a scenario workspace");
}

void bmc_sim_free(bmc_sim *s)
{
    if (!s)
        return;
    for (int k = 0; k < BMC_STREAM_COUNT; k++)
        if (s->rng[k])
            gsl_rng_free(s->rng[k]);
    for (int k = 0; k < s->n_tracks_ready; k++)
        bmc_track_queue_release(&s->track[k]);
    free(s->remand_due);
    free(s->arrivals_cum);
    free(s);
}

/* Slot i takes the i-th uniform of the parameters stream (docs/model.md section 10), fixed or
 * not, so positions never shift; a design moves it within the unit interval (design.h),
 * using the stream's uniform as its jitter. r must be keyed to the scenario's stream. */
static void slot_uniforms(const bmc_model *m, gsl_rng *r, int64_t scenario, double *u)
{
    for (int i = 0; i < m->n_slots; i++) {
        u[i] = gsl_rng_uniform_pos(r);
        if (m->design && m->design_dim[i] >= 0)
            u[i] = bmc_design_uniform(m->design, scenario, m->design_dim[i], u[i]);
    }
}

void bmc_sim_set_uniforms(bmc_sim *s, const double *u)
{
    s->uniforms = u;
}

void bmc_sim_parameter_uniforms(bmc_sim *s, uint64_t seed, int64_t scenario, double *u)
{
    gsl_rng *r = s->rng[BMC_STREAM_PARAMETERS];
    bmc_stream_key(r, seed, (uint64_t)scenario, BMC_STREAM_PARAMETERS);
    slot_uniforms(s->m, r, scenario, u);
}

/* Scenario-level parameters from the slots' uniforms (an override wins where it is not NaN).
 * The central projection takes every one at its median (docs/model.md section 11). */
void bmc_scenario_parameters(const bmc_model *m, gsl_rng *r, int64_t scenario, bool det,
                             const double *override, double *param)
{
    double own[BMC_P_MAX];
    slot_uniforms(m, r, scenario, own);
    for (int i = 0; i < m->n_slots; i++) {
        double u = override && !isnan(override[i]) ? override[i] : own[i];
        const bmc_dist *d = m->slot_dist[i];
        if (!d)
            param[i] = 0;
        else
            param[i] = bmc_dist_quantile(d, det ? 0.5 : u);
    }
    /* the history's posterior of (l, x) from the two standard normals of its slots */
    const bmc_intake_posterior *post = &m->posterior;
    if (post->active) {
        double z1 = param[BMC_P_HISTORY_LEVEL], z2 = param[BMC_P_HISTORY_DEVIATION];
        double l = post->mean[0] + post->chol[0][0] * z1;
        double x = post->mean[1] + post->chol[1][0] * z1 + post->chol[1][1] * z2;
        param[BMC_P_HISTORY_LEVEL] = l;
        param[BMC_P_HISTORY_DEVIATION] = x;
        param[BMC_P_ANNUAL_LEVEL] = m->level_median * exp(l);
    }
}

static void begin_scenario(bmc_sim *s, uint64_t seed, int64_t scenario)
{
    const bmc_model *m = s->m;
    const bmc_params *p = &m->p;
    s->det = p->deterministic;
    for (int k = 0; k < BMC_STREAM_COUNT; k++)
        bmc_stream_key(s->rng[k], seed, (uint64_t)scenario, (enum bmc_purpose)k);
    bmc_scenario_parameters(m, s->rng[BMC_STREAM_PARAMETERS], scenario, s->det, s->uniforms,
                            s->param);

    for (int c = 0; c < p->n_categories; c++) {
        const bmc_category_params *k = &p->cat[c];
        bmc_old_category *o = &s->old[c];
        memset(o, 0, sizeof *o);
        o->waiting = m->start_waiting[c];
        o->ready = m->start_ready[c];
        o->remands = m->start_remands[c];
        o->grant_rate = s->param[BMC_P_CATEGORY(c, BMC_PC_GRANT_RATE)];
        o->work_regular = bmc_work_content(k->regular.hearing_share, k->regular.hearings_per_day,
                                           k->regular.decisions_per_day);
        double rf = s->param[BMC_P_CATEGORY(c, BMC_PC_RATES_FACTOR)];
        double hf = s->param[BMC_P_CATEGORY(c, BMC_PC_HEARINGS_FACTOR)] * rf;
        double df = s->param[BMC_P_CATEGORY(c, BMC_PC_DECISIONS_FACTOR)] * rf;
        o->work_approach = bmc_work_content(k->approach.hearing_share,
                                            k->approach.hearings_per_day * hf,
                                            k->approach.decisions_per_day * df);
        /* a remand comes back as a decision task: 1 / decisions_per_day of the stage */
        o->remand_work_regular = 1 / k->regular.decisions_per_day;
        o->remand_work_approach = 1 / (k->approach.decisions_per_day * df);
        o->completion_day = -1;
        double r = s->param[BMC_P_REMAND_RATE];
        o->annul_prob = (1 - o->grant_rate) * r;
        if (!s->det && o->annul_prob > 0 && o->annul_prob < 1) {
            o->annul_log_q = log1p(-o->annul_prob);
            o->until_annul = bmc_ran_geometric(s->rng[BMC_STREAM_REMANDS], o->annul_log_q);
        }
        o->grant_if_kept = o->annul_prob < 1 ? o->grant_rate / (1 - o->annul_prob) : 0;
        if (o->grant_if_kept > 1) /* rounding */
            o->grant_if_kept = 1;
    }
    /* g*: the grant rate of the initial non-priority stock, unless configured */
    double w = 0, wg = 0;
    s->remands_open = 0;
    for (int c = 0; c < p->n_categories; c++) {
        s->remands_open += s->old[c].remands;
        if (!p->cat[c].priority) {
            double open = s->old[c].waiting + s->old[c].ready;
            w += open;
            wg += open * s->old[c].grant_rate;
        }
    }
    if (!s->remand_due_clean)
        memset(s->remand_due, 0, (size_t)m->ndays * (size_t)p->n_categories * sizeof(double));
    s->remand_due_clean = false; /* until this run reaches the horizon */
    s->remands_scheduled = 0;
    s->grant_target = p->grant_target_initial ? (w > 0 ? wg / w : 0) : p->grant_target;
    s->plan_active = false;
    s->triage = m->triage_start;
    s->triage_days = 0;
    s->first_triage_day = -1;
    s->new_work_factor = s->param[BMC_P_NEW_WORK_FACTOR];
    s->triage_cap_factor = s->new_work_factor;
    for (int k = 0; k < p->n_tracks; k++) {
        bmc_track_queue *q = &s->track[k];
        bmc_track_queue_reset(q);
        q->work = p->track[k].work * s->new_work_factor;
        for (int d = 0; d < m->lodged_before; d++) /* a state's open new cases */
            q->open_total += q->open[d] = m->lodged[k][d];
    }
    bmc_intake_begin(&s->intake, s->param[BMC_P_ANNUAL_LEVEL]);
    if (m->posterior.active)
        bmc_intake_continue(&s->intake, s->param[BMC_P_HISTORY_DEVIATION]);
    bmc_staff_begin(&s->staff, s->param[BMC_P_FTE_FACTOR]);
    s->plan_base = 0;
    s->day_offered = s->day_used = 0;
    memset(&s->tot, 0, sizeof s->tot);
    s->tot.old_total = m->old_initial_total;
    s->new_grant_rate = s->param[BMC_P_NEW_GRANT_RATE];
    s->completion_day = s->p90_day = s->p95_day = s->p99_day = -1;
    s->share_at_target = NAN;
    s->q_grants = s->q_decisions = 0;
    s->q_min = INFINITY;
    s->q_max = -INFINITY;
}

/* First applications, old and new, for the triage window (after the history's days). */
static void arrived(bmc_sim *s, int t, double n)
{
    int i = s->m->triage_prefix + t;
    s->arrivals_cum[i] = (i > 0 ? s->arrivals_cum[i - 1] : 0) + n;
}

static void arrivals(bmc_sim *s, int t)
{
    const bmc_model *m = s->m;
    const bmc_params *p = &m->p;
    gsl_rng *r = s->rng[BMC_STREAM_INTAKE];
    double mu = bmc_intake_mean(&s->intake, m, t, r, s->det);
    double split[BMC_MAX_CATEGORIES > BMC_MAX_TRACKS ? BMC_MAX_CATEGORIES : BMC_MAX_TRACKS];
    if (t < m->pact_day) {
        /* lodged before the Pact: old cases, split by old_intake_mix */
        double n = bmc_intake_arrivals(m, mu, r, s->det, p->n_categories, m->old_intake_share,
                                       split);
        for (int c = 0; c < p->n_categories; c++) {
            if (t >= m->approach_day[c])
                s->old[c].waiting += split[c];
            else
                s->old[c].ready += split[c];
        }
        s->tot.old_total += n;
        arrived(s, t, n);
    } else {
        double n = bmc_intake_arrivals(m, mu, r, s->det, p->n_tracks, m->track_share, split);
        for (int k = 0; k < p->n_tracks; k++)
            bmc_track_queue_arrive(&s->track[k], t, split[k]);
        arrived(s, t, n);
        s->tot.new_arrivals += n;
        s->month_new_arrivals += n;
    }
}

/* Completion and the 90/95/99 % days count only once every old case exists, i.e. from the
 * last day before the Pact date on. */
static void track_progress(bmc_sim *s, int t)
{
    const bmc_model *m = s->m;
    if (t + 1 < m->pact_day)
        return;
    if (s->completion_day >= 0 && t != m->target_day)
        return; /* every day below is set, and stays */
    const double dust = s->det ? 1e-6 : 0;
    double open = 0;
    for (int c = 0; c < m->p.n_categories; c++) {
        bmc_old_category *o = &s->old[c];
        double oc = o->waiting + o->ready;
        open += oc;
        if (o->completion_day < 0 && oc <= dust)
            o->completion_day = t;
    }
    double total = s->tot.old_total;
    double done = total > 0 ? (total - open) / total : 1;
    if (s->p90_day < 0 && done >= 0.90 - 1e-12)
        s->p90_day = t;
    if (s->p95_day < 0 && done >= 0.95 - 1e-12)
        s->p95_day = t;
    if (s->p99_day < 0 && done >= 0.99 - 1e-12)
        s->p99_day = t;
    if (s->completion_day < 0 && open <= dust)
        s->completion_day = t;
    if (t == m->target_day)
        s->share_at_target = done;
}

/* docs/model.md section 6: at a cycle start the plan shares are set for the whole cycle from the
 * officer-days each non-priority category needs to be cleared, b_c = open_c w_c(t), tilted
 * towards the grant-rate band. A held category gets no share before its approach start. */
static void start_cycle(bmc_sim *s, int t)
{
    const bmc_params *p = &s->m->p;
    double b[BMC_MAX_CATEGORIES], w[BMC_MAX_CATEGORIES], g[BMC_MAX_CATEGORIES];
    s->plan_base = 0;
    for (int c = 0; c < p->n_categories; c++) {
        w[c] = bmc_sim_work(s, c, t);
        bool planned = !p->cat[c].priority && !bmc_sim_held(s, c, t);
        b[c] = planned ? (s->old[c].waiting + s->old[c].ready) * w[c] : 0;
        g[c] = s->old[c].grant_rate;
        s->plan_base += b[c];
    }
    bmc_plan_weights(p->n_categories, b, w, g, s->grant_target, p->grant_tolerance,
                     s->plan_w);
    s->plan_active = true;
}

/* docs/model.md section 7, at every month end from the Pact date. */
static void triage_month_end(bmc_sim *s, int t)
{
    const bmc_model *m = s->m;
    const bmc_params *p = &m->p;
    double rate;
    if (t < m->pact_day || !bmc_triage_rate(s->arrivals_cum, m->triage_expected,
                                            m->triage_prefix + t, p->triage_min_days, &rate))
        return;
    bmc_triage_month_end(&s->triage, rate, p->triage_threshold, p->triage_trigger_months,
                         p->triage_release_months);
}

/* Grants are only ever summed over months, quarters and the whole run: one draw per
 * category at each month end books the month's decisions with the same law as one draw per
 * decision day (a sum of independent Binomial(d_t, g) is Binomial(sum d_t, g)). Old cases:
 * the decisions not annulled (allocation.c, decide_old); new cases: all, since no remand
 * follows from them. */
static void book_grants(bmc_sim *s, bmc_result_block *b, int row, int t, double decided,
                        double g)
{
    s->tot.grants += g;
    s->tot.first_decisions += decided;
    s->q_grants += g;
    s->q_decisions += decided;
    if (!b->layout->trajectories)
        return;
    size_t at = (size_t)row * b->layout->n_months + s->m->month_index[t];
    b->traj[BMC_TRAJ_GRANTS][at] += g;
    b->traj[BMC_TRAJ_REJECTIONS][at] += decided - g;
    b->traj[BMC_TRAJ_NAREIS][at] += g * s->m->p.nareis_per_grant;
    b->traj[BMC_TRAJ_APPEALS][at] += (decided - g) * s->m->p.appeals_per_rejection;
}

static void settle_grants(bmc_sim *s, bmc_result_block *b, int row, int t, double new_decided)
{
    gsl_rng *r = s->rng[BMC_STREAM_OUTCOMES];
    for (int c = 0; c < s->m->p.n_categories; c++) {
        bmc_old_category *o = &s->old[c];
        if (o->month_decisions <= 0)
            continue;
        double g = draw_binomial(r, s->det, o->month_kept, o->grant_if_kept);
        book_grants(s, b, row, t, o->month_decisions, g);
        o->month_decisions = o->month_kept = 0;
    }
    if (new_decided > 0)
        book_grants(s, b, row, t, new_decided,
                    draw_binomial(r, s->det, new_decided, s->new_grant_rate));
}

static void close_quarter(bmc_sim *s)
{
    if (s->q_decisions > 0) {
        double g = s->q_grants / s->q_decisions;
        if (g < s->q_min)
            s->q_min = g;
        if (g > s->q_max)
            s->q_max = g;
    }
    s->q_grants = s->q_decisions = 0;
}

static void record_month(bmc_sim *s, bmc_result_block *b, int row, int t)
{
    const bmc_model *m = s->m;
    if (!b->layout->trajectories)
        return;
    int nm = b->layout->n_months, nc = b->layout->n_categories;
    int mo = m->month_index[t];
    double *cat_open = b->traj_cat[BMC_TRAJ_OLD_OPEN] + ((size_t)row * nm + mo) * nc;
    for (int c = 0; c < nc; c++)
        cat_open[c] = s->old[c].waiting + s->old[c].ready;
    double new_open = 0;
    for (int k = 0; k < m->p.n_tracks; k++)
        new_open += s->track[k].open_total;
    b->traj[BMC_TRAJ_NEW_OPEN][(size_t)row * nm + mo] = new_open;
    b->traj[BMC_TRAJ_NEW_ARRIVALS][(size_t)row * nm + mo] = s->month_new_arrivals;
    b->traj[BMC_TRAJ_TRIAGE][(size_t)row * nm + mo] = s->triage.on;
}

static int check_invariants(const bmc_sim *s, int t, bmc_err *err)
{
    const bmc_model *m = s->m;
    /* exact in stochastic mode (counts are whole numbers held exactly in doubles) */
    double tol =
        s->det ? 1e-6 * (1 + s->tot.old_total + m->new_open_before + s->tot.new_arrivals) : 0;
    double open = 0, decided = 0, closed = 0;
    for (int c = 0; c < m->p.n_categories; c++) {
        const bmc_old_category *o = &s->old[c];
        if (o->waiting < -tol || o->ready < -tol || o->decided < -tol || o->closed < -tol)
            return bmc_fail(err, BMC_EINTERNAL, "day %d: negative count in category %s", t,
                            m->p.cat[c].name);
        if (o->remands < -tol)
            return bmc_fail(err, BMC_EINTERNAL, "day %d: negative remands in category %s", t,
                            m->p.cat[c].name);
        open += o->waiting + o->ready;
        decided += o->decided;
        closed += o->closed;
    }
    if (fabs(s->tot.old_total - (m->old_done_before + decided + closed + open)) > tol)
        return bmc_fail(err, BMC_EINTERNAL,
                        "day %d: old cases not conserved: %.17g in, %.17g done before the "
                        "start + %.17g decided + %.17g closed + %.17g open",
                        t, s->tot.old_total, m->old_done_before, decided, closed, open);
    double new_open = 0;
    for (int k = 0; k < m->p.n_tracks; k++) {
        const bmc_track_queue *q = &s->track[k];
        if (q->open_total < -tol || q->ready < -tol || q->ready > q->open_total + tol)
            return bmc_fail(err, BMC_EINTERNAL, "day %d: track %s has inconsistent counts", t,
                            m->p.track[k].name);
        new_open += q->open_total;
    }
    if (fabs(m->new_open_before + s->tot.new_arrivals - (s->tot.new_decided + new_open)) > tol)
        return bmc_fail(err, BMC_EINTERNAL,
                        "day %d: new cases not conserved: %.17g open at the start + %.17g "
                        "arrived, %.17g decided + %.17g open",
                        t, m->new_open_before, s->tot.new_arrivals, s->tot.new_decided,
                        new_open);
    if (s->tot.officer_days_used > s->tot.officer_days_offered * (1 + 1e-12) + 1e-9)
        return bmc_fail(err, BMC_EINTERNAL, "day %d: officer-days used %.17g > offered %.17g",
                        t, s->tot.officer_days_used, s->tot.officer_days_offered);
    return BMC_OK;
}

/* docs/model.md section 6 (version 2): officer-days stay unused only when no ready case is left
 * anywhere, held categories aside. Checked right after the allocation, before the voorfase
 * makes its attendees ready for the next day. */
static int check_idle(const bmc_sim *s, int t, bmc_err *err)
{
    const bmc_model *m = s->m;
    double unused = s->day_offered - s->day_used;
    if (unused <= 1e-9 * (1 + s->day_offered))
        return BMC_OK;
    const double dust = s->det ? 1e-9 : 0;
    for (int c = 0; c < m->p.n_categories; c++) {
        const bmc_old_category *o = &s->old[c];
        if (o->remands > dust || (o->ready > dust && !bmc_sim_held(s, c, t)))
            return bmc_fail(err, BMC_EINTERNAL,
                            "day %d: %.17g officer-days unused while category %s has %.17g "
                            "ready cases and %.17g remands",
                            t, unused, m->p.cat[c].name, o->ready, o->remands);
    }
    for (int k = 0; k < m->p.n_tracks && t >= m->pact_day; k++)
        if (s->track[k].ready > dust)
            return bmc_fail(err, BMC_EINTERNAL,
                            "day %d: %.17g officer-days unused while track %s has %.17g ready "
                            "cases",
                            t, unused, m->p.track[k].name, s->track[k].ready);
    return BMC_OK;
}

static void write_row(bmc_sim *s, bmc_result_block *b, int row)
{
    const bmc_model *m = s->m;
    const bmc_layout *L = b->layout;
    b->completion_day[row] = s->completion_day;
    b->p90_day[row] = s->p90_day;
    b->p95_day[row] = s->p95_day;
    b->p99_day[row] = s->p99_day;
    b->decided_share_at_target[row] = s->share_at_target;
    double late_open = 0;
    for (int k = 0; k < m->p.n_tracks; k++)
        late_open += bmc_track_queue_open_late(&s->track[k], m->ndays - 1);
    double settled = s->tot.new_decided + late_open;
    b->new_on_time_share[row] = settled > 0 ? s->tot.new_on_time / settled : NAN;
    b->triage_days[row] = s->triage_days;
    b->first_triage_day[row] = s->first_triage_day;
    b->grant_rate[row] =
        s->tot.first_decisions > 0 ? s->tot.grants / s->tot.first_decisions : NAN;
    b->grant_rate_q_min[row] = isfinite(s->q_min) ? s->q_min : NAN;
    b->grant_rate_q_max[row] = isfinite(s->q_max) ? s->q_max : NAN;
    double offered = s->tot.officer_days_offered;
    b->idle_share[row] = offered > 0 ? (offered - s->tot.officer_days_used) / offered : NAN;
    for (int c = 0; c < L->n_categories; c++)
        b->category_completion_day[(size_t)row * L->n_categories + c] = s->old[c].completion_day;
    int col = 0;
    for (int i = 0; i < m->n_slots; i++)
        if (m->slot_dist[i] && !bmc_dist_is_fixed(m->slot_dist[i]))
            b->params[(size_t)row * L->n_params + col++] = s->param[i];
}

int bmc_sim_run(bmc_sim *s, uint64_t seed, int64_t scenario, bool check, bmc_result_block *b,
                int row, bmc_err *err)
{
    return bmc_sim_run_until(s, seed, scenario, check, b, row, s->m->ndays - 1, err);
}

int bmc_sim_run_until(bmc_sim *s, uint64_t seed, int64_t scenario, bool check,
                      bmc_result_block *b, int row, int last_day, bmc_err *err)
{
    const bmc_model *m = s->m;
    begin_scenario(s, seed, scenario);
    if (b->layout->trajectories) {
        size_t nm = (size_t)b->layout->n_months, nc = (size_t)b->layout->n_categories;
        for (int f = 0; f < BMC_TRAJ_COUNT; f++)
            memset(b->traj[f] + row * nm, 0, nm * sizeof(double));
        for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
            memset(b->traj_cat[f] + row * nm * nc, 0, nm * nc * sizeof(double));
    }
    s->month_new_arrivals = 0;
    double new_decided_settled = 0;
    for (int t = 0; t <= last_day && t < m->ndays; t++) {
        if (s->triage.on) {
            s->triage_days++;
            if (s->first_triage_day < 0)
                s->first_triage_day = t;
        }
        bmc_flows_approach_start(s, t);
        arrivals(s, t);
        bmc_flows_remands_return(s, t);
        double closed = bmc_flows_withdrawals(s, t);
        for (int k = 0; k < m->p.n_tracks; k++)
            bmc_track_queue_advance(&s->track[k], t);
        if (m->cycle_start[t])
            start_cycle(s, t);
        double offered = bmc_staff_capacity(&s->staff, m, t, s->rng[BMC_STREAM_STAFF], s->det);
        double attended = 0;
        if (m->working[t]) {
            bmc_allocate_day(s, t, offered, b, row);
            if (check) {
                int rc = check_idle(s, t, err);
                if (rc != BMC_OK)
                    return rc;
            }
            attended = bmc_flows_voorfase(s, t);
        }
        if (b->layout->trajectories) {
            size_t at = (size_t)row * b->layout->n_months + m->month_index[t];
            b->traj[BMC_TRAJ_WITHDRAWN][at] += closed;
            b->traj[BMC_TRAJ_VOORFASE_ATTENDED][at] += attended;
        }
        track_progress(s, t);
        if (check) {
            int rc = check_invariants(s, t, err);
            if (rc != BMC_OK)
                return rc;
        }
        if (m->month_end[t]) {
            settle_grants(s, b, row, t, s->tot.new_decided - new_decided_settled);
            new_decided_settled = s->tot.new_decided;
            triage_month_end(s, t);
            record_month(s, b, row, t);
            s->month_new_arrivals = 0;
        }
        if (t == m->ndays - 1 || m->quarter_index[t + 1] != m->quarter_index[t])
            close_quarter(s);
    }
    if (last_day < m->ndays - 1)
        return BMC_OK; /* stopped early: the state stays for bmc_state_export */
    s->remand_due_clean = true; /* every remand due within the horizon came back */
    write_row(s, b, row);
    return BMC_OK;
}

void bmc_sim_totals_get(const bmc_sim *s, bmc_sim_totals *out)
{
    *out = s->tot;
    out->old_decided = out->old_closed = out->old_open = 0;
    for (int c = 0; c < s->m->p.n_categories; c++) {
        out->old_decided += s->old[c].decided;
        out->old_closed += s->old[c].closed;
        out->old_open += s->old[c].waiting + s->old[c].ready;
    }
    out->new_open = 0;
    for (int k = 0; k < s->m->p.n_tracks; k++)
        out->new_open += s->track[k].open_total;
}

double bmc_sim_old_work_left(const bmc_sim *s, int day)
{
    double work = 0;
    for (int c = 0; c < s->m->p.n_categories; c++)
        work += (s->old[c].waiting + s->old[c].ready) * bmc_sim_work(s, c, day);
    return work;
}

double bmc_sim_old_waiting(const bmc_sim *s)
{
    double waiting = 0;
    for (int c = 0; c < s->m->p.n_categories; c++)
        waiting += s->old[c].waiting;
    return waiting;
}

double bmc_sim_new_work_mean(const bmc_sim *s)
{
    double work = 0;
    for (int k = 0; k < s->m->p.n_tracks; k++)
        work += s->m->track_share[k] * s->track[k].work;
    return work;
}
