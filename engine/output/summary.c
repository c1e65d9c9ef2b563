#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "monthly_hist.h"
#include "summary_bins.h"
#include "stats.h"

const int bmc_summary_levels[BMC_SUM_N_LEVELS] = {5, 10, 25, 50, 75, 85, 90, 95};
const int bmc_summary_fan_levels[BMC_SUM_N_FAN] = {5, 25, 50, 75, 95};

#define MAX_SERIES (BMC_MON_OLD_OPEN_CAT + BMC_MAX_CATEGORIES)

/* Histograms are kept for the two triage groups, which partition the scenarios; "all" is
 * their sum, computed when asked. */
enum { TG_FIRED, TG_NEVER, TG_COUNT };

/* The state is one array of counts (bmc_summary_counts), laid out as
 *   [TG_COUNT]                                  scenarios per triage group
 *   [TG_COUNT][nq][ndays + 1]                   day histograms, last bin = -1
 *   [n_months] x per series [bins]              monthly histograms, last bin = NaN
 *   [n_months]                                  scenarios with triage on at month end
 * Month-major, so the histograms a block's month touches (~300 KB) stay in cache while
 * every scenario of the block is counted into them. */
struct bmc_summary {
    bmc_layout layout; /* a copy, for the names and the shape of the blocks */
    int ndays, target_day;
    bmc_date day0;
    int nq;            /* day quantities */
    bool monthly;
    int n_series;
    size_t day_off;
    size_t month_off, month_stride;  /* monthly histograms of month m: month_off + m stride */
    size_t series_off[MAX_SERIES];   /* within a month */
    int series_bins[MAX_SERIES];
    size_t triage_off;
    size_t n_counts;
    int64_t *counts;
};

/* ---- names ------------------------------------------------------------------------------- */

const char *bmc_summary_group_name(enum bmc_sum_group g)
{
    switch (g) {
    case BMC_SUM_ALL: return "all";
    case BMC_SUM_TRIAGE_FIRED: return "triage_fired";
    case BMC_SUM_TRIAGE_NEVER: return "triage_never";
    case BMC_SUM_GROUPS: break;
    }
    return NULL;
}

const char *bmc_summary_event_name(enum bmc_sum_event e)
{
    switch (e) {
    case BMC_SUM_COMPLETE_BY_TARGET: return "complete_by_target";
    case BMC_SUM_P95_BY_TARGET: return "p95_by_target";
    case BMC_SUM_COMPLETE_BY_HORIZON: return "complete_by_horizon";
    case BMC_SUM_EVENTS: break;
    }
    return NULL;
}

const char *bmc_summary_day_name(int quantity)
{
    switch (quantity) {
    case BMC_SUM_COMPLETION: return "completion_day";
    case BMC_SUM_P90: return "p90_day";
    case BMC_SUM_P95: return "p95_day";
    case BMC_SUM_P99: return "p99_day";
    case BMC_SUM_FIRST_TRIAGE: return "first_triage_day";
    default: return NULL;
    }
}

const char *bmc_summary_monthly_name(int series)
{
    switch (series) {
    case BMC_MON_OLD_OPEN: return "old_open_total";
    case BMC_MON_FIRST_DECISIONS: return "first_decisions";
    case BMC_MON_OLD_DECISIONS: return "old_decisions_total";
    case BMC_MON_NEW_DECISIONS: return "new_decisions";
    case BMC_MON_GRANTS: return "grants";
    case BMC_MON_NEW_ARRIVALS: return "new_arrivals";
    case BMC_MON_NEW_OPEN: return "new_open";
    case BMC_MON_GRANT_RATE: return "grant_rate";
    case BMC_MON_NEW_ON_TIME_SHARE: return "new_on_time_share";
    case BMC_MON_IDLE_SHARE: return "idle_share";
    default: return NULL;
    }
}

bool bmc_summary_monthly_is_share(int series)
{
    return series == BMC_MON_GRANT_RATE || series == BMC_MON_NEW_ON_TIME_SHARE ||
           series == BMC_MON_IDLE_SHARE;
}

/* ---- lifetime ---------------------------------------------------------------------------- */

/* Offsets of every part of the counts array; false when the sizes overflow. */
static bool plan_layout(bmc_summary *s)
{
    size_t nb = (size_t)s->ndays + 1, nm = (size_t)s->layout.n_months;
    size_t at = TG_COUNT;
    s->day_off = at;
    at += (size_t)TG_COUNT * (size_t)s->nq * nb;
    s->n_series = s->monthly ? BMC_MON_OLD_OPEN_CAT + s->layout.n_categories : 0;
    s->month_stride = 0;
    for (int k = 0; k < s->n_series; k++) {
        s->series_bins[k] = bmc_summary_monthly_is_share(k) ? BMC_BINS_SHARE_N : BMC_BINS_COUNT_N;
        s->series_off[k] = s->month_stride;
        s->month_stride += (size_t)s->series_bins[k];
    }
    s->month_off = at;
    if (s->monthly && nm > (SIZE_MAX / sizeof(int64_t) - at) / s->month_stride)
        return false;
    at += nm * s->month_stride;
    s->triage_off = at;
    at += s->monthly ? nm : 0;
    s->n_counts = at;
    return at < SIZE_MAX / sizeof(int64_t);
}

int bmc_summary_create(const bmc_layout *layout, int ndays, int target_day, bmc_date day0,
                       bmc_summary **out, bmc_err *err)
{
    *out = NULL;
    if (!layout || layout->n_categories < 0 || layout->n_categories > BMC_MAX_CATEGORIES
        || layout->n_months < 0 || ndays < 1 || target_day < 0 || target_day >= ndays)
        return bmc_fail(err, BMC_EINTERNAL,
                        "bmc_summary_create: %d days, target day %d, %d categories", ndays,
                        target_day, layout ? layout->n_categories : -1);
    bmc_summary *s = calloc(1, sizeof *s);
    if (!s)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the summary");
    s->layout = *layout;
    s->ndays = ndays;
    s->target_day = target_day;
    s->day0 = day0;
    s->nq = BMC_SUM_CATEGORY + layout->n_categories;
    s->monthly = layout->trajectories;
    if (!plan_layout(s) || !(s->counts = calloc(s->n_counts, sizeof *s->counts))) {
        free(s);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the summary histograms");
    }
    *out = s;
    return BMC_OK;
}

void bmc_summary_free(bmc_summary *s)
{
    if (!s)
        return;
    free(s->counts);
    free(s);
}

/* ---- adding scenarios -------------------------------------------------------------------- */

static int32_t day_value(const bmc_result_block *b, int row, int q)
{
    int nc = b->layout->n_categories;
    switch (q) {
    case BMC_SUM_COMPLETION: return b->completion_day[row];
    case BMC_SUM_P90: return b->p90_day[row];
    case BMC_SUM_P95: return b->p95_day[row];
    case BMC_SUM_P99: return b->p99_day[row];
    case BMC_SUM_FIRST_TRIAGE: return b->first_triage_day[row];
    default: return b->category_completion_day[(size_t)row * nc + (q - BMC_SUM_CATEGORY)];
    }
}

static int check_block(const bmc_summary *s, const bmc_result_block *b, bmc_err *err)
{
    const bmc_layout *l = b->layout;
    if (!l || l->n_categories != s->layout.n_categories)
        return bmc_fail(err, BMC_EINTERNAL, "summary: block has %d categories, expected %d",
                        l ? l->n_categories : -1, s->layout.n_categories);
    if (s->monthly && (!l->trajectories || l->n_months != s->layout.n_months))
        return bmc_fail(err, BMC_EINTERNAL,
                        "summary: block has no monthly values for %d months",
                        s->layout.n_months);
    if (b->count < 0 || b->count > b->capacity)
        return bmc_fail(err, BMC_EINTERNAL, "summary: block holds %d of %d scenarios",
                        b->count, b->capacity);
    for (int r = 0; r < b->count; r++)
        for (int q = 0; q < s->nq; q++) {
            int32_t d = day_value(b, r, q);
            if (d < -1 || d >= s->ndays)
                return bmc_fail(err, BMC_EINTERNAL,
                                "summary: scenario %lld: day value %d of quantity %d outside "
                                "-1..%d", (long long)(b->first_scenario + r), (int)d, q,
                                s->ndays - 1);
        }
    return BMC_OK;
}

static int64_t *day_hist(const bmc_summary *s, int tg, int q)
{
    return s->counts + s->day_off + ((size_t)tg * (size_t)s->nq + (size_t)q)
                                        * ((size_t)s->ndays + 1);
}

static int64_t *month_hist(const bmc_summary *s, int series, int month)
{
    return s->counts + s->month_off + (size_t)month * s->month_stride + s->series_off[series];
}

static void count_value(const bmc_summary *s, int series, int month, double v)
{
    int bin = bmc_summary_monthly_is_share(series) ? bmc_bins_share_index(v)
                                                   : bmc_bins_count_index(v);
    month_hist(s, series, month)[bin]++;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

/* The monthly indicators of month m of every scenario in the block, derived from their
 * trajectories. Sums run in a fixed order, so a scenario gives the same values wherever it
 * is counted. */
static void add_month(bmc_summary *s, const bmc_result_block *b, int m)
{
    int nm = s->layout.n_months, nc = s->layout.n_categories;
    for (int row = 0; row < b->count; row++) {
        size_t at = (size_t)row * (size_t)nm + (size_t)m;
        const double *open = b->traj_cat[BMC_TRAJ_OLD_OPEN] + at * (size_t)nc;
        const double *dec = b->traj_cat[BMC_TRAJ_OLD_DECISIONS] + at * (size_t)nc;
        double open_total = 0, dec_total = 0;
        for (int c = 0; c < nc; c++) {
            open_total += open[c];
            dec_total += dec[c];
            count_value(s, BMC_MON_OLD_OPEN_CAT + c, m, open[c]);
        }
        double grants = b->traj[BMC_TRAJ_GRANTS][at];
        double first = grants + b->traj[BMC_TRAJ_REJECTIONS][at];
        double new_dec = b->traj[BMC_TRAJ_NEW_DECISIONS][at];
        count_value(s, BMC_MON_OLD_OPEN, m, open_total);
        count_value(s, BMC_MON_FIRST_DECISIONS, m, first);
        count_value(s, BMC_MON_OLD_DECISIONS, m, dec_total);
        count_value(s, BMC_MON_NEW_DECISIONS, m, new_dec);
        count_value(s, BMC_MON_GRANTS, m, grants);
        count_value(s, BMC_MON_NEW_ARRIVALS, m, b->traj[BMC_TRAJ_NEW_ARRIVALS][at]);
        count_value(s, BMC_MON_NEW_OPEN, m, b->traj[BMC_TRAJ_NEW_OPEN][at]);
        count_value(s, BMC_MON_GRANT_RATE, m, ratio(grants, first));
        count_value(s, BMC_MON_NEW_ON_TIME_SHARE, m,
                    ratio(b->traj[BMC_TRAJ_NEW_ON_TIME][at], new_dec));
        double offered = b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][at];
        count_value(s, BMC_MON_IDLE_SHARE, m,
                    ratio(offered - b->traj[BMC_TRAJ_OFFICER_DAYS_USED][at], offered));
        if (b->traj[BMC_TRAJ_TRIAGE][at] > 0.5)
            s->counts[s->triage_off + (size_t)m]++;
    }
}

int bmc_summary_add_block(bmc_summary *s, const bmc_result_block *b, bmc_err *err)
{
    if (!s || !b)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_summary_add_block: missing argument");
    int rc = check_block(s, b, err);
    if (rc)
        return rc;
    size_t nb = (size_t)s->ndays;
    for (int r = 0; r < b->count; r++) {
        int tg = b->first_triage_day[r] >= 0 ? TG_FIRED : TG_NEVER;
        s->counts[tg]++;
        for (int q = 0; q < s->nq; q++) {
            int32_t d = day_value(b, r, q);
            day_hist(s, tg, q)[d < 0 ? nb : (size_t)d]++;
        }
    }
    for (int m = 0; s->monthly && m < s->layout.n_months; m++)
        add_month(s, b, m);
    return BMC_OK;
}

static bool same_shape(const bmc_summary *a, const bmc_summary *b)
{
    if (a->ndays != b->ndays || a->target_day != b->target_day || a->day0 != b->day0
        || a->monthly != b->monthly || a->n_counts != b->n_counts
        || a->layout.n_categories != b->layout.n_categories
        || a->layout.n_months != b->layout.n_months)
        return false;
    for (int c = 0; c < a->layout.n_categories; c++)
        if (strcmp(a->layout.category_names[c], b->layout.category_names[c]))
            return false;
    return true;
}

int bmc_summary_merge(bmc_summary *dst, const bmc_summary *src, bmc_err *err)
{
    if (!dst || !src)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_summary_merge: missing argument");
    if (!same_shape(dst, src))
        return bmc_fail(err, BMC_EINTERNAL, "bmc_summary_merge: summaries of different shape");
    for (size_t i = 0; i < dst->n_counts; i++)
        dst->counts[i] += src->counts[i];
    return BMC_OK;
}

int bmc_summary_set_day_counts(bmc_summary *s, const int64_t *fired, const int64_t *never,
                               bmc_err *err)
{
    if (s->monthly)
        return bmc_fail(err, BMC_EINTERNAL, "summary: day counts only without monthly values");
    const int64_t *src[TG_COUNT] = {fired, never};
    size_t nb = (size_t)s->ndays + 1;
    int64_t n[TG_COUNT] = {0, 0};
    for (int tg = 0; tg < TG_COUNT; tg++)
        for (int q = 0; q < s->nq; q++) {
            int64_t sum = 0;
            for (size_t d = 0; d < nb; d++) {
                int64_t v = src[tg][(size_t)q * nb + d];
                if (v < 0 || sum > INT64_MAX - v)
                    return bmc_fail(err, BMC_EIO, "summary: negative or huge day count");
                sum += v;
            }
            if (q > 0 && sum != n[tg])
                return bmc_fail(err, BMC_EIO,
                                "summary: %s counts %lld scenarios, %s counts %lld",
                                bmc_summary_day_name(0), (long long)n[tg],
                                q < BMC_SUM_CATEGORY ? bmc_summary_day_name(q) : "a category",
                                (long long)sum);
            n[tg] = sum;
        }
    for (int tg = 0; tg < TG_COUNT; tg++) {
        s->counts[tg] = n[tg];
        memcpy(day_hist(s, tg, 0), src[tg], (size_t)s->nq * nb * sizeof(int64_t));
    }
    return BMC_OK;
}

/* ---- queries ----------------------------------------------------------------------------- */

int64_t *bmc_summary_counts(bmc_summary *s, size_t *n)
{
    *n = s->n_counts;
    return s->counts;
}

int64_t bmc_summary_n(const bmc_summary *s, enum bmc_sum_group g)
{
    switch (g) {
    case BMC_SUM_TRIAGE_FIRED: return s->counts[TG_FIRED];
    case BMC_SUM_TRIAGE_NEVER: return s->counts[TG_NEVER];
    default: return s->counts[TG_FIRED] + s->counts[TG_NEVER];
    }
}

int bmc_summary_ndays(const bmc_summary *s) { return s->ndays; }
int bmc_summary_target_day(const bmc_summary *s) { return s->target_day; }
bmc_date bmc_summary_day0(const bmc_summary *s) { return s->day0; }
const bmc_layout *bmc_summary_layout(const bmc_summary *s) { return &s->layout; }
bool bmc_summary_has_monthly(const bmc_summary *s) { return s->monthly; }
int bmc_summary_day_quantities(const bmc_summary *s) { return s->nq; }
int bmc_summary_monthly_series(const bmc_summary *s) { return s->n_series; }

void bmc_summary_day_counts(const bmc_summary *s, enum bmc_sum_group g, int quantity,
                            int64_t *out)
{
    size_t nb = (size_t)s->ndays + 1;
    const int64_t *f = day_hist(s, TG_FIRED, quantity), *nv = day_hist(s, TG_NEVER, quantity);
    for (size_t d = 0; d < nb; d++)
        out[d] = (g == BMC_SUM_TRIAGE_NEVER ? 0 : f[d]) + (g == BMC_SUM_TRIAGE_FIRED ? 0 : nv[d]);
}

/* Day value of the rank-th smallest (1-based) of a group: -1 when it is among the
 * scenarios not finished by the horizon, which sort above every day. */
static int32_t day_of_rank(const bmc_summary *s, enum bmc_sum_group g, int q, int64_t rank)
{
    const int64_t *f = day_hist(s, TG_FIRED, q), *nv = day_hist(s, TG_NEVER, q);
    int64_t cum = 0;
    for (int d = 0; d < s->ndays; d++) {
        cum += (g == BMC_SUM_TRIAGE_NEVER ? 0 : f[d]) + (g == BMC_SUM_TRIAGE_FIRED ? 0 : nv[d]);
        if (cum >= rank)
            return d;
    }
    return -1;
}

void bmc_summary_day_quantile(const bmc_summary *s, enum bmc_sum_group g, int quantity,
                              int level, bmc_sum_quantile *q)
{
    memset(q, 0, sizeof *q);
    q->level = level;
    q->n = bmc_summary_n(s, g);
    if (q->n == 0) {
        q->day = q->lo_day = q->hi_day = BMC_SUM_NO_DATA;
        return;
    }
    q->rank = bmc_stats_quantile_rank(q->n, level);
    q->day = day_of_rank(s, g, quantity, q->rank);
    bmc_stats_quantile_ci_ranks(q->n, level, BMC_CONFIDENCE, &q->lo_rank, &q->hi_rank);
    q->lo_day = q->lo_rank < 1 ? BMC_SUM_NO_BOUND : day_of_rank(s, g, quantity, q->lo_rank);
    q->hi_day = q->hi_rank > q->n ? BMC_SUM_NO_BOUND : day_of_rank(s, g, quantity, q->hi_rank);
}

static int64_t count_up_to(const bmc_summary *s, enum bmc_sum_group g, int q, int last_day)
{
    const int64_t *f = day_hist(s, TG_FIRED, q), *nv = day_hist(s, TG_NEVER, q);
    int64_t cum = 0;
    for (int d = 0; d <= last_day && d < s->ndays; d++)
        cum += (g == BMC_SUM_TRIAGE_NEVER ? 0 : f[d]) + (g == BMC_SUM_TRIAGE_FIRED ? 0 : nv[d]);
    return cum;
}

void bmc_summary_probability(const bmc_summary *s, enum bmc_sum_group g, enum bmc_sum_event e,
                             bmc_sum_prob *p)
{
    p->n = bmc_summary_n(s, g);
    switch (e) {
    case BMC_SUM_P95_BY_TARGET:
        /* p95_day <= target day exactly when the share decided or closed at the end of the
         * target day is at least 95 % (the share only grows) */
        p->count = count_up_to(s, g, BMC_SUM_P95, s->target_day);
        break;
    case BMC_SUM_COMPLETE_BY_HORIZON:
        p->count = count_up_to(s, g, BMC_SUM_COMPLETION, s->ndays - 1);
        break;
    default:
        p->count = count_up_to(s, g, BMC_SUM_COMPLETION, s->target_day);
        break;
    }
    p->estimate = p->n > 0 ? (double)p->count / (double)p->n : NAN;
    bmc_stats_wilson(p->count, p->n, BMC_CONFIDENCE, &p->wilson_lo, &p->wilson_hi);
    bmc_stats_clopper_pearson(p->count, p->n, BMC_CONFIDENCE, &p->cp_lo, &p->cp_hi);
}

int64_t bmc_summary_monthly_defined(const bmc_summary *s, int series, int month)
{
    if (!s->monthly || series < 0 || series >= s->n_series || month < 0
        || month >= s->layout.n_months)
        return 0;
    const int64_t *h = month_hist(s, series, month);
    return bmc_summary_n(s, BMC_SUM_ALL) - h[s->series_bins[series] - 1];
}

const int64_t *bmc_summary_monthly_histogram(const bmc_summary *s, int series, int month)
{
    if (!s->monthly || series < 0 || series >= s->n_series || month < 0
        || month >= s->layout.n_months)
        return NULL;
    return month_hist(s, series, month);
}

int bmc_summary_monthly_bins(int series)
{
    return bmc_summary_monthly_is_share(series) ? BMC_BINS_SHARE_N : BMC_BINS_COUNT_N;
}

double bmc_summary_monthly_quantile(const bmc_summary *s, int series, int month, int level)
{
    const int64_t *h = bmc_summary_monthly_histogram(s, series, month);
    return h ? bmc_monthly_hist_quantile(h, series, level) : NAN;
}

int64_t bmc_summary_triage_count(const bmc_summary *s, int month)
{
    if (!s->monthly || month < 0 || month >= s->layout.n_months)
        return 0;
    return s->counts[s->triage_off + (size_t)month];
}
