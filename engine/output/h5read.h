#ifndef BACKLOGMC_H5READ_H
#define BACKLOGMC_H5READ_H

#include <stdbool.h>
#include <stdint.h>

#include <hdf5.h>

#include "calendar.h"
#include "h5vfd.h"
#include "results.h"
#include "status.h"
#include "variants.h"
#include "summary.h"

/* Reading a results file (docs/output.md): the provenance, and the summary of the main
 * results or of a variant. Only files with format "backlogmc-results" and the schema version
 * this engine writes are opened. */


typedef struct bmc_h5read_info {
    int schema_version;
    char engine_version[64];
    char git_commit[128];
    char created[64];
    char config_name[1024];
    uint64_t seed;
    int64_t n_scenarios;
    bool deterministic;
    bmc_date day0, target_date, pact_date;
    bool has_state;      /* the run started from a state (/state/text, root attribute as_of) */
    bmc_date as_of;      /* that state's as-of date */
    int ndays;           /* simulated days: the length of /calendar/dates */
    int target_day;      /* target_date as a day index */
    bmc_layout layout;   /* categories and months; trajectories = /trajectories exists */
    bool has_summary;    /* /summary exists */
    /* The variants, in configuration order (the attribute names of /variants; in files
     * without it, the groups under /variants by name). n_variants_skipped counts those left
     * out: beyond BMC_MAX_VARIANTS, or a name too long or not a plain group name. */
    int n_variants;
    int n_variants_skipped;
    char variants[BMC_MAX_VARIANTS][BMC_NAME_LEN];
    char reference[BMC_NAME_LEN]; /* what the comparison calls the main results: "base" */
} bmc_h5read_info;

typedef struct bmc_h5read bmc_h5read;

/* BMC_EIO when the file is missing, unreadable, not HDF5, not a backlogmc results file, of
 * another schema version, or inconsistent; the message names the file. */
int bmc_h5read_open(const char *path, bmc_h5read **out, bmc_err *err);
void bmc_h5read_close(bmc_h5read *r);
/* Is path a backlogmc results file (HDF5 at offset 0 with the format attribute), of any
 * schema version? False for anything else, also when it cannot be read. */
bool bmc_h5read_is_results(const char *path);
/* The same for another kind of backlogmc file: its format attribute is `format`. */
bool bmc_h5read_is_format(const char *path, const char *format);
const bmc_h5read_info *bmc_h5read_get_info(const bmc_h5read *r);
/* The open file and its path, for readers of further parts (h5text.h, monthly_hist.h). */
hid_t bmc_h5read_file(const bmc_h5read *r);
const char *bmc_h5read_path(const bmc_h5read *r);

/* The summary of the results under group (NULL or "" for the main results, or
 * "variants/<name>"): the day histograms of <group>/summary when it exists, else computed
 * from <group>/scenarios. Either way without monthly indicators (the file keeps only their
 * quantiles). The caller frees *out. */
int bmc_h5read_summary(bmc_h5read *r, const char *group, bmc_summary **out, bmc_err *err);

/* A variant against the reference on the same scenarios: /variants/<name>/paired
 * (docs/output.md). Differences are variant minus reference, in days; a completion not
 * reached by the horizon ranks after every day. */
typedef struct bmc_h5read_paired_info {
    bool present; /* the group exists; when false nothing else is set */
    int64_t n, later, earlier, tied; /* later + earlier + tied == n */
    int64_t both_complete;           /* the difference quantiles are over these */
    int64_t target_reference_only, target_variant_only;
    double diff_mean, diff_sd;       /* over both_complete; NaN when there are none */
    int level_percent[BMC_SUM_N_LEVELS];              /* bmc_summary_levels */
    double diff_quantile[BMC_SUM_N_LEVELS];           /* NaN when both_complete == 0 */
    double diff_ci_low[BMC_SUM_N_LEVELS], diff_ci_high[BMC_SUM_N_LEVELS]; /* NaN: open */
    double p_later[3];             /* P(variant completes later): estimate, Wilson low, high */
    double p_target_difference[3]; /* P(variant by target) - P(reference by target): estimate,
                                    * low, high (Agresti-Min) */
} bmc_h5read_paired_info;

/* Reads the paired comparison of the variant name (one of info->variants). A file without
 * it is not an error: BMC_OK with out->present false. BMC_EIO, naming the file, when it is
 * there but malformed or inconsistent (counts that do not add up to n_scenarios, other
 * quantile levels). */
int bmc_h5read_paired(bmc_h5read *r, const char *name, bmc_h5read_paired_info *out,
                      bmc_err *err);

#endif
