#ifndef BACKLOGMC_NORMAL_H
#define BACKLOGMC_NORMAL_H

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "rng_inline.h"
#include "ziggurat_tables.h"

/* Standard normal by the ziggurat (Marsaglia and Tsang 2000) with 256 layers of equal area
 * (engine/ziggurat_tables.h), inline so that the gamma sampler of the daily loop takes its
 * numbers from the Philox buffer without an indirect call. As Doornik (2005, "An improved
 * ziggurat method to generate normal random samples") advises, the layer and the position in
 * it come from separate bits: one 64-bit number gives the layer (8 bits), the sign (1 bit)
 * and a 53-bit position. About 99 % of draws end in the first test. */

/* The tail beyond R (Marsaglia 1964): R + a with a ~ Exp(R) accepted with probability
 * exp(-a^2 / 2). */
static inline double bmc_normal_tail(gsl_rng *r)
{
    for (;;) {
        double a = -log(bmc_rng_uniform_open(r)) / BMC_ZIG_R;
        double b = -log(bmc_rng_uniform_open(r));
        if (2 * b > a * a)
            return BMC_ZIG_R + a;
    }
}

static inline double bmc_ran_normal(gsl_rng *r)
{
    for (;;) {
        uint64_t bits = bmc_rng_u64(r);
        unsigned layer = (unsigned)(bits & 0xff);
        double sign = (bits & 0x100) ? -1.0 : 1.0;
        double u = (double)(bits >> 11) * 0x1p-53; /* [0, 1) */
        double z = u * bmc_zig_x[layer];
        if (z < bmc_zig_x[layer + 1])
            return sign * z; /* inside the layer's part wholly under the curve */
        if (layer == 0)
            return sign * bmc_normal_tail(r);
        /* the wedge: a point uniform in the layer's rectangle, under the curve or not */
        double y = bmc_zig_f[layer] +
                   bmc_rng_uniform_open(r) * (bmc_zig_f[layer + 1] - bmc_zig_f[layer]);
        if (y < exp(-0.5 * z * z))
            return sign * z;
    }
}

#endif
