/* libFuzzer harness over what `backlogmc backtest` reads besides the configuration: the
 * series file (intake_history.c: the CSV reader) and the backtest's options and plan
 * (backtest.c: origins, horizons, observed totals, the naive forecasts), then the intake
 * filter over the whole series (the posterior a run after it would start from), with the
 * parameters of configs/baseline.yaml. Input: the CSV text, optionally followed by a line
 * "%%" and up to three lines: the column name, the origins and the horizons (an empty line
 * keeps the default). Besides the sanitizers it checks that an accepted series is what the
 * reader promises: periods of one or three months, in order, not overlapping, counts >= 0. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "backtest.h"
#include "intake_history.h"
#include "params.h"
#include "textfile.h"
#include "yamlcfg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bmc_params *baseline;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    const char *src = getenv("BACKLOGMC_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/configs/baseline.yaml", src ? src : ".");
    bmc_cfg *cfg = NULL;
    bmc_err err;
    baseline = malloc(sizeof *baseline);
    if (!baseline || cfg_load_file(path, &cfg, &err) != BMC_OK ||
        bmc_params_load(cfg, baseline, &err) != BMC_OK) {
        fprintf(stderr, "fuzz_series: cannot load %s\n", path);
        abort();
    }
    cfg_free(cfg);
    return 0;
}

/* What bmc_history_parse_csv promises of a series it accepts. */
static void check_series(const bmc_history *h)
{
    for (int i = 0; i < h->n; i++) {
        const bmc_history_period *p = &h->p[i];
        if ((p->months != 1 && p->months != 3) || (p->months == 3 && p->month % 3) ||
            !(p->count >= 0) || !isfinite(p->count) ||
            (i > 0 && p->month < h->p[i - 1].month + h->p[i - 1].months)) {
            fprintf(stderr, "accepted series breaks its promise at period %d\n", i);
            abort();
        }
    }
}

/* Line k (0-based) of the options after "%%", empty when absent. */
static void option_line(const char *opts, const char *end, int k, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int i = 0; opts && opts < end; i++) {
        const char *nl = memchr(opts, '\n', (size_t)(end - opts));
        size_t len = nl ? (size_t)(nl - opts) : (size_t)(end - opts);
        if (i == k) {
            snprintf(buf, n, "%.*s", (int)(len < n - 1 ? len : n - 1), opts);
            return;
        }
        opts = nl ? nl + 1 : NULL;
    }
}

static void use_series(const bmc_history *h, const char *origins, const char *horizons)
{
    bmc_err err;
    bmc_history_period from, to;
    int hz[BMC_BT_MAX_HORIZONS], n_h = 0;
    if (origins[0] && bmc_backtest_parse_origins(origins, &from, &to, &err) != BMC_OK)
        return;
    if (horizons[0] && bmc_backtest_parse_horizons(horizons, hz, &n_h, &err) != BMC_OK)
        return;
    bmc_backtest_plan *plan = malloc(sizeof *plan);
    if (plan && bmc_backtest_plan_make(h, origins[0] ? &from : NULL, origins[0] ? &to : NULL,
                                       hz, n_h, plan, &err) == BMC_OK) {
        for (int i = 0; i < plan->n_origins; i++)
            for (int k = 0; k < plan->n_horizons; k++) {
                double total, ref[BMC_SCORE_REFS];
                bmc_series_total(h, plan->origin[i] + 1, plan->origin[i] + plan->horizon[k],
                                 &total);
                bmc_backtest_naive(h, baseline->seasonality, plan->origin[i], plan->horizon[k],
                                   ref);
            }
    }
    free(plan);
    bmc_backtest_posterior post;
    bmc_backtest_latest(baseline, h, &post, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *end = text + size, *opts = NULL;
    size_t csv_len = size;
    for (size_t i = 0; i + 4 <= size; i++)
        if (!memcmp(text + i, "\n%%\n", 4)) {
            csv_len = i + 1;
            opts = text + i + 4;
            break;
        }
    char column[256], origins[64], horizons[64];
    option_line(opts, end, 0, column, sizeof column);
    option_line(opts, end, 1, origins, sizeof origins);
    option_line(opts, end, 2, horizons, sizeof horizons);
    bmc_text_problem tp; /* what bmc_history_read_csv refuses before parsing */
    if (bmc_text_check(text, csv_len, &tp) != 0)
        return 0;
    bmc_history *h = malloc(sizeof *h);
    bmc_err err;
    if (h && bmc_history_parse_csv(text, csv_len, "fuzz.csv", column[0] ? column : NULL, h,
                                   &err) == BMC_OK) {
        check_series(h);
        use_series(h, origins, horizons);
    }
    free(h);
    return 0;
}
