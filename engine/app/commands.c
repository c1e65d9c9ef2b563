#include "commands.h"

#include <stdio.h>
#include <string.h>

const bmc_command bmc_commands[] = {
    {"run", "CONFIG [options]", "simulate the scenarios, write an HDF5 results file",
     bmc_cmd_run_options, bmc_cmd_run},
    {"check", "CONFIG [--set K=V ...]",
     "validate, print the parameters, the central projection and the relief capacity", NULL,
     bmc_cmd_check},
    {"summary", "FILE.h5",
     "quantiles, probabilities and provenance of a results file (or the tables of a "
     "sensitivity or backtest file)",
     NULL, bmc_cmd_summary},
    {"solve", "CONFIG --key KEY --range LO..HI --target-probability P [options]",
     "the value of a key at which the target is reached with probability P",
     bmc_cmd_solve_options, bmc_cmd_solve},
    {"sensitivity", "CONFIG [options]",
     "which assumptions move the date: tornado and Sobol indices", bmc_cmd_sensitivity_options,
     bmc_cmd_sensitivity},
    {"backtest", "CONFIG --series FILE [options]",
     "score the intake forecast against an observed series, write an HDF5 backtest file",
     bmc_cmd_backtest_options, bmc_cmd_backtest},
    {"state", "CONFIG --as-of D [options]",
     "the central projection's state at the end of day D as a state file", bmc_cmd_state_options,
     bmc_cmd_state},
    {"monitor", "FORECAST STATE [options]",
     "where a state's actuals lie in the forecast's monthly distributions",
     bmc_cmd_monitor_options, bmc_cmd_monitor},
    {"attribute", "OLD NEW [options]",
     "why the forecast moved from OLD to NEW (results files or configurations)",
     bmc_cmd_attribute_options, bmc_cmd_attribute},
};
const int bmc_n_commands = (int)(sizeof bmc_commands / sizeof bmc_commands[0]);

const bmc_command *bmc_command_find(const char *name)
{
    for (int i = 0; i < bmc_n_commands; i++)
        if (!strcmp(bmc_commands[i].name, name))
            return &bmc_commands[i];
    return NULL;
}

static const char EXIT_CODES[] =
    "exit codes: 0 success, 1 internal error or out of memory, 2 bad command line\n"
    "            (also a refused output or checkpoint path), 3 configuration error,\n"
    "            4 input/output error, 5 stopped by a signal (no output), 6 stopped by a\n"
    "            signal after saving the checkpoint\n";

/* text on lines of at most width columns, each indented by indent: a synopsis may be long,
 * so the purpose goes on the lines below it */
static void print_wrapped(FILE *out, const char *text, int indent, int width)
{
    int col = 0;
    while (*text) {
        size_t word = strcspn(text, " ");
        if (col > 0 && col + 1 + (int)word > width) {
            fputc('\n', out);
            col = 0;
        }
        if (col == 0)
            col = fprintf(out, "%*s", indent, "");
        else
            col += fprintf(out, " ");
        col += fprintf(out, "%.*s", (int)word, text);
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', out);
}

void bmc_commands_usage(FILE *out)
{
    fprintf(out, "usage: backlogmc COMMAND ...\n\n");
    for (int i = 0; i < bmc_n_commands; i++) {
        fprintf(out, "  backlogmc %s %s\n", bmc_commands[i].name, bmc_commands[i].synopsis);
        print_wrapped(out, bmc_commands[i].purpose, 6, 90);
    }
    fprintf(out, "  backlogmc version\n");
    print_wrapped(out, "version and git commit", 6, 90);
    fprintf(out, "  backlogmc --help\n");
    print_wrapped(out, "this text", 6, 90);
    for (int i = 0; i < bmc_n_commands; i++)
        if (bmc_commands[i].options)
            fprintf(out, "\n%s", bmc_commands[i].options);
    fprintf(out, "\n%s", EXIT_CODES);
}
