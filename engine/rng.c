#include "rng.h"

#include <Random123/philox.h>

/* One keyed Philox4x32-10 stream: each counter value gives a block of four 32-bit outputs,
 * used in order. */
typedef struct philox_state {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr; /* v[0] = block, v[1] = purpose, v[2..3] = scenario */
    philox4x32_ctr_t out;
    unsigned next; /* index into out; 4 = block used up */
} philox_state;

static void refill(philox_state *s)
{
    s->out = philox4x32(s->ctr, s->key);
    s->ctr.v[0]++;
    s->next = 0;
}

static unsigned long philox_get(void *vstate)
{
    philox_state *s = vstate;
    if (s->next == 4)
        refill(s);
    return s->out.v[s->next++];
}

static double philox_get_double(void *vstate)
{
    return (double)philox_get(vstate) / 4294967296.0;
}

static void key_state(philox_state *s, uint64_t seed, uint64_t scenario, unsigned purpose)
{
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)(seed >> 32);
    s->ctr.v[0] = 0;
    s->ctr.v[1] = purpose;
    s->ctr.v[2] = (uint32_t)scenario;
    s->ctr.v[3] = (uint32_t)(scenario >> 32);
    s->next = 4;
}

static void philox_set(void *vstate, unsigned long seed)
{
    key_state(vstate, (uint64_t)seed, 0, 0);
}

static const gsl_rng_type philox_type = {
    "philox4x32-10-bmc", 0xffffffffUL, 0, sizeof(philox_state),
    &philox_set,         &philox_get,  &philox_get_double,
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

gsl_rng *bmc_stream_alloc(void)
{
    return gsl_rng_alloc(bmc_rng_philox);
}

void bmc_stream_key(gsl_rng *r, uint64_t seed, uint64_t scenario, enum bmc_purpose purpose)
{
    key_state(r->state, seed, scenario, (unsigned)purpose);
}

uint32_t bmc_stream_next_u32(gsl_rng *r)
{
    return (uint32_t)philox_get(r->state);
}
