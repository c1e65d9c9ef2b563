#include "flows.h"

#include "draws.h"
#include "voorfase.h"

void bmc_flows_approach_start(bmc_sim *s, int t)
{
    for (int c = 0; c < s->m->p.n_categories; c++) {
        if (s->m->approach_day[c] != t)
            continue;
        s->old[c].waiting += s->old[c].ready;
        s->old[c].ready = 0;
    }
}

static double withdraw_stage(bmc_sim *s, double *stage)
{
    gsl_rng *r = s->rng[BMC_STREAM_WITHDRAWALS];
    double w = draw_binomial(r, s->det, *stage, s->m->withdraw_day_prob);
    double closed = draw_binomial(r, s->det, w, 1 - s->m->p.refile_probability);
    *stage -= closed;
    return closed;
}

double bmc_flows_withdrawals(bmc_sim *s, int t)
{
    (void)t;
    if (s->m->withdraw_day_prob <= 0)
        return 0;
    double total = 0;
    for (int c = 0; c < s->m->p.n_categories; c++) {
        bmc_old_category *o = &s->old[c];
        double closed = withdraw_stage(s, &o->waiting) + withdraw_stage(s, &o->ready);
        o->closed += closed;
        total += closed;
    }
    return total;
}

void bmc_flows_remands_return(bmc_sim *s, int t)
{
    for (int c = 0; c < s->m->p.n_categories; c++) {
        bmc_old_category *o = &s->old[c];
        o->remands += o->remand_due[t];
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
    bool eligible[BMC_MAX_CATEGORIES] = {false};
    double waiting[BMC_MAX_CATEGORIES] = {0}, share[BMC_MAX_CATEGORIES] = {0};
    double invited[BMC_MAX_CATEGORIES];
    for (int c = 0; c < n; c++) {
        eligible[c] = t >= m->approach_day[c];
        waiting[c] = s->old[c].waiting;
        share[c] = s->plan_active ? s->plan_w[c] : 0;
    }
    bmc_voorfase_invite(n, eligible, share, waiting, slots, invited);

    gsl_rng *r = s->rng[BMC_STREAM_VOORFASE];
    double attended_total = 0;
    for (int c = 0; c < n; c++) {
        if (invited[c] <= 0)
            continue;
        double attended = draw_binomial(r, s->det, invited[c], p->voorfase_show);
        s->old[c].waiting -= attended;
        attended_total += attended;
        /* reclassification: row c of the matrix, the rest stays in c */
        double prob[BMC_MAX_CATEGORIES], split[BMC_MAX_CATEGORIES], stay = 1;
        for (int k = 0; k < n; k++) {
            prob[k] = p->reclass[c][k];
            stay -= prob[k];
        }
        prob[c] = stay > 0 ? stay : 0;
        draw_multinomial(r, s->det, attended, n, prob, split);
        for (int k = 0; k < n; k++)
            s->old[k].ready += split[k];
    }
    return attended_total;
}
