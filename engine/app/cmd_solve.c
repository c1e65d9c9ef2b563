#include "commands.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_tables.h"
#include "analysis_args.h"
#include "solve.h"
#include "solve_h5.h"

const char bmc_cmd_solve_options[] =
    "solve options:\n"
    "  --key KEY           the numeric config key to solve for (--set path syntax)\n"
    "  --range LO..HI      the values it may take\n"
    "  --target-probability P  the probability to reach, a whole percentage in 0.01..0.99\n"
    "  --metric M          all (every old case decided by the target date, default), p95\n"
    "                      (95 % of them), or on-time:Q (a share Q of new cases on time)\n"
    "  --scenarios N       scenarios searched (default: run.scenarios); N more measure the\n"
    "                      metric at the answer\n"
    "  --tolerance X       bisection brackets at most X wide (default (HI - LO) / 1000)\n"
    "  --seed S, --set KEY.PATH=V, --threads T, --out FILE, --force  as for run (default\n"
    "                      output results/<config name>-solve.h5)\n"
    "  with policy variants in the config each is solved on the same scenarios and compared\n"
    "\n";

typedef struct solve_args {
    bmc_analysis_args common;
    const char *key, *metric;
    double lo, hi, p, tolerance;
    bool have_range, have_p;
} solve_args;

/* A number that is the whole argument. */
static int parse_number(const char *opt, const char *text, double *out, bmc_err *err)
{
    char *end;
    if (!text || !*text)
        return bmc_fail(err, BMC_EUSAGE, "%s needs a value", opt);
    *out = strtod(text, &end);
    if (*end || !isfinite(*out))
        return bmc_fail(err, BMC_EUSAGE, "%s %s: expected a number", opt, text);
    return BMC_OK;
}

static int parse_range(const char *text, double *lo, double *hi, bmc_err *err)
{
    const char *dots = text ? strstr(text, "..") : NULL;
    if (!dots)
        return bmc_fail(err, BMC_EUSAGE, "--range needs LO..HI, e.g. 250..500");
    char left[64];
    if ((size_t)(dots - text) >= sizeof left)
        return bmc_fail(err, BMC_EUSAGE, "--range %s: expected LO..HI", text);
    memcpy(left, text, (size_t)(dots - text));
    left[dots - text] = '\0';
    BMC_TRY(parse_number("--range", left, lo, err));
    BMC_TRY(parse_number("--range", dots + 2, hi, err));
    if (!(*lo < *hi))
        return bmc_fail(err, BMC_EUSAGE, "--range %s: LO must be below HI", text);
    return BMC_OK;
}

static int parse_solve_args(int argc, char **argv, solve_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    bmc_analysis_args_init(&a->common, "solve");
    a->metric = "all";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool taken;
        BMC_TRY(bmc_analysis_arg(&a->common, argc, argv, &i, &taken, err));
        if (taken)
            continue;
        int rc = BMC_OK;
        if (!strcmp(o, "--key")) {
            if (!val || !*val)
                return bmc_fail(err, BMC_EUSAGE, "--key needs a KEY.PATH");
            a->key = val;
        } else if (!strcmp(o, "--range")) {
            rc = parse_range(val, &a->lo, &a->hi, err);
            a->have_range = true;
        } else if (!strcmp(o, "--target-probability")) {
            rc = parse_number(o, val, &a->p, err);
            a->have_p = true;
        } else if (!strcmp(o, "--metric")) {
            if (!val)
                return bmc_fail(err, BMC_EUSAGE, "--metric needs all, p95 or on-time:Q");
            a->metric = val;
        } else if (!strcmp(o, "--tolerance")) {
            rc = parse_number(o, val, &a->tolerance, err);
            if (rc == BMC_OK && !(a->tolerance > 0))
                rc = bmc_fail(err, BMC_EUSAGE, "--tolerance must be positive");
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for solve (try --help)", o);
        }
        if (rc != BMC_OK)
            return rc;
        i++;
    }
    BMC_TRY(bmc_analysis_args_done(&a->common, err));
    if (!a->key || !a->have_range || !a->have_p)
        return bmc_fail(err, BMC_EUSAGE, "solve needs --key KEY, --range LO..HI and "
                                         "--target-probability P");
    double pct = a->p * 100;
    if (!(a->p > 0 && a->p < 1) || fabs(pct - round(pct)) > 1e-9 || round(pct) < 1)
        return bmc_fail(err, BMC_EUSAGE, "--target-probability %g: expected a whole percentage "
                                         "between 0.01 and 0.99", a->p);
    return BMC_OK;
}

typedef struct solved {
    int n;
    bmc_solve *s; /* [1 + n_variants] */
} solved;

static int solve_all(const solve_args *a, const bmc_run_input *in, const bmc_solve_options *o,
                     solved *out, FILE *to, bmc_err *err)
{
    char seed[64];
    bmc_analysis_seed_set(in, seed, sizeof seed);
    const char *sets[1] = {seed};
    out->s = calloc((size_t)(1 + in->n_variants), sizeof *out->s);
    if (!out->s)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    for (int v = 0; v <= in->n_variants; v++) {
        const char *name = v ? in->cv[v - 1].name : NULL;
        bmc_resim_source src = {.name = a->common.config, .text = in->text, .variant = name,
                                .sets = sets, .n_sets = 1};
        BMC_TRY(bmc_solve_run(&src, o, &out->s[v], err));
        out->n = v + 1;
        char title[96];
        snprintf(title, sizeof title, v ? "variant %s" : "base", name);
        bmc_print_solve(title, o, &out->s[v], to);
    }
    return BMC_OK;
}

static int write_file(const char *path, const solve_args *a, const bmc_run_input *in,
                      const bmc_solve_options *o, const solved *sv, FILE *to, bmc_err *err)
{
    bmc_analysis_meta meta =
        bmc_analysis_meta_of(&a->common, in, BMC_SOLVE_FORMAT, BMC_SOLVE_SCHEMA_VERSION);
    bmc_analysis_h5 *f;
    BMC_TRY(bmc_analysis_h5_create(path, &meta, &f, err));
    int rc = bmc_solve_h5_question(f, o);
    for (int v = 0; rc == BMC_OK && v < sv->n; v++)
        rc = bmc_solve_h5_write(f, v ? in->cv[v - 1].name : "base", &sv->s[v], o->scenarios);
    for (int v = 1; rc == BMC_OK && v < sv->n; v++) {
        double d[3];
        rc = bmc_solve_compare(&sv->s[0], &sv->s[v], o->scenarios, o->level, 1000,
                               in->p.seed ^ 0x736F6C7665ULL, d, err);
        if (rc == BMC_OK)
            rc = bmc_solve_h5_comparison(f, in->cv[v - 1].name, d);
        if (rc == BMC_OK)
            fprintf(to, "variant %s minus base: %+.4g (95 %% paired interval %.4g .. %.4g)\n",
                    in->cv[v - 1].name, d[0], d[1], d[2]);
    }
    if (rc != BMC_OK) {
        bmc_analysis_h5_abort(f);
        return rc;
    }
    BMC_TRY(bmc_analysis_h5_commit(f, err));
    fprintf(to, "wrote %s\n", path);
    return BMC_OK;
}

static int solve_command(const solve_args *a, FILE *to, bmc_err *err)
{
    bmc_run_input in = {0};
    char out_path[4096];
    bmc_solve_options o = {.key = a->key, .lo = a->lo, .hi = a->hi,
                           .level = (int)round(a->p * 100), .tolerance = a->tolerance,
                           .check_items = 30, .check_points = 9,
                           .threads = (int)a->common.threads};
    int rc = bmc_solve_parse_metric(a->metric, &o.metric, &o.on_time, err);
    if (rc == BMC_OK)
        rc = bmc_analysis_load(&a->common, "solve", BMC_SOLVE_FORMAT, "solve results", &in,
                               out_path, sizeof out_path, err);
    solved sv = {0};
    if (rc == BMC_OK) {
        char what[128];
        o.scenarios = in.p.scenarios;
        bmc_solve_describe_metric(o.metric, o.on_time, what, sizeof what);
        fprintf(to, "solve %s in %g..%g for P(%s) >= %.2f on %lld scenarios (seed %llu)\n",
                o.key, o.lo, o.hi, what, o.level / 100.0, (long long)o.scenarios,
                (unsigned long long)in.p.seed);
        rc = solve_all(a, &in, &o, &sv, to, err);
    }
    if (rc == BMC_OK)
        rc = write_file(out_path, a, &in, &o, &sv, to, err);
    for (int v = 0; v < sv.n; v++)
        bmc_solve_free(&sv.s[v]);
    free(sv.s);
    bmc_run_input_free(&in);
    return rc;
}

int bmc_cmd_solve(int argc, char **argv, FILE *out, bmc_err *err)
{
    solve_args a;
    BMC_TRY(parse_solve_args(argc, argv, &a, err));
    return solve_command(&a, out, err);
}
