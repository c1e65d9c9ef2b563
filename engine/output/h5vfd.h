#ifndef BACKLOGMC_H5VFD_H
#define BACKLOGMC_H5VFD_H

#include <stdbool.h>

#include <hdf5.h>

/* The file driver of the results file: POSIX reads and writes like HDF5's sec2 driver (the
 * file is the same), except that a write never fails as far as HDF5 can tell. HDF5 1.10
 * does not recover from a failed write of its caches: the cache is left half-flushed, every
 * later flush and the close fail too, and the failed close leaves a file id that crashes the
 * library at exit (HDFFV-11052). A full disk or a file-size limit causes exactly that. So
 * the first write that fails is recorded here (its errno), that write and every later one
 * go nowhere, and the writer asks bmc_h5vfd_error after each step: the file is then only
 * good to be thrown away, and its close succeeds, releasing every id. The same switch,
 * `discard`, sends the writes of a close nowhere when the file is thrown away for another
 * reason. */

typedef struct bmc_h5vfd {
    hid_t driver;    /* registered for this file, until bmc_h5vfd_release */
    bool discard;    /* writes go nowhere */
    int write_errno; /* of the first write that failed, 0 while none did */
} bmc_h5vfd;

/* Registers the driver and sets it on fapl with v as its state (v must outlive the file).
 * -1 on failure, with the HDF5 error stack set. */
int bmc_h5vfd_use(bmc_h5vfd *v, hid_t fapl);
/* After the file is closed. */
void bmc_h5vfd_release(bmc_h5vfd *v);

#endif
