#ifndef BACKLOGMC_PARAMS_H
#define BACKLOGMC_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "calendar.h"
#include "design.h"

/* run.relief_intake_levels holds at most this many levels. */
#define BMC_MAX_RELIEF_LEVELS 8
#include "dist.h"
#include "intake_history.h"
#include "results.h"
#include "schedule.h"
#include "start.h"
#include "status.h"
#include "triage.h"
#include "yamlcfg.h"

/* Every model parameter, resolved and validated from a configuration (docs/model.md sections
 * 1-9). Plain data, no pointers: a model can copy it and a variant can override it. */

#define BMC_MAX_TRACKS 8
_Static_assert(BMC_MAX_TRACKS == BMC_MAX_START_TRACKS, "a start holds every track");
#define BMC_MAX_HOLIDAYS 256

/* Work rates of one stage of a category (docs/model.md section 4). */
typedef struct bmc_rates {
    double hearings_per_day;  /* hearings one officer completes per working day */
    double decisions_per_day; /* decisions one officer drafts per working day */
    double hearing_share;     /* share of cases that need a hearing */
} bmc_rates;

typedef struct bmc_category_params {
    char name[BMC_NAME_LEN];
    double initial;      /* open on start_date */
    double intake_share; /* share of pre-Pact arrivals (old_intake_mix) */
    bool priority;       /* served before the plan shares */
    bool has_approach;
    bmc_date approach_start;
    bmc_rates regular;
    bmc_rates approach;
    bool hold_until_approach; /* no plan share before the approach start */
    /* scenario-level factors on the approach rates: on hearings/day, on decisions/day (also
     * the remand work), and on both */
    bmc_dist approach_hearings_factor;
    bmc_dist approach_decisions_factor;
    bmc_dist approach_rates_factor;
    bmc_dist grant_rate;
} bmc_category_params;

typedef struct bmc_track_params {
    char name[BMC_NAME_LEN];
    double share;
    int deadline_days; /* from lodging */
    int lead_days;     /* before the case can be decided */
    double work;       /* officer-days per first decision, before the scenario's factor */
} bmc_track_params;


typedef struct bmc_params {
    /* time */
    bmc_date start_date, horizon_date, pact_date, target_date;
    unsigned holiday_rules;
    int n_extra_holidays;
    bmc_date extra_holidays[BMC_MAX_HOLIDAYS];

    /* run defaults (the command line may override) */
    uint64_t seed;
    int64_t scenarios;
    bool deterministic;
    enum bmc_design_kind design; /* how the scenario-level parameters are sampled */
    /* intake levels a year at which `check` gives the relief capacity besides the configured
     * one (run.relief_intake_levels) */
    double relief_levels[BMC_MAX_RELIEF_LEVELS];
    int n_relief_levels;
    double precision_half_width; /* 0: a fixed number of scenarios */
    int64_t precision_batch, max_scenarios;

    /* staff (section 4) */
    bmc_schedule fte;
    bmc_dist fte_factor;
    /* monthly availability a_m = min(1, availability Sa[month] exp(y_m - v_a / 2)), y_m an
     * AR(1) with coefficient rho and innovation sd tau */
    double availability;
    double availability_seasonality[12]; /* Sa, mean exactly 1 after loading */
    double availability_rho, availability_tau;

    /* new intake (section 5) */
    bmc_dist annual_level;   /* L, the level of the year the run starts in */
    double year_to_year_sdlog; /* delta: L_y = L_{y-1} exp(delta zeta_y) */
    double seasonality[12];  /* shares of a year's count x 12, mean exactly 1 after loading */
    double deviation_phi, deviation_sigma;
    double negbin_size;      /* 0 means Poisson (k = infinity) */
    double surge_probability; /* per month; 0 = off */
    bmc_dist surge_multiplier;
    bmc_dist surge_months;
    int n_tracks;
    bmc_track_params track[BMC_MAX_TRACKS];
    bmc_dist new_work_factor; /* scenario factor on every track's work */
    bmc_dist new_grant_rate;
    /* observed first applications before the start (docs/model.md section 12): the intake is
     * conditioned on them and the triage window reaches back into them */
    bmc_history intake_history;

    /* old cases (sections 2-4) */
    int n_categories;
    bmc_category_params cat[BMC_MAX_CATEGORIES];
    /* reclassification at the voorfase: reclass[from][to], rows sum to at most 1 */
    double reclass[BMC_MAX_CATEGORIES][BMC_MAX_CATEGORIES];

    /* voorfase (section 3) */
    bmc_schedule voorfase_capacity; /* persons per working day */
    double voorfase_show;           /* probability that an invited case attends */

    /* plan cycle (section 6) */
    int cycle_months;
    bool grant_target_initial; /* g* = grant rate of the initial non-priority stock */
    double grant_target;       /* g* when not initial */
    double grant_tolerance;

    /* triage (section 7) */
    double triage_threshold;   /* new applications a year */
    int triage_trigger_months, triage_release_months;
    int triage_min_days;       /* days of known intake before a partial-year rate counts */
    enum bmc_triage_policy triage_policy;
    double triage_old_share;   /* policy share: old cases' minimum share of capacity */

    /* withdrawals and remands (section 8) */
    double withdrawal_rate;    /* per open old case per year */
    double refile_probability;
    bmc_dist remand_probability; /* per rejection of an old case, scenario-level */
    int remand_delay_days;

    /* chain indicators (section 9) */
    double nareis_per_grant;
    double appeals_per_rejection;

    /* an actual state at an as-of date replaces the initial conditions (section 12); the
     * start date is then the day after as_of */
    bmc_start start;
} bmc_params;

/* Reads and validates every key; unknown keys and inconsistencies are errors with
 * file:line:col and key path. A `state: FILE` key (relative to the configuration file)
 * starts the run from that state file (state.h). */
int bmc_params_load(bmc_cfg *cfg, bmc_params *p, bmc_err *err);
/* The same with the state from `state` (state.h) instead of the `state:` key; NULL: as
 * bmc_params_load. */
struct bmc_state_source;
int bmc_params_load_state(bmc_cfg *cfg, const struct bmc_state_source *state, bmc_params *p,
                          bmc_err *err);
/* Starts the run from state s: p->start = s (active), start_date = as_of + 1. The caller
 * has validated s against p (state.h does). */
void bmc_params_apply_start(bmc_params *p, const bmc_start *s);
/* A readable listing of the resolved parameters (for `backlogmc check`). */
void bmc_params_print(const bmc_params *p, FILE *out);

#endif
