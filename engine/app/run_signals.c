#include "run_signals.h"

#include <stdatomic.h>
#include <stddef.h>

/* The one piece of process-wide state: a signal handler can only talk through a flag. A
 * lock-free atomic may be written by a handler (C11 7.14.1.1) and is read by the OpenMP
 * threads without a data race. */
static atomic_int stop_requested = 0;

static const int STOP_SIGNALS[BMC_STOP_SIGNALS] = {SIGINT, SIGTERM, SIGUSR1, SIGHUP, SIGQUIT};

static void on_signal(int sig)
{
    atomic_store_explicit(&stop_requested, sig, memory_order_relaxed);
}

int bmc_signals_stop(void)
{
    return atomic_load_explicit(&stop_requested, memory_order_relaxed);
}

void bmc_signals_catch(bmc_saved_signals *old)
{
    struct sigaction sa = {.sa_handler = on_signal}, ignore = {.sa_handler = SIG_IGN};
    sigemptyset(&sa.sa_mask);
    sigemptyset(&ignore.sa_mask);
    atomic_store(&stop_requested, 0);
    for (size_t i = 0; i < BMC_STOP_SIGNALS; i++) {
        sigaction(STOP_SIGNALS[i], NULL, &old->stop[i]);
        if (old->stop[i].sa_handler != SIG_IGN)
            sigaction(STOP_SIGNALS[i], &sa, NULL);
    }
    sigaction(SIGXFSZ, &ignore, &old->xfsz);
}

void bmc_signals_restore(const bmc_saved_signals *old)
{
    for (size_t i = 0; i < BMC_STOP_SIGNALS; i++)
        sigaction(STOP_SIGNALS[i], &old->stop[i], NULL);
    sigaction(SIGXFSZ, &old->xfsz, NULL);
}
