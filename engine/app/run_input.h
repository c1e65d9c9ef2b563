#ifndef BACKLOGMC_RUN_INPUT_H
#define BACKLOGMC_RUN_INPUT_H

#include <stdbool.h>

#include "design.h"
#include "model.h"
#include "run.h"
#include "status.h"
#include "variants.h"
#include "yamlcfg.h"

/* What `run` and `check` read from the command line and the configuration: the reference
 * model and one model per policy variant (yamlcfg.h, cfg_take_variants), all with the same
 * scenarios, seed and simulated period, so that they can be compared scenario by scenario. */
typedef struct bmc_run_input {
    bmc_cfg *cfg;
    char *text;          /* the resolved configuration, variants included */
    bmc_params p;        /* the reference */
    bmc_model *m;
    int n_variants;
    cfg_variant *cv;
    bmc_params *vp;      /* [n_variants] */
    bmc_model **vm;      /* [n_variants] */
    bmc_variant *variants; /* [n_variants], for bmc_run */
    bmc_design *design;  /* run.design of the reference, attached to every model; NULL: plain */
    char *state_text;      /* the state file the run starts from (MODEL.md section 12), as
                            * read; NULL without one */
    char state_name[4096]; /* its path */
    const char **inputs;   /* the files read (configuration, base: files, state): no output */
    int n_inputs;          /* may overwrite them */
} bmc_run_input;

typedef struct bmc_run_input_args {
    const char *config;
    const char *const *sets; /* "KEY.PATH=VALUE" overrides, applied before the variants split */
    int n_sets;
    long long scenarios;     /* < 1: the config's */
    long long seed;          /* < 0: the config's */
    bool deterministic;      /* force the central projection (check) */
    const char *state;       /* --state FILE (NULL: the configuration's state: key, if any) */
} bmc_run_input_args;

/* BMC_ECONFIG naming file, line and key for a bad configuration or state file, also for a
 * variant that changes what the comparison needs fixed (the simulated period, the old-case
 * categories, the state). BMC_EIO when the state file cannot be read. */
int bmc_run_input_load(const bmc_run_input_args *a, bmc_run_input *in, bmc_err *err);
void bmc_run_input_free(bmc_run_input *in);

/* Attaches the reference's run.design to the reference and every variant, one dimension map
 * for all (param_design.h), sized for a run of `scenarios` (the most, with a precision stop
 * in batches of `batch`). BMC_ECONFIG at run.design when the design cannot take the run. */
int bmc_run_input_attach_design(bmc_run_input *in, bool precision, int64_t scenarios,
                                int64_t batch, bmc_err *err);

#endif
