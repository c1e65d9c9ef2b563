#ifndef BACKLOGMC_H5FILE_H
#define BACKLOGMC_H5FILE_H

#include <hdf5.h>

#include "h5util.h"
#include "status.h"

/* A small HDF5 output written whole (an attribution, a monitoring table): under a temporary
 * name in the same directory, renamed to `path` only when complete. An existing file at path
 * is replaced only when it is an earlier output of the same kind (root attribute `format`
 * equal to `format`); anything else there is left alone and refused. */

typedef int (*bmc_h5_fill)(bmc_h5ctx *e, hid_t file, const void *arg);

/* Creates the file with the root attribute format, calls fill(e, file, arg) for the rest.
 * BMC_EIO naming the path; nothing is left behind on failure. */
int bmc_h5_write_file(const char *path, const char *format, bmc_h5_fill fill, const void *arg,
                      bmc_err *err);

#endif
