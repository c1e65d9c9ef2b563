#include "stats.h"

#include <math.h>
#include <stdbool.h>

#include <gsl/gsl_cdf.h>

/* GSL's binomial CDF (an incomplete-beta continued fraction) loses accuracy as n grows: a
 * relative error of 1e-11 at 2 10^4 trials, 6e-10 at 10^6, NaN near the median from about
 * 3 10^6. Above this many trials the tails are summed instead. */
#define GSL_MAX_TRIALS 10000

/* log(k!) - log(sqrt(2 pi k) (k/e)^k), Stirling's error: lgammal for small k, where nothing
 * cancels badly, else its asymptotic series (next term below 1e-20 from k = 40). */
static long double stirling_error(long double k)
{
    const long double half_log_2pi = 0.918938533204672741780329736406L;
    if (k <= 40)
        return lgammal(k + 1) - (k + 0.5L) * logl(k) + k - half_log_2pi;
    const long double s0 = 1.0L / 12, s1 = 1.0L / 360, s2 = 1.0L / 1260, s3 = 1.0L / 1680,
                      s4 = 1.0L / 1188;
    long double k2 = k * k;
    return (s0 - (s1 - (s2 - (s3 - s4 / k2) / k2) / k2) / k2) / k;
}

/* x log(x / m) + m - x without the cancellation when x is close to m (series in
 * v = (x - m) / (x + m)). */
static long double deviance(long double x, long double m)
{
    if (fabsl(x - m) < 0.1L * (x + m)) {
        long double v = (x - m) / (x + m), s = (x - m) * v, ej = 2 * x * v;
        v *= v;
        for (int j = 1; j < 1000; j++) {
            ej *= v;
            long double s1 = s + ej / (2 * j + 1);
            if (s1 == s)
                break;
            s = s1;
        }
        return s;
    }
    return x * logl(x / m) + m - x;
}

/* The binomial probability of k in Loader's saddle-point form ("Fast and accurate computation
 * of binomial probabilities", 2000): no difference of large log-factorials, so it keeps long
 * double's precision for any n. */
static long double binomial_pmf(int64_t k, long double p, int64_t n)
{
    long double q = 1 - p, nn = (long double)n, kk = (long double)k;
    if (k == 0)
        return expl(nn * log1pl(-p));
    if (k == n)
        return expl(nn * logl(p));
    long double lc = stirling_error(nn) - stirling_error(kk) - stirling_error(nn - kk)
                     - deviance(kk, nn * p) - deviance(nn - kk, nn * q);
    const long double two_pi = 6.283185307179586476925286766559L;
    return expl(lc) / sqrtl(two_pi * kk * (nn - kk) / nn);
}

/* One tail of Binomial(n, p) summed from k away from the mode, where the terms only shrink:
 * lower sums j = k, k - 1, ..., upper j = k, k + 1, ..., each term from its neighbour by
 * their ratio, until a term no longer changes the sum (about 10 sqrt(n p (1 - p)) terms). */
static long double tail_sum(int64_t k, double p, int64_t n, bool lower)
{
    if (k < 0 || k > n)
        return 0;
    long double r = (long double)p / (1 - (long double)p);
    long double t = binomial_pmf(k, p, n), sum = 0;
    for (int64_t j = k; j >= 0 && j <= n && t > 0; j += lower ? -1 : 1) {
        long double before = sum;
        sum += t;
        if (sum == before)
            break;
        /* pmf(j - 1) / pmf(j) = j / ((n - j + 1) r), pmf(j + 1) / pmf(j) = (n - j) r / (j + 1) */
        t *= lower ? (long double)j / ((long double)(n - j + 1) * r)
                   : (long double)(n - j) * r / (long double)(j + 1);
    }
    return sum;
}

/* P(B <= k) summed over the tail on k's side of the mean. */
static double cdf_by_sum(int64_t k, double p, int64_t n)
{
    if ((long double)k < (long double)n * p)
        return (double)tail_sum(k, p, n, true);
    return (double)(1 - tail_sum(k + 1, p, n, false));
}

static double sf_by_sum(int64_t k, double p, int64_t n)
{
    if ((long double)(k + 1) > (long double)n * p)
        return (double)tail_sum(k + 1, p, n, false);
    return (double)(1 - tail_sum(k, p, n, true));
}

double bmc_stats_binomial_cdf(int64_t k, double p, int64_t n)
{
    if (k < 0)
        return 0;
    if (k >= n)
        return 1;
    if (p <= 0 || p >= 1)
        return p <= 0 ? 1 : 0;
    if (n <= GSL_MAX_TRIALS)
        return gsl_cdf_binomial_P((unsigned)k, p, (unsigned)n);
    return cdf_by_sum(k, p, n);
}

double bmc_stats_binomial_sf(int64_t k, double p, int64_t n)
{
    if (k < 0)
        return 1;
    if (k >= n)
        return 0;
    if (p <= 0 || p >= 1)
        return p <= 0 ? 0 : 1;
    if (n <= GSL_MAX_TRIALS)
        return gsl_cdf_binomial_Q((unsigned)k, p, (unsigned)n);
    return sf_by_sum(k, p, n);
}

int64_t bmc_stats_quantile_rank(int64_t n, int level)
{
    if (n <= 0)
        return 0;
    int64_t k = (n * level + 99) / 100;
    return k < 1 ? 1 : k > n ? n : k;
}

void bmc_stats_quantile_ci_ranks(int64_t n, int level, double conf, int64_t *lo, int64_t *hi)
{
    double p = level / 100.0, tail = (1 - conf) / 2;
    /* both conditions are monotone in the rank: bisection */
    int64_t a = 0, b = n; /* lo = 0 always qualifies: P(B <= -1) = 0 */
    while (a < b) {
        int64_t mid = a + (b - a + 1) / 2;
        if (bmc_stats_binomial_cdf(mid - 1, p, n) <= tail)
            a = mid;
        else
            b = mid - 1;
    }
    *lo = a;
    a = 1;
    b = n + 1; /* hi = n + 1 always qualifies: P(B >= n + 1) = 0 */
    while (a < b) {
        int64_t mid = a + (b - a) / 2;
        if (bmc_stats_binomial_sf(mid - 1, p, n) <= tail)
            b = mid;
        else
            a = mid + 1;
    }
    *hi = a;
}

void bmc_stats_wilson(int64_t x, int64_t n, double conf, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = *hi = NAN;
        return;
    }
    double z = gsl_cdf_ugaussian_Pinv(1 - (1 - conf) / 2), z2 = z * z;
    double nn = (double)n, ph = (double)x / nn;
    double denom = 1 + z2 / nn;
    double centre = (ph + z2 / (2 * nn)) / denom;
    double half = z * sqrt(ph * (1 - ph) / nn + z2 / (4 * nn * nn)) / denom;
    /* the exact ends at x = 0 and x = n, not centre -+ half off by rounding */
    *lo = x == 0 ? 0 : fmax(0, centre - half);
    *hi = x == n ? 1 : fmin(1, centre + half);
}

/* The p in (0, 1) where a binomial tail of x equals tail, by bisection down to adjacent
 * doubles: upper = false solves P(B >= x | p) = tail (it rises with p), upper = true solves
 * P(B <= x | p) = tail (it falls). gsl_cdf_beta_Pinv would be the textbook route, but it
 * returns NaN for cases as lopsided as 1 success in 10^6 trials. */
static double binomial_solve(int64_t x, int64_t n, double tail, bool upper)
{
    double lo = 0, hi = 1;
    for (int it = 0; it < 2000; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        double v = upper ? bmc_stats_binomial_cdf(x, mid, n)
                         : bmc_stats_binomial_sf(x - 1, mid, n);
        if (isnan(v))
            return NAN;
        /* either way the root lies above mid while the tail is on the wrong side of it */
        if (upper ? v > tail : v < tail)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void bmc_stats_clopper_pearson(int64_t x, int64_t n, double conf, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = *hi = NAN;
        return;
    }
    double tail = (1 - conf) / 2;
    *lo = x == 0 ? 0 : binomial_solve(x, n, tail, false);
    *hi = x == n ? 1 : binomial_solve(x, n, tail, true);
}
