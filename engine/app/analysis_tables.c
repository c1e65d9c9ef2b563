#include "analysis_tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- solve ---- */

static void value(double v, bool integer, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (isinf(v))
        snprintf(buf, n, v > 0 ? "+inf" : "-inf");
    else if (integer)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.4g", v);
}

void bmc_print_solve(const char *set, const bmc_solve_options *o, const bmc_solve *s,
                     FILE *out)
{
    const bmc_threshold_result *r = &s->r;
    char a[32], lo[32], hi[32], rl[32], rh[32];
    value(o->lo, s->integer, rl, sizeof rl);
    value(o->hi, s->integer, rh, sizeof rh);
    fprintf(out, "%s:\n", set);
    if (r->method == BMC_THRESHOLD_FLAT) {
        fprintf(out, "  the metric is the same at %s = %s and at %s (%.3f): %s does not move it "
                     "in this range; it %s the target there\n",
                o->key, rl, rh, r->share_lo_end, o->key,
                r->state == BMC_ANSWER_AT_END ? "reaches" : "misses");
    } else {
        bool helps = r->direction > 0;
        fprintf(out, "  direction          more %s %s: the %s value that reaches the target\n",
                o->key, helps ? "helps" : "hurts", helps ? "smallest" : "largest");
        if (r->method == BMC_THRESHOLD_PER_ITEM)
            fprintf(out, "  method             per-scenario thresholds (monotone in all %lld "
                         "checked scenarios), their %d %% point\n",
                    (long long)r->check_items, o->level);
        else
            fprintf(out, "  method             stochastic root search: the metric is not "
                         "monotone per scenario (%lld of %lld checked scenarios, %lld at the "
                         "ends); interval by inverting the Clopper-Pearson interval of the "
                         "share\n",
                    (long long)r->check_violations, (long long)r->check_items,
                    (long long)r->end_violations);
        value(r->answer, s->integer, a, sizeof a);
        value(r->answer_lo, s->integer, lo, sizeof lo);
        value(r->answer_hi, s->integer, hi, sizeof hi);
        if (r->state == BMC_ANSWER_BEYOND)
            fprintf(out, "  answer             not reached within %s..%s (share %.3f at %s, "
                         "%.3f at %s)\n",
                    rl, rh, r->share_lo_end, rl, r->share_hi_end, rh);
        else if (r->state == BMC_ANSWER_AT_END)
            fprintf(out, "  answer             reached already at %s (or beyond it; 95 %% "
                         "interval %s .. %s)\n",
                    helps ? rl : rh, lo, hi);
        else
            fprintf(out, "  answer             %s (95 %% interval %s .. %s)\n", a, lo, hi);
        if (r->fresh_n > 0)
            fprintf(out, "  at the answer      P = %.3f (95 %% interval %.3f .. %.3f) on %lld "
                         "fresh scenarios\n",
                    r->metric, r->metric_lo, r->metric_hi, (long long)r->fresh_n);
    }
    fprintf(out, "  cost               %lld scenario runs\n", (long long)r->runs);
}

/* ---- tornado ---- */

static void day_text(double d, bmc_date day0, char *buf, size_t n)
{
    char iso[16];
    if (isnan(d)) {
        snprintf(buf, n, "-");
    } else if (isinf(d)) {
        snprintf(buf, n, "beyond horizon");
    } else {
        bmc_date_format(day0 + (bmc_date)d, iso);
        snprintf(buf, n, "%s", iso);
    }
}

static void effect_text(const double e[3], const char *fmt, char *buf, size_t n)
{
    if (isnan(e[0])) {
        snprintf(buf, n, "-");
        return;
    }
    char a[24], b[24], c[24];
    snprintf(a, sizeof a, fmt, e[0]);
    snprintf(b, sizeof b, fmt, e[1]);
    snprintf(c, sizeof c, fmt, e[2]);
    snprintf(buf, n, "%s [%s, %s]", a, b, c);
}

void bmc_print_tornado(const bmc_tornado *t, bmc_date day0, bmc_date target, FILE *out)
{
    char base[24], tgt[16];
    day_text(t->median_base, day0, base, sizeof base);
    bmc_date_format(target, tgt);
    fprintf(out, "tornado: each factor at its low and high setting (a parameter's 5 %% and 95 %% "
                 "points unless given), the others at their medians, on %lld scenarios with "
                 "common random numbers; %lld runs; effects high - low with 95 %% paired "
                 "bootstrap intervals (%d replicates)\n",
            (long long)t->scenarios, (long long)t->runs, t->reps);
    fprintf(out, "  all at medians: median completion %s, P(all decided by %s) %.3f\n", base, tgt,
            t->p_base);
    fprintf(out, "  %-4s %-34s %-21s %-31s %-24s %-13s %s\n", "rank", "factor", "low .. high",
            "median completion low -> high", "effect, days", "P low -> high", "effect on P");
    for (int i = 0; i < t->n; i++) {
        const bmc_tornado_factor *f = &t->factor[i];
        char range[48], lo[24], hi[24], med[64], de[48], pe[48], p[24];
        snprintf(range, sizeof range, "%.6g .. %.6g", f->low, f->high);
        day_text(f->median_low, day0, lo, sizeof lo);
        day_text(f->median_high, day0, hi, sizeof hi);
        snprintf(med, sizeof med, "%s -> %s", lo, hi);
        effect_text(f->median_effect, "%+.0f", de, sizeof de);
        effect_text(f->p_effect, "%+.3f", pe, sizeof pe);
        snprintf(p, sizeof p, "%.3f -> %.3f", f->p_low, f->p_high);
        fprintf(out, "  %-4d %-34s %-21s %-31s %-24s %-13s %s\n", i + 1, f->name, range, med,
                de, p, pe);
    }
}

/* ---- Sobol indices ---- */

typedef struct ranked {
    const bmc_sobol_index *ix;
    int i;
} ranked;

static int by_total(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    double p = x->ix[x->i].total, q = y->ix[y->i].total;
    if (isnan(p) != isnan(q))
        return isnan(p) ? 1 : -1;
    if (p != q)
        return p > q ? -1 : 1;
    return x->i - y->i;
}

static void print_output(const bmc_variance_decomposition *v, const char *title,
                         const bmc_sobol_index *ix, const bmc_sobol_summary *s, FILE *out)
{
    fprintf(out, "  %s\n", title);
    if (isnan(ix[0].first) && isnan(ix[0].total)) {
        fprintf(out, "    no indices: the output does not vary or is never defined\n");
        return;
    }
    ranked *r = malloc((size_t)v->k * sizeof *r);
    if (!r)
        return;
    for (int i = 0; i < v->k; i++)
        r[i] = (ranked){ix, i};
    qsort(r, (size_t)v->k, sizeof *r, by_total);
    fprintf(out, "    %-4s %-34s %-26s %s\n", "rank", "factor", "first order [95 %]",
            "total [95 %]");
    for (int j = 0; j < v->k; j++) {
        const bmc_sobol_index *x = &ix[r[j].i];
        char a[48], b[48];
        snprintf(a, sizeof a, "%.3f [%.3f, %.3f]", x->first, x->first_lo, x->first_hi);
        snprintf(b, sizeof b, "%.3f [%.3f, %.3f]", x->total, x->total_lo, x->total_hi);
        fprintf(out, "    %-4d %-34s %-26s %s\n", j + 1, v->name[r[j].i], a, b);
    }
    char a[48], b[48];
    snprintf(a, sizeof a, "%.3f [%.3f, %.3f]", s->sum_first[0], s->sum_first[1],
             s->sum_first[2]);
    snprintf(b, sizeof b, "%.3f [%.3f, %.3f]", s->sum_total[0], s->sum_total[1],
             s->sum_total[2]);
    fprintf(out, "    %-4s %-34s %-26s %s\n", "", "sum", a, b);
    fprintf(out, "    (%lld rows, variance %.4g)\n", (long long)s->rows_used, s->variance);
    if (s->interactions)
        fprintf(out, "    note: the indices do not add up (first-order sum below 1, or totals "
                     "above 1): the factors interact; rank by the total index\n");
    free(r);
}

void bmc_print_sobol(const bmc_variance_decomposition *v, FILE *out)
{
    fprintf(out, "variance decomposition: Sobol indices from a Saltelli design of %lld base "
                 "samples x (%d factors + 2) = %lld runs, Jansen's estimators, %d bootstrap "
                 "replicates; factors: the sampled parameters and the scenario's own streams\n",
            (long long)v->base, v->k, (long long)v->runs, v->reps);
    char title[160];
    snprintf(title, sizeof title, "completion day (beyond the horizon: the day after it, %lld "
             "of %lld rows of A and B)", (long long)v->censored, (long long)(2 * v->base));
    print_output(v, title, v->completion, &v->s_completion, out);
    print_output(v, "share of new cases decided on time", v->on_time, &v->s_on_time, out);
}
