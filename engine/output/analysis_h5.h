#ifndef BACKLOGMC_ANALYSIS_H5_H
#define BACKLOGMC_ANALYSIS_H5_H

#include <stdint.h>

#include <hdf5.h>

#include "calendar.h"
#include "h5util.h"
#include "status.h"

/* The file of an analysis (`solve`, `sensitivity`; docs/decisions.md): small, written whole
 * under a temporary name beside the final path (outpaths.h) through the results file's
 * driver (h5vfd.h, so a full disk fails cleanly), then synced and renamed, so a file under
 * the final name is always complete. Root attributes as a results file's: format,
 * schema_version, engine_version, git_commit, created, config_name, master_seed, day0,
 * target_date; /config/text holds the resolved configuration. */

typedef struct bmc_analysis_meta {
    const char *format;        /* e.g. "backlogmc-solve" */
    int schema_version;
    const char *config_name;
    const char *config_text;
    uint64_t seed;
    bmc_date day0, target_date;
} bmc_analysis_meta;

typedef struct bmc_analysis_h5 bmc_analysis_h5;

/* Checking the path (an input, a directory, another kind of file) is the caller's, before
 * any work (bmc_out_plan_check). BMC_EIO naming the path. */
int bmc_analysis_h5_create(const char *path, const bmc_analysis_meta *m, bmc_analysis_h5 **out,
                           bmc_err *err);
/* Renames into place; on failure the temporary file is removed. Frees a either way. */
int bmc_analysis_h5_commit(bmc_analysis_h5 *a, bmc_err *err);
void bmc_analysis_h5_abort(bmc_analysis_h5 *a);

hid_t bmc_analysis_h5_root(bmc_analysis_h5 *a);
bmc_h5ctx *bmc_analysis_h5_ctx(bmc_analysis_h5 *a);

/* Writers on a group or the root, BMC_EIO naming the object on failure. */
int bmc_analysis_attr_double(bmc_analysis_h5 *a, hid_t obj, const char *name, double v);
int bmc_analysis_attr_int(bmc_analysis_h5 *a, hid_t obj, const char *name, int64_t v);
int bmc_analysis_attr_text(bmc_analysis_h5 *a, hid_t obj, const char *name, const char *v);
/* float64 [n] or [n][width] (width 0: one-dimensional). */
int bmc_analysis_write_doubles(bmc_analysis_h5 *a, hid_t loc, const char *name, int64_t n,
                               int width, const double *v);
int bmc_analysis_write_ints(bmc_analysis_h5 *a, hid_t loc, const char *name, int64_t n,
                            const int32_t *v);
/* Variable-length UTF-8 strings [n], names[i] at stride bytes apart. */
int bmc_analysis_write_strings(bmc_analysis_h5 *a, hid_t loc, const char *name, int64_t n,
                               const char *names, size_t stride);

#endif
