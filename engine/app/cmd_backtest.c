#include "commands.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "backtest.h"
#include "backtest_h5.h"
#include "backtest_table.h"
#include "cli_args.h"
#include "outpaths.h"
#include "run_input.h"
#include "yamlcfg.h"

#define MAX_SCENARIOS 1000000 /* a forecast's sample: 480 MB of monthly counts per thread */

const char bmc_cmd_backtest_options[] =
    "backtest options:\n"
    "  --series FILE       observed first applications: CSV, the period (YYYY-MM or YYYY-Qn)\n"
    "                      in the first column (required)\n"
    "  --column NAME       the count column (default: the second)\n"
    "  --origins FROM..TO  forecast at the end of each period FROM..TO (default: from a\n"
    "                      year into the series to the last period the shortest horizon\n"
    "                      can score)\n"
    "  --horizons LIST     months after the origin, e.g. 1,3,6,12 (the default; 3,6,12 for\n"
    "                      a quarterly series, whose horizons must be whole quarters)\n"
    "  --scenarios N       scenarios per forecast (default: run.scenarios of the config)\n"
    "  --seed S            master seed (default: run.seed of the config)\n"
    "  --set KEY.PATH=V    override any config key (repeatable)\n"
    "  --out FILE          backtest file (default: results/<config name>-backtest.h5);\n"
    "                      never an input, and an existing file only with --force\n"
    "  --force             replace an earlier backlogmc backtest file at the output path\n"
    "  --threads T         OpenMP threads (default: OMP_NUM_THREADS, else the cores)\n"
    "\n";

typedef struct backtest_args {
    const char *config, *series, *column, *origins, *horizons, *out;
    const char *sets[BMC_MAX_SET_OPTIONS];
    int n_sets;
    long long scenarios, seed; /* -1: the config's */
    int threads;
    bool force;
} backtest_args;

static int parse_args(int argc, char **argv, backtest_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    a->scenarios = a->seed = -1;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        long long v = 0;
        int rc = BMC_OK;
        bool takes_value = true;
        if (!strcmp(o, "--set")) {
            rc = bmc_arg_set(val, a->sets, &a->n_sets, BMC_MAX_SET_OPTIONS, err);
        } else if (!strcmp(o, "--series")) {
            rc = bmc_arg_path(o, val, &a->series, err);
        } else if (!strcmp(o, "--out")) {
            rc = bmc_arg_path(o, val, &a->out, err);
        } else if (!strcmp(o, "--column") || !strcmp(o, "--origins") ||
                   !strcmp(o, "--horizons")) {
            if (!val || !val[0])
                return bmc_fail(err, BMC_EUSAGE, "%s needs a value", o);
            *(!strcmp(o, "--column") ? &a->column : !strcmp(o, "--origins") ? &a->origins
                                                                            : &a->horizons) = val;
        } else if (!strcmp(o, "--scenarios")) {
            rc = bmc_arg_count(o, val, 2, MAX_SCENARIOS, &a->scenarios, err);
        } else if (!strcmp(o, "--seed")) {
            rc = bmc_arg_count(o, val, 0, 9007199254740991LL, &a->seed, err);
        } else if (!strcmp(o, "--threads")) {
            rc = bmc_arg_count(o, val, 1, 4096, &v, err);
            a->threads = (int)v;
        } else if (!strcmp(o, "--force")) {
            a->force = true;
            takes_value = false;
        } else if (o[0] == '-' && o[1] != '\0') {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for backtest (try --help)",
                            o);
        } else if (!a->config) {
            a->config = o;
            takes_value = false;
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", o);
        }
        if (rc != BMC_OK)
            return rc;
        i += takes_value;
    }
    if (!a->config)
        return bmc_fail(err, BMC_EUSAGE, "backtest needs a CONFIG file");
    if (!a->series)
        return bmc_fail(err, BMC_EUSAGE, "backtest needs --series FILE (observed first "
                        "applications per month or quarter)");
    return BMC_OK;
}

/* results/<config file name without directory and extension>-backtest.h5 */
static void default_out(const char *config, char *buf, size_t n)
{
    const char *base = strrchr(config, '/');
    base = base ? base + 1 : config;
    size_t len = strcspn(base, ".");
    snprintf(buf, n, "results/%.*s-backtest.h5", (int)len, base);
}

/* Every origin's forecast, in parallel; each writes only its own element, so the results do
 * not depend on the threads. The first failure by origin is reported. */
static int forecast_all(const bmc_params *p, const bmc_history *series,
                        const bmc_backtest_plan *plan, uint64_t seed, int64_t n, int threads,
                        bmc_backtest_origin *o, bmc_err *err)
{
    int n_o = plan->n_origins, failed = n_o;
    int *status = calloc((size_t)n_o, sizeof *status);
    bmc_err *why = calloc((size_t)n_o, sizeof *why);
    if (!status || !why) {
        free(status);
        free(why);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the backtest");
    }
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads())
    {
        bmc_backtest_work *w = NULL;
        bmc_err local;
        int wrc = bmc_backtest_work_create(n, &w, &local);
#pragma omp for schedule(dynamic)
        for (int i = 0; i < n_o; i++) {
            if (wrc != BMC_OK) {
                status[i] = wrc;
                why[i] = local;
                continue;
            }
            status[i] = bmc_backtest_origin_run(p, series, plan, i, seed, n, w, &o[i], &why[i]);
        }
        bmc_backtest_work_free(w);
    }
    for (int i = n_o - 1; i >= 0; i--)
        if (status[i] != BMC_OK)
            failed = i;
    int rc = BMC_OK;
    if (failed < n_o)
        rc = bmc_fail(err, status[failed], "%s", why[failed].msg);
    free(status);
    free(why);
    return rc;
}

typedef struct backtest_data {
    bmc_run_input in;
    bmc_history *series;
    bmc_backtest_plan *plan;
    bmc_backtest_origin *origins;
    bmc_score_summary summary[BMC_BT_MAX_HORIZONS];
    bmc_backtest_posterior latest;
} backtest_data;

static int load(const backtest_args *a, backtest_data *d, bmc_err *err)
{
    bmc_run_input_args ia = {.config = a->config, .sets = a->sets, .n_sets = a->n_sets,
                             .scenarios = a->scenarios, .seed = a->seed};
    BMC_TRY(bmc_run_input_load(&ia, &d->in, err));
    d->series = malloc(sizeof *d->series);
    d->plan = malloc(sizeof *d->plan);
    if (!d->series || !d->plan)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the backtest");
    BMC_TRY(bmc_history_read_csv(a->series, a->column, d->series, err));
    bmc_history_period from, to;
    int h[BMC_BT_MAX_HORIZONS], n_h = 0;
    if (a->origins)
        BMC_TRY(bmc_backtest_parse_origins(a->origins, &from, &to, err));
    if (a->horizons)
        BMC_TRY(bmc_backtest_parse_horizons(a->horizons, h, &n_h, err));
    int rc = bmc_backtest_plan_make(d->series, a->origins ? &from : NULL,
                                    a->origins ? &to : NULL, h, n_h, d->plan, err);
    if (rc != BMC_OK) { /* name the file the plan is about */
        bmc_err why = *err;
        return bmc_fail(err, rc, "%s: %s", a->series, why.msg);
    }
    if (d->in.p.scenarios < 2 || d->in.p.scenarios > MAX_SCENARIOS)
        return bmc_fail(err, BMC_EUSAGE, "a backtest needs 2 to %d scenarios per forecast, the "
                        "configuration says %lld (give --scenarios N)", MAX_SCENARIOS,
                        (long long)d->in.p.scenarios);
    return BMC_OK;
}

static int backtest_command(const backtest_args *a, FILE *out, bmc_err *err)
{
    backtest_data d;
    memset(&d, 0, sizeof d);
    char out_path[BMC_PATH_MAX + 1];
    if (a->out)
        snprintf(out_path, sizeof out_path, "%s", a->out);
    else
        default_out(a->config, out_path, sizeof out_path);
    int rc = load(a, &d, err);
    if (rc == BMC_OK) {
        /* the inputs: the config and its base: files, and the series */
        int n_cfg = 0;
        const char *const *cfg_in = cfg_inputs(d.in.cfg, &n_cfg);
        const char **inputs = malloc(((size_t)n_cfg + 1) * sizeof *inputs);
        if (!inputs)
            rc = bmc_fail(err, BMC_ENOMEM, "out of memory");
        if (rc == BMC_OK) {
            for (int i = 0; i < n_cfg; i++)
                inputs[i] = cfg_in[i];
            inputs[n_cfg] = a->series;
            bmc_out_plan op = {.out = out_path, .force = a->force, .inputs = inputs,
                               .n_inputs = n_cfg + 1, .format = BMC_BACKTEST_FORMAT,
                               .what = "backtest file", .earlier = "an earlier backtest"};
            rc = bmc_out_plan_check(&op, err);
        }
        free(inputs);
    }
    if (rc == BMC_OK) {
        d.origins = calloc((size_t)d.plan->n_origins, sizeof *d.origins);
        if (!d.origins)
            rc = bmc_fail(err, BMC_ENOMEM, "out of memory for %d origins", d.plan->n_origins);
    }
    double t0 = omp_get_wtime();
    if (rc == BMC_OK)
        rc = forecast_all(&d.in.p, d.series, d.plan, d.in.p.seed, d.in.p.scenarios, a->threads,
                          d.origins, err);
    if (rc == BMC_OK)
        rc = bmc_backtest_latest(&d.in.p, d.series, &d.latest, err);
    bmc_backtest_meta m = {.config_name = a->config, .config_text = d.in.text,
                           .series_file = a->series, .series_column = a->column,
                           .seed = d.in.p.seed, .n_scenarios = d.in.p.scenarios,
                           .series = d.series, .plan = d.plan, .origins = d.origins,
                           .summary = d.summary, .latest = &d.latest};
    if (rc == BMC_OK) {
        bmc_backtest_summarise(d.plan, d.origins, d.plan->n_origins, d.summary);
        rc = bmc_backtest_h5_write(out_path, &m, err);
    }
    bmc_backtest_h5_info *info = rc == BMC_OK ? malloc(sizeof *info) : NULL;
    if (rc == BMC_OK && !info)
        rc = bmc_fail(err, BMC_ENOMEM, "out of memory");
    if (rc == BMC_OK) /* the table is what the file holds */
        rc = bmc_backtest_h5_read(out_path, info, err);
    if (rc == BMC_OK) {
        fprintf(out, "wrote %s: %d origins x %lld scenarios in %.2f s\n\n", out_path,
                d.plan->n_origins, (long long)d.in.p.scenarios, omp_get_wtime() - t0);
        bmc_backtest_print(out_path, info, out);
    }
    free(info);
    free(d.origins);
    free(d.plan);
    free(d.series);
    bmc_run_input_free(&d.in);
    return rc;
}

int bmc_cmd_backtest(int argc, char **argv, FILE *out, bmc_err *err)
{
    backtest_args a;
    BMC_TRY(parse_args(argc, argv, &a, err));
    return backtest_command(&a, out, err);
}
