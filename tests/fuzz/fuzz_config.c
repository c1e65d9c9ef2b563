/* libFuzzer harness over everything that reads a configuration (yamlcfg.c: the YAML reader,
 * base: files, --set, variants, the emitter; params.c: every key's validation; model.c: the
 * model built from it) and a state file (state_read.c: every key of MODEL.md section 12, and
 * the model started from it). Input: the text of a config file, optionally followed by a line
 * "%%" and then one --set assignment per line, optionally followed by a line "%%state" and
 * then the text of a state file for that configuration. Besides the sanitizers it checks one property:
 * the resolved configuration that `run` stores in the results file (cfg_emit) reads back to
 * the same text. base: names files relative to the working directory, which is configs/ of
 * the source tree when BACKLOGMC_SOURCE_DIR says where that is. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "model.h"
#include "params.h"
#include "state.h"
#include "variants.h"
#include "yamlcfg.h"

#define MAX_SETS 16
/* models of a longer period take memory and time without reading anything new */
#define MAX_MODEL_DAYS (366 * 12)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    const char *src = getenv("BACKLOGMC_SOURCE_DIR");
    char dir[4096];
    if (src && snprintf(dir, sizeof dir, "%s/configs", src) < (int)sizeof dir && chdir(dir) != 0)
        fprintf(stderr, "fuzz_config: cannot enter %s\n", dir);
    return 0;
}

/* The emitted text must read back, and emit the same text again. */
static void check_round_trip(const char *text)
{
    bmc_cfg *again = NULL;
    bmc_err err;
    if (cfg_load_string("emitted.yaml", text, &again, &err) != BMC_OK) {
        fprintf(stderr, "emitted config does not read back: %s\n--- text ---\n%s\n", err.msg,
                text);
        abort();
    }
    char *twice = cfg_emit(again);
    if (twice && strcmp(text, twice) != 0) {
        fprintf(stderr, "emitting twice differs\n--- first ---\n%s\n--- second ---\n%s\n", text,
                twice);
        abort();
    }
    free(twice);
    cfg_free(again);
}

static void load_model(bmc_cfg *cfg, const bmc_state_source *state)
{
    bmc_params p;
    bmc_err err;
    if (bmc_params_load_state(cfg, state, &p, &err) != BMC_OK)
        return;
    if (p.horizon_date - p.start_date > MAX_MODEL_DAYS)
        return;
    bmc_model *m = NULL;
    if (bmc_model_create(&p, &m, &err) == BMC_OK)
        bmc_model_free(m);
}

/* The part after a line "%%state": a state file's text (NUL-terminated copy; NULL without). */
static char *split_state(const uint8_t *data, size_t *size)
{
    const char *text = (const char *)data;
    for (size_t i = 0; i + 9 <= *size; i++)
        if (!memcmp(text + i, "\n%%state\n", 9)) {
            char *state = strndup(text + i + 9, *size - i - 9);
            *size = i + 1;
            return state;
        }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *state_text = split_state(data, &size);
    bmc_state_source state = {"fuzz-state.yaml", state_text};
    const char *text = (const char *)data;
    size_t cfg_len = size;
    const char *sets = NULL;
    for (size_t i = 0; i + 4 <= size; i++)
        if (!memcmp(text + i, "\n%%\n", 4)) {
            cfg_len = i + 1;
            sets = text + i + 4;
            break;
        }
    bmc_cfg *cfg = NULL;
    bmc_err err;
    if (cfg_load_buffer("fuzz.yaml", text, cfg_len, &cfg, &err) != BMC_OK) {
        free(state_text);
        return 0;
    }
    int rc = BMC_OK;
    for (int n = 0; sets && sets < text + size && n < MAX_SETS && rc == BMC_OK; n++) {
        const char *end = memchr(sets, '\n', (size_t)(text + size - sets));
        size_t len = end ? (size_t)(end - sets) : (size_t)(text + size - sets);
        char *one = strndup(sets, len); /* a NUL inside ends the assignment, as in argv */
        if (!one)
            break;
        rc = cfg_apply_set(cfg, one, &err);
        free(one);
        sets = end ? end + 1 : NULL;
    }
    char *emitted = rc == BMC_OK ? cfg_emit(cfg) : NULL;
    if (emitted)
        check_round_trip(emitted);
    free(emitted);
    cfg_variant *v = NULL;
    int nv = 0;
    if (rc == BMC_OK && cfg_take_variants(cfg, &v, &nv, &err) == BMC_OK) {
        /* a state: key of the input would name files of configs/: only a state given here */
        load_model(cfg, state_text ? &state : NULL);
        for (int i = 0; i < nv; i++)
            load_model(v[i].cfg, state_text ? &state : NULL);
    }
    cfg_variants_free(v, nv);
    cfg_free(cfg);
    free(state_text);
    return 0;
}
