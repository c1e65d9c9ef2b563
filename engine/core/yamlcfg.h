#ifndef BACKLOGMC_YAMLCFG_H
#define BACKLOGMC_YAMLCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"
#include "status.h"

/* Typed, validated reading of a YAML configuration (libfyaml underneath).
 *
 * Every error message is one line of the form
 *     FILE:LINE:COL: KEY.PATH: what is wrong
 * where FILE:LINE:COL (1-based) points at the offending value (or at the mapping when a
 * required key is missing: at the nearest enclosing mapping that exists when the mapping
 * itself is absent) and KEY.PATH is the dotted path from the root, sequence items as
 * name[i], e.g.
 *     run.yaml:12:14: categories[2].share: expected a number in [0, 1], got "1.5"
 *     run.yaml:3:1: colour: unknown key "colour" (known keys here: time, run, staff)
 *     run.yaml:7:3: staff.fte: missing required key "fte"   (7:3 is the staff mapping)
 * Values set on the command line with --set report "--set KEY.PATH=VALUE" in place of
 * FILE:LINE:COL (there is no line in a command line):
 *     --set staff.fte=-1: staff.fte: expected a number in [0, 1e+06], got "-1"
 * YAML syntax errors (libfyaml's message, never printed by libfyaml itself) read
 *     FILE:LINE:COL: YAML syntax error: invalid nested block mapping on the same line
 * Duplicate keys in a mapping are an error at the second one.
 *
 * A reader consumes keys with cfg_get_* and calls cfg_finish() on each mapping it read:
 * any key that was not consumed is then an "unknown key" error, so typos never pass
 * silently. The message lists the keys the reader asked for in that mapping.
 *
 * Scalars are read strictly: numbers are whole-scalar decimal numbers (no hex, inf, nan,
 * "12abc" or ""), ints are whole numbers (3e4 is fine, 2.5 is not), booleans true/false only,
 * dates YYYY-MM-DD with a real calendar day.
 *
 * Inheritance: a top-level key `base: other.yaml` (path relative to the file) loads that file
 * first and merges this file over it: mappings merge key by key; non-empty lists whose items
 * all have a `name` (categories, tracks) merge item by item, matched by name, new names
 * appended; any other value (also an empty list) replaces. The loader consumes `base:`; it
 * is not part of the resolved document (cfg_emit). Chains are allowed (at most 16 base files
 * deep); a cycle or an unreadable base file is a BMC_ECONFIG error at the `base:` value
 * naming the files. Error positions point into the file that holds the value.
 *
 * What is read: regular files only (textfile.h), at most 16 MiB, UTF-8 without NUL bytes
 * (a UTF-16 file is refused at 1:1, a stray Latin-1 byte or a NUL at its line and column;
 * nothing is converted). A file that cannot be read is BMC_EIO for the configuration itself
 * and BMC_ECONFIG at the `base:` value for a base file. A document may nest lists and
 * mappings at most 64 deep, hold at most 1,000 keys in a mapping, 10,000 items in a list and
 * 200,000 values in all; beyond that it is refused at the collection, as nothing a person
 * writes (and to keep the recursive reader and its linear lookups bounded). */

typedef struct bmc_cfg bmc_cfg;

/* A mapping being read. Plain value type; valid while its bmc_cfg lives. */
typedef struct cfg_map {
    bmc_cfg *cfg;
    void *node;      /* struct fy_node *, NULL when an optional mapping is absent */
    char path[256];  /* dotted key path of this mapping, "" for the root */
} cfg_map;

int cfg_load_file(const char *path, bmc_cfg **out, bmc_err *err);
/* For tests: parse text as if it were a file called name (base: resolved relative to cwd). */
int cfg_load_string(const char *name, const char *text, bmc_cfg **out, bmc_err *err);
/* The same for len bytes that may hold NUL bytes (the fuzz harness). */
int cfg_load_buffer(const char *name, const char *text, size_t len, bmc_cfg **out,
                    bmc_err *err);
/* The files the document was read from, in the order read: the configuration, then each
 * base: file (the paths as opened). Outputs must never overwrite one of them. */
const char *const *cfg_inputs(const bmc_cfg *cfg, int *n);
void cfg_free(bmc_cfg *cfg);

/* Applies one "key.path=value" override (value parsed as a YAML flow value, so numbers,
 * dates, strings, [lists] and {maps} all work; "key=" sets an empty string). The key path
 * must exist in the document, except that the last component may be new inside an existing
 * mapping (it is then checked as unknown-or-not by the reader like any key). Sequence items
 * are addressed as name[i] (nested lists as name[i][j]). Malformed assignments (no '=', an
 * empty or malformed key path, a path through a single value or a missing key, an index out
 * of range, a value that is not valid YAML) are BMC_EUSAGE with a message starting
 * "--set KEY.PATH=VALUE: "; values are validated later by the reader. */
int cfg_apply_set(bmc_cfg *cfg, const char *assignment, bmc_err *err);

/* The resolved document (after base: merging and --set) as YAML text, malloc'd;
 * NULL when out of memory. */
char *cfg_emit(const bmc_cfg *cfg);
/* The file name the root document was loaded from. */
const char *cfg_file_name(const bmc_cfg *cfg);

cfg_map cfg_root(bmc_cfg *cfg);
bool cfg_has(const cfg_map *m, const char *key);

/* Nested mapping. Absent and !required: *out has node NULL and reading from it returns the
 * defaults (cfg_get_* with required=true on an absent map is an error at the parent). */
int cfg_get_map(cfg_map *m, const char *key, bool required, cfg_map *out, bmc_err *err);

/* Scalars. When the key is absent and !required, *out = def. Numbers are checked against
 * [lo, hi] (inclusive); ints must be whole numbers. */
int cfg_get_double(cfg_map *m, const char *key, bool required, double def, double lo, double hi,
                   double *out, bmc_err *err);
int cfg_get_int(cfg_map *m, const char *key, bool required, long long def, long long lo,
                long long hi, long long *out, bmc_err *err);
int cfg_get_bool(cfg_map *m, const char *key, bool required, bool def, bool *out, bmc_err *err);
/* *out points into the document (valid while cfg lives); def may be NULL. */
int cfg_get_string(cfg_map *m, const char *key, bool required, const char *def,
                   const char **out, bmc_err *err);
int cfg_get_date(cfg_map *m, const char *key, bool required, bmc_date def, bmc_date *out,
                 bmc_err *err);
/* One of names[0..n-1]; *out is its index. */
int cfg_get_enum(cfg_map *m, const char *key, bool required, const char *const *names, int n,
                 int def, int *out, bmc_err *err);

/* Sequences. cfg_get_seq consumes key and returns its length (0 when absent and !required);
 * items are then read with the functions below, index 0..len-1. */
int cfg_get_seq(cfg_map *m, const char *key, bool required, int min_len, int max_len, int *len,
                bmc_err *err);
int cfg_seq_map(cfg_map *m, const char *key, int i, cfg_map *out, bmc_err *err);
int cfg_seq_double(cfg_map *m, const char *key, int i, double lo, double hi, double *out,
                   bmc_err *err);
int cfg_seq_string(cfg_map *m, const char *key, int i, const char **out, bmc_err *err);
int cfg_seq_date(cfg_map *m, const char *key, int i, bmc_date *out, bmc_err *err);
/* Item i of the sequence is itself a sequence [date, number] (schedule points). */
int cfg_seq_date_value(cfg_map *m, const char *key, int i, double lo, double hi, bmc_date *date,
                       double *value, bmc_err *err);

/* Item i of the sequence is a pair [TEXT, number] (e.g. [2025-06, 2400]); *text points into
 * the document. `what` names the first element in the message ("YYYY-MM or YYYY-Qn"). */
int cfg_seq_text_value(cfg_map *m, const char *key, int i, const char *what, double lo,
                       double hi, const char **text, double *value, bmc_err *err);
/* Errors on the first key of m that was not consumed, at that key. Absent maps pass. */
int cfg_finish(cfg_map *m, bmc_err *err);

/* An error located at key of m (at m itself when key is NULL or absent), for checks that
 * span several keys (shares that do not sum to 1, dates out of order). Returns code. */
int cfg_fail_at(const cfg_map *m, const char *key, int code, bmc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Same, located at item i of the sequence under key. */
int cfg_fail_at_item(const cfg_map *m, const char *key, int i, int code, bmc_err *err,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Is the value under key a mapping (as opposed to a scalar or sequence)? */
bool cfg_is_map(const cfg_map *m, const char *key);
/* Is the value under key a scalar? */
bool cfg_is_scalar(const cfg_map *m, const char *key);

#endif
