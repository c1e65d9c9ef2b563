#ifndef BACKLOGMC_MONITOR_CMD_H
#define BACKLOGMC_MONITOR_CMD_H

#include <stdio.h>

#include "status.h"

/* `backlogmc monitor FORECAST.h5 STATE [--out FILE.h5 [--force]]` (argv: the arguments after
 * the command name): where each observed monthly value of the state (its observed: key) lies in the
 * forecast's distribution for that month (MODEL.md section 12), as a table and, with --out,
 * an HDF5 file for the report. */
int bmc_monitor_command(int argc, char **argv, FILE *out, bmc_err *err);

#endif
