#include "attribution.h"

#include <stdio.h>
#include <string.h>

static const char *const NAMES[BMC_ATTR_GROUPS] = {"state", "intake", "staff", "work content",
                                                   "policy", "other"};

/* The lists of docs/model.md (section 13); move_* below are the same lists in code, and
 * tests/test_attribution.c checks them key by key. */
static const char *const KEYS[BMC_ATTR_GROUPS] = {
    "the state file (as_of, old_cases, decided_old, new_cases, triage, plan_cycle_start); "
    "time.start_date, old_cases.categories[].initial and intake_share (the pre-Pact arrivals "
    "that join the old stock, by default split like the initial counts)",
    "intake.annual_level, year_to_year_sdlog, seasonality, deviation, negbin_size, surge, "
    "intake.tracks[].share, intake_history (the configuration's and the state's)",
    "staff.fte, fte_factor, availability, availability_seasonality, availability_deviation",
    "old_cases.categories[].regular and .approach (rates and their factors), "
    "intake.tracks[].work, intake.work_factor",
    "old_cases.categories[].priority, hold_until_approach, approach_start (a category that "
    "gains or loses its approach takes its approach rates with it); "
    "voorfase.capacity; plan; triage; intake.tracks[].deadline_days and lead_days",
    "every other key: time (horizon, Pact and target dates, holidays), grant rates, "
    "reclassification, voorfase.show_probability, withdrawals, remands, chain, "
    "run.deterministic",
};

const char *bmc_attr_group_name(int group)
{
    return group >= 0 && group < BMC_ATTR_GROUPS ? NAMES[group] : NULL;
}

const char *bmc_attr_group_keys(int group)
{
    return group >= 0 && group < BMC_ATTR_GROUPS ? KEYS[group] : NULL;
}

typedef const char *(*name_of)(const bmc_params *p, int i);

static const char *category_name(const bmc_params *p, int i)
{
    return p->cat[i].name;
}

static const char *track_name(const bmc_params *p, int i)
{
    return p->track[i].name;
}

static bool same_names(const bmc_params *a, int na, const bmc_params *b, int nb, name_of name)
{
    if (na != nb)
        return false;
    for (int i = 0; i < na; i++)
        if (strcmp(name(a, i), name(b, i)))
            return false;
    return true;
}

/* "A, B, C" into buf. */
static void list_names(const bmc_params *p, int n, name_of name, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "", name(p, i));
    }
}

/* BMC_OK when the lists agree, else BMC_ECONFIG saying how they differ. */
static int differ(const bmc_params *old, int n_old, const bmc_params *new, int n_new,
                  name_of name, const char *what, bmc_err *err)
{
    if (same_names(old, n_old, new, n_new, name))
        return BMC_OK;
    char a[1200], b[1200];
    list_names(old, n_old, name, a, sizeof a);
    list_names(new, n_new, name, b, sizeof b);
    return bmc_fail(err, BMC_ECONFIG, "OLD and NEW have different %s (OLD: %s; NEW: %s): "
                    "attribution moves their keys one by one and needs the same list in the "
                    "same order", what, a, b);
}

int bmc_attr_comparable(const bmc_params *old, const bmc_params *new, bmc_err *err)
{
    BMC_TRY(differ(old, old->n_categories, new, new->n_categories, category_name,
                   "old-case categories", err));
    return differ(old, old->n_tracks, new, new->n_tracks, track_name, "new-case tracks", err);
}

static void move_state(bmc_params *s, const bmc_params *n)
{
    s->start_date = n->start_date;
    s->start = n->start;
    for (int c = 0; c < n->n_categories; c++) {
        s->cat[c].initial = n->cat[c].initial;
        s->cat[c].intake_share = n->cat[c].intake_share;
    }
}

static void move_intake(bmc_params *s, const bmc_params *n)
{
    s->annual_level = n->annual_level;
    s->year_to_year_sdlog = n->year_to_year_sdlog;
    memcpy(s->seasonality, n->seasonality, sizeof s->seasonality);
    s->deviation_phi = n->deviation_phi;
    s->deviation_sigma = n->deviation_sigma;
    s->negbin_size = n->negbin_size;
    s->surge_probability = n->surge_probability;
    s->surge_multiplier = n->surge_multiplier;
    s->surge_months = n->surge_months;
    s->intake_history = n->intake_history;
    for (int k = 0; k < n->n_tracks; k++)
        s->track[k].share = n->track[k].share;
}

static void move_staff(bmc_params *s, const bmc_params *n)
{
    s->fte = n->fte;
    s->fte_factor = n->fte_factor;
    s->availability = n->availability;
    memcpy(s->availability_seasonality, n->availability_seasonality,
           sizeof s->availability_seasonality);
    s->availability_rho = n->availability_rho;
    s->availability_tau = n->availability_tau;
}

/* The approach rates of a category. The reader sets them to the regular rates (factors 1)
 * for a category without an approach, so unless both sides have an approach they follow the
 * policy, not the work. */
static void move_approach_rates(bmc_category_params *k, const bmc_category_params *m)
{
    k->approach = m->approach;
    k->approach_hearings_factor = m->approach_hearings_factor;
    k->approach_decisions_factor = m->approach_decisions_factor;
    k->approach_rates_factor = m->approach_rates_factor;
}

static void move_work(bmc_params *s, const bmc_params *n)
{
    for (int c = 0; c < n->n_categories; c++) {
        s->cat[c].regular = n->cat[c].regular;
        if (n->cat[c].has_approach && s->cat[c].has_approach)
            move_approach_rates(&s->cat[c], &n->cat[c]);
    }
    for (int k = 0; k < n->n_tracks; k++)
        s->track[k].work = n->track[k].work;
    s->new_work_factor = n->new_work_factor;
}

static void move_policy(bmc_params *s, const bmc_params *n)
{
    for (int c = 0; c < n->n_categories; c++) {
        bmc_category_params *k = &s->cat[c];
        const bmc_category_params *m = &n->cat[c];
        k->priority = m->priority;
        k->hold_until_approach = m->hold_until_approach;
        if (!m->has_approach || !k->has_approach)
            move_approach_rates(k, m);
        k->has_approach = m->has_approach;
        k->approach_start = m->approach_start;
    }
    s->voorfase_capacity = n->voorfase_capacity;
    s->cycle_months = n->cycle_months;
    s->grant_target_initial = n->grant_target_initial;
    s->grant_target = n->grant_target;
    s->grant_tolerance = n->grant_tolerance;
    s->triage_threshold = n->triage_threshold;
    s->triage_trigger_months = n->triage_trigger_months;
    s->triage_release_months = n->triage_release_months;
    s->triage_min_days = n->triage_min_days;
    s->triage_policy = n->triage_policy;
    s->triage_old_share = n->triage_old_share;
    for (int k = 0; k < n->n_tracks; k++) {
        s->track[k].deadline_days = n->track[k].deadline_days;
        s->track[k].lead_days = n->track[k].lead_days;
    }
}

void bmc_attr_move_group(bmc_params *step, const bmc_params *new, int group)
{
    switch (group) {
    case BMC_ATTR_STATE: move_state(step, new); break;
    case BMC_ATTR_INTAKE: move_intake(step, new); break;
    case BMC_ATTR_STAFF: move_staff(step, new); break;
    case BMC_ATTR_WORK: move_work(step, new); break;
    case BMC_ATTR_POLICY: move_policy(step, new); break;
    default: *step = *new; break;
    }
}
