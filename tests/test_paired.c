/* Paired comparisons of a policy variant: counts worked out by hand on a small pair of
 * blocks, and merges (bmc_paired_merge, or adding the raw state arrays as MPI_Reduce does)
 * equal to the whole in any split and order, as the MPI ranks of a run merge them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "paired.h"
#include "results.h"

#define NDAYS 100
#define TARGET 50
#define N 12

/* reference and variant completion days; -1 = not by the horizon */
static const int32_t ref_day[N] = {10, 20, 30, 40, 50, 60, -1, -1, 45, 70, 5, 99};
static const int32_t var_day[N] = {12, 20, 25, -1, 55, 40, -1, 30, 45, 90, 5, 0};

static bmc_layout layout(void)
{
    bmc_layout l;
    memset(&l, 0, sizeof l);
    return l;
}

/* Scenarios [first, first + count) of both blocks. */
static void fill(bmc_result_block *ref, bmc_result_block *var, int first, int count)
{
    bmc_result_block_reset(ref, first);
    bmc_result_block_reset(var, first);
    for (int i = 0; i < count; i++) {
        ref->completion_day[i] = ref_day[first + i];
        var->completion_day[i] = var_day[first + i];
    }
    ref->count = var->count = count;
}

static bmc_paired *paired_of(const int *firsts, const int *counts, int n)
{
    bmc_layout l = layout();
    bmc_result_block *ref = bmc_result_block_alloc(&l, N), *var = bmc_result_block_alloc(&l, N);
    assert_non_null(ref);
    assert_non_null(var);
    bmc_paired *p;
    bmc_err err;
    assert_int_equal(bmc_paired_create(NDAYS, TARGET, &p, &err), BMC_OK);
    for (int k = 0; k < n; k++) {
        fill(ref, var, firsts[k], counts[k]);
        assert_int_equal(bmc_paired_add(p, ref, var, &err), BMC_OK);
    }
    bmc_result_block_free(ref);
    bmc_result_block_free(var);
    return p;
}

static void assert_same_state(bmc_paired *a, bmc_paired *b)
{
    size_t na, nb;
    const int64_t *ca = bmc_paired_state(a, &na), *cb = bmc_paired_state(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ca, cb, na * sizeof *ca);
}

static void test_known_counts(void **state)
{
    (void)state;
    const int first = 0, count = N;
    bmc_paired *p = paired_of(&first, &count, 1);
    bmc_paired_counts c;
    bmc_paired_get_counts(p, &c);
    /* later: 0, 3 (never after day 40), 4, 9; earlier: 2, 5, 7 (day 30 before never), 11;
     * tied: 1, 6 (both never), 8, 10 */
    assert_int_equal(c.n, N);
    assert_int_equal(c.later, 4);
    assert_int_equal(c.earlier, 4);
    assert_int_equal(c.tied, 4);
    assert_int_equal(c.both_complete, 9); /* all but 3, 6, 7 */
    /* by day 50: reference 0-4, 8, 10; variant 0-2, 5, 7, 8, 10, 11 */
    assert_int_equal(c.target_reference_only, 2); /* 3, 4 */
    assert_int_equal(c.target_variant_only, 3);   /* 5, 7, 11 */
    const int64_t *d = bmc_paired_diff_counts(p);
    assert_int_equal(d[NDAYS + 0], 3);  /* 1, 8, 10 */
    assert_int_equal(d[NDAYS + 2], 1);  /* 0 */
    assert_int_equal(d[NDAYS + 5], 1);  /* 4 */
    assert_int_equal(d[NDAYS - 5], 1);  /* 2 */
    assert_int_equal(d[NDAYS - 20], 1); /* 5 */
    assert_int_equal(d[NDAYS + 20], 1); /* 9 */
    assert_int_equal(d[NDAYS - 99], 1); /* 11 */
    bmc_paired_free(p);
}

static void test_merge_equals_whole(void **state)
{
    (void)state;
    const int first = 0, count = N;
    bmc_paired *whole = paired_of(&first, &count, 1);
    /* two ranks: blocks 0-4 and 9-11 on one, 5-8 on the other */
    const int f1[] = {0, 9}, c1[] = {5, 3}, f2[] = {5}, c2[] = {4};
    bmc_paired *a = paired_of(f1, c1, 2), *b = paired_of(f2, c2, 1);
    bmc_err err;
    assert_int_equal(bmc_paired_merge(a, b, &err), BMC_OK);
    assert_same_state(whole, a);
    /* the raw arrays added element by element, blocks in reverse order */
    const int f3[] = {7, 0}, c3[] = {5, 3}, f4[] = {3}, c4[] = {4};
    bmc_paired *x = paired_of(f3, c3, 2), *y = paired_of(f4, c4, 1);
    size_t nx, ny;
    int64_t *sx = bmc_paired_state(x, &nx), *sy = bmc_paired_state(y, &ny);
    assert_int_equal(nx, ny);
    for (size_t i = 0; i < nx; i++)
        sx[i] += sy[i];
    assert_same_state(whole, x);
    /* every statistic read off the merged state is the whole's */
    double qw[3], qx[3], tw[3], tx[3];
    bmc_paired_quantile(whole, 50, &qw[0], &qw[1], &qw[2]);
    bmc_paired_quantile(x, 50, &qx[0], &qx[1], &qx[2]);
    bmc_paired_target_difference(whole, tw);
    bmc_paired_target_difference(x, tx);
    assert_memory_equal(qw, qx, sizeof qw);
    assert_memory_equal(tw, tx, sizeof tw);
    bmc_paired *all[] = {whole, a, b, x, y};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        bmc_paired_free(all[i]);
}

static void test_merge_of_another_shape(void **state)
{
    (void)state;
    const int first = 0, count = N;
    bmc_paired *p = paired_of(&first, &count, 1), *ref = paired_of(&first, &count, 1), *q;
    bmc_err err;
    assert_int_equal(bmc_paired_create(NDAYS + 1, TARGET, &q, &err), BMC_OK);
    assert_int_equal(bmc_paired_merge(p, q, &err), BMC_EINTERNAL);
    bmc_paired_free(q);
    assert_int_equal(bmc_paired_create(NDAYS, TARGET - 1, &q, &err), BMC_OK);
    assert_int_equal(bmc_paired_merge(p, q, &err), BMC_EINTERNAL);
    assert_same_state(p, ref);
    bmc_paired_free(q);
    bmc_paired_free(p);
    bmc_paired_free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_counts),
        cmocka_unit_test(test_merge_equals_whole),
        cmocka_unit_test(test_merge_of_another_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
