#ifndef BACKLOGMC_H5FILE_H
#define BACKLOGMC_H5FILE_H

#include <stdbool.h>

#include <hdf5.h>

#include "h5util.h"
#include "status.h"

/* A small HDF5 output written whole (an attribution, a monitoring table), by the rules of the
 * results file (outpaths.h): under a temporary name in the same directory, renamed to `path`
 * only when complete; never over one of the run's inputs; over an existing file only with
 * force, and only over an earlier output of the same kind (root attribute `format`). */

typedef int (*bmc_h5_fill)(bmc_h5ctx *e, hid_t file, const void *arg);

typedef struct bmc_h5_file_plan {
    const char *path;
    const char *format;         /* the root attribute `format` */
    bool force;
    const char *const *inputs;  /* the files this output was made from */
    int n_inputs;
} bmc_h5_file_plan;

/* The checks of bmc_h5_write_file alone: before a long computation, so that a bad --out is
 * refused before it, not after. */
int bmc_h5_file_check(const bmc_h5_file_plan *plan, bmc_err *err);

/* Creates the file with the root attribute format, calls fill(e, file, arg) for the rest.
 * BMC_EUSAGE (a path an input, or taken without force) or BMC_EIO naming the path; nothing is
 * left behind on failure (a full disk included: the file driver of h5vfd.h). */
int bmc_h5_write_file(const bmc_h5_file_plan *plan, bmc_h5_fill fill, const void *arg,
                      bmc_err *err);

/* The HDF5 file at path has the root attribute format equal to `format`. */
bool bmc_h5_has_format(const char *path, const char *format);

#endif
