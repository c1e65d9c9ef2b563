#ifndef BACKLOGMC_ALLOCATION_H
#define BACKLOGMC_ALLOCATION_H

#include "results.h"
#include "sim_state.h"

/* One working day of docs/model.md section 6 (version 2): hands the day's `offered` officer-days
 * out in order (1 priority old categories, 2 remands, 3 new cases earliest deadline first as
 * far as the triage policy lets them, 4 the other old categories by plan shares with the
 * leftovers split again until no category has ready cases, 5 what is still left to the new
 * cases held back in step 3), decides cases by the production rule and books the
 * annulments. Officer-days stay unused only when no ready case is left (held categories
 * aside). Monthly flows go to row `row` of b. */
void bmc_allocate_day(bmc_sim *s, int t, double offered, bmc_result_block *b, int row);

#endif
