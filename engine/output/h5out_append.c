/* What the run writes into the results file as it goes: rows, summaries, paired
 * comparisons, the final scenario count. */

#include "h5out_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "paired.h"
#include "summary.h"
#include "summary_h5.h"

static herr_t write_rows(hid_t ds, hid_t mtype, hid_t mem, int64_t first, hsize_t count,
                         const void *buf)
{
    hid_t fs = H5Dget_space(ds);
    int rank = fs < 0 ? -1 : H5Sget_simple_extent_ndims(fs);
    hsize_t dims[3], start[3] = {0, 0, 0}, cnt[3];
    herr_t rc = -1;
    if (rank >= 1 && rank <= 3 && H5Sget_simple_extent_dims(fs, dims, NULL) >= 0) {
        hsize_t elems = count;
        start[0] = (hsize_t)first;
        cnt[0] = count;
        for (int i = 1; i < rank; i++) {
            cnt[i] = dims[i];
            elems *= dims[i];
        }
        if (elems == 0) {
            rc = 0; /* a dimension of size zero: nothing to write */
        } else if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL) >= 0) {
            hid_t ms = mem >= 0 ? mem : H5Screate_simple(1, &elems, NULL);
            if (ms >= 0)
                rc = H5Dwrite(ds, mtype, ms, fs, H5P_DEFAULT, buf);
            if (ms != mem)
                bmc_h5_close_space(ms);
        }
    }
    bmc_h5_close_space(fs);
    return rc;
}

/* Column p of the block's [count][n_params] parameter matrix, without a copy. */
static herr_t write_param(const result_set *r, const bmc_result_block *b, int p)
{
    hsize_t mdims[2] = {(hsize_t)b->count, (hsize_t)r->layout.n_params};
    hsize_t start[2] = {0, (hsize_t)p}, cnt[2] = {(hsize_t)b->count, 1};
    hid_t ms = H5Screate_simple(2, mdims, NULL);
    herr_t rc = -1;
    if (ms >= 0 && H5Sselect_hyperslab(ms, H5S_SELECT_SET, start, NULL, cnt, NULL) >= 0)
        rc = write_rows(r->ds[DS_PARAM + p], H5T_NATIVE_DOUBLE, ms, r->rows, (hsize_t)b->count,
                        b->params);
    bmc_h5_close_space(ms);
    return rc;
}

static int write_block(bmc_h5ctx *e, result_set *r, const bmc_result_block *b)
{
    hsize_t n = (hsize_t)b->count;
    for (int f = 0; f < bmc_n_scenario_fields; f++) {
        hid_t mtype = bmc_scenario_fields[f].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE;
        if (write_rows(r->ds[DS_SCEN + f], mtype, H5I_INVALID_HID, r->rows, n,
                       bmc_result_column(b, f))
            < 0)
            return bmc_h5_fail(e, "write %s/scenarios/%s", r->prefix,
                               bmc_scenario_fields[f].name);
    }
    if (write_rows(r->ds[DS_CAT_COMPLETION], H5T_NATIVE_INT32, H5I_INVALID_HID, r->rows, n,
                   b->category_completion_day) < 0)
        return bmc_h5_fail(e, "write %s/scenarios/category_completion_day", r->prefix);
    for (int p = 0; p < r->layout.n_params; p++)
        if (write_param(r, b, p) < 0)
            return bmc_h5_fail(e, "write %s/scenarios/params/%s", r->prefix,
                               r->layout.param_names[p]);
    if (!r->layout.trajectories)
        return BMC_OK;
    for (int f = 0; f < BMC_TRAJ_COUNT; f++)
        if (write_rows(r->ds[DS_TRAJ + f], H5T_NATIVE_DOUBLE, H5I_INVALID_HID, r->rows, n,
                       b->traj[f]) < 0)
            return bmc_h5_fail(e, "write %s/trajectories/%s", r->prefix, bmc_traj_name(f));
    for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
        if (write_rows(r->ds[DS_TRAJ_CAT + f], H5T_NATIVE_DOUBLE, H5I_INVALID_HID, r->rows, n,
                       b->traj_cat[f]) < 0)
            return bmc_h5_fail(e, "write %s/trajectories/%s", r->prefix, bmc_traj_cat_name(f));
    return BMC_OK;
}

/* The variant's completion day minus the reference's, scenario by scenario. */
static int write_paired_diff(bmc_h5ctx *e, result_set *r, const bmc_result_block *ref,
                             const bmc_result_block *var)
{
    double *d = malloc((size_t)(var->count > 0 ? var->count : 1) * sizeof *d);
    if (!d)
        return bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory", e->path);
    for (int i = 0; i < var->count; i++)
        d[i] = bmc_paired_diff(ref->completion_day[i], var->completion_day[i]);
    int rc = BMC_OK;
    if (write_rows(r->ds[DS_PAIRED_DIFF], H5T_NATIVE_DOUBLE, H5I_INVALID_HID, r->rows,
                   (hsize_t)var->count, d) < 0)
        rc = bmc_h5_fail(e, "write %s/paired/completion_day_diff", r->prefix);
    free(d);
    return rc;
}

static int check_block(const bmc_h5out *h, const result_set *r, const bmc_result_block *b,
                       const bmc_result_block *ref, bmc_err *err)
{
    const bmc_layout *l = b->layout, *hl = &r->layout;
    if (!l || l->n_categories != hl->n_categories || l->n_params != hl->n_params
        || l->n_months != hl->n_months || (hl->trajectories && !l->trajectories))
        return bmc_fail(err, BMC_EINTERNAL, "%s: result block layout differs from the file's",
                        h->final_path);
    if (b->count < 0 || b->count > b->capacity)
        return bmc_fail(err, BMC_EINTERNAL, "%s: result block holds %d of %d scenarios",
                        h->final_path, b->count, b->capacity);
    if (b->first_scenario != r->rows || b->count != ref->count)
        return bmc_fail(err, BMC_EINTERNAL,
                        "%s: blocks out of order: expected scenario %lld, got %lld",
                        h->final_path, (long long)r->rows, (long long)b->first_scenario);
    if (b->count > h->n_scenarios - r->rows)
        return bmc_fail(err, BMC_EINTERNAL, "%s: %lld scenarios exceed the %lld announced",
                        h->final_path, (long long)(r->rows + b->count),
                        (long long)h->n_scenarios);
    return BMC_OK;
}

int bmc_h5out_append_sets(bmc_h5out *h, const bmc_result_block *const *b, int n,
                          bmc_err *err)
{
    if (!h || !b || n != h->n_sets)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_append: %d blocks for %d result sets", n,
                        h ? h->n_sets : 0);
    if (h->failed)
        return bmc_fail(err, BMC_EIO, "%s: an earlier write failed", h->final_path);
    for (int s = 0; s < n; s++) {
        int rc = b[s] ? check_block(h, &h->sets[s], b[s], b[0], err)
                      : bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_append: missing block");
        if (rc)
            return rc;
    }
    if (b[0]->count == 0)
        return BMC_OK;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    int rc = BMC_OK;
    for (int s = 0; s < n && !rc; s++) {
        rc = write_block(&e, &h->sets[s], b[s]);
        if (!rc && s > 0)
            rc = write_paired_diff(&e, &h->sets[s], b[0], b[s]);
    }
    bmc_h5ctx_end(&e);
    rc = h5out_written(h, rc, err);
    if (rc)
        return rc;
    for (int s = 0; s < n; s++)
        h->sets[s].rows += b[s]->count;
    return BMC_OK;
}

int bmc_h5out_append(bmc_h5out *h, const bmc_result_block *b, bmc_err *err)
{
    return bmc_h5out_append_sets(h, &b, 1, err);
}

int bmc_h5out_write_summary(bmc_h5out *h, const char *name, const bmc_summary *s,
                            bmc_err *err)
{
    if (!h || !name || !s)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_write_summary: missing argument");
    if (h->failed)
        return bmc_fail(err, BMC_EIO, "%s: an earlier write failed", h->final_path);
    return h5out_written(h, bmc_summary_write(s, h->file, name, err), err);
}

static int write_paired_attrs(bmc_h5ctx *e, hid_t g, const bmc_paired *p)
{
    bmc_paired_counts c;
    bmc_paired_get_counts(p, &c);
    const struct {
        const char *name;
        int64_t value;
    } counts[] = {
        {"n", c.n}, {"later", c.later}, {"earlier", c.earlier}, {"tied", c.tied},
        {"both_complete", c.both_complete}, {"target_reference_only", c.target_reference_only},
        {"target_variant_only", c.target_variant_only},
    };
    int rc = BMC_OK;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0] && !rc; i++)
        rc = bmc_h5_attr_scalar(e, g, counts[i].name, H5T_STD_I64LE, H5T_NATIVE_INT64,
                                &counts[i].value);
    double mean, sd;
    bmc_paired_moments(p, &mean, &sd);
    if (!rc)
        rc = bmc_h5_attr_scalar(e, g, "diff_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &mean);
    if (!rc)
        rc = bmc_h5_attr_scalar(e, g, "diff_sd", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &sd);
    return rc;
}

static int write_paired_arrays(bmc_h5ctx *e, hid_t g, const bmc_paired *p)
{
    int32_t levels[BMC_SUM_N_LEVELS];
    double q[BMC_SUM_N_LEVELS], lo[BMC_SUM_N_LEVELS], hi[BMC_SUM_N_LEVELS], later[3], target[3];
    for (int i = 0; i < BMC_SUM_N_LEVELS; i++) {
        levels[i] = bmc_summary_levels[i];
        bmc_paired_quantile(p, levels[i], &q[i], &lo[i], &hi[i]);
    }
    bmc_paired_p_later(p, later);
    bmc_paired_target_difference(p, target);
    hsize_t nq = BMC_SUM_N_LEVELS, three = 3, nd = 2 * (hsize_t)bmc_paired_ndays(p) + 1;
    int rc;
    if ((rc = bmc_h5_write_array(e, g, "level_percent", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &nq,
                                 levels))
        || (rc = bmc_h5_write_array(e, g, "diff_quantile", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1,
                                    &nq, q))
        || (rc = bmc_h5_write_array(e, g, "diff_ci_low", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1,
                                    &nq, lo))
        || (rc = bmc_h5_write_array(e, g, "diff_ci_high", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1,
                                    &nq, hi))
        || (rc = bmc_h5_write_array(e, g, "p_later", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1,
                                    &three, later))
        || (rc = bmc_h5_write_array(e, g, "p_target_difference", H5T_IEEE_F64LE,
                                    H5T_NATIVE_DOUBLE, 1, &three, target)))
        return rc;
    return bmc_h5_write_array_deflated(e, g, "diff_count", H5T_STD_I64LE, H5T_NATIVE_INT64, 1,
                                       &nd, bmc_paired_diff_counts(p));
}

int bmc_h5out_write_paired(bmc_h5out *h, int variant, const bmc_paired *p, bmc_err *err)
{
    if (!h || !p || variant < 0 || variant >= h->n_sets - 1)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_write_paired: no variant %d", variant);
    if (h->failed)
        return bmc_fail(err, BMC_EIO, "%s: an earlier write failed", h->final_path);
    const result_set *r = &h->sets[1 + variant];
    char path[sizeof r->prefix + 16];
    snprintf(path, sizeof path, "%s/paired", r->prefix);
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    hid_t g = H5Gopen2(h->file, path, H5P_DEFAULT);
    int rc = g < 0 ? bmc_h5_fail(&e, "open group %s", path) : BMC_OK;
    if (!rc)
        rc = write_paired_attrs(&e, g, p);
    if (!rc)
        rc = write_paired_arrays(&e, g, p);
    bmc_h5_close_group(g);
    bmc_h5ctx_end(&e);
    return h5out_written(h, rc, err);
}

static int shrink_dataset(bmc_h5ctx *e, hid_t ds, int64_t n)
{
    hid_t space = H5Dget_space(ds);
    hsize_t dims[3];
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    int rc = BMC_OK;
    if (rank < 1 || rank > 3 || H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        rc = bmc_h5_fail(e, "read a dataset's shape");
    bmc_h5_close_space(space);
    if (rc)
        return rc;
    dims[0] = (hsize_t)n;
    return H5Dset_extent(ds, dims) < 0 ? bmc_h5_fail(e, "resize a dataset to %lld rows",
                                                     (long long)n)
                                       : BMC_OK;
}

int bmc_h5out_set_scenarios(bmc_h5out *h, int64_t n, bmc_err *err)
{
    if (!h || n < 1 || n > h->n_scenarios)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_set_scenarios: %lld scenarios",
                        (long long)n);
    if (h->failed)
        return bmc_fail(err, BMC_EIO, "%s: an earlier write failed", h->final_path);
    for (int k = 0; k < h->n_sets; k++)
        if (h->sets[k].rows != n)
            return bmc_fail(err, BMC_EINTERNAL, "%s: %lld scenarios h5out_written, not %lld",
                            h->final_path, (long long)h->sets[k].rows, (long long)n);
    if (n == h->n_scenarios)
        return BMC_OK;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    int rc = BMC_OK;
    for (int k = 0; k < h->n_sets && !rc; k++)
        for (int i = 0; i < DS_COUNT && !rc; i++)
            if (h->sets[k].ds[i] >= 0)
                rc = shrink_dataset(&e, h->sets[k].ds[i], n);
    if (!rc && H5Adelete(h->file, "n_scenarios") < 0)
        rc = bmc_h5_fail(&e, "replace the attribute n_scenarios");
    if (!rc)
        rc = bmc_h5_attr_scalar(&e, h->file, "n_scenarios", H5T_STD_I64LE, H5T_NATIVE_INT64, &n);
    bmc_h5ctx_end(&e);
    rc = h5out_written(h, rc, err);
    if (!rc)
        h->n_scenarios = n;
    return rc;
}

int bmc_h5out_write_precision(bmc_h5out *h, const bmc_h5_precision *p, bmc_err *err)
{
    if (!h || !p)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_write_precision: missing argument");
    if (h->failed)
        return bmc_fail(err, BMC_EIO, "%s: an earlier write failed", h->final_path);
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    int32_t reached = p->reached ? 1 : 0;
    int rc;
    if ((rc = bmc_h5_attr_scalar(&e, h->file, "precision_half_width_goal", H5T_IEEE_F64LE,
                                 H5T_NATIVE_DOUBLE, &p->goal))
        || (rc = bmc_h5_attr_scalar(&e, h->file, "precision_batch", H5T_STD_I64LE,
                                    H5T_NATIVE_INT64, &p->batch))
        || (rc = bmc_h5_attr_scalar(&e, h->file, "precision_max_scenarios", H5T_STD_I64LE,
                                    H5T_NATIVE_INT64, &p->max_scenarios))
        || (rc = bmc_h5_attr_scalar(&e, h->file, "precision_half_width", H5T_IEEE_F64LE,
                                    H5T_NATIVE_DOUBLE, &p->half_width))
        || (rc = bmc_h5_attr_scalar(&e, h->file, "precision_reached", H5T_STD_I32LE,
                                    H5T_NATIVE_INT32, &reached)))
        h->failed = true;
    bmc_h5ctx_end(&e);
    return h5out_written(h, rc, err);
}
