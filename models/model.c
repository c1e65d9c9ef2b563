#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    }
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
    m->cal = bmc_calendar_create(p->start_date, p->horizon_date, p->holiday_rules,
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
    if (!m->month_end || !m->quarter_index || !m->fte || !m->intake_base) {
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
        m->intake_base[t] = p->seasonality[mo - 1] / 365.25;
    }
    m->nquarters = m->quarter_index[m->ndays - 1] + 1;
    m->pact_day = day_of_clamped(m, p->pact_date);
    m->target_day = day_of_clamped(m, p->target_date);
    for (int c = 0; c < p->n_categories; c++) {
        m->approach_day[c] =
            p->cat[c].has_approach ? day_of_clamped(m, p->cat[c].approach_start) : m->ndays;
        m->old_initial_total += p->cat[c].initial;
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
