#include "backtest_table.h"

#include <math.h>
#include <string.h>

/* docs/model.md section 14: what a calibrated intake model must reach at every horizon. */
#define BAND90_LO 0.85
#define BAND90_HI 0.95
#define BAND50_LO 0.40
#define BAND50_HI 0.60

static void print_share(double v, FILE *out)
{
    if (isnan(v))
        fprintf(out, "       -");
    else
        fprintf(out, "  %5.1f%%", 100 * v);
}

static void print_skill(double v, long long n, FILE *out)
{
    if (isnan(v))
        fprintf(out, "      -       ");
    else
        fprintf(out, "  %+6.2f (%3lld)", v, n);
}

static void append(char *buf, size_t n, const char *text)
{
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%s%s", used ? "; " : "", text);
}

/* Why a horizon misses the bands, into buf; empty when it meets them. */
static void band_misses(const bmc_score_summary *s, char *buf, size_t n)
{
    char part[96];
    buf[0] = '\0';
    if (!(s->cover90 >= BAND90_LO && s->cover90 <= BAND90_HI)) {
        snprintf(part, sizeof part, "90 %% intervals cover %.0f %%", 100 * s->cover90);
        append(buf, n, part);
    }
    if (!(s->cover50 >= BAND50_LO && s->cover50 <= BAND50_HI)) {
        snprintf(part, sizeof part, "50 %% intervals cover %.0f %%", 100 * s->cover50);
        append(buf, n, part);
    }
    static const char *const ref[BMC_SCORE_REFS] = {"the same months a year earlier",
                                                    "the last year's total"};
    for (int r = 0; r < BMC_SCORE_REFS; r++) {
        if (isnan(s->skill[r]))
            snprintf(part, sizeof part, "no origin where %s was observed", ref[r]);
        else if (!(s->skill[r] > 0))
            snprintf(part, sizeof part, "no skill against %s", ref[r]);
        else
            continue;
        append(buf, n, part);
    }
}

void bmc_backtest_print(const char *path, const bmc_backtest_h5_info *in, FILE *out)
{
    fprintf(out, "backlogmc backtest %s\n", path);
    fprintf(out, "  configuration  %s\n", in->config_name);
    fprintf(out, "  series         %s%s%s%s, %s\n", in->series_file,
            in->series_column[0] ? " (column " : "", in->series_column,
            in->series_column[0] ? ")" : "", in->period_months == 3 ? "quarterly" : "monthly");
    fprintf(out, "  origins        %d, %s .. %s, each forecast from %lld scenarios (master seed "
                 "%llu)\n", in->n_origins, in->first_origin, in->last_origin,
            (long long)in->n_scenarios, (unsigned long long)in->seed);
    fprintf(out, "  engine         backlogmc %s, git %s\n", in->engine_version, in->git_commit);
    fprintf(out, "  created        %s\n\n", in->created);
    fprintf(out, "total first applications over the next h months, forecast at each origin\n");
    fprintf(out, "horizon  scored  50%% int.  90%% int.  PIT p   mean CRPS  skill vs same months "
                 " skill vs last year\n");
    for (int k = 0; k < in->n_horizons; k++) {
        const bmc_score_summary *s = &in->summary[k];
        fprintf(out, "%4d m  %6lld", in->horizon[k], (long long)s->n);
        print_share(s->cover50, out);
        fprintf(out, "  ");
        print_share(s->cover90, out);
        if (isnan(s->pit_p))
            fprintf(out, "       -");
        else if (s->pit_p < 0.001)
            fprintf(out, "  <0.001");
        else
            fprintf(out, "  %6.3f", s->pit_p);
        if (isnan(s->crps_mean))
            fprintf(out, "           -");
        else
            fprintf(out, "  %10.0f", s->crps_mean);
        fprintf(out, "     ");
        print_skill(s->skill[0], (long long)s->n_ref[0], out);
        fprintf(out, "     ");
        print_skill(s->skill[1], (long long)s->n_ref[1], out);
        fprintf(out, "\n");
    }
    fprintf(out, "(skill: 1 - CRPS / CRPS of the naive forecast, over the (n) origins where it "
                 "exists)\n\nPIT histogram, forecasts per tenth of [0, 1]\n");
    for (int k = 0; k < in->n_horizons; k++) {
        fprintf(out, "%4d m ", in->horizon[k]);
        for (int b = 0; b < BMC_PIT_BINS; b++)
            fprintf(out, " %3lld", (long long)in->summary[k].pit[b]);
        fprintf(out, "\n");
    }
    fprintf(out, "\ncalibration bands (90 %% intervals cover 85-95 %%, 50 %% intervals 40-60 %%, "
                 "skill > 0 against both)\n");
    for (int k = 0; k < in->n_horizons; k++) {
        char why[512];
        if (in->summary[k].n == 0) {
            fprintf(out, "%4d m  nothing observed to score\n", in->horizon[k]);
            continue;
        }
        band_misses(&in->summary[k], why, sizeof why);
        fprintf(out, "%4d m  %s\n", in->horizon[k], why[0] ? why : "met");
    }
}
