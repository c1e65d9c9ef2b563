#include "resim.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "param_design.h"
#include "params.h"
#include "scenario.h"
#include "variants.h"
#include "yamlcfg.h"

struct bmc_resim {
    bmc_resim_source src;
    bmc_cfg *cfg;            /* the source's document, variants taken out */
    cfg_variant *cv;
    int n_cv;
    bmc_cfg *doc;            /* cfg or the chosen variant's document */
    char *doc_key;           /* the key the last override set in doc; NULL: doc is pristine */
    bmc_model *base;         /* the source's own model */
    bmc_design *design;
    int slot_dim[BMC_P_MAX];
    bmc_params *params;
    bmc_model *model;        /* the last override's model (NULL: base is current) */
    char *model_set;
    const bmc_model *current;
    bmc_sim *sim;
    bmc_sim *base_sim;       /* for the base model's uniforms, created when first asked */
    bmc_layout layout;
    bmc_result_block *row;
};

/* Parses the source into a fresh document: its text, its variant, its overrides. */
static int load_doc(bmc_resim *r, bmc_err *err)
{
    cfg_variants_free(r->cv, r->n_cv);
    cfg_free(r->cfg);
    r->cv = NULL;
    r->n_cv = 0;
    r->cfg = r->doc = NULL;
    free(r->doc_key);
    r->doc_key = NULL;
    const bmc_resim_source *s = &r->src;
    BMC_TRY(cfg_load_string(s->name, s->text, &r->cfg, err));
    BMC_TRY(cfg_take_variants(r->cfg, &r->cv, &r->n_cv, err));
    r->doc = r->cfg;
    if (s->variant) {
        int i = 0;
        while (i < r->n_cv && strcmp(r->cv[i].name, s->variant))
            i++;
        if (i == r->n_cv)
            return bmc_fail(err, BMC_EUSAGE, "%s: no policy variant \"%s\"", s->name,
                            s->variant);
        r->doc = r->cv[i].cfg;
    }
    for (int i = 0; i < s->n_sets; i++)
        BMC_TRY(cfg_apply_set(r->doc, s->sets[i], err));
    return BMC_OK;
}

static int build_model(bmc_resim *r, bmc_model **out, bmc_err *err)
{
    BMC_TRY(bmc_params_load(r->doc, r->params, err));
    if (r->src.deterministic)
        r->params->deterministic = true;
    BMC_TRY(bmc_model_create(r->params, out, err));
    if (r->design) {
        (*out)->design = r->design;
        memcpy((*out)->design_dim, r->slot_dim, sizeof r->slot_dim);
    }
    return BMC_OK;
}

/* A new current model: its own scenario workspace and result row. */
static int use_model(bmc_resim *r, const bmc_model *m, bmc_err *err)
{
    bmc_sim_free(r->sim);
    bmc_result_block_free(r->row);
    r->sim = NULL;
    r->row = NULL;
    r->current = m;
    bmc_model_layout(m, false, &r->layout);
    if (!(r->row = bmc_result_block_alloc(&r->layout, 1)))
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a result row");
    return bmc_sim_create(m, &r->sim, err);
}

int bmc_resim_create(const bmc_resim_source *src, bmc_resim **out, bmc_err *err)
{
    *out = NULL;
    bmc_resim *r = calloc(1, sizeof *r);
    if (!r || !(r->params = malloc(sizeof *r->params))) {
        free(r);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a re-simulation workspace");
    }
    r->src = *src;
    int rc = load_doc(r, err);
    if (rc == BMC_OK)
        rc = build_model(r, &r->base, err);
    if (rc == BMC_OK && !src->deterministic) {
        const bmc_params *p = &r->base->p;
        int64_t set = src->design_set > 0 ? src->design_set : p->scenarios;
        int64_t points = src->design_points > 0 ? src->design_points : set;
        int64_t size = p->design == BMC_DESIGN_SOBOL ? points : set;
        bmc_model *one[1] = {r->base};
        rc = bmc_param_design_attach(one, 1, p->design, p->seed, size, &r->design, err);
        if (r->design)
            memcpy(r->slot_dim, r->base->design_dim, sizeof r->slot_dim);
    }
    if (rc == BMC_OK)
        rc = use_model(r, r->base, err);
    if (rc != BMC_OK) {
        bmc_resim_free(r);
        return rc;
    }
    *out = r;
    return BMC_OK;
}

void bmc_resim_free(bmc_resim *r)
{
    if (!r)
        return;
    bmc_sim_free(r->sim);
    bmc_sim_free(r->base_sim);
    bmc_result_block_free(r->row);
    bmc_model_free(r->model);
    bmc_model_free(r->base);
    bmc_design_free(r->design);
    free(r->model_set);
    free(r->doc_key);
    free(r->params);
    cfg_variants_free(r->cv, r->n_cv);
    cfg_free(r->cfg);
    free(r);
}

static bool same_set(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

int bmc_resim_model(bmc_resim *r, const char *set, const bmc_model **m, bmc_err *err)
{
    if (!set || same_set(set, r->model_set)) {
        const bmc_model *want = set ? r->model : r->base;
        if (r->current != want)
            BMC_TRY(use_model(r, want, err));
        *m = want;
        return BMC_OK;
    }
    /* an override of the same key replaces the last one in place; another key needs the
     * document without the last override */
    const char *eq = strchr(set, '=');
    size_t klen = eq ? (size_t)(eq - set) : strlen(set);
    if (r->doc_key && (strlen(r->doc_key) != klen || strncmp(r->doc_key, set, klen)))
        BMC_TRY(load_doc(r, err));
    if (!r->doc_key && !(r->doc_key = strndup(set, klen)))
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    if (r->current == r->model)
        r->current = NULL; /* about to be freed */
    bmc_model_free(r->model);
    free(r->model_set);
    r->model = NULL;
    r->model_set = NULL;
    BMC_TRY(cfg_apply_set(r->doc, set, err));
    BMC_TRY(build_model(r, &r->model, err));
    if (!(r->model_set = strdup(set)))
        return bmc_fail(err, BMC_ENOMEM, "out of memory");
    BMC_TRY(use_model(r, r->model, err));
    *m = r->model;
    return BMC_OK;
}

int bmc_resim_run(bmc_resim *r, const char *set, int64_t scenario, const double *u,
                  const bmc_result_block **row, bmc_err *err)
{
    const bmc_model *m;
    BMC_TRY(bmc_resim_model(r, set, &m, err));
    bmc_result_block_reset(r->row, scenario);
    bmc_sim_set_uniforms(r->sim, u);
    int rc = bmc_sim_run(r->sim, m->p.seed, scenario, false, r->row, 0, err);
    bmc_sim_set_uniforms(r->sim, NULL);
    r->row->count = 1;
    *row = r->row;
    return rc;
}

int bmc_resim_uniforms(bmc_resim *r, int64_t scenario, double *u, bmc_err *err)
{
    /* a workspace of its own, so the current one keeps its state */
    if (!r->base_sim)
        BMC_TRY(bmc_sim_create(r->base, &r->base_sim, err));
    for (int i = 0; i < BMC_P_MAX; i++)
        u[i] = NAN;
    bmc_sim_parameter_uniforms(r->base_sim, r->base->p.seed, scenario, u);
    return BMC_OK;
}

/* ---- several threads ---- */

struct bmc_resim_pool {
    int n;
    bmc_resim **ws;
};

int bmc_resim_pool_create(const bmc_resim_source *src, int threads, bmc_resim_pool **out,
                          bmc_err *err)
{
    *out = NULL;
    if (threads < 1)
        threads = omp_get_max_threads();
    bmc_resim_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->ws = calloc((size_t)threads, sizeof *p->ws))) {
        free(p);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for %d workspaces", threads);
    }
    for (int t = 0; t < threads; t++) {
        int rc = bmc_resim_create(src, &p->ws[t], err);
        if (rc != BMC_OK) {
            p->n = t;
            bmc_resim_pool_free(p);
            return rc;
        }
    }
    p->n = threads;
    *out = p;
    return BMC_OK;
}

void bmc_resim_pool_free(bmc_resim_pool *p)
{
    if (!p)
        return;
    for (int t = 0; t < p->n; t++)
        bmc_resim_free(p->ws[t]);
    free(p->ws);
    free(p);
}

int bmc_resim_pool_threads(const bmc_resim_pool *p)
{
    return p->n;
}

const bmc_model *bmc_resim_pool_model(bmc_resim_pool *p)
{
    return p->ws[0]->base;
}

bmc_resim *bmc_resim_pool_workspace(bmc_resim_pool *p)
{
    return p->ws[0];
}

int bmc_resim_pool_run(bmc_resim_pool *p, int64_t n, const bmc_resim_job *jobs,
                       bmc_resim_take take, void *ctx, bmc_err *err)
{
    int64_t first_bad = -1;
    int bad_rc = BMC_OK;
#pragma omp parallel num_threads(p->n)
    {
        bmc_resim *r = p->ws[omp_get_thread_num()];
        bmc_err local;
#pragma omp for schedule(static)
        for (int64_t j = 0; j < n; j++) {
            const bmc_result_block *row;
            int rc = bmc_resim_run(r, jobs[j].set, jobs[j].scenario, jobs[j].uniforms, &row,
                                   &local);
            if (rc == BMC_OK)
                take(ctx, j, row, r->current);
            else {
#pragma omp critical(bmc_resim_error)
                if (first_bad < 0 || j < first_bad) {
                    first_bad = j;
                    bad_rc = rc;
                    bmc_fail(err, rc, "scenario %lld%s%s: %s", (long long)jobs[j].scenario,
                             jobs[j].set ? " with " : "", jobs[j].set ? jobs[j].set : "",
                             local.msg);
                }
            }
        }
    }
    return bad_rc;
}
