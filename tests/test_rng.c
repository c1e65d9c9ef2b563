/* Keyed Philox streams (MODEL.md section 10): known answers, the documented key and counter
 * layout, independence of purposes, and uniformity at sigma-justified bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <Random123/philox.h>

#include "rng.h"

/* Random123's published known-answer vectors for philox4x32-10 (kat_vectors). */
static void test_philox_known_answers(void **state)
{
    (void)state;
    static const uint32_t kat[][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
         0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
         0x94fdcceb, 0x5001e420, 0x24126ea1},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        philox4x32_ctr_t c = {{kat[i][0], kat[i][1], kat[i][2], kat[i][3]}};
        philox4x32_key_t k = {{kat[i][4], kat[i][5]}};
        philox4x32_ctr_t r = philox4x32(c, k);
        for (int j = 0; j < 4; j++)
            assert_int_equal(r.v[j], kat[i][6 + j]);
    }
}

/* The stream's layout is pinned: key = seed (low word first), counter = (block, purpose,
 * scenario low, scenario high), four outputs per block in order. */
static void test_stream_layout(void **state)
{
    (void)state;
    const uint64_t seed = 0x0123456789abcdefULL, scenario = 0x500000007ULL;
    gsl_rng *r = bmc_stream_alloc();
    assert_non_null(r);
    bmc_stream_key(r, seed, scenario, BMC_STREAM_INTAKE);
    philox4x32_key_t k = {{0x89abcdef, 0x01234567}};
    for (uint32_t block = 0; block < 3; block++) {
        philox4x32_ctr_t c = {{block, BMC_STREAM_INTAKE, 7, 5}};
        philox4x32_ctr_t want = philox4x32(c, k);
        for (int j = 0; j < 4; j++)
            assert_int_equal(gsl_rng_get(r), want.v[j]);
    }
    gsl_rng_free(r);
}

static void test_purposes_independent(void **state)
{
    (void)state;
    gsl_rng *a = bmc_stream_alloc(), *b = bmc_stream_alloc(), *c = bmc_stream_alloc();
    uint32_t first[100];
    bmc_stream_key(a, 42, 3, BMC_STREAM_STAFF);
    for (int i = 0; i < 100; i++)
        first[i] = bmc_stream_next_u32(a);
    /* drawing 1000 numbers more from another purpose leaves this one unchanged */
    bmc_stream_key(b, 42, 3, BMC_STREAM_PRODUCTION);
    for (int i = 0; i < 1000; i++)
        (void)gsl_rng_uniform(b);
    bmc_stream_key(a, 42, 3, BMC_STREAM_STAFF);
    for (int i = 0; i < 100; i++)
        assert_int_equal(bmc_stream_next_u32(a), first[i]);
    /* other seeds, scenarios and purposes give other numbers */
    const uint64_t keys[][3] = {{43, 3, BMC_STREAM_STAFF}, {42, 4, BMC_STREAM_STAFF},
                                {42, 3, BMC_STREAM_INTAKE}};
    for (size_t k = 0; k < 3; k++) {
        bmc_stream_key(c, keys[k][0], keys[k][1], (enum bmc_purpose)keys[k][2]);
        int same = 0;
        for (int i = 0; i < 100; i++)
            same += bmc_stream_next_u32(c) == first[i];
        assert_true(same < 3);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

/* 10 bins over 100,000 uniforms: chi-square with 9 degrees of freedom stays below its 0.999
 * quantile 27.88 for a correct generator (fails once in a thousand seeds; this seed is
 * fixed). The Gaussian sampler on the stream has mean 0 within 5 standard errors. */
static void test_uniformity(void **state)
{
    (void)state;
    const int N = 100000;
    gsl_rng *r = bmc_stream_alloc();
    bmc_stream_key(r, 2026, 0, BMC_STREAM_OUTCOMES);
    int bins[10] = {0};
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0 && u < 1);
        bins[(int)(u * 10)]++;
    }
    double chi2 = 0;
    for (int k = 0; k < 10; k++)
        chi2 += (bins[k] - N / 10.0) * (bins[k] - N / 10.0) / (N / 10.0);
    assert_true(chi2 < 27.88);
    double sum = 0;
    for (int i = 0; i < N; i++)
        sum += gsl_ran_gaussian(r, 1.0);
    assert_true(fabs(sum / N) < 5 / sqrt(N));
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_known_answers),
        cmocka_unit_test(test_stream_layout),
        cmocka_unit_test(test_purposes_independent),
        cmocka_unit_test(test_uniformity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
