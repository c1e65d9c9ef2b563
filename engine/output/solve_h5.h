#ifndef BACKLOGMC_SOLVE_H5_H
#define BACKLOGMC_SOLVE_H5_H

#include <stdint.h>

#include "analysis_h5.h"
#include "solve.h"
#include "status.h"

/* The file of `solve` (docs/decisions.md): the question as root attributes, one group per
 * solved set under /solve with its answer and per-scenario brackets, and the comparisons of
 * the variants with the reference under /comparison. Failures are BMC_EIO in the err given
 * to bmc_analysis_h5_create. */

#define BMC_SOLVE_FORMAT "backlogmc-solve"
#define BMC_SOLVE_SCHEMA_VERSION 1

int bmc_solve_h5_question(bmc_analysis_h5 *f, const bmc_solve_options *o);
/* /solve/<name> */
int bmc_solve_h5_write(bmc_analysis_h5 *f, const char *name, const bmc_solve *s, int64_t n);
/* /comparison/<name>: the variant's answer minus the reference's, with its interval. */
int bmc_solve_h5_comparison(bmc_analysis_h5 *f, const char *name, const double d[3]);

const char *bmc_solve_method_name(enum bmc_threshold_method m);
const char *bmc_solve_state_name(enum bmc_threshold_answer s);

#endif
