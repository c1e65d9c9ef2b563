#ifndef BACKLOGMC_H5FILE_H
#define BACKLOGMC_H5FILE_H

#include <stdbool.h>

#include <hdf5.h>

#include "h5util.h"
#include "h5vfd.h"
#include "outpaths.h"
#include "status.h"

/* An HDF5 file that appears under its name only when it is complete, as the results file
 * does (h5out.c): it is written under a temporary name beside the final path (outpaths.h),
 * through the engine's file driver (h5vfd.h), then flushed, closed, synced and renamed into
 * place. Any failure removes the temporary file; a file at the final path is replaced only
 * by a complete one. For files written in one go (every dataset complete when created). */
typedef struct bmc_h5file {
    const char *path;                /* the final path (the caller's string) */
    char tmp_path[BMC_PATH_MAX + 1];
    hid_t id;                        /* the open file, H5I_INVALID_HID when closed */
    bmc_h5vfd vfd;
} bmc_h5file;

/* Creates the temporary file; `what` names the file in messages ("backtest file"). BMC_EIO
 * when it cannot be created, also when path is a directory or another non-regular file.
 * On failure nothing is left to clean up. */
int bmc_h5file_create(bmc_h5file *f, const char *path, const char *what, bmc_err *err);
/* BMC_EIO when a write below HDF5 has failed since the creation (a full disk, a file-size
 * limit): the file is then good only to be discarded. */
int bmc_h5file_check(const bmc_h5file *f, bmc_err *err);
/* Flushes, closes (every other id of the file must be closed), syncs and renames into place;
 * on failure discards. Either way f is closed afterwards. */
int bmc_h5file_commit(bmc_h5file *f, bmc_err *err);
/* Closes and removes the temporary file, writing nothing more. */
void bmc_h5file_discard(bmc_h5file *f);

/* Gives back blocks preallocated past the end of the file at path, then fsyncs it: after a
 * crash the final name must not point at unwritten blocks. */
int bmc_h5file_sync(const char *path, bmc_err *err);

/* A small HDF5 output written whole (an attribution, a monitoring table) by the same rules,
 * through a fill callback: never over one of the run's inputs; over an existing file only
 * with force, and only over an earlier output of the same kind (root attribute `format`). */
typedef int (*bmc_h5_fill)(bmc_h5ctx *e, hid_t file, const void *arg);

typedef struct bmc_h5_file_plan {
    const char *path;
    const char *format;         /* the root attribute `format` */
    const char *what;           /* what messages call the file ("attribution file") */
    const char *earlier;        /* and one earlier file of its kind */
    bool force;
    const char *const *inputs;  /* the files this output was made from */
    int n_inputs;
} bmc_h5_file_plan;

/* The checks of bmc_h5_write_file alone: before a long computation, so that a bad --out is
 * refused before it, not after. */
int bmc_h5_file_check(const bmc_h5_file_plan *plan, bmc_err *err);

/* Creates the file with the root attribute format, calls fill(e, file, arg) for the rest.
 * BMC_EUSAGE (a path an input, or taken without force) or BMC_EIO naming the path; nothing is
 * left behind on failure (a full disk included). */
int bmc_h5_write_file(const bmc_h5_file_plan *plan, bmc_h5_fill fill, const void *arg,
                      bmc_err *err);

#endif
