/* Preloaded (LD_PRELOAD) by test_mpi.sh into rank 0: MPI_Finalize returns BMC_SLOW_FINALIZE
 * seconds late, so that the other ranks have exited before rank 0 goes on. mpirun ends the job
 * once a rank exits non-zero; whatever rank 0 must say has to be said before it finalizes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

int MPI_Finalize(void);

int MPI_Finalize(void)
{
    int (*real)(void) = (int (*)(void))dlsym(RTLD_NEXT, "MPI_Finalize");
    int rc = real ? real() : -1;
    const char *s = getenv("BMC_SLOW_FINALIZE");
    double secs = s ? atof(s) : 0;
    if (secs > 0) {
        struct timespec t = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
        while (nanosleep(&t, &t) != 0)
            ;
    }
    return rc;
}
