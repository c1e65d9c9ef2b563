#ifndef BACKLOGMC_SENSITIVITY_H5_H
#define BACKLOGMC_SENSITIVITY_H5_H

#include <stdbool.h>

#include "analysis_h5.h"
#include "status.h"
#include "tornado.h"
#include "variance_decomposition.h"

/* The file of `sensitivity` (docs/decisions.md): /tornado and /sobol, each ranked as
 * computed. The reader gives the same structures back for `summary`. */

#define BMC_SENSITIVITY_FORMAT "backlogmc-sensitivity"
#define BMC_SENSITIVITY_SCHEMA_VERSION 1

int bmc_sensitivity_h5_write(bmc_analysis_h5 *f, const bmc_tornado *t,
                             const bmc_variance_decomposition *v);

typedef struct bmc_sensitivity_file {
    char config_name[512];
    bmc_date day0, target_date;
    bmc_tornado tornado;
    bmc_variance_decomposition sobol;
} bmc_sensitivity_file;

/* BMC_EIO naming the file when it cannot be read, is not a sensitivity file of this schema,
 * or its arrays do not fit together. */
int bmc_sensitivity_h5_read(const char *path, bmc_sensitivity_file *out, bmc_err *err);
void bmc_sensitivity_file_free(bmc_sensitivity_file *f);
bool bmc_sensitivity_h5_is(const char *path);

#endif
