#include "flows.h"

#include <stdint.h>

#include "draws.h"
#include "rng_inline.h"
#include "voorfase.h"

void bmc_flows_approach_start(bmc_sim *s, int t)
{
    if (!s->m->approach_starts[t])
        return;
    for (int c = 0; c < s->m->p.n_categories; c++) {
        if (s->m->approach_day[c] != t)
            continue;
        s->old[c].waiting += s->old[c].ready;
        s->old[c].ready = 0;
    }
}

/* One binomial per stage for the withdrawals and one for the closures among them: the
 * central projection, and counts too large for the picks of withdraw_all. */
static double withdraw_stage(bmc_sim *s, double *stage)
{
    gsl_rng *r = s->rng[BMC_STREAM_WITHDRAWALS];
    double w = draw_binomial(r, s->det, *stage, s->m->withdraw_day_prob);
    double closed = draw_binomial(r, s->det, w, 1 - s->m->p.refile_probability);
    *stage -= closed;
    return closed;
}

/* Counts above this would not fit the exact integer picks below. */
#define WITHDRAW_PICK_MAX 4294967295.0

/* docs/model.md section 8 as one draw a day. Only closures change the state (a re-lodged case
 * stays where it was), and a case that withdraws with probability p and then leaves with
 * 1 - refile closes with probability p (1 - refile), independently of every other case. The
 * per-stage closures are thus independent Binomial(n_i, p (1 - refile)); their total is
 * Binomial(N, p (1 - refile)) over all N open cases, and given the total the closing cases
 * are a uniform random subset of the N (all cases have the same probability), so picking
 * them one by one without replacement gives the same joint law as one binomial per stage. */
static double withdraw_all(bmc_sim *s, double *stage[], double open)
{
    gsl_rng *r = s->rng[BMC_STREAM_WITHDRAWALS];
    double p = s->m->withdraw_day_prob * (1 - s->m->p.refile_probability);
    double closures = draw_binomial(r, false, open, p);
    for (double j = 0; j < closures; j++) {
        double pick = bmc_rng_below(r, (uint32_t)(open - j));
        int i = 0;
        while (pick >= *stage[i])
            pick -= *stage[i++];
        *stage[i] -= 1;
        s->old[i / 2].closed += 1; /* stages 2c and 2c + 1 are category c's */
    }
    return closures;
}

double bmc_flows_withdrawals(bmc_sim *s, int t)
{
    (void)t;
    if (s->m->withdraw_day_prob <= 0)
        return 0;
    int n = s->m->p.n_categories;
    double *stage[2 * BMC_MAX_CATEGORIES], open = 0;
    for (int c = 0; c < n; c++) {
        stage[2 * c] = &s->old[c].waiting;
        stage[2 * c + 1] = &s->old[c].ready;
        open += s->old[c].waiting + s->old[c].ready;
    }
    if (!s->det && open <= WITHDRAW_PICK_MAX)
        return open > 0 ? withdraw_all(s, stage, open) : 0;
    double total = 0;
    for (int c = 0; c < n; c++) {
        bmc_old_category *o = &s->old[c];
        double closed = withdraw_stage(s, &o->waiting) + withdraw_stage(s, &o->ready);
        o->closed += closed;
        total += closed;
    }
    return total;
}

void bmc_flows_remands_return(bmc_sim *s, int t)
{
    if (!s->det && s->remands_scheduled <= 0) /* whole numbers: exact (fractions could round) */
        return;
    int n = s->m->p.n_categories;
    double *due = s->remand_due + (size_t)t * (size_t)n;
    for (int c = 0; c < n; c++)
        if (due[c] > 0) {
            s->old[c].remands += due[c];
            s->remands_open += due[c];
            s->remands_scheduled -= due[c];
            due[c] = 0; /* leaves the array clean for the next scenario */
        }
}

double bmc_flows_voorfase(bmc_sim *s, int t)
{
    const bmc_model *m = s->m;
    const bmc_params *p = &m->p;
    int n = p->n_categories;
    double slots = m->voorfase_slots[t];
    if (slots <= 0)
        return 0;
    bool eligible[BMC_MAX_CATEGORIES], any_waiting = false;
    double waiting[BMC_MAX_CATEGORIES], share[BMC_MAX_CATEGORIES], invited[BMC_MAX_CATEGORIES];
    for (int c = 0; c < n; c++) {
        eligible[c] = t >= m->approach_day[c];
        waiting[c] = s->old[c].waiting;
        /* a place feeds one case whatever its cost: the plan's decision shares s_c / w_c */
        share[c] = s->plan_active ? s->plan_w[c] / bmc_sim_work(s, c, t) : 0;
        any_waiting = any_waiting || (eligible[c] && waiting[c] > 0);
    }
    if (!any_waiting) /* the usual case once the voorfase has seen everyone */
        return 0;
    bmc_voorfase_invite(n, eligible, share, waiting, slots, invited);

    gsl_rng *r = s->rng[BMC_STREAM_VOORFASE];
    double attended_total = 0;
    for (int c = 0; c < n; c++) {
        if (invited[c] <= 0)
            continue;
        double attended = draw_binomial(r, s->det, invited[c], p->voorfase_show);
        s->old[c].waiting -= attended;
        attended_total += attended;
        if (!m->reclass_moves[c]) {
            s->old[c].ready += attended;
            continue;
        }
        double split[BMC_MAX_CATEGORIES];
        draw_multinomial(r, s->det, attended, n, m->reclass_row[c], split);
        for (int k = 0; k < n; k++)
            s->old[k].ready += split[k];
    }
    return attended_total;
}
