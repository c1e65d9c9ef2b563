#include "commands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "attribution_h5.h"
#include "cli_args.h"
#include "forecast_input.h"

const char bmc_cmd_attribute_options[] =
    "attribute options (OLD and NEW: results files, or configurations):\n"
    "  --old-state FILE    the state of the configuration OLD (default: its state: key)\n"
    "  --new-state FILE    the same for NEW\n"
    "  --scenarios N       scenarios of every step (default: NEW's)\n"
    "  --seed S            master seed of every step (default: NEW's)\n"
    "  --threads T         OpenMP threads (default: OMP_NUM_THREADS, else the cores)\n"
    "  --resamples B       bootstrap resamples of the intervals (default 1000)\n"
    "  --out FILE.h5       also write the attribution as an HDF5 file; an existing one only\n"
    "                      with --force, and only an earlier attribution file\n"
    "\n";

typedef struct attribute_args {
    const char *old, *new, *old_state, *new_state, *out;
    long long scenarios, seed, threads, reps;
    bool force;
} attribute_args;

static int parse(int argc, char **argv, attribute_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    a->scenarios = a->seed = -1;
    a->reps = 1000;
    for (int i = 1; i < argc; i++) { /* argv[0] is the command */
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        const char **file = !strcmp(o, "--old-state")   ? &a->old_state
                            : !strcmp(o, "--new-state") ? &a->new_state
                            : !strcmp(o, "--out")       ? &a->out
                                                        : NULL;
        if (file) {
            BMC_TRY(bmc_arg_path(o, val, file, err));
            i++;
        } else if (!strcmp(o, "--force")) {
            a->force = true;
        } else if (!strcmp(o, "--scenarios")) {
            BMC_TRY(bmc_arg_count(o, val, 1, 100000000, &a->scenarios, err));
            i++;
        } else if (!strcmp(o, "--seed")) {
            BMC_TRY(bmc_arg_count(o, val, 0, 9007199254740991LL, &a->seed, err));
            i++;
        } else if (!strcmp(o, "--threads")) {
            BMC_TRY(bmc_arg_count(o, val, 1, 4096, &a->threads, err));
            i++;
        } else if (!strcmp(o, "--resamples")) {
            BMC_TRY(bmc_arg_count(o, val, 100, 100000, &a->reps, err));
            i++;
        } else if (o[0] == '-' && o[1] != '\0') {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for attribute (try --help)",
                            o);
        } else if (!a->old) {
            a->old = o;
        } else if (!a->new) {
            a->new = o;
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", o);
        }
    }
    if (!a->new)
        return bmc_fail(err, BMC_EUSAGE, "attribute needs OLD and NEW (results files or "
                                         "configurations)");
    return BMC_OK;
}

static void format_date(double day, const char *horizon, char *buf, size_t n)
{
    if (isinf(day)) {
        snprintf(buf, n, "after %s", horizon);
        return;
    }
    char iso[11];
    bmc_date_format((bmc_date)day, iso);
    snprintf(buf, n, "%s", iso);
}

static void format_value(int k, double v, const char *horizon, char *buf, size_t n)
{
    if (k == BMC_ATTR_COMPLETION)
        format_date(v, horizon, buf, n);
    else if (isnan(v))
        snprintf(buf, n, "undefined");
    else if (k == BMC_ATTR_P_TARGET)
        snprintf(buf, n, "%.3f", v);
    else
        snprintf(buf, n, "%.1f %%", 100 * v);
}

/* An effect with its interval: days, probability, or percentage points. */
static void format_effect(int k, double d, double lo, double hi, char *buf, size_t n)
{
    if (isnan(d)) {
        snprintf(buf, n, "unknown");
        return;
    }
    char a[32], b[32];
    /* days: whole, or a half when the two walks differ by an odd number of days */
    bool whole = k == BMC_ATTR_COMPLETION && d == floor(d) && lo == floor(lo) && hi == floor(hi);
    const char *fmt = k == BMC_ATTR_P_TARGET ? "%+.3f" : whole ? "%+.0f" : "%+.1f";
    double scale = k == BMC_ATTR_ON_TIME ? 100 : 1;
    snprintf(a, sizeof a, fmt, d * scale);
    if (isnan(lo) || isnan(hi)) {
        snprintf(b, sizeof b, "[open]");
    } else {
        char l[16], h[16];
        snprintf(l, sizeof l, fmt, lo * scale);
        snprintf(h, sizeof h, fmt, hi * scale);
        snprintf(b, sizeof b, "[%s, %s]", l, h);
    }
    snprintf(buf, n, "%s%s %s", a, k == BMC_ATTR_COMPLETION ? " d" : k == BMC_ATTR_ON_TIME ? " pp" : "",
             b);
}

static void print_table(const attribute_args *a, const bmc_forecast_input *old,
                        const bmc_forecast_input *new, const bmc_attribute_options *o,
                        const bmc_waterfall *w, FILE *out)
{
    char horizon[11], target[11], cell[BMC_ATTR_METRICS][64];
    bmc_date_format(new->p->horizon_date, horizon);
    bmc_date_format(new->p->target_date, target);
    (void)a;
    fprintf(out, "attribution of the change from OLD to NEW (MODEL.md section 13)\n");
    fprintf(out, "  OLD  %s\n  NEW  %s\n", old->describe, new->describe);
    fprintf(out, "  %lld scenarios, seed %llu, every step on the same scenarios (common random "
                 "numbers). The groups move in this order,\n"
                 "  from OLD towards NEW and from NEW towards OLD; a group's effect is the mean "
                 "of its two steps.\n"
                 "  [95 %% interval]: paired bootstrap of the scenarios, %d resamples\n\n",
            (long long)o->scenarios, (unsigned long long)o->seed, o->reps);
    fprintf(out, "%-16s %-26s %-26s %s\n", "", "median completion", "P(complete by target)",
            "median new on-time share");
    for (int s = 0; s <= BMC_ATTR_STEPS; s++) {
        const char *label = s == 0                ? "OLD"
                            : s == BMC_ATTR_STEPS ? "total"
                                                  : bmc_attr_group_name(s - 1);
        for (int k = 0; k < BMC_ATTR_METRICS; k++) {
            const bmc_attr_row *r = &w->row[k];
            if (s == 0)
                format_value(k, r->value[0], horizon, cell[k], sizeof cell[k]);
            else if (s == BMC_ATTR_STEPS)
                format_effect(k, r->total, r->total_low, r->total_high, cell[k], sizeof cell[k]);
            else
                format_effect(k, r->effect[s - 1], r->low[s - 1], r->high[s - 1], cell[k],
                              sizeof cell[k]);
        }
        char name[32];
        snprintf(name, sizeof name, "%s%s", s == 0 || s == BMC_ATTR_STEPS ? "" : "+ ", label);
        bool same = s > 0 && s < BMC_ATTR_STEPS && !w->changed[s - 1];
        if (same)
            fprintf(out, "%-16s %-26s %-26s %-26s (no key changed)\n", name, cell[0], cell[1],
                    cell[2]);
        else
            fprintf(out, "%-16s %-26s %-26s %s\n", name, cell[0], cell[1], cell[2]);
        if (s == BMC_ATTR_STEPS - 1) {
            for (int k = 0; k < BMC_ATTR_METRICS; k++)
                format_value(k, w->row[k].value[BMC_ATTR_GROUPS], horizon, cell[k],
                             sizeof cell[k]);
            fprintf(out, "%-16s %-26s %-26s %s\n", "= NEW", cell[0], cell[1], cell[2]);
        }
    }
    fprintf(out, "\n(target date %s; the effects of the groups add up to the total exactly)\n",
            target);
}

int bmc_cmd_attribute(int argc, char **argv, FILE *out, bmc_err *err)
{
    attribute_args a;
    BMC_TRY(parse(argc, argv, &a, err));
    bmc_forecast_input old = {0}, new = {0};
    bmc_waterfall *w = calloc(1, sizeof *w);
    const char *inputs[4] = {a.old, a.new, a.old_state ? a.old_state : a.old,
                             a.new_state ? a.new_state : a.new};
    bmc_h5_file_plan plan = {.path = a.out, .force = a.force, .inputs = inputs, .n_inputs = 4,
                             .format = BMC_ATTRIBUTION_FORMAT,
                             .what = "attribution file",
                             .earlier = "an earlier attribution file"};
    int rc = w ? BMC_OK : bmc_fail(err, BMC_ENOMEM, "out of memory for the attribution");
    if (rc == BMC_OK && a.out) /* before the simulations, not after */
        rc = bmc_h5_file_check(&plan, err);
    if (rc == BMC_OK)
        rc = bmc_forecast_input_load(a.old, a.old_state, &old, err);
    if (rc == BMC_OK)
        rc = bmc_forecast_input_load(a.new, a.new_state, &new, err);
    bmc_attribute_options o = {
        .scenarios = a.scenarios > 0 ? a.scenarios : new.scenarios,
        .seed = a.seed >= 0 ? (uint64_t)a.seed : new.seed,
        .threads = (int)a.threads,
        .reps = (int)a.reps,
    };
    if (rc == BMC_OK)
        rc = bmc_attribute_run(old.p, new.p, &o, w, err);
    if (rc == BMC_OK)
        print_table(&a, &old, &new, &o, w, out);
    if (rc == BMC_OK && a.out) {
        bmc_attribution_out f = {old.describe, new.describe, o.seed, o.scenarios, w};
        rc = bmc_attribution_write(plan, &f, err);
        if (rc == BMC_OK)
            fprintf(out, "wrote %s\n", a.out);
    }
    bmc_forecast_input_free(&old);
    bmc_forecast_input_free(&new);
    free(w);
    return rc;
}
