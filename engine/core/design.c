#include "design.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_qrng.h>

const char *const bmc_design_names[BMC_DESIGN_COUNT] = {"plain", "latin_hypercube", "sobol"};

#define SOBOL_BITS 30 /* GSL's Sobol numerators have 30 bits */
#define SOBOL_MAX_POINTS (INT64_C(1) << SOBOL_BITS)

struct bmc_design {
    enum bmc_design_kind kind;
    uint64_t seed;
    int dims;
    int64_t size;
    /* latin_hypercube: the Feistel domain is 2^(2 half_bits) >= size */
    int half_bits;
    /* sobol: scrambled direction numbers dir[k * dims + d] for k < n_dir, and the shifts */
    int n_dir;
    uint32_t *dir;
    uint32_t *shift;
};

/* SplitMix64's finaliser: a bijective mix of 64 bits (Steele, Lea, Flood 2014). */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* The design's random bits, keyed by its seed and a purpose; independent of the scenario
 * streams, which it never touches. */
static uint64_t design_bits(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    return mix64(mix64(mix64(seed ^ 0x6A09E667F3BCC909u) ^ a) ^ (b * 0x9E3779B97F4A7C15u)) ^
           mix64(c + 0xD1B54A32D192ED03u);
}

static double open_unit(double u)
{
    /* (cell + jitter) / cells can round up to exactly 1 when the jitter is close to 1 */
    return u < 1 ? u : nextafter(1.0, 0.0);
}

/* ---- latin hypercube: a keyed permutation of 0..size-1 without a table ---- */

static uint64_t feistel(uint64_t key, int half_bits, uint64_t x)
{
    uint64_t mask = (UINT64_C(1) << half_bits) - 1;
    uint64_t l = x >> half_bits, r = x & mask;
    for (int round = 0; round < 6; round++) {
        uint64_t f = mix64(key ^ mix64(r + (uint64_t)round * 0x632BE59BD9B4E019u)) & mask;
        uint64_t t = l ^ f;
        l = r;
        r = t;
    }
    return (l << half_bits) | r;
}

/* A bijection of [0, 2^(2 half)) restricted to [0, size) by cycle walking: apply it again
 * until the value falls inside, which keeps it a bijection of [0, size). */
static int64_t permute(const bmc_design *d, uint64_t key, int64_t j)
{
    uint64_t x = (uint64_t)j;
    do
        x = feistel(key, d->half_bits, x);
    while (x >= (uint64_t)d->size);
    return (int64_t)x;
}

static double lhs_uniform(const bmc_design *d, int64_t s, int dim, double jitter)
{
    int64_t h = s / d->size, j = s % d->size;
    uint64_t key = design_bits(d->seed, 1, (uint64_t)h, (uint64_t)dim);
    return open_unit(((double)permute(d, key, j) + jitter) / (double)d->size);
}

/* ---- scrambled Sobol ---- */

/* Direction numbers recovered from GSL's own points: its point j is the XOR of the direction
 * numbers at the set bits of gray(j + 1), so point j XOR point j - 1 is direction number
 * ctz(j + 1), and j = 2^k - 1 yields number k. */
static int sobol_directions(bmc_design *d, bmc_err *err)
{
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)d->dims);
    double *x = malloc((size_t)d->dims * sizeof *x);
    uint32_t *prev = calloc((size_t)d->dims, sizeof *prev);
    if (!q || !x || !prev) {
        gsl_qrng_free(q);
        free(x);
        free(prev);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the Sobol design");
    }
    int64_t steps = INT64_C(1) << (d->n_dir - 1);
    for (int64_t j = 0; j < steps; j++) {
        gsl_qrng_get(q, x);
        int k = (j + 1) & j ? -1 : __builtin_ctzll((unsigned long long)(j + 1));
        for (int dim = 0; dim < d->dims; dim++) {
            uint32_t num = (uint32_t)ldexp(x[dim], SOBOL_BITS);
            if (k >= 0)
                d->dir[(size_t)k * d->dims + dim] = num ^ prev[dim];
            prev[dim] = num;
        }
    }
    gsl_qrng_free(q);
    free(x);
    free(prev);
    return BMC_OK;
}

static int parity32(uint32_t v)
{
    return __builtin_parity(v);
}

/* y = L x over GF(2) for a random lower unit-triangular L on the 30 binary digits (digit r,
 * weight 2^-r, is bit 30 - r of the numerator): digit r of y is digit r of x plus a random
 * subset of the digits before it. */
static uint32_t lms_apply(const uint32_t *rows, uint32_t x)
{
    uint32_t y = 0;
    for (int r = 1; r <= SOBOL_BITS; r++) {
        int bit = SOBOL_BITS - r;
        uint32_t own = (x >> bit) & 1u;
        y |= (uint32_t)((own ^ (uint32_t)parity32(rows[r - 1] & x)) << bit);
    }
    return y;
}

static void sobol_scramble(bmc_design *d)
{
    uint32_t full = (UINT32_C(1) << SOBOL_BITS) - 1;
    for (int dim = 0; dim < d->dims; dim++) {
        uint32_t rows[SOBOL_BITS];
        for (int r = 1; r <= SOBOL_BITS; r++) {
            uint32_t above = full & ~((UINT32_C(1) << (SOBOL_BITS + 1 - r)) - 1);
            rows[r - 1] = (uint32_t)design_bits(d->seed, 2, (uint64_t)dim, (uint64_t)r) & above;
        }
        for (int k = 0; k < d->n_dir; k++) {
            uint32_t *v = &d->dir[(size_t)k * d->dims + dim];
            *v = lms_apply(rows, *v);
        }
        d->shift[dim] = (uint32_t)design_bits(d->seed, 3, (uint64_t)dim, 0) & full;
    }
}

static double sobol_uniform(const bmc_design *d, int64_t s, int dim, double jitter)
{
    if (s >= (INT64_C(1) << d->n_dir))
        return NAN;
    uint64_t g = (uint64_t)s ^ ((uint64_t)s >> 1);
    uint32_t x = d->shift[dim];
    for (int k = 0; g; k++, g >>= 1)
        if (g & 1)
            x ^= d->dir[(size_t)k * d->dims + dim];
    return open_unit(ldexp((double)x + jitter, -SOBOL_BITS));
}

/* ---- the design ---- */

int bmc_design_sobol_max_dims(void)
{
    return (int)gsl_qrng_sobol->max_dimension;
}

int bmc_design_create(enum bmc_design_kind kind, uint64_t seed, int dims, int64_t size,
                      bmc_design **out, bmc_err *err)
{
    *out = NULL;
    if (kind < 0 || kind >= BMC_DESIGN_COUNT || dims < 0)
        return bmc_fail(err, BMC_EINTERNAL, "bad design (kind %d, %d dimensions)", kind, dims);
    if (kind != BMC_DESIGN_PLAIN && size < 1)
        return bmc_fail(err, BMC_EINTERNAL, "a %s design needs a size, got %lld",
                        bmc_design_names[kind], (long long)size);
    if (kind == BMC_DESIGN_SOBOL && dims > bmc_design_sobol_max_dims())
        return bmc_fail(err, BMC_ECONFIG,
                        "the sobol design supports at most %d sampled parameters (GSL's Sobol "
                        "sequence), this run samples %d: use latin_hypercube or plain",
                        bmc_design_sobol_max_dims(), dims);
    if (kind == BMC_DESIGN_SOBOL && size > SOBOL_MAX_POINTS)
        return bmc_fail(err, BMC_ECONFIG,
                        "the sobol design supports at most 2^%d scenarios, this run asks for "
                        "%lld",
                        SOBOL_BITS, (long long)size);
    bmc_design *d = calloc(1, sizeof *d);
    if (!d)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the design");
    d->kind = kind;
    d->seed = seed;
    d->dims = dims;
    d->size = size;
    if (kind == BMC_DESIGN_LATIN_HYPERCUBE) {
        int bits = 0;
        while ((INT64_C(1) << bits) < size)
            bits++;
        d->half_bits = bits < 2 ? 1 : (bits + 1) / 2; /* domain 2^(2 half) < 4 size */
    }
    if (kind == BMC_DESIGN_SOBOL && dims > 0) {
        d->n_dir = 1;
        while ((INT64_C(1) << d->n_dir) < size)
            d->n_dir++;
        d->dir = calloc((size_t)d->n_dir * (size_t)dims, sizeof *d->dir);
        d->shift = calloc((size_t)dims, sizeof *d->shift);
        int rc = d->dir && d->shift
                     ? sobol_directions(d, err)
                     : bmc_fail(err, BMC_ENOMEM, "out of memory for the Sobol design");
        if (rc != BMC_OK) {
            bmc_design_free(d);
            return rc;
        }
        sobol_scramble(d);
    }
    *out = d;
    return BMC_OK;
}

void bmc_design_free(bmc_design *d)
{
    if (!d)
        return;
    free(d->dir);
    free(d->shift);
    free(d);
}

enum bmc_design_kind bmc_design_kind_of(const bmc_design *d)
{
    return d->kind;
}

int bmc_design_dims(const bmc_design *d)
{
    return d->dims;
}

int64_t bmc_design_size(const bmc_design *d)
{
    return d->size;
}

double bmc_design_uniform(const bmc_design *d, int64_t s, int dim, double jitter)
{
    switch (d->kind) {
    case BMC_DESIGN_LATIN_HYPERCUBE:
        return lhs_uniform(d, s, dim, jitter);
    case BMC_DESIGN_SOBOL:
        return sobol_uniform(d, s, dim, jitter);
    default:
        return jitter;
    }
}
