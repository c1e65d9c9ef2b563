#include "cfg_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

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
        if (!cfg_next_part(&p, &part))
            return bmc_fail(err, BMC_EUSAGE,
                            "%s: malformed key path \"%s\" (expected names joined by dots, "
                            "list items as name[i])",
                            origin, keypath);
        if (cur->type != Y_MAP)
            return bmc_fail(err, BMC_EUSAGE, "%s: %s is %s, not a mapping with key \"%s\"",
                            origin, done, cur->type == Y_SEQ ? "a list" : "a single value",
                            part.name);
        int i = cfg_map_find(cur, part.name);
        char here_path[PATH_LEN];
        cfg_join_path(done, part.name, here_path, sizeof here_path);
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
    const char *file = cfg_remember(cfg, origin);
    if (!file)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    ynode *value = NULL;
    if (eq[1]) {
        TRY(cfg_parse_yaml(file, eq + 1, strlen(eq + 1), true, keypath, &value, err));
    } else if ((value = cfg_ynode_new(Y_SCALAR, file, true, 1, 1))) { /* "key=": an empty value */
        if (!(value->text = strdup(""))) {
            cfg_ynode_free(value);
            value = NULL;
        }
    }
    if (!value)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    if (t.slot >= 0) {
        cfg_ynode_free(t.parent->val[t.slot]);
        t.parent->val[t.slot] = value;
        return BMC_OK;
    }
    /* a new key: the reader judges it known or unknown like any other */
    ynode *key = cfg_ynode_new(Y_SCALAR, file, true, 1, 1);
    if (!key || !(key->text = strdup(t.key)) || cfg_ynode_push(t.parent, key, value) != 0) {
        cfg_ynode_free(key);
        cfg_ynode_free(value);
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    }
    return BMC_OK;
}
