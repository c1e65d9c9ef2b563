#include "intake.h"

#include <math.h>

#include "draws.h"

void bmc_intake_begin(bmc_intake *in, double level)
{
    in->level = level;
    in->deviation = 0;
    in->month_factor = 1;
    in->surge_multiplier = 1;
    in->surge_months_left = 0;
}

static void next_month(bmc_intake *in, const bmc_params *p, gsl_rng *r, bool det)
{
    in->deviation = p->deviation_phi * in->deviation + p->deviation_sigma * draw_gaussian(r, det);
    if (in->surge_months_left > 0 && --in->surge_months_left == 0)
        in->surge_multiplier = 1;
    /* surges are rare shocks with no meaningful expected path: the central projection
     * leaves them out */
    if (!det && p->surge_probability > 0 && in->surge_months_left == 0 &&
        gsl_rng_uniform(r) < p->surge_probability) {
        in->surge_multiplier = bmc_dist_sample(&p->surge_multiplier, r);
        double months = floor(bmc_dist_sample(&p->surge_months, r) + 0.5);
        in->surge_months_left = months < 1 ? 1 : (int)months;
    }
    in->month_factor = exp(in->deviation) * in->surge_multiplier;
}

double bmc_intake_mean(bmc_intake *in, const bmc_model *m, int t, gsl_rng *r, bool det)
{
    if (t == 0 || m->month_index[t] != m->month_index[t - 1])
        next_month(in, &m->p, r, det);
    return in->level * m->intake_base[t] * in->month_factor;
}

double bmc_intake_draw(const bmc_model *m, double mu, gsl_rng *r, bool det)
{
    return draw_negbin(r, det, mu, m->p.negbin_size);
}
