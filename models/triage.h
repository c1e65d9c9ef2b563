#ifndef BACKLOGMC_TRIAGE_H
#define BACKLOGMC_TRIAGE_H

#include <stdbool.h>

/* The triage state machine of MODEL.md section 7, evaluated at month ends. */
typedef struct bmc_triage {
    bool on;
    int above; /* consecutive month ends with R > threshold */
    int below; /* consecutive month ends with R <= threshold */
} bmc_triage;

/* R at day t from cum[d] = Pact arrivals on days pact_day..d: arrivals in the last 365
 * days, or, while fewer than 365 days of Pact intake exist, the arrivals so far annualised
 * (only once at least min_days exist). Returns false when there is no rate yet. */
bool bmc_triage_rate(const double *cum, int t, int pact_day, int min_days, double *rate);

/* One month end with rate R: triage turns on after `trigger` consecutive month ends above
 * the threshold and off after `release` consecutive ones at or below it. Returns s->on, the
 * state from the next day. */
bool bmc_triage_month_end(bmc_triage *s, double rate, double threshold, int trigger,
                          int release);

#endif
