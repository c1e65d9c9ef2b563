#ifndef BACKLOGMC_H5OUT_INTERNAL_H
#define BACKLOGMC_H5OUT_INTERNAL_H

/* The results file writer's own state, shared by its files and private to them: h5out.c
 * (open, commit, abort), h5out_layout.c (the groups and datasets made at open) and
 * h5out_append.c (the rows, summaries and paired comparisons written during the run). */

#include <stdbool.h>
#include <stdint.h>

#include <hdf5.h>

#include "h5out.h"
#include "h5util.h"
#include "h5vfd.h"

#define SCEN_CHUNK_ROWS 4096
#define TRAJ_CHUNK_ROWS 256
/* A chunk is what a reader decompresses to get one value, and the writer caches two per
 * dataset (dataset_access_plist): long trajectory rows get fewer rows per chunk. */
#define TRAJ_CHUNK_MAX_BYTES (1u << 20)
/* headroom over the estimate in reserve_for_flush */
#define FLUSH_MARGIN_BYTES (UINT64_C(1) << 20)

/* Slots of the datasets that append fills, in one array so cleanup treats them alike. */
enum {
    DS_SCEN = 0,                             /* the schema's per-scenario columns */
    DS_CAT_COMPLETION = DS_SCEN + BMC_N_SCENARIO_FIELDS,
    DS_PARAM,                                /* BMC_MAX_PARAMS */
    DS_TRAJ = DS_PARAM + BMC_MAX_PARAMS,     /* BMC_TRAJ_COUNT */
    DS_TRAJ_CAT = DS_TRAJ + BMC_TRAJ_COUNT,  /* BMC_TRAJ_CAT_COUNT */
    DS_PAIRED_DIFF = DS_TRAJ_CAT + BMC_TRAJ_CAT_COUNT, /* variants only */
    DS_COUNT
};

/* The results of the reference (prefix "") or of one variant ("/variants/<name>"). */
typedef struct result_set {
    char prefix[16 + BMC_NAME_LEN];
    bmc_layout layout; /* a copy (the caller's may go away before commit), with
                        * trajectories only when they are written */
    int64_t rows;      /* scenarios written so far */
    hid_t ds[DS_COUNT]; /* open from open to commit, so append only writes */
} result_set;

struct bmc_h5out {
    char *final_path;
    char *tmp_path;
    int64_t n_scenarios;
    bool failed;       /* a write failed: the file must not be committed */
    bmc_h5vfd vfd;     /* the file driver, with its switch to discard writes */
    hid_t file;
    int n_sets;        /* 1 + variants */
    result_set *sets;
};

/* Makes every group and dataset of the file (h5out_layout.c). */
int h5out_write_layout(bmc_h5ctx *e, bmc_h5out *h, const bmc_run_meta *meta);
/* rc, after marking the file failed when rc is not BMC_OK (h5out.c): a file with a failed
 * write is never committed. */
int h5out_written(bmc_h5out *h, int rc, bmc_err *err);

#endif
