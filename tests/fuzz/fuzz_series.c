/* libFuzzer harness over what `backlogmc backtest` reads besides the configuration: the
 * series file (models/intake_history.c, docs/model.md section 14) and the backtest's options
 * and plan (models/backtest.c: origins, horizons, observed totals, the naive forecasts), then
 * the intake filter over the whole series (the posterior a run after it starts from) with the
 * parameters of configs/baseline.yaml. The input is the file; when its first line is
 * "#column=NAME" the rest is read with --column NAME, else the count is the second column;
 * a line "%%" ends the file and up to two lines after it are --origins and --horizons (an
 * empty line keeps the default). The file is an anonymous memory file named through /proc,
 * so no disk is touched. Besides the sanitizers it checks that an accepted series keeps the
 * reader's promises: periods of one month or a calendar quarter, oldest first, not
 * overlapping, counts finite and >= 0. */
#define _GNU_SOURCE /* memfd_create */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "backtest.h"
#include "intake_history.h"
#include "params.h"
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

static void check_series(const bmc_history *h)
{
    for (int i = 0; i < h->n; i++) {
        const bmc_history_period *p = &h->p[i];
        if ((p->months != 1 && p->months != 3) || (p->months == 3 && p->month % 3) ||
            !(p->count >= 0) || !isfinite(p->count) ||
            (i > 0 && p->month < h->p[i - 1].month + h->p[i - 1].months)) {
            fprintf(stderr, "an accepted series breaks the reader's promise at period %d\n", i);
            abort();
        }
    }
}

/* Line k (0-based) of text[0, end), empty when absent. */
static void line_of(const char *text, const char *end, int k, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int i = 0; text && text < end; i++) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);
        if (i == k) {
            snprintf(buf, n, "%.*s", (int)(len < n - 1 ? len : n - 1), text);
            return;
        }
        text = nl ? nl + 1 : NULL;
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
    static bmc_backtest_plan plan; /* 600 origins: not on the stack */
    if (bmc_backtest_plan_make(h, origins[0] ? &from : NULL, origins[0] ? &to : NULL, hz, n_h,
                               &plan, &err) == BMC_OK)
        for (int i = 0; i < plan.n_origins; i++)
            for (int k = 0; k < plan.n_horizons; k++) {
                double total, ref[BMC_SCORE_REFS];
                bmc_series_total(h, plan.origin[i] + 1, plan.origin[i] + plan.horizon[k],
                                 &total);
                bmc_backtest_naive(h, baseline->seasonality, plan.origin[i], plan.horizon[k],
                                   ref);
            }
    bmc_backtest_posterior post;
    bmc_backtest_latest(baseline, h, &post, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *end = text + size, *opts = NULL;
    char column[64], origins[64], horizons[64];
    const char *col = NULL;
    if (size > 8 && !memcmp(text, "#column=", 8)) {
        const char *nl = memchr(text, '\n', size);
        size_t n = nl ? (size_t)(nl - text) - 8 : 0;
        if (nl && n < sizeof column) {
            memcpy(column, text + 8, n);
            column[n] = '\0';
            col = column;
            text = nl + 1;
        }
    }
    size_t csv_len = (size_t)(end - text);
    for (const char *c = text; c + 4 <= end; c++)
        if (!memcmp(c, "\n%%\n", 4)) {
            csv_len = (size_t)(c + 1 - text);
            opts = c + 4;
            break;
        }
    line_of(opts, end, 0, origins, sizeof origins);
    line_of(opts, end, 1, horizons, sizeof horizons);
    int fd = memfd_create("series.csv", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    static bmc_history h; /* 600 periods: not on the stack */
    bmc_err err;
    if (write(fd, text, csv_len) == (ssize_t)csv_len &&
        bmc_history_read_csv(path, col, &h, &err) == BMC_OK) {
        check_series(&h);
        use_series(&h, origins, horizons);
    }
    close(fd);
    return 0;
}
