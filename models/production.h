#ifndef BACKLOGMC_PRODUCTION_H
#define BACKLOGMC_PRODUCTION_H

#include "draws.h"

/* The production rule of docs/model.md section 4: X officer-days on a queue of n cases of work
 * content w complete D = min(n, Poisson(X / w)) cases. Only when the queue empties does the
 * unused X - n w (when positive) flow on; otherwise the whole X is spent. */
typedef struct bmc_produced {
    double decisions;
    double used;     /* officer-days spent */
    double leftover; /* officer-days that flow on to the next claimant */
} bmc_produced;

static inline bmc_produced bmc_produce(gsl_rng *r, bool det, double n, double X, double w)
{
    bmc_produced out = {0, 0, X > 0 ? X : 0};
    if (n <= 0 || X <= 0)
        return out;
    /* only min(n, Poisson) matters: the sampler stops at n */
    double d = draw_poisson_min(r, det, X / w, n);
    if (d >= n) {
        double need = n * w;
        out.decisions = n;
        out.used = need < X ? need : X;
        out.leftover = X - out.used;
    } else {
        out.decisions = d;
        out.used = X;
        out.leftover = 0;
    }
    return out;
}

/* Work content of one first decision, docs/model.md section 4:
 * w = h / hearings_per_day + 1 / decisions_per_day. */
static inline double bmc_work_content(double hearing_share, double hearings_per_day,
                                      double decisions_per_day)
{
    double w = 1.0 / decisions_per_day;
    if (hearing_share > 0)
        w += hearing_share / hearings_per_day;
    return w;
}

#endif
