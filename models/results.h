#ifndef BACKLOGMC_RESULTS_H
#define BACKLOGMC_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "results_schema.h"

/* Per-scenario outputs (docs/model.md section 9), column by column for a block of consecutive
 * scenarios, so a block goes to HDF5 (or over MPI) as contiguous arrays. Day values are
 * day indices from the start date; -1 means "not reached by the horizon". The fields are
 * those of results_schema.h. */

#define BMC_MAX_CATEGORIES 16
#define BMC_MAX_PARAMS 128
#define BMC_NAME_LEN 64

#define BMC_TRAJ_ENUM(ID, name, kind, units) BMC_TRAJ_##ID,
enum bmc_traj { BMC_TRAJ_FIELDS(BMC_TRAJ_ENUM) BMC_TRAJ_COUNT };
enum bmc_traj_cat { BMC_TRAJ_CAT_FIELDS(BMC_TRAJ_ENUM) BMC_TRAJ_CAT_COUNT };
#undef BMC_TRAJ_ENUM

/* A field of the schema, for code that treats them alike (writer, reader, checkpoint). */
typedef struct bmc_field {
    const char *name;  /* also the HDF5 dataset name (docs/output.md) */
    bool is_int;       /* int32, else float64 */
    const char *kind;  /* trajectories: "flow" or "stock"; NULL for per-scenario values */
    const char *units;
    size_t offset;     /* of the column pointer in bmc_result_block (per-scenario values) */
} bmc_field;

#define BMC_COUNT_FIELD(name, type, units) +1
#define BMC_N_SCENARIO_FIELDS (0 BMC_SCENARIO_FIELDS(BMC_COUNT_FIELD))
extern const bmc_field bmc_scenario_fields[BMC_N_SCENARIO_FIELDS];
extern const int bmc_n_scenario_fields;
extern const bmc_field bmc_traj_fields[BMC_TRAJ_COUNT];
extern const bmc_field bmc_traj_cat_fields[BMC_TRAJ_CAT_COUNT];

/* snake_case names, also the HDF5 dataset names (docs/output.md); NULL out of range. */
const char *bmc_traj_name(enum bmc_traj f);
const char *bmc_traj_cat_name(enum bmc_traj_cat f);

typedef struct bmc_layout {
    int n_categories;
    char category_names[BMC_MAX_CATEGORIES][BMC_NAME_LEN];
    int n_params; /* sampled scenario parameters, e.g. "intake.annual_level" */
    char param_names[BMC_MAX_PARAMS][BMC_NAME_LEN];
    int n_months; /* months in trajectories */
    bool trajectories;
} bmc_layout;

#define BMC_FIELD_TYPE_I32 int32_t
#define BMC_FIELD_TYPE_F64 double
#define BMC_FIELD_MEMBER(name, type, units) BMC_FIELD_TYPE_##type *name;

typedef struct bmc_result_block {
    const bmc_layout *layout;
    int capacity;           /* scenarios the arrays hold */
    int count;              /* scenarios filled, 0..capacity */
    int64_t first_scenario; /* scenario index of row 0 */
    BMC_SCENARIO_FIELDS(BMC_FIELD_MEMBER) /* [capacity] each */
    int32_t *category_completion_day; /* [capacity][n_categories] */
    double *params;                   /* [capacity][n_params] */
    double *traj[BMC_TRAJ_COUNT];         /* [capacity][n_months], NULL without trajectories */
    double *traj_cat[BMC_TRAJ_CAT_COUNT]; /* [capacity][n_months][n_categories] */
} bmc_result_block;

#undef BMC_FIELD_MEMBER

/* Column f of the per-scenario values (bmc_scenario_fields[f]) of b. */
static inline void *bmc_result_column(const bmc_result_block *b, int f)
{
    return *(void *const *)(const void *)((const char *)b + bmc_scenario_fields[f].offset);
}

/* NULL when out of memory or the layout is out of range. Arrays are zeroed. */
bmc_result_block *bmc_result_block_alloc(const bmc_layout *layout, int capacity);
void bmc_result_block_free(bmc_result_block *b);
/* Sets count = 0 and first_scenario; zeroes the trajectories. */
void bmc_result_block_reset(bmc_result_block *b, int64_t first_scenario);

#endif
