#include "summary_table.h"

#include <math.h>
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

void bmc_summary_print_variants(const char (*names)[BMC_NAME_LEN], bmc_summary *const *sums,
                                int n, FILE *out)
{
    if (n == 0)
        return;
    char target[16];
    date_of_day(sums[0], bmc_summary_target_day(sums[0]), target);
    fprintf(out, "Variants: median completion (95 %% interval), P(all decided by %s) "
            "(Clopper-Pearson)\n", target);
    fprintf(out, "  %-24s %-17s %-36s %10s   %s\n", "variant", "median", "95 % interval", "P",
            "95 % interval");
    for (int i = 0; i < n; i++) {
        bmc_sum_quantile q;
        bmc_sum_prob p;
        bmc_summary_day_quantile(sums[i], BMC_SUM_ALL, BMC_SUM_COMPLETION, 50, &q);
        bmc_summary_probability(sums[i], BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
        char a[TEXT_LEN], ci[2 * TEXT_LEN];
        fprintf(out, "  %-24s %-17s %-36s %8.2f %%   %6.2f - %6.2f %%\n", names[i],
                day_text(sums[i], q.day, a), interval_text(sums[i], &q, ci), 100 * p.estimate,
                100 * p.cp_lo, 100 * p.cp_hi);
    }
}
