#ifndef BACKLOGMC_H5READ_H
#define BACKLOGMC_H5READ_H

#include <stdbool.h>
#include <stdint.h>

#include "calendar.h"
#include "results.h"
#include "status.h"
#include "summary.h"

/* Reading a results file (docs/output.md): the provenance, and the summary of the main
 * results or of a variant. Only files with format "backlogmc-results" and the schema version
 * this engine writes are opened. */

#define BMC_H5READ_MAX_VARIANTS 64

typedef struct bmc_h5read_info {
    int schema_version;
    char engine_version[64];
    char git_commit[128];
    char created[64];
    char config_name[1024];
    uint64_t seed;
    int64_t n_scenarios;
    bool deterministic;
    bmc_date day0, target_date, pact_date;
    int ndays;           /* simulated days: the length of /calendar/dates */
    int target_day;      /* target_date as a day index */
    bmc_layout layout;   /* categories and months; trajectories = /trajectories exists */
    bool has_summary;    /* /summary exists */
    int n_variants;      /* groups under /variants */
    char variants[BMC_H5READ_MAX_VARIANTS][BMC_NAME_LEN];
} bmc_h5read_info;

typedef struct bmc_h5read bmc_h5read;

/* BMC_EIO when the file is missing, unreadable, not HDF5, not a backlogmc results file, of
 * another schema version, or inconsistent; the message names the file. */
int bmc_h5read_open(const char *path, bmc_h5read **out, bmc_err *err);
void bmc_h5read_close(bmc_h5read *r);
const bmc_h5read_info *bmc_h5read_get_info(const bmc_h5read *r);

/* The summary of the results under group (NULL or "" for the main results, or
 * "variants/<name>"): the day histograms of <group>/summary when it exists, else computed
 * from <group>/scenarios. Either way without monthly indicators (the file keeps only their
 * quantiles). The caller frees *out. */
int bmc_h5read_summary(bmc_h5read *r, const char *group, bmc_summary **out, bmc_err *err);

#endif
