#ifndef BACKLOGMC_RNG_H
#define BACKLOGMC_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Every random number of a scenario comes from a stream keyed by (master seed, scenario,
 * purpose) and nothing else (docs/model.md section 10). A stream is Philox4x32-10 in counter
 * mode: key = master seed, counter = (block, purpose, scenario low, scenario high), so
 * streams never overlap and adding draws to one purpose leaves the others unchanged.
 * The stream is a gsl_rng, so GSL's samplers work on it directly. */

enum bmc_purpose {
    BMC_STREAM_PARAMETERS = 0,
    BMC_STREAM_INTAKE,
    BMC_STREAM_STAFF,
    BMC_STREAM_VOORFASE,
    BMC_STREAM_PRODUCTION,
    BMC_STREAM_OUTCOMES,
    BMC_STREAM_WITHDRAWALS,
    BMC_STREAM_REMANDS,
    BMC_STREAM_COUNT
};

const char *bmc_purpose_name(enum bmc_purpose p);

/* The gsl_rng_type of a keyed Philox stream. gsl_rng_set() on it (seed s) is the same as
 * bmc_stream_key(r, s, 0, 0). */
extern const gsl_rng_type *const bmc_rng_philox;

/* Allocates a stream (gsl_rng_free releases it). NULL when out of memory. */
gsl_rng *bmc_stream_alloc(void);
/* Re-keys r to the start of stream (seed, scenario, purpose); no allocation. */
void bmc_stream_key(gsl_rng *r, uint64_t seed, uint64_t scenario, enum bmc_purpose purpose);
/* Raw 32-bit output (what gsl_rng_get returns). */
uint32_t bmc_stream_next_u32(gsl_rng *r);

#endif
