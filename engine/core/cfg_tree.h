#ifndef BACKLOGMC_CFG_TREE_H
#define BACKLOGMC_CFG_TREE_H

/* The config reader's own tree, shared by the files of the reader (cfg_*.c) and private to
 * them: yamlcfg.h is the reader's public face. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "yamlcfg.h"

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

/* One component of a key path: a name followed by zero or more [index]. */
typedef struct path_part {
    char name[128];
    int nidx;
    long idx[4];
} path_part;

typedef struct strbuf {
    char *s;
    size_t len, cap;
    bool oom;
} strbuf;

/* Tree nodes, key paths and error locations (cfg_tree.c). */
void cfg_child_path(const cfg_map *m, const char *key, char *out, size_t n);
void cfg_describe(const ynode *v, char *buf, size_t n);
void cfg_emit_block(strbuf *b, const ynode *n, int indent);
/* An error at node n: "FILE:LINE:COL: PATH: message" (FILE alone for --set values). */
int cfg_fail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cfg_join_path(const char *parent, const char *key, char *out, size_t n);
const ynode *cfg_locate(const cfg_map *m);
int cfg_map_find(const ynode *m, const char *key);
int cfg_merge(ynode *dst, ynode *src);
int cfg_new(const char *name, bmc_cfg **out, bmc_err *err);
bool cfg_next_part(const char **p, path_part *out);
void cfg_note_asked(ynode *m, const char *key);
/* One YAML document into a tree whose nodes point to file (remembered by the caller). */
int cfg_parse_yaml(const char *file, const char *text, size_t len, bool from_set,
                   const char *path, ynode **out, bmc_err *err);
const char *cfg_remember(bmc_cfg *cfg, const char *s);
void cfg_sb_str(strbuf *b, const char *s);
int cfg_vfail_node(const ynode *n, const char *path, int code, bmc_err *err, const char *fmt,
                   va_list ap);
void cfg_ynode_free(ynode *n);
ynode *cfg_ynode_new(enum ynode_type type, const char *file, bool from_set, int line,
                     int col);
int cfg_ynode_push(ynode *parent, ynode *key, ynode *val);

#endif
