#include "summary_cmd.h"

#include <stdlib.h>

#include "analysis_tables.h"
#include "h5read.h"
#include "sensitivity_h5.h"
#include "summary.h"
#include "summary_table.h"

static void print_provenance(const char *path, const bmc_h5read_info *in, FILE *out)
{
    char d0[16], horizon[16], pact[16], target[16];
    bmc_date_format(in->day0, d0);
    bmc_date_format(in->day0 + in->ndays - 1, horizon);
    bmc_date_format(in->pact_date, pact);
    bmc_date_format(in->target_date, target);
    fprintf(out, "backlogmc summary of %s\n", path);
    if (in->has_state) {
        char as_of[16];
        bmc_date_format(in->as_of, as_of);
        fprintf(out, "  forecast as of %s (from the state in /state/text)\n", as_of);
    }
    fprintf(out, "  configuration  %s\n", in->config_name);
    fprintf(out, "  scenarios      %lld, master seed %llu%s\n", (long long)in->n_scenarios,
            (unsigned long long)in->seed,
            in->deterministic ? ", deterministic (every draw at its expected value)" : "");
    fprintf(out, "  engine         backlogmc %s, git %s\n", in->engine_version, in->git_commit);
    fprintf(out, "  created        %s\n", in->created);
    fprintf(out, "  period         %s to %s, Pact %s, target %s\n", d0, horizon, pact, target);
    fprintf(out, "\n");
}

/* The main summary, one per variant that could be read (names in the same order), and the
 * paired comparison of every listed variant. */
typedef struct loaded {
    bmc_summary *main;
    int n_variants;
    bmc_summary *variants[BMC_MAX_VARIANTS];
    char names[BMC_MAX_VARIANTS][BMC_NAME_LEN];
    int n_unreadable;
    char unreadable[BMC_MAX_VARIANTS][BMC_ERR_LEN];
    bmc_h5read_paired_info paired[BMC_MAX_VARIANTS]; /* [info->n_variants] */
    int n_paired_unreadable;
    char paired_unreadable[BMC_MAX_VARIANTS][BMC_ERR_LEN];
} loaded;

static void loaded_free(loaded *l)
{
    bmc_summary_free(l->main);
    for (int i = 0; i < l->n_variants; i++)
        bmc_summary_free(l->variants[i]);
}

/* A variant that cannot be summarised (a layout this engine does not know), or whose paired
 * comparison is malformed, is reported, not fatal: the main results still deserve their
 * table. */
static int load(bmc_h5read *r, loaded *l, bmc_err *err)
{
    const bmc_h5read_info *in = bmc_h5read_get_info(r);
    BMC_TRY(bmc_h5read_summary(r, NULL, &l->main, err));
    for (int i = 0; i < in->n_variants; i++) {
        char group[BMC_NAME_LEN + 16];
        bmc_err why;
        snprintf(group, sizeof group, "variants/%s", in->variants[i]);
        int rc = bmc_h5read_summary(r, group, &l->variants[l->n_variants], &why);
        if (rc == BMC_ENOMEM)
            return bmc_fail(err, rc, "%s", why.msg);
        if (rc == BMC_OK)
            snprintf(l->names[l->n_variants++], BMC_NAME_LEN, "%s", in->variants[i]);
        else
            snprintf(l->unreadable[l->n_unreadable++], BMC_ERR_LEN, "%s", why.msg);
        rc = bmc_h5read_paired(r, in->variants[i], &l->paired[i], &why);
        if (rc == BMC_ENOMEM)
            return bmc_fail(err, rc, "%s", why.msg);
        if (rc != BMC_OK)
            snprintf(l->paired_unreadable[l->n_paired_unreadable++], BMC_ERR_LEN, "%s",
                     why.msg);
    }
    return BMC_OK;
}

static void print_variants(const bmc_h5read_info *in, const loaded *l, FILE *out)
{
    if (in->n_variants + in->n_variants_skipped == 0)
        return;
    fprintf(out, "\n");
    bmc_summary_print_variants(in->reference, l->main,
                               (const char (*)[BMC_NAME_LEN])l->names, l->variants,
                               l->n_variants, out);
    for (int i = 0; i < l->n_unreadable; i++)
        fprintf(out, "  variant not summarised: %s\n", l->unreadable[i]);
    if (in->n_variants_skipped)
        fprintf(out, "  %d variant(s) left out: more than %d, or a name that is not a plain "
                "group name of at most %d bytes\n", in->n_variants_skipped,
                BMC_MAX_VARIANTS, BMC_NAME_LEN - 1);
    if (in->n_variants == 0)
        return;
    fprintf(out, "\n");
    bmc_summary_print_paired(in->reference, l->main,
                             (const char (*)[BMC_NAME_LEN])in->variants, l->paired,
                             in->n_variants, out);
    for (int i = 0; i < l->n_paired_unreadable; i++)
        fprintf(out, "  paired comparison not read: %s\n", l->paired_unreadable[i]);
}

/* A sensitivity file (docs/decisions.md): its two ranked tables. */
static int summary_of_sensitivity(const char *path, FILE *out, bmc_err *err)
{
    bmc_sensitivity_file f;
    BMC_TRY(bmc_sensitivity_h5_read(path, &f, err));
    fprintf(out, "backlogmc sensitivity of %s\n  configuration  %s\n\n", path, f.config_name);
    bmc_print_tornado(&f.tornado, f.day0, f.target_date, out);
    fprintf(out, "\n");
    bmc_print_sobol(&f.sobol, out);
    bmc_sensitivity_file_free(&f);
    return BMC_OK;
}

int bmc_summary_command(const char *path, FILE *out, bmc_err *err)
{
    if (bmc_sensitivity_h5_is(path))
        return summary_of_sensitivity(path, out, err);
    bmc_h5read *r = NULL;
    BMC_TRY(bmc_h5read_open(path, &r, err));
    loaded *l = calloc(1, sizeof *l); /* ~200 KB of names and messages: not on the stack */
    int rc = l ? load(r, l, err) : bmc_fail(err, BMC_ENOMEM, "out of memory reading %s", path);
    if (rc == BMC_OK) {
        const bmc_h5read_info *in = bmc_h5read_get_info(r);
        print_provenance(path, in, out);
        bmc_summary_print(l->main, out);
        print_variants(in, l, out);
    }
    if (l)
        loaded_free(l);
    free(l);
    bmc_h5read_close(r);
    return rc;
}
