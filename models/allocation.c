#include "allocation.h"

#include "draws.h"
#include "production.h"
#include "staff.h"

/* Flows of one working day, added to the month's trajectory row at the end. */
typedef struct day_flows {
    double hearings, new_decisions, new_on_time, used, remand_decisions;
    double old_decisions[BMC_MAX_CATEGORIES];
} day_flows;

static double *traj_at(bmc_result_block *b, int f, int row, int month)
{
    return &b->traj[f][(size_t)row * b->layout->n_months + month];
}

/* A category's decisions, day after day, are one sequence of independent Bernoulli(q) trials
 * for annulment, q = (1 - g) r; until_annul holds the failures before the next success. The
 * successes that fall among a day's d decisions are Binomial(d, q), independent of the past
 * (the geometric gap is memoryless), at one geometric draw per annulment rather than one
 * binomial per category and day. */
static double annulments(bmc_sim *s, bmc_old_category *o, double d)
{
    if (s->det || o->annul_prob <= 0 || o->annul_prob >= 1)
        return draw_binomial(s->rng[BMC_STREAM_REMANDS], s->det, d, o->annul_prob);
    double n = 0;
    while (o->until_annul < d) {
        d -= o->until_annul + 1;
        n++;
        o->until_annul = bmc_ran_geometric(s->rng[BMC_STREAM_REMANDS], o->annul_log_q);
    }
    o->until_annul -= d;
    return n;
}

/* MODEL.md sections 6 and 8: each first decision is a grant (g), a rejection that a court
 * annuls ((1 - g) r, back after the delay) or a rejection that stands, independently. The
 * annulled ones are drawn today, Binomial(d, (1 - g) r) (annulments above), because their
 * return day depends on it; grants are only ever summed over months, so the grants among
 * the month's other decisions are drawn at the month end (scenario.c), as
 * Binomial(kept, g / (1 - (1 - g) r)): the same joint law as a grant draw and an annulment
 * draw per day. */
static void decide_old(bmc_sim *s, int c, int t, double d, day_flows *f)
{
    if (d <= 0)
        return;
    const bmc_category_params *k = &s->m->p.cat[c];
    bmc_old_category *o = &s->old[c];
    o->ready -= d;
    o->decided += d;
    f->old_decisions[c] += d;
    double annulled = annulments(s, o, d);
    o->month_decisions += d;
    o->month_kept += d - annulled;
    int back = t + s->m->p.remand_delay_days;
    if (annulled > 0 && back < s->m->ndays) { /* beyond the horizon it is not simulated */
        s->remand_due[(size_t)back * s->m->p.n_categories + (size_t)c] += annulled;
        s->remands_scheduled += annulled;
    }
    bool approach = t >= s->m->approach_day[c];
    f->hearings += d * (approach ? k->approach.hearing_share : k->regular.hearing_share);
}

static double work_of(const bmc_sim *s, int c, int t)
{
    return t >= s->m->approach_day[c] ? s->old[c].work_approach : s->old[c].work_regular;
}

/* Step 1: priority categories in config order, each taking what it can use. */
static double serve_priority(bmc_sim *s, int t, double X, day_flows *f)
{
    gsl_rng *r = s->rng[BMC_STREAM_PRODUCTION];
    for (int c = 0; c < s->m->p.n_categories && X > 0; c++) {
        if (!s->m->p.cat[c].priority || s->old[c].ready <= 0)
            continue;
        bmc_produced pr = bmc_produce(r, s->det, s->old[c].ready, X, work_of(s, c, t));
        decide_old(s, c, t, pr.decisions, f);
        f->used += pr.used;
        X = pr.leftover;
    }
    return X;
}

/* Step 2: remanded cases, category by category in config order. */
static double serve_remands(bmc_sim *s, int t, double X, day_flows *f)
{
    if (!s->det && s->remands_open <= 0) /* whole numbers: exact (fractions could round) */
        return X;
    gsl_rng *r = s->rng[BMC_STREAM_PRODUCTION];
    for (int c = 0; c < s->m->p.n_categories && X > 0; c++) {
        bmc_old_category *o = &s->old[c];
        if (o->remands <= 0)
            continue;
        double w = t >= s->m->approach_day[c] ? o->remand_work_approach : o->remand_work_regular;
        bmc_produced pr = bmc_produce(r, s->det, o->remands, X, w);
        o->remands -= pr.decisions;
        s->remands_open -= pr.decisions;
        f->remand_decisions += pr.decisions;
        f->used += pr.used;
        X = pr.leftover;
    }
    return X;
}

/* Officer-days new intake may use today (MODEL.md section 7). */
static double new_intake_cap(const bmc_sim *s, int t, double X, double offered)
{
    if (!s->triage.on)
        return X;
    switch (s->m->p.triage_policy) {
    case BMC_TRIAGE_CAP_NEW: return X < s->m->triage_cap[t] ? X : s->m->triage_cap[t];
    case BMC_TRIAGE_SHARE: {
        double cap = (1 - s->m->p.triage_old_share) * offered;
        return X < cap ? X : cap;
    }
    case BMC_TRIAGE_PROTECT_NEW: break;
    }
    return X;
}

/* Step 3: new cases, the track with the earliest deadline among its ready cases first. */
static double serve_new(bmc_sim *s, int t, double X, day_flows *f)
{
    const bmc_params *p = &s->m->p;
    gsl_rng *r = s->rng[BMC_STREAM_PRODUCTION];
    unsigned served = 0;
    while (X > 0) {
        int best = -1, best_deadline = 0;
        for (int k = 0; k < p->n_tracks; k++) {
            if (served & (1u << k) || s->track[k].ready <= 0)
                continue;
            int dl = bmc_track_queue_earliest_deadline(&s->track[k]);
            if (best < 0 || dl < best_deadline) {
                best = k;
                best_deadline = dl;
            }
        }
        if (best < 0)
            break;
        served |= 1u << best;
        bmc_track_queue *q = &s->track[best];
        bmc_produced pr = bmc_produce(r, s->det, q->ready, X, q->work);
        /* their grants are drawn once a month (scenario.c, settle_new_grants) */
        if (pr.decisions > 0) {
            f->new_on_time += bmc_track_queue_decide(q, t, pr.decisions);
            f->new_decisions += pr.decisions;
        }
        f->used += pr.used;
        X = pr.leftover;
    }
    return X;
}

/* Plan shares of the current cycle; before the first cycle, the ready counts. */
static double plan_weight(const bmc_sim *s, int c)
{
    return s->plan_active ? s->plan_w[c] : s->old[c].ready;
}

/* Step 4: the other old categories by plan shares renormalised over those with ready cases;
 * the leftover of categories whose queue emptied is split once more the same way. */
static void serve_plan(bmc_sim *s, int t, double X, day_flows *f)
{
    const bmc_params *p = &s->m->p;
    gsl_rng *r = s->rng[BMC_STREAM_PRODUCTION];
    for (int round = 0; round < 2 && X > 0; round++) {
        double wsum = 0;
        double weight[BMC_MAX_CATEGORIES];
        for (int c = 0; c < p->n_categories; c++) {
            weight[c] = (!p->cat[c].priority && s->old[c].ready > 0) ? plan_weight(s, c) : 0;
            wsum += weight[c];
        }
        /* only categories the cycle gave no share have ready cases (e.g. cases reclassified
         * into an empty category): serve them by their ready counts rather than idle */
        if (wsum <= 0)
            for (int c = 0; c < p->n_categories; c++) {
                weight[c] = !p->cat[c].priority ? s->old[c].ready : 0;
                wsum += weight[c];
            }
        if (wsum <= 0)
            return;
        double leftover = 0;
        for (int c = 0; c < p->n_categories; c++) {
            if (weight[c] <= 0)
                continue;
            double Xc = X * weight[c] / wsum;
            bmc_produced pr = bmc_produce(r, s->det, s->old[c].ready, Xc, work_of(s, c, t));
            decide_old(s, c, t, pr.decisions, f);
            f->used += pr.used;
            leftover += pr.leftover;
        }
        X = leftover;
    }
}

static void record_flows(bmc_sim *s, int t, double offered, const day_flows *f,
                         bmc_result_block *b, int row)
{
    s->tot.new_decided += f->new_decisions;
    s->tot.new_on_time += f->new_on_time;
    s->tot.officer_days_offered += offered;
    s->tot.officer_days_used += f->used;
    s->tot.working_days += 1;
    if (!b->layout->trajectories)
        return;
    int mo = s->m->month_index[t];
    *traj_at(b, BMC_TRAJ_HEARINGS, row, mo) += f->hearings;
    *traj_at(b, BMC_TRAJ_NEW_DECISIONS, row, mo) += f->new_decisions;
    *traj_at(b, BMC_TRAJ_NEW_ON_TIME, row, mo) += f->new_on_time;
    *traj_at(b, BMC_TRAJ_OFFICER_DAYS_OFFERED, row, mo) += offered;
    *traj_at(b, BMC_TRAJ_OFFICER_DAYS_USED, row, mo) += f->used;
    *traj_at(b, BMC_TRAJ_REMAND_DECISIONS, row, mo) += f->remand_decisions;
    int nc = b->layout->n_categories, nm = b->layout->n_months;
    double *dec = b->traj_cat[BMC_TRAJ_OLD_DECISIONS] + ((size_t)row * nm + mo) * nc;
    for (int c = 0; c < nc; c++)
        dec[c] += f->old_decisions[c];
}

void bmc_allocate_day(bmc_sim *s, int t, bmc_result_block *b, int row)
{
    day_flows f; /* zeroing all BMC_MAX_CATEGORIES entries showed in profiles */
    f.hearings = f.new_decisions = f.new_on_time = f.used = f.remand_decisions = 0;
    for (int c = 0; c < s->m->p.n_categories; c++)
        f.old_decisions[c] = 0;
    double offered =
        bmc_staff_capacity(s->m, t, s->fte_factor, s->rng[BMC_STREAM_STAFF], s->det);
    double X = serve_priority(s, t, offered, &f);
    X = serve_remands(s, t, X, &f);
    if (t >= s->m->pact_day) {
        double for_new = new_intake_cap(s, t, X, offered);
        X = X - for_new + serve_new(s, t, for_new, &f);
    }
    serve_plan(s, t, X, &f);
    record_flows(s, t, offered, &f, b, row);
}
