#ifndef BACKLOGMC_BACKTEST_H5_H
#define BACKLOGMC_BACKTEST_H5_H

#include <stdint.h>

#include "backtest.h"
#include "forecast_scores.h"
#include "status.h"

/* The backtest file (docs/backtest.md): one HDF5 file per `backlogmc backtest`, with the
 * series, one row per origin and horizon, the forecast fans, the posterior at each origin
 * and after the whole series, and the summary per horizon. Written like the results file:
 * under a temporary name, renamed into place only when complete (h5file.h). */

#define BMC_BACKTEST_FORMAT "backlogmc-backtest"
#define BMC_BACKTEST_SCHEMA_VERSION 1

typedef struct bmc_backtest_meta {
    const char *config_name;   /* as given on the command line */
    const char *config_text;   /* the resolved configuration */
    const char *series_file;
    const char *series_column; /* NULL: the second column */
    uint64_t seed;
    int64_t n_scenarios;       /* per origin */
    const bmc_history *series;
    const bmc_backtest_plan *plan;
    const bmc_backtest_origin *origins;   /* [plan->n_origins] */
    const bmc_score_summary *summary;     /* [plan->n_horizons] */
    const bmc_backtest_posterior *latest; /* after the whole series */
} bmc_backtest_meta;

/* Writes the whole file at path. BMC_EIO naming the path when it cannot be written (nothing
 * is left behind then). */
int bmc_backtest_h5_write(const char *path, const bmc_backtest_meta *m, bmc_err *err);

/* What `summary` prints of a backtest file: its provenance and the summary per horizon. */
typedef struct bmc_backtest_h5_info {
    char engine_version[64], git_commit[128], created[64];
    char config_name[1024], series_file[1024], series_column[256];
    uint64_t seed;
    int64_t n_scenarios;
    int period_months;
    int n_origins;
    char first_origin[8], last_origin[8];
    int n_horizons;
    int horizon[BMC_BT_MAX_HORIZONS];
    bmc_score_summary summary[BMC_BT_MAX_HORIZONS];
} bmc_backtest_h5_info;

/* BMC_EIO naming the file when it is missing, not a backlogmc backtest file of this schema
 * version, or inconsistent. */
int bmc_backtest_h5_read(const char *path, bmc_backtest_h5_info *out, bmc_err *err);

#endif
