#ifndef BACKLOGMC_SIM_STATE_H
#define BACKLOGMC_SIM_STATE_H

/* The state of one running scenario, shared by the files of the daily loop (scenario.c,
 * allocation.c) and private to them. */

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "intake.h"
#include "model.h"
#include "newcases.h"
#include "rng.h"
#include "scenario.h"
#include "staff.h"
#include "triage.h"

typedef struct bmc_old_category {
    double waiting;   /* in the approach, before the voorfase */
    double ready;     /* can be decided */
    double decided;
    double closed;    /* withdrawn and not re-lodged */
    double grant_rate;
    double work_regular, work_approach; /* officer-days per first decision */
    double remand_work_regular, remand_work_approach; /* officer-days per remand decision */
    double remands;    /* annulled decisions back as decision tasks */
    double annul_prob;  /* (1 - g) r: a first decision is a rejection a court annuls */
    double annul_log_q; /* log(1 - annul_prob) */
    double until_annul; /* decisions not annulled before the next annulled one */
    double grant_if_kept; /* g / (1 - (1 - g) r): a grant among the decisions not annulled */
    double month_decisions, month_kept; /* first decisions this month, and those not annulled */
    int completion_day;
} bmc_old_category;

struct bmc_sim {
    const bmc_model *m;
    gsl_rng *rng[BMC_STREAM_COUNT];
    bool det;
    double param[BMC_P_MAX];
    const double *uniforms; /* bmc_sim_set_uniforms; NULL: the scenario's own */
    bmc_staff staff;
    double new_grant_rate;
    double new_work_factor;
    double triage_cap_factor; /* the cap_new cap of a day is m->triage_cap[t] times this */

    bmc_old_category old[BMC_MAX_CATEGORIES];
    bmc_track_queue track[BMC_MAX_TRACKS];
    int n_tracks_ready; /* queues initialised, for cleanup */
    bmc_intake intake;
    bmc_sim_totals tot;
    double *remand_due;       /* [ndays][n_categories] remands that come back on each day */
    double remands_scheduled; /* in remand_due, not yet back */
    double remands_open;      /* back and not yet decided, over all categories */
    bool remand_due_clean;    /* remand_due is all zero (the last run went to the end) */
    double *arrivals_cum; /* [ndays] first applications, old and new, on days 0..t (triage) */

    /* plan cycle */
    bool plan_active;   /* false before the first cycle: shares follow the ready counts */
    double plan_w[BMC_MAX_CATEGORIES]; /* officer-day shares of the cycle, summing to 1 */
    double plan_base;   /* officer-days the categories needed at the cycle start (sum b_c) */
    double grant_target;

    /* the last working day's capacity, for the idle check of --check-invariants */
    double day_offered, day_used;

    /* triage */
    bmc_triage triage;
    int triage_days, first_triage_day;

    int completion_day, p90_day, p95_day, p99_day;
    double share_at_target;
    double month_new_arrivals;
    double q_grants, q_decisions, q_min, q_max; /* quarterly grant rate */
};

/* Officer-days per first decision of old category c on day t. */
static inline double bmc_sim_work(const bmc_sim *s, int c, int t)
{
    return t >= s->m->approach_day[c] ? s->old[c].work_approach : s->old[c].work_regular;
}

/* A category held by hold_until_approach gets no capacity before its approach start. */
static inline bool bmc_sim_held(const bmc_sim *s, int c, int t)
{
    return s->m->p.cat[c].hold_until_approach && t < s->m->approach_day[c];
}

#endif
