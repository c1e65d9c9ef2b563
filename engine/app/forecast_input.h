#ifndef BACKLOGMC_FORECAST_INPUT_H
#define BACKLOGMC_FORECAST_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "params.h"
#include "status.h"

/* The inputs of a forecast, from a results file (its /config/text and /state/text) or from a
 * configuration file and, optionally, a state file: what `attribute` compares and what
 * `monitor` reads the forecast's configuration from. Policy variants of a configuration are
 * left out: the reference is the forecast. */
typedef struct bmc_forecast_input {
    bmc_params *p;          /* the parameters, started from the state when there is one */
    bool from_results;      /* the source was a results file */
    int64_t scenarios;      /* of the file, or the configuration's run.scenarios */
    uint64_t seed;          /* of the file, or the configuration's run.seed */
    char describe[2200];    /* "FILE" or "CONFIG + STATE", for tables and files */
} bmc_forecast_input;

/* source: a results file (recognised as HDF5) or a configuration; state: a state file for a
 * configuration (NULL: the configuration's `state:` key, if any); a results file carries its
 * own and takes none (BMC_EUSAGE). Errors as the readers give them (FILE:LINE:COL for a
 * configuration or state, BMC_EIO for a file that is not a results file). */
int bmc_forecast_input_load(const char *source, const char *state, bmc_forecast_input *in,
                            bmc_err *err);
void bmc_forecast_input_free(bmc_forecast_input *in);

#endif
