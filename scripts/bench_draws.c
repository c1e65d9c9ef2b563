/* What one random draw of the daily loop costs on this machine, for the samplers and the
 * parameters the baseline uses (engine/core/sampler.h): the floor under the speed of a scenario,
 * which takes about 18,500 such draws (see the README's Speed section). Built by
 * scripts/bench.sh (-DBACKLOGMC_BENCH=ON) and run at its end.
 * usage: bench_draws [MILLIONS]   (draws per measurement, default 5 million) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "draws.h"
#include "rng.h"
#include "rng_inline.h"
#include "sampler.h"

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The means vary a little from draw to draw, as in the model, so no sampler sees a constant
 * (and the compiler cannot hoist its set-up out of the loop). */
static double jitter(long i)
{
    return (double)((i * 7919) % 1000) / 1000.0;
}

int main(int argc, char **argv)
{
    long n = (argc > 1 ? atol(argv[1]) : 5) * 1000000L;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_draws [MILLIONS]\n");
        return 2;
    }
    gsl_rng *r = bmc_stream_alloc();
    if (!r) {
        fprintf(stderr, "bench_draws: out of memory\n");
        return 1;
    }
    bmc_stream_key(r, 20260612, 1, BMC_STREAM_PRODUCTION);
    bmc_gamma_shape g20;
    bmc_gamma_prepare(20, &g20);
    bmc_beta_shapes avail;
    bmc_beta_prepare(170, 30, &avail);
    double sink = 0;
    printf("%-52s %s\n", "draw (where the baseline uses it)", "ns per draw");
#define MEASURE(what, expr)                                                                    \
    do {                                                                                       \
        double t0 = seconds();                                                                 \
        for (long i = 0; i < n; i++)                                                           \
            sink += (expr);                                                                    \
        printf("%-52s %6.1f\n", what, (seconds() - t0) / (double)n * 1e9);                     \
    } while (0)
    MEASURE("32-bit Philox output", (double)bmc_rng_u32(r));
    MEASURE("normal, ziggurat (intake deviation, gamma)", bmc_ran_normal(r));
    MEASURE("gamma(20) (intake: negative binomial rate)",
            bmc_ran_gamma_prepared(r, &g20) + jitter(i));
    MEASURE("beta(170, 30) (daily availability)", bmc_ran_beta_prepared(r, &avail) + jitter(i));
    MEASURE("Poisson(54 +- 0.5), PTRS (intake, regular track)",
            bmc_ran_poisson(r, 54 + jitter(i)));
    MEASURE("Poisson(13.6 +- 0.5), PTRS (intake, accelerated)",
            bmc_ran_poisson(r, 13.1 + jitter(i)));
    MEASURE("min(n, Poisson(30 +- 0.5)), PTRS (production)",
            bmc_ran_poisson_min(r, 30 + jitter(i), 5000));
    MEASURE("min(n, Poisson(5 +- 0.5)), inversion (production)",
            bmc_ran_poisson_min(r, 5 + jitter(i), 5000));
    MEASURE("min(50, Poisson(250)), one uniform (new cases)",
            bmc_ran_poisson_min(r, 250 + jitter(i), 50));
    MEASURE("binomial(40000, 2.8e-5), inversion (withdrawals)",
            bmc_ran_binomial(r, 40000 + (double)(i % 7), 2.8e-5));
    MEASURE("binomial(100, 0.9), BTRS (voorfase attendance)",
            bmc_ran_binomial(r, 100 + (double)(i % 7), 0.9));
    MEASURE("geometric(0.14) (remand annulments)", bmc_ran_geometric(r, log1p(-0.14)));
#undef MEASURE
    gsl_rng_free(r);
    return sink == 0.123456789 ? 1 : 0; /* keeps the sums alive */
}
