/* What rank 0 writes: the results file and the checkpoint, from the opening (with the
 * replay of a checkpoint) to the commit or the last snapshot. */

#include "run_internal.h"

#include <stdio.h>
#include <string.h>

#include "outpaths.h"

void run_identity(const run *r, bmc_run_identity *id)
{
    bmc_run_identity_make(&r->saved[0], r->o->seed, r->o->scenarios, r->o->config_text, id);
    if (r->o->state_text) { /* a resume must start from the same state: FNV-1a of its text */
        uint64_t h = 14695981039346656037ULL;
        for (const char *c = r->o->state_text; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ULL;
        bmc_run_identity_add_value(id, h);
    }
    for (int k = 1; k < r->n_sets; k++)
        bmc_run_identity_add_layout(id, &r->saved[k]);
    if (run_precision_stop(r->o)) {
        uint64_t bits;
        memcpy(&bits, &r->o->precision, sizeof bits);
        bmc_run_identity_add_value(id, bits);
        bmc_run_identity_add_value(id, (uint64_t)r->o->precision_batch);
    }
}

/* The rows to the output; from here a failure leaves the summaries ahead of the
 * checkpoint: no more snapshots. */
static int write_rows(run *r, const bmc_result_block *const *b, bmc_err *err)
{
    int rc = bmc_h5out_append_sets(r->out, b, r->n_sets, err);
    r->ck_consistent = r->ck_consistent && rc == BMC_OK;
    if (rc == BMC_OK)
        r->done += b[0]->count;
    return rc;
}

int run_write_blocks(run *r, const bmc_result_block *const *b, bmc_err *err)
{
    int rc = write_rows(r, b, err);
    if (rc == BMC_OK && r->ck) {
        /* the checkpoint keeps what the output keeps: trajectories only when written */
        bmc_result_block view[BMC_MAX_RESULT_SETS];
        const bmc_result_block *vp[BMC_MAX_RESULT_SETS];
        for (int k = 0; k < r->n_sets; k++) {
            view[k] = *b[k];
            view[k].layout = &r->saved[k];
            vp[k] = &view[k];
        }
        rc = bmc_checkpoint_append_sets(r->ck, vp, r->n_sets, err);
        r->ck_consistent = r->ck_consistent && rc == BMC_OK;
    }
    if (rc == BMC_OK)
        r->written += b[0]->count;
    return rc;
}

/* Rows replayed from the checkpoint: to the output and the paired comparisons; they lack
 * the monthly values, so their summaries come from the snapshot. */
static int sink_replayed(void *ctx, const bmc_result_block *const *b, int n_sets,
                         bmc_err *err)
{
    run *r = ctx;
    if (n_sets != r->n_sets)
        return bmc_fail(err, BMC_EINTERNAL, "checkpoint of %d result sets, run of %d", n_sets,
                        r->n_sets);
    int rc = write_rows(r, b, err);
    for (int k = 1; k < r->n_sets && rc == BMC_OK; k++)
        rc = bmc_paired_add(r->paired[k], b[0], b[k], err);
    if (rc != BMC_OK)
        r->ck_consistent = false;
    return rc;
}

/* The summaries as they were after the replayed rows. */
static int restore_summary(void *ctx, int set, const int64_t *counts, size_t n, bmc_err *err)
{
    run *r = ctx;
    size_t have;
    int64_t *mine = set >= 0 && set < r->n_sets ? bmc_summary_counts(r->summary[set], &have) : NULL;
    if (!mine || have != n)
        return bmc_fail(err, BMC_EIO, "checkpoint %s: its summary does not fit this run",
                        r->o->checkpoint);
    memcpy(mine, counts, n * sizeof *counts);
    return BMC_OK;
}

int run_save_checkpoint(run *r, bool all_whole, bmc_err *err)
{
    if (!r->ck_consistent || !all_whole)
        return bmc_checkpoint_sync(r->ck, err); /* the last snapshot stands */
    const int64_t *counts[BMC_MAX_RESULT_SETS];
    size_t n[BMC_MAX_RESULT_SETS];
    for (int k = 0; k < r->n_sets; k++)
        counts[k] = bmc_summary_counts(r->summary[k], &n[k]);
    int rc = bmc_checkpoint_append_snapshot(r->ck, counts, n, r->n_sets, err);
    return rc == BMC_OK ? bmc_checkpoint_sync(r->ck, err) : rc;
}

static bmc_run_meta run_meta(const run *r)
{
    const bmc_run_options *o = r->o;
    const bmc_model *m = r->m;
    return (bmc_run_meta){
        .config_name = o->config_name,
        .config_text = o->config_text,
        .seed = o->seed,
        .n_scenarios = o->scenarios,
        .deterministic = m->p.deterministic,
        .omit_trajectories = !o->trajectories,
        .cal = m->cal,
        .target_date = m->p.target_date,
        .pact_date = m->p.pact_date,
        .state_text = o->state_text,
        .as_of = o->as_of,
        .n_variants = r->n_sets - 1,
    };
}

/* Replays the checkpoint's rows into the output and its last snapshot into the summaries. */
static int replay(run *r, bmc_err *err)
{
    const bmc_run_options *o = r->o;
    const bmc_layout *layouts[BMC_MAX_RESULT_SETS];
    for (int k = 0; k < r->n_sets; k++)
        layouts[k] = &r->saved[k];
    r->ck_consistent = true; /* until a replayed block fails */
    int rc = bmc_checkpoint_replay_sets(r->ck, layouts, r->n_sets, sink_replayed,
                                        restore_summary, r, &r->resumed, err);
    if (rc != BMC_OK)
        r->ck_consistent = false;
    else if (bmc_summary_n(r->summary[0], BMC_SUM_ALL) != r->done)
        rc = bmc_fail(err, BMC_EIO, "checkpoint %s: its summaries count %lld scenarios, its "
                      "rows %lld", o->checkpoint,
                      (long long)bmc_summary_n(r->summary[0], BMC_SUM_ALL), (long long)r->done);
    /* the run that wrote it may have stopped right after the batch that was precise enough;
     * rank 0's summaries hold every scenario here */
    if (rc == BMC_OK && run_precision_stop(o) && r->done > 0 &&
        r->done % o->precision_batch == 0 && r->done < o->scenarios) {
        bmc_sum_prob p;
        bmc_summary_probability(r->summary[0], BMC_SUM_ALL, BMC_SUM_COMPLETE_BY_TARGET, &p);
        r->half_width = run_half_width(p.count, p.n);
        r->precise = r->half_width <= o->precision;
    }
    return rc;
}

int run_open_output(run *r, bmc_err *err)
{
    const bmc_run_options *o = r->o;
    bmc_run_meta meta = run_meta(r);
    bmc_h5_variant variants[BMC_MAX_VARIANTS];
    for (int v = 0; v < o->n_variants; v++)
        variants[v] = (bmc_h5_variant){.name = o->variants[v].name,
                                       .description = o->variants[v].description,
                                       .overrides = o->variants[v].overrides,
                                       .layout = &r->layout[1 + v]};
    meta.variants = variants;
    bmc_run_identity id;
    run_identity(r, &id);
    bmc_out_plan plan = {.out = o->out_path, .checkpoint = o->checkpoint, .resume = o->resume,
                         .force = o->force, .inputs = o->inputs, .n_inputs = o->n_inputs};
    int rc = bmc_out_plan_check(&plan, err);
    if (rc == BMC_OK && o->checkpoint && o->resume) {
        /* the temporary output of a process killed mid-run is garbage once its run is
         * resumed, whatever output this resume writes */
        static const char hdf5_signature[8] = "\x89HDF\r\n\x1a\n";
        bmc_checkpoint_writer old;
        rc = bmc_checkpoint_open(o->checkpoint, &id, o->out_path, &r->ck, &old, err);
        if (rc == BMC_OK)
            bmc_remove_stale_tmp(old.out_path, old.pid, hdf5_signature, 8);
    }
    if (rc == BMC_OK)
        rc = bmc_h5out_open(o->out_path, &r->layout[0], &meta, &r->out, err);
    if (rc != BMC_OK || !o->checkpoint)
        return rc;
    if (r->ck)
        return replay(r, err);
    rc = bmc_checkpoint_create(o->checkpoint, &id, o->out_path, &r->ck, err);
    r->ck_consistent = r->ck_created = rc == BMC_OK;
    return rc;
}

/* The summaries, the paired comparisons and, with a precision stop, how it ended. */
static int write_summaries(run *r, bmc_err *err)
{
    int rc = BMC_OK;
    if (run_precision_stop(r->o)) {
        bmc_h5_precision p = {.goal = r->o->precision, .batch = r->o->precision_batch,
                              .max_scenarios = r->o->scenarios, .half_width = r->half_width,
                              .reached = r->precise};
        rc = bmc_h5out_set_scenarios(r->out, r->done, err);
        if (rc == BMC_OK)
            rc = bmc_h5out_write_precision(r->out, &p, err);
    }
    if (rc == BMC_OK)
        rc = bmc_h5out_write_summary(r->out, "summary", r->summary[0], err);
    for (int k = 1; k < r->n_sets && rc == BMC_OK; k++) {
        char name[BMC_NAME_LEN + 32];
        snprintf(name, sizeof name, "variants/%s/summary", r->o->variants[k - 1].name);
        rc = bmc_h5out_write_summary(r->out, name, r->summary[k], err);
        if (rc == BMC_OK)
            rc = bmc_h5out_write_paired(r->out, k - 1, r->paired[k], err);
    }
    return rc;
}

int run_finish_output(run *r, int rc, bool all_whole, bmc_err *err)
{
    bmc_err ignored;
    if (rc == BMC_OK && !all_whole)
        rc = bmc_fail(err, BMC_EINTERNAL, "the summaries of a rank are incomplete");
    if (rc == BMC_OK)
        rc = write_summaries(r, err);
    if (rc == BMC_OK) {
        rc = bmc_h5out_commit(r->out, err); /* removes the temporary file when it fails */
        r->out = NULL;
        if (rc == BMC_OK) {
            /* once the output is complete a checkpoint that cannot be removed is only
             * clutter: resuming it would write the same file again */
            bmc_checkpoint_close(r->ck, true, &ignored);
            r->ck = NULL;
            return rc;
        }
    } else {
        bmc_h5out_abort(r->out);
        r->out = NULL;
    }
    if (!r->ck)
        return rc;
    int64_t saved = bmc_checkpoint_rows(r->ck);
    /* a checkpoint this run created that holds nothing is of no use to a resume */
    if (saved == 0 && r->ck_created) {
        bmc_checkpoint_close(r->ck, true, &ignored);
        r->ck = NULL;
        return rc;
    }
    /* every row reached the checkpoint: with a final snapshot a resume redoes nothing */
    int src = run_save_checkpoint(r, all_whole, &ignored);
    int crc = bmc_checkpoint_close(r->ck, false, &ignored);
    r->ck = NULL;
    bool kept = src == BMC_OK && crc == BMC_OK;
    if (rc == BMC_EINTERRUPTED && kept)
        return bmc_fail(err, BMC_ESAVED,
                        "stopped by a signal after %lld of %s%lld scenarios; checkpoint %s "
                        "holds them: continue with --resume %s",
                        (long long)saved, run_precision_stop(r->o) ? "at most " : "",
                        (long long)r->o->scenarios, r->o->checkpoint, r->o->checkpoint);
    if (rc == BMC_EIO && kept && saved > 0) {
        char why[BMC_ERR_LEN];
        snprintf(why, sizeof why, "%s", err->msg);
        return bmc_fail(err, rc, "%.900s; checkpoint %s keeps the scenarios done: continue "
                        "with --resume %s once there is room", why, r->o->checkpoint,
                        r->o->checkpoint);
    }
    return rc;
}
