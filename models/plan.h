#ifndef BACKLOGMC_PLAN_H
#define BACKLOGMC_PLAN_H

/* The plan shares of a cycle with a stable grant rate (docs/model.md section 6, version 2).
 * b_c are the officer-days category c needs to be cleared (open cases x work content w_c);
 * shares s are shares of officer-days, and the grant rate they produce is the
 * decision-weighted mean
 *     G(s) = sum (s_c / w_c) g_c / sum (s_c / w_c),
 * since s_c / w_c is the number of decisions the share buys. If G(b) lies in
 * [target - tol, target + tol] the shares are b (normalised); otherwise
 * s_c ~ b_c exp(theta g_c) with theta found by bisection so that G lands on the nearer band
 * edge, or as close to it as the categories allow. Categories with b_c = 0 keep share 0.
 * s sums to 1 (all 0 when every b_c is 0). Returns theta (0 when b is already in the band). */
double bmc_plan_weights(int n, const double *b, const double *w, const double *g,
                        double target, double tol, double *s);

/* G(s); NaN when every share is 0. */
double bmc_plan_grant_rate(int n, const double *s, const double *w, const double *g);

#endif
