#ifndef BACKLOGMC_RUN_H
#define BACKLOGMC_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "status.h"

/* The parallel driver: scenarios in blocks, OpenMP threads over the scenarios of a block,
 * blocks appended to the results file in scenario order. Every scenario draws only from its
 * own streams, so the file is the same for any number of threads. */

typedef struct bmc_run_options {
    int64_t scenarios;
    uint64_t seed;
    const char *out_path;
    int threads;            /* 0 = OpenMP default */
    bool trajectories;
    bool check_invariants;  /* verify MODEL.md section 11 every simulated day */
    bool quiet;             /* no progress lines */
    int block_size;         /* scenarios per block; 0 = default */
    const char *config_name;
    const char *config_text;
} bmc_run_options;

/* What the driver reports back: exact, from an integer histogram of completion days. */
typedef struct bmc_run_summary {
    int64_t scenarios;
    int64_t completed;        /* completion reached by the horizon */
    int64_t by_target;        /* completion on or before the target date */
    int median_day;           /* -1 when the median lies beyond the horizon */
    double seconds;
    int threads;
} bmc_run_summary;

int bmc_run(const bmc_model *m, const bmc_run_options *o, bmc_run_summary *summary,
            bmc_err *err);

#endif
