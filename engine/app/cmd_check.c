#include "commands.h"

#include <string.h>

#include "cli_args.h"
#include "params.h"
#include "projection.h"
#include "relief.h"
#include "run_input.h"


typedef struct check_args {
    const char *config;
    const char *state; /* --state FILE */
    const char *sets[BMC_MAX_SET_OPTIONS];
    int n_sets;
} check_args;

static int parse_check_args(int argc, char **argv, check_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--set")) {
            BMC_TRY(bmc_arg_set(i + 1 < argc ? argv[i + 1] : NULL, a->sets, &a->n_sets,
                                BMC_MAX_SET_OPTIONS, err));
            i++;
        } else if (!strcmp(o, "--state")) {
            BMC_TRY(bmc_arg_path(o, i + 1 < argc ? argv[i + 1] : NULL, &a->state, err));
            i++;
        } else if (o[0] == '-' && o[1] != '\0') {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for check (try --help)", o);
        } else if (!a->config) {
            a->config = o;
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", o);
        }
    }
    if (!a->config)
        return bmc_fail(err, BMC_EUSAGE, "check needs a CONFIG file");
    return BMC_OK;
}

static int check_command(const check_args *a, FILE *out, bmc_err *err)
{
    bmc_run_input in = {0};
    bmc_run_input_args ia = {.config = a->config, .sets = a->sets, .n_sets = a->n_sets,
                              .scenarios = -1, .seed = -1, .deterministic = true,
                              .state = a->state};
    int rc = bmc_run_input_load(&ia, &in, err);
    if (rc == BMC_OK && in.state_text) {
        char as_of[11];
        bmc_date_format(in.p.start.as_of, as_of);
        fprintf(out, "%s: state is valid; the run starts from it, as of %s\n", in.state_name,
                as_of);
    }
    if (rc == BMC_OK) {
        fprintf(out, "%s: configuration is valid\n\n", a->config);
        bmc_params_print(&in.p, out);
        fprintf(out, "\n");
    }
    bmc_projection pr;
    if (rc == BMC_OK)
        rc = bmc_projection_run(in.m, &pr, err);
    if (rc == BMC_OK)
        bmc_projection_print(in.m, &pr, out);
    if (rc == BMC_OK) {
        /* the reference's relief capacity, by bisection on the same projection */
        bmc_resim_source src = {.name = a->config, .text = in.text, .deterministic = true};
        bmc_relief relief;
        fprintf(out, "\n");
        rc = bmc_relief_compute(&src, &relief, err);
        if (rc == BMC_OK)
            bmc_relief_print(in.m, &relief, out);
    }
    for (int v = 0; rc == BMC_OK && v < in.n_variants; v++) {
        fprintf(out, "\nvariant %s%s%s\n", in.variants[v].name,
                in.variants[v].description[0] ? ": " : "", in.variants[v].description);
        fprintf(out, "  override:\n");
        for (const char *l = in.variants[v].overrides; *l;) {
            size_t n = strcspn(l, "\n");
            fprintf(out, "    %.*s\n", (int)n, l);
            l += n + (l[n] == '\n');
        }
        rc = bmc_projection_run(in.vm[v], &pr, err);
        if (rc == BMC_OK)
            bmc_projection_print(in.vm[v], &pr, out);
    }
    bmc_run_input_free(&in);
    return rc;
}

int bmc_cmd_check(int argc, char **argv, FILE *out, bmc_err *err)
{
    check_args a;
    BMC_TRY(parse_check_args(argc, argv, &a, err));
    return check_command(&a, out, err);
}
