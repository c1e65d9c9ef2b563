#ifndef BACKLOGMC_DESIGN_H
#define BACKLOGMC_DESIGN_H

#include <stdint.h>

#include "status.h"

/* Sampling designs for the scenario-level parameters: where in the unit cube the uniforms of
 * point (scenario) s lie, one coordinate per dimension (parameter). Every coordinate depends
 * only on the design's seed and size, the point index and the dimension, so a design gives
 * the same numbers for any split of the points over threads, ranks, batches or a resume.
 * Each coordinate also takes a `jitter`, a uniform in (0, 1) that the caller draws from the
 * point's own random stream:
 *   plain           the jitter itself (independent uniforms, the default);
 *   latin_hypercube points come in hypercubes of `size`: point s is number j = s mod size of
 *                   hypercube h = s / size, and its coordinate in dimension d is
 *                   (pi_{h,d}(j) + jitter) / size, pi a permutation of 0..size-1 keyed by
 *                   (seed, h, d) (a Feistel network with cycle walking: no table), so every
 *                   hypercube has exactly one point in each of the size strata of each
 *                   dimension;
 *   sobol           GSL's Sobol sequence (gsl_qrng_sobol) with point s the s-th point from
 *                   the origin (GSL's own first point is s = 1), scrambled by a random linear
 *                   matrix and a digital shift keyed by (seed, d) (Matousek 1998), which keeps
 *                   its net properties; the jitter places the point inside its cell of width
 *                   2^-30. At most bmc_design_sobol_max_dims() dimensions (GSL's limit, 40);
 *                   GSL itself does not refuse more (gsl_qrng_alloc ignores the failed
 *                   initialisation and its points are then garbage), so the check is here.
 * Coordinates lie in (0, 1), never on either end. */

enum bmc_design_kind {
    BMC_DESIGN_PLAIN,
    BMC_DESIGN_LATIN_HYPERCUBE,
    BMC_DESIGN_SOBOL,
    BMC_DESIGN_COUNT
};

/* "plain", "latin_hypercube", "sobol" (the names in run.design). */
extern const char *const bmc_design_names[BMC_DESIGN_COUNT];

typedef struct bmc_design bmc_design;

/* size: latin_hypercube, the points per hypercube (>= 1); sobol, how many points will be asked
 * for (indices 0..size-1, at most 2^30); plain, ignored. BMC_ECONFIG for sobol with more than
 * bmc_design_sobol_max_dims() dimensions or too many points, BMC_ENOMEM. */
int bmc_design_create(enum bmc_design_kind kind, uint64_t seed, int dims, int64_t size,
                      bmc_design **out, bmc_err *err);
void bmc_design_free(bmc_design *d);

enum bmc_design_kind bmc_design_kind_of(const bmc_design *d);
int bmc_design_dims(const bmc_design *d);
int64_t bmc_design_size(const bmc_design *d);

/* Coordinate dim (0..dims-1) of point s >= 0 (sobol: s < size), from jitter in (0, 1). */
double bmc_design_uniform(const bmc_design *d, int64_t s, int dim, double jitter);

/* The most dimensions GSL's Sobol generator supports. */
int bmc_design_sobol_max_dims(void);

#endif
