#ifndef BACKLOGMC_PLAN_H
#define BACKLOGMC_PLAN_H

/* The plan shares of a cycle with a stable grant rate (MODEL.md section 6). Base weights
 * b_c (what remains per category); the expected grant rate of weights w is
 * G(w) = sum w_c g_c / sum w_c. If G(b) lies in [target - tol, target + tol] the weights are
 * b; otherwise w_c = b_c exp(theta g_c) with theta found by bisection so that G lands on the
 * nearer band edge, or as close to it as the categories allow. Categories with b_c = 0 keep
 * weight 0. Returns theta (0 when b is already in the band). */
double bmc_plan_weights(int n, const double *b, const double *g, double target, double tol,
                        double *w);

/* G(w); NaN when every weight is 0. */
double bmc_plan_grant_rate(int n, const double *w, const double *g);

#endif
