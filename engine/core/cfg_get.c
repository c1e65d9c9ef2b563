#include "cfg_tree.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cfg_map cfg_root(bmc_cfg *cfg)
{
    cfg_map m = {.cfg = cfg, .node = cfg->root, .path = ""};
    return m;
}

/* The value under key in m (NULL when absent or m is absent), marked as read when consume. */
static ynode *lookup(const cfg_map *m, const char *key, bool consume)
{
    ynode *n = m->node;
    if (!n)
        return NULL;
    cfg_note_asked(n, key);
    int i = cfg_map_find(n, key);
    if (i < 0)
        return NULL;
    if (consume)
        n->consumed[i] = true;
    return n->val[i];
}

bool cfg_has(const cfg_map *m, const char *key)
{
    return lookup(m, key, false) != NULL;
}

bool cfg_is_map(const cfg_map *m, const char *key)
{
    ynode *v = lookup(m, key, false);
    return v && v->type == Y_MAP;
}

bool cfg_is_scalar(const cfg_map *m, const char *key)
{
    ynode *v = lookup(m, key, false);
    return v && v->type == Y_SCALAR;
}

/* A required key is absent: reported at its mapping (or the nearest one that exists). */
static int missing(const cfg_map *m, const char *key, bmc_err *err)
{
    char path[PATH_LEN];
    cfg_child_path(m, key, path, sizeof path);
    return cfg_fail_node(cfg_locate(m), path, BMC_ECONFIG, err, "missing required key \"%s\"", key);
}

/* The value under key, read; *v NULL when absent and not required. */
static int get_value(cfg_map *m, const char *key, bool required, ynode **v, char *path,
                     size_t pn, bmc_err *err)
{
    cfg_child_path(m, key, path, pn);
    *v = lookup(m, key, true);
    if (!*v && required)
        return missing(m, key, err);
    return BMC_OK;
}

static int expected(const ynode *v, const char *path, const char *what, bmc_err *err)
{
    char got[128];
    cfg_describe(v, got, sizeof got);
    return cfg_fail_node(v, path, BMC_ECONFIG, err, "expected %s, got %s", what, got);
}

/* Strict: the whole scalar is a finite decimal number (no hex, inf, nan or spaces). */
static bool parse_real(const char *s, double *out)
{
    if (!s[0] || strspn(s, "0123456789+-.eE") != strlen(s))
        return false;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(x))
        return false;
    *out = x;
    return true;
}

/* "a number in [lo, hi]", leaving out bounds of +-1e300 and beyond (no bound). */
static void number_what(const char *noun, double lo, double hi, char *buf, size_t n)
{
    bool has_lo = lo > -1e300, has_hi = hi < 1e300;
    if (has_lo && has_hi)
        snprintf(buf, n, "%s in [%g, %g]", noun, lo, hi);
    else if (has_lo)
        snprintf(buf, n, "%s >= %g", noun, lo);
    else if (has_hi)
        snprintf(buf, n, "%s <= %g", noun, hi);
    else
        snprintf(buf, n, "%s", noun);
}

static int parse_number(const ynode *v, const char *path, double lo, double hi, double *out,
                        bmc_err *err)
{
    double x;
    char what[128];
    number_what("a number", lo, hi, what, sizeof what);
    if (v->type != Y_SCALAR || !parse_real(v->text, &x) || x < lo || x > hi)
        return expected(v, path, what, err);
    *out = x;
    return BMC_OK;
}

int cfg_get_map(cfg_map *m, const char *key, bool required, cfg_map *out, bmc_err *err)
{
    ynode *v;
    out->cfg = m->cfg;
    out->node = NULL;
    TRY(get_value(m, key, required, &v, out->path, sizeof out->path, err));
    if (v && v->type != Y_MAP)
        return expected(v, out->path, "a mapping of keys", err);
    out->node = v;
    return BMC_OK;
}

int cfg_get_double(cfg_map *m, const char *key, bool required, double def, double lo, double hi,
                   double *out, bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(get_value(m, key, required, &v, path, sizeof path, err));
    if (!v) {
        *out = def;
        return BMC_OK;
    }
    return parse_number(v, path, lo, hi, out, err);
}

/* Whole numbers: digits, or a decimal/exponent form that is whole and exact (3e4). */
static bool parse_whole(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (s[0] && strspn(s, "0123456789+-") == strlen(s) && !*end && errno != ERANGE) {
        *out = x;
        return true;
    }
    double d;
    if (!parse_real(s, &d) || d != floor(d) || fabs(d) > 9007199254740992.0)
        return false;
    *out = (long long)d;
    return true;
}

int cfg_get_int(cfg_map *m, const char *key, bool required, long long def, long long lo,
                long long hi, long long *out, bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(get_value(m, key, required, &v, path, sizeof path, err));
    if (!v) {
        *out = def;
        return BMC_OK;
    }
    long long x;
    if (v->type == Y_SCALAR && parse_whole(v->text, &x) && x >= lo && x <= hi) {
        *out = x;
        return BMC_OK;
    }
    char what[128];
    if (lo > LLONG_MIN / 2 && hi < LLONG_MAX / 2)
        snprintf(what, sizeof what, "a whole number in [%lld, %lld]", lo, hi);
    else if (lo > LLONG_MIN / 2)
        snprintf(what, sizeof what, "a whole number >= %lld", lo);
    else
        snprintf(what, sizeof what, "a whole number");
    return expected(v, path, what, err);
}

int cfg_get_bool(cfg_map *m, const char *key, bool required, bool def, bool *out, bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(get_value(m, key, required, &v, path, sizeof path, err));
    if (!v)
        *out = def;
    else if (v->type == Y_SCALAR && !strcmp(v->text, "true"))
        *out = true;
    else if (v->type == Y_SCALAR && !strcmp(v->text, "false"))
        *out = false;
    else
        return expected(v, path, "true or false", err);
    return BMC_OK;
}

int cfg_get_string(cfg_map *m, const char *key, bool required, const char *def,
                   const char **out, bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(get_value(m, key, required, &v, path, sizeof path, err));
    if (v && v->type != Y_SCALAR)
        return expected(v, path, "a single value", err);
    *out = v ? v->text : def;
    return BMC_OK;
}

static int parse_date(const ynode *v, const char *path, bmc_date *out, bmc_err *err)
{
    if (v->type != Y_SCALAR || bmc_date_parse(v->text, out) != 0)
        return expected(v, path, "a date YYYY-MM-DD", err);
    return BMC_OK;
}

int cfg_get_date(cfg_map *m, const char *key, bool required, bmc_date def, bmc_date *out,
                 bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(get_value(m, key, required, &v, path, sizeof path, err));
    if (!v) {
        *out = def;
        return BMC_OK;
    }
    return parse_date(v, path, out, err);
}

int cfg_get_enum(cfg_map *m, const char *key, bool required, const char *const *names, int n,
                 int def, int *out, bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(get_value(m, key, required, &v, path, sizeof path, err));
    if (!v) {
        *out = def;
        return BMC_OK;
    }
    for (int i = 0; v->type == Y_SCALAR && i < n; i++)
        if (!strcmp(v->text, names[i])) {
            *out = i;
            return BMC_OK;
        }
    char what[256] = "one of ";
    for (int i = 0; i < n; i++)
        snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", i ? ", " : "",
                 names[i]);
    return expected(v, path, what, err);
}

int cfg_get_seq(cfg_map *m, const char *key, bool required, int min_len, int max_len, int *len,
                bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    *len = 0;
    TRY(get_value(m, key, required, &v, path, sizeof path, err));
    if (!v)
        return BMC_OK;
    if (v->type != Y_SEQ)
        return expected(v, path, "a list [...]", err);
    if (v->n < min_len || v->n > max_len) {
        char what[64];
        if (min_len == max_len)
            snprintf(what, sizeof what, "exactly %d", min_len);
        else if (v->n < min_len)
            snprintf(what, sizeof what, "at least %d", min_len);
        else
            snprintf(what, sizeof what, "at most %d", max_len);
        return cfg_fail_node(v, path, BMC_ECONFIG, err, "expected a list of %s item%s, got %d",
                         what, (v->n < min_len ? min_len : max_len) == 1 ? "" : "s", v->n);
    }
    *len = v->n;
    return BMC_OK;
}

/* Item i of the list under key (NULL when there is none) and its path key[i]. */
static ynode *seq_item(const cfg_map *m, const char *key, int i, char *path, size_t pn)
{
    char base[PATH_LEN];
    cfg_child_path(m, key, base, sizeof base);
    snprintf(path, pn, "%s[%d]", base, i);
    ynode *s = lookup(m, key, true);
    return s && s->type == Y_SEQ && i >= 0 && i < s->n ? s->val[i] : NULL;
}

/* Asking for an item that is not there is a bug in the reader, but still located. */
static int no_item(const cfg_map *m, const char *path, bmc_err *err)
{
    return cfg_fail_node(cfg_locate(m), path, BMC_EINTERNAL, err, "no such item");
}

int cfg_seq_map(cfg_map *m, const char *key, int i, cfg_map *out, bmc_err *err)
{
    out->cfg = m->cfg;
    out->node = NULL;
    ynode *v = seq_item(m, key, i, out->path, sizeof out->path);
    if (!v)
        return no_item(m, out->path, err);
    if (v->type != Y_MAP)
        return expected(v, out->path, "a mapping of keys", err);
    out->node = v;
    return BMC_OK;
}

static int seq_scalar(cfg_map *m, const char *key, int i, const char *what, ynode **v,
                      char *path, size_t pn, bmc_err *err)
{
    *v = seq_item(m, key, i, path, pn);
    if (!*v)
        return no_item(m, path, err);
    if ((*v)->type != Y_SCALAR)
        return expected(*v, path, what, err);
    return BMC_OK;
}

int cfg_seq_double(cfg_map *m, const char *key, int i, double lo, double hi, double *out,
                   bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(seq_scalar(m, key, i, "a number", &v, path, sizeof path, err));
    return parse_number(v, path, lo, hi, out, err);
}

int cfg_seq_string(cfg_map *m, const char *key, int i, const char **out, bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(seq_scalar(m, key, i, "a single value", &v, path, sizeof path, err));
    *out = v->text;
    return BMC_OK;
}

int cfg_seq_date(cfg_map *m, const char *key, int i, bmc_date *out, bmc_err *err)
{
    ynode *v;
    char path[PATH_LEN];
    TRY(seq_scalar(m, key, i, "a date YYYY-MM-DD", &v, path, sizeof path, err));
    return parse_date(v, path, out, err);
}

int cfg_seq_date_value(cfg_map *m, const char *key, int i, double lo, double hi, bmc_date *date,
                       double *value, bmc_err *err)
{
    char path[PATH_LEN], sub[PATH_LEN + 8];
    ynode *v = seq_item(m, key, i, path, sizeof path);
    if (!v)
        return no_item(m, path, err);
    if (v->type != Y_SEQ || v->n != 2) {
        char got[128];
        cfg_describe(v, got, sizeof got);
        if (v->type == Y_SEQ)
            snprintf(got, sizeof got, "a list of %d items", v->n);
        return cfg_fail_node(v, path, BMC_ECONFIG, err, "expected a point [YYYY-MM-DD, number], got %s",
                         got);
    }
    snprintf(sub, sizeof sub, "%s[0]", path);
    TRY(parse_date(v->val[0], sub, date, err));
    snprintf(sub, sizeof sub, "%s[1]", path);
    return parse_number(v->val[1], sub, lo, hi, value, err);
}

int cfg_seq_text_value(cfg_map *m, const char *key, int i, const char *what, double lo,
                       double hi, const char **text, double *value, bmc_err *err)
{
    char path[PATH_LEN], sub[PATH_LEN + 8];
    ynode *v = seq_item(m, key, i, path, sizeof path);
    if (!v)
        return no_item(m, path, err);
    if (v->type != Y_SEQ || v->n != 2 || v->val[0]->type != Y_SCALAR) {
        char got[128];
        cfg_describe(v, got, sizeof got);
        if (v->type == Y_SEQ)
            snprintf(got, sizeof got, "a list of %d items", v->n);
        return cfg_fail_node(v, path, BMC_ECONFIG, err, "expected a pair [%s, number], got %s", what,
                         got);
    }
    *text = v->val[0]->text;
    snprintf(sub, sizeof sub, "%s[1]", path);
    return parse_number(v->val[1], sub, lo, hi, value, err);
}

int cfg_finish(cfg_map *m, bmc_err *err)
{
    ynode *n = m->node;
    if (!n)
        return BMC_OK;
    for (int i = 0; i < n->n; i++) {
        if (n->consumed[i])
            continue;
        char path[PATH_LEN], known[320] = "";
        cfg_child_path(m, n->key[i]->text, path, sizeof path);
        for (int k = 0; k < n->n_asked; k++) {
            size_t used = strlen(known);
            if (used + strlen(n->asked[k]) + 8 >= sizeof known) {
                snprintf(known + used, sizeof known - used, ", ...");
                break;
            }
            snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "", n->asked[k]);
        }
        return cfg_fail_node(n->key[i], path, BMC_ECONFIG, err, "unknown key \"%s\"%s%s%s",
                         n->key[i]->text, known[0] ? " (known keys here: " : "", known,
                         known[0] ? ")" : "");
    }
    return BMC_OK;
}

int cfg_fail_at(const cfg_map *m, const char *key, int code, bmc_err *err, const char *fmt, ...)
{
    char path[PATH_LEN];
    const ynode *at = NULL;
    if (key) {
        cfg_child_path(m, key, path, sizeof path);
        at = lookup(m, key, false);
    } else {
        snprintf(path, sizeof path, "%s", m->path);
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = cfg_vfail_node(at ? at : cfg_locate(m), path, code, err, fmt, ap);
    va_end(ap);
    return rc;
}

int cfg_fail_at_item(const cfg_map *m, const char *key, int i, int code, bmc_err *err,
                     const char *fmt, ...)
{
    char path[PATH_LEN];
    const ynode *at = seq_item(m, key, i, path, sizeof path);
    if (!at)
        at = lookup(m, key, false);
    va_list ap;
    va_start(ap, fmt);
    int rc = cfg_vfail_node(at ? at : cfg_locate(m), path, code, err, fmt, ap);
    va_end(ap);
    return rc;
}
