#ifndef BACKLOGMC_SUMMARY_H5_H
#define BACKLOGMC_SUMMARY_H5_H

#include <hdf5.h>

#include "summary.h"

/* Writes the summary as the group loc/name (e.g. the file and "summary", or a variant's
 * group and "summary"; the parent must exist), laid out as docs/output.md describes under
 * /summary. Errors: BMC_EIO naming the file, BMC_ENOMEM. */
int bmc_summary_write(const bmc_summary *s, hid_t loc, const char *name, bmc_err *err);

#endif
