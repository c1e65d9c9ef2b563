#include "summary_table.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#define TEXT_LEN 32

/* An ISO date, "after <horizon>", "open" or "-" (summary.h's day codes). */
static const char *day_text(const bmc_summary *s, int32_t day, char *buf)
{
    bmc_date d0 = bmc_summary_day0(s);
    if (day >= 0) {
        bmc_date_format(d0 + day, buf);
    } else if (day == -1) {
        char h[16];
        bmc_date_format(d0 + bmc_summary_ndays(s) - 1, h);
        snprintf(buf, TEXT_LEN, "after %s", h);
    } else {
        snprintf(buf, TEXT_LEN, "%s", day == BMC_SUM_NO_BOUND ? "open" : "-");
    }
    return buf;
}

static const char *date_of_day(const bmc_summary *s, int day, char *buf)
{
    bmc_date_format(bmc_summary_day0(s) + day, buf);
    return buf;
}

/* "from .. to" of a quantile's interval */
static const char *interval_text(const bmc_summary *s, const bmc_sum_quantile *q, char *buf)
{
    char lo[TEXT_LEN], hi[TEXT_LEN];
    snprintf(buf, 2 * TEXT_LEN, "%s .. %s", day_text(s, q->lo_day, lo),
             day_text(s, q->hi_day, hi));
    return buf;
}

static void print_quantile_row(const bmc_summary *s, const char *label,
                               const bmc_sum_quantile *q, FILE *out)
{
    char a[TEXT_LEN], ci[2 * TEXT_LEN];
    fprintf(out, "  %-16s %-17s %s\n", label, day_text(s, q->day, a), interval_text(s, q, ci));
}

static void print_completion(const bmc_summary *s, FILE *out)
{
    fprintf(out, "Completion: the day every old case is decided or closed (%lld scenarios)\n",
            (long long)bmc_summary_n(s, BMC_SUM_ALL));
    fprintf(out, "  %-16s %-17s %s\n", "quantile", "date", "95 % interval");
    for (int l = 0; l < BMC_SUM_N_LEVELS; l++) {
        bmc_sum_quantile q;
        char label[16];
        bmc_summary_day_quantile(s, BMC_SUM_ALL, BMC_SUM_COMPLETION, bmc_summary_levels[l], &q);
        snprintf(label, sizeof label, "%d %%", bmc_summary_levels[l]);
        print_quantile_row(s, label, &q, out);
    }
}

static void print_prob_row(const bmc_sum_prob *p, const char *label, FILE *out)
{
    if (p->n == 0) {
        fprintf(out, "  %-34s %9s\n", label, "0");
        return;
    }
    /* two decimals: with thousands of scenarios an interval like 99.96 - 100 % is common */
    fprintf(out, "  %-34s %9lld %8.2f %%   %6.2f - %6.2f %%   %6.2f - %6.2f %%\n", label,
            (long long)p->n, 100 * p->estimate, 100 * p->wilson_lo, 100 * p->wilson_hi,
            100 * p->cp_lo, 100 * p->cp_hi);
}

static void print_probabilities(const bmc_summary *s, FILE *out)
{
    static const char *const group_title[BMC_SUM_GROUPS] = {
        "all scenarios", "scenarios where triage switched on", "scenarios without triage"};
    char target[16], horizon[16], label[64];
    date_of_day(s, bmc_summary_target_day(s), target);
    date_of_day(s, bmc_summary_ndays(s) - 1, horizon);
    fprintf(out, "Probabilities with 95 %% intervals\n");
    fprintf(out, "  %-34s %9s %10s   %-17s   %s\n", "", "scenarios", "P", "Wilson",
            "Clopper-Pearson");
    for (int g = 0; g < BMC_SUM_GROUPS; g++) {
        fprintf(out, "  %s\n", group_title[g]);
        for (int e = 0; e < BMC_SUM_EVENTS; e++) {
            bmc_sum_prob p;
            bmc_summary_probability(s, g, e, &p);
            if (e == BMC_SUM_COMPLETE_BY_TARGET)
                snprintf(label, sizeof label, "  all decided by %s", target);
            else if (e == BMC_SUM_P95_BY_TARGET)
                snprintf(label, sizeof label, "  >= 95 %% decided by %s", target);
            else
                snprintf(label, sizeof label, "  all decided by %s", horizon);
            print_prob_row(&p, label, out);
        }
    }
}

static void print_milestones(const bmc_summary *s, FILE *out)
{
    static const struct {
        int q;
        const char *label;
    } rows[] = {{BMC_SUM_P90, "90 % decided"},
                {BMC_SUM_P95, "95 % decided"},
                {BMC_SUM_P99, "99 % decided"},
                {BMC_SUM_COMPLETION, "all decided"},
                {BMC_SUM_FIRST_TRIAGE, "triage first on"}};
    fprintf(out, "Milestones of the old cases: median date and its 95 %% interval\n");
    fprintf(out, "  %-16s %-17s %s\n", "milestone", "median", "95 % interval");
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        bmc_sum_quantile q;
        bmc_summary_day_quantile(s, BMC_SUM_ALL, rows[i].q, 50, &q);
        print_quantile_row(s, rows[i].label, &q, out);
    }
}

static void print_categories(const bmc_summary *s, FILE *out)
{
    const bmc_layout *l = bmc_summary_layout(s);
    if (l->n_categories == 0)
        return;
    fprintf(out, "Completion per category: 5 %%, median (95 %% interval), 95 %%\n");
    fprintf(out, "  %-10s %-17s %-17s %-36s %s\n", "category", "5 %", "median",
            "95 % interval of the median", "95 %");
    for (int c = 0; c < l->n_categories; c++) {
        bmc_sum_quantile q5, q50, q95;
        int quantity = BMC_SUM_CATEGORY + c;
        bmc_summary_day_quantile(s, BMC_SUM_ALL, quantity, 5, &q5);
        bmc_summary_day_quantile(s, BMC_SUM_ALL, quantity, 50, &q50);
        bmc_summary_day_quantile(s, BMC_SUM_ALL, quantity, 95, &q95);
        char a[TEXT_LEN], b[TEXT_LEN], ci[2 * TEXT_LEN], d[TEXT_LEN];
        fprintf(out, "  %-10s %-17s %-17s %-36s %s\n", l->category_names[c],
                day_text(s, q5.day, a), day_text(s, q50.day, b), interval_text(s, &q50, ci),
                day_text(s, q95.day, d));
    }
}

void bmc_summary_print(const bmc_summary *s, FILE *out)
{
    print_completion(s, out);
    fprintf(out, "\n");
    print_probabilities(s, out);
    fprintf(out, "\n");
    print_milestones(s, out);
    fprintf(out, "\n");
    print_categories(s, out);
}

/* Width of the name column: the longest name, at least 24 as in the other tables. */
static int name_width(const char *reference, const char (*names)[BMC_NAME_LEN], int n)
{
    size_t w = reference ? strlen(reference) : 0;
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) > w)
            w = strlen(names[i]);
    return w < 24 ? 24 : (int)w;
}

static void print_variant_row(const char *name, int width, const bmc_summary *s, FILE *out)
{
    bmc_sum_quantile q;
    bmc_sum_prob p;
    bmc_summary_day_quantile(s, BMC_SUM_ALL, BMC_SUM_COMPLETION, 50, &q);
    bmc_summary_probability(s, BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
    char a[TEXT_LEN], ci[2 * TEXT_LEN];
    fprintf(out, "  %-*s %-17s %-36s %8.2f %%   %6.2f - %6.2f %%\n", width, name,
            day_text(s, q.day, a), interval_text(s, &q, ci), 100 * p.estimate, 100 * p.cp_lo,
            100 * p.cp_hi);
}

void bmc_summary_print_variants(const char *reference, const bmc_summary *ref,
                                const char (*names)[BMC_NAME_LEN], bmc_summary *const *sums,
                                int n, FILE *out)
{
    if (n == 0)
        return;
    char target[16];
    int w = name_width(reference, names, n);
    date_of_day(ref, bmc_summary_target_day(ref), target);
    fprintf(out, "Variants: median completion (95 %% interval), P(all decided by %s) "
            "(Clopper-Pearson)\n", target);
    fprintf(out, "  %-*s %-17s %-36s %10s   %s\n", w, "variant", "median", "95 % interval", "P",
            "95 % interval");
    print_variant_row(reference, w, ref, out);
    for (int i = 0; i < n; i++)
        print_variant_row(names[i], w, sums[i], out);
}

/* Days as a signed whole number ("+5", "0", "-12"), with one decimal when not whole; none
 * for NaN (no scenarios, or an interval open on that side). */
static const char *days_text(double v, const char *none, char *buf)
{
    if (isnan(v))
        snprintf(buf, TEXT_LEN, "%s", none);
    else if (v == 0)
        snprintf(buf, TEXT_LEN, "0");
    else if (v == floor(v) && fabs(v) < 1e9)
        snprintf(buf, TEXT_LEN, "%+.0f", v);
    else
        snprintf(buf, TEXT_LEN, "%+.1f", v);
    return buf;
}

static int level_index(const bmc_h5read_paired_info *p, int level)
{
    for (int i = 0; i < BMC_SUM_N_LEVELS; i++)
        if (p->level_percent[i] == level)
            return i;
    return -1;
}

static double diff_at(const double *a, const bmc_h5read_paired_info *p, int level)
{
    int i = level_index(p, level);
    return i < 0 || p->both_complete == 0 ? NAN : a[i];
}

static void print_absent(const char *name, int w, FILE *out)
{
    fprintf(out, "  %-*s no paired comparison in the file\n", w, name);
}

static void print_paired_counts(const char (*names)[BMC_NAME_LEN], int w,
                                const bmc_h5read_paired_info *paired, int n, FILE *out)
{
    fprintf(out, "  %-*s %9s %8s %8s %10s   %s\n", w, "variant", "later", "earlier", "tied",
            "P(later)", "Wilson 95 % interval");
    for (int i = 0; i < n; i++) {
        const bmc_h5read_paired_info *p = &paired[i];
        if (!p->present) {
            print_absent(names[i], w, out);
            continue;
        }
        fprintf(out, "  %-*s %9lld %8lld %8lld %8.2f %%   %6.2f - %6.2f %%\n", w, names[i],
                (long long)p->later, (long long)p->earlier, (long long)p->tied,
                100 * p->p_later[0], 100 * p->p_later[1], 100 * p->p_later[2]);
    }
}

static void print_paired_days(const char (*names)[BMC_NAME_LEN], int w,
                              const bmc_h5read_paired_info *paired, int n, FILE *out)
{
    fprintf(out, "  %-*s %9s %8s   %-17s %6s %6s %8s\n", w, "variant", "scenarios", "median",
            "95 % interval", "5 %", "95 %", "mean");
    for (int i = 0; i < n; i++) {
        const bmc_h5read_paired_info *p = &paired[i];
        if (!p->present) {
            print_absent(names[i], w, out);
            continue;
        }
        bool none = p->both_complete == 0;
        char med[TEXT_LEN], lo[TEXT_LEN], hi[TEXT_LEN], q5[TEXT_LEN], q95[TEXT_LEN];
        char ci[2 * TEXT_LEN + 8], mean[TEXT_LEN];
        days_text(diff_at(p->diff_quantile, p, 50), "-", med);
        days_text(diff_at(p->diff_ci_low, p, 50), "open", lo);
        days_text(diff_at(p->diff_ci_high, p, 50), "open", hi);
        snprintf(ci, sizeof ci, "%s .. %s", lo, hi);
        days_text(diff_at(p->diff_quantile, p, 5), "-", q5);
        days_text(diff_at(p->diff_quantile, p, 95), "-", q95);
        if (none || isnan(p->diff_mean))
            snprintf(mean, sizeof mean, "-");
        else
            snprintf(mean, sizeof mean, "%+.1f", p->diff_mean);
        fprintf(out, "  %-*s %9lld %8s   %-17s %6s %6s %8s\n", w, names[i],
                (long long)p->both_complete, med, none ? "-" : ci, q5, q95, mean);
    }
}

static void print_paired_target(const char (*names)[BMC_NAME_LEN], int w,
                                const bmc_h5read_paired_info *paired, int n,
                                const char *reference, FILE *out)
{
    char only_ref[BMC_NAME_LEN + 8];
    snprintf(only_ref, sizeof only_ref, "only %s", reference);
    fprintf(out, "  %-*s %10s   %-22s %12s %13s\n", w, "variant", "difference",
            "95 % interval", only_ref, "only variant");
    for (int i = 0; i < n; i++) {
        const bmc_h5read_paired_info *p = &paired[i];
        if (!p->present) {
            print_absent(names[i], w, out);
            continue;
        }
        const double *d = p->p_target_difference;
        char ci[64];
        if (isnan(d[1]) || isnan(d[2]))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "%+.2f .. %+.2f", 100 * d[1], 100 * d[2]);
        fprintf(out, "  %-*s %+10.2f   %-22s %12lld %13lld\n", w, names[i], 100 * d[0], ci,
                (long long)p->target_reference_only, (long long)p->target_variant_only);
    }
}

void bmc_summary_print_paired(const char *reference, const bmc_summary *ref,
                              const char (*names)[BMC_NAME_LEN],
                              const bmc_h5read_paired_info *paired, int n, FILE *out)
{
    if (n == 0)
        return;
    char target[16], horizon[16];
    int w = name_width(reference, names, n);
    date_of_day(ref, bmc_summary_target_day(ref), target);
    date_of_day(ref, bmc_summary_ndays(ref) - 1, horizon);
    fprintf(out, "Variants against %s, paired on the same %lld scenarios (common random "
            "numbers)\n", reference, (long long)bmc_summary_n(ref, BMC_SUM_ALL));
    fprintf(out, "Finishing later than %s, earlier, or on the same day (also when neither "
            "finishes by %s)\n", reference, horizon);
    print_paired_counts(names, w, paired, n, out);
    fprintf(out, "\nCompletion day, variant minus %s, in days, over the scenarios in which both "
            "finish by %s\n", reference, horizon);
    print_paired_days(names, w, paired, n, out);
    fprintf(out, "\nP(all decided by %s), variant minus %s, in percentage points "
            "(Agresti-Min interval)\n", target, reference);
    print_paired_target(names, w, paired, n, reference, out);
}
