#include "backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static void period_text(int month, int months, char *buf)
{
    bmc_history_period p = {month, months, 0};
    bmc_history_format_period(&p, buf);
}

static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

static int plan_horizons(const int *h, int n_h, bmc_backtest_plan *plan, bmc_err *err)
{
    static const int monthly[] = {1, 3, 6, 12}, quarterly[] = {3, 6, 12};
    if (n_h == 0) {
        n_h = plan->period_months == 1 ? 4 : 3;
        h = plan->period_months == 1 ? monthly : quarterly;
    }
    if (n_h > BMC_BT_MAX_HORIZONS)
        return bmc_fail(err, BMC_EUSAGE, "at most %d horizons (got %d)", BMC_BT_MAX_HORIZONS,
                        n_h);
    plan->n_horizons = n_h;
    for (int i = 0; i < n_h; i++) {
        if (h[i] < 1 || h[i] > BMC_BT_MAX_MONTHS)
            return bmc_fail(err, BMC_EUSAGE, "a horizon is a number of months in 1..%d, got %d",
                            BMC_BT_MAX_MONTHS, h[i]);
        if (h[i] % plan->period_months)
            return bmc_fail(err, BMC_EUSAGE, "the series is quarterly: horizon %d is not a "
                            "whole number of quarters (horizons are months: 3, 6, 12, ...)",
                            h[i]);
        plan->horizon[i] = h[i];
    }
    qsort(plan->horizon, (size_t)n_h, sizeof *plan->horizon, cmp_int);
    for (int i = 1; i < n_h; i++)
        if (plan->horizon[i] == plan->horizon[i - 1])
            return bmc_fail(err, BMC_EUSAGE, "horizon %d is given twice", plan->horizon[i]);
    return BMC_OK;
}

int bmc_backtest_plan_make(const bmc_history *series, const bmc_history_period *from,
                           const bmc_history_period *to, const int *h, int n_h,
                           bmc_backtest_plan *plan, bmc_err *err)
{
    memset(plan, 0, sizeof *plan);
    if (series->n < 2)
        return bmc_fail(err, BMC_EUSAGE, "the series has %d observed period(s); a backtest "
                        "needs at least 2", series->n);
    int pm = series->p[0].months;
    for (int i = 1; i < series->n; i++)
        if (series->p[i].months != pm)
            return bmc_fail(err, BMC_EUSAGE, "the series mixes months and quarters; a backtest "
                            "needs one kind of period");
    plan->period_months = pm;
    BMC_TRY(plan_horizons(h, n_h, plan, err));
    if ((from && from->months != pm) || (to && to->months != pm))
        return bmc_fail(err, BMC_EUSAGE, "the series is %s: origins must be %s too",
                        pm == 3 ? "quarterly" : "monthly", pm == 3 ? "quarters" : "months");
    int first_end = series->p[0].month + pm - 1;
    const bmc_history_period *last = &series->p[series->n - 1];
    int last_month = last->month + last->months - 1;
    /* origins are period ends; by default from a year into the series to the shortest
     * horizon before its end */
    int lo = from ? from->month + pm - 1 : series->p[0].month + 11;
    int hi = to ? to->month + pm - 1 : last_month - plan->horizon[0];
    while ((lo + 1) % pm) /* a period end (quarters start in January, April, ...) */
        lo++;
    char a[8], b[8];
    if (lo > hi) {
        period_text(lo - pm + 1, pm, a);
        period_text(hi - pm + 1, pm, b);
        return bmc_fail(err, BMC_EUSAGE, "no origin: the first (%s) is after the last (%s)%s", a,
                        b, !from || !to ? "; the series is too short for these horizons"
                                              : "");
    }
    if (lo < first_end || hi >= last_month) {
        period_text(series->p[0].month, pm, a);
        period_text(last->month, pm, b);
        return bmc_fail(err, BMC_EUSAGE, "origins must lie from %s to the period before %s, "
                        "the series' first and last periods", a, b);
    }
    for (int o = lo; o <= hi; o += pm) {
        if (plan->n_origins == BMC_BT_MAX_ORIGINS)
            return bmc_fail(err, BMC_EUSAGE, "more than %d origins", BMC_BT_MAX_ORIGINS);
        plan->origin[plan->n_origins++] = o;
    }
    return BMC_OK;
}

int bmc_backtest_parse_origins(const char *text, bmc_history_period *from,
                               bmc_history_period *to, bmc_err *err)
{
    const char *dots = strstr(text, "..");
    char a[16] = "", b[16] = "";
    if (dots && (size_t)(dots - text) < sizeof a && strlen(dots + 2) < sizeof b) {
        memcpy(a, text, (size_t)(dots - text));
        strcpy(b, dots + 2);
    }
    if (!dots || !bmc_history_parse_period(a, &from->month, &from->months) ||
        !bmc_history_parse_period(b, &to->month, &to->months))
        return bmc_fail(err, BMC_EUSAGE, "--origins needs FROM..TO, two periods such as "
                        "2016-Q1..2024-Q4 or 2020-01..2024-12, got \"%s\"", text);
    return BMC_OK;
}

int bmc_backtest_parse_horizons(const char *text, int *h, int *n, bmc_err *err)
{
    *n = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        char one[16];
        if (*n == BMC_BT_MAX_HORIZONS)
            return bmc_fail(err, BMC_EUSAGE, "--horizons takes at most %d horizons",
                            BMC_BT_MAX_HORIZONS);
        if (len == 0 || len >= sizeof one)
            return bmc_fail(err, BMC_EUSAGE, "--horizons needs months separated by commas, "
                            "e.g. 1,3,6,12, got \"%s\"", text);
        memcpy(one, p, len);
        one[len] = '\0';
        int v = strspn(one, "0123456789") == len && len <= 3 ? atoi(one) : 0;
        if (v < 1 || v > BMC_BT_MAX_MONTHS)
            return bmc_fail(err, BMC_EUSAGE, "--horizons needs a whole number in [1, %d], got "
                            "\"%s\"", BMC_BT_MAX_MONTHS, one);
        h[(*n)++] = v;
        if (p[len] == '\0')
            return BMC_OK;
        p += len + 1;
    }
}

bool bmc_series_total(const bmc_history *series, int from, int to, double *total)
{
    int covered = from; /* every month before this one is summed */
    double sum = 0;
    for (int i = 0; i < series->n && covered <= to; i++) {
        const bmc_history_period *p = &series->p[i];
        if (p->month + p->months <= covered)
            continue;
        if (p->month != covered || p->month + p->months - 1 > to)
            return false; /* a gap, or a period reaching outside the range */
        sum += p->count;
        covered = p->month + p->months;
    }
    if (covered != to + 1)
        return false;
    *total = sum;
    return true;
}

void bmc_backtest_naive(const bmc_history *series, const double *seasonality, int origin,
                        int months, double ref[BMC_SCORE_REFS])
{
    double year = NAN, part = 0;
    if (!bmc_series_total(series, origin - 11, origin, &year))
        year = NAN;
    /* month origin + j is forecast by the month a whole number of years before it that is
     * known at the origin: whole years repeat the last year, the rest its first months */
    int rest = months % 12;
    if (rest && !bmc_series_total(series, origin - 11, origin - 12 + rest, &part))
        part = NAN;
    ref[BMC_BT_REF_SAME_MONTHS] = (months >= 12 ? (months / 12) * year : 0) + part;
    double share = 0;
    for (int j = 1; j <= months; j++)
        share += seasonality[(origin + j) % 12] / 12;
    ref[BMC_BT_REF_LAST_YEAR] = year * share;
}

struct bmc_backtest_work {
    bmc_intake_sampler *sampler;
    int64_t n;
    double *months; /* [n][BMC_BT_MAX_MONTHS] */
    double *values; /* [n] */
    bmc_params *p;  /* the origin's parameters */
};

int bmc_backtest_work_create(int64_t n_scenarios, bmc_backtest_work **out, bmc_err *err)
{
    *out = NULL;
    bmc_backtest_work *w = calloc(1, sizeof *w);
    if (!w)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the backtest");
    w->n = n_scenarios;
    w->months = malloc((size_t)n_scenarios * BMC_BT_MAX_MONTHS * sizeof *w->months);
    w->values = malloc((size_t)n_scenarios * sizeof *w->values);
    w->p = malloc(sizeof *w->p);
    int rc = w->months && w->values && w->p
                 ? bmc_intake_sampler_create(&w->sampler, err)
                 : bmc_fail(err, BMC_ENOMEM, "out of memory for the backtest");
    if (rc != BMC_OK) {
        bmc_backtest_work_free(w);
        return rc;
    }
    *out = w;
    return BMC_OK;
}

void bmc_backtest_work_free(bmc_backtest_work *w)
{
    if (!w)
        return;
    bmc_intake_sampler_free(w->sampler);
    free(w->months);
    free(w->values);
    free(w->p);
    free(w);
}

/* The parameters of a forecast from month index `start` for `months` months: p with the run
 * starting on the first day of month start, the history the series before it. */
static void forecast_params(const bmc_params *p, const bmc_history *series, int start,
                            int months, bmc_params *q)
{
    *q = *p;
    q->deterministic = false;
    q->start_date = bmc_history_month_first(start);
    q->horizon_date = bmc_history_month_first(start + months) - 1;
    q->intake_history.n = 0;
    for (int i = 0; i < series->n && series->p[i].month + series->p[i].months <= start; i++)
        q->intake_history.p[q->intake_history.n++] = series->p[i];
}

/* The posterior as numbers a reader can use. */
static void describe_posterior(const bmc_model *m, int start, bmc_backtest_posterior *out)
{
    const bmc_intake_posterior *post = &m->posterior;
    out->month = start;
    out->n_obs = post->n_obs;
    out->level_median = m->level_median * exp(post->mean[0]);
    out->level_sdlog = sqrt(post->cov[0][0]);
    out->deviation_mean = post->mean[1];
    out->deviation_sd = sqrt(post->cov[1][1]);
}

int bmc_backtest_latest(const bmc_params *p, const bmc_history *series,
                        bmc_backtest_posterior *out, bmc_err *err)
{
    int start = bmc_history_month_of(p->start_date);
    if (series->n > 0) {
        const bmc_history_period *last = &series->p[series->n - 1];
        if (last->month + last->months > start)
            start = last->month + last->months;
    }
    bmc_params *q = malloc(sizeof *q);
    if (!q)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the backtest");
    forecast_params(p, series, start, 1, q);
    bmc_model *m = NULL;
    int rc = bmc_model_create(q, &m, err);
    if (rc == BMC_OK)
        describe_posterior(m, start, out);
    bmc_model_free(m);
    free(q);
    return rc;
}

int bmc_backtest_origin_run(const bmc_params *p, const bmc_history *series,
                            const bmc_backtest_plan *plan, int index, uint64_t seed,
                            int64_t n_scenarios, bmc_backtest_work *w, bmc_backtest_origin *out,
                            bmc_err *err)
{
    if (n_scenarios < 2 || n_scenarios > w->n || n_scenarios >= BMC_BT_SCENARIO_STRIDE)
        return bmc_fail(err, BMC_EINTERNAL, "backtest: %lld scenarios for a workspace of %lld",
                        (long long)n_scenarios, (long long)w->n);
    int origin = plan->origin[index], months = plan->horizon[plan->n_horizons - 1];
    memset(out, 0, sizeof *out);
    out->origin = origin;
    forecast_params(p, series, origin + 1, months, w->p);
    bmc_model *m = NULL;
    BMC_TRY(bmc_model_create(w->p, &m, err));
    describe_posterior(m, origin + 1, &out->post);
    int64_t first = origin * BMC_BT_SCENARIO_STRIDE;
    for (int64_t s = 0; s < n_scenarios; s++)
        bmc_intake_sample_months(w->sampler, m, seed, first + s,
                                 w->months + s * BMC_BT_MAX_MONTHS);
    for (int k = 0; k < plan->n_horizons; k++) {
        int h = plan->horizon[k];
        for (int64_t s = 0; s < n_scenarios; s++) {
            double sum = 0;
            for (int j = 0; j < h; j++)
                sum += w->months[s * BMC_BT_MAX_MONTHS + j];
            w->values[s] = sum;
        }
        double observed, ref[BMC_SCORE_REFS];
        if (!bmc_series_total(series, origin + 1, origin + h, &observed))
            observed = NAN;
        bmc_backtest_naive(series, p->seasonality, origin, h, ref);
        bmc_forecast_score_sample(w->values, (size_t)n_scenarios, observed, ref, &out->score[k]);
    }
    int pm = plan->period_months;
    for (int step = 0; step < months / pm; step++) {
        for (int64_t s = 0; s < n_scenarios; s++) {
            double sum = 0;
            for (int j = step * pm; j < (step + 1) * pm; j++)
                sum += w->months[s * BMC_BT_MAX_MONTHS + j];
            w->values[s] = sum;
        }
        bmc_scores_sort(w->values, (size_t)n_scenarios);
        for (int q = 0; q < BMC_SCORE_QUANTILES; q++)
            out->fan[step][q] = bmc_scores_quantile(w->values, (size_t)n_scenarios,
                                                    bmc_score_quantile_levels[q]);
    }
    bmc_model_free(m);
    return BMC_OK;
}

void bmc_backtest_summarise(const bmc_backtest_plan *plan, const bmc_backtest_origin *o,
                            int n_origins, bmc_score_summary *out)
{
    for (int k = 0; k < plan->n_horizons; k++) {
        bmc_score_tally t;
        memset(&t, 0, sizeof t);
        for (int i = 0; i < n_origins; i++)
            bmc_score_tally_add(&t, &o[i].score[k]);
        bmc_score_tally_summarise(&t, &out[k]);
    }
}
