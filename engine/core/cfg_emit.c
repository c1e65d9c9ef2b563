#include "cfg_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void cfg_sb_str(strbuf *b, const char *s)
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
        cfg_sb_str(b, t);
        return;
    }
    sb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        char esc[8];
        size_t skip = 0;
        const char *u = *p >= 0x80 ? unicode_escape(p, &skip) : NULL;
        if (u) {
            cfg_sb_str(b, u);
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
        cfg_sb_str(b, esc);
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
        cfg_sb_str(b, n->type == Y_MAP ? "{}" : "[]");
    } else {
        cfg_sb_str(b, "[");
        for (int i = 0; i < n->n; i++) {
            if (i)
                cfg_sb_str(b, ", ");
            emit_scalar(b, n->val[i]->text);
        }
        cfg_sb_str(b, "]");
    }
}

void cfg_emit_block(strbuf *b, const ynode *n, int indent);

/* The value after "key:" or "-": inline on the same line, or a block below. */
static void emit_value(strbuf *b, const ynode *v, int indent)
{
    if (inline_node(v)) {
        cfg_sb_str(b, " ");
        emit_inline(b, v);
        cfg_sb_str(b, "\n");
    } else {
        cfg_sb_str(b, "\n");
        cfg_emit_block(b, v, indent);
    }
}

static void emit_pair(strbuf *b, const ynode *map, int i, int indent)
{
    emit_scalar(b, map->key[i]->text);
    cfg_sb_str(b, ":");
    emit_value(b, map->val[i], indent + 2);
}

void cfg_emit_block(strbuf *b, const ynode *n, int indent)
{
    for (int i = 0; i < n->n; i++) {
        sb_indent(b, indent);
        if (n->type == Y_MAP) {
            emit_pair(b, n, i, indent);
            continue;
        }
        cfg_sb_str(b, "-");
        const ynode *item = n->val[i];
        if (item->type == Y_MAP && item->n > 0) {
            /* the first pair on the dash line, the others aligned under it */
            cfg_sb_str(b, " ");
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
        cfg_sb_str(&b, "{}\n");
    else
        cfg_emit_block(&b, cfg->root, 0);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
