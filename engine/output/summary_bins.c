#include "summary_bins.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* the sub-bins below are the leading bits of the fraction */
_Static_assert(BMC_BINS_COUNT_SUB == 128, "7 fraction bits per octave");

#define COUNT_OVERFLOW (BMC_BINS_COUNT_N - 2)
#define COUNT_UNDEFINED (BMC_BINS_COUNT_N - 1)
#define SHARE_UNDEFINED (BMC_BINS_SHARE_N - 1)

int bmc_bins_count_index(double v)
{
    if (isnan(v))
        return COUNT_UNDEFINED;
    if (v < BMC_BINS_COUNT_EXACT)
        return v > 0 ? (int)v : 0;
    if (v >= BMC_BINS_COUNT_MAX)
        return COUNT_OVERFLOW;
    /* v = 1.f x 2^e: the octave [2^e, 2^(e+1)) is split into equal parts by the leading 7
     * bits of the fraction f, read straight from the IEEE 754 bits (exact, so the bin of a
     * value is the same on every machine) */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    int sub = (int)((bits >> (52 - 7)) & (BMC_BINS_COUNT_SUB - 1));
    return BMC_BINS_COUNT_EXACT + (e - 8) * BMC_BINS_COUNT_SUB + sub;
}

void bmc_bins_count_edges(int bin, double *lo, double *width)
{
    if (bin < 0 || bin >= COUNT_UNDEFINED) {
        *lo = *width = NAN;
    } else if (bin < BMC_BINS_COUNT_EXACT) {
        *lo = bin;
        *width = 1;
    } else if (bin == COUNT_OVERFLOW) {
        *lo = BMC_BINS_COUNT_MAX;
        *width = INFINITY;
    } else {
        int octave = (bin - BMC_BINS_COUNT_EXACT) / BMC_BINS_COUNT_SUB + 8;
        int sub = (bin - BMC_BINS_COUNT_EXACT) % BMC_BINS_COUNT_SUB;
        *width = ldexp(1, octave - 7);
        *lo = ldexp(1, octave) + sub * *width;
    }
}

double bmc_bins_count_value(int bin)
{
    double lo, width;
    bmc_bins_count_edges(bin, &lo, &width);
    if (width == 1 || isinf(width))
        return lo;
    return lo + width / 2;
}

int bmc_bins_share_index(double v)
{
    if (isnan(v))
        return SHARE_UNDEFINED;
    double x = floor(v * BMC_BINS_SHARE_STEPS);
    if (x < 0)
        return 0;
    return x > BMC_BINS_SHARE_STEPS ? BMC_BINS_SHARE_STEPS : (int)x;
}

double bmc_bins_share_value(int bin)
{
    if (bin < 0 || bin >= SHARE_UNDEFINED)
        return NAN;
    if (bin == BMC_BINS_SHARE_STEPS)
        return 1;
    return (bin + 0.5) / BMC_BINS_SHARE_STEPS;
}
