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

/* docs/model.md sections 6 and 8: each first decision is a grant (g), a rejection that a court
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

/* Step 1: priority categories in config order, each taking what it can use. */
static double serve_priority(bmc_sim *s, int t, double X, day_flows *f)
{
    gsl_rng *r = s->rng[BMC_STREAM_PRODUCTION];
    for (int c = 0; c < s->m->p.n_categories && X > 0; c++) {
        if (!s->m->p.cat[c].priority || s->old[c].ready <= 0)
            continue;
        bmc_produced pr = bmc_produce(r, s->det, s->old[c].ready, X, bmc_sim_work(s, c, t));
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

/* Step 4's first split: the plan shares of the current cycle; before the first cycle, the
 * ready counts. 0 for categories that step 4 does not serve (priority, held) or that have no
 * ready case. */
static double plan_weight(const bmc_sim *s, int c, int t)
{
    if (s->m->p.cat[c].priority || s->old[c].ready <= 0 || bmc_sim_held(s, c, t))
        return 0;
    return s->plan_active ? s->plan_w[c] : s->old[c].ready;
}

/* The weight in the redistribution rounds: the plan share, or, for a category the cycle gave
 * no share (it had no open case at the cycle start), the officer-days its ready cases need
 * as a share of what the categories needed at the cycle start, i.e. the base share it would
 * have had (docs/model.md section 6 step 5). */
static double redistribution_weight(const bmc_sim *s, int c, int t)
{
    if (s->m->p.cat[c].priority || s->old[c].ready <= 0 || bmc_sim_held(s, c, t))
        return 0;
    double w = plan_weight(s, c, t);
    if (w > 0)
        return w;
    double need = s->old[c].ready * bmc_sim_work(s, c, t);
    return s->plan_base > 0 ? need / s->plan_base : need;
}

/* Splits X over the categories by weight; returns the officer-days left over by categories
 * whose ready queue emptied. */
static double split_round(bmc_sim *s, int t, double X, const double *weight, double wsum,
                          day_flows *f)
{
    gsl_rng *r = s->rng[BMC_STREAM_PRODUCTION];
    double leftover = 0;
    for (int c = 0; c < s->m->p.n_categories; c++) {
        if (weight[c] <= 0)
            continue;
        double Xc = X * weight[c] / wsum;
        bmc_produced pr = bmc_produce(r, s->det, s->old[c].ready, Xc, bmc_sim_work(s, c, t));
        decide_old(s, c, t, pr.decisions, f);
        f->used += pr.used;
        leftover += pr.leftover;
    }
    return leftover;
}

/* Step 4: the other old categories by plan shares renormalised over those with ready cases;
 * what categories whose queue emptied leave over is split again the same way over those
 * that still have ready cases, until nothing is left or no category has ready cases. Each
 * round with a leftover empties at least one queue, so there are at most categories + 1
 * rounds. Returns what is left. */
static double serve_plan(bmc_sim *s, int t, double X, day_flows *f)
{
    int n = s->m->p.n_categories;
    double weight[BMC_MAX_CATEGORIES];
    for (int round = 0; X > 0 && round <= n + 1; round++) {
        double wsum = 0;
        for (int c = 0; c < n; c++) {
            weight[c] = round == 0 ? plan_weight(s, c, t) : redistribution_weight(s, c, t);
            wsum += weight[c];
        }
        if (wsum <= 0) {
            if (round > 0)
                break; /* no category has ready cases */
            continue;  /* none with a share has ready cases: straight to redistribution */
        }
        X = split_round(s, t, X, weight, wsum, f);
    }
    return X;
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

void bmc_allocate_day(bmc_sim *s, int t, double offered, bmc_result_block *b, int row)
{
    day_flows f; /* zeroing all BMC_MAX_CATEGORIES entries showed in profiles */
    f.hearings = f.new_decisions = f.new_on_time = f.used = f.remand_decisions = 0;
    for (int c = 0; c < s->m->p.n_categories; c++)
        f.old_decisions[c] = 0;
    double X = serve_priority(s, t, offered, &f);
    X = serve_remands(s, t, X, &f);
    if (t >= s->m->pact_day) {
        const bmc_params *p = &s->m->p;
        double first = bmc_triage_new_limit(&s->triage, p->triage_policy, X, offered,
                                            s->m->triage_cap[t] * s->triage_cap_factor,
                                            p->triage_old_share);
        X = X - first + serve_new(s, t, first, &f);
    }
    X = serve_plan(s, t, X, &f);
    /* step 5: the triage policy orders the work, it never idles staff */
    if (t >= s->m->pact_day && X > 0)
        serve_new(s, t, X, &f);
    s->day_offered = offered;
    s->day_used = f.used;
    record_flows(s, t, offered, &f, b, row);
}
