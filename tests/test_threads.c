/* Threads per rank when neither --threads nor OMP_NUM_THREADS says (mpi_env.h): the CPUs
 * Slurm gave each task, else the cores shared by the ranks of the node as mpirun or srun
 * tells them, read from a made-up environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "mpi_env.h"

/* The environment of one case: NAME=VALUE entries, NULL-terminated. */
static const char *const *environment;

static char *lookup(const char *name)
{
    size_t n = strlen(name);
    for (const char *const *e = environment; e && *e; e++)
        if (!strncmp(*e, name, n) && (*e)[n] == '=')
            return (char *)(*e + n + 1);
    return NULL;
}

static int threads(bool launched, int cpus, const char *const *env)
{
    environment = env;
    return bmc_mpi_threads_from(lookup, launched, cpus);
}

static void test_mpirun_and_srun_share_the_node(void **state)
{
    (void)state;
    const char *const none[] = {NULL};
    assert_int_equal(threads(false, 32, none), 32);
    assert_int_equal(threads(true, 32, none), 32);
    /* mpirun: 4 ranks on the node */
    const char *const ompi[] = {"OMPI_COMM_WORLD_LOCAL_SIZE=4", NULL};
    assert_int_equal(threads(true, 32, ompi), 8);
    /* srun --mpi=pmix sets no OMPI_ variable */
    const char *const pmix[] = {"PMIX_LOCAL_SIZE=4", "PMIX_RANK=1", NULL};
    assert_int_equal(threads(true, 32, pmix), 8);
    /* both (mpirun of Open MPI 4 sets both): the same number */
    const char *const both[] = {"PMIX_LOCAL_SIZE=4", "OMPI_COMM_WORLD_LOCAL_SIZE=4", NULL};
    assert_int_equal(threads(true, 32, both), 8);
    /* a process not started by a launcher does not share */
    assert_int_equal(threads(false, 32, pmix), 32);
    /* more ranks than cores: one thread each */
    const char *const many[] = {"PMIX_LOCAL_SIZE=64", NULL};
    assert_int_equal(threads(true, 32, many), 1);
}

static void test_slurm_cpus_per_task(void **state)
{
    (void)state;
    /* srun --cpus-per-task=8 with 4 tasks on a 32-core node, and mpirun in such a job */
    const char *const srun[] = {"SLURM_CPUS_PER_TASK=8", "PMIX_LOCAL_SIZE=4", NULL};
    assert_int_equal(threads(true, 32, srun), 8);
    const char *const odd[] = {"SLURM_CPUS_PER_TASK=6", "OMPI_COMM_WORLD_LOCAL_SIZE=4", NULL};
    assert_int_equal(threads(true, 32, odd), 6);
    /* a job of one task without MPI */
    const char *const alone[] = {"SLURM_CPUS_PER_TASK=3", NULL};
    assert_int_equal(threads(false, 32, alone), 3);
    /* never more than the cores the process may use */
    assert_int_equal(threads(false, 2, alone), 2);
    /* not a count: ignored */
    const char *const bad[] = {"SLURM_CPUS_PER_TASK=8x", "PMIX_LOCAL_SIZE=0", NULL};
    assert_int_equal(threads(true, 32, bad), 32);
    const char *const empty[] = {"SLURM_CPUS_PER_TASK=", "PMIX_LOCAL_SIZE=-2", NULL};
    assert_int_equal(threads(true, 32, empty), 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mpirun_and_srun_share_the_node),
        cmocka_unit_test(test_slurm_cpus_per_task),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
