/* Preloaded (LD_PRELOAD) by test_mpi.sh into one rank: fsync(2) takes BMC_SLOW_FSYNC seconds
 * longer, so that the rank is still saving its checkpoint when the test signals another
 * rank. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

int fsync(int fd);

int fsync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    const char *s = getenv("BMC_SLOW_FSYNC");
    double secs = s ? atof(s) : 0;
    if (secs > 0) {
        struct timespec t = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
        while (nanosleep(&t, &t) != 0)
            ;
    }
    return real ? real(fd) : -1;
}
