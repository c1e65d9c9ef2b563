#ifndef BACKLOGMC_TESTUTIL_H
#define BACKLOGMC_TESTUTIL_H

/* Helpers shared by the model tests: build a model from a config file under tests/data or
 * configs/ with --set style overrides, and run scenarios into a result block. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "model.h"
#include "params.h"
#include "scenario.h"
#include "yamlcfg.h"

static inline const char *tu_source_dir(void)
{
    const char *d = getenv("BACKLOGMC_SOURCE_DIR");
    return d ? d : ".";
}

static inline void tu_path(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", tu_source_dir(), rel);
}

/* A fresh directory /tmp/bmc-TAG-XXXXXX into dir[n]: 0, or -1 when it cannot be made. */
static inline int tu_tmpdir_make(char *dir, size_t n, const char *tag)
{
    if (snprintf(dir, n, "/tmp/bmc-%s-XXXXXX", tag) >= (int)n)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes a directory of tu_tmpdir_make with everything in it: 0, or -1. */
static inline int tu_tmpdir_remove(const char *dir)
{
    char cmd[4200];
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= (int)sizeof cmd)
        return -1;
    return system(cmd) == 0 ? 0 : -1;
}

/* The whole file, NUL-terminated and malloc'd; NULL when it cannot be read. */
static inline char *tu_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - 1 - n, f)) > 0;) {
        n += got;
        if (n == cap - 1) {
            char *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* The parameters of rel (relative to the source tree) with the NULL-terminated overrides,
 * malloc'd (the struct is large); the caller frees. */
static inline bmc_params *tu_params(const char *rel, const char *const *sets)
{
    char path[4096];
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    bmc_params *p = malloc(sizeof *p);
    assert_non_null(p);
    gsl_set_error_handler_off();
    tu_path(path, sizeof path, rel);
    int rc = cfg_load_file(path, &cfg, &err);
    for (int i = 0; rc == BMC_OK && sets && sets[i]; i++)
        rc = cfg_apply_set(cfg, sets[i], &err);
    if (rc == BMC_OK)
        rc = bmc_params_load(cfg, p, &err);
    if (rc != BMC_OK)
        fprintf(stderr, "tu_params(%s): %s\n", rel, err.msg);
    assert_int_equal(rc, BMC_OK);
    cfg_free(cfg);
    return p;
}

/* Loads rel (relative to the source tree), applies the NULL-terminated overrides. */
static inline bmc_model *tu_model(const char *rel, const char *const *sets)
{
    bmc_err err = {{0}};
    bmc_params *p = tu_params(rel, sets);
    bmc_model *m = NULL;
    int rc = bmc_model_create(p, &m, &err);
    if (rc != BMC_OK)
        fprintf(stderr, "tu_model(%s): %s\n", rel, err.msg);
    assert_int_equal(rc, BMC_OK);
    free(p);
    return m;
}

/* The resolved text of rel (relative to the source tree) with the NULL-terminated overrides,
 * as `run` emits it: the source of a re-simulation (resim.h). Caller frees. */
static inline char *tu_source_text(const char *rel, const char *const *sets)
{
    char path[4096];
    bmc_cfg *cfg = NULL;
    bmc_err err = {{0}};
    tu_path(path, sizeof path, rel);
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    for (int i = 0; sets && sets[i]; i++)
        assert_int_equal(cfg_apply_set(cfg, sets[i], &err), BMC_OK);
    char *text = cfg_emit(cfg);
    assert_non_null(text);
    cfg_free(cfg);
    return text;
}

/* Runs scenarios [first, first + n) of seed into a fresh block (caller frees). */
static inline bmc_result_block *tu_run(const bmc_model *m, uint64_t seed, int64_t first, int n,
                                       bool trajectories, bool check)
{
    bmc_layout *layout = malloc(sizeof *layout);
    assert_non_null(layout);
    bmc_model_layout(m, trajectories, layout);
    bmc_result_block *b = bmc_result_block_alloc(layout, n);
    assert_non_null(b);
    bmc_result_block_reset(b, first);
    bmc_sim *sim = NULL;
    bmc_err err = {{0}};
    assert_int_equal(bmc_sim_create(m, &sim, &err), BMC_OK);
    for (int i = 0; i < n; i++) {
        int rc = bmc_sim_run(sim, seed, first + i, check, b, i, &err);
        if (rc != BMC_OK)
            fprintf(stderr, "scenario %lld: %s\n", (long long)(first + i), err.msg);
        assert_int_equal(rc, BMC_OK);
    }
    b->count = n;
    bmc_sim_free(sim);
    return b;
}

static inline void tu_block_free(bmc_result_block *b)
{
    const bmc_layout *layout = b->layout;
    bmc_result_block_free(b);
    free((void *)layout);
}

#endif
