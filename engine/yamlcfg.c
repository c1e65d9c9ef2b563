#include "yamlcfg.h"

#include <errno.h>
#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libfyaml 0.7 has no source marks on document nodes, so the config is read through the
 * event parser into this small tree, where every node keeps the file, line and column it
 * came from (also across base: merging and --set). */

enum ynode_type { Y_SCALAR, Y_MAP, Y_SEQ };

typedef struct ynode {
    enum ynode_type type;
    const char *file; /* owned by bmc_cfg; for --set values the assignment text */
    bool from_set;
    int line, col;    /* 1-based */
    char *text;       /* scalar */
    int n, cap;
    struct ynode **key;   /* map: key scalars */
    struct ynode **val;   /* map: values; seq: items */
    bool *consumed;       /* map: key read by the reader */
} ynode;

struct bmc_cfg {
    ynode *root;
    char **files; /* file names and --set texts the nodes point to */
    int n_files;
    char *name;
};

#define TRY BMC_TRY

static void ynode_free(ynode *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n; i++) {
        if (n->key)
            ynode_free(n->key[i]);
        ynode_free(n->val[i]);
    }
    free(n->key);
    free(n->val);
    free(n->consumed);
    free(n->text);
    free(n);
}

static ynode *ynode_new(enum ynode_type type, const char *file, int line, int col)
{
    ynode *n = calloc(1, sizeof *n);
    if (n) {
        n->type = type;
        n->file = file;
        n->line = line;
        n->col = col;
    }
    return n;
}

static int ynode_push(ynode *parent, ynode *key, ynode *val)
{
    if (parent->n == parent->cap) {
        int cap = parent->cap ? 2 * parent->cap : 8;
        ynode **v = realloc(parent->val, (size_t)cap * sizeof *v);
        if (!v)
            return BMC_ENOMEM;
        parent->val = v;
        if (parent->type == Y_MAP) {
            ynode **k = realloc(parent->key, (size_t)cap * sizeof *k);
            if (!k)
                return BMC_ENOMEM;
            parent->key = k;
            bool *c = realloc(parent->consumed, (size_t)cap * sizeof *c);
            if (!c)
                return BMC_ENOMEM;
            parent->consumed = c;
        }
        parent->cap = cap;
    }
    if (parent->type == Y_MAP) {
        parent->key[parent->n] = key;
        parent->consumed[parent->n] = false;
    }
    parent->val[parent->n++] = val;
    return BMC_OK;
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

/* ---- locating errors ---- */

static int vfail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
                      va_list ap)
{
    char msg[BMC_ERR_LEN];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!n)
        return bmc_fail(err, code, "%s: %s", path, msg);
    if (n->from_set)
        return bmc_fail(err, code, "%s: %s: %s", n->file, path, msg);
    return bmc_fail(err, code, "%s:%d:%d: %s%s%s", n->file, n->line, n->col, path,
                    *path ? ": " : "", msg);
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

static void child_path(const cfg_map *m, const char *key, char *out, size_t n)
{
    if (m->path[0])
        snprintf(out, n, "%s.%s", m->path, key);
    else
        snprintf(out, n, "%s", key);
}

/* ---- parsing ---- */

typedef struct parse_ctx {
    struct fy_parser *fyp;
    char diag_text[512]; /* libfyaml's first error message */
    const char *file;
    bool from_set;
    bmc_err *err;
} parse_ctx;

static int parse_error(parse_ctx *c, const struct fy_mark *mk, const char *what)
{
    if (c->diag_text[0])
        return bmc_fail(c->err, BMC_ECONFIG, "%s", c->diag_text);
    if (mk)
        return bmc_fail(c->err, BMC_ECONFIG, "%s:%d:%d: %s", c->file, mk->line + 1,
                        mk->column + 1, what);
    return bmc_fail(c->err, BMC_ECONFIG, "%s: %s", c->file, what);
}

static int parse_node(parse_ctx *c, struct fy_event *ev, ynode **out);

static int next_event(parse_ctx *c, struct fy_event **ev)
{
    *ev = fy_parser_parse(c->fyp);
    if (!*ev || fy_parser_get_stream_error(c->fyp))
        return parse_error(c, NULL, "YAML syntax error");
    return BMC_OK;
}

static int parse_collection(parse_ctx *c, ynode *n, enum fy_event_type end)
{
    for (;;) {
        struct fy_event *ev;
        TRY(next_event(c, &ev));
        if (ev->type == end) {
            fy_parser_event_free(c->fyp, ev);
            return BMC_OK;
        }
        ynode *key = NULL, *val = NULL;
        int rc = parse_node(c, ev, n->type == Y_MAP ? &key : &val);
        if (rc == BMC_OK && n->type == Y_MAP) {
            if (key->type != Y_SCALAR)
                rc = fail_node(key, "", BMC_ECONFIG, c->err, "a key must be a plain name");
            else if (map_find(n, key->text) >= 0)
                rc = fail_node(key, "", BMC_ECONFIG, c->err, "duplicate key \"%s\"", key->text);
            struct fy_event *ev2;
            if (rc == BMC_OK && (rc = next_event(c, &ev2)) == BMC_OK)
                rc = parse_node(c, ev2, &val);
        }
        if (rc == BMC_OK)
            rc = ynode_push(n, key, val) == BMC_OK
                     ? BMC_OK
                     : bmc_fail(c->err, BMC_ENOMEM, "out of memory reading %s", c->file);
        if (rc != BMC_OK) {
            ynode_free(key);
            ynode_free(val);
            return rc;
        }
    }
}

/* Takes ownership of ev. */
static int parse_node(parse_ctx *c, struct fy_event *ev, ynode **out)
{
    const struct fy_mark *mk = fy_event_start_mark(ev);
    int line = mk ? mk->line + 1 : 0, col = mk ? mk->column + 1 : 0;
    enum fy_event_type type = ev->type;
    ynode *n = NULL;
    int rc = BMC_OK;
    if (type == FYET_SCALAR) {
        size_t len = 0;
        const char *text = fy_token_get_text(ev->scalar.value, &len);
        n = ynode_new(Y_SCALAR, c->file, line, col);
        if (n && !(n->text = strndup(text ? text : "", text ? len : 0))) {
            free(n);
            n = NULL;
        }
    } else if (type == FYET_MAPPING_START || type == FYET_SEQUENCE_START) {
        n = ynode_new(type == FYET_MAPPING_START ? Y_MAP : Y_SEQ, c->file, line, col);
    } else if (type == FYET_ALIAS) {
        rc = bmc_fail(c->err, BMC_ECONFIG, "%s:%d:%d: YAML aliases are not supported", c->file,
                      line, col);
    } else {
        rc = parse_error(c, mk, "unexpected YAML content");
    }
    fy_parser_event_free(c->fyp, ev);
    if (rc != BMC_OK)
        return rc;
    if (!n)
        return bmc_fail(c->err, BMC_ENOMEM, "out of memory reading %s", c->file);
    n->from_set = c->from_set;
    if (n->type != Y_SCALAR) {
        rc = parse_collection(c, n, n->type == Y_MAP ? FYET_MAPPING_END : FYET_SEQUENCE_END);
        if (rc != BMC_OK) {
            ynode_free(n);
            return rc;
        }
    }
    *out = n;
    return BMC_OK;
}

/* Parses one YAML document from a file (text NULL) or a string. */
/* Keeps the first diagnostic libfyaml formats ("file:line:col: error: message"), trimmed
 * to one line, instead of letting it print to stderr. */
static void keep_diag(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    parse_ctx *c = user;
    if (c->diag_text[0] || len == 0)
        return;
    size_t n = strcspn(buf, "\n");
    if (n > len)
        n = len;
    if (n >= sizeof c->diag_text)
        n = sizeof c->diag_text - 1;
    memcpy(c->diag_text, buf, n);
    c->diag_text[n] = '\0';
}

static int parse_yaml(const char *file, const char *text, bool from_set, ynode **out,
                      bmc_err *err)
{
    parse_ctx c = {.file = file, .from_set = from_set, .err = err};
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = keep_diag;
    dcfg.user = &c;
    dcfg.colorize = false;
    dcfg.show_source = true;
    dcfg.show_position = true;
    dcfg.show_type = false;
    dcfg.show_module = false;
    dcfg.level = FYET_ERROR;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    struct fy_parse_cfg pcfg = {.flags = FYPCF_QUIET, .diag = diag};
    c.fyp = diag ? fy_parser_create(&pcfg) : NULL;
    *out = NULL;
    if (!c.fyp) {
        fy_diag_destroy(diag);
        return bmc_fail(err, BMC_ENOMEM, "out of memory creating the YAML parser");
    }
    int rc = text ? fy_parser_set_string(c.fyp, text, strlen(text))
                  : fy_parser_set_input_file(c.fyp, file);
    if (rc != 0) {
        fy_parser_destroy(c.fyp);
        fy_diag_destroy(diag);
        return bmc_fail(err, BMC_EIO, "%s: cannot read: %s", file, strerror(errno ? errno : ENOENT));
    }
    ynode *root = NULL;
    struct fy_event *ev;
    rc = BMC_OK;
    /* stream start, document start, the root node, document end */
    for (int i = 0; rc == BMC_OK && i < 2; i++) {
        if ((rc = next_event(&c, &ev)) == BMC_OK) {
            bool ok = ev->type == (i == 0 ? FYET_STREAM_START : FYET_DOCUMENT_START);
            bool empty = ev->type == FYET_STREAM_END;
            fy_parser_event_free(c.fyp, ev);
            if (empty)
                rc = bmc_fail(err, BMC_ECONFIG, "%s: the document is empty", file);
            else if (!ok)
                rc = parse_error(&c, NULL, "expected a YAML document");
        }
    }
    if (rc == BMC_OK && (rc = next_event(&c, &ev)) == BMC_OK)
        rc = parse_node(&c, ev, &root);
    if (rc == BMC_OK && (rc = next_event(&c, &ev)) == BMC_OK) {
        bool end = ev->type == FYET_DOCUMENT_END;
        fy_parser_event_free(c.fyp, ev);
        if (!end)
            rc = parse_error(&c, NULL, "unexpected content after the document");
    }
    if (rc == BMC_OK && (rc = next_event(&c, &ev)) == BMC_OK) {
        bool end = ev->type == FYET_STREAM_END;
        fy_parser_event_free(c.fyp, ev);
        if (!end)
            rc = bmc_fail(err, BMC_ECONFIG, "%s: only one YAML document is allowed", file);
    }
    fy_parser_destroy(c.fyp);
    fy_diag_destroy(diag);
    if (rc != BMC_OK) {
        ynode_free(root);
        return rc;
    }
    *out = root;
    return BMC_OK;
}

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

/* Lists whose items are all mappings with a name (categories, tracks) merge item by item. */
static bool named_list(const ynode *n)
{
    if (n->type != Y_SEQ)
        return false;
    for (int i = 0; i < n->n; i++)
        if (n->val[i]->type != Y_MAP || !item_name(n->val[i]))
            return false;
    return true;
}

static int merge(ynode *dst, ynode *src);

/* Items of src update the item of dst with the same name, or are appended. Consumes src. */
static int merge_named(ynode *dst, ynode *src)
{
    for (int i = 0; i < src->n; i++) {
        const char *name = item_name(src->val[i]);
        int j = 0;
        while (j < dst->n && strcmp(item_name(dst->val[j]), name) != 0)
            j++;
        int rc = j < dst->n ? merge(dst->val[j], src->val[i]) : ynode_push(dst, NULL, src->val[i]);
        src->val[i] = NULL;
        if (rc != BMC_OK)
            return rc;
    }
    src->n = 0;
    ynode_free(src);
    return BMC_OK;
}

/* Merges src into dst (both mappings): mappings key by key, named lists item by item,
 * anything else replaces. Consumes src. */
static int merge(ynode *dst, ynode *src)
{
    for (int i = 0; i < src->n; i++) {
        int j = map_find(dst, src->key[i]->text);
        if (j < 0) {
            if (ynode_push(dst, src->key[i], src->val[i]) != BMC_OK)
                return BMC_ENOMEM;
        } else if ((dst->val[j]->type == Y_MAP && src->val[i]->type == Y_MAP) ||
                   (named_list(dst->val[j]) && named_list(src->val[i]))) {
            int rc = dst->val[j]->type == Y_MAP ? merge(dst->val[j], src->val[i])
                                                 : merge_named(dst->val[j], src->val[i]);
            if (rc != BMC_OK)
                return rc;
            ynode_free(src->key[i]);
        } else {
            ynode_free(dst->val[j]);
            ynode_free(dst->key[j]);
            dst->val[j] = src->val[i];
            dst->key[j] = src->key[i];
        }
        src->key[i] = src->val[i] = NULL;
    }
    src->n = 0;
    ynode_free(src);
    return BMC_OK;
}

static int load_with_base(bmc_cfg *cfg, const char *path, int depth, ynode **out, bmc_err *err)
{
    if (depth > 16)
        return bmc_fail(err, BMC_ECONFIG, "%s: base: chain deeper than 16 (a cycle?)", path);
    const char *file = remember(cfg, path);
    if (!file)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    ynode *doc;
    TRY(parse_yaml(file, NULL, false, &doc, err));
    if (doc->type != Y_MAP) {
        int rc = fail_node(doc, "", BMC_ECONFIG, err, "the top level must be a mapping of keys");
        ynode_free(doc);
        return rc;
    }
    int b = map_find(doc, "base");
    if (b < 0) {
        *out = doc;
        return BMC_OK;
    }
    ynode *bn = doc->val[b];
    if (bn->type != Y_SCALAR || !bn->text[0]) {
        int rc = fail_node(bn, "base", BMC_ECONFIG, err, "expected a file name");
        ynode_free(doc);
        return rc;
    }
    char base_path[PATH_MAX];
    const char *slash = strrchr(file, '/');
    if (bn->text[0] == '/' || !slash)
        snprintf(base_path, sizeof base_path, "%s", bn->text);
    else
        snprintf(base_path, sizeof base_path, "%.*s/%s", (int)(slash - file), file, bn->text);
    char real_base[PATH_MAX], real_file[PATH_MAX];
    if (realpath(base_path, real_base) && realpath(file, real_file) &&
        !strcmp(real_base, real_file)) {
        int rc = fail_node(bn, "base", BMC_ECONFIG, err, "a file cannot be its own base");
        ynode_free(doc);
        return rc;
    }
    ynode *base;
    int rc = load_with_base(cfg, base_path, depth + 1, &base, err);
    if (rc != BMC_OK) {
        ynode_free(doc);
        return rc;
    }
    /* drop the base key itself, then lay this file over its base */
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

int cfg_load_file(const char *path, bmc_cfg **out, bmc_err *err)
{
    *out = NULL;
    bmc_cfg *cfg = calloc(1, sizeof *cfg);
    if (!cfg || !(cfg->name = strdup(path))) {
        free(cfg);
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    FILE *probe = fopen(path, "r");
    if (!probe) {
        int e = errno;
        cfg_free(cfg);
        return bmc_fail(err, BMC_EIO, "%s: cannot open the config: %s", path, strerror(e));
    }
    fclose(probe);
    int rc = load_with_base(cfg, path, 0, &cfg->root, err);
    if (rc != BMC_OK) {
        cfg_free(cfg);
        return rc;
    }
    *out = cfg;
    return BMC_OK;
}

int cfg_load_string(const char *name, const char *text, bmc_cfg **out, bmc_err *err)
{
    *out = NULL;
    bmc_cfg *cfg = calloc(1, sizeof *cfg);
    const char *file = cfg ? remember(cfg, name) : NULL;
    if (!cfg || !file || !(cfg->name = strdup(name))) {
        cfg_free(cfg);
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    int rc = parse_yaml(file, text, false, &cfg->root, err);
    if (rc == BMC_OK && cfg->root->type != Y_MAP)
        rc = fail_node(cfg->root, "", BMC_ECONFIG, err, "the top level must be a mapping of keys");
    if (rc != BMC_OK) {
        cfg_free(cfg);
        return rc;
    }
    *out = cfg;
    return BMC_OK;
}

void cfg_free(bmc_cfg *cfg)
{
    if (!cfg)
        return;
    ynode_free(cfg->root);
    for (int i = 0; i < cfg->n_files; i++)
        free(cfg->files[i]);
    free(cfg->files);
    free(cfg->name);
    free(cfg);
}

const char *cfg_file_name(const bmc_cfg *cfg)
{
    return cfg->name;
}

/* ---- --set ---- */

int cfg_apply_set(bmc_cfg *cfg, const char *assignment, bmc_err *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return bmc_fail(err, BMC_EUSAGE, "--set %s: expected KEY.PATH=VALUE", assignment);
    char path[512];
    if ((size_t)(eq - assignment) >= sizeof path)
        return bmc_fail(err, BMC_EUSAGE, "--set %s: key path too long", assignment);
    memcpy(path, assignment, (size_t)(eq - assignment));
    path[eq - assignment] = '\0';
    char origin[700];
    snprintf(origin, sizeof origin, "--set %s", assignment);
    const char *file = remember(cfg, origin);
    if (!file)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");

    ynode *value;
    TRY(parse_yaml(file, eq + 1, true, &value, err));

    char *parts[64];
    int nparts = 0;
    char *save = NULL;
    for (char *part = strtok_r(path, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        if (nparts == 64) {
            ynode_free(value);
            return bmc_fail(err, BMC_EUSAGE, "--set %s: key path too deep", assignment);
        }
        parts[nparts++] = part;
    }
    ynode *cur = cfg->root, *parent = NULL;
    int slot = -1;
    for (int k = 0; k < nparts; k++) {
        char *part = parts[k];
        bool last = k == nparts - 1;
        char *br = strchr(part, '[');
        long index = -1;
        if (br) {
            char *end;
            index = strtol(br + 1, &end, 10);
            if (end == br + 1 || strcmp(end, "]") || index < 0) {
                ynode_free(value);
                return bmc_fail(err, BMC_EUSAGE, "--set %s: bad index in \"%s\"", assignment,
                                part);
            }
            *br = '\0';
        }
        if (!cur || cur->type != Y_MAP) {
            ynode_free(value);
            return bmc_fail(err, BMC_EUSAGE, "--set %s: \"%s\" is not inside a mapping",
                            assignment, part);
        }
        int i = map_find(cur, part);
        if (i < 0) {
            if (last && !br) { /* a new key in an existing mapping: the reader judges it */
                ynode *key = ynode_new(Y_SCALAR, file, 1, 1);
                if (!key || !(key->text = strdup(part)) || ynode_push(cur, key, value) != BMC_OK) {
                    ynode_free(key);
                    ynode_free(value);
                    return bmc_fail(err, BMC_ENOMEM, "out of memory");
                }
                key->from_set = true;
                return BMC_OK;
            }
            ynode_free(value);
            return bmc_fail(err, BMC_EUSAGE, "--set %s: no key \"%s\" in the config", assignment,
                            part);
        }
        parent = cur;
        slot = i;
        cur = cur->val[i];
        if (br) {
            if (cur->type != Y_SEQ || index >= cur->n) {
                ynode_free(value);
                return bmc_fail(err, BMC_EUSAGE, "--set %s: \"%s\" has no item %ld", assignment,
                                part, index);
            }
            parent = cur;
            slot = (int)index;
            cur = cur->val[index];
        }
    }
    if (!parent) {
        ynode_free(value);
        return bmc_fail(err, BMC_EUSAGE, "--set %s: empty key path", assignment);
    }
    ynode_free(parent->val[slot]);
    parent->val[slot] = value;
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

static void emit_scalar(strbuf *b, const char *t)
{
    bool plain = t[0] && !strpbrk(t, ":#{}[],&*!|>'\"%@`\\\n") && t[0] != ' ' && t[0] != '-' &&
                 t[strlen(t) - 1] != ' ';
    if (plain) {
        sb_str(b, t);
        return;
    }
    sb_add(b, "\"", 1);
    for (const char *p = t; *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_add(b, "\\", 1);
        if (*p == '\n')
            sb_str(b, "\\n");
        else
            sb_add(b, p, 1);
    }
    sb_add(b, "\"", 1);
}

static void emit_node(strbuf *b, const ynode *n, int indent)
{
    if (n->type == Y_SCALAR) {
        emit_scalar(b, n->text);
        sb_str(b, "\n");
        return;
    }
    if (n->n == 0) {
        sb_str(b, n->type == Y_MAP ? "{}\n" : "[]\n");
        return;
    }
    /* scalar-only sequences stay on one line, as people write them */
    bool flat = n->type == Y_SEQ;
    for (int i = 0; flat && i < n->n; i++)
        flat = n->val[i]->type == Y_SCALAR;
    if (flat) {
        sb_str(b, "[");
        for (int i = 0; i < n->n; i++) {
            if (i)
                sb_str(b, ", ");
            emit_scalar(b, n->val[i]->text);
        }
        sb_str(b, "]\n");
        return;
    }
    sb_str(b, "\n");
    for (int i = 0; i < n->n; i++) {
        sb_indent(b, indent);
        if (n->type == Y_MAP) {
            emit_scalar(b, n->key[i]->text);
            sb_str(b, ": ");
            emit_node(b, n->val[i], indent + 2);
        } else {
            sb_str(b, "- ");
            const ynode *item = n->val[i];
            if (item->type == Y_MAP && item->n > 0) {
                /* first pair on the dash line */
                for (int j = 0; j < item->n; j++) {
                    if (j)
                        sb_indent(b, indent + 2);
                    emit_scalar(b, item->key[j]->text);
                    sb_str(b, ": ");
                    emit_node(b, item->val[j], indent + 4);
                }
            } else {
                emit_node(b, item, indent + 2);
            }
        }
    }
}

char *cfg_emit(const bmc_cfg *cfg)
{
    strbuf b = {0};
    const ynode *r = cfg->root;
    for (int i = 0; i < r->n; i++) {
        emit_scalar(&b, r->key[i]->text);
        sb_str(&b, ": ");
        emit_node(&b, r->val[i], 2);
    }
    if (!b.s && !b.oom)
        sb_str(&b, "{}\n");
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

static ynode *lookup(const cfg_map *m, const char *key, bool consume)
{
    ynode *n = m->node;
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

static int missing(const cfg_map *m, const char *key, bmc_err *err)
{
    char path[512];
    child_path(m, key, path, sizeof path);
    return fail_node(m->node, path, BMC_ECONFIG, err, "missing required key");
}

/* Finds a scalar value; *v NULL when absent and not required. */
static int get_scalar(cfg_map *m, const char *key, bool required, ynode **v, char *path,
                      size_t pn, bmc_err *err)
{
    child_path(m, key, path, pn);
    *v = m->node ? lookup(m, key, true) : NULL;
    if (!*v)
        return required ? missing(m, key, err) : BMC_OK;
    if ((*v)->type != Y_SCALAR)
        return fail_node(*v, path, BMC_ECONFIG, err, "expected a single value, got a %s",
                         (*v)->type == Y_MAP ? "mapping" : "list");
    return BMC_OK;
}

static int parse_number(const ynode *v, const char *path, double lo, double hi, double *out,
                        bmc_err *err)
{
    char *end;
    errno = 0;
    double x = strtod(v->text, &end);
    if (!v->text[0] || *end || errno == ERANGE || !isfinite(x))
        return fail_node(v, path, BMC_ECONFIG, err, "expected a number, got \"%s\"", v->text);
    if (x < lo || x > hi)
        return fail_node(v, path, BMC_ECONFIG, err, "expected a number in [%g, %g], got %s", lo,
                         hi, v->text);
    *out = x;
    return BMC_OK;
}

int cfg_get_map(cfg_map *m, const char *key, bool required, cfg_map *out, bmc_err *err)
{
    out->cfg = m->cfg;
    out->node = NULL;
    child_path(m, key, out->path, sizeof out->path);
    ynode *v = m->node ? lookup(m, key, true) : NULL;
    if (!v)
        return required ? missing(m, key, err) : BMC_OK;
    if (v->type != Y_MAP)
        return fail_node(v, out->path, BMC_ECONFIG, err, "expected a mapping of keys");
    out->node = v;
    return BMC_OK;
}

int cfg_get_double(cfg_map *m, const char *key, bool required, double def, double lo, double hi,
                   double *out, bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(get_scalar(m, key, required, &v, path, sizeof path, err));
    if (!v) {
        *out = def;
        return BMC_OK;
    }
    return parse_number(v, path, lo, hi, out, err);
}

int cfg_get_int(cfg_map *m, const char *key, bool required, long long def, long long lo,
                long long hi, long long *out, bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(get_scalar(m, key, required, &v, path, sizeof path, err));
    if (!v) {
        *out = def;
        return BMC_OK;
    }
    char *end;
    errno = 0;
    long long x = strtoll(v->text, &end, 10);
    if (!v->text[0] || *end || errno == ERANGE)
        return fail_node(v, path, BMC_ECONFIG, err, "expected a whole number, got \"%s\"",
                         v->text);
    if (x < lo || x > hi)
        return fail_node(v, path, BMC_ECONFIG, err,
                         "expected a whole number in [%lld, %lld], got %s", lo, hi, v->text);
    *out = x;
    return BMC_OK;
}

int cfg_get_bool(cfg_map *m, const char *key, bool required, bool def, bool *out, bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(get_scalar(m, key, required, &v, path, sizeof path, err));
    if (!v)
        *out = def;
    else if (!strcmp(v->text, "true"))
        *out = true;
    else if (!strcmp(v->text, "false"))
        *out = false;
    else
        return fail_node(v, path, BMC_ECONFIG, err, "expected true or false, got \"%s\"",
                         v->text);
    return BMC_OK;
}

int cfg_get_string(cfg_map *m, const char *key, bool required, const char *def,
                   const char **out, bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(get_scalar(m, key, required, &v, path, sizeof path, err));
    *out = v ? v->text : def;
    return BMC_OK;
}

static int parse_date(const ynode *v, const char *path, bmc_date *out, bmc_err *err)
{
    if (bmc_date_parse(v->text, out) != 0)
        return fail_node(v, path, BMC_ECONFIG, err, "expected a date YYYY-MM-DD, got \"%s\"",
                         v->text);
    return BMC_OK;
}

int cfg_get_date(cfg_map *m, const char *key, bool required, bmc_date def, bmc_date *out,
                 bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(get_scalar(m, key, required, &v, path, sizeof path, err));
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
    char path[512];
    TRY(get_scalar(m, key, required, &v, path, sizeof path, err));
    if (!v) {
        *out = def;
        return BMC_OK;
    }
    for (int i = 0; i < n; i++)
        if (!strcmp(v->text, names[i])) {
            *out = i;
            return BMC_OK;
        }
    char list[256] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 names[i]);
    return fail_node(v, path, BMC_ECONFIG, err, "expected one of %s, got \"%s\"", list, v->text);
}

int cfg_get_seq(cfg_map *m, const char *key, bool required, int min_len, int max_len, int *len,
                bmc_err *err)
{
    char path[512];
    child_path(m, key, path, sizeof path);
    *len = 0;
    ynode *v = m->node ? lookup(m, key, true) : NULL;
    if (!v)
        return required ? missing(m, key, err) : BMC_OK;
    if (v->type != Y_SEQ)
        return fail_node(v, path, BMC_ECONFIG, err, "expected a list [...]");
    if (v->n < min_len || v->n > max_len)
        return fail_node(v, path, BMC_ECONFIG, err, "expected %d to %d items, got %d", min_len,
                         max_len, v->n);
    *len = v->n;
    return BMC_OK;
}

static ynode *seq_item(cfg_map *m, const char *key, int i, char *path, size_t pn)
{
    char base[512];
    child_path(m, key, base, sizeof base);
    snprintf(path, pn, "%s[%d]", base, i);
    ynode *s = m->node ? lookup(m, key, false) : NULL;
    return s && s->type == Y_SEQ && i >= 0 && i < s->n ? s->val[i] : NULL;
}

int cfg_seq_map(cfg_map *m, const char *key, int i, cfg_map *out, bmc_err *err)
{
    out->cfg = m->cfg;
    ynode *v = seq_item(m, key, i, out->path, sizeof out->path);
    out->node = NULL;
    if (!v)
        return fail_node(m->node, out->path, BMC_ECONFIG, err, "no such item");
    if (v->type != Y_MAP)
        return fail_node(v, out->path, BMC_ECONFIG, err, "expected a mapping of keys");
    out->node = v;
    return BMC_OK;
}

static int seq_scalar(cfg_map *m, const char *key, int i, ynode **v, char *path, size_t pn,
                      bmc_err *err)
{
    *v = seq_item(m, key, i, path, pn);
    if (!*v)
        return fail_node(m->node, path, BMC_ECONFIG, err, "no such item");
    if ((*v)->type != Y_SCALAR)
        return fail_node(*v, path, BMC_ECONFIG, err, "expected a single value");
    return BMC_OK;
}

int cfg_seq_double(cfg_map *m, const char *key, int i, double lo, double hi, double *out,
                   bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(seq_scalar(m, key, i, &v, path, sizeof path, err));
    return parse_number(v, path, lo, hi, out, err);
}

int cfg_seq_string(cfg_map *m, const char *key, int i, const char **out, bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(seq_scalar(m, key, i, &v, path, sizeof path, err));
    *out = v->text;
    return BMC_OK;
}

int cfg_seq_date(cfg_map *m, const char *key, int i, bmc_date *out, bmc_err *err)
{
    ynode *v;
    char path[512];
    TRY(seq_scalar(m, key, i, &v, path, sizeof path, err));
    return parse_date(v, path, out, err);
}

int cfg_seq_date_value(cfg_map *m, const char *key, int i, double lo, double hi, bmc_date *date,
                       double *value, bmc_err *err)
{
    char path[512];
    ynode *v = seq_item(m, key, i, path, sizeof path);
    if (!v)
        return fail_node(m->node, path, BMC_ECONFIG, err, "no such item");
    if (v->type != Y_SEQ || v->n != 2 || v->val[0]->type != Y_SCALAR ||
        v->val[1]->type != Y_SCALAR)
        return fail_node(v, path, BMC_ECONFIG, err, "expected a point [YYYY-MM-DD, number]");
    TRY(parse_date(v->val[0], path, date, err));
    return parse_number(v->val[1], path, lo, hi, value, err);
}

int cfg_finish(cfg_map *m, bmc_err *err)
{
    ynode *n = m->node;
    if (!n)
        return BMC_OK;
    for (int i = 0; i < n->n; i++) {
        if (n->consumed[i])
            continue;
        char path[512];
        child_path(m, n->key[i]->text, path, sizeof path);
        return fail_node(n->key[i], path, BMC_ECONFIG, err, "unknown key \"%s\"",
                         n->key[i]->text);
    }
    return BMC_OK;
}

int cfg_fail_at(const cfg_map *m, const char *key, int code, bmc_err *err, const char *fmt, ...)
{
    char path[512];
    const ynode *at = m->node;
    if (key) {
        child_path(m, key, path, sizeof path);
        ynode *v = m->node ? lookup(m, key, false) : NULL;
        if (v)
            at = v;
    } else {
        snprintf(path, sizeof path, "%s", m->path);
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_node(at, path, code, err, fmt, ap);
    va_end(ap);
    return rc;
}

int cfg_fail_at_item(const cfg_map *m, const char *key, int i, int code, bmc_err *err,
                     const char *fmt, ...)
{
    char path[512];
    const ynode *v = seq_item((cfg_map *)m, key, i, path, sizeof path);
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_node(v ? v : m->node, path, code, err, fmt, ap);
    va_end(ap);
    return rc;
}
