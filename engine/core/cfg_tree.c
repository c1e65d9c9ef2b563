#include "cfg_tree.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cfg_ynode_free(ynode *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n; i++) {
        if (n->key)
            cfg_ynode_free(n->key[i]);
        cfg_ynode_free(n->val[i]);
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

ynode *cfg_ynode_new(enum ynode_type type, const char *file, bool from_set, int line, int col)
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
int cfg_ynode_push(ynode *parent, ynode *key, ynode *val)
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

int cfg_map_find(const ynode *m, const char *key)
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
void cfg_note_asked(ynode *m, const char *key)
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
void cfg_describe(const ynode *v, char *buf, size_t n)
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

int cfg_vfail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
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

int cfg_fail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));
int cfg_fail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = cfg_vfail_node(n, path, code, err, fmt, ap);
    va_end(ap);
    return rc;
}

void cfg_join_path(const char *parent, const char *key, char *out, size_t n)
{
    if (parent[0])
        snprintf(out, n, "%s.%s", parent, key);
    else
        snprintf(out, n, "%s", key);
}

void cfg_child_path(const cfg_map *m, const char *key, char *out, size_t n)
{
    cfg_join_path(m->path, key, out, n);
}

/* ---- key paths: a.b[2].c ---- */


/* Parses the component at *p up to the next '.' or the end and moves *p past it; false
 * when the component is malformed (empty name, bad or too many indices). */
bool cfg_next_part(const char **p, path_part *out)
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
const ynode *cfg_locate(const cfg_map *m)
{
    if (m->node || !m->cfg)
        return m->node;
    const ynode *cur = m->cfg->root;
    const char *p = m->path;
    path_part part;
    while (*p && cfg_next_part(&p, &part)) {
        int i = cfg_map_find(cur, part.name);
        const ynode *v = i >= 0 ? cur->val[i] : NULL;
        for (int k = 0; v && k < part.nidx; k++)
            v = v->type == Y_SEQ && part.idx[k] < v->n ? v->val[part.idx[k]] : NULL;
        if (!v || v->type == Y_SCALAR)
            break;
        cur = v;
    }
    return cur;
}

const char *cfg_remember(bmc_cfg *cfg, const char *s)
{
    char **f = realloc(cfg->files, (size_t)(cfg->n_files + 1) * sizeof *f);
    if (!f)
        return NULL;
    cfg->files = f;
    if (!(f[cfg->n_files] = strdup(s)))
        return NULL;
    return f[cfg->n_files++];
}
