#ifndef BACKLOGMC_TRIAGE_H
#define BACKLOGMC_TRIAGE_H

#include <stdbool.h>

/* The triage of docs/model.md section 7 (version 2): the rate R of first applications, the state
 * machine evaluated at month ends, and the share of capacity the policy lets new intake
 * take first. */
typedef struct bmc_triage {
    bool on;
    int above; /* consecutive month ends with R > threshold */
    int below; /* consecutive month ends with R <= threshold */
} bmc_triage;

enum bmc_triage_policy { BMC_TRIAGE_CAP_NEW, BMC_TRIAGE_SHARE, BMC_TRIAGE_PROTECT_NEW };

/* R at the end of known day i, from cum[d] = first applications (old and new) on known days
 * 0..d and expected[d] = the expected share of a year's count that arrives on known days
 * 0..d (sum of S[m] / (12 days_in_month)). With 365 or more days known: the arrivals of the
 * last 365 days. Fewer, but at least min_days: the arrivals so far divided by their expected
 * seasonal share of a year (deseasonalised). Returns false when fewer than min_days are
 * known. */
bool bmc_triage_rate(const double *cum, const double *expected, int i, int min_days,
                     double *rate);

/* One month end with rate R: triage turns on after `trigger` consecutive month ends with
 * R > threshold and off after `release` consecutive ones with R <= threshold. Returns s->on,
 * the state from the next day. */
bool bmc_triage_month_end(bmc_triage *s, double rate, double threshold, int trigger,
                          int release);

/* Officer-days that new intake may take in step 3 of the day's allocation, out of X left
 * after the priority categories and the remands, with `offered` the day's capacity. While
 * triage is off, or under protect_new, all of X; under cap_new at most cap (the officer-days
 * `threshold` applications a year need); under share at most (1 - old_share) offered. What
 * new cases do not get here they may still get in step 5, after the old cases. */
double bmc_triage_new_limit(const bmc_triage *s, enum bmc_triage_policy policy, double X,
                            double offered, double cap, double old_share);

#endif
