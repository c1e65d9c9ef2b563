#include "cfg_tree.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

static const char *item_name(const ynode *item)
{
    int k = cfg_map_find(item, "name");
    return k >= 0 && item->val[k]->type == Y_SCALAR ? item->val[k]->text : NULL;
}

/* Non-empty lists whose items are all mappings with a name (categories, tracks) cfg_merge item
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

int cfg_merge(ynode *dst, ynode *src);

/* Items of src update the item of dst with the same name, or are appended. Consumes src,
 * also on failure. */
static int merge_named(ynode *dst, ynode *src)
{
    int rc = BMC_OK;
    for (int i = 0; i < src->n; i++) {
        ynode *item = src->val[i];
        src->val[i] = NULL;
        if (rc != BMC_OK) {
            cfg_ynode_free(item);
            continue;
        }
        const char *name = item_name(item);
        int j = 0;
        while (j < dst->n && strcmp(item_name(dst->val[j]), name) != 0)
            j++;
        if (j < dst->n) {
            rc = cfg_merge(dst->val[j], item);
        } else if (cfg_ynode_push(dst, NULL, item) != 0) {
            cfg_ynode_free(item);
            rc = BMC_ENOMEM;
        }
    }
    cfg_ynode_free(src);
    return rc;
}

/* Lays mapping src over mapping dst: mappings cfg_merge key by key, named lists item by item,
 * anything else replaces (with the key node of src, so errors point into its file).
 * Consumes src, also on failure. */
int cfg_merge(ynode *dst, ynode *src)
{
    int rc = BMC_OK;
    for (int i = 0; i < src->n; i++) {
        ynode *k = src->key[i], *v = src->val[i];
        src->key[i] = src->val[i] = NULL;
        int j = rc == BMC_OK ? cfg_map_find(dst, k->text) : -1;
        if (rc != BMC_OK) {
            cfg_ynode_free(k);
            cfg_ynode_free(v);
        } else if (j < 0) {
            if (cfg_ynode_push(dst, k, v) != 0) {
                cfg_ynode_free(k);
                cfg_ynode_free(v);
                rc = BMC_ENOMEM;
            }
        } else if (dst->val[j]->type == Y_MAP && v->type == Y_MAP) {
            cfg_ynode_free(k);
            rc = cfg_merge(dst->val[j], v);
        } else if (named_list(dst->val[j]) && named_list(v)) {
            cfg_ynode_free(k);
            rc = merge_named(dst->val[j], v);
        } else {
            cfg_ynode_free(dst->key[j]);
            cfg_ynode_free(dst->val[j]);
            dst->key[j] = k;
            dst->val[j] = v;
        }
    }
    cfg_ynode_free(src);
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
    cfg_describe(bn, desc, sizeof desc);
    if (bn->type != Y_SCALAR || !bn->text[0])
        return cfg_fail_node(bn, "base", BMC_ECONFIG, err, "expected a file name, got %s", desc);
    if (!base_path(bn, file, from_string, path, sizeof path))
        return cfg_fail_node(bn, "base", BMC_ECONFIG, err, "the path of the base file is longer "
                         "than %d bytes", PATH_MAX - 1);
    char *real = realpath(path, NULL);
    if (!real)
        return errno == ENOMEM ? bmc_fail(err, BMC_ENOMEM, "out of memory")
                               : cfg_fail_node(bn, "base", BMC_ECONFIG, err, "cannot read the "
                                           "base file \"%s\": %s", path, strerror(errno));
    for (int i = 0; i < ch->n; i++) {
        if (!ch->real[i] || strcmp(ch->real[i], real) != 0)
            continue;
        char cycle[BMC_ERR_LEN] = "";
        for (int k = i; k < ch->n; k++)
            snprintf(cycle + strlen(cycle), sizeof cycle - strlen(cycle), "%s -> ", ch->shown[k]);
        free(real);
        return cfg_fail_node(bn, "base", BMC_ECONFIG, err, "cycle of base files: %s%s", cycle, path);
    }
    if (ch->n > MAX_BASE_DEPTH) {
        free(real);
        return cfg_fail_node(bn, "base", BMC_ECONFIG, err, "more than %d nested base files",
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
            return cfg_fail_node(from, "base", BMC_ECONFIG, err,
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
    const char *file = cfg_remember(cfg, name);
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
        return cfg_fail_node(&at, "", BMC_ECONFIG, err, "%s", tp.why);
    }
    ynode *doc;
    int rc = cfg_parse_yaml(file, text, len, false, "", &doc, err);
    free(buf);
    if (rc != BMC_OK)
        return rc;
    if (doc->type != Y_MAP) {
        rc = cfg_fail_node(doc, "", BMC_ECONFIG, err, "the top level must be a mapping of keys");
        cfg_ynode_free(doc);
        return rc;
    }
    int b = cfg_map_find(doc, "base");
    if (b < 0) {
        *out = doc;
        return BMC_OK;
    }
    ynode *base;
    rc = load_base(cfg, doc->val[b], file, from_string, ch, &base, err);
    if (rc != BMC_OK) {
        cfg_ynode_free(doc);
        return rc;
    }
    /* the loader consumes base: itself; then this file is laid over its base */
    cfg_ynode_free(doc->key[b]);
    cfg_ynode_free(doc->val[b]);
    memmove(doc->key + b, doc->key + b + 1, (size_t)(doc->n - b - 1) * sizeof *doc->key);
    memmove(doc->val + b, doc->val + b + 1, (size_t)(doc->n - b - 1) * sizeof *doc->val);
    doc->n--;
    if (cfg_merge(base, doc) != BMC_OK) {
        cfg_ynode_free(base);
        return bmc_fail(err, BMC_ENOMEM, "out of memory merging %s", file);
    }
    *out = base;
    return BMC_OK;
}

int cfg_new(const char *name, bmc_cfg **out, bmc_err *err)
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
    TRY(cfg_new(path, &cfg, err));
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
    TRY(cfg_new(name, &cfg, err));
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
    cfg_ynode_free(cfg->root);
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
