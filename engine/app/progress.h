#ifndef BACKLOGMC_PROGRESS_H
#define BACKLOGMC_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Progress of a run on stderr, from the rank that writes the output (it sees every rank's
 * scenarios arrive). On a terminal one line rewritten in place at most twice a second; in a
 * batch log one plain line every `every` seconds; nothing when quiet. */
typedef struct bmc_progress {
    FILE *to;
    bool enabled, tty;
    double every;       /* seconds between lines when not on a terminal */
    int64_t total;
    int64_t start_done; /* scenarios already done when this process started (resume) */
    double t0, last;
    int width;          /* of the last terminal line, to blank it out */
} bmc_progress;

/* `to` is normally stderr; every <= 0 means the default of 10 s. */
void bmc_progress_begin(bmc_progress *p, FILE *to, bool quiet, double every, int64_t total,
                        int64_t start_done);
/* done scenarios of total so far; prints when the interval has passed. */
void bmc_progress_update(bmc_progress *p, int64_t done);
/* Ends the terminal line, with a last update when the run is complete. */
void bmc_progress_end(bmc_progress *p, int64_t done);

double bmc_now_seconds(void);

#endif
