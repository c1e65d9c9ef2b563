#ifndef BACKLOGMC_LOGFACT_H
#define BACKLOGMC_LOGFACT_H

#include <math.h>

/* log(k!) for the rejection tests of the samplers: a table for k below 256 (every count of
 * a day's decisions or intake split), Stirling's series above, where its first omitted term,
 * 1/(1188 x^9), is below 1e-24. */

#define BMC_LOG_FACTORIAL_TABLE 256

extern const double bmc_log_factorial_table[BMC_LOG_FACTORIAL_TABLE];

/* k a whole number >= 0 */
static inline double bmc_log_factorial(double k)
{
    if (k < BMC_LOG_FACTORIAL_TABLE)
        return bmc_log_factorial_table[(int)k];
    const double half_log_2pi = 0.91893853320467274178;
    double x = k + 1, ix = 1 / x, ix2 = ix * ix;
    double series = ix * (1.0 / 12 - ix2 * (1.0 / 360 - ix2 * (1.0 / 1260 - ix2 / 1680)));
    return (x - 0.5) * log(x) - x + half_log_2pi + series;
}

#endif
