/* Keyed Philox streams (docs/model.md section 10): Random123's known answers, the documented key
 * and counter layout pinned against Random123's philox4x32(), the gsl_rng type, independence
 * of purposes, re-keying, and uniformity at bounds justified below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <Random123/philox.h>

#include "rng.h"
#include "rng_inline.h"

/* The stream's documented layout, written out here independently of rng.c: key = seed (low
 * word first), counter = (block, purpose, scenario low, scenario high). */
static philox4x32_ctr_t expected_block(uint64_t seed, uint64_t scenario, enum bmc_purpose p,
                                       uint32_t block)
{
    philox4x32_ctr_t c = {{block, (uint32_t)p, (uint32_t)scenario, (uint32_t)(scenario >> 32)}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    return philox4x32(c, k);
}

static gsl_rng *keyed(uint64_t seed, uint64_t scenario, enum bmc_purpose p)
{
    gsl_rng *r = bmc_stream_alloc();
    assert_non_null(r);
    bmc_stream_key(r, seed, scenario, p);
    return r;
}

/* Random123's published known-answer vectors for philox4x32-10 (tests/kat_vectors: counter
 * words, key words, output words): zeros, all ones, and the digits of pi. */
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

/* Stream (42, 7, intake): four outputs per block in order, blocks 0, 1, 2, ... Forty blocks
 * so the comparison crosses the refill buffer of rng_inline.h several times. */
static void test_stream_known_answers(void **state)
{
    (void)state;
    gsl_rng *r = keyed(42, 7, BMC_STREAM_INTAKE);
    philox4x32_ctr_t first = expected_block(42, 7, BMC_STREAM_INTAKE, 0);
    philox4x32_ctr_t c = {{0, 1, 7, 0}}; /* the layout spelled out for block 0 */
    philox4x32_key_t k = {{42, 0}};
    assert_memory_equal(philox4x32(c, k).v, first.v, sizeof first.v);
    for (uint32_t block = 0; block < 40; block++) {
        philox4x32_ctr_t want = expected_block(42, 7, BMC_STREAM_INTAKE, block);
        for (int j = 0; j < 4; j++)
            assert_int_equal(bmc_stream_next_u32(r), want.v[j]);
    }
    gsl_rng_free(r);
}

/* High words of seed and scenario: the low word goes first in both. */
static void test_stream_layout_high_words(void **state)
{
    (void)state;
    const uint64_t seed = 0x0123456789abcdefULL, scenario = 0x500000007ULL;
    gsl_rng *r = keyed(seed, scenario, BMC_STREAM_REMANDS);
    philox4x32_key_t k = {{0x89abcdef, 0x01234567}};
    for (uint32_t block = 0; block < 3; block++) {
        philox4x32_ctr_t c = {{block, BMC_STREAM_REMANDS, 7, 5}};
        philox4x32_ctr_t want = philox4x32(c, k);
        for (int j = 0; j < 4; j++)
            assert_int_equal(gsl_rng_get(r), want.v[j]);
    }
    gsl_rng_free(r);
}

/* A real gsl_rng_type: gsl_rng_alloc works on it, gsl_rng_set(r, s) is key (s, 0, 0),
 * gsl_rng_uniform is get / 2^32, and clone continues the same sequence. */
static void test_gsl_type(void **state)
{
    (void)state;
    assert_string_equal(bmc_rng_philox->name, "philox4x32-10-bmc");
    assert_int_equal(bmc_rng_philox->min, 0);
    assert_int_equal(bmc_rng_philox->max, 0xffffffffUL);
    gsl_rng *g = gsl_rng_alloc(bmc_rng_philox), *s = bmc_stream_alloc();
    assert_non_null(g);
    assert_string_equal(gsl_rng_name(g), "philox4x32-10-bmc");
    assert_int_equal(gsl_rng_max(g), 0xffffffffUL);
    /* a fresh stream is keyed as by gsl_rng_set(r, 0) */
    gsl_rng_set(g, 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(gsl_rng_get(g), gsl_rng_get(s));
    const unsigned long seeds[] = {0, 1, 20260612, (unsigned long)-1};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        gsl_rng_set(g, seeds[i]);
        bmc_stream_key(s, seeds[i], 0, BMC_STREAM_PARAMETERS);
        for (int j = 0; j < 50; j++) {
            uint32_t u = bmc_stream_next_u32(s);
            if (j % 2)
                assert_true(gsl_rng_uniform(g) == u / 4294967296.0);
            else
                assert_int_equal(gsl_rng_get(g), u);
        }
    }
    /* clone in the middle of a block and of the refill buffer */
    gsl_rng *c = gsl_rng_clone(g);
    assert_non_null(c);
    for (int i = 0; i < 100; i++)
        assert_int_equal(gsl_rng_get(c), gsl_rng_get(g));
    gsl_rng_free(c);
    gsl_rng_free(g);
    gsl_rng_free(s);
}

/* get_double at the largest output is still below 1 (the state is made by hand). */
static void test_uniform_never_one(void **state)
{
    (void)state;
    bmc_philox_state st;
    memset(&st, 0, sizeof st);
    for (int i = 0; i < BMC_PHILOX_BUF; i++)
        st.buf[i] = 0xffffffffu;
    st.next = 0;
    double u = bmc_rng_philox->get_double(&st);
    assert_true(u < 1.0);
    assert_true(u == 1.0 - 0x1p-32);
}

/* What purpose P gives depends on (seed, scenario, P) only: 0, 1000 or 1001 extra draws from
 * another purpose, on the same gsl_rng re-keyed or on its own, change nothing. */
static void test_purposes_independent(void **state)
{
    (void)state;
    uint32_t ref[100];
    gsl_rng *r = keyed(42, 3, BMC_STREAM_PRODUCTION);
    for (int i = 0; i < 100; i++)
        ref[i] = bmc_stream_next_u32(r);
    const int extra[] = {0, 1000, 1001};
    for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
        bmc_stream_key(r, 42, 3, BMC_STREAM_STAFF);
        for (int i = 0; i < extra[e]; i++)
            (void)gsl_rng_uniform(r);
        bmc_stream_key(r, 42, 3, BMC_STREAM_PRODUCTION);
        for (int i = 0; i < 100; i++)
            assert_int_equal(bmc_stream_next_u32(r), ref[i]);
    }
    /* two live streams, one drawn ahead by 1000 */
    gsl_rng *a = keyed(42, 3, BMC_STREAM_STAFF), *b = keyed(42, 3, BMC_STREAM_PRODUCTION);
    for (int i = 0; i < 1000; i++)
        (void)gsl_ran_gaussian(a, 1.0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(bmc_stream_next_u32(b), ref[i]);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(r);
}

/* Different (seed, scenario, purpose) give different numbers: of the first 64 outputs of any
 * two of these streams, fewer than 3 coincide (a chance match has probability 64^2 / 2^32). */
static void test_streams_differ(void **state)
{
    (void)state;
    enum { N = 64, K = 2 + 2 + BMC_STREAM_COUNT };
    uint32_t out[K][N];
    gsl_rng *r = bmc_stream_alloc();
    assert_non_null(r);
    for (int k = 0; k < K; k++) {
        uint64_t seed = k == 0 ? 43 : k == 1 ? (42ULL | 1ULL << 32) : 42;
        uint64_t scenario = k == 2 ? 4 : k == 3 ? (3ULL | 1ULL << 32) : 3;
        int p = k < 4 ? BMC_STREAM_STAFF : k - 4;
        bmc_stream_key(r, seed, scenario, (enum bmc_purpose)p);
        for (int i = 0; i < N; i++)
            out[k][i] = bmc_stream_next_u32(r);
    }
    for (int a = 0; a < K; a++)
        for (int b = a + 1; b < K; b++) {
            int same = 0;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++)
                    same += out[a][i] == out[b][j];
            assert_true(same < 3);
        }
    gsl_rng_free(r);
}

/* Re-keying to the same triple, from anywhere in another stream, starts it over exactly. */
static void test_rekey_reproduces(void **state)
{
    (void)state;
    uint32_t first[200];
    gsl_rng *r = keyed(7, 123456789012ULL, BMC_STREAM_OUTCOMES);
    for (int i = 0; i < 200; i++)
        first[i] = bmc_stream_next_u32(r);
    for (int skip = 0; skip < 70; skip += 13) {
        bmc_stream_key(r, 8, 1, BMC_STREAM_WITHDRAWALS);
        for (int i = 0; i < skip; i++)
            (void)gsl_rng_get(r);
        bmc_stream_key(r, 7, 123456789012ULL, BMC_STREAM_OUTCOMES);
        for (int i = 0; i < 200; i++)
            assert_int_equal(bmc_stream_next_u32(r), first[i]);
    }
    gsl_rng_free(r);
}

static void test_purpose_names(void **state)
{
    (void)state;
    static const char *const names[BMC_STREAM_COUNT] = {
        "parameters", "intake", "staff", "voorfase", "production", "outcomes", "withdrawals",
        "remands"};
    for (int p = 0; p < BMC_STREAM_COUNT; p++)
        assert_string_equal(bmc_purpose_name((enum bmc_purpose)p), names[p]);
    assert_string_equal(bmc_purpose_name(BMC_STREAM_COUNT), "?");
}

/* 10 bins over 100,000 uniforms from a fixed key: for a correct generator the statistic is
 * chi-square with 9 degrees of freedom, below its 0.999 quantile 27.88 but for one key in a
 * thousand (this key is fixed, so the test is deterministic). The mean of 100,000 standard
 * Gaussians from gsl_ran_gaussian on the stream is within 5 standard errors (1/sqrt(N)) of 0,
 * which a correct sampler misses with probability 6e-7. */
static void test_uniformity(void **state)
{
    (void)state;
    const int N = 100000;
    gsl_rng *r = keyed(2026, 0, BMC_STREAM_OUTCOMES);
    int bins[10] = {0};
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0 && u < 1);
        bins[(int)(u * 10)]++;
    }
    double chi2 = 0, expect = N / 10.0;
    for (int k = 0; k < 10; k++)
        chi2 += (bins[k] - expect) * (bins[k] - expect) / expect;
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
        cmocka_unit_test(test_stream_known_answers),
        cmocka_unit_test(test_stream_layout_high_words),
        cmocka_unit_test(test_gsl_type),
        cmocka_unit_test(test_uniform_never_one),
        cmocka_unit_test(test_purposes_independent),
        cmocka_unit_test(test_streams_differ),
        cmocka_unit_test(test_rekey_reproduces),
        cmocka_unit_test(test_purpose_names),
        cmocka_unit_test(test_uniformity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
