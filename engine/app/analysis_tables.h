#ifndef BACKLOGMC_ANALYSIS_TABLES_H
#define BACKLOGMC_ANALYSIS_TABLES_H

#include <stdio.h>

#include "calendar.h"
#include "solve.h"
#include "tornado.h"
#include "variance_decomposition.h"

/* The printed tables of `solve` and `sensitivity` (also `summary` of a sensitivity file).
 * Days are counted from day0; the date of day d is day0 + d. */

void bmc_print_solve(const char *set, const bmc_solve_options *o, const bmc_solve *s,
                     FILE *out);
void bmc_print_tornado(const bmc_tornado *t, bmc_date day0, bmc_date target, FILE *out);
/* Ranked by the total index of the completion day. */
void bmc_print_sobol(const bmc_variance_decomposition *v, FILE *out);

#endif
