#ifndef BACKLOGMC_VOORFASE_H
#define BACKLOGMC_VOORFASE_H

#include <stdbool.h>

/* The voorfase slot split of docs/model.md section 3. Of `slots` places on a working day, each
 * eligible category (in the approach, with waiting cases) first gets
 * floor(slots x share_c / sum of eligible shares), capped by its waiting cases; the slots left
 * over then go to the eligible categories in config order as far as their waiting cases go.
 * When no eligible category has a positive share, the waiting counts serve as shares.
 * Returns the number of slots used. */
double bmc_voorfase_invite(int n, const bool *eligible, const double *share,
                           const double *waiting, double slots, double *invited);

#endif
