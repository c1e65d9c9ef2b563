#include "triage.h"

bool bmc_triage_rate(const double *cum, int t, int pact_day, int min_days, double *rate)
{
    int days = t - pact_day + 1;
    if (days >= 365) {
        *rate = cum[t] - (t - 365 >= pact_day ? cum[t - 365] : 0);
        return true;
    }
    if (days >= min_days) {
        *rate = cum[t] * 365.0 / days;
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
