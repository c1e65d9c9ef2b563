/* Sampling designs: the strata that a Latin hypercube and a Sobol net must fill exactly once,
 * the Sobol points against GSL's own sequence, and the refusals. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_qrng.h>

#include "design.h"

static bmc_design *make(enum bmc_design_kind kind, uint64_t seed, int dims, int64_t size)
{
    bmc_design *d = NULL;
    bmc_err err = {{0}};
    int rc = bmc_design_create(kind, seed, dims, size, &d, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    return d;
}

/* Every stratum [j / H, (j + 1) / H) of dimension dim holds exactly one of points
 * first..first+H-1. */
static void assert_stratified(const bmc_design *d, int64_t first, int64_t H, int dim,
                              double jitter)
{
    char *seen = calloc((size_t)H, 1);
    assert_non_null(seen);
    for (int64_t s = first; s < first + H; s++) {
        double u = bmc_design_uniform(d, s, dim, jitter);
        assert_true(u > 0 && u < 1);
        int64_t j = (int64_t)floor(u * (double)H);
        assert_true(j >= 0 && j < H);
        if (seen[j])
            fail_msg("dimension %d: stratum %lld twice (point %lld)", dim, (long long)j,
                     (long long)s);
        seen[j] = 1;
    }
    free(seen);
}

static void test_plain_is_the_jitter(void **state)
{
    bmc_design *d = make(BMC_DESIGN_PLAIN, 1, 3, 0);
    assert_true(bmc_design_uniform(d, 12345, 2, 0.3125) == 0.3125);
    bmc_design_free(d);
}

static void test_latin_hypercube_strata(void **state)
{
    const int64_t sizes[] = {1, 2, 7, 1000, 4096};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        int64_t H = sizes[t];
        bmc_design *d = make(BMC_DESIGN_LATIN_HYPERCUBE, 42, 6, H);
        for (int dim = 0; dim < 6; dim++) {
            assert_stratified(d, 0, H, dim, 0.5);
            assert_stratified(d, H, H, dim, 0.999); /* the next hypercube, jitter near 1 */
        }
        bmc_design_free(d);
    }
}

/* Different hypercubes, dimensions and seeds get different permutations, and the pairing of
 * dimensions looks independent: Spearman's rho of two dimensions has sd 1/sqrt(H - 1) under
 * independence, so 4 sd bounds it. */
static void test_latin_hypercube_independence(void **state)
{
    int64_t H = 2000;
    bmc_design *d = make(BMC_DESIGN_LATIN_HYPERCUBE, 7, 3, H);
    bmc_design *e = make(BMC_DESIGN_LATIN_HYPERCUBE, 8, 3, H);
    double sxy = 0;
    int same_cube = 0, same_seed = 0;
    for (int64_t s = 0; s < H; s++) {
        double a = floor(bmc_design_uniform(d, s, 0, 0.5) * H);
        double b = floor(bmc_design_uniform(d, s, 1, 0.5) * H);
        sxy += (a - (H - 1) / 2.0) * (b - (H - 1) / 2.0);
        same_cube += bmc_design_uniform(d, s, 0, 0.5) == bmc_design_uniform(d, s + H, 0, 0.5);
        same_seed += bmc_design_uniform(d, s, 0, 0.5) == bmc_design_uniform(e, s, 0, 0.5);
        /* a pure function of (seed, size, point, dimension) */
        assert_true(bmc_design_uniform(d, s, 2, 0.25) == bmc_design_uniform(d, s, 2, 0.25));
    }
    double var = ((double)H * H - 1) / 12.0;
    double rho = sxy / (H * var);
    assert_true(fabs(rho) < 4 / sqrt(H - 1.0));
    /* a coincidence has probability 1/H per point: a handful at most */
    assert_true(same_cube < 10);
    assert_true(same_seed < 10);
    bmc_design_free(d);
    bmc_design_free(e);
}

/* The first 2^m points of a Sobol sequence are a (0, m, 1)-net in each dimension and, in the
 * first two dimensions, a (0, m, 2)-net: every box [a 2^-i, (a + 1) 2^-i) x
 * [b 2^-(m-i), (b + 1) 2^-(m-i)) holds exactly one point. Scrambling by a lower-triangular
 * matrix and a digital shift keeps both. */
static void test_sobol_nets(void **state)
{
    int m = 12, dims = bmc_design_sobol_max_dims();
    int64_t N = INT64_C(1) << m;
    bmc_design *d = make(BMC_DESIGN_SOBOL, 20260612, dims, N);
    for (int dim = 0; dim < dims; dim++)
        assert_stratified(d, 0, N, dim, 0.5);
    for (int i = 0; i <= m; i++) {
        char *seen = calloc((size_t)N, 1);
        assert_non_null(seen);
        for (int64_t s = 0; s < N; s++) {
            int64_t a = (int64_t)floor(ldexp(bmc_design_uniform(d, s, 0, 0.5), i));
            int64_t b = (int64_t)floor(ldexp(bmc_design_uniform(d, s, 1, 0.5), m - i));
            int64_t box = (a << (m - i)) | b;
            assert_false(seen[box]);
            seen[box] = 1;
        }
        free(seen);
    }
    bmc_design_free(d);
}

static int leading_bit(uint32_t x)
{
    return x ? 31 - __builtin_clz(x) : -1;
}

/* Against GSL's own points: the scrambled point s is shift + L raw(s) with L lower
 * unit-triangular on the binary digits, so point s minus point 0 (XOR) has the same leading
 * digit as GSL's raw point, which is GSL's (s - 1)-th output. */
static void test_sobol_follows_gsl(void **state)
{
    int dims = bmc_design_sobol_max_dims();
    int64_t N = 4096;
    bmc_design *d = make(BMC_DESIGN_SOBOL, 99, dims, N);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dims);
    assert_non_null(q);
    double x[64];
    for (int64_t s = 1; s < N; s++) {
        assert_int_equal(gsl_qrng_get(q, x), GSL_SUCCESS);
        for (int dim = 0; dim < dims; dim++) {
            uint32_t raw = (uint32_t)ldexp(x[dim], 30);
            uint32_t p0 = (uint32_t)floor(ldexp(bmc_design_uniform(d, 0, dim, 0.5), 30));
            uint32_t ps = (uint32_t)floor(ldexp(bmc_design_uniform(d, s, dim, 0.5), 30));
            if (leading_bit(ps ^ p0) != leading_bit(raw))
                fail_msg("point %lld dimension %d: leading digit %d, GSL's %d", (long long)s,
                         dim, leading_bit(ps ^ p0), leading_bit(raw));
        }
    }
    gsl_qrng_free(q);
    /* another seed scrambles differently */
    bmc_design *e = make(BMC_DESIGN_SOBOL, 100, dims, N);
    int same = 0;
    for (int64_t s = 0; s < 64; s++)
        same += bmc_design_uniform(d, s, 3, 0.5) == bmc_design_uniform(e, s, 3, 0.5);
    assert_true(same < 2);
    bmc_design_free(e);
    bmc_design_free(d);
}

static void test_refusals(void **state)
{
    bmc_design *d = NULL;
    bmc_err err = {{0}};
    int max = bmc_design_sobol_max_dims();
    assert_int_equal(max, 40);
    assert_int_equal(bmc_design_create(BMC_DESIGN_SOBOL, 1, max + 1, 100, &d, &err),
                     BMC_ECONFIG);
    assert_null(d);
    assert_non_null(strstr(err.msg, "at most 40 sampled parameters"));
    assert_int_equal(bmc_design_create(BMC_DESIGN_SOBOL, 1, 3, (INT64_C(1) << 30) + 1, &d,
                                       &err),
                     BMC_ECONFIG);
    assert_int_equal(bmc_design_create(BMC_DESIGN_LATIN_HYPERCUBE, 1, 3, 0, &d, &err),
                     BMC_EINTERNAL);
    /* points beyond the size a Sobol design was made for are refused as NaN */
    d = make(BMC_DESIGN_SOBOL, 1, 2, 16);
    assert_true(isnan(bmc_design_uniform(d, 16, 0, 0.5)));
    assert_false(isnan(bmc_design_uniform(d, 15, 0, 0.5)));
    bmc_design_free(d);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_is_the_jitter),
        cmocka_unit_test(test_latin_hypercube_strata),
        cmocka_unit_test(test_latin_hypercube_independence),
        cmocka_unit_test(test_sobol_nets),
        cmocka_unit_test(test_sobol_follows_gsl),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
