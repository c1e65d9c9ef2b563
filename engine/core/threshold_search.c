#include "threshold_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* The search works in the "helpful" coordinate e = sign x value, in which an item that
 * succeeds keeps succeeding as e grows (when monotone): e runs over [E0, E1], and the
 * caller sees the value sign x e. */
typedef struct search {
    const bmc_threshold_options *o;
    bmc_indicator_fn f;
    void *ctx;
    int sign;
    double E0, E1, tol;
    int64_t runs;
    int64_t *items; /* [cap] a batch: items, their e, their values, their outcomes */
    double *e;
    double *values;
    unsigned char *ok;
    /* the root search's success counts by value, shared by its three bisections */
    int n_cache;
    double cache_e[256];
    int64_t cache_count[256];
} search;

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The batch items[0..n-1] at e[0..n-1]. */
static int evaluate(search *s, int64_t n, bmc_err *err)
{
    for (int64_t j = 0; j < n; j++)
        s->values[j] = s->sign * s->e[j];
    s->runs += n;
    return s->f(s->ctx, n, s->items, s->values, s->ok, err);
}

/* Items first..first+n-1 at one value (in the caller's units when sign is 0 still); ok[]
 * holds their outcomes afterwards and *count their successes. */
static int evaluate_all(search *s, double e, int64_t first, int64_t *count, bmc_err *err)
{
    int64_t n = s->o->n;
    for (int64_t i = 0; i < n; i++) {
        s->items[i] = first + i;
        s->e[i] = e;
    }
    int rc = evaluate(s, n, err);
    int64_t c = 0;
    for (int64_t i = 0; rc == BMC_OK && i < n; i++)
        c += s->ok[i];
    *count = c;
    return rc;
}

static bool reaches(const bmc_threshold_options *o, int64_t successes, int64_t n)
{
    return successes * 100 >= (int64_t)o->level * n;
}

static double midpoint(const search *s, double a, double b)
{
    return s->o->integer ? floor(a + (b - a) / 2) : a + (b - a) / 2;
}

static bool narrow(const search *s, double a, double b)
{
    return s->o->integer ? b - a <= 1 : b - a <= s->tol;
}

/* Grid points strictly inside (E0, E1), whole for an integer key, without repeats. */
static int grid_points(const search *s, double *g)
{
    const bmc_threshold_options *o = s->o;
    int k = 0;
    for (int j = 1; j <= o->check_points; j++) {
        double e = s->E0 + (s->E1 - s->E0) * j / (o->check_points + 1);
        if (o->integer)
            e = floor(e);
        if (e <= s->E0 || e >= s->E1 || (k > 0 && e <= g[k - 1]))
            continue;
        g[k++] = e;
    }
    return k;
}

void bmc_threshold_quantile(int64_t n, const double *ok, const double *fail, int level,
                            double conf, double *estimate, double *lo, double *hi)
{
    *estimate = *lo = *hi = NAN;
    if (n <= 0)
        return;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    if (a && b) {
        memcpy(a, ok, (size_t)n * sizeof *a);
        memcpy(b, fail, (size_t)n * sizeof *b);
        qsort(a, (size_t)n, sizeof *a, cmp_double);
        qsort(b, (size_t)n, sizeof *b, cmp_double);
        int64_t k = bmc_stats_quantile_rank(n, level), rlo, rhi;
        bmc_stats_quantile_ci_ranks(n, level, conf, &rlo, &rhi);
        *estimate = a[k - 1];
        *lo = rlo >= 1 ? b[rlo - 1] : -INFINITY;
        *hi = rhi <= n ? a[rhi - 1] : INFINITY;
    }
    free(a);
    free(b);
}

/* ---- the monotonicity check ---- */

/* Items 0..M-1 on the grid; an item violates when it succeeds at one point and fails at a
 * later one (the ends included). grid_ok[i * G + j] keeps the outcomes for the brackets. */
static int check_grid(search *s, const unsigned char *ok_E0, const unsigned char *ok_E1,
                      const double *g, int G, unsigned char *grid_ok, bmc_threshold_result *r,
                      bmc_err *err)
{
    int64_t M = r->check_items, k = 0;
    for (int64_t i = 0; i < M; i++)
        for (int j = 0; j < G; j++) {
            s->items[k] = i;
            s->e[k++] = g[j];
        }
    if (k > 0)
        BMC_TRY(evaluate(s, k, err));
    memcpy(grid_ok, s->ok, (size_t)k);
    for (int64_t i = 0; i < M; i++) {
        bool seen = ok_E0[i], bad = false;
        for (int j = 0; j <= G; j++) {
            bool now = j < G ? grid_ok[i * G + j] : ok_E1[i];
            bad |= seen && !now;
            seen |= now;
        }
        r->check_violations += bad;
    }
    return BMC_OK;
}

/* ---- per-item bisection ---- */

static int per_item(search *s, const unsigned char *ok_E0, const unsigned char *ok_E1,
                    const double *g, int G, const unsigned char *grid_ok, double *ok_e,
                    double *fail_e, bmc_err *err)
{
    int64_t n = s->o->n;
    for (int64_t i = 0; i < n; i++) {
        if (ok_E0[i]) {
            ok_e[i] = s->E0;
            fail_e[i] = -INFINITY;
        } else if (!ok_E1[i]) {
            ok_e[i] = INFINITY;
            fail_e[i] = s->E1;
        } else {
            fail_e[i] = s->E0;
            ok_e[i] = s->E1;
            /* the checked items start from their grid bracket */
            for (int j = 0; i < s->o->check_items && j < G; j++) {
                if (grid_ok[i * G + j] && g[j] < ok_e[i])
                    ok_e[i] = g[j];
                if (!grid_ok[i * G + j] && g[j] > fail_e[i])
                    fail_e[i] = g[j];
            }
        }
    }
    for (;;) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++)
            if (isfinite(ok_e[i]) && isfinite(fail_e[i]) && !narrow(s, fail_e[i], ok_e[i])) {
                s->items[k] = i;
                s->e[k++] = midpoint(s, fail_e[i], ok_e[i]);
            }
        if (k == 0)
            return BMC_OK;
        BMC_TRY(evaluate(s, k, err));
        for (int64_t j = 0; j < k; j++) {
            int64_t i = s->items[j];
            if (s->ok[j])
                ok_e[i] = s->e[j];
            else
                fail_e[i] = s->e[j];
        }
    }
}

/* The checked items again, around their brackets: at distances tol, 2 tol, 4 tol, ... above
 * the succeeding end each must still succeed, and below the failing end still fail, so that
 * a success that comes and goes at any scale down to the tolerance is seen. */
static int check_ladder(search *s, const double *ok_e, const double *fail_e,
                        bmc_threshold_result *r, bmc_err *err)
{
    double step0 = s->o->integer ? 1 : s->tol;
    int64_t k = 0;
    for (int64_t i = 0; i < r->check_items; i++) {
        if (!isfinite(ok_e[i]) || !isfinite(fail_e[i]))
            continue;
        for (double d = step0; ok_e[i] + d < s->E1 || fail_e[i] - d > s->E0; d *= 2) {
            if (ok_e[i] + d < s->E1) {
                s->items[k] = i;
                s->e[k++] = ok_e[i] + d;
            }
            if (fail_e[i] - d > s->E0) {
                s->items[k] = -1 - i; /* marks the failing side */
                s->e[k++] = fail_e[i] - d;
            }
        }
    }
    bool *bad = calloc((size_t)r->check_items + 1, sizeof *bad);
    if (!bad)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the monotonicity check");
    int64_t *side = malloc((size_t)k * sizeof *side + 1);
    if (!side) {
        free(bad);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the monotonicity check");
    }
    for (int64_t j = 0; j < k; j++) {
        side[j] = s->items[j];
        s->items[j] = side[j] < 0 ? -1 - side[j] : side[j];
    }
    int rc = k > 0 ? evaluate(s, k, err) : BMC_OK;
    for (int64_t j = 0; rc == BMC_OK && j < k; j++)
        if ((side[j] < 0) == (s->ok[j] != 0))
            bad[s->items[j]] = true;
    for (int64_t i = 0; rc == BMC_OK && i < r->check_items; i++)
        r->check_violations += bad[i];
    r->check_points += k;
    free(bad);
    free(side);
    return rc;
}

/* ---- the stochastic root search ---- */

static int count_at(search *s, double e, int64_t *count, bmc_err *err)
{
    for (int j = 0; j < s->n_cache; j++)
        if (s->cache_e[j] == e) {
            *count = s->cache_count[j];
            return BMC_OK;
        }
    BMC_TRY(evaluate_all(s, e, 0, count, err));
    if (s->n_cache < (int)(sizeof s->cache_e / sizeof s->cache_e[0])) {
        s->cache_e[s->n_cache] = e;
        s->cache_count[s->n_cache++] = *count;
    }
    return BMC_OK;
}

enum bound { POINT, UPPER, LOWER };

/* Does the share at count reach the target, by the point estimate or by a bound of its
 * Clopper-Pearson interval? */
static bool root_pred(const search *s, enum bound b, int64_t count)
{
    const bmc_threshold_options *o = s->o;
    if (b == POINT)
        return reaches(o, count, o->n);
    double lo, hi;
    bmc_stats_clopper_pearson(count, o->n, o->conf, &lo, &hi);
    return (b == UPPER ? hi : lo) >= o->level / 100.0;
}

/* The smallest e (to the tolerance) at which the predicate holds; -inf when it holds at E0
 * already (for the point: E0), +inf when not even at E1. */
static int root_bisect(search *s, enum bound b, double *root, bmc_err *err)
{
    int64_t c;
    BMC_TRY(count_at(s, s->E0, &c, err));
    if (root_pred(s, b, c)) {
        *root = b == POINT ? s->E0 : -INFINITY;
        return BMC_OK;
    }
    BMC_TRY(count_at(s, s->E1, &c, err));
    if (!root_pred(s, b, c)) {
        *root = INFINITY;
        return BMC_OK;
    }
    double a = s->E0, z = s->E1;
    while (!narrow(s, a, z)) {
        double mid = midpoint(s, a, z);
        BMC_TRY(count_at(s, mid, &c, err));
        if (root_pred(s, b, c))
            z = mid;
        else
            a = mid;
    }
    *root = z;
    return BMC_OK;
}

static int root_search(search *s, double *est, double *lo, double *hi, bmc_err *err)
{
    BMC_TRY(root_bisect(s, POINT, est, err));
    BMC_TRY(root_bisect(s, UPPER, lo, err));
    BMC_TRY(root_bisect(s, LOWER, hi, err));
    /* not even the upper bound reaches the target in the range: the root lies beyond it */
    if (*lo == INFINITY)
        *lo = s->E1;
    /* with a share that is not monotone the three crossings need not be ordered */
    if (*lo > *est)
        *lo = *est;
    if (*hi < *est)
        *hi = *est;
    return BMC_OK;
}

/* ---- the search ---- */

static int check_options(const bmc_threshold_options *o, bmc_err *err)
{
    if (!(o->lo < o->hi))
        return bmc_fail(err, BMC_EUSAGE, "the range needs LO < HI, got %g..%g", o->lo, o->hi);
    if (o->integer && (o->lo != floor(o->lo) || o->hi != floor(o->hi)))
        return bmc_fail(err, BMC_EUSAGE, "the range of a whole-number key needs whole ends");
    if (o->level < 1 || o->level > 99)
        return bmc_fail(err, BMC_EUSAGE, "the target probability must lie in 0.01..0.99");
    if (o->n < 1 || o->check_items < 0 || o->check_points < 0 || !(o->conf > 0 && o->conf < 1))
        return bmc_fail(err, BMC_EUSAGE, "the search needs scenarios and a confidence level");
    return BMC_OK;
}

static void to_caller(const search *s, double e_est, double e_lo, double e_hi,
                      bmc_threshold_result *r)
{
    r->answer = isfinite(e_est) ? s->sign * e_est : NAN;
    r->answer_lo = s->sign > 0 ? e_lo : -e_hi;
    r->answer_hi = s->sign > 0 ? e_hi : -e_lo;
    r->state = !isfinite(e_est) ? BMC_ANSWER_BEYOND
               : e_est == s->E0 ? BMC_ANSWER_AT_END
                                : BMC_ANSWER_INSIDE;
}

static int measure_fresh(search *s, bmc_threshold_result *r, bmc_err *err)
{
    const bmc_threshold_options *o = s->o;
    if (o->fresh_first < 0 || r->state == BMC_ANSWER_BEYOND || isnan(r->answer))
        return BMC_OK;
    int64_t c;
    BMC_TRY(evaluate_all(s, s->sign * r->answer, o->fresh_first, &c, err));
    r->fresh_n = o->n;
    r->fresh_successes = c;
    r->metric = (double)c / (double)o->n;
    bmc_stats_wilson(c, o->n, o->conf, &r->metric_lo, &r->metric_hi);
    return BMC_OK;
}

static int run(search *s, bmc_threshold_result *r, unsigned char *ends, unsigned char *grid_ok,
               bmc_err *err)
{
    const bmc_threshold_options *o = s->o;
    int64_t n = o->n, c_lo, c_hi;
    unsigned char *at_lo = ends, *at_hi = ends + n;
    s->sign = 1; /* the ends in the caller's units */
    BMC_TRY(evaluate_all(s, o->lo, 0, &c_lo, err));
    memcpy(at_lo, s->ok, (size_t)n);
    BMC_TRY(evaluate_all(s, o->hi, 0, &c_hi, err));
    memcpy(at_hi, s->ok, (size_t)n);
    r->share_lo_end = (double)c_lo / (double)n;
    r->share_hi_end = (double)c_hi / (double)n;
    if (c_lo == c_hi) {
        r->method = BMC_THRESHOLD_FLAT;
        r->state = reaches(o, c_lo, n) ? BMC_ANSWER_AT_END : BMC_ANSWER_BEYOND;
        return BMC_OK;
    }
    s->sign = r->direction = c_hi > c_lo ? 1 : -1;
    s->E0 = s->sign > 0 ? o->lo : -o->hi;
    s->E1 = s->sign > 0 ? o->hi : -o->lo;
    const unsigned char *ok_E0 = s->sign > 0 ? at_lo : at_hi;
    const unsigned char *ok_E1 = s->sign > 0 ? at_hi : at_lo;
    for (int64_t i = 0; i < n; i++)
        r->end_violations += ok_E0[i] && !ok_E1[i];
    /* the root search starts from the ends it already has */
    s->cache_e[0] = s->E0;
    s->cache_count[0] = s->sign > 0 ? c_lo : c_hi;
    s->cache_e[1] = s->E1;
    s->cache_count[1] = s->sign > 0 ? c_hi : c_lo;
    s->n_cache = 2;

    double g[256];
    int G = grid_points(s, g);
    r->check_items = o->check_items < n ? o->check_items : n;
    r->check_points = G;
    BMC_TRY(check_grid(s, ok_E0, ok_E1, g, G, grid_ok, r, err));

    double est, lo, hi, *ok_e = r->item_ok, *fail_e = r->item_fail;
    if (r->check_violations == 0 && r->end_violations == 0) {
        BMC_TRY(per_item(s, ok_E0, ok_E1, g, G, grid_ok, ok_e, fail_e, err));
        BMC_TRY(check_ladder(s, ok_e, fail_e, r, err));
    }
    if (r->check_violations == 0 && r->end_violations == 0) {
        r->method = BMC_THRESHOLD_PER_ITEM;
        bmc_threshold_quantile(n, ok_e, fail_e, o->level, o->conf, &est, &lo, &hi);
        for (int64_t i = 0; i < n; i++) {
            ok_e[i] *= s->sign;
            fail_e[i] *= s->sign;
        }
    } else {
        r->method = BMC_THRESHOLD_ROOT_SEARCH;
        for (int64_t i = 0; i < n; i++)
            ok_e[i] = fail_e[i] = NAN;
        BMC_TRY(root_search(s, &est, &lo, &hi, err));
    }
    to_caller(s, est, lo, hi, r);
    return measure_fresh(s, r, err);
}

int bmc_threshold_search(const bmc_threshold_options *o, bmc_indicator_fn f, void *ctx,
                         bmc_threshold_result *r, bmc_err *err)
{
    memset(r, 0, sizeof *r);
    r->answer = r->answer_lo = r->answer_hi = r->metric = r->metric_lo = r->metric_hi = NAN;
    BMC_TRY(check_options(o, err));
    if (o->check_points > 256)
        return bmc_fail(err, BMC_EUSAGE, "at most 256 grid points in the monotonicity check");
    search s = {.o = o, .f = f, .ctx = ctx, .sign = 1};
    s.tol = o->tolerance > 0 ? o->tolerance : (o->hi - o->lo) / 1000;
    int64_t M = o->check_items < o->n ? o->check_items : o->n;
    /* a batch holds every item, the grid, or the ladders (two sides, doubling steps) */
    double step0 = o->integer ? 1 : s.tol;
    int64_t ladder = 2 * ((int64_t)ceil(log2((o->hi - o->lo) / step0)) + 2);
    int64_t cap = o->n;
    if (M * o->check_points > cap)
        cap = M * o->check_points;
    if (M * ladder > cap)
        cap = M * ladder;
    s.items = malloc((size_t)cap * sizeof *s.items);
    s.e = malloc((size_t)cap * sizeof *s.e);
    s.values = malloc((size_t)cap * sizeof *s.values);
    s.ok = malloc((size_t)cap);
    unsigned char *ends = malloc(2 * (size_t)o->n);
    unsigned char *grid_ok = malloc((size_t)(M * o->check_points) + 1);
    r->item_ok = malloc((size_t)o->n * sizeof *r->item_ok);
    r->item_fail = malloc((size_t)o->n * sizeof *r->item_fail);
    int rc;
    if (!s.items || !s.e || !s.values || !s.ok || !ends || !grid_ok || !r->item_ok ||
        !r->item_fail)
        rc = bmc_fail(err, BMC_ENOMEM, "out of memory for the search over %lld scenarios",
                      (long long)o->n);
    else {
        for (int64_t i = 0; i < o->n; i++)
            r->item_ok[i] = r->item_fail[i] = NAN;
        rc = run(&s, r, ends, grid_ok, err);
    }
    r->runs = s.runs;
    free(s.items);
    free(s.e);
    free(s.values);
    free(s.ok);
    free(ends);
    free(grid_ok);
    if (rc != BMC_OK)
        bmc_threshold_result_free(r);
    return rc;
}

void bmc_threshold_result_free(bmc_threshold_result *r)
{
    free(r->item_ok);
    free(r->item_fail);
    r->item_ok = r->item_fail = NULL;
}
