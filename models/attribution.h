#ifndef BACKLOGMC_ATTRIBUTION_H
#define BACKLOGMC_ATTRIBUTION_H

#include "params.h"
#include "status.h"

/* What changed since the last forecast (MODEL.md section 13): the inputs of two forecasts,
 * OLD and NEW, are split into groups of configuration (and state) keys, and moved from OLD to
 * NEW one group at a time in this fixed order. Every key belongs to exactly one group; a key
 * that none of the first five lists is "other", which comes last, so the last step is NEW
 * itself and the steps add up to the whole change. */
enum bmc_attr_group {
    BMC_ATTR_STATE,   /* where the run starts */
    BMC_ATTR_INTAKE,  /* how many applications come, and how they split */
    BMC_ATTR_STAFF,   /* how many officer-days there are */
    BMC_ATTR_WORK,    /* officer-days per decision */
    BMC_ATTR_POLICY,  /* who is served when: approach, plan, triage, deadlines, voorfase */
    BMC_ATTR_OTHER,   /* every other key */
    BMC_ATTR_GROUPS
};

/* "state", "intake", "staff", "work content", "policy", "other"; NULL out of range. */
const char *bmc_attr_group_name(int group);
/* The group's keys, as a one-line list of configuration key paths (docs/model.md). */
const char *bmc_attr_group_keys(int group);

/* OLD and NEW must have the same old-case categories and new-case tracks, by name and in
 * order (a step mixes their per-category and per-track keys). BMC_ECONFIG naming what
 * differs otherwise. */
int bmc_attr_comparable(const bmc_params *old, const bmc_params *new, bmc_err *err);

/* Takes the keys of `group` from `new` into step (a copy of the step before). For
 * BMC_ATTR_OTHER, step becomes a copy of new. */
void bmc_attr_move_group(bmc_params *step, const bmc_params *new, int group);

#endif
