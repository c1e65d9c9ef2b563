#include "start.h"

#include <math.h>

#include "params.h"

double bmc_lodging_day_count(const bmc_lodging *l, int i, bool deterministic)
{
    double days = (double)(l->last - l->first + 1);
    if (deterministic)
        return l->count / days;
    return floor((i + 1) * l->count / days) - floor(i * l->count / days);
}

void bmc_params_apply_start(bmc_params *p, const bmc_start *s)
{
    p->start = *s;
    p->start.active = true;
    p->start_date = s->as_of + 1;
}
