#include "yamlcfg.h"

#include <errno.h>
#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

/* libfyaml 0.7 has no source marks on document nodes (no fy_node_get_start_mark), so the
 * config is read through the event parser into this small tree, where every node keeps the
 * file, line and column it came from, also across base: merging and --set. */

#define TRY BMC_TRY
#define PATH_LEN 512      /* key paths in messages */
#define MAX_BASE_DEPTH 16 /* files in one base: chain */
/* Limits that keep a hostile or broken document from exhausting the stack (the tree is built
 * and freed recursively), the memory, or the time (keys are looked up linearly): a real
 * configuration is a few hundred nodes, a dozen levels, lists of at most a few thousand
 * schedule points. */
#define MAX_DEPTH 64        /* nested collections */
#define MAX_NODES 200000    /* nodes in one document (a file or a --set value) */
#define MAX_MAP_KEYS 1000   /* keys in one mapping */
#define MAX_SEQ_ITEMS 10000 /* items in one list */

enum ynode_type { Y_SCALAR, Y_MAP, Y_SEQ };

typedef struct ynode {
    enum ynode_type type;
    const char *file; /* owned by bmc_cfg; for --set values the "--set K=V" text */
    bool from_set;    /* located by file alone: line and column mean nothing */
    int line, col;    /* 1-based */
    char *text;       /* scalar */
    int n, cap;
    struct ynode **key; /* map: key scalars */
    struct ynode **val; /* map: values; seq: items */
    bool *consumed;     /* map: key read by the reader */
    char **asked;       /* map: keys the reader asked for, listed in unknown-key errors */
    int n_asked;
} ynode;

struct bmc_cfg {
    ynode *root;
    char **files; /* file names and --set texts the nodes point to */
    int n_files;
    char **inputs; /* the files read: the config, then its base: files */
    int n_inputs;
    char *name;
};

static void ynode_free(ynode *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n; i++) {
        if (n->key)
            ynode_free(n->key[i]);
        ynode_free(n->val[i]);
    }
    for (int i = 0; i < n->n_asked; i++)
        free(n->asked[i]);
    free(n->asked);
    free(n->key);
    free(n->val);
    free(n->consumed);
    free(n->text);
    free(n);
}

static ynode *ynode_new(enum ynode_type type, const char *file, bool from_set, int line, int col)
{
    ynode *n = calloc(1, sizeof *n);
    if (n) {
        n->type = type;
        n->file = file;
        n->from_set = from_set;
        n->line = line;
        n->col = col;
    }
    return n;
}

/* Appends an item (seq) or a pair (map, key not NULL). -1 when out of memory, nothing taken. */
static int ynode_push(ynode *parent, ynode *key, ynode *val)
{
    if (parent->n == parent->cap) {
        int cap = parent->cap ? 2 * parent->cap : 8;
        ynode **v = realloc(parent->val, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        parent->val = v;
        if (parent->type == Y_MAP) {
            ynode **k = realloc(parent->key, (size_t)cap * sizeof *k);
            if (!k)
                return -1;
            parent->key = k;
            bool *c = realloc(parent->consumed, (size_t)cap * sizeof *c);
            if (!c)
                return -1;
            parent->consumed = c;
        }
        parent->cap = cap;
    }
    if (parent->type == Y_MAP) {
        parent->key[parent->n] = key;
        parent->consumed[parent->n] = false;
    }
    parent->val[parent->n++] = val;
    return 0;
}

static int map_find(const ynode *m, const char *key)
{
    if (!m || m->type != Y_MAP)
        return -1;
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->key[i]->text, key))
            return i;
    return -1;
}

/* Notes that the reader knows key in mapping m (for the "known keys here" list). Out of
 * memory only shortens that list. */
static void note_asked(ynode *m, const char *key)
{
    for (int i = 0; i < m->n_asked; i++)
        if (!strcmp(m->asked[i], key))
            return;
    char **a = realloc(m->asked, (size_t)(m->n_asked + 1) * sizeof *a);
    if (!a)
        return;
    m->asked = a;
    if ((a[m->n_asked] = strdup(key)))
        m->n_asked++;
}

/* ---- locating errors ---- */

/* A value as quoted in a message: one line, cut to a readable length. */
static void describe(const ynode *v, char *buf, size_t n)
{
    if (v->type != Y_SCALAR) {
        snprintf(buf, n, "%s", v->type == Y_MAP ? "a mapping" : "a list");
        return;
    }
    size_t o = 0;
    buf[o++] = '"';
    for (const char *p = v->text; *p && o + 6 < n; p++) {
        if (p - v->text >= 60) {
            o += (size_t)snprintf(buf + o, n - o, "...");
            break;
        }
        if (*p == '\n' || *p == '\t') {
            buf[o++] = '\\';
            buf[o++] = *p == '\n' ? 'n' : 't';
        } else {
            buf[o++] = (unsigned char)*p < 0x20 ? '?' : *p;
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

static int vfail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
                      va_list ap)
{
    char msg[BMC_ERR_LEN], where[BMC_ERR_LEN] = "";
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (n && n->from_set)
        snprintf(where, sizeof where, "%s: ", n->file);
    else if (n)
        snprintf(where, sizeof where, "%s:%d:%d: ", n->file, n->line, n->col);
    return bmc_fail(err, code, "%s%s%s%s", where, path, *path ? ": " : "", msg);
}

static int fail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));
static int fail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_node(n, path, code, err, fmt, ap);
    va_end(ap);
    return rc;
}

static void join_path(const char *parent, const char *key, char *out, size_t n)
{
    if (parent[0])
        snprintf(out, n, "%s.%s", parent, key);
    else
        snprintf(out, n, "%s", key);
}

static void child_path(const cfg_map *m, const char *key, char *out, size_t n)
{
    join_path(m->path, key, out, n);
}

/* ---- key paths: a.b[2].c ---- */

/* One component of a key path: a name followed by zero or more [index]. */
typedef struct path_part {
    char name[128];
    int nidx;
    long idx[4];
} path_part;

/* Parses the component at *p up to the next '.' or the end and moves *p past it; false
 * when the component is malformed (empty name, bad or too many indices). */
static bool next_part(const char **p, path_part *out)
{
    const char *s = *p;
    size_t len = strcspn(s, ".[");
    if (len == 0 || len >= sizeof out->name)
        return false;
    memcpy(out->name, s, len);
    out->name[len] = '\0';
    s += len;
    out->nidx = 0;
    while (*s == '[') {
        char *end;
        if (out->nidx == 4 || s[1] < '0' || s[1] > '9')
            return false;
        errno = 0;
        long i = strtol(s + 1, &end, 10);
        if (*end != ']' || errno == ERANGE || i > INT_MAX)
            return false;
        out->idx[out->nidx++] = i;
        s = end + 1;
    }
    if (*s == '.') {
        if (!s[1])
            return false; /* "a." */
        s++;
    } else if (*s) {
        return false; /* "a[1]b" */
    }
    *p = s;
    return true;
}

/* Where to report an error about mapping m: the mapping itself, or when it is absent the
 * nearest enclosing node that exists. */
static const ynode *locate(const cfg_map *m)
{
    if (m->node || !m->cfg)
        return m->node;
    const ynode *cur = m->cfg->root;
    const char *p = m->path;
    path_part part;
    while (*p && next_part(&p, &part)) {
        int i = map_find(cur, part.name);
        const ynode *v = i >= 0 ? cur->val[i] : NULL;
        for (int k = 0; v && k < part.nidx; k++)
            v = v->type == Y_SEQ && part.idx[k] < v->n ? v->val[part.idx[k]] : NULL;
        if (!v || v->type == Y_SCALAR)
            break;
        cur = v;
    }
    return cur;
}

/* ---- parsing ---- */

typedef struct parse_ctx {
    struct fy_parser *fyp;
    struct fy_diag *diag;
    const char *file;   /* the remembered name nodes point to */
    const char *text;   /* the input, to find block scalar indicators */
    size_t len;
    bool from_set;
    int line, col;      /* end of the last event with a mark: where an empty value sits */
    size_t pos;         /* ... and its byte offset in text */
    char path[PATH_LEN]; /* key path of the node being parsed, for messages */
    int depth;          /* collections open, the one being parsed included */
    long nodes;         /* nodes made so far */
    bmc_err *err;
} parse_ctx;

/* A location-only node for messages about the parse position. */
static ynode here(const parse_ctx *c, int line, int col)
{
    ynode n = {.type = Y_SCALAR, .file = c->file, .from_set = c->from_set, .line = line,
               .col = col};
    return n;
}

/* libfyaml collected the error (not printed): report its first one at its position. A bad
 * --set value is a usage error, a bad file a configuration error. */
static int syntax_error(parse_ctx *c)
{
    void *it = NULL;
    struct fy_diag_error *e = fy_diag_errors_iterate(c->diag, &it);
    int code = c->from_set ? BMC_EUSAGE : BMC_ECONFIG;
    ynode at = here(c, e ? e->line : c->line, e ? e->column : c->col);
    return fail_node(&at, c->from_set ? c->path : "", code, c->err, "YAML syntax error: %s",
                     e && e->msg ? e->msg : "unexpected end of input");
}

static int next_event(parse_ctx *c, struct fy_event **ev)
{
    *ev = fy_parser_parse(c->fyp);
    if (!*ev || fy_parser_get_stream_error(c->fyp)) {
        if (*ev)
            fy_parser_event_free(c->fyp, *ev);
        *ev = NULL;
        return syntax_error(c);
    }
    return BMC_OK;
}

/* Remembers where ev ended (after it was parsed: scalar_mark needs the previous end). */
static void note_end(parse_ctx *c, struct fy_event *ev)
{
    const struct fy_mark *end = fy_event_end_mark(ev);
    if (end) {
        c->line = end->line + 1;
        c->col = end->column + 1;
        c->pos = end->input_pos;
    }
}

/* Where a scalar starts, as a person would point at it. libfyaml marks a quoted scalar
 * after its opening quote and a block scalar (| or >) at its first content line; the
 * indicator is the first | or > after the previous event. */
static void scalar_mark(const parse_ctx *c, struct fy_token *tok, const struct fy_mark *mk,
                        int *line, int *col)
{
    enum fy_scalar_style style = fy_token_scalar_style(tok);
    if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && *col > 1) {
        (*col)--;
        return;
    }
    if (style != FYSS_LITERAL && style != FYSS_FOLDED)
        return;
    int l = c->line, k = c->col;
    for (size_t i = c->pos; i < mk->input_pos && i < c->len; i++) {
        unsigned char ch = (unsigned char)c->text[i];
        if (ch == '|' || ch == '>') {
            *line = l;
            *col = k;
            return;
        }
        if (ch == '\n') {
            l++;
            k = 1;
        } else if ((ch & 0xC0) != 0x80) { /* columns count characters, not UTF-8 bytes */
            k++;
        }
    }
}

static int parse_node(parse_ctx *c, struct fy_event *ev, ynode **out);

/* The text of a scalar, malloc'd into *out: 0, -1 when out of memory, 1 when it holds a NUL
 * (an escaped \0, which C strings would cut). Read chunk by chunk: libfyaml 0.7's
 * fy_token_get_text keeps the unescaped text of a long quoted scalar in a buffer that it
 * never frees. */
static int scalar_text(struct fy_token *tok, char **out)
{
    size_t len = tok ? fy_token_get_text_length(tok) : 0, n = 0;
    char *text = malloc(len + 1);
    struct fy_token_iter *it = tok && text ? fy_token_iter_create(tok) : NULL;
    if (!text || (tok && !it)) {
        free(text);
        return -1;
    }
    const struct fy_iter_chunk *ch = NULL;
    int e = 0;
    while (it && (ch = fy_token_iter_chunk_next(it, ch, &e)) && ch->len <= len - n) {
        memcpy(text + n, ch->str, ch->len);
        n += ch->len;
    }
    if (it)
        fy_token_iter_destroy(it);
    text[n] = '\0';
    *out = text;
    return memchr(text, '\0', n) ? 1 : 0;
}

static int nomem(parse_ctx *c)
{
    return bmc_fail(c->err, BMC_ENOMEM, "out of memory reading %s", c->file);
}

/* Parses the node that ev starts and appends it to n, under key for a mapping (key is
 * taken, also on failure). */
static int parse_child(parse_ctx *c, ynode *n, ynode *key, struct fy_event *ev)
{
    size_t saved = strlen(c->path);
    if (key) {
        char p[PATH_LEN];
        join_path(c->path, key->text, p, sizeof p);
        snprintf(c->path, sizeof c->path, "%s", p);
    } else {
        snprintf(c->path + saved, sizeof c->path - saved, "[%d]", n->n);
    }
    ynode *val = NULL;
    int rc = parse_node(c, ev, &val);
    c->path[saved] = '\0';
    if (rc == BMC_OK && ynode_push(n, key, val) != 0)
        rc = nomem(c);
    if (rc != BMC_OK) {
        ynode_free(key);
        ynode_free(val);
    }
    return rc;
}

/* Keys are plain names, each once per mapping. */
static int check_key(parse_ctx *c, const ynode *map, const ynode *key)
{
    int code = c->from_set ? BMC_EUSAGE : BMC_ECONFIG;
    if (key->type != Y_SCALAR)
        return fail_node(key, c->path, code, c->err, "a key must be a plain name, got %s",
                         key->type == Y_MAP ? "a mapping" : "a list");
    int dup = map_find(map, key->text);
    if (dup < 0)
        return BMC_OK;
    char path[PATH_LEN];
    join_path(c->path, key->text, path, sizeof path);
    if (c->from_set)
        return fail_node(key, path, code, c->err, "duplicate key \"%s\"", key->text);
    return fail_node(key, path, code, c->err, "duplicate key \"%s\" (first at line %d)",
                     key->text, map->key[dup]->line);
}

/* A collection too deep or too long for a configuration. */
static int too_big(parse_ctx *c, const ynode *at, const char *what, int limit)
{
    return fail_node(at, c->path, c->from_set ? BMC_EUSAGE : BMC_ECONFIG, c->err,
                     "%s %d: not a configuration a person writes", what, limit);
}

static int parse_collection(parse_ctx *c, ynode *n)
{
    enum fy_event_type end = n->type == Y_MAP ? FYET_MAPPING_END : FYET_SEQUENCE_END;
    int limit = n->type == Y_MAP ? MAX_MAP_KEYS : MAX_SEQ_ITEMS;
    if (c->depth > MAX_DEPTH)
        return too_big(c, n, "lists and mappings nested deeper than", MAX_DEPTH);
    for (;;) {
        struct fy_event *ev;
        TRY(next_event(c, &ev));
        if (ev->type == end) {
            note_end(c, ev);
            fy_parser_event_free(c->fyp, ev);
            return BMC_OK;
        }
        if (n->n == limit) {
            fy_parser_event_free(c->fyp, ev);
            return too_big(c, n, n->type == Y_MAP ? "a mapping with more keys than"
                                                  : "a list with more items than", limit);
        }
        ynode *key = NULL;
        if (n->type == Y_MAP) {
            TRY(parse_node(c, ev, &key));
            int rc = check_key(c, n, key);
            if (rc == BMC_OK)
                rc = next_event(c, &ev);
            if (rc != BMC_OK) {
                ynode_free(key);
                return rc;
            }
        }
        TRY(parse_child(c, n, key, ev));
    }
}

/* Takes ownership of ev. */
static int parse_node(parse_ctx *c, struct fy_event *ev, ynode **out)
{
    /* an empty value ("key:") has no mark: it sits where the previous event ended */
    const struct fy_mark *mk = fy_event_start_mark(ev);
    int line = mk ? mk->line + 1 : c->line, col = mk ? mk->column + 1 : c->col;
    enum fy_event_type type = ev->type;
    ynode *n = NULL;
    int rc = BMC_OK;
    *out = NULL;
    if (++c->nodes > MAX_NODES) {
        ynode at = here(c, line, col);
        fy_parser_event_free(c->fyp, ev);
        return too_big(c, &at, "more values in one document than", MAX_NODES);
    }
    if (type == FYET_SCALAR && mk && ev->scalar.value)
        scalar_mark(c, ev->scalar.value, mk, &line, &col);
    else if (type == FYET_ALIAS && mk && col > 1)
        col--; /* marked after its '*' */
    note_end(c, ev);
    if (type == FYET_SCALAR) {
        n = ynode_new(Y_SCALAR, c->file, c->from_set, line, col);
        int got = n ? scalar_text(ev->scalar.value, &n->text) : -1;
        if (got < 0)
            rc = nomem(c);
        if (got > 0) {
            ynode at = here(c, line, col);
            rc = fail_node(&at, c->path, c->from_set ? BMC_EUSAGE : BMC_ECONFIG, c->err,
                           "a NUL character (\\0) in a value: not text");
        }
    } else if (type == FYET_MAPPING_START || type == FYET_SEQUENCE_START) {
        n = ynode_new(type == FYET_MAPPING_START ? Y_MAP : Y_SEQ, c->file, c->from_set, line,
                      col);
        if (!n)
            rc = nomem(c);
    } else {
        ynode at = here(c, line, col);
        rc = fail_node(&at, c->path, c->from_set ? BMC_EUSAGE : BMC_ECONFIG, c->err, "%s",
                       type == FYET_ALIAS ? "YAML aliases (*name) are not supported"
                                          : "unexpected YAML content");
    }
    fy_parser_event_free(c->fyp, ev);
    if (rc == BMC_OK && n->type != Y_SCALAR) {
        c->depth++; /* keys count too: a mapping key may itself be a collection */
        rc = parse_collection(c, n);
        c->depth--;
    }
    if (rc != BMC_OK) {
        ynode_free(n);
        return rc;
    }
    *out = n;
    return BMC_OK;
}

/* Reads and frees the next event; *got is its type. */
static int expect_event(parse_ctx *c, enum fy_event_type *got)
{
    struct fy_event *ev;
    TRY(next_event(c, &ev));
    *got = ev->type;
    note_end(c, ev);
    fy_parser_event_free(c->fyp, ev);
    return BMC_OK;
}

/* The single document of the stream, after its start event. */
static int parse_document(parse_ctx *c, ynode **out)
{
    enum fy_event_type t;
    ynode at = here(c, 1, 1);
    int code = c->from_set ? BMC_EUSAGE : BMC_ECONFIG;
    TRY(expect_event(c, &t)); /* stream start */
    TRY(expect_event(c, &t));
    if (t != FYET_DOCUMENT_START)
        return fail_node(&at, c->path, code, c->err, "the document is empty");
    struct fy_event *ev;
    TRY(next_event(c, &ev));
    TRY(parse_node(c, ev, out));
    int rc = expect_event(c, &t); /* document end */
    if (rc == BMC_OK)
        rc = expect_event(c, &t);
    if (rc == BMC_OK && t != FYET_STREAM_END) {
        at = here(c, c->line, c->col);
        rc = fail_node(&at, c->path, code, c->err, "only one YAML document is allowed");
    }
    if (rc != BMC_OK) {
        ynode_free(*out);
        *out = NULL;
    }
    return rc;
}

/* libfyaml 0.7 frees a parser's state twice when it refuses a tab between a block indicator
 * (-, ? or :) and another one (?, :, |, > or -), and crashes as it cleans up ("key:\t|" is
 * enough). Such a tab is found here first and refused in the same words; the scan skips
 * comments and quoted text, and may refuse the pattern inside a block scalar too. The offset
 * of the tab, or len when there is none. */
static size_t tab_before_indicator(const char *t, size_t len)
{
    char quote = 0;
    bool comment = false;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        bool after_blank = i == 0 || t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n';
        if (ch == '\n')
            comment = false;
        if (comment)
            continue;
        if (quote) {
            if (ch == '\\' && quote == '"' && i + 1 < len)
                i++;
            else if (ch == quote)
                quote = 0;
            continue;
        }
        if (ch == '#' && after_blank) {
            comment = true;
            continue;
        }
        if ((ch == '\'' || ch == '"') && after_blank) {
            quote = ch;
            continue;
        }
        if (ch != '-' && ch != '?' && ch != ':')
            continue;
        size_t j = i + 1, tab = len;
        for (; j < len && (t[j] == ' ' || t[j] == '\t'); j++)
            if (t[j] == '\t' && tab == len)
                tab = j;
        if (tab == len || j >= len)
            continue;
        bool dash = t[j] == '-' && (j + 1 >= len || strchr(" \t\r\n", t[j + 1]));
        if (strchr("?:|>", t[j]) || dash)
            return tab;
    }
    return len;
}

/* Parses text (len bytes) as one YAML document whose nodes say they come from file.
 * path: the key path the document sits at (for --set values). libfyaml's diagnostics are
 * collected, never printed. */
static int parse_yaml(const char *file, const char *text, size_t len, bool from_set,
                      const char *path, ynode **out, bmc_err *err)
{
    parse_ctx c = {.file = file, .text = text, .len = len, .from_set = from_set, .line = 1,
                   .col = 1, .err = err};
    snprintf(c.path, sizeof c.path, "%s", path);
    *out = NULL;
    size_t tab = tab_before_indicator(text, len);
    if (tab < len) {
        ynode at = here(&c, 1, 1);
        bmc_text_locate(text, tab, &at.line, &at.col);
        return fail_node(&at, from_set ? c.path : "", from_set ? BMC_EUSAGE : BMC_ECONFIG, err,
                         "YAML syntax error: cannot use tab for indentation of block entry "
                         "(use spaces)");
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = NULL;
    dcfg.colorize = false;
    c.diag = fy_diag_create(&dcfg);
    if (!c.diag)
        return bmc_fail(err, BMC_ENOMEM, "out of memory creating the YAML parser");
    fy_diag_set_collect_errors(c.diag, true);
    struct fy_parse_cfg pcfg = {.flags = FYPCF_QUIET, .diag = c.diag};
    c.fyp = fy_parser_create(&pcfg);
    int rc = BMC_OK;
    if (!c.fyp || fy_parser_set_string(c.fyp, text, len) != 0)
        rc = bmc_fail(err, BMC_ENOMEM, "out of memory creating the YAML parser");
    if (rc == BMC_OK)
        rc = parse_document(&c, out);
    fy_parser_destroy(c.fyp);
    fy_diag_destroy(c.diag);
    return rc;
}

/* Keeps a copy of s (a file name or --set text) for as long as cfg lives. */
static const char *remember(bmc_cfg *cfg, const char *s)
{
    char **f = realloc(cfg->files, (size_t)(cfg->n_files + 1) * sizeof *f);
    if (!f)
        return NULL;
    cfg->files = f;
    if (!(f[cfg->n_files] = strdup(s)))
        return NULL;
    return f[cfg->n_files++];
}

/* ---- base: inheritance ---- */

static const char *item_name(const ynode *item)
{
    int k = map_find(item, "name");
    return k >= 0 && item->val[k]->type == Y_SCALAR ? item->val[k]->text : NULL;
}

/* Non-empty lists whose items are all mappings with a name (categories, tracks) merge item
 * by item; an empty list replaces, so a variant can clear a list. */
static bool named_list(const ynode *n)
{
    if (n->type != Y_SEQ || n->n == 0)
        return false;
    for (int i = 0; i < n->n; i++)
        if (n->val[i]->type != Y_MAP || !item_name(n->val[i]))
            return false;
    return true;
}

static int merge(ynode *dst, ynode *src);

/* Items of src update the item of dst with the same name, or are appended. Consumes src,
 * also on failure. */
static int merge_named(ynode *dst, ynode *src)
{
    int rc = BMC_OK;
    for (int i = 0; i < src->n; i++) {
        ynode *item = src->val[i];
        src->val[i] = NULL;
        if (rc != BMC_OK) {
            ynode_free(item);
            continue;
        }
        const char *name = item_name(item);
        int j = 0;
        while (j < dst->n && strcmp(item_name(dst->val[j]), name) != 0)
            j++;
        if (j < dst->n) {
            rc = merge(dst->val[j], item);
        } else if (ynode_push(dst, NULL, item) != 0) {
            ynode_free(item);
            rc = BMC_ENOMEM;
        }
    }
    ynode_free(src);
    return rc;
}

/* Lays mapping src over mapping dst: mappings merge key by key, named lists item by item,
 * anything else replaces (with the key node of src, so errors point into its file).
 * Consumes src, also on failure. */
static int merge(ynode *dst, ynode *src)
{
    int rc = BMC_OK;
    for (int i = 0; i < src->n; i++) {
        ynode *k = src->key[i], *v = src->val[i];
        src->key[i] = src->val[i] = NULL;
        int j = rc == BMC_OK ? map_find(dst, k->text) : -1;
        if (rc != BMC_OK) {
            ynode_free(k);
            ynode_free(v);
        } else if (j < 0) {
            if (ynode_push(dst, k, v) != 0) {
                ynode_free(k);
                ynode_free(v);
                rc = BMC_ENOMEM;
            }
        } else if (dst->val[j]->type == Y_MAP && v->type == Y_MAP) {
            ynode_free(k);
            rc = merge(dst->val[j], v);
        } else if (named_list(dst->val[j]) && named_list(v)) {
            ynode_free(k);
            rc = merge_named(dst->val[j], v);
        } else {
            ynode_free(dst->key[j]);
            ynode_free(dst->val[j]);
            dst->key[j] = k;
            dst->val[j] = v;
        }
    }
    ynode_free(src);
    return rc;
}

/* The files of the base: chain being loaded, root first, to detect cycles. */
typedef struct chain {
    char *real[MAX_BASE_DEPTH + 1]; /* canonical paths (NULL for a string document) */
    const char *shown[MAX_BASE_DEPTH + 1];
    int n;
} chain;

static int load_doc(bmc_cfg *cfg, const char *name, const char *text, size_t len,
                    const ynode *from, chain *ch, ynode **out, bmc_err *err);

/* The file named by base value bn of file (relative to its directory; to the working
 * directory when the including document is a string); false when the name is too long. */
static bool base_path(const ynode *bn, const char *file, bool from_string, char *out, size_t n)
{
    const char *slash = strrchr(file, '/');
    int len;
    if (bn->text[0] == '/' || from_string || !slash)
        len = snprintf(out, n, "%s", bn->text);
    else
        len = snprintf(out, n, "%.*s/%s", (int)(slash - file), file, bn->text);
    return len >= 0 && (size_t)len < n;
}

/* Loads the base named by bn (the value of base: in file) into *out, checking that it
 * exists and does not close a cycle. */
static int load_base(bmc_cfg *cfg, const ynode *bn, const char *file, bool from_string,
                     chain *ch, ynode **out, bmc_err *err)
{
    char path[PATH_MAX];
    char desc[128];
    describe(bn, desc, sizeof desc);
    if (bn->type != Y_SCALAR || !bn->text[0])
        return fail_node(bn, "base", BMC_ECONFIG, err, "expected a file name, got %s", desc);
    if (!base_path(bn, file, from_string, path, sizeof path))
        return fail_node(bn, "base", BMC_ECONFIG, err, "the path of the base file is longer "
                         "than %d bytes", PATH_MAX - 1);
    char *real = realpath(path, NULL);
    if (!real)
        return errno == ENOMEM ? bmc_fail(err, BMC_ENOMEM, "out of memory")
                               : fail_node(bn, "base", BMC_ECONFIG, err, "cannot read the "
                                           "base file \"%s\": %s", path, strerror(errno));
    for (int i = 0; i < ch->n; i++) {
        if (!ch->real[i] || strcmp(ch->real[i], real) != 0)
            continue;
        char cycle[BMC_ERR_LEN] = "";
        for (int k = i; k < ch->n; k++)
            snprintf(cycle + strlen(cycle), sizeof cycle - strlen(cycle), "%s -> ", ch->shown[k]);
        free(real);
        return fail_node(bn, "base", BMC_ECONFIG, err, "cycle of base files: %s%s", cycle, path);
    }
    if (ch->n > MAX_BASE_DEPTH) {
        free(real);
        return fail_node(bn, "base", BMC_ECONFIG, err, "more than %d nested base files",
                         MAX_BASE_DEPTH);
    }
    ch->real[ch->n] = real;
    ch->shown[ch->n++] = path;
    int rc = load_doc(cfg, path, NULL, 0, bn, ch, out, err);
    free(ch->real[--ch->n]);
    return rc;
}

/* Reads file whole (textfile.h: a regular file of bounded size) and notes it as an input. A
 * file that cannot be read is an error at the base: value that named it (from), or an I/O
 * error for the configuration itself. */
static int read_input(bmc_cfg *cfg, const char *file, const ynode *from, char **buf,
                      size_t *len, bmc_err *err)
{
    char why[256];
    if (bmc_text_read(file, buf, len, why, sizeof why) != 0) {
        if (from)
            return fail_node(from, "base", BMC_ECONFIG, err,
                             "cannot read the base file \"%s\": %s", file, why);
        return bmc_fail(err, BMC_EIO, "%s: cannot read the config: %s", file, why);
    }
    char **in = realloc(cfg->inputs, (size_t)(cfg->n_inputs + 1) * sizeof *in);
    if (in)
        cfg->inputs = in;
    if (!in || !(in[cfg->n_inputs] = strdup(file))) {
        free(*buf);
        *buf = NULL;
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    cfg->n_inputs++;
    return BMC_OK;
}

/* Loads the file name (or len bytes of text, when not NULL, as if they were that file) with
 * its base: chain merged underneath; from is the base: value that named it (NULL for the
 * configuration itself). */
static int load_doc(bmc_cfg *cfg, const char *name, const char *text, size_t len,
                    const ynode *from, chain *ch, ynode **out, bmc_err *err)
{
    const char *file = remember(cfg, name);
    if (!file)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    bool from_string = text != NULL;
    char *buf = NULL;
    if (!text) {
        TRY(read_input(cfg, file, from, &buf, &len, err));
        text = buf;
    }
    /* libfyaml would stop at a NUL byte without a word and misread other encodings */
    bmc_text_problem tp;
    if (bmc_text_check(text, len, &tp) != 0) {
        free(buf);
        ynode at = {.type = Y_SCALAR, .file = file, .line = tp.line, .col = tp.col};
        return fail_node(&at, "", BMC_ECONFIG, err, "%s", tp.why);
    }
    ynode *doc;
    int rc = parse_yaml(file, text, len, false, "", &doc, err);
    free(buf);
    if (rc != BMC_OK)
        return rc;
    if (doc->type != Y_MAP) {
        rc = fail_node(doc, "", BMC_ECONFIG, err, "the top level must be a mapping of keys");
        ynode_free(doc);
        return rc;
    }
    int b = map_find(doc, "base");
    if (b < 0) {
        *out = doc;
        return BMC_OK;
    }
    ynode *base;
    rc = load_base(cfg, doc->val[b], file, from_string, ch, &base, err);
    if (rc != BMC_OK) {
        ynode_free(doc);
        return rc;
    }
    /* the loader consumes base: itself; then this file is laid over its base */
    ynode_free(doc->key[b]);
    ynode_free(doc->val[b]);
    memmove(doc->key + b, doc->key + b + 1, (size_t)(doc->n - b - 1) * sizeof *doc->key);
    memmove(doc->val + b, doc->val + b + 1, (size_t)(doc->n - b - 1) * sizeof *doc->val);
    doc->n--;
    if (merge(base, doc) != BMC_OK) {
        ynode_free(base);
        return bmc_fail(err, BMC_ENOMEM, "out of memory merging %s", file);
    }
    *out = base;
    return BMC_OK;
}

static int new_cfg(const char *name, bmc_cfg **out, bmc_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out || !((*out)->name = strdup(name))) {
        free(*out);
        *out = NULL;
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    return BMC_OK;
}

int cfg_load_file(const char *path, bmc_cfg **out, bmc_err *err)
{
    *out = NULL;
    bmc_cfg *cfg;
    TRY(new_cfg(path, &cfg, err));
    chain ch = {.real = {realpath(path, NULL)}, .shown = {path}, .n = 1};
    int rc = load_doc(cfg, path, NULL, 0, NULL, &ch, &cfg->root, err);
    free(ch.real[0]);
    if (rc != BMC_OK) {
        cfg_free(cfg);
        return rc;
    }
    *out = cfg;
    return BMC_OK;
}

int cfg_load_buffer(const char *name, const char *text, size_t len, bmc_cfg **out,
                    bmc_err *err)
{
    *out = NULL;
    bmc_cfg *cfg;
    TRY(new_cfg(name, &cfg, err));
    chain ch = {.shown = {name}, .n = 1};
    int rc = load_doc(cfg, name, text ? text : "", text ? len : 0, NULL, &ch, &cfg->root, err);
    if (rc != BMC_OK) {
        cfg_free(cfg);
        return rc;
    }
    *out = cfg;
    return BMC_OK;
}

int cfg_load_string(const char *name, const char *text, bmc_cfg **out, bmc_err *err)
{
    return cfg_load_buffer(name, text, text ? strlen(text) : 0, out, err);
}

const char *const *cfg_inputs(const bmc_cfg *cfg, int *n)
{
    *n = cfg->n_inputs;
    return (const char *const *)cfg->inputs;
}

void cfg_free(bmc_cfg *cfg)
{
    if (!cfg)
        return;
    ynode_free(cfg->root);
    for (int i = 0; i < cfg->n_files; i++)
        free(cfg->files[i]);
    free(cfg->files);
    for (int i = 0; i < cfg->n_inputs; i++)
        free(cfg->inputs[i]);
    free(cfg->inputs);
    free(cfg->name);
    free(cfg);
}

const char *cfg_file_name(const bmc_cfg *cfg)
{
    return cfg->name;
}

/* ---- --set ---- */

/* The keys of mapping m as "a, b, c" (cut to fit). */
static void list_keys(const ynode *m, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int i = 0; i < m->n; i++) {
        size_t used = strlen(buf);
        if (used + strlen(m->key[i]->text) + 8 >= n) {
            snprintf(buf + used, n - used, ", ...");
            return;
        }
        snprintf(buf + used, n - used, "%s%s", i ? ", " : "", m->key[i]->text);
    }
}

/* Where an assignment goes: parent->val[slot], or a new key of mapping parent. */
typedef struct set_target {
    ynode *parent;
    int slot;      /* -1: new key */
    char key[128]; /* the new key */
} set_target;

/* Walks key path (already split off the assignment) through the document. */
static int set_walk(ynode *root, const char *origin, const char *keypath, set_target *t,
                    bmc_err *err)
{
    const char *p = keypath;
    char done[PATH_LEN] = ""; /* the path walked so far, for messages */
    ynode *cur = root;
    path_part part;
    t->parent = NULL;
    while (*p) {
        if (!next_part(&p, &part))
            return bmc_fail(err, BMC_EUSAGE,
                            "%s: malformed key path \"%s\" (expected names joined by dots, "
                            "list items as name[i])",
                            origin, keypath);
        if (cur->type != Y_MAP)
            return bmc_fail(err, BMC_EUSAGE, "%s: %s is %s, not a mapping with key \"%s\"",
                            origin, done, cur->type == Y_SEQ ? "a list" : "a single value",
                            part.name);
        int i = map_find(cur, part.name);
        char here_path[PATH_LEN];
        join_path(done, part.name, here_path, sizeof here_path);
        if (i < 0) {
            if (!*p && part.nidx == 0) { /* a new key in an existing mapping */
                t->parent = cur;
                t->slot = -1;
                snprintf(t->key, sizeof t->key, "%s", part.name);
                return BMC_OK;
            }
            char keys[256];
            list_keys(cur, keys, sizeof keys);
            return bmc_fail(err, BMC_EUSAGE, "%s: no key \"%s\" in %s (keys there: %s)", origin,
                            part.name, done[0] ? done : "the top level", keys);
        }
        snprintf(done, sizeof done, "%s", here_path);
        t->parent = cur;
        t->slot = i;
        cur = cur->val[i];
        for (int k = 0; k < part.nidx; k++) {
            long idx = part.idx[k];
            if (cur->type != Y_SEQ)
                return bmc_fail(err, BMC_EUSAGE, "%s: %s is not a list, it has no item [%ld]",
                                origin, done, idx);
            if (idx >= cur->n)
                return bmc_fail(err, BMC_EUSAGE, "%s: %s has %d items, no item [%ld]", origin,
                                done, cur->n, idx);
            size_t used = strlen(done);
            snprintf(done + used, sizeof done - used, "[%ld]", idx);
            t->parent = cur;
            t->slot = (int)idx;
            cur = cur->val[idx];
        }
    }
    if (!t->parent)
        return bmc_fail(err, BMC_EUSAGE, "%s: expected KEY.PATH=VALUE", origin);
    return BMC_OK;
}

int cfg_apply_set(bmc_cfg *cfg, const char *assignment, bmc_err *err)
{
    char origin[BMC_ERR_LEN / 2], keypath[PATH_LEN];
    bmc_text_problem tp;
    if (bmc_text_check(assignment, strlen(assignment), &tp) != 0)
        return bmc_fail(err, BMC_EUSAGE, "--set: byte %zu of \"%.*s...\" is not UTF-8: give "
                        "keys and values in UTF-8", tp.offset + 1, (int)tp.offset, assignment);
    snprintf(origin, sizeof origin, "--set %s", assignment);
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return bmc_fail(err, BMC_EUSAGE, "%s: expected KEY.PATH=VALUE", origin);
    if ((size_t)(eq - assignment) >= sizeof keypath)
        return bmc_fail(err, BMC_EUSAGE, "%s: the key path is too long", origin);
    memcpy(keypath, assignment, (size_t)(eq - assignment));
    keypath[eq - assignment] = '\0';

    set_target t;
    TRY(set_walk(cfg->root, origin, keypath, &t, err));
    const char *file = remember(cfg, origin);
    if (!file)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    ynode *value = NULL;
    if (eq[1]) {
        TRY(parse_yaml(file, eq + 1, strlen(eq + 1), true, keypath, &value, err));
    } else if ((value = ynode_new(Y_SCALAR, file, true, 1, 1))) { /* "key=": an empty value */
        if (!(value->text = strdup(""))) {
            ynode_free(value);
            value = NULL;
        }
    }
    if (!value)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    if (t.slot >= 0) {
        ynode_free(t.parent->val[t.slot]);
        t.parent->val[t.slot] = value;
        return BMC_OK;
    }
    /* a new key: the reader judges it known or unknown like any other */
    ynode *key = ynode_new(Y_SCALAR, file, true, 1, 1);
    if (!key || !(key->text = strdup(t.key)) || ynode_push(t.parent, key, value) != 0) {
        ynode_free(key);
        ynode_free(value);
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    return BMC_OK;
}

/* ---- emitting ---- */

typedef struct strbuf {
    char *s;
    size_t len, cap;
    bool oom;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(strbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_indent(strbuf *b, int n)
{
    for (int i = 0; i < n; i++)
        sb_add(b, " ", 1);
}

/* Can t be written without quotes, in block and flow context alike, and read back as t? */
static bool plain_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || t[0] == ' ' || t[n - 1] == ' ' || t[n - 1] == ':')
        return false;
    if (strchr("?:,[]{}#&*!|>'\"%@`", t[0]) || !strncmp(t, "---", 3) || !strncmp(t, "...", 3))
        return false;
    if (t[0] == '-' && (n == 1 || t[1] == ' '))
        return false;
    if (strstr(t, ": ") || strstr(t, " #") || strpbrk(t, ",[]{}"))
        return false;
    /* beyond ASCII, quoted: a byte order mark at the start of a line would be dropped, and
     * YAML 1.1 readers take U+0085, U+2028 and U+2029 for line breaks */
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            return false;
    return true;
}

/* The escape for a character that must not appear raw even inside quotes, or NULL. */
static const char *unicode_escape(const unsigned char *p, size_t *len)
{
    static const struct {
        const char *utf8, *escape;
    } special[] = {{"\xC2\x85", "\\N"}, {"\xE2\x80\xA8", "\\L"}, {"\xE2\x80\xA9", "\\P"},
                   {"\xEF\xBB\xBF", "\\uFEFF"}};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        size_t n = strlen(special[i].utf8);
        if (!strncmp((const char *)p, special[i].utf8, n)) {
            *len = n;
            return special[i].escape;
        }
    }
    return NULL;
}

static void emit_scalar(strbuf *b, const char *t)
{
    if (plain_ok(t)) {
        sb_str(b, t);
        return;
    }
    sb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        char esc[8];
        size_t skip = 0;
        const char *u = *p >= 0x80 ? unicode_escape(p, &skip) : NULL;
        if (u) {
            sb_str(b, u);
            p += skip - 1;
            continue;
        }
        if (*p == '"' || *p == '\\')
            snprintf(esc, sizeof esc, "\\%c", *p);
        else if (*p == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (*p == '\t')
            snprintf(esc, sizeof esc, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02X", *p);
        else
            snprintf(esc, sizeof esc, "%c", *p);
        sb_str(b, esc);
    }
    sb_add(b, "\"", 1);
}

/* Scalars, empty collections and lists of scalars go on one line, as people write them. */
static bool inline_node(const ynode *n)
{
    if (n->type == Y_SCALAR || n->n == 0)
        return true;
    if (n->type == Y_MAP)
        return false;
    for (int i = 0; i < n->n; i++)
        if (n->val[i]->type != Y_SCALAR)
            return false;
    return true;
}

static void emit_inline(strbuf *b, const ynode *n)
{
    if (n->type == Y_SCALAR) {
        emit_scalar(b, n->text);
    } else if (n->n == 0) {
        sb_str(b, n->type == Y_MAP ? "{}" : "[]");
    } else {
        sb_str(b, "[");
        for (int i = 0; i < n->n; i++) {
            if (i)
                sb_str(b, ", ");
            emit_scalar(b, n->val[i]->text);
        }
        sb_str(b, "]");
    }
}

static void emit_block(strbuf *b, const ynode *n, int indent);

/* The value after "key:" or "-": inline on the same line, or a block below. */
static void emit_value(strbuf *b, const ynode *v, int indent)
{
    if (inline_node(v)) {
        sb_str(b, " ");
        emit_inline(b, v);
        sb_str(b, "\n");
    } else {
        sb_str(b, "\n");
        emit_block(b, v, indent);
    }
}

static void emit_pair(strbuf *b, const ynode *map, int i, int indent)
{
    emit_scalar(b, map->key[i]->text);
    sb_str(b, ":");
    emit_value(b, map->val[i], indent + 2);
}

static void emit_block(strbuf *b, const ynode *n, int indent)
{
    for (int i = 0; i < n->n; i++) {
        sb_indent(b, indent);
        if (n->type == Y_MAP) {
            emit_pair(b, n, i, indent);
            continue;
        }
        sb_str(b, "-");
        const ynode *item = n->val[i];
        if (item->type == Y_MAP && item->n > 0) {
            /* the first pair on the dash line, the others aligned under it */
            sb_str(b, " ");
            for (int j = 0; j < item->n; j++) {
                if (j)
                    sb_indent(b, indent + 2);
                emit_pair(b, item, j, indent + 2);
            }
        } else {
            emit_value(b, item, indent + 2);
        }
    }
}

char *cfg_emit(const bmc_cfg *cfg)
{
    strbuf b = {0};
    if (cfg->root->n == 0)
        sb_str(&b, "{}\n");
    else
        emit_block(&b, cfg->root, 0);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* ---- typed reading ---- */

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
    note_asked(n, key);
    int i = map_find(n, key);
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
    child_path(m, key, path, sizeof path);
    return fail_node(locate(m), path, BMC_ECONFIG, err, "missing required key \"%s\"", key);
}

/* The value under key, read; *v NULL when absent and not required. */
static int get_value(cfg_map *m, const char *key, bool required, ynode **v, char *path,
                     size_t pn, bmc_err *err)
{
    child_path(m, key, path, pn);
    *v = lookup(m, key, true);
    if (!*v && required)
        return missing(m, key, err);
    return BMC_OK;
}

static int expected(const ynode *v, const char *path, const char *what, bmc_err *err)
{
    char got[128];
    describe(v, got, sizeof got);
    return fail_node(v, path, BMC_ECONFIG, err, "expected %s, got %s", what, got);
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
        return fail_node(v, path, BMC_ECONFIG, err, "expected a list of %s item%s, got %d",
                         what, (v->n < min_len ? min_len : max_len) == 1 ? "" : "s", v->n);
    }
    *len = v->n;
    return BMC_OK;
}

/* Item i of the list under key (NULL when there is none) and its path key[i]. */
static ynode *seq_item(const cfg_map *m, const char *key, int i, char *path, size_t pn)
{
    char base[PATH_LEN];
    child_path(m, key, base, sizeof base);
    snprintf(path, pn, "%s[%d]", base, i);
    ynode *s = lookup(m, key, true);
    return s && s->type == Y_SEQ && i >= 0 && i < s->n ? s->val[i] : NULL;
}

/* Asking for an item that is not there is a bug in the reader, but still located. */
static int no_item(const cfg_map *m, const char *path, bmc_err *err)
{
    return fail_node(locate(m), path, BMC_EINTERNAL, err, "no such item");
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
        describe(v, got, sizeof got);
        if (v->type == Y_SEQ)
            snprintf(got, sizeof got, "a list of %d items", v->n);
        return fail_node(v, path, BMC_ECONFIG, err, "expected a point [YYYY-MM-DD, number], got %s",
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
        describe(v, got, sizeof got);
        if (v->type == Y_SEQ)
            snprintf(got, sizeof got, "a list of %d items", v->n);
        return fail_node(v, path, BMC_ECONFIG, err, "expected a pair [%s, number], got %s", what,
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
        child_path(m, n->key[i]->text, path, sizeof path);
        for (int k = 0; k < n->n_asked; k++) {
            size_t used = strlen(known);
            if (used + strlen(n->asked[k]) + 8 >= sizeof known) {
                snprintf(known + used, sizeof known - used, ", ...");
                break;
            }
            snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "", n->asked[k]);
        }
        return fail_node(n->key[i], path, BMC_ECONFIG, err, "unknown key \"%s\"%s%s%s",
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
        child_path(m, key, path, sizeof path);
        at = lookup(m, key, false);
    } else {
        snprintf(path, sizeof path, "%s", m->path);
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_node(at ? at : locate(m), path, code, err, fmt, ap);
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
    int rc = vfail_node(at ? at : locate(m), path, code, err, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- variants ---- */

/* The copy of a file name of src that dst keeps (nodes point at their file's name). */
static const char *same_file(bmc_cfg *dst, const bmc_cfg *src, const char *file)
{
    for (int i = 0; i < src->n_files; i++)
        if (src->files[i] == file)
            return dst->files[i];
    return file; /* not one of src's: a string literal */
}

/* Deep copy of n into dst's file names; NULL when out of memory. */
static ynode *ynode_clone(bmc_cfg *dst, const bmc_cfg *src, const ynode *n)
{
    ynode *c = ynode_new(n->type, same_file(dst, src, n->file), n->from_set, n->line, n->col);
    if (!c)
        return NULL;
    if (n->text && !(c->text = strdup(n->text))) {
        ynode_free(c);
        return NULL;
    }
    for (int i = 0; i < n->n; i++) {
        ynode *k = n->type == Y_MAP ? ynode_clone(dst, src, n->key[i]) : NULL;
        ynode *v = ynode_clone(dst, src, n->val[i]);
        if (!v || (n->type == Y_MAP && !k) || ynode_push(c, k, v) != 0) {
            ynode_free(k);
            ynode_free(v);
            ynode_free(c);
            return NULL;
        }
    }
    return c;
}

/* A new document with cfg's file names and a copy of its root. */
static int cfg_clone(const bmc_cfg *src, bmc_cfg **out, bmc_err *err)
{
    bmc_cfg *c;
    TRY(new_cfg(src->name, &c, err));
    for (int i = 0; i < src->n_files; i++)
        if (!remember(c, src->files[i])) {
            cfg_free(c);
            return bmc_fail(err, BMC_ENOMEM, "out of memory");
        }
    if (!(c->root = ynode_clone(c, src, src->root))) {
        cfg_free(c);
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    *out = c;
    return BMC_OK;
}

void cfg_variants_free(cfg_variant *v, int n)
{
    if (!v)
        return;
    for (int i = 0; i < n; i++) {
        free(v[i].description);
        free(v[i].overrides);
        cfg_free(v[i].cfg);
    }
    free(v);
}

static char *emit_node(const ynode *n)
{
    strbuf b = {0};
    if (n->type != Y_MAP || n->n == 0)
        sb_str(&b, "{}\n");
    else
        emit_block(&b, n, 0);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* Checks item i of the variants list and fills v (name, description, overrides text). */
static int read_variant(const ynode *item, int i, cfg_variant *v, const cfg_variant *before,
                        bmc_err *err)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "variants[%d]", i);
    if (item->type != Y_MAP)
        return fail_node(item, path, BMC_ECONFIG, err,
                         "a variant is a mapping with name, description and override");
    for (int k = 0; k < item->n; k++) {
        const char *key = item->key[k]->text;
        if (strcmp(key, "name") && strcmp(key, "description") && strcmp(key, "override"))
            return fail_node(item->key[k], path, BMC_ECONFIG, err,
                             "unknown key \"%s\" (known keys here: name, description, override)",
                             key);
    }
    int kn = map_find(item, "name"), kd = map_find(item, "description"),
        ko = map_find(item, "override");
    if (kn < 0)
        return fail_node(item, path, BMC_ECONFIG, err, "missing required key \"name\"");
    const ynode *name = item->val[kn];
    char npath[PATH_LEN];
    join_path(path, "name", npath, sizeof npath);
    /* the name becomes an HDF5 group, /variants/<name> */
    if (name->type != Y_SCALAR || !name->text[0] || strlen(name->text) >= sizeof v->name ||
        strchr(name->text, '/') || !strcmp(name->text, ".") || !strcmp(name->text, "..") ||
        !strcmp(name->text, "base"))
        return fail_node(name, npath, BMC_ECONFIG, err,
                         "expected a name of 1 to %zu characters without '/', not \".\", "
                         "\"..\" or \"base\" (the reference)",
                         sizeof v->name - 1);
    for (int j = 0; j < i; j++)
        if (!strcmp(before[j].name, name->text))
            return fail_node(name, npath, BMC_ECONFIG, err,
                             "variant \"%s\" is listed twice", name->text);
    snprintf(v->name, sizeof v->name, "%s", name->text);
    if (kd >= 0 && item->val[kd]->type != Y_SCALAR) {
        join_path(path, "description", npath, sizeof npath);
        return fail_node(item->val[kd], npath, BMC_ECONFIG, err, "expected text");
    }
    if (ko < 0)
        return fail_node(item, path, BMC_ECONFIG, err, "missing required key \"override\"");
    if (item->val[ko]->type != Y_MAP) {
        join_path(path, "override", npath, sizeof npath);
        return fail_node(item->val[ko], npath, BMC_ECONFIG, err,
                         "expected a mapping laid over the configuration (as a file over its "
                         "base:)");
    }
    const ynode *o = item->val[ko];
    join_path(path, "override", npath, sizeof npath);
    int kr = map_find(o, "run");
    if (kr >= 0)
        return fail_node(o->key[kr], npath, BMC_ECONFIG, err,
                         "a variant runs on the scenarios of the reference: run: cannot be "
                         "overridden (set it for the whole configuration)");
    snprintf(v->where, sizeof v->where, "%s:%d:%d: %s", o->file, o->line, o->col, npath);
    v->description = strdup(kd >= 0 ? item->val[kd]->text : "");
    v->overrides = emit_node(item->val[ko]);
    if (!v->description || !v->overrides)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    return BMC_OK;
}

/* The document of one variant: cfg (without variants:) with the override laid over it. */
static int build_variant(const bmc_cfg *cfg, const ynode *override, cfg_variant *v,
                         bmc_err *err)
{
    TRY(cfg_clone(cfg, &v->cfg, err));
    ynode *o = ynode_clone(v->cfg, cfg, override);
    if (!o || merge(v->cfg->root, o) != BMC_OK)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    return BMC_OK;
}

int cfg_take_variants(bmc_cfg *cfg, cfg_variant **out, int *n, bmc_err *err)
{
    *out = NULL;
    *n = 0;
    ynode *root = cfg->root;
    int k = map_find(root, "variants");
    if (k < 0)
        return BMC_OK;
    ynode *list = root->val[k];
    if (list->type != Y_SEQ)
        return fail_node(list, "variants", BMC_ECONFIG, err,
                         "expected a list of variants (name, description, override)");
    if (list->n > CFG_MAX_VARIANTS)
        return fail_node(list, "variants", BMC_ECONFIG, err, "more than %d variants",
                         CFG_MAX_VARIANTS);
    cfg_variant *v = calloc((size_t)(list->n ? list->n : 1), sizeof *v);
    if (!v)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    /* the reference reads as if it had no variants: take the list out first */
    ynode *key = root->key[k];
    memmove(root->key + k, root->key + k + 1, (size_t)(root->n - k - 1) * sizeof *root->key);
    memmove(root->val + k, root->val + k + 1, (size_t)(root->n - k - 1) * sizeof *root->val);
    memmove(root->consumed + k, root->consumed + k + 1,
            (size_t)(root->n - k - 1) * sizeof *root->consumed);
    root->n--;
    int rc = BMC_OK;
    int i = 0;
    for (; i < list->n && rc == BMC_OK; i++) {
        rc = read_variant(list->val[i], i, &v[i], v, err);
        if (rc == BMC_OK)
            rc = build_variant(cfg, list->val[i]->val[map_find(list->val[i], "override")], &v[i],
                               err);
    }
    ynode_free(key);
    ynode_free(list);
    if (rc != BMC_OK) {
        cfg_variants_free(v, i);
        return rc;
    }
    *out = v;
    *n = i;
    return BMC_OK;
}
