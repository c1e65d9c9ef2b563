#include "params.h"

#include <math.h>
#include <string.h>

#include "holidays.h"
#include "state.h"

/* Shares that should sum to 1 may carry rounding from a spreadsheet; anything further off
 * is a mistake in the config. */
#define SHARE_SUM_TOL 1e-6
#define SEASONALITY_MEAN_TOL 1e-3
/* Below a size of 1 the daily negative binomial puts most days at zero and a year's count
 * on a few days: most scenarios get almost no intake while the mean stays put, which is no
 * model of asylum intake. */
#define NEGBIN_SIZE_MIN 1.0

#define TRY BMC_TRY

static int load_time(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map t;
    TRY(cfg_get_map(root, "time", true, &t, err));
    TRY(cfg_get_date(&t, "start_date", true, 0, &p->start_date, err));
    TRY(cfg_get_date(&t, "horizon_date", true, 0, &p->horizon_date, err));
    TRY(cfg_get_date(&t, "pact_date", true, 0, &p->pact_date, err));
    TRY(cfg_get_date(&t, "target_date", true, 0, &p->target_date, err));
    if (p->horizon_date <= p->start_date)
        return cfg_fail_at(&t, "horizon_date", BMC_ECONFIG, err,
                           "horizon_date must be after start_date");
    /* a run may start after the Pact date (from an actual state): every arrival is then new */
    if (p->pact_date > p->horizon_date)
        return cfg_fail_at(&t, "pact_date", BMC_ECONFIG, err,
                           "pact_date must not lie after horizon_date");
    if (p->target_date < p->pact_date || p->target_date < p->start_date ||
        p->target_date > p->horizon_date)
        return cfg_fail_at(&t, "target_date", BMC_ECONFIG, err,
                           "target_date must lie between pact_date and horizon_date, and not "
                           "before start_date");

    int n = 0;
    p->holiday_rules = 0;
    TRY(cfg_get_seq(&t, "holidays", true, 0, 32, &n, err));
    for (int i = 0; i < n; i++) {
        const char *name;
        unsigned rule;
        TRY(cfg_seq_string(&t, "holidays", i, &name, err));
        if (bmc_holiday_rule_from_name(name, &rule) != 0)
            return cfg_fail_at_item(&t, "holidays", i, BMC_ECONFIG, err,
                                    "unknown holiday \"%s\" (known: new_year, good_friday, "
                                    "easter_monday, kings_day, liberation_day, ascension, "
                                    "whit_monday, christmas, boxing_day)",
                                    name);
        p->holiday_rules |= rule;
    }
    TRY(cfg_get_seq(&t, "extra_holidays", false, 0, BMC_MAX_HOLIDAYS, &n, err));
    p->n_extra_holidays = n;
    for (int i = 0; i < n; i++)
        TRY(cfg_seq_date(&t, "extra_holidays", i, &p->extra_holidays[i], err));
    return cfg_finish(&t, err);
}

static int load_run(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map r;
    long long seed, scenarios;
    TRY(cfg_get_map(root, "run", true, &r, err));
    TRY(cfg_get_int(&r, "scenarios", true, 0, 1, 1000000000000LL, &scenarios, err));
    TRY(cfg_get_int(&r, "seed", true, 0, 0, 9007199254740991LL, &seed, err));
    TRY(cfg_get_bool(&r, "deterministic", false, false, &p->deterministic, err));
    int design;
    TRY(cfg_get_enum(&r, "design", false, bmc_design_names, BMC_DESIGN_COUNT, BMC_DESIGN_PLAIN,
                     &design, err));
    p->design = (enum bmc_design_kind)design;
    TRY(cfg_get_seq(&r, "relief_intake_levels", false, 0, BMC_MAX_RELIEF_LEVELS,
                    &p->n_relief_levels, err));
    for (int i = 0; i < p->n_relief_levels; i++)
        TRY(cfg_seq_double(&r, "relief_intake_levels", i, 1, 1e7, &p->relief_levels[i], err));
    p->scenarios = scenarios;
    p->seed = (uint64_t)seed;
    /* precision stop (README): batches until P(complete by target) is known well enough */
    cfg_map pr;
    long long batch, max;
    TRY(cfg_get_map(&r, "precision", false, &pr, err));
    TRY(cfg_get_double(&pr, "half_width", pr.node != NULL, 0, 1e-6, 0.25,
                       &p->precision_half_width, err));
    TRY(cfg_get_int(&pr, "batch", false, 1000, 1, 1000000000LL, &batch, err));
    TRY(cfg_get_int(&pr, "max_scenarios", false, 1000000, 1, 1000000000000LL, &max, err));
    TRY(cfg_finish(&pr, err));
    p->precision_batch = batch;
    p->max_scenarios = max;
    return cfg_finish(&r, err);
}

/* Twelve monthly factors with mean 1 (within the tolerance), scaled to mean 1 exactly so
 * that they move the year's total by nothing. */
static int load_twelve_factors(cfg_map *m, const char *key, bool required, double *out,
                               bmc_err *err)
{
    int n;
    TRY(cfg_get_seq(m, key, required, 12, 12, &n, err));
    if (n == 0) {
        for (int i = 0; i < 12; i++)
            out[i] = 1;
        return BMC_OK;
    }
    double sum = 0;
    for (int i = 0; i < 12; i++) {
        TRY(cfg_seq_double(m, key, i, 0, 12, &out[i], err));
        sum += out[i];
    }
    if (fabs(sum / 12 - 1) > SEASONALITY_MEAN_TOL)
        return cfg_fail_at(m, key, BMC_ECONFIG, err,
                           "the 12 monthly factors must have mean 1 (within %g), their mean is %.6f",
                           SEASONALITY_MEAN_TOL, sum / 12);
    for (int i = 0; i < 12; i++)
        out[i] *= 12 / sum;
    return BMC_OK;
}

/* A dated schedule whose points all lie before the start never changes inside the simulated
 * period: its dates are almost surely wrong (a year off), so it is refused. */
static int schedule_inside(cfg_map *m, const char *key, const bmc_schedule *s, bmc_date start,
                           bmc_err *err)
{
    if (!cfg_is_map(m, key) || s->n < 1 || s->date[s->n - 1] >= start)
        return BMC_OK;
    char buf[11];
    bmc_date_format(start, buf);
    return cfg_fail_at(m, key, BMC_ECONFIG, err,
                       "every point lies before start_date %s, so the schedule is constant at "
                       "its last value: give points inside the simulated period or a plain "
                       "number",
                       buf);
}

/* An AR(1) on a log scale whose stationary sd exceeds 1 swings a month by more than a factor
 * e either way, and its mean-one factor exp(y - v/2) is then near 0 in almost every month
 * and huge in a few: not a model of staff or intake. */
static int stationary_sd_at_most_one(cfg_map *m, const char *key, double phi, double sd,
                                     const char *what, bmc_err *err)
{
    double stationary = sd / sqrt(1 - phi * phi);
    if (stationary > 1)
        return cfg_fail_at(m, key, BMC_ECONFIG, err,
                           "the %s deviation's stationary sd %s / sqrt(1 - %g^2) = %.3g is above "
                           "1: a month would swing by more than a factor e either way",
                           what, key, phi, stationary);
    return BMC_OK;
}

static int load_staff(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map s, dev;
    TRY(cfg_get_map(root, "staff", true, &s, err));
    TRY(cfg_get_schedule(&s, "fte", true, 0, 0, 1e6, &p->fte, err));
    TRY(schedule_inside(&s, "fte", &p->fte, p->start_date, err));
    TRY(cfg_get_dist(&s, "fte_factor", false, 1.0, 0, 10, &p->fte_factor, err));
    TRY(cfg_get_double(&s, "availability", true, 0, 1e-6, 1, &p->availability, err));
    TRY(load_twelve_factors(&s, "availability_seasonality", false,
                            p->availability_seasonality, err));
    TRY(cfg_get_map(&s, "availability_deviation", true, &dev, err));
    TRY(cfg_get_double(&dev, "rho", true, 0, 0, 0.999, &p->availability_rho, err));
    TRY(cfg_get_double(&dev, "tau", true, 0, 0, 1, &p->availability_tau, err));
    TRY(stationary_sd_at_most_one(&dev, "tau", p->availability_rho, p->availability_tau,
                                  "availability", err));
    TRY(cfg_finish(&dev, err));
    return cfg_finish(&s, err);
}

static int load_track(cfg_map *tracks_parent, int i, bmc_track_params *t, bmc_err *err)
{
    cfg_map m;
    const char *name;
    long long deadline, lead;
    TRY(cfg_seq_map(tracks_parent, "tracks", i, &m, err));
    TRY(cfg_get_string(&m, "name", true, NULL, &name, err));
    if (strlen(name) == 0 || strlen(name) >= sizeof t->name)
        return cfg_fail_at(&m, "name", BMC_ECONFIG, err, "name must have 1 to %zu characters",
                           sizeof t->name - 1);
    snprintf(t->name, sizeof t->name, "%s", name);
    TRY(cfg_get_double(&m, "share", true, 0, 0, 1, &t->share, err));
    TRY(cfg_get_int(&m, "deadline_days", true, 0, 1, 3650, &deadline, err));
    TRY(cfg_get_int(&m, "lead_days", true, 0, 0, 3650, &lead, err));
    TRY(cfg_get_double(&m, "work", true, 0, 1e-6, 1000, &t->work, err));
    if (lead > deadline)
        return cfg_fail_at(&m, "lead_days", BMC_ECONFIG, err,
                           "lead_days %lld is longer than deadline_days %lld: no case of the "
                           "track could ever be decided on time",
                           lead, deadline);
    t->deadline_days = (int)deadline;
    t->lead_days = (int)lead;
    return cfg_finish(&m, err);
}

static int load_intake(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map in, dev, surge;
    TRY(cfg_get_map(root, "intake", true, &in, err));
    TRY(cfg_get_dist(&in, "annual_level", true, 0, 0, 1e7, &p->annual_level, err));

    TRY(cfg_get_double(&in, "year_to_year_sdlog", true, 0, 0, 2, &p->year_to_year_sdlog, err));
    TRY(load_twelve_factors(&in, "seasonality", true, p->seasonality, err));

    TRY(cfg_get_map(&in, "deviation", true, &dev, err));
    TRY(cfg_get_double(&dev, "phi", true, 0, 0, 0.999, &p->deviation_phi, err));
    TRY(cfg_get_double(&dev, "sigma", true, 0, 0, 2, &p->deviation_sigma, err));
    TRY(stationary_sd_at_most_one(&dev, "sigma", p->deviation_phi, p->deviation_sigma,
                                  "intake", err));
    TRY(cfg_finish(&dev, err));

    if (cfg_is_scalar(&in, "negbin_size")) {
        static const char *const poisson[] = {"poisson"};
        int which;
        /* "poisson" is k = infinity; otherwise a positive number */
        if (cfg_get_enum(&in, "negbin_size", true, poisson, 1, 0, &which, NULL) == BMC_OK) {
            p->negbin_size = 0;
        } else {
            TRY(cfg_get_double(&in, "negbin_size", true, 0, NEGBIN_SIZE_MIN, 1e9,
                               &p->negbin_size, err));
        }
    } else {
        TRY(cfg_get_double(&in, "negbin_size", true, 0, NEGBIN_SIZE_MIN, 1e9, &p->negbin_size,
                           err));
    }

    TRY(cfg_get_map(&in, "surge", false, &surge, err));
    TRY(cfg_get_double(&surge, "probability", false, 0, 0, 1, &p->surge_probability, err));
    TRY(cfg_get_dist(&surge, "multiplier", p->surge_probability > 0, 1, 0, 100,
                     &p->surge_multiplier, err));
    TRY(cfg_get_dist(&surge, "months", p->surge_probability > 0, 1, 1, 120, &p->surge_months,
                     err));
    TRY(cfg_finish(&surge, err));

    TRY(cfg_get_dist(&in, "grant_rate", true, 0, 0, 1, &p->new_grant_rate, err));
    TRY(cfg_get_dist(&in, "work_factor", false, 1, 1e-3, 100, &p->new_work_factor, err));

    TRY(cfg_get_seq(&in, "tracks", true, 1, BMC_MAX_TRACKS, &p->n_tracks, err));
    double share_sum = 0;
    for (int i = 0; i < p->n_tracks; i++) {
        TRY(load_track(&in, i, &p->track[i], err));
        share_sum += p->track[i].share;
        for (int j = 0; j < i; j++)
            if (strcmp(p->track[j].name, p->track[i].name) == 0)
                return cfg_fail_at_item(&in, "tracks", i, BMC_ECONFIG, err,
                                        "track name \"%s\" is used twice", p->track[i].name);
    }
    if (fabs(share_sum - 1) > SHARE_SUM_TOL)
        return cfg_fail_at(&in, "tracks", BMC_ECONFIG, err,
                           "track shares must sum to 1, they sum to %.9g", share_sum);
    return cfg_finish(&in, err);
}

static int load_rates(cfg_map *cat, const char *key, bool required, bool approach,
                      bmc_rates *r, bmc_category_params *c, bmc_err *err)
{
    cfg_map m;
    TRY(cfg_get_map(cat, key, required, &m, err));
    TRY(cfg_get_double(&m, "hearing_share", true, 0, 0, 1, &r->hearing_share, err));
    /* a stage without hearings (category B in the approach) needs no hearing rate */
    TRY(cfg_get_double(&m, "hearings_per_day", r->hearing_share > 0, 1, 1e-6, 1000,
                       &r->hearings_per_day, err));
    TRY(cfg_get_double(&m, "decisions_per_day", true, 0, 1e-6, 1000, &r->decisions_per_day, err));
    if (approach) {
        TRY(cfg_get_dist(&m, "hearings_factor", false, 1, 1e-3, 100,
                         &c->approach_hearings_factor, err));
        TRY(cfg_get_dist(&m, "decisions_factor", false, 1, 1e-3, 100,
                         &c->approach_decisions_factor, err));
        TRY(cfg_get_dist(&m, "rates_factor", false, 1, 1e-3, 100, &c->approach_rates_factor,
                         err));
    }
    return cfg_finish(&m, err);
}

static int load_category(cfg_map *parent, int i, bmc_category_params *c, bool *has_intake_share,
                         bmc_err *err)
{
    cfg_map m;
    const char *name;
    TRY(cfg_seq_map(parent, "categories", i, &m, err));
    TRY(cfg_get_string(&m, "name", true, NULL, &name, err));
    /* names become HDF5 dataset names such as "A.grant_rate" */
    if (strlen(name) == 0 || strlen(name) > 24 || strpbrk(name, "/. ") != NULL)
        return cfg_fail_at(&m, "name", BMC_ECONFIG, err,
                           "a category name has 1 to 24 characters and no '/', '.' or space");
    snprintf(c->name, sizeof c->name, "%s", name);
    long long initial;
    TRY(cfg_get_int(&m, "initial", true, 0, 0, 100000000, &initial, err));
    c->initial = (double)initial;
    *has_intake_share = cfg_has(&m, "intake_share");
    TRY(cfg_get_double(&m, "intake_share", false, 0, 0, 1, &c->intake_share, err));
    TRY(cfg_get_bool(&m, "priority", false, false, &c->priority, err));
    TRY(cfg_get_bool(&m, "hold_until_approach", false, false, &c->hold_until_approach, err));
    TRY(cfg_get_dist(&m, "grant_rate", true, 0, 0, 1, &c->grant_rate, err));

    /* approach_start: a date, or "never" for the regular process throughout */
    static const char *const never[] = {"never"};
    int which;
    if (cfg_get_enum(&m, "approach_start", true, never, 1, 0, &which, NULL) == BMC_OK) {
        c->has_approach = false;
    } else {
        TRY(cfg_get_date(&m, "approach_start", true, 0, &c->approach_start, err));
        c->has_approach = true;
    }
    c->approach_hearings_factor = bmc_dist_fixed(1);
    c->approach_decisions_factor = bmc_dist_fixed(1);
    c->approach_rates_factor = bmc_dist_fixed(1);
    TRY(load_rates(&m, "regular", true, false, &c->regular, c, err));
    /* with approach_start never, approach rates may stay in the file (a variant that turns
     * the approach off inherits them); they are validated and not used */
    if (c->has_approach || cfg_has(&m, "approach"))
        TRY(load_rates(&m, "approach", c->has_approach, true, &c->approach, c, err));
    if (!c->has_approach) {
        c->approach = c->regular;
        c->approach_hearings_factor = bmc_dist_fixed(1);
        c->approach_decisions_factor = bmc_dist_fixed(1);
        c->approach_rates_factor = bmc_dist_fixed(1);
    }
    if (c->hold_until_approach && c->priority)
        return cfg_fail_at(&m, "hold_until_approach", BMC_ECONFIG, err,
                           "a priority category is served before the plan shares and "
                           "cannot be held");
    if (c->hold_until_approach && !c->has_approach)
        return cfg_fail_at(&m, "hold_until_approach", BMC_ECONFIG, err,
                           "a category without an approach start would be held for ever");
    return cfg_finish(&m, err);
}

static int load_reclassification(cfg_map *o, bmc_params *p, bmc_err *err);

/* With a state the approach of a category may have started before the run (section 12). */
static int load_old_cases(cfg_map *root, bmc_params *p, bool has_state, bmc_err *err)
{
    cfg_map o;
    TRY(cfg_get_map(root, "old_cases", true, &o, err));
    TRY(cfg_get_seq(&o, "categories", true, 1, BMC_MAX_CATEGORIES, &p->n_categories, err));
    int n_with_share = 0;
    double initial_sum = 0, share_sum = 0;
    for (int i = 0; i < p->n_categories; i++) {
        bool has_share = false;
        bmc_category_params *c = &p->cat[i];
        TRY(load_category(&o, i, c, &has_share, err));
        n_with_share += has_share;
        initial_sum += c->initial;
        share_sum += c->intake_share;
        for (int j = 0; j < i; j++)
            if (strcmp(p->cat[j].name, c->name) == 0)
                return cfg_fail_at_item(&o, "categories", i, BMC_ECONFIG, err,
                                        "category name \"%s\" is used twice", c->name);
        if (c->has_approach && ((!has_state && c->approach_start < p->start_date) ||
                                c->approach_start > p->horizon_date))
            return cfg_fail_at_item(&o, "categories", i, BMC_ECONFIG, err,
                                    "approach_start of %s lies outside start_date..horizon_date",
                                    c->name);
    }
    if (n_with_share != 0 && n_with_share != p->n_categories)
        return cfg_fail_at(&o, "categories", BMC_ECONFIG, err,
                           "intake_share is given for %d of %d categories: give it for all "
                           "(old_intake_mix) or for none (then the initial shares are used)",
                           n_with_share, p->n_categories);
    if (n_with_share == 0) {
        if (initial_sum <= 0)
            return cfg_fail_at(&o, "categories", BMC_ECONFIG, err,
                               "no old cases at all and no intake_share: nothing to split "
                               "pre-Pact arrivals by");
        for (int i = 0; i < p->n_categories; i++)
            p->cat[i].intake_share = p->cat[i].initial / initial_sum;
    } else if (fabs(share_sum - 1) > SHARE_SUM_TOL) {
        return cfg_fail_at(&o, "categories", BMC_ECONFIG, err,
                           "intake_share over the categories must sum to 1, it sums to %.9g",
                           share_sum);
    }
    TRY(load_reclassification(&o, p, err));
    return cfg_finish(&o, err);
}

static int category_index(const bmc_params *p, const char *name)
{
    for (int c = 0; c < p->n_categories; c++)
        if (!strcmp(p->cat[c].name, name))
            return c;
    return -1;
}

static int load_reclassification(cfg_map *o, bmc_params *p, bmc_err *err)
{
    int n;
    memset(p->reclass, 0, sizeof p->reclass);
    TRY(cfg_get_seq(o, "reclassification", false, 0, BMC_MAX_CATEGORIES * BMC_MAX_CATEGORIES, &n,
                    err));
    for (int i = 0; i < n; i++) {
        cfg_map r;
        const char *from, *to;
        double prob;
        TRY(cfg_seq_map(o, "reclassification", i, &r, err));
        TRY(cfg_get_string(&r, "from", true, NULL, &from, err));
        TRY(cfg_get_string(&r, "to", true, NULL, &to, err));
        TRY(cfg_get_double(&r, "probability", true, 0, 0, 1, &prob, err));
        int a = category_index(p, from), b = category_index(p, to);
        if (a < 0)
            return cfg_fail_at(&r, "from", BMC_ECONFIG, err, "no category \"%s\"", from);
        if (b < 0)
            return cfg_fail_at(&r, "to", BMC_ECONFIG, err, "no category \"%s\"", to);
        if (a == b)
            return cfg_fail_at(&r, "to", BMC_ECONFIG, err, "a category cannot move to itself");
        p->reclass[a][b] += prob;
        double row = 0;
        for (int k = 0; k < p->n_categories; k++)
            row += p->reclass[a][k];
        if (row > 1 + SHARE_SUM_TOL)
            return cfg_fail_at(&r, "probability", BMC_ECONFIG, err,
                               "reclassification out of %s adds up to %.9g, more than 1", from,
                               row);
        TRY(cfg_finish(&r, err));
    }
    return BMC_OK;
}

static int load_voorfase(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map v;
    TRY(cfg_get_map(root, "voorfase", true, &v, err));
    TRY(cfg_get_schedule(&v, "capacity", true, 0, 0, 1e7, &p->voorfase_capacity, err));
    TRY(schedule_inside(&v, "capacity", &p->voorfase_capacity, p->start_date, err));
    TRY(cfg_get_double(&v, "show_probability", true, 0, 0, 1, &p->voorfase_show, err));
    return cfg_finish(&v, err);
}

static int load_plan(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map m;
    long long months;
    TRY(cfg_get_map(root, "plan", true, &m, err));
    TRY(cfg_get_int(&m, "cycle_months", true, 0, 1, 120, &months, err));
    p->cycle_months = (int)months;
    /* grant_target: "initial" (the initial non-priority stock) or a rate */
    static const char *const initial[] = {"initial"};
    int which;
    p->grant_target_initial =
        cfg_get_enum(&m, "grant_target", true, initial, 1, 0, &which, NULL) == BMC_OK;
    if (!p->grant_target_initial)
        TRY(cfg_get_double(&m, "grant_target", true, 0, 0, 1, &p->grant_target, err));
    TRY(cfg_get_double(&m, "grant_tolerance", true, 0, 0, 1, &p->grant_tolerance, err));
    return cfg_finish(&m, err);
}

static int load_triage(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map t;
    long long trig, rel, mind;
    int policy;
    static const char *const POLICIES[] = {"cap_new", "share", "protect_new"};
    TRY(cfg_get_map(root, "triage", true, &t, err));
    TRY(cfg_get_double(&t, "threshold", true, 0, 0, 1e8, &p->triage_threshold, err));
    TRY(cfg_get_int(&t, "trigger_months", true, 0, 1, 120, &trig, err));
    TRY(cfg_get_int(&t, "release_months", true, 0, 1, 120, &rel, err));
    TRY(cfg_get_int(&t, "min_days", true, 0, 1, 365, &mind, err));
    TRY(cfg_get_enum(&t, "policy", true, POLICIES, 3, 0, &policy, err));
    TRY(cfg_get_double(&t, "old_share", policy == BMC_TRIAGE_SHARE, 0.4, 0, 1,
                       &p->triage_old_share, err));
    p->triage_trigger_months = (int)trig;
    p->triage_release_months = (int)rel;
    p->triage_min_days = (int)mind;
    p->triage_policy = (enum bmc_triage_policy)policy;
    return cfg_finish(&t, err);
}

static int load_flows(cfg_map *root, bmc_params *p, bmc_err *err)
{
    cfg_map w, r, c;
    long long delay;
    TRY(cfg_get_map(root, "withdrawals", true, &w, err));
    TRY(cfg_get_double(&w, "annual_rate", true, 0, 0, 0.999, &p->withdrawal_rate, err));
    TRY(cfg_get_double(&w, "refile_probability", true, 0, 0, 1, &p->refile_probability, err));
    TRY(cfg_finish(&w, err));
    TRY(cfg_get_map(root, "remands", true, &r, err));
    TRY(cfg_get_dist(&r, "probability", true, 0, 0, 1, &p->remand_probability, err));
    /* at least a day: a court does not annul a decision on the day it is taken, and the
     * day's remands are collected before its decisions */
    TRY(cfg_get_int(&r, "delay_days", true, 0, 1, 3650, &delay, err));
    p->remand_delay_days = (int)delay;
    TRY(cfg_finish(&r, err));
    TRY(cfg_get_map(root, "chain", true, &c, err));
    TRY(cfg_get_double(&c, "nareis_per_grant", true, 0, 0, 100, &p->nareis_per_grant, err));
    TRY(cfg_get_double(&c, "appeals_per_rejection", true, 0, 0, 100, &p->appeals_per_rejection,
                       err));
    return cfg_finish(&c, err);
}

int bmc_params_load(bmc_cfg *cfg, bmc_params *p, bmc_err *err)
{
    return bmc_params_load_state(cfg, NULL, p, err);
}

int bmc_params_load_state(bmc_cfg *cfg, const bmc_state_source *state, bmc_params *p,
                          bmc_err *err)
{
    memset(p, 0, sizeof *p);
    cfg_map root = cfg_root(cfg);
    char path[4096];
    bool has_key;
    TRY(bmc_state_config_path(cfg, path, sizeof path, &has_key, err));
    bool has_state = state || has_key;
    TRY(load_time(&root, p, err));
    TRY(load_run(&root, p, err));
    TRY(load_staff(&root, p, err));
    TRY(load_intake(&root, p, err));
    TRY(load_old_cases(&root, p, has_state, err));
    TRY(load_voorfase(&root, p, err));
    TRY(load_plan(&root, p, err));
    TRY(load_triage(&root, p, err));
    TRY(load_flows(&root, p, err));
    /* with a state the history must end before the state's start (checked there) */
    TRY(bmc_history_load(&root, "intake_history",
                         has_state ? -1 : bmc_history_month_of(p->start_date),
                         &p->intake_history, err));
    if (p->intake_history.n > 0 && p->annual_level.kind != BMC_DIST_LOGNORMAL)
        return cfg_fail_at(&root, "intake_history", BMC_ECONFIG, err,
                           "conditioning on intake_history needs intake.annual_level as a "
                           "lognormal {median, sdlog}: its log is the filter's prior");
    TRY(cfg_finish(&root, err));
    if (!has_state)
        return BMC_OK;
    bmc_state_source file = {path, NULL};
    return bmc_state_load(state ? state : &file, p, NULL, err);
}

static void print_dist(FILE *out, const char *label, const bmc_dist *d)
{
    char buf[160];
    bmc_dist_describe(d, buf, sizeof buf);
    fprintf(out, "  %-34s %s\n", label, buf);
}

static void print_rates(FILE *out, const char *stage, const bmc_rates *r)
{
    fprintf(out, "    %-9s hearings/day %-6g decisions/day %-6g hearing share %g\n", stage,
            r->hearings_per_day, r->decisions_per_day, r->hearing_share);
}

/* The state the run starts from (MODEL.md section 12), in a few numbers. */
static void print_start(const bmc_params *p, FILE *out)
{
    const bmc_start *s = &p->start;
    double waiting = 0, ready = 0, remands = 0, new_open = 0;
    for (int c = 0; c < p->n_categories; c++) {
        waiting += s->waiting[c];
        ready += s->ready[c];
        remands += s->remands[c];
    }
    for (int k = 0; k < p->n_tracks; k++)
        for (int j = 0; j < s->n_lodging[k]; j++)
            new_open += s->lodging[k][j].count;
    char as_of[11];
    bmc_date_format(s->as_of, as_of);
    fprintf(out, "  from the state as of %s: %.0f old cases open (%.0f waiting for the voorfase), "
                 "%.0f remands, %.0f decided or closed before; %.0f new cases open; triage %s\n",
            as_of, waiting + ready, waiting, remands, s->decided_old, new_open,
            s->triage_given ? (s->triage.on ? "on (given)" : "off (given)")
                            : "replayed from the intake history");
}

void bmc_params_print(const bmc_params *p, FILE *out)
{
    char a[11], b[11], c[11], d[11];
    bmc_date_format(p->start_date, a);
    bmc_date_format(p->horizon_date, b);
    bmc_date_format(p->pact_date, c);
    bmc_date_format(p->target_date, d);
    fprintf(out, "time\n  period %s .. %s, pact %s, target %s\n", a, b, c, d);
    if (p->start.active)
        print_start(p, out);
    fprintf(out, "  holidays:");
    for (unsigned bit = 1; bit <= BMC_HOL_BOXING_DAY; bit <<= 1)
        if (p->holiday_rules & bit)
            fprintf(out, " %s", bmc_holiday_rule_name(bit));
    fprintf(out, " (+%d extra dates)\n", p->n_extra_holidays);
    fprintf(out, "run\n  scenarios %lld, seed %llu%s, parameter design %s\n",
            (long long)p->scenarios, (unsigned long long)p->seed,
            p->deterministic ? ", deterministic" : "", bmc_design_names[p->design]);
    if (p->precision_half_width > 0)
        fprintf(out, "  precision stop: batches of %lld until P(complete by target) is within "
                     "+-%g (95 %%), at most %lld scenarios\n",
                (long long)p->precision_batch, p->precision_half_width,
                (long long)p->max_scenarios);
    fprintf(out, "staff\n  fte schedule (%s):", p->fte.linear ? "linear" : "step");
    for (int i = 0; i < p->fte.n; i++) {
        bmc_date_format(p->fte.date[i], a);
        fprintf(out, " %s=%g", p->fte.n == 1 ? "all" : a, p->fte.value[i]);
    }
    fprintf(out, "\n");
    print_dist(out, "fte factor", &p->fte_factor);
    fprintf(out, "  availability %g a month x seasonal factor x exp(y - v/2), y AR(1) rho %g "
                 "tau %g (stationary sd %.4f)\n  availability seasonality",
            p->availability, p->availability_rho, p->availability_tau,
            p->availability_tau / sqrt(1 - p->availability_rho * p->availability_rho));
    for (int i = 0; i < 12; i++)
        fprintf(out, " %.3f", p->availability_seasonality[i]);
    fprintf(out, "\n");
    fprintf(out, "intake\n");
    print_dist(out, "annual level", &p->annual_level);
    fprintf(out, "  year to year: level x exp(%g zeta) each new calendar year\n",
            p->year_to_year_sdlog);
    fprintf(out, "  seasonality (shares of the year's count x 12)");
    for (int i = 0; i < 12; i++)
        fprintf(out, " %.3f", p->seasonality[i]);
    fprintf(out, "\n  monthly deviation phi %g sigma %g, mean-one factor exp(x - v/2), "
                 "stationary start; daily %s",
            p->deviation_phi, p->deviation_sigma,
            p->negbin_size > 0 ? "negative binomial" : "Poisson");
    if (p->negbin_size > 0)
        fprintf(out, " size %g", p->negbin_size);
    if (p->surge_probability > 0)
        fprintf(out, "\n  surges: on, probability %g a month (the central projection leaves "
                     "surges out)\n",
                p->surge_probability);
    else
        fprintf(out, "\n  surges: off\n");
    print_dist(out, "new-case grant rate", &p->new_grant_rate);
    print_dist(out, "new-case work factor", &p->new_work_factor);
    if (p->intake_history.n > 0) {
        char first[8], last[8];
        const bmc_history *h = &p->intake_history;
        bmc_history_format_period(&h->p[0], first);
        bmc_history_format_period(&h->p[h->n - 1], last);
        fprintf(out, "  intake history: %d periods observed, %s .. %s\n", h->n, first, last);
    }
    for (int i = 0; i < p->n_tracks; i++) {
        const bmc_track_params *t = &p->track[i];
        fprintf(out, "  track %-12s share %.3f deadline %d d, lead %d d, work %g officer-days\n",
                t->name, t->share, t->deadline_days, t->lead_days, t->work);
    }
    fprintf(out, "old cases\n");
    for (int i = 0; i < p->n_categories; i++) {
        const bmc_category_params *k = &p->cat[i];
        if (k->has_approach)
            bmc_date_format(k->approach_start, a);
        fprintf(out, "  %-6s initial %-6.0f intake share %.4f%s%s approach %s\n", k->name,
                k->initial, k->intake_share, k->priority ? " priority," : "",
                k->hold_until_approach ? " held until its approach," : "",
                k->has_approach ? a : "never");
        print_rates(out, "regular", &k->regular);
        if (k->has_approach) {
            print_rates(out, "approach", &k->approach);
            print_dist(out, "  hearings factor", &k->approach_hearings_factor);
            print_dist(out, "  decisions factor", &k->approach_decisions_factor);
            print_dist(out, "  rates factor (both)", &k->approach_rates_factor);
        }
        print_dist(out, "  grant rate", &k->grant_rate);
    }
    for (int from = 0; from < p->n_categories; from++)
        for (int to = 0; to < p->n_categories; to++)
            if (p->reclass[from][to] > 0)
                fprintf(out, "  reclassified at the voorfase: %s -> %s with probability %g\n",
                        p->cat[from].name, p->cat[to].name, p->reclass[from][to]);
    fprintf(out, "voorfase\n  capacity (%s):", p->voorfase_capacity.linear ? "linear" : "step");
    for (int i = 0; i < p->voorfase_capacity.n; i++) {
        bmc_date_format(p->voorfase_capacity.date[i], a);
        fprintf(out, " %s=%g", p->voorfase_capacity.n == 1 ? "all" : a,
                p->voorfase_capacity.value[i]);
    }
    fprintf(out, " persons a working day; show-up %g\n", p->voorfase_show);
    fprintf(out, "plan\n  cycles of %d months; grant-rate target %s", p->cycle_months,
            p->grant_target_initial ? "initial non-priority stock" : "");
    if (!p->grant_target_initial)
        fprintf(out, "%g", p->grant_target);
    fprintf(out, " +- %g\n", p->grant_tolerance);
    static const char *const POLICY[] = {"cap_new", "share", "protect_new"};
    fprintf(out, "triage\n  above %g a year at %d month ends on, %d at or below off (a partial "
                 "year deseasonalised after %d days); policy %s",
            p->triage_threshold, p->triage_trigger_months, p->triage_release_months,
            p->triage_min_days, POLICY[p->triage_policy]);
    if (p->triage_policy == BMC_TRIAGE_SHARE)
        fprintf(out, ", old cases at least %g of capacity", p->triage_old_share);
    fprintf(out, "\nwithdrawals and remands\n  withdrawals %g a year, re-lodged %g\n",
            p->withdrawal_rate, p->refile_probability);
    print_dist(out, "remand probability", &p->remand_probability);
    fprintf(out, "  remand delay %d days\nchain\n  nareis %g per grant, appeals %g per "
                 "rejection\n",
            p->remand_delay_days, p->nareis_per_grant, p->appeals_per_rejection);
}
