#ifndef BACKLOGMC_H5UTIL_H
#define BACKLOGMC_H5UTIL_H

#include <stddef.h>

#include <hdf5.h>

#include "calendar.h"
#include "results.h"
#include "status.h"

/* HDF5 plumbing shared by the writers (h5out.c, summary_h5.c) and the reader (h5read.c):
 * one-line error messages, the string types of the schema, and creation without
 * modification times, so that the same run gives the same bytes. */

/* Where an HDF5 failure is reported: the path named in messages, the caller's err, and the
 * reason HDF5 gave. HDF5 prints its whole error stack to stderr by default; between begin
 * and end an error handler prints nothing and keeps the innermost reason of the first
 * failure. Recording at the moment of failure matters: every later HDF5 call (the cleanup)
 * clears the stack. end restores the caller's handler. */
#define BMC_H5_DETAIL_LEN 512

typedef struct bmc_h5ctx {
    const char *path;
    bmc_err *err;
    char detail[BMC_H5_DETAIL_LEN];
    H5E_auto2_t saved_func;
    void *saved_data;
} bmc_h5ctx;

void bmc_h5ctx_begin(bmc_h5ctx *e, const char *path, bmc_err *err);
void bmc_h5ctx_end(bmc_h5ctx *e);
/* BMC_EIO with "path: cannot <what> (HDF5: reason)" on one line; clears the reason. */
int bmc_h5_fail(bmc_h5ctx *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Cleanup closes; ids that were never opened are negative. */
void bmc_h5_close_type(hid_t id);
void bmc_h5_close_space(hid_t id);
void bmc_h5_close_attr(hid_t id);
void bmc_h5_close_plist(hid_t id);
void bmc_h5_close_group(hid_t id);
/* Closes *id if open and marks it closed; returns H5Dclose's status. */
herr_t bmc_h5_close_dataset(hid_t *id);

/* Scalar text: variable-length UTF-8, which h5py returns as str. */
hid_t bmc_h5_vlen_string_type(void);
/* Arrays of names and dates: fixed length, NUL-padded (no terminator when full). */
hid_t bmc_h5_fixed_string_type(size_t len);

/* A scalar attribute of file type ftype written from memory type mtype. */
int bmc_h5_attr_scalar(bmc_h5ctx *e, hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                       const void *value);
int bmc_h5_attr_string(bmc_h5ctx *e, hid_t obj, const char *name, const char *value);
int bmc_h5_attr_date(bmc_h5ctx *e, hid_t obj, const char *name, bmc_date d);
/* n names as a fixed-length string array attribute (e.g. "categories"). */
int bmc_h5_attr_names(bmc_h5ctx *e, hid_t obj, const char *name,
                      const char (*names)[BMC_NAME_LEN], int n);

hid_t bmc_h5_create_group(hid_t loc, const char *name);
/* loc/name with the given shape, chunked, shuffled and deflated when chunk is given (and no
 * dimension is 0); the caller closes the returned id. */
hid_t bmc_h5_create_dataset(hid_t loc, const char *name, hid_t ftype, int rank,
                            const hsize_t *dims, const hsize_t *chunk);
/* Writes a dataset that is complete when created, in one go, contiguous. */
int bmc_h5_write_array(bmc_h5ctx *e, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       int rank, const hsize_t *dims, const void *buf);
/* The same as one shuffled and deflated chunk: for arrays that are mostly zeros. */
int bmc_h5_write_array_deflated(bmc_h5ctx *e, hid_t loc, const char *name, hid_t ftype,
                                hid_t mtype, int rank, const hsize_t *dims, const void *buf);
int bmc_h5_write_names(bmc_h5ctx *e, hid_t loc, const char *name,
                       const char (*names)[BMC_NAME_LEN], int n);

#endif
