#include "hist_percentile.h"

#include <math.h>

double bmc_hist_percentile(const int64_t *counts, int nbins, int bin, double within)
{
    int64_t below = 0, total = 0;
    for (int k = 0; k < nbins; k++) {
        total += counts[k];
        if (k < bin)
            below += counts[k];
    }
    if (total <= 0 || bin < 0 || bin >= nbins)
        return NAN;
    double w = within < 0 ? 0 : within > 1 ? 1 : within;
    return 100.0 * ((double)below + w * (double)counts[bin]) / (double)total;
}
