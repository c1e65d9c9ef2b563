#ifndef BACKLOGMC_ALLOCATION_H
#define BACKLOGMC_ALLOCATION_H

#include "results.h"
#include "sim_state.h"

/* One working day of MODEL.md section 6: draws the officer-days offered and hands them out
 * in order (priority old categories, new cases earliest deadline first, the other old
 * categories by plan shares with one re-split of leftovers), decides cases by the
 * production rule and draws their grants. Monthly flows go to row `row` of b. */
void bmc_allocate_day(bmc_sim *s, int t, bmc_result_block *b, int row);

#endif
