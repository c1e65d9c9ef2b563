#ifndef BACKLOGMC_H5TEXT_H
#define BACKLOGMC_H5TEXT_H

#include <hdf5.h>

#include "h5read.h"
#include "h5util.h"
#include "status.h"

/* Texts kept in a results file as scalar variable-length UTF-8 datasets: the configuration
 * (/config/text) and the state the run started from (/state/text). */

/* (Written by bmc_h5_write_text of h5util.h.) */

/* The text of dataset `name` (e.g. "/state/text") of an open results file, malloc'd into
 * *out; *out NULL when the file has no such dataset. BMC_EIO naming the file when it cannot
 * be read or the dataset is not a scalar variable-length string. */
int bmc_h5_read_text(bmc_h5read *r, const char *name, char **out, bmc_err *err);

#endif
