#ifndef BACKLOGMC_MODEL_H
#define BACKLOGMC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "calendar.h"
#include "intake_filter.h"
#include "params.h"
#include "results.h"
#include "sampler.h"
#include "status.h"

/* Everything the scenarios share, computed once from the parameters: the calendar, per-day
 * tables, and the list of scenario-level parameters. Read-only after creation, so threads
 * share one model without locks. */

/* Scenario-level parameters in a fixed order: each takes one uniform from the parameters
 * stream at its own position, so changing one distribution never shifts another's draw. */
enum {
    BMC_P_ANNUAL_LEVEL,
    BMC_P_FTE_FACTOR,
    BMC_P_NEW_GRANT_RATE,
    BMC_P_REMAND_RATE,
    BMC_P_NEW_WORK_FACTOR,
    BMC_P_FIRST_CATEGORY
};
enum {
    BMC_PC_GRANT_RATE,
    BMC_PC_HEARINGS_FACTOR,
    BMC_PC_DECISIONS_FACTOR,
    BMC_PC_RATES_FACTOR,
    BMC_PC_COUNT
};
#define BMC_P_CATEGORY(c, what) (BMC_P_FIRST_CATEGORY + (c) * BMC_PC_COUNT + (what))
/* With an intake history, two standard normals for the posterior draw of (l, x), after
 * every other slot, so that a run without history takes the same uniforms as before. */
#define BMC_P_HISTORY_LEVEL BMC_P_CATEGORY(BMC_MAX_CATEGORIES, 0)
#define BMC_P_HISTORY_DEVIATION (BMC_P_HISTORY_LEVEL + 1)
#define BMC_P_MAX (BMC_P_HISTORY_DEVIATION + 1)

typedef struct bmc_model {
    bmc_params p;
    bmc_calendar *cal;
    int ndays;
    int nmonths;
    const uint8_t *working;     /* [ndays] */
    const int32_t *month_index; /* [ndays] */
    uint8_t *month_end;         /* [ndays] 1 on the last day of a calendar month */
    int32_t *quarter_index;     /* [ndays] calendar quarters since the start quarter */
    int nquarters;
    double *fte;                /* [ndays] fte schedule before the scenario factor */
    /* [ndays] S[m] / (12 days_in_month): a day's expected share of a year's count, so the
     * daily mean intake is the year's level times this */
    double *intake_base;
    uint8_t *month_first;       /* [ndays] 1 on day 0 and on the first day of each month */
    uint8_t *year_first;        /* [ndays] 1 on 1 January after day 0 (the level's walk) */
    double *availability_mean;  /* [nmonths] availability x Sa[month of year] */
    double *voorfase_slots;     /* [ndays] floor(V(t)) persons on working days */
    double voorfase_last_slots; /* floor(V) at the horizon date */
    uint8_t *cycle_start;       /* [ndays] 1 on the first day of a plan cycle */
    /* [ndays] cap_new officer-days for new intake at unit work factor: threshold x mean
     * track work / working days in the year */
    double *triage_cap;
    double withdraw_day_prob;   /* per open old case per calendar day */
    bool intake_negbin;         /* false: Poisson days */
    bmc_gamma_shape intake_gamma;      /* the negative binomial's mixing gamma */
    double deviation_var;       /* v_x = sigma^2 / (1 - phi^2), stationary variance of x */
    double availability_var;    /* v_a = tau^2 / (1 - rho^2), stationary variance of y */
    /* intake conditioned on intake_history (docs/model.md section 12) */
    bmc_intake_posterior posterior;
    double level_median;        /* L0, the prior median the posterior's offset is relative to */
    bmc_dist standard_normal;   /* the dist of the two history slots */
    /* The triage window's days before day 0: the history's daily counts (a period spread
     * over its days by seasonality) for the months that end right before the start. R at
     * known day i reads triage_cum[i] and triage_expected[i], i = triage_prefix + t. */
    int triage_prefix;
    double *triage_cum;         /* [triage_prefix] arrivals on known days 0..i */
    double *triage_expected;    /* [triage_prefix + ndays] expected share of a year, days 0..i */
    bmc_triage triage_start;    /* the state machine replayed over the history's month ends */
    double track_share[BMC_MAX_TRACKS];        /* new intake by track, summing to 1 */
    double old_intake_share[BMC_MAX_CATEGORIES]; /* pre-Pact intake by category, summing to 1 */
    double new_work_mean;       /* officer-days per new first decision over the tracks, at
                                 * unit work factor */
    int pact_day, target_day;
    /* ndays when the category never switches; negative when its approach started before
     * the start (a run from a state) */
    int approach_day[BMC_MAX_CATEGORIES];
    uint8_t *approach_starts;   /* [ndays] 1 when some category's approach starts that day */
    bool reclass_moves[BMC_MAX_CATEGORIES]; /* the category's reclassification row moves cases */
    /* reclass_row[c][k]: an attendee of c goes to k; the diagonal holds the rest, who stay */
    double reclass_row[BMC_MAX_CATEGORIES][BMC_MAX_CATEGORIES];
    double old_initial_total;   /* open old cases at the start + decided or closed before */
    /* the start (MODEL.md section 12): from the state when there is one, else the
     * configuration's initial counts, all ready */
    double start_waiting[BMC_MAX_CATEGORIES];
    double start_ready[BMC_MAX_CATEGORIES];
    double start_remands[BMC_MAX_CATEGORIES];
    double old_done_before;     /* old cases decided or closed before the start */
    double new_open_before;     /* new cases open at the start */
    int lodged_before;          /* days before day 0 that hold open new cases */
    /* [lodged_before] open new cases per track by lodging day -lodged_before .. -1 */
    double *lodged[BMC_MAX_TRACKS];
    /* scenario-level parameters */
    int n_slots;
    const bmc_dist *slot_dist[BMC_P_MAX];
    char slot_name[BMC_P_MAX][BMC_NAME_LEN];
    /* the sampling design of the slots (param_design.h): NULL samples them plainly; else
     * slot i takes dimension design_dim[i] of it (-1: plain) */
    const bmc_design *design;
    int design_dim[BMC_P_MAX];
} bmc_model;

int bmc_model_create(const bmc_params *p, bmc_model **out, bmc_err *err);
void bmc_model_free(bmc_model *m);

/* The output layout: categories, the sampled (non-fixed) parameters, months. */
void bmc_model_layout(const bmc_model *m, bool trajectories, bmc_layout *out);

#endif
