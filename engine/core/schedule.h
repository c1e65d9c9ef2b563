#ifndef BACKLOGMC_SCHEDULE_H
#define BACKLOGMC_SCHEDULE_H

#include <stdbool.h>

#include "calendar.h"
#include "status.h"
#include "yamlcfg.h"

/* A value that changes over time, given as dated points. In YAML either a plain number
 * (constant) or
 *   {interpolation: linear|step, points: [[2000-01-01, 0], [2000-07-01, 10]]}
 * Before the first point the first value holds, after the last point the last value.
 * Linear: straight line between neighbouring points. Step: the value of the latest point
 * on or before the date. Dates strictly increasing. */

#define BMC_SCHEDULE_MAX_POINTS 64

typedef struct bmc_schedule {
    int n;
    bool linear;
    bmc_date date[BMC_SCHEDULE_MAX_POINTS];
    double value[BMC_SCHEDULE_MAX_POINTS];
} bmc_schedule;

static inline bmc_schedule bmc_schedule_constant(double v)
{
    bmc_schedule s = {.n = 1, .linear = false};
    s.date[0] = 0;
    s.value[0] = v;
    return s;
}

/* Values must lie in [lo, hi]. Absent and !required: constant def. 1..64 points; a date
 * not after the one before is an error at that item (KEY.points[i]). */
int cfg_get_schedule(cfg_map *m, const char *key, bool required, double def, double lo,
                     double hi, bmc_schedule *out, bmc_err *err);

double bmc_schedule_at(const bmc_schedule *s, bmc_date d);
/* out[i] = value at start + i, for i in [0, ndays). */
void bmc_schedule_fill(const bmc_schedule *s, bmc_date start, int ndays, double *out);

#endif
