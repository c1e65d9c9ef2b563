#ifndef BACKLOGMC_SUMMARY_CMD_H
#define BACKLOGMC_SUMMARY_CMD_H

#include <stdio.h>

#include "status.h"

/* `backlogmc summary FILE.h5`: provenance and the summary tables of a results file (from its
 * /summary, or computed from /scenarios in files without one), and the variants when the
 * file has any. Prints nothing unless the whole file could be read. BMC_EIO for a missing,
 * unreadable or foreign file. */
int bmc_summary_command(const char *path, FILE *out, bmc_err *err);

#endif
