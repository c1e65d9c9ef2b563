#include "plan.h"

#include <math.h>

double bmc_plan_grant_rate(int n, const double *s, const double *w, const double *g)
{
    double sd = 0, sdg = 0;
    for (int c = 0; c < n; c++) {
        if (s[c] <= 0)
            continue;
        double decisions = s[c] / w[c];
        sd += decisions;
        sdg += decisions * g[c];
    }
    return sd > 0 ? sdg / sd : NAN;
}

/* s_c = b_c exp(theta (g_c - g_ref)); the reference keeps exp() in range for large theta. */
static void tilt(int n, const double *b, const double *g, double theta, double g_ref, double *s)
{
    for (int c = 0; c < n; c++)
        s[c] = b[c] > 0 ? b[c] * exp(theta * (g[c] - g_ref)) : 0;
}

static void normalise(int n, double *s)
{
    double sum = 0;
    for (int c = 0; c < n; c++)
        sum += s[c];
    for (int c = 0; c < n && sum > 0; c++)
        s[c] /= sum;
}

double bmc_plan_weights(int n, const double *b, const double *w, const double *g,
                        double target, double tol, double *s)
{
    for (int c = 0; c < n; c++)
        s[c] = b[c] > 0 ? b[c] : 0;
    double G = bmc_plan_grant_rate(n, s, w, g);
    if (isnan(G) || (G >= target - tol && G <= target + tol)) {
        normalise(n, s);
        return 0;
    }
    double edge = G > target + tol ? target + tol : target - tol;
    double gmin = INFINITY, gmax = -INFINITY;
    for (int c = 0; c < n; c++)
        if (b[c] > 0) {
            gmin = fmin(gmin, g[c]);
            gmax = fmax(gmax, g[c]);
        }
    if (gmax - gmin <= 0) { /* one grant rate only: nothing to tilt */
        normalise(n, s);
        return 0;
    }
    double g_ref = G > edge ? gmin : gmax;
    /* the decision weights b_c / w_c exp(theta g_c) make G increase with theta; a tilt of
     * 700 / range gives the extreme category all but exp(-700) of the weight, as close to
     * the edge as the categories allow */
    double bound = 700.0 / (gmax - gmin);
    double lo = G > edge ? -bound : 0, hi = G > edge ? 0 : bound;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi)
            break; /* lo and hi are neighbours: further steps change nothing */
        tilt(n, b, g, mid, g_ref, s);
        if (bmc_plan_grant_rate(n, s, w, g) < edge)
            lo = mid;
        else
            hi = mid;
    }
    double theta = 0.5 * (lo + hi);
    tilt(n, b, g, theta, g_ref, s);
    normalise(n, s);
    return theta;
}
