#ifndef BACKLOGMC_ATTRIBUTE_CMD_H
#define BACKLOGMC_ATTRIBUTE_CMD_H

#include <stdio.h>

#include "status.h"

/* `backlogmc attribute OLD NEW [--old-state FILE] [--new-state FILE] [--scenarios N]
 * [--seed S] [--threads T] [--resamples B] [--out FILE.h5 [--force]]` (argv: the arguments after the
 * command name): why the forecast moved from OLD to NEW (MODEL.md section 13), as a table and,
 * with --out, an HDF5 file. OLD and NEW are results files or configurations (each with an
 * optional state file); scenarios and seed default to NEW's. */
int bmc_attribute_command(int argc, char **argv, FILE *out, bmc_err *err);

#endif
