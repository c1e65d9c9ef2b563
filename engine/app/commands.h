#ifndef BACKLOGMC_COMMANDS_H
#define BACKLOGMC_COMMANDS_H

#include <stdio.h>

#include "status.h"

/* The commands of the command line, one file each (cmd_*.c). A command gets its own
 * arguments (argv[0] is its name), prints its results on out and returns a status; the
 * message of a failure goes into err and cli.c prints it. To add a command, write
 * cmd_NAME.c and add one line to the table in commands.c. */
typedef int (*bmc_command_fn)(int argc, char **argv, FILE *out, bmc_err *err);

typedef struct bmc_command {
    const char *name;
    const char *synopsis; /* "CONFIG [options]" */
    const char *purpose;  /* one line for --help */
    const char *options;  /* the command's options for --help, or NULL */
    bmc_command_fn run;
} bmc_command;

extern const bmc_command bmc_commands[];
extern const int bmc_n_commands;

/* The command called name, or NULL. */
const bmc_command *bmc_command_find(const char *name);
/* The whole --help text. */
void bmc_commands_usage(FILE *out);

int bmc_cmd_run(int argc, char **argv, FILE *out, bmc_err *err);
int bmc_cmd_check(int argc, char **argv, FILE *out, bmc_err *err);
int bmc_cmd_summary(int argc, char **argv, FILE *out, bmc_err *err);
int bmc_cmd_solve(int argc, char **argv, FILE *out, bmc_err *err);
int bmc_cmd_sensitivity(int argc, char **argv, FILE *out, bmc_err *err);
extern const char bmc_cmd_solve_options[];
extern const char bmc_cmd_sensitivity_options[];
int bmc_cmd_backtest(int argc, char **argv, FILE *out, bmc_err *err);
extern const char bmc_cmd_backtest_options[];
/* MODEL.md sections 12 and 13: the central projection's state at a date, monitoring a
 * forecast with a state's actuals, and the attribution of the change between two forecasts */
int bmc_cmd_state(int argc, char **argv, FILE *out, bmc_err *err);
int bmc_cmd_monitor(int argc, char **argv, FILE *out, bmc_err *err);
int bmc_cmd_attribute(int argc, char **argv, FILE *out, bmc_err *err);
extern const char bmc_cmd_run_options[];
extern const char bmc_cmd_state_options[];
extern const char bmc_cmd_monitor_options[];
extern const char bmc_cmd_attribute_options[];

#endif
