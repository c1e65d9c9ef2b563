#ifndef BACKLOGMC_MPI_COMM_H
#define BACKLOGMC_MPI_COMM_H

#include <stdbool.h>
#include <stdint.h>

#include <mpi.h>

#include "results.h"
#include "status.h"

/* The ranks of one run. Without MPI running it is a single rank and every call below is a
 * no-op, so the driver has one code path. Only the main thread calls these (the OpenMP
 * threads never touch MPI). */
typedef struct bmc_mpi {
    bool active; /* MPI is running: the calls are collective over comm */
    int rank, size;
    MPI_Comm comm; /* a duplicate of MPI_COMM_WORLD, private to the run */
} bmc_mpi;

/* Collective when MPI is running. */
int bmc_mpi_open(bmc_mpi *c, bmc_err *err);
void bmc_mpi_close(bmc_mpi *c);

/* Collective error agreement: every rank passes its own status (and message); all return
 * the status and message of the lowest-numbered failing rank, BMC_OK when none failed, so
 * every rank takes the same way out and none is left waiting. *stop (may be NULL) becomes
 * true on every rank when it was true on any. */
int bmc_mpi_agree(const bmc_mpi *c, int rc, bool *stop, bmc_err *err);

/* bmc_mpi_agree over all ranks of the job, outside a run (e.g. after reading the
 * configuration); returns rc unchanged without MPI. */
int bmc_mpi_agree_world(int rc, bmc_err *err);

/* Collective: true on every rank when every rank passed the same n values (what the ranks
 * must agree on to follow one schedule: scenarios, seed, block size, ...). */
bool bmc_mpi_same(const bmc_mpi *c, const int64_t *values, int n);

/* Broadcasts n bytes from rank 0. */
int bmc_mpi_bcast(const bmc_mpi *c, void *data, size_t n, bmc_err *err);

/* Rows [0, rows) of block b from rank `from` to rank `to` (both call; other ranks do not).
 * The receiver's block must have room and the same layout; it does not learn rows or the
 * first scenario from the message: the schedule of the run says them. */
int bmc_mpi_send_block(const bmc_mpi *c, const bmc_result_block *b, int rows, int to,
                       bmc_err *err);
int bmc_mpi_recv_block(const bmc_mpi *c, bmc_result_block *b, int rows, int from,
                       bmc_err *err);

#endif
