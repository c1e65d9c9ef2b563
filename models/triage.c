#include "triage.h"

bool bmc_triage_rate(const double *cum, const double *expected, int i, int min_days,
                     double *rate)
{
    int days = i + 1;
    if (days >= 365) {
        *rate = cum[i] - (i >= 365 ? cum[i - 365] : 0);
        return true;
    }
    if (days >= min_days && expected[i] > 0) {
        *rate = cum[i] / expected[i];
        return true;
    }
    return false;
}

bool bmc_triage_month_end(bmc_triage *s, double rate, double threshold, int trigger,
                          int release)
{
    if (rate > threshold) {
        s->above++;
        s->below = 0;
    } else {
        s->below++;
        s->above = 0;
    }
    if (!s->on && s->above >= trigger)
        s->on = true;
    else if (s->on && s->below >= release)
        s->on = false;
    return s->on;
}

double bmc_triage_new_limit(const bmc_triage *s, enum bmc_triage_policy policy, double X,
                            double offered, double cap, double old_share)
{
    if (!s->on)
        return X;
    double limit = X;
    switch (policy) {
    case BMC_TRIAGE_CAP_NEW: limit = cap; break;
    case BMC_TRIAGE_SHARE: limit = (1 - old_share) * offered; break;
    case BMC_TRIAGE_PROTECT_NEW: break;
    }
    return X < limit ? X : limit;
}
