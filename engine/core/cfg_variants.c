#include "cfg_tree.h"
#include "variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    ynode *c = cfg_ynode_new(n->type, same_file(dst, src, n->file), n->from_set, n->line, n->col);
    if (!c)
        return NULL;
    if (n->text && !(c->text = strdup(n->text))) {
        cfg_ynode_free(c);
        return NULL;
    }
    for (int i = 0; i < n->n; i++) {
        ynode *k = n->type == Y_MAP ? ynode_clone(dst, src, n->key[i]) : NULL;
        ynode *v = ynode_clone(dst, src, n->val[i]);
        if (!v || (n->type == Y_MAP && !k) || cfg_ynode_push(c, k, v) != 0) {
            cfg_ynode_free(k);
            cfg_ynode_free(v);
            cfg_ynode_free(c);
            return NULL;
        }
    }
    return c;
}

/* A new document with cfg's file names and a copy of its root. */
static int cfg_clone(const bmc_cfg *src, bmc_cfg **out, bmc_err *err)
{
    bmc_cfg *c;
    TRY(cfg_new(src->name, &c, err));
    for (int i = 0; i < src->n_files; i++)
        if (!cfg_remember(c, src->files[i])) {
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
        cfg_sb_str(&b, "{}\n");
    else
        cfg_emit_block(&b, n, 0);
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
        return cfg_fail_node(item, path, BMC_ECONFIG, err,
                         "a variant is a mapping with name, description and override");
    for (int k = 0; k < item->n; k++) {
        const char *key = item->key[k]->text;
        if (strcmp(key, "name") && strcmp(key, "description") && strcmp(key, "override"))
            return cfg_fail_node(item->key[k], path, BMC_ECONFIG, err,
                             "unknown key \"%s\" (known keys here: name, description, override)",
                             key);
    }
    int kn = cfg_map_find(item, "name"), kd = cfg_map_find(item, "description"),
        ko = cfg_map_find(item, "override");
    if (kn < 0)
        return cfg_fail_node(item, path, BMC_ECONFIG, err, "missing required key \"name\"");
    const ynode *name = item->val[kn];
    char npath[PATH_LEN];
    cfg_join_path(path, "name", npath, sizeof npath);
    /* the name becomes an HDF5 group, /variants/<name> */
    if (name->type != Y_SCALAR || !name->text[0] || strlen(name->text) >= sizeof v->name ||
        strchr(name->text, '/') || !strcmp(name->text, ".") || !strcmp(name->text, "..") ||
        !strcmp(name->text, "base"))
        return cfg_fail_node(name, npath, BMC_ECONFIG, err,
                         "expected a name of 1 to %zu characters without '/', not \".\", "
                         "\"..\" or \"base\" (the reference)",
                         sizeof v->name - 1);
    for (int j = 0; j < i; j++)
        if (!strcmp(before[j].name, name->text))
            return cfg_fail_node(name, npath, BMC_ECONFIG, err,
                             "variant \"%s\" is listed twice", name->text);
    snprintf(v->name, sizeof v->name, "%s", name->text);
    if (kd >= 0 && item->val[kd]->type != Y_SCALAR) {
        cfg_join_path(path, "description", npath, sizeof npath);
        return cfg_fail_node(item->val[kd], npath, BMC_ECONFIG, err, "expected text");
    }
    if (ko < 0)
        return cfg_fail_node(item, path, BMC_ECONFIG, err, "missing required key \"override\"");
    if (item->val[ko]->type != Y_MAP) {
        cfg_join_path(path, "override", npath, sizeof npath);
        return cfg_fail_node(item->val[ko], npath, BMC_ECONFIG, err,
                         "expected a mapping laid over the configuration (as a file over its "
                         "base:)");
    }
    const ynode *o = item->val[ko];
    cfg_join_path(path, "override", npath, sizeof npath);
    int kr = cfg_map_find(o, "run");
    if (kr >= 0)
        return cfg_fail_node(o->key[kr], npath, BMC_ECONFIG, err,
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
    if (!o || cfg_merge(v->cfg->root, o) != BMC_OK)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    return BMC_OK;
}

int cfg_take_variants(bmc_cfg *cfg, cfg_variant **out, int *n, bmc_err *err)
{
    *out = NULL;
    *n = 0;
    ynode *root = cfg->root;
    int k = cfg_map_find(root, "variants");
    if (k < 0)
        return BMC_OK;
    ynode *list = root->val[k];
    if (list->type != Y_SEQ)
        return cfg_fail_node(list, "variants", BMC_ECONFIG, err,
                         "expected a list of variants (name, description, override)");
    if (list->n > BMC_MAX_VARIANTS)
        return cfg_fail_node(list, "variants", BMC_ECONFIG, err, "more than %d variants",
                         BMC_MAX_VARIANTS);
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
            rc = build_variant(cfg, list->val[i]->val[cfg_map_find(list->val[i], "override")], &v[i],
                               err);
    }
    cfg_ynode_free(key);
    cfg_ynode_free(list);
    if (rc != BMC_OK) {
        cfg_variants_free(v, i);
        return rc;
    }
    *out = v;
    *n = i;
    return BMC_OK;
}
