#ifndef BACKLOGMC_BACKTEST_TABLE_H
#define BACKLOGMC_BACKTEST_TABLE_H

#include <stdio.h>

#include "backtest_h5.h"

/* The table of a backtest (docs/backtest.md), as `backtest` prints it when it is done and
 * `summary` prints it for a backtest file: the provenance, then per horizon the coverage of
 * the central 50 % and 90 % intervals, the PIT histogram and its chi-square p-value, the
 * mean CRPS and the CRPS skill against both naive forecasts, and which horizons meet the
 * calibration bands of docs/model.md section 14. */
void bmc_backtest_print(const char *path, const bmc_backtest_h5_info *in, FILE *out);

#endif
