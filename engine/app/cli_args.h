#ifndef BACKLOGMC_CLI_ARGS_H
#define BACKLOGMC_CLI_ARGS_H

#include "status.h"

/* Option values on the command line, read as strictly as the config reads its values; each
 * failure is BMC_EUSAGE with a message naming the option. */

/* A whole number in [lo, hi]: digits only (no sign, blanks, "0x" or exponent). */
int bmc_arg_count(const char *opt, const char *text, long long lo, long long hi,
                  long long *out, bmc_err *err);
/* A precision half-width in [1e-06, 0.25]. */
int bmc_arg_half_width(const char *opt, const char *text, double *out, bmc_err *err);
/* Seconds in [0.01, 1e8]. */
int bmc_arg_seconds(const char *opt, const char *text, double *out, bmc_err *err);
/* A non-empty file name no longer than a path may be. */
int bmc_arg_path(const char *opt, const char *text, const char **out, bmc_err *err);
/* --set options a command takes at most. */
#define BMC_MAX_SET_OPTIONS 256

/* One more --set KEY.PATH=VALUE into sets[*n] (at most max of them). */
int bmc_arg_set(const char *text, const char **sets, int *n, int max, bmc_err *err);

#endif
