#include "run_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param_design.h"
#include "state.h"
#include "textfile.h"

static void apply_run_args(const bmc_run_input_args *a, bmc_params *p)
{
    if (a->scenarios > 0)
        p->scenarios = a->scenarios;
    if (a->seed >= 0)
        p->seed = (uint64_t)a->seed;
    if (a->deterministic)
        p->deterministic = true;
}

/* A variant is compared with the reference day by day and category by category: it must
 * simulate the same period with the same categories. */
static int check_comparable(const bmc_params *ref, const bmc_params *v, const cfg_variant *cv,
                            bmc_err *err)
{
    const char *what = NULL;
    if (v->start_date != ref->start_date || v->horizon_date != ref->horizon_date ||
        v->pact_date != ref->pact_date || v->target_date != ref->target_date)
        what = "the dates under time:";
    else if (v->deterministic != ref->deterministic)
        what = "run.deterministic";
    else if (v->n_categories != ref->n_categories)
        what = "the number of old-case categories";
    for (int c = 0; !what && c < ref->n_categories; c++)
        if (strcmp(v->cat[c].name, ref->cat[c].name))
            what = "the names or order of the old-case categories";
    if (!what)
        return BMC_OK;
    return bmc_fail(err, BMC_ECONFIG,
                    "%s: variant \"%s\" changes %s; a variant is compared with the "
                    "reference scenario by scenario and must keep them",
                    cv->where, cv->name, what);
}

/* The state file's text: kept for the results file, and read from it, so that what the run
 * used is what the file says. The limits of every text input (textfile.h). */
static int read_state_text(const char *path, char **out, bmc_err *err)
{
    char why[160];
    size_t len;
    if (bmc_text_read(path, out, &len, why, sizeof why) != 0)
        return bmc_fail(err, BMC_EIO, "%s: cannot read the state file: %s", path, why);
    return BMC_OK;
}

/* The files the run reads, which no output may overwrite: the configuration with its
 * base: files, and the state. */
static int list_inputs(bmc_run_input *in, bmc_err *err)
{
    int n = 0;
    const char *const *cfg = cfg_inputs(in->cfg, &n);
    in->inputs = calloc((size_t)n + 1, sizeof *in->inputs);
    if (!in->inputs)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        in->inputs[i] = cfg[i];
    if (in->state_text)
        in->inputs[n++] = in->state_name;
    in->n_inputs = n;
    return BMC_OK;
}

/* The state of the run: --state, else the configuration's state: key. */
static int load_state(const bmc_run_input_args *a, bmc_run_input *in, bmc_err *err)
{
    bool has_key = false;
    BMC_TRY(bmc_state_config_path(in->cfg, in->state_name, sizeof in->state_name, &has_key,
                                  err));
    if (a->state)
        snprintf(in->state_name, sizeof in->state_name, "%s", a->state);
    if (!a->state && !has_key)
        return BMC_OK;
    return read_state_text(in->state_name, &in->state_text, err);
}

/* A variant starts from the reference's state: its own state: key must not differ. */
static int same_state(bmc_run_input *in, const cfg_variant *v, bmc_err *err)
{
    char ref[4096], var[4096];
    bool ref_has, var_has;
    BMC_TRY(bmc_state_config_path(in->cfg, ref, sizeof ref, &ref_has, err));
    BMC_TRY(bmc_state_config_path(v->cfg, var, sizeof var, &var_has, err));
    if (ref_has != var_has || strcmp(ref, var))
        return bmc_fail(err, BMC_ECONFIG, "%s: variant \"%s\" changes state:; a variant "
                        "starts from the reference's state", v->where, v->name);
    return BMC_OK;
}

static int load_variants(const bmc_run_input_args *a, bmc_run_input *in, bmc_err *err)
{
    int n = in->n_variants;
    if (n == 0)
        return BMC_OK;
    in->vp = calloc((size_t)n, sizeof *in->vp);
    in->vm = calloc((size_t)n, sizeof *in->vm);
    in->variants = calloc((size_t)n, sizeof *in->variants);
    if (!in->vp || !in->vm || !in->variants)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %d variants", n);
    for (int i = 0; i < n; i++) {
        cfg_variant *v = &in->cv[i];
        bmc_state_source src = {in->state_name, in->state_text};
        int rc = same_state(in, v, err);
        if (rc == BMC_OK)
            rc = bmc_params_load_state(v->cfg, in->state_text ? &src : NULL, &in->vp[i], err);
        if (rc == BMC_OK) {
            in->vp[i].scenarios = in->p.scenarios;
            in->vp[i].seed = in->p.seed;
            apply_run_args(a, &in->vp[i]);
            rc = check_comparable(&in->p, &in->vp[i], v, err);
        }
        if (rc == BMC_OK)
            rc = bmc_model_create(&in->vp[i], &in->vm[i], err);
        if (rc != BMC_OK)
            return rc;
        in->variants[i] = (bmc_variant){.name = v->name, .description = v->description,
                                        .overrides = v->overrides, .m = in->vm[i]};
    }
    return BMC_OK;
}

int bmc_run_input_load(const bmc_run_input_args *a, bmc_run_input *in, bmc_err *err)
{
    memset(in, 0, sizeof *in);
    int rc = cfg_load_file(a->config, &in->cfg, err);
    for (int i = 0; rc == BMC_OK && i < a->n_sets; i++)
        rc = cfg_apply_set(in->cfg, a->sets[i], err);
    /* the text as run, variants included: it is the run's provenance and identity */
    if (rc == BMC_OK && !(in->text = cfg_emit(in->cfg)))
        rc = bmc_fail(err, BMC_ENOMEM, "out of memory writing the resolved config");
    if (rc == BMC_OK)
        rc = cfg_take_variants(in->cfg, &in->cv, &in->n_variants, err);
    if (rc == BMC_OK)
        rc = load_state(a, in, err);
    if (rc == BMC_OK)
        rc = list_inputs(in, err);
    bmc_state_source src = {in->state_name, in->state_text};
    if (rc == BMC_OK)
        rc = bmc_params_load_state(in->cfg, in->state_text ? &src : NULL, &in->p, err);
    if (rc == BMC_OK) {
        apply_run_args(a, &in->p);
        rc = bmc_model_create(&in->p, &in->m, err);
    }
    if (rc == BMC_OK)
        rc = load_variants(a, in, err);
    return rc;
}

void bmc_run_input_free(bmc_run_input *in)
{
    for (int i = 0; in->vm && i < in->n_variants; i++)
        bmc_model_free(in->vm[i]);
    free(in->vm);
    free(in->vp);
    free(in->variants);
    cfg_variants_free(in->cv, in->n_variants);
    bmc_model_free(in->m);
    bmc_design_free(in->design);
    free(in->text);
    free(in->state_text);
    free(in->inputs);
    cfg_free(in->cfg);
    memset(in, 0, sizeof *in);
}

int bmc_run_input_attach_design(bmc_run_input *in, bool precision, int64_t scenarios,
                                int64_t batch, bmc_err *err)
{
    int n = 1 + in->n_variants;
    bmc_model **models = malloc((size_t)n * sizeof *models);
    if (!models)
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    models[0] = in->m;
    for (int v = 0; v < in->n_variants; v++)
        models[1 + v] = in->vm[v];
    enum bmc_design_kind kind = in->p.design;
    int64_t size = bmc_param_design_size(kind, precision, scenarios, batch);
    int rc = bmc_param_design_attach(models, n, kind, in->p.seed, size, &in->design, err);
    free(models);
    if (rc == BMC_ECONFIG) {
        /* name the key where the file sets it */
        char msg[BMC_ERR_LEN];
        const char *why = err->msg;
        if (!strncmp(why, "run.design: ", 12))
            why += 12;
        snprintf(msg, sizeof msg, "%s", why);
        cfg_map root = cfg_root(in->cfg), run;
        if (cfg_get_map(&root, "run", false, &run, err) == BMC_OK)
            rc = cfg_fail_at(&run, "design", BMC_ECONFIG, err, "%s", msg);
    }
    return rc;
}
