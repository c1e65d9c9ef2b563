#include "staff.h"

#include <math.h>

#include "draws.h"

void bmc_staff_begin(bmc_staff *s, double fte_factor)
{
    s->fte_factor = fte_factor;
    s->y = 0;
    s->a = 0;
    s->started = false;
}

/* In the central projection the factor exp(y - v_a / 2) is at its mean, 1. */
static void next_month(bmc_staff *s, const bmc_model *m, int month, gsl_rng *r, bool det)
{
    const bmc_params *p = &m->p;
    double v = m->availability_var;
    if (!s->started) /* stationary start */
        s->y = sqrt(v) * draw_gaussian(r, det);
    else
        s->y = p->availability_rho * s->y + p->availability_tau * draw_gaussian(r, det);
    s->started = true;
    double a = m->availability_mean[month] * (det ? 1.0 : exp(s->y - v / 2));
    s->a = a < 1 ? a : 1;
}

double bmc_staff_capacity(bmc_staff *s, const bmc_model *m, int t, gsl_rng *r, bool det)
{
    if (m->month_first[t])
        next_month(s, m, m->month_index[t], r, det);
    return m->working[t] ? m->fte[t] * s->fte_factor * s->a : 0;
}
