#ifndef BACKLOGMC_RNG_INLINE_H
#define BACKLOGMC_RNG_INLINE_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "rng.h"

/* The state of a keyed Philox stream (rng.h), visible so that the samplers can take numbers
 * without an indirect call through the gsl_rng type. Outputs are computed eight counter
 * blocks at a time and used in order, so the sequence is exactly the one-block-at-a-time
 * sequence that tests/test_rng.c pins. */

#define BMC_PHILOX_LANES 8
#define BMC_PHILOX_BUF (4 * BMC_PHILOX_LANES)

typedef struct bmc_philox_state {
    uint32_t key[2];
    uint32_t ctr[4]; /* ctr[0] = next block to compute, [1] = purpose, [2..3] = scenario */
    uint32_t buf[BMC_PHILOX_BUF];
    unsigned next;   /* index into buf; BMC_PHILOX_BUF = used up */
} bmc_philox_state;

/* Computes the next BMC_PHILOX_LANES blocks into buf and advances ctr[0] (rng.c): with AVX2
 * when the CPU has it, else the portable version, which tests also call directly. */
void bmc_philox_refill(bmc_philox_state *s);
void bmc_philox_refill_portable(bmc_philox_state *s);

static inline uint32_t bmc_rng_u32(gsl_rng *r)
{
    if (r->type != bmc_rng_philox) /* any other generator: its own get() */
        return (uint32_t)gsl_rng_get(r);
    bmc_philox_state *s = r->state;
    if (s->next == BMC_PHILOX_BUF)
        bmc_philox_refill(s);
    return s->buf[s->next++];
}

/* Two outputs, the first in the high half. */
static inline uint64_t bmc_rng_u64(gsl_rng *r)
{
    uint64_t hi = bmc_rng_u32(r);
    return hi << 32 | bmc_rng_u32(r);
}

/* Uniform on (0, 1) with 53 bits, from two outputs: for inversions whose tail must not be
 * cut at the 2^-33 of the one-output uniform below. */
static inline double bmc_rng_uniform53_open(gsl_rng *r)
{
    return ((double)(bmc_rng_u64(r) >> 11) + 0.5) * 0x1p-53;
}

/* Uniform on the open interval (0, 1), from one 32-bit output: never 0 or 1, so its log and
 * the log of its complement are finite. */
static inline double bmc_rng_uniform_open(gsl_rng *r)
{
    return ((double)bmc_rng_u32(r) + 0.5) * 0x1p-32;
}

/* Uniform integer in [0, m) for 1 <= m < 2^32, exactly: Lemire's multiply-and-reject
 * ("Fast random integer generation in an interval", ACM TOMS 2019). */
static inline uint32_t bmc_rng_below(gsl_rng *r, uint32_t m)
{
    uint64_t x = (uint64_t)bmc_rng_u32(r) * m;
    if ((uint32_t)x < m) {
        uint32_t reject_below = -m % m; /* 2^32 mod m */
        while ((uint32_t)x < reject_below)
            x = (uint64_t)bmc_rng_u32(r) * m;
    }
    return (uint32_t)(x >> 32);
}

#endif
