#include "commands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "forecast_input.h"
#include "h5read.h"
#include "monitor.h"
#include "monitor_h5.h"
#include "state.h"

const char bmc_cmd_monitor_options[] =
    "monitor options (STATE: a state file with observed: values):\n"
    "  --out FILE.h5       also write the table as an HDF5 file for scripts/report.py\n"
    "                      --monitor; an existing one only with --force\n"
    "\n";

static const char *const LABEL[BMC_OBS_COUNT] = {"old-case first decisions", "old cases open",
                                                 "new on-time share", "intake"};

static int parse(int argc, char **argv, const char **forecast, const char **state,
                 const char **out, bool *force, bmc_err *err)
{
    *forecast = *state = *out = NULL;
    *force = false;
    for (int i = 1; i < argc; i++) { /* argv[0] is the command */
        if (!strcmp(argv[i], "--force")) {
            *force = true;
        } else if (!strcmp(argv[i], "--out")) {
            BMC_TRY(bmc_arg_path("--out", i + 1 < argc ? argv[i + 1] : NULL, out, err));
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for monitor (try --help)",
                            argv[i]);
        } else if (!*forecast) {
            *forecast = argv[i];
        } else if (!*state) {
            *state = argv[i];
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (!*state)
        return bmc_fail(err, BMC_EUSAGE, "monitor needs a FORECAST.h5 and a STATE file");
    return BMC_OK;
}

static void value(int series, double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (bmc_obs_is_share(series))
        snprintf(buf, n, "%.1f %%", 100 * v);
    else
        snprintf(buf, n, "%.0f", v);
}

static void print_table(const char *forecast, const char *state, bmc_date day0, bmc_date as_of,
                        const bmc_monitor *m, FILE *out)
{
    char d0[11], asof[11];
    bmc_date_format(day0, d0);
    bmc_date_format(as_of, asof);
    fprintf(out, "monitoring: the actuals of %s (as of %s)\n  in the forecast %s (from %s)\n\n",
            state, asof, forecast, d0);
    fprintf(out, "%-8s %-25s %10s   %-30s %10s  %s\n", "month", "indicator", "observed",
            "forecast 5 % / 50 % / 95 %", "percentile", "position");
    for (int i = 0; i < m->n; i++) {
        const bmc_monitor_row *r = &m->row[i];
        char month[8], obs[24], lo[24], mid[24], hi[24], fan[80], pct[16];
        bmc_history_period p = {r->month, 1, 0};
        bmc_history_format_period(&p, month);
        value(r->series, r->observed, obs, sizeof obs);
        value(r->series, r->fan[0], lo, sizeof lo);
        value(r->series, r->fan[2], mid, sizeof mid);
        value(r->series, r->fan[4], hi, sizeof hi);
        snprintf(fan, sizeof fan, "%s / %s / %s", lo, mid, hi);
        snprintf(pct, sizeof pct, isnan(r->percentile) ? "-" : "%.1f", r->percentile);
        fprintf(out, "%-8s %-25s %10s   %-30s %10s  %s%s%s\n", month, LABEL[r->series], obs,
                r->position == BMC_MONITOR_NONE ? "-" : fan, pct,
                bmc_monitor_position_name(r->position), r->note[0] ? ": " : "", r->note);
    }
    if (m->n == 0)
        fprintf(out, "(no observed month lies within the forecast)\n");
    if (m->before > 0)
        fprintf(out, "(%d observed values of months before the forecast's first month left out)\n",
                m->before);
}

int bmc_cmd_monitor(int argc, char **argv, FILE *out, bmc_err *err)
{
    const char *forecast, *state, *path;
    bool force;
    BMC_TRY(parse(argc, argv, &forecast, &state, &path, &force, err));
    const char *inputs[2] = {forecast, state};
    bmc_h5_file_plan plan = {.path = path, .force = force, .inputs = inputs, .n_inputs = 2,
                             .format = BMC_MONITOR_FORMAT,
                             .what = "monitoring file", .earlier = "an earlier monitoring file"};
    bmc_forecast_input in = {0};
    bmc_h5read *r = NULL;
    bmc_observed *obs = malloc(sizeof *obs);
    bmc_monitor m = {0};
    int rc = obs ? BMC_OK : bmc_fail(err, BMC_ENOMEM, "out of memory reading %s", state);
    if (rc == BMC_OK && path)
        rc = bmc_h5_file_check(&plan, err);
    if (rc == BMC_OK)
        rc = bmc_h5read_open(forecast, &r, err);
    if (rc == BMC_OK)
        rc = bmc_forecast_input_load(forecast, NULL, &in, err);
    bmc_state_source src = {state, NULL};
    if (rc == BMC_OK) /* checked against the forecast's configuration */
        rc = bmc_state_load(&src, in.p, obs, err);
    const bmc_h5read_info *info = r ? bmc_h5read_get_info(r) : NULL;
    if (rc == BMC_OK)
        rc = bmc_monitor_compute(r, obs, &m, err);
    if (rc == BMC_OK)
        print_table(forecast, state, info->day0, in.p->start.as_of, &m, out);
    if (rc == BMC_OK && path) {
        rc = bmc_monitor_write(plan, forecast, state, in.p->start.as_of, &m, err);
        if (rc == BMC_OK)
            fprintf(out, "wrote %s\n", path);
    }
    bmc_monitor_free(&m);
    bmc_forecast_input_free(&in);
    bmc_h5read_close(r);
    free(obs);
    return rc;
}
