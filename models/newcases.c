#include "newcases.h"

#include <stdlib.h>
#include <string.h>

int bmc_track_queue_init(bmc_track_queue *q, const bmc_track_params *t, int ndays, int before)
{
    memset(q, 0, sizeof *q);
    q->open = calloc((size_t)ndays + (size_t)before, sizeof *q->open);
    if (!q->open)
        return BMC_ENOMEM;
    q->ndays = ndays;
    q->before = before;
    q->deadline = t->deadline_days;
    q->lead = t->lead_days;
    q->work = t->work;
    bmc_track_queue_reset(q);
    return BMC_OK;
}

void bmc_track_queue_release(bmc_track_queue *q)
{
    free(q->open);
    q->open = NULL;
}

void bmc_track_queue_reset(bmc_track_queue *q)
{
    memset(q->open, 0, ((size_t)q->ndays + (size_t)q->before) * sizeof *q->open);
    q->head = 0;
    q->ready_upto = -1;
    q->ready = 0;
    q->open_total = 0;
}

double bmc_track_queue_decide(bmc_track_queue *q, int day, double n)
{
    /* in deterministic mode counts are fractional: treat dust below this as empty */
    const double dust = 1e-9;
    double on_time = 0, left = n;
    while (left > dust && q->head <= q->ready_upto) {
        double take = q->open[q->head] < left ? q->open[q->head] : left;
        q->open[q->head] -= take;
        left -= take;
        if (day + q->before - q->head <= q->deadline)
            on_time += take;
        if (q->open[q->head] <= dust) {
            q->open[q->head] = 0;
            q->head++;
        }
    }
    double done = n - (left > dust ? left : 0);
    q->ready -= done;
    q->open_total -= done;
    if (q->ready < dust)
        q->ready = 0;
    return on_time;
}

double bmc_track_queue_open_late(const bmc_track_queue *q, int day)
{
    double late = 0;
    for (int d = q->head; d < q->ndays + q->before && day + q->before - d > q->deadline; d++)
        late += q->open[d];
    return late;
}
