#ifndef BACKLOGMC_CLI_H
#define BACKLOGMC_CLI_H

#include <stdio.h>

/* The command line: parses arguments, runs the command, prints errors as one line each on
 * errout, and returns the process exit code (documented in --help and the README). */
int bmc_cli_main(int argc, char **argv, FILE *out, FILE *errout);

#endif
