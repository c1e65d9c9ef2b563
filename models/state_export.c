#include "state_export.h"

#include <stdlib.h>
#include <string.h>

#include "sim_state.h"

/* Open new cases of queue q (track k) by lodging day, or summed by lodging month, into s. */
static int export_lodging(const bmc_model *m, const bmc_track_queue *q, int k, int last_day,
                          bool by_day, bmc_start *s, bmc_err *err)
{
    const bmc_params *p = &m->p;
    int n = 0;
    for (int slot = q->head; slot <= last_day + q->before; slot++) {
        if (q->open[slot] <= 0)
            continue;
        bmc_date day = p->start_date + (slot - q->before);
        bmc_lodging l = {day, day, q->open[slot]};
        if (!by_day) {
            int month = bmc_history_month_of(day);
            l.first = bmc_history_month_first(month);
            l.last = bmc_history_month_first(month + 1) - 1;
            if (l.first < p->pact_date)
                l.first = p->pact_date;
            if (l.last > s->as_of)
                l.last = s->as_of;
        }
        if (n > 0 && s->lodging[k][n - 1].first == l.first) {
            s->lodging[k][n - 1].count += l.count;
            continue;
        }
        if (n == BMC_MAX_LODGING)
            return bmc_fail(err, BMC_ECONFIG, "track %s has open new cases on more than %d "
                            "lodging days: export by month", p->track[k].name, BMC_MAX_LODGING);
        s->lodging[k][n++] = l;
    }
    s->n_lodging[k] = n;
    return BMC_OK;
}

/* First applications in the whole simulated months up to day last_day (history periods), and
 * the month's actuals (observed), from the run's cumulative arrivals and its trajectories. */
static void export_months(const bmc_sim *s, const bmc_result_block *b, int last_day,
                          bmc_snapshot *x)
{
    const bmc_model *m = s->m;
    const bmc_layout *L = b->layout;
    x->history = m->p.intake_history;
    int first_t = 0;
    for (int t = 0; t <= last_day; t++) {
        if (!m->month_end[t])
            continue;
        int mo = m->month_index[t], cal = bmc_history_month_of(m->p.start_date + t);
        bool whole = bmc_history_month_first(cal) >= m->p.start_date;
        const double *cum = s->arrivals_cum + m->triage_prefix;
        /* cum[-1] is the history's last known day when the triage window reaches back */
        double arrivals = cum[t] - (first_t + m->triage_prefix > 0 ? cum[first_t - 1] : 0);
        first_t = t + 1;
        if (!whole)
            continue;
        if (x->history.n < BMC_MAX_HISTORY)
            x->history.p[x->history.n++] = (bmc_history_period){cal, 1, arrivals};
        double dec = 0, open = 0;
        for (int c = 0; c < L->n_categories; c++) {
            size_t at = ((size_t)mo) * (size_t)L->n_categories + (size_t)c;
            dec += b->traj_cat[BMC_TRAJ_OLD_DECISIONS][at];
            open += b->traj_cat[BMC_TRAJ_OLD_OPEN][at];
        }
        double nd = b->traj[BMC_TRAJ_NEW_DECISIONS][mo], ot = b->traj[BMC_TRAJ_NEW_ON_TIME][mo];
        double value[BMC_OBS_COUNT] = {dec, open, nd > 0 ? ot / nd : -1, arrivals};
        for (int k = 0; k < BMC_OBS_COUNT; k++)
            if (value[k] >= 0 && x->observed.n[k] < BMC_OBS_MAX)
                x->observed.p[k][x->observed.n[k]++] = (bmc_obs_point){cal, value[k]};
    }
}

static int export_state(const bmc_sim *s, const bmc_result_block *b, int d, bmc_date as_of,
                        bool by_day, bmc_snapshot *x, bmc_err *err)
{
    const bmc_model *m = s->m;
    const bmc_params *p = &m->p;
    bmc_start *st = &x->start;
    st->active = true;
    st->as_of = as_of;
    st->decided_old = m->old_done_before;
    for (int c = 0; c < p->n_categories; c++) {
        st->waiting[c] = s->old[c].waiting;
        st->ready[c] = s->old[c].ready;
        st->remands[c] = s->old[c].remands;
        st->decided_old += s->old[c].decided + s->old[c].closed;
    }
    for (int k = 0; k < p->n_tracks; k++)
        BMC_TRY(export_lodging(m, &s->track[k], k, d, by_day, st, err));
    st->triage_given = true;
    st->triage = s->triage;
    st->cycle_given = p->start.active && p->start.cycle_given;
    st->cycle_start = p->start.cycle_start;
    export_months(s, b, d, x);
    return BMC_OK;
}

int bmc_state_export(const bmc_model *m, bmc_date as_of, bool by_day, bmc_snapshot *out,
                     bmc_err *err)
{
    memset(out, 0, sizeof *out);
    int d = bmc_calendar_day_of(m->cal, as_of);
    int y, mo, day;
    bmc_date_to_ymd(as_of, &y, &mo, &day);
    if (!m->p.deterministic)
        return bmc_fail(err, BMC_EINTERNAL, "a state is exported from the central projection");
    if (d < 0 || d >= m->ndays - 1 || day != bmc_days_in_month(y, mo)) {
        char buf[11];
        bmc_date_format(as_of, buf);
        return bmc_fail(err, BMC_EUSAGE, "as-of date %s: the last day of a month from the "
                        "start to before the horizon", buf);
    }
    bmc_layout layout;
    bmc_model_layout(m, true, &layout);
    bmc_result_block *b = bmc_result_block_alloc(&layout, 1);
    bmc_sim *sim = NULL;
    int rc = b ? bmc_sim_create(m, &sim, err)
               : bmc_fail(err, BMC_ENOMEM, "out of memory for the projection");
    if (rc == BMC_OK)
        rc = bmc_sim_run_until(sim, m->p.seed, 0, true, b, 0, d, err);
    if (rc == BMC_OK)
        rc = export_state(sim, b, d, as_of, by_day, out, err);
    bmc_sim_free(sim);
    bmc_result_block_free(b);
    return rc;
}
