#ifndef BACKLOGMC_STATE_CMD_H
#define BACKLOGMC_STATE_CMD_H

#include <stdio.h>

#include "status.h"

/* `backlogmc state CONFIG --as-of DATE [--state FILE] [--set K=V ...]` (argv: the arguments
 * after the command name): the central projection's state at the end of DATE (the last day of
 * a month) as a state file on out, rounded to whole cases and marked as illustrative: what the
 * forecast expects the IND to publish then (MODEL.md section 12). */
int bmc_state_command(int argc, char **argv, FILE *out, bmc_err *err);

#endif
