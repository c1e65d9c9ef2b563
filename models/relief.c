#include "relief.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"

#define FTE_MAX 1e6   /* the configuration's limit on staff.fte */
#define LEVEL_MAX 1e7 /* and on intake.annual_level */


/* "intake.annual_level=..." at median L, keeping the kind of a lognormal (an intake history
 * needs one); any other law is fixed at L, which is its median in the projection anyway. */
static void level_set(const bmc_model *m, double L, char *buf, size_t n)
{
    const bmc_dist *d = &m->p.annual_level;
    if (d->kind == BMC_DIST_LOGNORMAL)
        snprintf(buf, n, "intake.annual_level={dist: lognormal, median: %.17g, sdlog: %.17g}", L,
                 d->p[1]);
    else
        snprintf(buf, n, "intake.annual_level=%.17g", L);
}

/* Does the projection under the override clear every old case by the target date? */
static int clears(bmc_resim *r, const char *set, bool *yes, int *runs, bmc_err *err)
{
    const bmc_result_block *row;
    const bmc_model *m;
    BMC_TRY(bmc_resim_run(r, set, 0, NULL, &row, err));
    BMC_TRY(bmc_resim_model(r, set, &m, err));
    (*runs)++;
    int day = row->completion_day[0];
    *yes = day >= 0 && day <= m->target_day;
    return BMC_OK;
}

static int clears_fte(bmc_resim *r, double fte, bool *yes, int *runs, bmc_err *err)
{
    char set[64];
    snprintf(set, sizeof set, "staff.fte=%.17g", fte);
    return clears(r, set, yes, runs, err);
}

/* The smallest constant fte that clears by the target, to 0.01. */
static int needed_fte(bmc_resim *r, bmc_relief_row *row, int *runs, bmc_err *err)
{
    bool ok;
    BMC_TRY(clears_fte(r, 0, &ok, runs, err));
    if (ok) {
        row->reachable = true;
        row->fte = 0;
        return BMC_OK;
    }
    double lo = 0, hi = 1;
    for (;;) {
        BMC_TRY(clears_fte(r, hi, &ok, runs, err));
        if (ok)
            break;
        lo = hi;
        if (hi >= FTE_MAX) {
            row->reachable = false;
            row->fte = NAN;
            return BMC_OK;
        }
        hi = fmin(2 * hi, FTE_MAX);
    }
    while (hi - lo > 0.01) {
        double mid = (lo + hi) / 2;
        BMC_TRY(clears_fte(r, mid, &ok, runs, err));
        if (ok)
            hi = mid;
        else
            lo = mid;
    }
    row->reachable = true;
    row->fte = hi;
    return BMC_OK;
}

static int clears_level(bmc_resim *r, const bmc_model *m, double L, bool *yes, int *runs,
                        bmc_err *err)
{
    char set[160];
    level_set(m, L, set, sizeof set);
    return clears(r, set, yes, runs, err);
}

/* The largest level at which the configured capacity still clears by the target. */
static int impossible_level(bmc_resim *r, const bmc_model *m, double *out, int *runs,
                            bmc_err *err)
{
    bool ok;
    /* one application a year stands for none: a lognormal level must stay positive */
    BMC_TRY(clears_level(r, m, 1, &ok, runs, err));
    if (!ok) {
        *out = NAN;
        return BMC_OK;
    }
    double lo = 1, hi = fmax(1000, bmc_dist_quantile(&m->p.annual_level, 0.5));
    for (;;) {
        BMC_TRY(clears_level(r, m, hi, &ok, runs, err));
        if (!ok)
            break;
        lo = hi;
        if (hi >= LEVEL_MAX) {
            *out = INFINITY;
            return BMC_OK;
        }
        hi = fmin(2 * hi, LEVEL_MAX);
    }
    while (hi - lo > 1) {
        double mid = (lo + hi) / 2;
        BMC_TRY(clears_level(r, m, mid, &ok, runs, err));
        if (ok)
            lo = mid;
        else
            hi = mid;
    }
    *out = lo;
    return BMC_OK;
}

static double officer_days_per_fte(const bmc_model *m)
{
    double a = 0;
    for (int k = 0; k < 12; k++)
        a += fmin(1, m->p.availability * m->p.availability_seasonality[k]);
    return bmc_dist_quantile(&m->p.fte_factor, 0.5) * a / 12;
}

/* A row at a fixed level: a workspace whose source carries the level override. */
static int row_at_level(const bmc_resim_source *src, const bmc_model *m, double L,
                        bmc_relief_row *row, int *runs, bmc_err *err)
{
    char set[160];
    level_set(m, L, set, sizeof set);
    const char **sets = malloc(((size_t)src->n_sets + 1) * sizeof *sets);
    if (!sets)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    for (int i = 0; i < src->n_sets; i++)
        sets[i] = src->sets[i];
    sets[src->n_sets] = set;
    bmc_resim_source at = *src;
    at.sets = sets;
    at.n_sets = src->n_sets + 1;
    bmc_resim *r = NULL;
    int rc = bmc_resim_create(&at, &r, err);
    if (rc == BMC_OK)
        rc = needed_fte(r, row, runs, err);
    bmc_resim_free(r);
    free(sets);
    row->level = L;
    return rc;
}

int bmc_relief_compute(const bmc_resim_source *src, bmc_relief *out, bmc_err *err)
{
    memset(out, 0, sizeof *out);
    if (!src->deterministic)
        return bmc_fail(err, BMC_EINTERNAL, "relief capacity needs the central projection");
    bmc_resim *r = NULL;
    BMC_TRY(bmc_resim_create(src, &r, err));
    const bmc_model *m;
    const bmc_result_block *row;
    int rc = bmc_resim_run(r, NULL, 0, NULL, &row, err);
    if (rc == BMC_OK) {
        out->completion_day = row->completion_day[0];
        out->runs++;
        rc = bmc_resim_model(r, NULL, &m, err);
    }
    if (rc == BMC_OK) {
        out->per_fte = officer_days_per_fte(m);
        bmc_relief_row *first = &out->row[0];
        first->configured = true;
        first->level = bmc_dist_quantile(&m->p.annual_level, 0.5);
        rc = needed_fte(r, first, &out->runs, err);
        out->n_rows = 1;
    }
    for (int k = 0; rc == BMC_OK && k < m->p.n_relief_levels; k++) {
        double level = m->p.relief_levels[k];
        if (level != out->row[0].level) /* the configured row has it already */
            rc = row_at_level(src, m, level, &out->row[out->n_rows++], &out->runs, err);
    }
    for (int k = 0; k < out->n_rows; k++)
        out->row[k].officer_days = out->row[k].fte * out->per_fte;
    if (rc == BMC_OK)
        rc = impossible_level(r, m, &out->impossible_above, &out->runs, err);
    bmc_resim_free(r);
    return rc;
}

void bmc_relief_print(const bmc_model *m, const bmc_relief *r, FILE *out)
{
    char target[11], done[11];
    bmc_date_format(m->p.target_date, target);
    fprintf(out, "relief capacity (central projection; constant capacity from the start, found "
                 "by bisection on the model, %d runs)\n",
            r->runs);
    fprintf(out, "  %-22s %26s %10s\n", "intake a year", "officer-days a working day", "fte");
    for (int k = 0; k < r->n_rows; k++) {
        const bmc_relief_row *w = &r->row[k];
        char level[40];
        snprintf(level, sizeof level, "%.0f%s", w->level, w->configured ? " (configured)" : "");
        if (w->reachable)
            fprintf(out, "  %-22s %26.1f %10.1f\n", level, w->officer_days, w->fte);
        else
            fprintf(out, "  %-22s %26s %10s\n", level, "not reachable", "-");
    }
    fprintf(out, "  (one fte gives %.3f officer-days a working day: median fte_factor x "
                 "availability)\n",
            r->per_fte);
    if (r->completion_day >= 0) {
        bmc_date_format(bmc_calendar_date(m->cal, r->completion_day), done);
        fprintf(out, "  with the configured capacity the old cases are cleared on %s\n", done);
    } else {
        fprintf(out, "  with the configured capacity the old cases are not cleared by the "
                     "horizon\n");
    }
    if (isnan(r->impossible_above))
        fprintf(out, "  with the configured capacity clearing by %s is impossible even with "
                     "(almost) no intake\n",
                target);
    else if (isinf(r->impossible_above))
        fprintf(out, "  with the configured capacity clearing by %s stays possible at any "
                     "intake up to 10,000,000 a year\n",
                target);
    else
        fprintf(out, "  with the configured capacity clearing by %s becomes impossible above an "
                     "intake of %.0f a year\n",
                target, r->impossible_above);
}
