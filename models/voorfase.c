#include "voorfase.h"

#include <math.h>

double bmc_voorfase_invite(int n, const bool *eligible, const double *share,
                           const double *waiting, double slots, double *invited)
{
    double total = 0, total_waiting = 0;
    for (int c = 0; c < n; c++) {
        invited[c] = 0;
        if (eligible[c] && waiting[c] > 0) {
            total += share[c];
            total_waiting += waiting[c];
        }
    }
    if (total_waiting <= 0 || slots <= 0)
        return 0;
    bool by_waiting = total <= 0;
    if (by_waiting)
        total = total_waiting;
    double left = slots;
    for (int c = 0; c < n; c++) {
        if (!eligible[c] || waiting[c] <= 0)
            continue;
        double s = by_waiting ? waiting[c] : share[c];
        /* shares that are exact in decimal (0.2 of 100) come out of the share arithmetic a
         * hair below: the tolerance keeps floor() from dropping a whole place */
        double first = floor(slots * s / total + 1e-9);
        invited[c] = first < waiting[c] ? first : waiting[c];
        left -= invited[c];
    }
    for (int c = 0; c < n && left > 0; c++) {
        if (!eligible[c] || waiting[c] <= invited[c])
            continue;
        double more = waiting[c] - invited[c];
        if (more > left)
            more = left;
        invited[c] += more;
        left -= more;
    }
    return slots - left;
}
