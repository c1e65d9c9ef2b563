#include "rng.h"

#include <stdlib.h>

#include "rng_inline.h"

/* Philox4x32-10 (Salmon et al., SC'11, the Random123 reference): ten rounds of two 32x32->64
 * multiplications, key bumped by the Weyl constants between rounds. Lanes are consecutive
 * counter blocks and independent, so they run side by side instead of as one latency-bound
 * chain. tests/test_samplers.c checks both versions against Random123's philox4x32(). */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void bmc_philox_refill_portable(bmc_philox_state *s)
{
    enum { L = BMC_PHILOX_LANES };
    uint32_t x0[L], x1[L], x2[L], x3[L];
    for (int l = 0; l < L; l++) {
        x0[l] = s->ctr[0] + (uint32_t)l; /* wraps like Random123's counter increment */
        x1[l] = s->ctr[1];
        x2[l] = s->ctr[2];
        x3[l] = s->ctr[3];
    }
    uint32_t k0 = s->key[0], k1 = s->key[1];
    for (int round = 0; round < 10; round++) {
        for (int l = 0; l < L; l++) {
            uint64_t p0 = (uint64_t)x0[l] * PHILOX_M0, p1 = (uint64_t)x2[l] * PHILOX_M1;
            uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1[l] ^ k0;
            uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3[l] ^ k1;
            x1[l] = (uint32_t)p1;
            x3[l] = (uint32_t)p0;
            x0[l] = y0;
            x2[l] = y2;
        }
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    for (int l = 0; l < L; l++) {
        s->buf[4 * l + 0] = x0[l];
        s->buf[4 * l + 1] = x1[l];
        s->buf[4 * l + 2] = x2[l];
        s->buf[4 * l + 3] = x3[l];
    }
    s->ctr[0] += L;
    s->next = 0;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BMC_PHILOX_AVX2 1
#include <immintrin.h>

/* hi and lo words of the eight products x * m: vpmuludq multiplies the even 32-bit lanes,
 * so the odd lanes go through a shifted copy */
__attribute__((target("avx2"))) static inline void mulhilo8(__m256i x, __m256i m, __m256i *hi,
                                                            __m256i *lo)
{
    __m256i even = _mm256_mul_epu32(x, m);
    __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

/* The same eight blocks with one block per 32-bit lane of an AVX2 register. */
__attribute__((target("avx2"))) static void refill_avx2(bmc_philox_state *s)
{
    _Static_assert(BMC_PHILOX_LANES == 8, "one block per 32-bit lane of a 256-bit register");
    __m256i x0 = _mm256_add_epi32(_mm256_set1_epi32((int)s->ctr[0]),
                                  _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
    __m256i x1 = _mm256_set1_epi32((int)s->ctr[1]);
    __m256i x2 = _mm256_set1_epi32((int)s->ctr[2]);
    __m256i x3 = _mm256_set1_epi32((int)s->ctr[3]);
    const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M0), m1 = _mm256_set1_epi32((int)PHILOX_M1);
    uint32_t k0 = s->key[0], k1 = s->key[1];
    for (int round = 0; round < 10; round++) {
        __m256i hi0, lo0, hi1, lo1;
        mulhilo8(x0, m0, &hi0, &lo0);
        mulhilo8(x2, m1, &hi1, &lo1);
        x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32((int)k0));
        x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32((int)k1));
        x1 = lo1;
        x3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    /* transpose words-by-lane into blocks: buf[4 l + j] = word j of block l */
    __m256i t0 = _mm256_unpacklo_epi32(x0, x1), t1 = _mm256_unpacklo_epi32(x2, x3);
    __m256i t2 = _mm256_unpackhi_epi32(x0, x1), t3 = _mm256_unpackhi_epi32(x2, x3);
    __m256i b0 = _mm256_unpacklo_epi64(t0, t1); /* blocks 0 and 4 */
    __m256i b1 = _mm256_unpackhi_epi64(t0, t1); /* blocks 1 and 5 */
    __m256i b2 = _mm256_unpacklo_epi64(t2, t3); /* blocks 2 and 6 */
    __m256i b3 = _mm256_unpackhi_epi64(t2, t3); /* blocks 3 and 7 */
    __m256i *out = (__m256i *)(void *)s->buf;
    _mm256_storeu_si256(out + 0, _mm256_permute2x128_si256(b0, b1, 0x20));
    _mm256_storeu_si256(out + 1, _mm256_permute2x128_si256(b2, b3, 0x20));
    _mm256_storeu_si256(out + 2, _mm256_permute2x128_si256(b0, b1, 0x31));
    _mm256_storeu_si256(out + 3, _mm256_permute2x128_si256(b2, b3, 0x31));
    s->ctr[0] += BMC_PHILOX_LANES;
    s->next = 0;
}
#endif

void bmc_philox_refill(bmc_philox_state *s)
{
#ifdef BMC_PHILOX_AVX2
    if (__builtin_cpu_supports("avx2")) {
        refill_avx2(s);
        return;
    }
#endif
    bmc_philox_refill_portable(s);
}

static unsigned long philox_get(void *vstate)
{
    bmc_philox_state *s = vstate;
    if (s->next == BMC_PHILOX_BUF)
        bmc_philox_refill(s);
    return s->buf[s->next++];
}

/* [0, 1): at most (2^32 - 1) / 2^32, exact in a double, so never 1.0. */
static double philox_get_double(void *vstate)
{
    return (double)philox_get(vstate) / 4294967296.0;
}

static void key_state(bmc_philox_state *s, uint64_t seed, uint64_t scenario, unsigned purpose)
{
    s->key[0] = (uint32_t)seed;
    s->key[1] = (uint32_t)(seed >> 32);
    s->ctr[0] = 0;
    s->ctr[1] = purpose;
    s->ctr[2] = (uint32_t)scenario;
    s->ctr[3] = (uint32_t)(scenario >> 32);
    s->next = BMC_PHILOX_BUF;
}

static void philox_set(void *vstate, unsigned long seed)
{
    key_state(vstate, (uint64_t)seed, 0, 0);
}

static const gsl_rng_type philox_type = {
    .name = "philox4x32-10-bmc",
    .max = 0xffffffffUL,
    .min = 0,
    .size = sizeof(bmc_philox_state),
    .set = &philox_set,
    .get = &philox_get,
    .get_double = &philox_get_double,
};

const gsl_rng_type *const bmc_rng_philox = &philox_type;

static const char *const PURPOSE_NAMES[BMC_STREAM_COUNT] = {
    "parameters", "intake", "staff", "voorfase", "production", "outcomes", "withdrawals",
    "remands",
};

const char *bmc_purpose_name(enum bmc_purpose p)
{
    return (unsigned)p < BMC_STREAM_COUNT ? PURPOSE_NAMES[p] : "?";
}

/* Built by hand rather than by gsl_rng_alloc, which calls GSL's error handler (abort by
 * default) when out of memory: this returns NULL as rng.h says. gsl_rng_free frees exactly
 * these two blocks. Keyed like gsl_rng_alloc's default seed 0. */
gsl_rng *bmc_stream_alloc(void)
{
    gsl_rng *r = malloc(sizeof *r);
    void *state = malloc(sizeof(bmc_philox_state));
    if (!r || !state) {
        free(r);
        free(state);
        return NULL;
    }
    r->type = bmc_rng_philox;
    r->state = state;
    bmc_stream_key(r, 0, 0, BMC_STREAM_PARAMETERS);
    return r;
}

void bmc_stream_key(gsl_rng *r, uint64_t seed, uint64_t scenario, enum bmc_purpose purpose)
{
    key_state(r->state, seed, scenario, (unsigned)purpose);
}

uint32_t bmc_stream_next_u32(gsl_rng *r)
{
    return (uint32_t)philox_get(r->state);
}
