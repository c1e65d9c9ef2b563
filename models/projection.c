#include "projection.h"

#include <math.h>

#include "production.h"
#include "scenario.h"

int bmc_projection_run(const bmc_model *m, bmc_projection *out, bmc_err *err)
{
    if (!m->p.deterministic)
        return bmc_fail(err, BMC_EINTERNAL, "the central projection needs a deterministic model");
    bmc_layout layout;
    bmc_model_layout(m, true, &layout);
    bmc_result_block *b = bmc_result_block_alloc(&layout, 1);
    bmc_sim *sim = NULL;
    int rc = b ? bmc_sim_create(m, &sim, err)
               : bmc_fail(err, BMC_ENOMEM, "out of memory for the projection");
    if (rc == BMC_OK)
        rc = bmc_sim_run(sim, m->p.seed, 0, true, b, 0, err);
    if (rc == BMC_OK) {
        out->completion_day = b->completion_day[0];
        out->p90_day = b->p90_day[0];
        out->p95_day = b->p95_day[0];
        out->p99_day = b->p99_day[0];
        out->share_at_target = b->decided_share_at_target[0];
        out->new_on_time_share = b->new_on_time_share[0];
        int nm = layout.n_months, nc = layout.n_categories;
        out->old_open_at_horizon = 0;
        const double *last = b->traj_cat[BMC_TRAJ_OLD_OPEN] + (size_t)(nm - 1) * nc;
        for (int c = 0; c < nc; c++)
            out->old_open_at_horizon += last[c];
        out->old_work_left = bmc_sim_old_work_left(sim, m->ndays - 1);
        out->old_waiting_at_horizon = bmc_sim_old_waiting(sim);
        out->voorfase_closed = m->p.voorfase_show <= 0 || m->voorfase_last_slots <= 0;
        /* the last twelve months show the steady state once the transitions are over */
        double offered = 0;
        int months = nm < 12 ? nm : 12;
        for (int mo = nm - months; mo < nm; mo++)
            offered += b->traj[BMC_TRAJ_OFFICER_DAYS_OFFERED][mo];
        out->capacity_per_year = offered * 12.0 / months;
        /* the median level (the walk keeps its median path) at the median work factor */
        out->new_demand_per_year =
            bmc_dist_quantile(&m->p.annual_level, 0.5) * bmc_sim_new_work_mean(sim);
    }
    bmc_sim_free(sim);
    bmc_result_block_free(b);
    return rc;
}

static void print_day(const bmc_model *m, const char *label, int day, FILE *out)
{
    char buf[11];
    if (day < 0) {
        fprintf(out, "  %-34s not reached by the horizon\n", label);
        return;
    }
    bmc_date_format(bmc_calendar_date(m->cal, day), buf);
    fprintf(out, "  %-34s %s\n", label, buf);
}

/* docs/model.md section 12: what the history says about the intake at the start. */
static void print_posterior(const bmc_model *m, FILE *out)
{
    const bmc_intake_posterior *post = &m->posterior;
    if (!post->active)
        return;
    char a[8], b[8];
    bmc_history_period first = {post->first_month, 1, 0}, last = {post->last_month, 1, 0};
    bmc_history_format_period(&first, a);
    bmc_history_format_period(&last, b);
    double sd = sqrt(post->cov[0][0]), L0 = m->level_median;
    fprintf(out, "intake conditioned on %d observed periods (%s .. %s)\n", post->n_obs, a, b);
    fprintf(out, "  %-34s %.0f a year (90 %% interval %.0f .. %.0f; prior median %.0f)\n",
            "level of the start year", L0 * exp(post->mean[0]),
            L0 * exp(post->mean[0] - 1.6448536269514722 * sd),
            L0 * exp(post->mean[0] + 1.6448536269514722 * sd), L0);
    fprintf(out, "  deviation x of %-19s %+.3f (sd %.3f; intake factor %.3f)\n", b, post->mean[1],
            sqrt(post->cov[1][1]), exp(post->mean[1] - m->deviation_var / 2));
}

void bmc_projection_print(const bmc_model *m, const bmc_projection *pr, FILE *out)
{
    print_posterior(m, out);
    char target[11];
    bmc_date_format(m->p.target_date, target);
    fprintf(out, "central projection (every draw at its expected value, every scenario-level "
                 "parameter at its median)\n");
    print_day(m, "90 % of old cases decided", pr->p90_day, out);
    print_day(m, "95 % of old cases decided", pr->p95_day, out);
    print_day(m, "99 % of old cases decided", pr->p99_day, out);
    print_day(m, "all old cases decided", pr->completion_day, out);
    fprintf(out, "  %-34s %.1f %%\n", "old cases decided by target", 100 * pr->share_at_target);
    fprintf(out, "  %-34s %s\n", "target date", target);
    if (!isnan(pr->new_on_time_share))
        fprintf(out, "  %-34s %.1f %%\n", "new cases decided on time", 100 * pr->new_on_time_share);
    fprintf(out, "capacity balance (last 12 months, officer-days a year)\n");
    fprintf(out, "  %-34s %.0f\n", "offered", pr->capacity_per_year);
    fprintf(out, "  %-34s %.0f\n", "needed by new intake", pr->new_demand_per_year);
    double spare = pr->capacity_per_year - pr->new_demand_per_year;
    fprintf(out, "  %-34s %.0f\n", "left for old cases", spare);
    if (pr->completion_day >= 0) {
        fprintf(out, "verdict: the old cases are cleared with this capacity\n");
    } else if (pr->voorfase_closed && pr->old_waiting_at_horizon > 0) {
        fprintf(out, "verdict: the old cases cannot be cleared: %.0f wait for a voorfase that "
                     "admits nobody at the horizon (%s), so they can never be decided\n",
                pr->old_waiting_at_horizon,
                m->p.voorfase_show <= 0 ? "show_probability 0" : "no places");
    } else if (spare <= 0) {
        fprintf(out, "verdict: the old cases cannot be cleared: new intake needs all the "
                     "capacity (%.0f old cases open at the horizon)\n",
                pr->old_open_at_horizon);
    } else {
        fprintf(out, "verdict: %.0f old cases still open at the horizon; at the final spare "
                     "capacity they need about %.1f more years\n",
                pr->old_open_at_horizon, pr->old_work_left / spare);
    }
}
