#include "plan.h"

#include <math.h>

double bmc_plan_grant_rate(int n, const double *w, const double *g)
{
    double sw = 0, swg = 0;
    for (int c = 0; c < n; c++) {
        sw += w[c];
        swg += w[c] * g[c];
    }
    return sw > 0 ? swg / sw : NAN;
}

/* w_c = b_c exp(theta (g_c - g_ref)); the reference keeps exp() in range for large theta. */
static void tilt(int n, const double *b, const double *g, double theta, double g_ref, double *w)
{
    for (int c = 0; c < n; c++)
        w[c] = b[c] > 0 ? b[c] * exp(theta * (g[c] - g_ref)) : 0;
}

double bmc_plan_weights(int n, const double *b, const double *g, double target, double tol,
                        double *w)
{
    double G = bmc_plan_grant_rate(n, b, g);
    for (int c = 0; c < n; c++)
        w[c] = b[c] > 0 ? b[c] : 0;
    if (isnan(G) || (G >= target - tol && G <= target + tol))
        return 0;
    double edge = G > target + tol ? target + tol : target - tol;
    double gmin = INFINITY, gmax = -INFINITY;
    for (int c = 0; c < n; c++)
        if (b[c] > 0) {
            gmin = fmin(gmin, g[c]);
            gmax = fmax(gmax, g[c]);
        }
    if (gmax - gmin <= 0)
        return 0; /* one grant rate only: nothing to tilt */
    double g_ref = G > edge ? gmin : gmax;
    /* G(theta) increases with theta; a tilt of 700 / range makes the extreme category carry
     * all but exp(-700) of the weight, as close to the edge as the categories allow */
    double bound = 700.0 / (gmax - gmin);
    double lo = G > edge ? -bound : 0, hi = G > edge ? 0 : bound;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi)
            break; /* lo and hi are neighbours: further steps change nothing */
        tilt(n, b, g, mid, g_ref, w);
        if (bmc_plan_grant_rate(n, w, g) < edge)
            lo = mid;
        else
            hi = mid;
    }
    double theta = 0.5 * (lo + hi);
    tilt(n, b, g, theta, g_ref, w);
    return theta;
}
