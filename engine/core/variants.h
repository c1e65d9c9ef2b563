#ifndef BACKLOGMC_VARIANTS_H
#define BACKLOGMC_VARIANTS_H

#include "yamlcfg.h"

/* The most policy variants a run may have (the config's variants: list): every module that
 * holds something per variant or per result set is sized by this one limit. */
#define BMC_MAX_VARIANTS 32
#define BMC_MAX_RESULT_SETS (1 + BMC_MAX_VARIANTS) /* the reference and its variants */

/* Policy variants (README, "Policy variants"): the top-level list
 *     variants:
 *       - name: a-one-hearing          # 1..63 bytes, no '/', not "." or "..", unique, not "base"
 *         description: text            # optional
 *         override: {mapping}          # laid over the configuration like a file over its base:
 * Takes the list out of cfg (which then reads as the reference, without variants) and returns
 * one document per variant: a copy of cfg with its override merged in, whose values keep
 * their FILE:LINE:COL. *n = 0 and *out = NULL without variants. BMC_ECONFIG at the offending
 * item for a malformed list. Free with cfg_variants_free. Call after cfg_apply_set (so --set
 * reaches the variants too, e.g. variants[0].override.triage.policy=share). */
typedef struct cfg_variant {
    char name[64];
    char *description; /* "" when absent */
    char *overrides;   /* the override mapping as YAML */
    char where[600];   /* "FILE:LINE:COL: variants[i].override", for messages */
    bmc_cfg *cfg;
} cfg_variant;
int cfg_take_variants(bmc_cfg *cfg, cfg_variant **out, int *n, bmc_err *err);
void cfg_variants_free(cfg_variant *v, int n);

#endif
