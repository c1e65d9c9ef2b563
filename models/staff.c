#include "staff.h"

#include "draws.h"

double bmc_staff_capacity(const bmc_model *m, int t, double fte_factor, gsl_rng *r, bool det)
{
    const bmc_params *p = &m->p;
    double a = p->availability;
    if (p->availability_concentration > 0 && p->availability < 1)
        a = draw_beta_mean(r, det, p->availability, &m->availability_beta);
    return m->fte[t] * fte_factor * a;
}
