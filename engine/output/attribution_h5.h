#ifndef BACKLOGMC_ATTRIBUTION_H5_H
#define BACKLOGMC_ATTRIBUTION_H5_H

#include <stdint.h>

#include "attribution_stats.h"
#include "h5file.h"
#include "status.h"

/* An attribution as an HDF5 file (docs/output.md, "Attribution files"): root attribute
 * format "backlogmc-attribution", the group names and key lists, and per number (completion,
 * p_target, new_on_time_share) its value at every step, the effect of every group with its
 * interval, and the total. Written whole (h5file.h). */
typedef struct bmc_attribution_out {
    const char *old_source, *new_source; /* what OLD and NEW were, as the user named them */
    uint64_t seed;
    int64_t scenarios;
    const bmc_waterfall *w;
} bmc_attribution_out;

#define BMC_ATTRIBUTION_FORMAT "backlogmc-attribution"
#define BMC_ATTRIBUTION_VERSION 1

/* plan->format is set here. */
int bmc_attribution_write(bmc_h5_file_plan plan, const bmc_attribution_out *a, bmc_err *err);

#endif
