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
    in->started = false;
    in->conditioned = false;
    in->dev_mean = in->dev_var = 0;
}

void bmc_intake_continue(bmc_intake *in, double x)
{
    in->deviation = x;
    in->started = true;
    in->conditioned = true;
    in->dev_mean = x;
    in->dev_var = 0;
}

/* In the central projection every draw is at its expected value: zeta = 0 keeps the level
 * (its median path), and the deviation factor is at its mean: 1 from the stationary start
 * (exp(x - v_x / 2) has mean one; exp(0 - v_x / 2) would be the factor's value at the mean of
 * x, not its mean), after a history its mean given the last observed month's x. */
static void next_month(bmc_intake *in, const bmc_model *m, gsl_rng *r, bool det)
{
    const bmc_params *p = &m->p;
    double v = m->deviation_var;
    if (!in->started) /* stationary start: x_0 ~ N(0, v_x), as if the AR(1) ran for ever */
        in->deviation = sqrt(v) * draw_gaussian(r, det);
    else
        in->deviation =
            p->deviation_phi * in->deviation + p->deviation_sigma * draw_gaussian(r, det);
    in->started = true;
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
    double factor = exp(in->deviation - v / 2);
    if (det && in->conditioned) { /* E exp(x - v/2) given x_0: x ~ N(dev_mean, dev_var) */
        in->dev_mean *= p->deviation_phi;
        in->dev_var = p->deviation_phi * p->deviation_phi * in->dev_var +
                      p->deviation_sigma * p->deviation_sigma;
        factor = exp(in->dev_mean + in->dev_var / 2 - v / 2);
    } else if (det) {
        factor = 1; /* the stationary factor's mean */
    }
    in->month_factor = factor * in->surge_multiplier;
}

double bmc_intake_mean(bmc_intake *in, const bmc_model *m, int t, gsl_rng *r, bool det)
{
    if (m->year_first[t] && m->p.year_to_year_sdlog > 0)
        in->level *= exp(m->p.year_to_year_sdlog * draw_gaussian(r, det));
    if (m->month_first[t])
        next_month(in, m, r, det);
    return in->level * m->intake_base[t] * in->month_factor;
}

/* Given the day's rate lambda (the negative binomial's gamma mixing), the total is
 * Poisson(lambda), and a multinomial split of a Poisson count is the same as independent
 * Poisson(share_i lambda) counts (Poisson thinning): one Poisson draw per class and no
 * binomial gives the law of docs/model.md section 5 with its split by share. */
double bmc_intake_arrivals(const bmc_model *m, double mu, gsl_rng *r, bool det, int n,
                           const double *share, double *out)
{
    double rate = draw_negbin_rate(r, det, mu, m->intake_negbin ? &m->intake_gamma : NULL);
    double total = 0;
    for (int i = 0; i < n; i++)
        total += out[i] = draw_poisson(r, det, share[i] * rate);
    return total;
}
