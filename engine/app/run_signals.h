#ifndef BACKLOGMC_RUN_SIGNALS_H
#define BACKLOGMC_RUN_SIGNALS_H

#include <signal.h>

/* The signals that stop a run. SIGINT, SIGTERM, SIGUSR1 (Open MPI's mpirun forwards SIGUSR1
 * to every rank, SIGTERM it does not), SIGHUP (the terminal or ssh session went away) and
 * SIGQUIT stop the run after the round. A signal ignored by whoever started us (SIGINT and
 * SIGQUIT in a background job of a script, SIGHUP under nohup) stays ignored. SIGXFSZ is
 * ignored while the run writes: a file-size limit (ulimit -f) then makes the write fail like
 * a full disk, and the run cleans up, instead of being killed with its temporary file left
 * behind. */

#define BMC_STOP_SIGNALS 5

typedef struct bmc_saved_signals {
    struct sigaction stop[BMC_STOP_SIGNALS];
    struct sigaction xfsz;
} bmc_saved_signals;

/* Catches the stop signals (clearing an earlier stop), keeping the actions they had in old.
 * Until bmc_signals_restore every further stop signal is only recorded: none kills the
 * process, also not a second one while the run is saving its checkpoint. */
void bmc_signals_catch(bmc_saved_signals *old);
void bmc_signals_restore(const bmc_saved_signals *old);

/* The last stop signal caught, 0 for none. Safe from any thread. */
int bmc_signals_stop(void);

#endif
