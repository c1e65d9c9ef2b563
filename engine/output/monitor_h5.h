#ifndef BACKLOGMC_MONITOR_H5_H
#define BACKLOGMC_MONITOR_H5_H

#include "h5file.h"
#include "monitor.h"
#include "status.h"

/* A monitoring table as an HDF5 file (docs/output.md, "Monitoring files"): root attribute
 * format "backlogmc-monitor", the forecast and state it compares, and one row per observed
 * month. Written whole (h5file.h). */
#define BMC_MONITOR_FORMAT "backlogmc-monitor"
#define BMC_MONITOR_VERSION 1

/* plan->format is set here. */
int bmc_monitor_write(bmc_h5_file_plan plan, const char *forecast, const char *state,
                      bmc_date as_of, const bmc_monitor *m, bmc_err *err);

#endif
