#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "state.h"
#include "state_export.h"
#include "cli_args.h"
#include "variants.h"
#include "yamlcfg.h"


const char bmc_cmd_state_options[] =
    "state options (the state file goes to standard output, rounded to whole cases and\n"
    "marked illustrative):\n"
    "  --as-of DATE        the last day of a month within the simulated period\n"
    "  --state FILE        project from this state (default: state: of the config)\n"
    "  --set KEY.PATH=V    override any config key (repeatable)\n"
    "\n";

typedef struct state_args {
    const char *config, *state;
    bmc_date as_of;
    bool has_as_of;
    const char *sets[BMC_MAX_SET_OPTIONS];
    int n_sets;
} state_args;

static int parse(int argc, char **argv, state_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) { /* argv[0] is the command */
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--as-of")) {
            if (!val || bmc_date_parse(val, &a->as_of) != 0)
                return bmc_fail(err, BMC_EUSAGE, "--as-of needs a date YYYY-MM-DD, got \"%s\"",
                                val ? val : "");
            a->has_as_of = true;
            i++;
        } else if (!strcmp(o, "--state")) {
            BMC_TRY(bmc_arg_path(o, val, &a->state, err));
            i++;
        } else if (!strcmp(o, "--set")) {
            BMC_TRY(bmc_arg_set(val, a->sets, &a->n_sets, BMC_MAX_SET_OPTIONS, err));
            i++;
        } else if (o[0] == '-' && o[1] != '\0') {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for state (try --help)", o);
        } else if (!a->config) {
            a->config = o;
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", o);
        }
    }
    if (!a->config || !a->has_as_of)
        return bmc_fail(err, BMC_EUSAGE, "state needs a CONFIG and --as-of DATE");
    return BMC_OK;
}

/* The configuration's parameters in the central projection, from its state if any. */
static int load(const state_args *a, bmc_params *p, bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    cfg_variant *v = NULL;
    int nv = 0;
    char key_path[4096];
    bool has_key = false;
    int rc = cfg_load_file(a->config, &cfg, err);
    for (int i = 0; rc == BMC_OK && i < a->n_sets; i++)
        rc = cfg_apply_set(cfg, a->sets[i], err);
    if (rc == BMC_OK)
        rc = cfg_apply_set(cfg, "run.deterministic=true", err);
    if (rc == BMC_OK)
        rc = cfg_take_variants(cfg, &v, &nv, err);
    if (rc == BMC_OK)
        rc = bmc_state_config_path(cfg, key_path, sizeof key_path, &has_key, err);
    bmc_state_source src = {a->state ? a->state : key_path, NULL};
    if (rc == BMC_OK)
        rc = bmc_params_load_state(cfg, a->state || has_key ? &src : NULL, p, err);
    cfg_variants_free(v, nv);
    cfg_free(cfg);
    return rc;
}

int bmc_cmd_state(int argc, char **argv, FILE *out, bmc_err *err)
{
    state_args a;
    BMC_TRY(parse(argc, argv, &a, err));
    bmc_params *p = malloc(sizeof *p);
    bmc_snapshot *x = malloc(sizeof *x);
    bmc_model *m = NULL;
    int rc = p && x ? BMC_OK : bmc_fail(err, BMC_ENOMEM, "out of memory");
    if (rc == BMC_OK)
        rc = load(&a, p, err);
    if (rc == BMC_OK)
        rc = bmc_model_create(p, &m, err);
    if (rc == BMC_OK)
        rc = bmc_state_export(m, a.as_of, false, x, err);
    if (rc == BMC_OK) {
        char date[11], header[2048];
        bmc_date_format(a.as_of, date);
        snprintf(header, sizeof header,
                 "ILLUSTRATIVE, NOT PUBLISHED FIGURES: the central projection of %s%s%s\n"
                 "(every draw at its expected value, every scenario-level parameter at its "
                 "median)\n"
                 "at the end of %s, rounded to whole cases; the observed values are the "
                 "projection's too.\n"
                 "Made by: backlogmc state %s --as-of %s%s%s",
                 a.config, a.state ? " from " : "", a.state ? a.state : "", date, a.config,
                 date, a.state ? " --state " : "", a.state ? a.state : "");
        rc = bmc_state_write(out, p, x, true, header, err);
    }
    bmc_model_free(m);
    free(p);
    free(x);
    return rc;
}
