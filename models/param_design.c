#include "param_design.h"

#include <stdio.h>

int bmc_param_design_dims(const bmc_model *const *models, int n, int *slot_dim)
{
    int dims = 0;
    for (int i = 0; i < BMC_P_MAX; i++) {
        bool sampled = false;
        for (int k = 0; k < n && !sampled; k++) {
            const bmc_dist *d = i < models[k]->n_slots ? models[k]->slot_dist[i] : NULL;
            sampled = d && !bmc_dist_is_fixed(d);
        }
        slot_dim[i] = sampled ? dims++ : -1;
    }
    return dims;
}

int64_t bmc_param_design_size(enum bmc_design_kind kind, bool precision, int64_t scenarios,
                              int64_t batch)
{
    if (kind == BMC_DESIGN_LATIN_HYPERCUBE && precision)
        return batch;
    return scenarios;
}

int bmc_param_design_attach(bmc_model *const *models, int n, enum bmc_design_kind kind,
                            uint64_t seed, int64_t size, bmc_design **out, bmc_err *err)
{
    *out = NULL;
    if (kind == BMC_DESIGN_PLAIN)
        return BMC_OK;
    int slot_dim[BMC_P_MAX];
    int dims = bmc_param_design_dims((const bmc_model *const *)models, n, slot_dim);
    int rc = bmc_design_create(kind, seed, dims, size, out, err);
    if (rc != BMC_OK) {
        char msg[BMC_ERR_LEN];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return bmc_fail(err, rc, "run.design: %s", msg);
    }
    for (int k = 0; k < n; k++) {
        models[k]->design = *out;
        for (int i = 0; i < BMC_P_MAX; i++)
            models[k]->design_dim[i] = slot_dim[i];
    }
    return BMC_OK;
}
