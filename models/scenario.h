#ifndef BACKLOGMC_SCENARIO_H
#define BACKLOGMC_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "model.h"
#include "results.h"
#include "status.h"

/* One scenario's day-by-day simulation (docs/model.md sections 1-6, 9-11). A bmc_sim is the
 * workspace of one thread: its arrays and random streams are allocated once and reused for
 * every scenario that thread runs, so the daily loop never allocates. */
typedef struct bmc_sim bmc_sim;

int bmc_sim_create(const bmc_model *m, bmc_sim **out, bmc_err *err);
void bmc_sim_free(bmc_sim *s);

/* Simulates scenario `scenario` of master seed `seed` and fills row `row` of b (b's first
 * scenario + row need not equal scenario: variants reuse a scenario's streams).
 * check_invariants verifies docs/model.md section 11 at the end of every day and returns
 * BMC_EINTERNAL with a message when one fails. */
int bmc_sim_run(bmc_sim *s, uint64_t seed, int64_t scenario, bool check_invariants,
                bmc_result_block *b, int row, bmc_err *err);

/* Scenario-level parameter uniforms for the following runs: slot i takes u[i] in (0, 1) in
 * place of its own draw (the draw is still taken, so no other number moves); a NaN keeps
 * the scenario's own. NULL restores the scenarios' own uniforms. The array must stay
 * valid while it is set. Sensitivity designs move parameters this way on common streams. */
void bmc_sim_set_uniforms(bmc_sim *s, const double *u);
/* The uniforms scenario `scenario` of seed takes for its slots (the model's design applied),
 * into u[m->n_slots]; the override above is not applied. */
void bmc_sim_parameter_uniforms(bmc_sim *s, uint64_t seed, int64_t scenario, double *u);
/* The scenario-level parameters (docs/model.md section 10) into param[BMC_P_MAX] from r, the
 * scenario's parameters stream keyed to its start, with the model's design for `scenario`
 * and the uniforms of `override` where they are not NaN (NULL: none): the values bmc_sim_run
 * uses, with the history's (l, x) drawn from the posterior when the model has one. */
void bmc_scenario_parameters(const bmc_model *m, gsl_rng *r, int64_t scenario, bool det,
                             const double *override, double *param);
/* The same, stopped at the end of day last_day (< the last day): the row of b is not
 * written, and the workspace holds the scenario's state at the end of that day (what
 * bmc_state_export reads). last_day >= the last day is bmc_sim_run. */
int bmc_sim_run_until(bmc_sim *s, uint64_t seed, int64_t scenario, bool check,
                      bmc_result_block *b, int row, int last_day, bmc_err *err);

/* Totals at the horizon of the last run, for tests and `backlogmc check`. */
typedef struct bmc_sim_totals {
    double old_total;   /* initial + pre-Pact arrivals */
    double old_decided;
    double old_closed;  /* withdrawn and not re-lodged */
    double old_open;
    double new_arrivals;
    double new_decided;
    double new_on_time;
    double new_open;
    double grants;
    double first_decisions;
    double officer_days_offered;
    double officer_days_used;
    double working_days;
} bmc_sim_totals;

void bmc_sim_totals_get(const bmc_sim *s, bmc_sim_totals *out);

/* After a run: the officer-days the old cases still open need at the work content of day
 * `day` (the scenario's factors included), and the old cases still waiting for the voorfase. */
double bmc_sim_old_work_left(const bmc_sim *s, int day);
double bmc_sim_old_waiting(const bmc_sim *s);
/* The scenario's officer-days per new first decision, over the tracks by share. */
double bmc_sim_new_work_mean(const bmc_sim *s);

#endif
