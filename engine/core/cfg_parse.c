#include "cfg_tree.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

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
    return cfg_fail_node(&at, c->from_set ? c->path : "", code, c->err, "YAML syntax error: %s",
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
        cfg_join_path(c->path, key->text, p, sizeof p);
        snprintf(c->path, sizeof c->path, "%s", p);
    } else {
        snprintf(c->path + saved, sizeof c->path - saved, "[%d]", n->n);
    }
    ynode *val = NULL;
    int rc = parse_node(c, ev, &val);
    c->path[saved] = '\0';
    if (rc == BMC_OK && cfg_ynode_push(n, key, val) != 0)
        rc = nomem(c);
    if (rc != BMC_OK) {
        cfg_ynode_free(key);
        cfg_ynode_free(val);
    }
    return rc;
}

/* Keys are plain names, each once per mapping. */
static int check_key(parse_ctx *c, const ynode *map, const ynode *key)
{
    int code = c->from_set ? BMC_EUSAGE : BMC_ECONFIG;
    if (key->type != Y_SCALAR)
        return cfg_fail_node(key, c->path, code, c->err, "a key must be a plain name, got %s",
                         key->type == Y_MAP ? "a mapping" : "a list");
    int dup = cfg_map_find(map, key->text);
    if (dup < 0)
        return BMC_OK;
    char path[PATH_LEN];
    cfg_join_path(c->path, key->text, path, sizeof path);
    if (c->from_set)
        return cfg_fail_node(key, path, code, c->err, "duplicate key \"%s\"", key->text);
    return cfg_fail_node(key, path, code, c->err, "duplicate key \"%s\" (first at line %d)",
                     key->text, map->key[dup]->line);
}

/* A collection too deep or too long for a configuration. */
static int too_big(parse_ctx *c, const ynode *at, const char *what, int limit)
{
    return cfg_fail_node(at, c->path, c->from_set ? BMC_EUSAGE : BMC_ECONFIG, c->err,
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
                cfg_ynode_free(key);
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
        n = cfg_ynode_new(Y_SCALAR, c->file, c->from_set, line, col);
        int got = n ? scalar_text(ev->scalar.value, &n->text) : -1;
        if (got < 0)
            rc = nomem(c);
        if (got > 0) {
            ynode at = here(c, line, col);
            rc = cfg_fail_node(&at, c->path, c->from_set ? BMC_EUSAGE : BMC_ECONFIG, c->err,
                           "a NUL character (\\0) in a value: not text");
        }
    } else if (type == FYET_MAPPING_START || type == FYET_SEQUENCE_START) {
        n = cfg_ynode_new(type == FYET_MAPPING_START ? Y_MAP : Y_SEQ, c->file, c->from_set, line,
                      col);
        if (!n)
            rc = nomem(c);
    } else {
        ynode at = here(c, line, col);
        rc = cfg_fail_node(&at, c->path, c->from_set ? BMC_EUSAGE : BMC_ECONFIG, c->err, "%s",
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
        cfg_ynode_free(n);
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
        return cfg_fail_node(&at, c->path, code, c->err, "the document is empty");
    struct fy_event *ev;
    TRY(next_event(c, &ev));
    TRY(parse_node(c, ev, out));
    int rc = expect_event(c, &t); /* document end */
    if (rc == BMC_OK)
        rc = expect_event(c, &t);
    if (rc == BMC_OK && t != FYET_STREAM_END) {
        at = here(c, c->line, c->col);
        rc = cfg_fail_node(&at, c->path, code, c->err, "only one YAML document is allowed");
    }
    if (rc != BMC_OK) {
        cfg_ynode_free(*out);
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
int cfg_parse_yaml(const char *file, const char *text, size_t len, bool from_set,
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
        return cfg_fail_node(&at, from_set ? c.path : "", from_set ? BMC_EUSAGE : BMC_ECONFIG, err,
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
