#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holidays.h"
#include "triage.h"

static void add_slot(bmc_model *m, int slot, const bmc_dist *d, const char *name)
{
    m->slot_dist[slot] = d;
    snprintf(m->slot_name[slot], BMC_NAME_LEN, "%s", name);
    if (slot + 1 > m->n_slots)
        m->n_slots = slot + 1;
}

static void build_slots(bmc_model *m)
{
    const bmc_params *p = &m->p;
    add_slot(m, BMC_P_ANNUAL_LEVEL, &p->annual_level, "intake.annual_level");
    add_slot(m, BMC_P_FTE_FACTOR, &p->fte_factor, "staff.fte_factor");
    add_slot(m, BMC_P_NEW_GRANT_RATE, &p->new_grant_rate, "intake.grant_rate");
    add_slot(m, BMC_P_REMAND_RATE, &p->remand_probability, "remands.probability");
    add_slot(m, BMC_P_NEW_WORK_FACTOR, &p->new_work_factor, "intake.work_factor");
    if (m->posterior.active) {
        add_slot(m, BMC_P_HISTORY_LEVEL, &m->standard_normal, "intake.history.level_offset");
        add_slot(m, BMC_P_HISTORY_DEVIATION, &m->standard_normal, "intake.history.deviation");
    }
    for (int c = 0; c < p->n_categories; c++) {
        const bmc_category_params *k = &p->cat[c];
        char name[BMC_NAME_LEN];
        snprintf(name, sizeof name, "%.24s.grant_rate", k->name);
        add_slot(m, BMC_P_CATEGORY(c, BMC_PC_GRANT_RATE), &k->grant_rate, name);
        snprintf(name, sizeof name, "%.24s.approach.hearings_factor", k->name);
        add_slot(m, BMC_P_CATEGORY(c, BMC_PC_HEARINGS_FACTOR), &k->approach_hearings_factor,
                 name);
        snprintf(name, sizeof name, "%.24s.approach.decisions_factor", k->name);
        add_slot(m, BMC_P_CATEGORY(c, BMC_PC_DECISIONS_FACTOR), &k->approach_decisions_factor,
                 name);
        snprintf(name, sizeof name, "%.24s.approach.rates_factor", k->name);
        add_slot(m, BMC_P_CATEGORY(c, BMC_PC_RATES_FACTOR), &k->approach_rates_factor, name);
    }
}

/* Plan cycles (MODEL.md section 6) start at the earliest approach start, every cycle_months
 * months; a state may move the grid to its plan_cycle_start (section 12). A cycle already
 * in progress at the start of a run from a state takes its shares from the state's counts
 * on day 0 (what they were at its real start is not in the state). */
static void build_cycles(bmc_model *m)
{
    const bmc_params *p = &m->p;
    bmc_date first = 0;
    bool any = false;
    for (int c = 0; c < p->n_categories; c++)
        if (p->cat[c].has_approach && (!any || p->cat[c].approach_start < first)) {
            first = p->cat[c].approach_start;
            any = true;
        }
    if (!any)
        return;
    bmc_date anchor = p->start.active && p->start.cycle_given ? p->start.cycle_start : first;
    /* the grid's first start on or after the earliest approach start */
    int k = 0;
    while (bmc_date_add_months(anchor, (k - 1) * p->cycle_months) >= first)
        k--;
    while (bmc_date_add_months(anchor, k * p->cycle_months) < first)
        k++;
    for (;; k++) {
        int day = bmc_calendar_day_of(m->cal, bmc_date_add_months(anchor, k * p->cycle_months));
        if (day >= m->ndays)
            break;
        if (day >= 0)
            m->cycle_start[day] = 1;
        else if (p->start.active)
            m->cycle_start[0] = 1; /* in progress at the start */
    }
}

/* Voorfase places, plan-cycle starts, the cap_new triage cap and the daily withdrawal
 * probability: everything per day that does not depend on the scenario. */
static void build_tables(bmc_model *m)
{
    const bmc_params *p = &m->p;
    bmc_schedule_fill(&p->voorfase_capacity, p->start_date, m->ndays, m->voorfase_slots);
    m->voorfase_last_slots = floor(bmc_schedule_at(&p->voorfase_capacity, p->horizon_date));
    for (int t = 0; t < m->ndays; t++)
        m->voorfase_slots[t] = m->working[t] ? floor(m->voorfase_slots[t]) : 0;

    build_cycles(m);

    m->new_work_mean = 0;
    for (int k = 0; k < p->n_tracks; k++)
        m->new_work_mean += p->track[k].share * p->track[k].work;
    for (int t = 0; t < m->ndays; t++) {
        int y, mo, d;
        bmc_date_to_ymd(p->start_date + t, &y, &mo, &d);
        if (t == 0 || (mo == 1 && d == 1))
            m->triage_cap[t] = p->triage_threshold * m->new_work_mean /
                               bmc_calendar_working_days_in_year(m->cal, y);
        else
            m->triage_cap[t] = m->triage_cap[t - 1];
    }
    m->withdraw_day_prob = 1 - pow(1 - p->withdrawal_rate, 1 / 365.25);
    /* the configured shares sum to 1 within a tolerance; Poisson thinning needs them exact */
    double track_sum = 0, cat_sum = 0;
    for (int k = 0; k < p->n_tracks; k++)
        track_sum += p->track[k].share;
    for (int k = 0; k < p->n_tracks; k++)
        m->track_share[k] = p->track[k].share / track_sum;
    for (int c = 0; c < p->n_categories; c++)
        cat_sum += p->cat[c].intake_share;
    for (int c = 0; c < p->n_categories; c++)
        m->old_intake_share[c] = cat_sum > 0 ? p->cat[c].intake_share / cat_sum : 0;
    m->intake_negbin = p->negbin_size > 0;
    if (m->intake_negbin)
        bmc_gamma_prepare(p->negbin_size, &m->intake_gamma);
    m->deviation_var = p->deviation_sigma * p->deviation_sigma /
                       (1 - p->deviation_phi * p->deviation_phi);
    m->availability_var = p->availability_tau * p->availability_tau /
                          (1 - p->availability_rho * p->availability_rho);
    for (int mo = 0; mo < m->nmonths; mo++)
        m->availability_mean[mo] =
            p->availability *
            p->availability_seasonality[bmc_calendar_month_of_year(m->cal, mo) - 1];
}

/* The history months that end right before the start, back to the first gap: their days
 * extend the triage window (docs/model.md section 7). */
static int contiguous_history_start(const bmc_history *h, int start_month)
{
    int first = start_month;
    for (int i = h->n - 1; i >= 0 && h->p[i].month + h->p[i].months == first; i--)
        first = h->p[i].month;
    return first;
}

/* The expected share of a year's count that falls on one day of month index `month`. */
static double day_share(const bmc_params *p, int month)
{
    return p->seasonality[month % 12] / (12.0 * bmc_days_in_month(month / 12, month % 12 + 1));
}

/* Posterior of the intake from the history (section 12), the triage window's prefix of known
 * days and the triage state replayed over the history's month ends (section 7). */
static int build_history(bmc_model *m, bmc_err *err)
{
    const bmc_params *p = &m->p;
    const bmc_history *h = &p->intake_history;
    int start_month = bmc_history_month_of(p->start_date);
    m->standard_normal = (bmc_dist){BMC_DIST_NORMAL, {0, 1, 0, 0}};
    m->level_median = bmc_dist_quantile(&p->annual_level, 0.5);
    bmc_filter_model fm = {m->level_median, p->annual_level.p[1], p->year_to_year_sdlog,
                           p->deviation_phi, p->deviation_sigma, p->negbin_size, {0}};
    memcpy(fm.seasonality, p->seasonality, sizeof fm.seasonality);
    if (h->n > 0)
        BMC_TRY(bmc_intake_filter(&fm, h, start_month, &m->posterior, err));

    /* the prefix reaches back only when the history ends the day before the start */
    int first = contiguous_history_start(h, start_month);
    if (bmc_history_month_first(start_month) != p->start_date)
        first = start_month;
    m->triage_prefix = (int)(p->start_date - bmc_history_month_first(first));
    size_t H = (size_t)m->triage_prefix;
    m->triage_cum = calloc(H > 0 ? H : 1, sizeof *m->triage_cum);
    m->triage_expected = calloc(H + (size_t)m->ndays, sizeof *m->triage_expected);
    if (!m->triage_cum || !m->triage_expected)
        return bmc_fail(err, BMC_ENOMEM, "out of memory building the model");
    size_t i = 0;
    double cum = 0, expected = 0;
    for (int k = 0; k < h->n; k++) {
        const bmc_history_period *q = &h->p[k];
        if (q->month < first || q->month >= start_month)
            continue;
        double period_share = 0;
        for (int mo = q->month; mo < q->month + q->months; mo++)
            period_share += p->seasonality[mo % 12] / 12;
        for (int mo = q->month; mo < q->month + q->months; mo++)
            for (int d = 0; d < bmc_days_in_month(mo / 12, mo % 12 + 1); d++, i++) {
                double share = day_share(p, mo);
                cum += q->count * share / period_share;
                expected += share;
                m->triage_cum[i] = cum;
                m->triage_expected[i] = expected;
                /* month ends from the Pact date on replay the state machine */
                bool month_end = d == bmc_days_in_month(mo / 12, mo % 12 + 1) - 1;
                double rate;
                if (month_end && bmc_history_month_first(mo) + d >= p->pact_date &&
                    bmc_triage_rate(m->triage_cum, m->triage_expected, (int)i, p->triage_min_days,
                                    &rate))
                    bmc_triage_month_end(&m->triage_start, rate, p->triage_threshold,
                                         p->triage_trigger_months, p->triage_release_months);
            }
    }
    for (int t = 0; t < m->ndays; t++, i++) {
        expected += m->intake_base[t];
        m->triage_expected[i] = expected;
    }
    if (p->start.active && p->start.triage_given)
        m->triage_start = p->start.triage;
    return BMC_OK;
}

/* The old and new cases on day 0: the state's (MODEL.md section 12), else the configuration's
 * initial counts, all ready. New cases of a state are spread over their lodging days before
 * day 0. */
static int build_start(bmc_model *m, bmc_err *err)
{
    const bmc_params *p = &m->p;
    const bmc_start *st = &p->start;
    for (int c = 0; c < p->n_categories; c++) {
        m->start_waiting[c] = st->active ? st->waiting[c] : 0;
        m->start_ready[c] = st->active ? st->ready[c] : p->cat[c].initial;
        m->start_remands[c] = st->active ? st->remands[c] : 0;
        m->old_initial_total += m->start_waiting[c] + m->start_ready[c];
    }
    m->old_done_before = st->active ? st->decided_old : 0;
    m->old_initial_total += m->old_done_before;
    if (!st->active)
        return BMC_OK;
    for (int k = 0; k < p->n_tracks; k++)
        for (int j = 0; j < st->n_lodging[k]; j++) {
            int before = (int)(p->start_date - st->lodging[k][j].first);
            if (before > m->lodged_before)
                m->lodged_before = before;
        }
    for (int k = 0; k < p->n_tracks && m->lodged_before > 0; k++) {
        if (!(m->lodged[k] = calloc((size_t)m->lodged_before, sizeof *m->lodged[k])))
            return bmc_fail(err, BMC_ENOMEM, "out of memory building the model");
        for (int j = 0; j < st->n_lodging[k]; j++) {
            const bmc_lodging *l = &st->lodging[k][j];
            for (bmc_date d = l->first; d <= l->last; d++) {
                double n = bmc_lodging_day_count(l, (int)(d - l->first), p->deterministic);
                m->lodged[k][m->lodged_before - (int)(p->start_date - d)] += n;
                m->new_open_before += n;
            }
        }
    }
    return BMC_OK;
}

static int day_of_clamped(const bmc_model *m, bmc_date d)
{
    int day = bmc_calendar_day_of(m->cal, d);
    if (day < 0)
        return 0;
    return day > m->ndays ? m->ndays : day;
}

int bmc_model_create(const bmc_params *p, bmc_model **out, bmc_err *err)
{
    *out = NULL;
    bmc_model *m = calloc(1, sizeof *m);
    if (!m)
        return bmc_fail(err, BMC_ENOMEM, "out of memory building the model");
    m->p = *p;
    m->cal = bmc_calendar_create(p->start_date, p->horizon_date, bmc_holidays_of_year,
                                 &m->p.holiday_rules,
                                 p->extra_holidays, (size_t)p->n_extra_holidays);
    if (!m->cal) {
        free(m);
        return bmc_fail(err, BMC_ENOMEM, "out of memory building the calendar");
    }
    m->ndays = bmc_calendar_days(m->cal);
    m->nmonths = bmc_calendar_months(m->cal);
    m->working = bmc_calendar_working(m->cal);
    m->month_index = bmc_calendar_month_index(m->cal);
    size_t n = (size_t)m->ndays;
    m->month_end = calloc(n, 1);
    m->quarter_index = calloc(n, sizeof *m->quarter_index);
    m->fte = calloc(n, sizeof *m->fte);
    m->intake_base = calloc(n, sizeof *m->intake_base);
    m->month_first = calloc(n, 1);
    m->year_first = calloc(n, 1);
    m->availability_mean = calloc((size_t)m->nmonths, sizeof *m->availability_mean);
    m->voorfase_slots = calloc(n, sizeof *m->voorfase_slots);
    m->cycle_start = calloc(n, 1);
    m->triage_cap = calloc(n, sizeof *m->triage_cap);
    m->approach_starts = calloc(n, 1);
    if (!m->month_end || !m->quarter_index || !m->fte || !m->intake_base ||
        !m->month_first || !m->year_first || !m->availability_mean ||
        !m->voorfase_slots || !m->cycle_start || !m->triage_cap || !m->approach_starts) {
        bmc_model_free(m);
        return bmc_fail(err, BMC_ENOMEM, "out of memory building the model");
    }
    bmc_schedule_fill(&p->fte, p->start_date, m->ndays, m->fte);
    int first_y, first_m, dd;
    bmc_date_to_ymd(p->start_date, &first_y, &first_m, &dd);
    int first_q = first_y * 4 + (first_m - 1) / 3;
    for (int t = 0; t < m->ndays; t++) {
        int y, mo;
        bmc_date_to_ymd(p->start_date + t, &y, &mo, &dd);
        m->month_end[t] = bmc_calendar_is_month_end(m->cal, t) || t == m->ndays - 1;
        m->quarter_index[t] = y * 4 + (mo - 1) / 3 - first_q;
        m->intake_base[t] = p->seasonality[mo - 1] / (12.0 * bmc_days_in_month(y, mo));
        m->month_first[t] = t == 0 || m->month_index[t] != m->month_index[t - 1];
        m->year_first[t] = t > 0 && mo == 1 && dd == 1;
    }
    m->nquarters = m->quarter_index[m->ndays - 1] + 1;
    m->pact_day = day_of_clamped(m, p->pact_date);
    m->target_day = day_of_clamped(m, p->target_date);
    for (int c = 0; c < p->n_categories; c++) {
        /* an approach that started before a state's as-of date has a negative day: its
         * cases are where the state says, and no start event moves them */
        int day = p->cat[c].has_approach ? bmc_calendar_day_of(m->cal, p->cat[c].approach_start)
                                         : m->ndays;
        m->approach_day[c] = day < m->ndays ? day : m->ndays;
        if (m->approach_day[c] >= 0 && m->approach_day[c] < m->ndays)
            m->approach_starts[m->approach_day[c]] = 1;
        double stay = 1;
        for (int k = 0; k < p->n_categories; k++) {
            m->reclass_row[c][k] = p->reclass[c][k];
            stay -= p->reclass[c][k];
            if (k != c && p->reclass[c][k] > 0)
                m->reclass_moves[c] = true;
        }
        m->reclass_row[c][c] = stay > 0 ? stay : 0;
    }
    build_tables(m);
    int rc = build_start(m, err);
    if (rc == BMC_OK)
        rc = build_history(m, err);
    if (rc != BMC_OK) {
        bmc_model_free(m);
        return rc;
    }
    build_slots(m);
    *out = m;
    return BMC_OK;
}

void bmc_model_free(bmc_model *m)
{
    if (!m)
        return;
    bmc_calendar_free(m->cal);
    free(m->month_end);
    free(m->quarter_index);
    free(m->fte);
    free(m->intake_base);
    free(m->triage_cum);
    free(m->triage_expected);
    free(m->month_first);
    free(m->year_first);
    free(m->availability_mean);
    free(m->voorfase_slots);
    free(m->cycle_start);
    free(m->triage_cap);
    free(m->approach_starts);
    for (int k = 0; k < BMC_MAX_TRACKS; k++)
        free(m->lodged[k]);
    free(m);
}

void bmc_model_layout(const bmc_model *m, bool trajectories, bmc_layout *out)
{
    memset(out, 0, sizeof *out);
    out->n_categories = m->p.n_categories;
    for (int c = 0; c < m->p.n_categories; c++)
        snprintf(out->category_names[c], BMC_NAME_LEN, "%s", m->p.cat[c].name);
    for (int s = 0; s < m->n_slots; s++)
        if (m->slot_dist[s] && !bmc_dist_is_fixed(m->slot_dist[s]))
            snprintf(out->param_names[out->n_params++], BMC_NAME_LEN, "%s", m->slot_name[s]);
    out->n_months = m->nmonths;
    out->trajectories = trajectories;
}
