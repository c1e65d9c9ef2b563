#include "mpi_env.h"

#include <mpi.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define BMC_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BMC_HAVE_LSAN 1
#endif
#endif
#ifdef BMC_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    long x = strtol(v, &end, 10);
    return *end == '\0' && x >= 0 && x <= 1 << 30 ? (int)x : def;
}

bool bmc_mpi_launched(void)
{
    const char *force = getenv("BACKLOGMC_MPI");
    if (force && !strcmp(force, "0"))
        return false;
    if (force && !strcmp(force, "1"))
        return true;
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

int bmc_mpi_launch_rank(void)
{
    if (!bmc_mpi_launched())
        return 0;
    int r = env_int("OMPI_COMM_WORLD_RANK", -1);
    if (r < 0)
        r = env_int("PMIX_RANK", -1);
    if (r < 0)
        r = env_int("PMI_RANK", 0);
    return r;
}

int bmc_mpi_start(bmc_err *err)
{
    int started = 0;
    MPI_Initialized(&started);
    if (started || !bmc_mpi_launched())
        return BMC_OK;
    int provided = 0;
#ifdef BMC_HAVE_LSAN
    /* Open MPI keeps allocations until exit on purpose: they are not our leaks */
    __lsan_disable();
#endif
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
#ifdef BMC_HAVE_LSAN
    __lsan_enable();
#endif
    if (rc != MPI_SUCCESS)
        return bmc_fail(err, BMC_EINTERNAL, "MPI_Init_thread failed (error %d)", rc);
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        return bmc_fail(err, BMC_EINTERNAL,
                        "the MPI library does not support threads (MPI_THREAD_FUNNELED)");
    }
    return BMC_OK;
}

void bmc_mpi_stop(void)
{
    int started = 0, finished = 0;
    MPI_Initialized(&started);
    MPI_Finalized(&finished);
    if (!started || finished)
        return;
#ifdef BMC_HAVE_LSAN
    __lsan_disable();
#endif
    MPI_Finalize();
#ifdef BMC_HAVE_LSAN
    __lsan_enable();
#endif
}

int bmc_mpi_default_threads(void)
{
    const char *omp = getenv("OMP_NUM_THREADS");
    if (omp && *omp)
        return omp_get_max_threads();
    /* several ranks on one node without binding would each take every core */
    int local = bmc_mpi_launched() ? env_int("OMPI_COMM_WORLD_LOCAL_SIZE", 1) : 1;
    int t = omp_get_num_procs() / (local > 0 ? local : 1);
    return t > 0 ? t : 1;
}
