#ifndef BACKLOGMC_ANALYSIS_ARGS_H
#define BACKLOGMC_ANALYSIS_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis_h5.h"
#include "cli_args.h"
#include "run_input.h"
#include "status.h"

/* What `solve` and `sensitivity` share with `run` on the command line: CONFIG, --set,
 * --scenarios, --seed, --threads, --out and --force, read the same way, and the output file
 * they write (results/<config name>-<suffix>.h5 by default, checked by outpaths.h). */


typedef struct bmc_analysis_args {
    const char *command;
    const char *config, *out;
    const char *sets[BMC_MAX_SET_OPTIONS];
    int n_sets;
    long long scenarios, seed, threads; /* -1, -1, 0: from the config / OpenMP */
    bool force;
} bmc_analysis_args;

void bmc_analysis_args_init(bmc_analysis_args *a, const char *command);
/* Takes argv[*i] (and its value, moving *i past it) when it is a shared option or the
 * config; *taken is false for anything else, which the command reads itself. */
int bmc_analysis_arg(bmc_analysis_args *a, int argc, char **argv, int *i, bool *taken,
                     bmc_err *err);
/* After the last argument: the config is required. */
int bmc_analysis_args_done(const bmc_analysis_args *a, bmc_err *err);

/* Loads the configuration and its variants as `run` does, picks the output path and checks it
 * (an input, a directory, another kind of file, an earlier one without --force). */
int bmc_analysis_load(const bmc_analysis_args *a, const char *suffix, const char *format,
                      const char *kind, bmc_run_input *in, char *out_path, size_t n,
                      bmc_err *err);

/* The root of the file of an analysis of in. */
bmc_analysis_meta bmc_analysis_meta_of(const bmc_analysis_args *a, const bmc_run_input *in,
                                       const char *format, int schema_version);

/* "run.seed=S" for a re-simulation source: the seed of in (--seed included). */
void bmc_analysis_seed_set(const bmc_run_input *in, char *buf, size_t n);

#endif
