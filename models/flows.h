#ifndef BACKLOGMC_FLOWS_H
#define BACKLOGMC_FLOWS_H

#include "results.h"
#include "sim_state.h"

/* The daily movements of old cases outside the allocation of capacity. */

/* docs/model.md section 3: at a category's approach start all its open cases start waiting for
 * the voorfase. */
void bmc_flows_approach_start(bmc_sim *s, int t);

/* docs/model.md section 8: each open old case is withdrawn with the daily probability, one
 * binomial per category and stage; a withdrawal is re-lodged with refile_probability and
 * then stays where it was, otherwise it is closed. Returns the cases closed. */
double bmc_flows_withdrawals(bmc_sim *s, int t);

/* Remands due today join their category's remand queue. */
void bmc_flows_remands_return(bmc_sim *s, int t);

/* docs/model.md section 3: one working day of the voorfase: places split over the categories in
 * the approach by the plan's decision shares (officer-day share / work per case), Binomial
 * show-up, reclassification of attendees by a
 * multinomial draw; attendees are ready from the next day. Returns the attendees. */
double bmc_flows_voorfase(bmc_sim *s, int t);

#endif
