#include "forecast_input.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5read.h"
#include "h5text.h"
#include "state.h"
#include "variants.h"
#include "yamlcfg.h"

static bool is_hdf5(const char *path)
{
    H5E_auto2_t func;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    htri_t yes = H5Fis_hdf5(path); /* H5Fis_accessible is HDF5 1.12 */
    H5Eset_auto2(H5E_DEFAULT, func, data);
    return yes > 0;
}

/* The configuration without its variants, and the parameters from it and the state. */
static int load_params(bmc_cfg *cfg, const bmc_state_source *state, bmc_params *p,
                       bmc_err *err)
{
    cfg_variant *v = NULL;
    int n = 0;
    int rc = cfg_take_variants(cfg, &v, &n, err);
    if (rc == BMC_OK)
        rc = bmc_params_load_state(cfg, state, p, err);
    cfg_variants_free(v, n);
    return rc;
}

static int from_results(const char *path, bmc_forecast_input *in, bmc_err *err)
{
    bmc_h5read *r = NULL;
    BMC_TRY(bmc_h5read_open(path, &r, err));
    const bmc_h5read_info *info = bmc_h5read_get_info(r);
    in->scenarios = info->n_scenarios;
    in->seed = info->seed;
    char *config = NULL, *state = NULL;
    bmc_cfg *cfg = NULL;
    char cname[1100], sname[1100];
    snprintf(cname, sizeof cname, "%s:/config/text", path);
    snprintf(sname, sizeof sname, "%s:/state/text", path);
    int rc = bmc_h5_read_text(r, "/config/text", &config, err);
    if (rc == BMC_OK && !config)
        rc = bmc_fail(err, BMC_EIO, "%s has no /config/text", path);
    if (rc == BMC_OK)
        rc = bmc_h5_read_text(r, "/state/text", &state, err);
    bmc_h5read_close(r);
    if (rc == BMC_OK)
        rc = cfg_load_string(cname, config, &cfg, err);
    bmc_state_source src = {sname, state};
    if (rc == BMC_OK)
        rc = load_params(cfg, state ? &src : NULL, in->p, err);
    snprintf(in->describe, sizeof in->describe, "%s", path);
    cfg_free(cfg);
    free(config);
    free(state);
    return rc;
}

static int from_config(const char *path, const char *state, bmc_forecast_input *in,
                       bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    char key_path[4096];
    bool has_key = false;
    int rc = cfg_load_file(path, &cfg, err);
    if (rc == BMC_OK)
        rc = bmc_state_config_path(cfg, key_path, sizeof key_path, &has_key, err);
    bmc_state_source src = {state ? state : key_path, NULL};
    if (rc == BMC_OK)
        rc = load_params(cfg, state || has_key ? &src : NULL, in->p, err);
    if (rc == BMC_OK) {
        in->scenarios = in->p->scenarios;
        in->seed = in->p->seed;
    }
    if (state || has_key)
        snprintf(in->describe, sizeof in->describe, "%s + %s", path, src.name);
    else
        snprintf(in->describe, sizeof in->describe, "%s", path);
    cfg_free(cfg);
    return rc;
}

int bmc_forecast_input_load(const char *source, const char *state, bmc_forecast_input *in,
                            bmc_err *err)
{
    memset(in, 0, sizeof *in);
    if (!(in->p = malloc(sizeof *in->p)))
        return bmc_fail(err, BMC_ENOMEM, "out of memory reading %s", source);
    in->from_results = is_hdf5(source);
    if (in->from_results && state)
        return bmc_fail(err, BMC_EUSAGE, "%s is a results file: it carries the state it started "
                        "from, so it takes no state file", source);
    return in->from_results ? from_results(source, in, err) : from_config(source, state, in, err);
}

void bmc_forecast_input_free(bmc_forecast_input *in)
{
    free(in->p);
    in->p = NULL;
}
