#include "commands.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_tables.h"
#include "analysis_args.h"
#include "cli_args.h"
#include "sensitivity_h5.h"
#include "tornado.h"
#include "variance_decomposition.h"

#define MAX_VARY 64

const char bmc_cmd_sensitivity_options[] =
    "sensitivity options:\n"
    "  --scenarios N       scenarios of the tornado (default: run.scenarios)\n"
    "  --base-samples B    base samples of the Sobol design, B x (k + 3) runs for k sampled\n"
    "                      parameters (default 1000)\n"
    "  --vary NAME=LOW,HIGH  a tornado factor at given values: a sampled parameter (as named\n"
    "                      in the results file, in its own units) or any numeric key\n"
    "  --bootstrap R       bootstrap replicates of the intervals (default 1000)\n"
    "  --seed S, --set KEY.PATH=V, --threads T, --out FILE, --force  as for run (default\n"
    "                      output results/<config name>-sensitivity.h5)\n"
    "\n";

typedef struct sens_args {
    bmc_analysis_args common;
    bmc_tornado_vary vary[MAX_VARY];
    char vary_names[MAX_VARY][256];
    int n_vary;
    long long base, reps;
} sens_args;

/* NAME=LOW,HIGH with two numbers that are the whole of their parts. */
static int parse_vary(const char *text, sens_args *a, bmc_err *err)
{
    if (a->n_vary == MAX_VARY)
        return bmc_fail(err, BMC_EUSAGE, "more than %d --vary options", MAX_VARY);
    const char *eq = text ? strchr(text, '=') : NULL;
    const char *comma = eq ? strchr(eq, ',') : NULL;
    if (!eq || !comma || eq == text || (size_t)(eq - text) >= sizeof a->vary_names[0])
        return bmc_fail(err, BMC_EUSAGE, "--vary needs NAME=LOW,HIGH, e.g. staff.fte=280,330");
    char *end;
    double lo = strtod(eq + 1, &end);
    bool ok = end == comma && isfinite(lo);
    double hi = strtod(comma + 1, &end);
    ok = ok && end != comma + 1 && !*end && isfinite(hi);
    if (!ok)
        return bmc_fail(err, BMC_EUSAGE, "--vary %s: LOW and HIGH must be numbers", text);
    char *name = a->vary_names[a->n_vary];
    memcpy(name, text, (size_t)(eq - text));
    name[eq - text] = '\0';
    a->vary[a->n_vary++] = (bmc_tornado_vary){name, lo, hi};
    return BMC_OK;
}

static int parse_sens_args(int argc, char **argv, sens_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    bmc_analysis_args_init(&a->common, "sensitivity");
    a->base = 1000;
    a->reps = 1000;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool taken;
        BMC_TRY(bmc_analysis_arg(&a->common, argc, argv, &i, &taken, err));
        if (taken)
            continue;
        int rc;
        if (!strcmp(o, "--vary"))
            rc = parse_vary(val, a, err);
        else if (!strcmp(o, "--base-samples"))
            rc = bmc_arg_count(o, val, 2, 100000000LL, &a->base, err);
        else if (!strcmp(o, "--bootstrap"))
            rc = bmc_arg_count(o, val, 1, 100000LL, &a->reps, err);
        else
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for sensitivity (try "
                                             "--help)", o);
        if (rc != BMC_OK)
            return rc;
        i++;
    }
    return bmc_analysis_args_done(&a->common, err);
}

static int write_file(const char *path, const sens_args *a, const bmc_run_input *in,
                      const bmc_tornado *t, const bmc_variance_decomposition *v, bmc_err *err)
{
    bmc_analysis_meta meta = bmc_analysis_meta_of(&a->common, in, BMC_SENSITIVITY_FORMAT,
                                                  BMC_SENSITIVITY_SCHEMA_VERSION);
    bmc_analysis_h5 *f;
    BMC_TRY(bmc_analysis_h5_create(path, &meta, &f, err));
    int rc = bmc_sensitivity_h5_write(f, t, v);
    if (rc != BMC_OK) {
        bmc_analysis_h5_abort(f);
        return rc;
    }
    return bmc_analysis_h5_commit(f, err);
}

static int sensitivity_command(const sens_args *a, FILE *to, bmc_err *err)
{
    bmc_run_input in = {0};
    char out_path[4096];
    int rc = bmc_analysis_load(&a->common, "sensitivity", BMC_SENSITIVITY_FORMAT,
                               "sensitivity results", &in, out_path, sizeof out_path, err);
    bmc_tornado t = {0};
    bmc_variance_decomposition v = {0};
    char seed[64];
    bmc_analysis_seed_set(&in, seed, sizeof seed);
    /* the Sobol rows must be independent for the bootstrap: parameters sampled plainly */
    const char *sets[2] = {seed, "run.design=plain"};
    bmc_resim_source src = {.name = a->common.config, .text = in.text, .sets = sets,
                            .n_sets = 2};
    if (rc == BMC_OK) {
        if (in.n_variants > 0)
            fprintf(to, "sensitivity of the reference configuration (its %d policy variants "
                        "are left out)\n",
                    in.n_variants);
        rc = bmc_tornado_run(&src, in.p.scenarios, a->vary, a->n_vary, (int)a->common.threads,
                             (int)a->reps, &t, err);
    }
    if (rc == BMC_OK) {
        bmc_print_tornado(&t, in.p.start_date, in.p.target_date, to);
        rc = bmc_vd_run(&src, a->base, (int)a->common.threads, (int)a->reps, &v, err);
    }
    if (rc == BMC_OK) {
        fprintf(to, "\n");
        bmc_print_sobol(&v, to);
        rc = write_file(out_path, a, &in, &t, &v, err);
    }
    if (rc == BMC_OK)
        fprintf(to, "wrote %s\n", out_path);
    bmc_tornado_free(&t);
    bmc_vd_free(&v);
    bmc_run_input_free(&in);
    return rc;
}

int bmc_cmd_sensitivity(int argc, char **argv, FILE *out, bmc_err *err)
{
    sens_args a;
    BMC_TRY(parse_sens_args(argc, argv, &a, err));
    return sensitivity_command(&a, out, err);
}
