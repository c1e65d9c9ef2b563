#include "intake_sample.h"

#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "rng.h"
#include "scenario.h"

struct bmc_intake_sampler {
    gsl_rng *parameters, *intake;
    double param[BMC_P_MAX];
};

int bmc_intake_sampler_create(bmc_intake_sampler **out, bmc_err *err)
{
    bmc_intake_sampler *s = calloc(1, sizeof *s);
    if (s && (s->parameters = bmc_stream_alloc()) && (s->intake = bmc_stream_alloc())) {
        *out = s;
        return BMC_OK;
    }
    bmc_intake_sampler_free(s);
    *out = NULL;
    return bmc_fail(err, BMC_ENOMEM, "out of memory for an intake sampler");
}

void bmc_intake_sampler_free(bmc_intake_sampler *s)
{
    if (!s)
        return;
    if (s->parameters)
        gsl_rng_free(s->parameters);
    if (s->intake)
        gsl_rng_free(s->intake);
    free(s);
}

void bmc_intake_sample_months(bmc_intake_sampler *s, const bmc_model *m, uint64_t seed,
                              int64_t scenario, double *months)
{
    bmc_stream_key(s->parameters, seed, (uint64_t)scenario, BMC_STREAM_PARAMETERS);
    bmc_stream_key(s->intake, seed, (uint64_t)scenario, BMC_STREAM_INTAKE);
    bmc_scenario_parameters(m, s->parameters, scenario, false, NULL, s->param);
    bmc_intake in;
    bmc_intake_begin(&in, s->param[BMC_P_ANNUAL_LEVEL]);
    if (m->posterior.active)
        bmc_intake_continue(&in, s->param[BMC_P_HISTORY_DEVIATION]);
    memset(months, 0, (size_t)m->nmonths * sizeof *months);
    const double all = 1;
    for (int t = 0; t < m->ndays; t++) {
        double mu = bmc_intake_mean(&in, m, t, s->intake, false), n;
        months[m->month_index[t]] += bmc_intake_arrivals(m, mu, s->intake, false, 1, &all, &n);
    }
}
