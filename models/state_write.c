#include "state_export.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* A count as written: whole cases, or exactly as held (%.17g reads back to the same double). */
static void put_count(FILE *f, double v, bool whole)
{
    if (whole)
        fprintf(f, "%.0f", fmax(0, round(v)));
    else
        fprintf(f, "%.17g", v);
}

static void put_month(FILE *f, int month)
{
    char buf[8];
    bmc_history_period p = {month, 1, 0};
    bmc_history_format_period(&p, buf);
    fputs(buf, f);
}

/* "YYYY-MM" when l is its month clipped to the Pact date and as_of, "YYYY-MM-DD" for a day. */
static int put_lodging(FILE *f, const bmc_params *p, const bmc_start *s, const bmc_lodging *l,
                       bmc_err *err)
{
    int month = bmc_history_month_of(l->first);
    bmc_date first = bmc_history_month_first(month), last = bmc_history_month_first(month + 1) - 1;
    if (first < p->pact_date)
        first = p->pact_date;
    if (last > s->as_of)
        last = s->as_of;
    if (l->first == first && l->last == last) {
        put_month(f, month);
        return BMC_OK;
    }
    if (l->first != l->last)
        return bmc_fail(err, BMC_EINTERNAL, "a lodging period that is neither a day nor a month");
    char buf[11];
    bmc_date_format(l->first, buf);
    fputs(buf, f);
    return BMC_OK;
}

/* A category or track name as a YAML key: plain when it is letters, digits, '_' and '-' (not
 * first), else double-quoted. */
static void put_name(FILE *f, const char *name)
{
    bool plain = name[0] != '-' && name[0] != '\0';
    for (const char *c = name; *c && plain; c++)
        plain = isalnum((unsigned char)*c) || *c == '_' || *c == '-';
    if (plain) {
        fputs(name, f);
        return;
    }
    fputc('"', f);
    for (const char *c = name; *c; c++) {
        if (*c == '"' || *c == '\\')
            fputc('\\', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

static void put_header(FILE *f, const char *header)
{
    for (const char *l = header; l && *l;) {
        size_t n = strcspn(l, "\n");
        fprintf(f, "# %.*s\n", (int)n, l);
        l += n + (l[n] == '\n');
    }
}

static void put_old(FILE *f, const bmc_params *p, const bmc_start *s, bool whole)
{
    static const char *const stage[] = {"waiting", "ready", "remands"};
    fprintf(f, "old_cases:\n");
    for (int c = 0; c < p->n_categories; c++) {
        const double v[3] = {s->waiting[c], s->ready[c], s->remands[c]};
        fprintf(f, "  ");
        put_name(f, p->cat[c].name);
        fprintf(f, ": {");
        for (int k = 0, n = 0; k < 3; k++) {
            if (v[k] <= 0 || (whole && round(v[k]) <= 0))
                continue;
            fprintf(f, "%s%s: ", n++ ? ", " : "", stage[k]);
            put_count(f, v[k], whole);
        }
        fprintf(f, "}\n");
    }
    fprintf(f, "decided_old: ");
    put_count(f, s->decided_old, whole);
    fprintf(f, "\n");
}

static int put_new(FILE *f, const bmc_params *p, const bmc_start *s, bool whole, bmc_err *err)
{
    fprintf(f, "new_cases:\n");
    for (int k = 0; k < p->n_tracks; k++) {
        fprintf(f, "  ");
        put_name(f, p->track[k].name);
        fprintf(f, ": [");
        for (int j = 0, n = 0; j < s->n_lodging[k]; j++) {
            const bmc_lodging *l = &s->lodging[k][j];
            if (whole && round(l->count) <= 0)
                continue;
            fprintf(f, "%s[", n++ ? ", " : "");
            BMC_TRY(put_lodging(f, p, s, l, err));
            fprintf(f, ", ");
            put_count(f, l->count, whole);
            fprintf(f, "]");
        }
        fprintf(f, "]\n");
    }
    return BMC_OK;
}

static void put_history(FILE *f, const bmc_history *h, bool whole)
{
    if (h->n == 0)
        return;
    fprintf(f, "intake_history:\n");
    for (int i = 0; i < h->n; i++) {
        char buf[8];
        bmc_history_format_period(&h->p[i], buf);
        fprintf(f, "  - [%s, ", buf);
        put_count(f, h->p[i].count, whole);
        fprintf(f, "]\n");
    }
}

static void put_observed(FILE *f, const bmc_observed *o, bool whole)
{
    bool any = false;
    for (int k = 0; k < BMC_OBS_COUNT; k++)
        any = any || o->n[k] > 0;
    if (!any)
        return;
    fprintf(f, "observed:\n");
    for (int k = 0; k < BMC_OBS_COUNT; k++) {
        if (o->n[k] == 0)
            continue;
        fprintf(f, "  %s:\n", bmc_obs_name(k));
        for (int i = 0; i < o->n[k]; i++) {
            fprintf(f, "    - [");
            put_month(f, o->p[k][i].month);
            fprintf(f, ", ");
            if (bmc_obs_is_share(k))
                fprintf(f, whole ? "%.4f" : "%.17g", o->p[k][i].value);
            else
                put_count(f, o->p[k][i].value, whole);
            fprintf(f, "]\n");
        }
    }
}

int bmc_state_write(FILE *out, const bmc_params *p, const bmc_snapshot *x, bool whole,
                    const char *header, bmc_err *err)
{
    const bmc_start *s = &x->start;
    char buf[11];
    put_header(out, header);
    bmc_date_format(s->as_of, buf);
    fprintf(out, "as_of: %s\n", buf);
    put_old(out, p, s, whole);
    BMC_TRY(put_new(out, p, s, whole, err));
    put_history(out, &x->history, whole);
    if (s->triage_given)
        fprintf(out, "triage: {on: %s, above: %d, below: %d}\n", s->triage.on ? "true" : "false",
                s->triage.above, s->triage.below);
    if (s->cycle_given) {
        bmc_date_format(s->cycle_start, buf);
        fprintf(out, "plan_cycle_start: %s\n", buf);
    }
    put_observed(out, &x->observed, whole);
    if (fflush(out) != 0 || ferror(out))
        return bmc_fail(err, BMC_EIO, "cannot write the state");
    return BMC_OK;
}
