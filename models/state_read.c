#include "state.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY BMC_TRY
#define COUNT_MAX 1e9

const char *bmc_obs_name(int series)
{
    switch (series) {
    case BMC_OBS_FIRST_DECISIONS_OLD: return "first_decisions_old";
    case BMC_OBS_OLD_OPEN: return "old_open";
    case BMC_OBS_NEW_ON_TIME_SHARE: return "new_on_time_share";
    case BMC_OBS_INTAKE: return "intake";
    default: return NULL;
    }
}

bool bmc_obs_is_share(int series)
{
    return series == BMC_OBS_NEW_ON_TIME_SHARE;
}

int bmc_state_config_path(bmc_cfg *cfg, char *path, size_t n, bool *found, bmc_err *err)
{
    cfg_map root = cfg_root(cfg);
    const char *value = NULL;
    *found = false;
    path[0] = '\0';
    TRY(cfg_get_string(&root, "state", false, NULL, &value, err));
    if (!value)
        return BMC_OK;
    if (!*value)
        return cfg_fail_at(&root, "state", BMC_ECONFIG, err, "an empty file name");
    const char *file = cfg_file_name(cfg);
    const char *slash = strrchr(file, '/');
    if (value[0] == '/' || !slash)
        snprintf(path, n, "%s", value);
    else
        snprintf(path, n, "%.*s/%s", (int)(slash - file), file, value);
    *found = true;
    return BMC_OK;
}

static void format_month(int month, char *buf)
{
    bmc_history_period p = {month, 1, 0};
    bmc_history_format_period(&p, buf);
}

/* cfg_finish, with the message for a key that names no category (track) of the
 * configuration saying so. */
static int finish_names(cfg_map *m, const char *what, const char *whats, bmc_err *err)
{
    int rc = cfg_finish(m, err);
    if (rc == BMC_OK)
        return rc;
    char *tail = strstr(err->msg, ": unknown key \"");
    char *known = tail ? strstr(tail, "(known keys here: ") : NULL;
    if (!tail || !known)
        return rc;
    char name[128], list[512];
    const char *q = tail + strlen(": unknown key \"");
    snprintf(name, sizeof name, "%.*s", (int)strcspn(q, "\""), q);
    known += strlen("(known keys here: ");
    snprintf(list, sizeof list, "%.*s", (int)strcspn(known, ")"), known);
    size_t room = sizeof err->msg - (size_t)(tail - err->msg);
    snprintf(tail, room, ": the configuration has no %s \"%s\" (its %s: %s)", what, name, whats,
             list);
    return rc;
}

/* ---- old cases ---------------------------------------------------------------------------- */

static int count_key(cfg_map *m, const char *key, double *out, bmc_err *err)
{
    long long v;
    TRY(cfg_get_int(m, key, false, 0, 0, (long long)COUNT_MAX, &v, err));
    *out = (double)v;
    return BMC_OK;
}

static int read_old(cfg_map *root, const bmc_params *p, bmc_start *s, bmc_err *err)
{
    cfg_map old;
    TRY(cfg_get_map(root, "old_cases", true, &old, err));
    for (int c = 0; c < p->n_categories; c++) {
        const bmc_category_params *k = &p->cat[c];
        cfg_map m;
        TRY(cfg_get_map(&old, k->name, false, &m, err));
        TRY(count_key(&m, "waiting", &s->waiting[c], err));
        TRY(count_key(&m, "ready", &s->ready[c], err));
        TRY(count_key(&m, "remands", &s->remands[c], err));
        bool started = k->has_approach && k->approach_start <= s->as_of;
        if (s->waiting[c] > 0 && !started) {
            char buf[11] = "never";
            if (k->has_approach)
                bmc_date_format(k->approach_start, buf);
            return cfg_fail_at(&m, "waiting", BMC_ECONFIG, err,
                               "%.0f cases wait for the voorfase, but the approach of %s has "
                               "not started by as_of (approach_start %s): its open cases are "
                               "ready",
                               s->waiting[c], k->name, buf);
        }
        TRY(cfg_finish(&m, err));
    }
    TRY(finish_names(&old, "category", "categories", err));
    long long decided;
    TRY(cfg_get_int(root, "decided_old", true, 0, 0, (long long)COUNT_MAX, &decided, err));
    s->decided_old = (double)decided;
    return BMC_OK;
}

/* ---- new cases ---------------------------------------------------------------------------- */

/* One [lodging month or day, count] item into l. */
static int read_lodging(cfg_map *m, const char *track, int i, const bmc_params *p,
                        const bmc_start *s, bmc_lodging *l, bmc_err *err)
{
    const char *text;
    double count;
    TRY(cfg_seq_text_value(m, track, i, "YYYY-MM or YYYY-MM-DD", 0, COUNT_MAX, &text, &count,
                           err));
    if (count != floor(count))
        return cfg_fail_at_item(m, track, i, BMC_ECONFIG, err, "%g is not a whole number of cases",
                                count);
    int month, months;
    bmc_date day;
    char as_of[11], pact[11];
    bmc_date_format(s->as_of, as_of);
    bmc_date_format(p->pact_date, pact);
    if (bmc_history_parse_period(text, &month, &months) && months == 1) {
        l->first = bmc_history_month_first(month);
        l->last = bmc_history_month_first(month + 1) - 1;
    } else if (bmc_date_parse(text, &day) == 0) {
        l->first = l->last = day;
    } else {
        return cfg_fail_at_item(m, track, i, BMC_ECONFIG, err,
                                "\"%s\" is not a lodging month YYYY-MM or day YYYY-MM-DD", text);
    }
    if (l->first > s->as_of)
        return cfg_fail_at_item(m, track, i, BMC_ECONFIG, err, "%s lies after as_of %s", text,
                                as_of);
    if (l->last < p->pact_date)
        return cfg_fail_at_item(m, track, i, BMC_ECONFIG, err,
                                "%s lies before pact_date %s: a case lodged then is an old case",
                                text, pact);
    /* a new case is lodged on or after the Pact date and on or before as_of */
    if (l->first < p->pact_date)
        l->first = p->pact_date;
    if (l->last > s->as_of)
        l->last = s->as_of;
    l->count = count;
    return BMC_OK;
}

static int read_new(cfg_map *root, const bmc_params *p, bmc_start *s, bmc_err *err)
{
    cfg_map nc;
    char pact[11];
    bmc_date_format(p->pact_date, pact);
    if (s->as_of >= p->pact_date && !cfg_has(root, "new_cases"))
        return cfg_fail_at(root, NULL, BMC_ECONFIG, err,
                           "missing required key \"new_cases\": as_of lies on or after "
                           "pact_date %s, so new cases may be open (new_cases: {} for none)",
                           pact);
    TRY(cfg_get_map(root, "new_cases", false, &nc, err));
    for (int k = 0; k < p->n_tracks; k++) {
        const char *track = p->track[k].name;
        int n;
        TRY(cfg_get_seq(&nc, track, false, 0, BMC_MAX_LODGING, &n, err));
        for (int i = 0; i < n; i++) {
            bmc_lodging *l = &s->lodging[k][i];
            TRY(read_lodging(&nc, track, i, p, s, l, err));
            if (i > 0 && l->first <= s->lodging[k][i - 1].last)
                return cfg_fail_at_item(&nc, track, i, BMC_ECONFIG, err,
                                        "lodging periods must be oldest first, each once");
        }
        s->n_lodging[k] = n;
    }
    return finish_names(&nc, "track", "tracks", err);
}

/* ---- triage, plan cycle ------------------------------------------------------------------- */

static int read_triage(cfg_map *root, const bmc_params *p, bmc_start *s, bmc_err *err)
{
    cfg_map t;
    long long above, below;
    TRY(cfg_get_map(root, "triage", false, &t, err));
    s->triage_given = t.node != NULL;
    if (!s->triage_given)
        return BMC_OK;
    TRY(cfg_get_bool(&t, "on", true, false, &s->triage.on, err));
    TRY(cfg_get_int(&t, "above", false, 0, 0, 100000, &above, err));
    TRY(cfg_get_int(&t, "below", false, 0, 0, 100000, &below, err));
    s->triage.above = (int)above;
    s->triage.below = (int)below;
    if (above > 0 && below > 0)
        return cfg_fail_at(&t, "below", BMC_ECONFIG, err,
                           "above and below count consecutive month ends on either side of the "
                           "threshold: one of them is 0");
    if (s->triage.on && below >= p->triage_release_months)
        return cfg_fail_at(&t, "below", BMC_ECONFIG, err,
                           "triage would have switched off after %d month ends at or below the "
                           "threshold (triage.release_months)",
                           p->triage_release_months);
    if (!s->triage.on && above >= p->triage_trigger_months)
        return cfg_fail_at(&t, "above", BMC_ECONFIG, err,
                           "triage would have switched on after %d month ends above the "
                           "threshold (triage.trigger_months)",
                           p->triage_trigger_months);
    return cfg_finish(&t, err);
}

static int read_cycle(cfg_map *root, const bmc_params *p, bmc_start *s, bmc_err *err)
{
    s->cycle_given = cfg_has(root, "plan_cycle_start");
    if (!s->cycle_given)
        return BMC_OK;
    TRY(cfg_get_date(root, "plan_cycle_start", true, 0, &s->cycle_start, err));
    if (s->cycle_start > s->as_of + 1)
        return cfg_fail_at(root, "plan_cycle_start", BMC_ECONFIG, err,
                           "the start of the plan cycle in progress lies after the first "
                           "simulated day");
    for (int c = 0; c < p->n_categories; c++)
        if (p->cat[c].has_approach)
            return BMC_OK;
    return cfg_fail_at(root, "plan_cycle_start", BMC_ECONFIG, err,
                       "no category has an approach_start, so there are no plan cycles");
}

/* ---- observed ----------------------------------------------------------------------------- */

static int read_observed(cfg_map *root, const bmc_start *s, bmc_observed *obs, bmc_err *err)
{
    cfg_map o;
    TRY(cfg_get_map(root, "observed", false, &o, err));
    int last = bmc_history_month_of(s->as_of);
    for (int k = 0; k < BMC_OBS_COUNT; k++) {
        const char *key = bmc_obs_name(k);
        bool share = bmc_obs_is_share(k);
        int n;
        TRY(cfg_get_seq(&o, key, false, 0, BMC_OBS_MAX, &n, err));
        for (int i = 0; i < n; i++) {
            const char *text;
            double v;
            int month, months;
            TRY(cfg_seq_text_value(&o, key, i, "YYYY-MM", 0, share ? 1 : COUNT_MAX, &text, &v,
                                   err));
            if (!bmc_history_parse_period(text, &month, &months) || months != 1)
                return cfg_fail_at_item(&o, key, i, BMC_ECONFIG, err,
                                        "\"%s\" is not a month YYYY-MM", text);
            if (!share && v != floor(v))
                return cfg_fail_at_item(&o, key, i, BMC_ECONFIG, err,
                                        "%g is not a whole number", v);
            if (month > last) {
                char buf[11];
                bmc_date_format(s->as_of, buf);
                return cfg_fail_at_item(&o, key, i, BMC_ECONFIG, err, "%s lies after as_of %s",
                                        text, buf);
            }
            if (i > 0 && month <= obs->p[k][i - 1].month)
                return cfg_fail_at_item(&o, key, i, BMC_ECONFIG, err,
                                        "months must be oldest first, each once");
            obs->p[k][i] = (bmc_obs_point){month, v};
        }
        obs->n[k] = n;
    }
    return cfg_finish(&o, err);
}

/* ---- intake history ----------------------------------------------------------------------- */

/* The configuration's periods before the state's first one, then the state's. */
static int merge_history(cfg_map *root, bmc_params *p, const bmc_history *state,
                         bmc_err *err)
{
    bmc_history *h = &p->intake_history;
    int start_month = bmc_history_month_of(p->start_date);
    char buf[8];
    format_month(start_month, buf);
    if (state->n == 0) {
        if (h->n > 0 && h->p[h->n - 1].month + h->p[h->n - 1].months > start_month)
            return cfg_fail_at(root, "as_of", BMC_ECONFIG, err,
                               "the configuration's intake_history reaches into the simulated "
                               "period (from %s): give the state an intake_history, or end the "
                               "configuration's before",
                               buf);
        return BMC_OK;
    }
    int keep = 0;
    while (keep < h->n && h->p[keep].month + h->p[keep].months <= state->p[0].month)
        keep++;
    if (keep + state->n > BMC_MAX_HISTORY)
        return cfg_fail_at(root, "intake_history", BMC_ECONFIG, err,
                           "with the configuration's periods before it the history has more "
                           "than %d periods",
                           BMC_MAX_HISTORY);
    memcpy(h->p + keep, state->p, (size_t)state->n * sizeof *state->p);
    h->n = keep + state->n;
    if (p->annual_level.kind != BMC_DIST_LOGNORMAL)
        return cfg_fail_at(root, "intake_history", BMC_ECONFIG, err,
                           "conditioning on intake_history needs intake.annual_level as a "
                           "lognormal {median, sdlog}: its log is the filter's prior");
    return BMC_OK;
}

/* Without triage in the state, the state machine is replayed over the history's month ends,
 * which needs the history up to as_of once the Pact date has passed. */
static int triage_replayable(cfg_map *root, const bmc_params *p, const bmc_start *s,
                             bmc_err *err)
{
    if (s->triage_given || s->as_of < p->pact_date)
        return BMC_OK;
    const bmc_history *h = &p->intake_history;
    int start_month = bmc_history_month_of(p->start_date);
    if (h->n > 0 && h->p[h->n - 1].month + h->p[h->n - 1].months == start_month)
        return BMC_OK;
    return cfg_fail_at(root, cfg_has(root, "intake_history") ? "intake_history" : "as_of",
                       BMC_ECONFIG, err,
                       "triage is not given and cannot be replayed: the intake history does "
                       "not reach as_of; give triage: {on, above, below} or the history up to "
                       "as_of");
}

/* ---- the file ----------------------------------------------------------------------------- */

static int read_as_of(cfg_map *root, const bmc_params *p, bmc_start *s, bmc_err *err)
{
    TRY(cfg_get_date(root, "as_of", true, 0, &s->as_of, err));
    int y, m, d;
    bmc_date_to_ymd(s->as_of, &y, &m, &d);
    if (d != bmc_days_in_month(y, m))
        return cfg_fail_at(root, "as_of", BMC_ECONFIG, err,
                           "as_of must be the last day of a month (states and monitoring are "
                           "monthly)");
    if (s->as_of >= p->horizon_date || s->as_of >= p->target_date) {
        char h[11], t[11];
        bmc_date_format(p->horizon_date, h);
        bmc_date_format(p->target_date, t);
        return cfg_fail_at(root, "as_of", BMC_ECONFIG, err,
                           "as_of must lie before target_date %s and horizon_date %s", t, h);
    }
    return BMC_OK;
}

static int read_state(cfg_map *root, bmc_params *p, bmc_start *s, bmc_history *h,
                      bmc_observed *obs, bmc_err *err)
{
    TRY(read_as_of(root, p, s, err));
    TRY(read_old(root, p, s, err));
    TRY(read_new(root, p, s, err));
    TRY(bmc_history_load(root, "intake_history", bmc_history_month_of(s->as_of + 1), h, err));
    TRY(read_triage(root, p, s, err));
    TRY(read_cycle(root, p, s, err));
    TRY(read_observed(root, s, obs, err));
    TRY(cfg_finish(root, err));
    bmc_params_apply_start(p, s);
    TRY(merge_history(root, p, h, err));
    return triage_replayable(root, p, s, err);
}

int bmc_state_load(const bmc_state_source *src, bmc_params *p, bmc_observed *obs, bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    bmc_start *s = calloc(1, sizeof *s);
    bmc_history *h = calloc(1, sizeof *h);
    bmc_observed *scratch = obs ? NULL : calloc(1, sizeof *scratch);
    int rc = s && h && (obs || scratch) ? BMC_OK
                                          : bmc_fail(err, BMC_ENOMEM, "out of memory reading "
                                                                      "a state");
    if (rc == BMC_OK)
        rc = src->text ? cfg_load_string(src->name, src->text, &cfg, err)
                       : cfg_load_file(src->name, &cfg, err);
    if (rc == BMC_OK) {
        cfg_map root = cfg_root(cfg);
        if (obs)
            memset(obs, 0, sizeof *obs);
        rc = read_state(&root, p, s, h, obs ? obs : scratch, err);
    }
    cfg_free(cfg);
    free(s);
    free(h);
    free(scratch);
    return rc;
}
