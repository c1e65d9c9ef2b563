#ifndef BACKLOGMC_NEWCASES_H
#define BACKLOGMC_NEWCASES_H

#include <stdbool.h>

#include "params.h"

/* The new cases of one track (docs/model.md section 5): open cases by lodging day, ready once the
 * lead time has passed, decided first-in first-out, on time when decided within the
 * deadline. The arrays are sized once for the whole period and reused across scenarios.
 * A run from a state (MODEL.md section 12) holds cases lodged up to `before` days before day
 * 0: lodging day d is slot d + before, and the functions below take days, not slots. */
typedef struct bmc_track_queue {
    double *open;    /* [before + ndays] open cases by lodging slot */
    int ndays;
    int before;      /* lodging days before day 0 */
    int head;        /* earliest lodging slot that may still hold open cases */
    int ready_upto;  /* latest lodging slot whose cases are ready; -1 before any */
    double ready;    /* open cases that are ready */
    double open_total;
    int deadline, lead;
    double work;
} bmc_track_queue;

int bmc_track_queue_init(bmc_track_queue *q, const bmc_track_params *t, int ndays, int before);
void bmc_track_queue_release(bmc_track_queue *q);
void bmc_track_queue_reset(bmc_track_queue *q);

static inline void bmc_track_queue_arrive(bmc_track_queue *q, int day, double n)
{
    q->open[day + q->before] += n;
    q->open_total += n;
}

/* Cases lodged on day - lead become ready on day. */
static inline void bmc_track_queue_advance(bmc_track_queue *q, int day)
{
    int upto = day + q->before - q->lead;
    while (q->ready_upto < upto) {
        q->ready_upto++;
        q->ready += q->open[q->ready_upto];
    }
    /* keep head on a lodging day with open cases so the earliest deadline is exact */
    while (q->head <= q->ready_upto && q->open[q->head] <= 0)
        q->head++;
}

/* Deadline day of the oldest ready case; a large number when none is ready. */
static inline int bmc_track_queue_earliest_deadline(const bmc_track_queue *q)
{
    return q->ready > 0 ? q->head - q->before + q->deadline : 1 << 30;
}

/* Decides n ready cases (n <= ready) on day, oldest first; returns how many were on time. */
double bmc_track_queue_decide(bmc_track_queue *q, int day, double n);

/* Open cases lodged before day - deadline: settled as late at the horizon. */
double bmc_track_queue_open_late(const bmc_track_queue *q, int day);

#endif
