#ifndef BACKLOGMC_MPI_ENV_H
#define BACKLOGMC_MPI_ENV_H

#include <stdbool.h>

#include "status.h"

/* Whether and how this process takes part in an MPI job. MPI is started only when a launcher
 * started the process (mpirun/mpiexec, or srun with PMIx/PMI: it sets OMPI_COMM_WORLD_SIZE,
 * PMIX_RANK or PMI_RANK), so a plain `backlogmc run` never pays for, or depends on, an MPI
 * singleton start-up. BACKLOGMC_MPI=1 forces MPI on, BACKLOGMC_MPI=0 keeps it off. */

bool bmc_mpi_launched(void);

/* The rank the launcher gave this process (0 when not launched): known before MPI starts and
 * after it ends, so only rank 0 prints messages and results. */
int bmc_mpi_launch_rank(void);

/* Starts MPI (threads funnelled: only the main thread calls MPI) when launched and not yet
 * started; BMC_EINTERNAL when that fails. */
int bmc_mpi_start(bmc_err *err);
/* Ends MPI if it was started and is still running. */
void bmc_mpi_stop(void);

/* OpenMP threads per rank when the user gave none (--threads, OMP_NUM_THREADS): the cores
 * this process may use, shared by the ranks of the node. */
int bmc_mpi_default_threads(void);

#endif
