#ifndef BACKLOGMC_H5OUT_H
#define BACKLOGMC_H5OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "calendar.h"
#include "results.h"
#include "status.h"

/* The results file (schema in docs/output.md). Written under a temporary name next to the
 * final path and renamed only by h5out_commit after every scenario arrived, so a failed or
 * interrupted run never leaves a file that looks complete. */

#define BMC_H5_FORMAT "backlogmc-results"
#define BMC_H5_SCHEMA_VERSION 2

typedef struct bmc_run_meta {
    const char *config_name;  /* e.g. "configs/baseline.yaml" */
    const char *config_text;  /* resolved YAML */
    uint64_t seed;
    int64_t n_scenarios;
    bool deterministic;
    const bmc_calendar *cal;  /* day 0 date, working days, month starts */
    bmc_date target_date;
    bmc_date pact_date;
    /* The state the run started from (MODEL.md section 12): its text goes to /state/text and
     * its as-of date to the root attribute as_of; NULL without a state. */
    const char *state_text;
    bmc_date as_of;
    /* Leave /trajectories out even when the layout has them: the driver can compute the
     * monthly values for the summary in every run and store them per scenario only when
     * asked (--trajectories). false keeps them whenever the layout has them. */
    bool omit_trajectories;
    /* Policy variants on the same scenarios (docs/output.md, /variants): each with its own
     * layout (its sampled parameters), the same categories and months as the reference. */
    int n_variants;
    const struct bmc_h5_variant *variants;
} bmc_run_meta;

typedef struct bmc_h5_variant {
    const char *name;        /* becomes /variants/<name> */
    const char *description;
    const char *overrides;   /* YAML */
    const bmc_layout *layout;
} bmc_h5_variant;

typedef struct bmc_h5out bmc_h5out;
typedef struct bmc_summary bmc_summary;
typedef struct bmc_paired bmc_paired;

/* Creates "<path>.tmp-<pid>" and writes everything known before the first scenario; *out is
 * NULL on failure. BMC_EIO when the file cannot be created (message names the path), also
 * when path is a directory or another non-regular file; BMC_ECONFIG for a parameter name
 * that cannot name a dataset (empty, ".", containing '/', or repeated). */
int bmc_h5out_open(const char *path, const bmc_layout *layout, const bmc_run_meta *meta,
                   bmc_h5out **out, bmc_err *err);
/* Blocks must arrive in scenario order without gaps (else BMC_EINTERNAL, nothing written).
 * After a failed write (BMC_EIO) the file can only be aborted. */
int bmc_h5out_append(bmc_h5out *h, const bmc_result_block *b, bmc_err *err);
/* The same for a file with variants: b[0] the reference, b[1 + v] variant v, all holding the
 * same scenarios (n = 1 + n_variants); also writes each variant's completion_day_diff. */
int bmc_h5out_append_sets(bmc_h5out *h, const bmc_result_block *const *b, int n,
                          bmc_err *err);
/* The paired comparison of variant v (0-based) against the reference, under
 * /variants/<name>/paired; any time before commit. */
int bmc_h5out_write_paired(bmc_h5out *h, int variant, const bmc_paired *p, bmc_err *err);
/* Writes the summary as the group /<name> (normally "summary", or "variants/<v>/summary";
 * its parent must exist), at
 * any time before commit. A failure (BMC_EIO) leaves the file uncommittable, like a failed
 * append. */
int bmc_h5out_write_summary(bmc_h5out *h, const char *name, const bmc_summary *s,
                            bmc_err *err);
/* A run with a precision stop announces its most scenarios at open and ends with fewer:
 * every per-scenario dataset is cut to the n written (in every set) and the root attribute
 * n_scenarios says n. Before commit. */
int bmc_h5out_set_scenarios(bmc_h5out *h, int64_t n, bmc_err *err);

/* The precision stop of the run, as root attributes (docs/output.md). */
typedef struct bmc_h5_precision {
    double goal;          /* half-width asked for */
    int64_t batch, max_scenarios;
    double half_width;    /* reached, on all the scenarios of the file */
    bool reached;
} bmc_h5_precision;
int bmc_h5out_write_precision(bmc_h5out *h, const bmc_h5_precision *p, bmc_err *err);

/* Checks that all n_scenarios arrived (else BMC_EINTERNAL), closes every handle, renames to
 * the final path and frees h (also on failure, in which case the temporary file is
 * removed). */
int bmc_h5out_commit(bmc_h5out *h, bmc_err *err);
/* The temporary name the file is written under until commit (outpaths.h, bmc_tmp_path). */
const char *bmc_h5out_tmp_path(const bmc_h5out *h);
/* Closes, removes the temporary file, frees h. NULL is fine. */
void bmc_h5out_abort(bmc_h5out *h);

#endif
