#include "analysis_args.h"

#include <stdio.h>
#include <string.h>

#include "cli_args.h"
#include "outpaths.h"
#include "yamlcfg.h"

void bmc_analysis_args_init(bmc_analysis_args *a, const char *command)
{
    memset(a, 0, sizeof *a);
    a->command = command;
    a->scenarios = a->seed = -1;
}

int bmc_analysis_arg(bmc_analysis_args *a, int argc, char **argv, int *i, bool *taken,
                     bmc_err *err)
{
    const char *o = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    int rc = BMC_OK;
    *taken = true;
    if (!strcmp(o, "--set")) {
        BMC_TRY(bmc_arg_set(val, a->sets, &a->n_sets, BMC_MAX_SET_OPTIONS, err));
    } else if (!strcmp(o, "--scenarios")) {
        rc = bmc_arg_count(o, val, 1, 100000000LL, &a->scenarios, err);
    } else if (!strcmp(o, "--seed")) {
        rc = bmc_arg_count(o, val, 0, 9007199254740991LL, &a->seed, err);
    } else if (!strcmp(o, "--threads")) {
        rc = bmc_arg_count(o, val, 1, 4096, &a->threads, err);
    } else if (!strcmp(o, "--out")) {
        rc = bmc_arg_path(o, val, &a->out, err);
    } else if (!strcmp(o, "--force")) {
        a->force = true;
        return BMC_OK;
    } else if (o[0] != '-' || o[1] == '\0') {
        if (a->config)
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", o);
        a->config = o;
        return BMC_OK;
    } else {
        *taken = false;
        return BMC_OK;
    }
    (*i)++;
    return rc;
}

int bmc_analysis_args_done(const bmc_analysis_args *a, bmc_err *err)
{
    if (!a->config)
        return bmc_fail(err, BMC_EUSAGE, "%s needs a CONFIG file", a->command);
    return BMC_OK;
}

int bmc_analysis_load(const bmc_analysis_args *a, const char *suffix, const char *format,
                      const char *kind, bmc_run_input *in, char *out_path, size_t n,
                      bmc_err *err)
{
    if (a->out) {
        snprintf(out_path, n, "%s", a->out);
    } else {
        const char *base = strrchr(a->config, '/');
        base = base ? base + 1 : a->config;
        snprintf(out_path, n, "results/%.*s-%s.h5", (int)strcspn(base, "."), base, suffix);
    }
    bmc_run_input_args ia = {.config = a->config, .sets = a->sets, .n_sets = a->n_sets,
                             .scenarios = a->scenarios, .seed = a->seed};
    BMC_TRY(bmc_run_input_load(&ia, in, err));
    /* a design the run cannot take is refused here, at run.design in the file */
    BMC_TRY(bmc_run_input_attach_design(in, false, in->p.scenarios, 0, err));
    char what[64], earlier[80];
    snprintf(what, sizeof what, "%s file", kind);
    snprintf(earlier, sizeof earlier, "an earlier %s file", kind);
    bmc_out_plan plan = {.out = out_path, .force = a->force, .format = format, .what = what,
                         .earlier = earlier};
    plan.inputs = cfg_inputs(in->cfg, &plan.n_inputs);
    return bmc_out_plan_check(&plan, err);
}

bmc_analysis_meta bmc_analysis_meta_of(const bmc_analysis_args *a, const bmc_run_input *in,
                                       const char *format, int schema_version)
{
    return (bmc_analysis_meta){.format = format, .schema_version = schema_version,
                               .config_name = a->config, .config_text = in->text,
                               .seed = in->p.seed, .day0 = in->p.start_date,
                               .target_date = in->p.target_date};
}

void bmc_analysis_seed_set(const bmc_run_input *in, char *buf, size_t n)
{
    snprintf(buf, n, "run.seed=%llu", (unsigned long long)in->p.seed);
}
