/* The results file's groups and datasets, made at open at their full size. */

#include "h5out_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5text.h"

/* The category names as an attribute, so a [.., n_categories] dataset explains itself. */
static int attr_categories(bmc_h5ctx *e, hid_t obj, const bmc_layout *l)
{
    return bmc_h5_attr_names(e, obj, "categories", l->category_names, l->n_categories);
}

static hsize_t min_hsize(hsize_t a, hsize_t b)
{
    return a < b ? a : b;
}

/* ---- the fixed parts, h5out_written at open ------------------------------------------------------ */

static int write_root_attributes(bmc_h5ctx *e, hid_t file, const bmc_run_meta *m)
{
    int32_t deterministic = m->deterministic ? 1 : 0;
    int rc;
    if ((rc = bmc_h5_attr_provenance(e, file, BMC_H5_FORMAT, BMC_H5_SCHEMA_VERSION,
                                     m->config_name, m->seed, m->n_scenarios))
        || (rc = bmc_h5_attr_scalar(e, file, "deterministic", H5T_STD_I32LE, H5T_NATIVE_INT32,
                             &deterministic))
        || (rc = bmc_h5_attr_date(e, file, "day0", bmc_calendar_start(m->cal)))
        || (rc = bmc_h5_attr_date(e, file, "target_date", m->target_date))
        || (rc = bmc_h5_attr_date(e, file, "pact_date", m->pact_date)))
        return rc;
    if (m->state_text)
        return bmc_h5_attr_date(e, file, "as_of", m->as_of);
    return BMC_OK;
}

static int write_config(bmc_h5ctx *e, hid_t file, const bmc_run_meta *m)
{
    return bmc_h5_write_config(e, file, m->config_text);
}

/* /state/text: the state file the run started from, as it was read. */
static int write_state(bmc_h5ctx *e, hid_t file, const bmc_run_meta *m)
{
    if (!m->state_text)
        return BMC_OK;
    hid_t g = bmc_h5_create_group(file, "state");
    int rc = g < 0 ? bmc_h5_fail(e, "create /state") : bmc_h5_write_text(e, g, "text",
                                                                          m->state_text);
    bmc_h5_close_group(g);
    return rc;
}

/* A one-dimensional dataset that is complete at open (calendar, names). */
static int write_whole(bmc_h5ctx *e, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       hsize_t n, const void *buf)
{
    return bmc_h5_write_array(e, loc, name, ftype, mtype, 1, &n, buf);
}

/* ISO dates packed as fixed 10-character strings. */
static int write_dates(bmc_h5ctx *e, hid_t loc, const char *name, const bmc_date *dates, int n)
{
    char *buf = calloc(n > 0 ? (size_t)n : 1, 10);
    if (!buf)
        return bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory for %s", e->path, name);
    for (int i = 0; i < n; i++) {
        char iso[16];
        bmc_date_format(dates[i], iso);
        memcpy(buf + (size_t)i * 10, iso, 10);
    }
    hid_t t = bmc_h5_fixed_string_type(10);
    int rc = t < 0 ? bmc_h5_fail(e, "create a string type")
                   : write_whole(e, loc, name, t, t, (hsize_t)n, buf);
    bmc_h5_close_type(t);
    free(buf);
    return rc;
}

static int write_calendar_datasets(bmc_h5ctx *e, hid_t g, const bmc_calendar *cal, int n_months)
{
    int days = bmc_calendar_days(cal);
    int n = days > n_months ? days : n_months;
    bmc_date *dates = malloc((n > 0 ? (size_t)n : 1) * sizeof *dates);
    if (!dates)
        return bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory for the calendar", e->path);
    for (int d = 0; d < days; d++)
        dates[d] = bmc_calendar_date(cal, d);
    int rc = write_dates(e, g, "dates", dates, days);
    if (!rc)
        rc = write_whole(e, g, "working", H5T_STD_U8LE, H5T_NATIVE_UINT8, (hsize_t)days,
                         bmc_calendar_working(cal));
    /* one entry per trajectory month, from the month that holds day 0 */
    bmc_date first = bmc_calendar_month_first(cal, 0);
    for (int m = 0; m < n_months; m++)
        dates[m] = bmc_date_add_months(first, m);
    if (!rc)
        rc = write_dates(e, g, "month_first", dates, n_months);
    free(dates);
    return rc;
}

static int write_calendar(bmc_h5ctx *e, hid_t file, const bmc_calendar *cal, int n_months)
{
    hid_t g = bmc_h5_create_group(file, "calendar");
    if (g < 0)
        return bmc_h5_fail(e, "create group /calendar");
    int rc = bmc_h5_attr_date(e, g, "day0", bmc_calendar_start(cal));
    if (!rc)
        rc = write_calendar_datasets(e, g, cal, n_months);
    H5Gclose(g);
    return rc;
}

static int write_categories(bmc_h5ctx *e, hid_t file, const bmc_layout *l)
{
    hid_t g = bmc_h5_create_group(file, "categories");
    if (g < 0)
        return bmc_h5_fail(e, "create group /categories");
    int rc = bmc_h5_write_names(e, g, "names", l->category_names, l->n_categories);
    H5Gclose(g);
    return rc;
}

/* ---- the per-scenario datasets, created at full size and filled by append ------------------ */

static int create_scenario_datasets(bmc_h5ctx *e, bmc_h5out *h, result_set *r, hid_t g)
{
    hsize_t n = (hsize_t)h->n_scenarios;
    hsize_t ncat = (hsize_t)r->layout.n_categories;
    hsize_t dims[2] = {n, ncat};
    hsize_t chunk[2] = {min_hsize(SCEN_CHUNK_ROWS, n), ncat};
    int rc = BMC_OK;
    for (int f = 0; f < bmc_n_scenario_fields && !rc; f++) {
        const bmc_field *field = &bmc_scenario_fields[f];
        hid_t ftype = field->is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE;
        r->ds[DS_SCEN + f] = bmc_h5_create_dataset(g, field->name, ftype, 1, dims, chunk);
        if (r->ds[DS_SCEN + f] < 0)
            rc = bmc_h5_fail(e, "create dataset %s/scenarios/%s", r->prefix, field->name);
        else
            rc = bmc_h5_attr_string(e, r->ds[DS_SCEN + f], "units", field->units);
    }
    if (rc)
        return rc;
    r->ds[DS_CAT_COMPLETION] = bmc_h5_create_dataset(g, "category_completion_day", H5T_STD_I32LE, 2,
                                              dims, chunk);
    if (r->ds[DS_CAT_COMPLETION] < 0)
        return bmc_h5_fail(e, "create dataset %s/scenarios/category_completion_day", r->prefix);
    rc = bmc_h5_attr_string(e, r->ds[DS_CAT_COMPLETION], "units", BMC_DAY_UNITS);
    if (!rc)
        rc = attr_categories(e, r->ds[DS_CAT_COMPLETION], &r->layout);
    return rc;
}

static int create_param_datasets(bmc_h5ctx *e, bmc_h5out *h, result_set *r, hid_t scenarios)
{
    hid_t g = bmc_h5_create_group(scenarios, "params");
    if (g < 0)
        return bmc_h5_fail(e, "create group %s/scenarios/params", r->prefix);
    hsize_t dims[1] = {(hsize_t)h->n_scenarios};
    hsize_t chunk[1] = {min_hsize(SCEN_CHUNK_ROWS, dims[0])};
    int rc = BMC_OK;
    for (int p = 0; p < r->layout.n_params && !rc; p++) {
        const char *name = r->layout.param_names[p];
        r->ds[DS_PARAM + p] = bmc_h5_create_dataset(g, name, H5T_IEEE_F64LE, 1, dims, chunk);
        if (r->ds[DS_PARAM + p] < 0)
            rc = bmc_h5_fail(e, "create dataset %s/scenarios/params/%s", r->prefix, name);
    }
    H5Gclose(g);
    return rc;
}

static int create_scenarios(bmc_h5ctx *e, bmc_h5out *h, result_set *r, hid_t parent)
{
    hid_t g = bmc_h5_create_group(parent, "scenarios");
    if (g < 0)
        return bmc_h5_fail(e, "create group %s/scenarios", r->prefix);
    int rc = create_scenario_datasets(e, h, r, g);
    if (!rc)
        rc = create_param_datasets(e, h, r, g);
    H5Gclose(g);
    return rc;
}

/* Rows per trajectory chunk: TRAJ_CHUNK_ROWS, fewer when rows are long (always >= 1). */
static hsize_t traj_chunk_rows(hsize_t n, size_t row_bytes)
{
    hsize_t rows = min_hsize(TRAJ_CHUNK_ROWS, n);
    if (row_bytes > 0)
        rows = min_hsize(rows, TRAJ_CHUNK_MAX_BYTES / row_bytes);
    return rows > 0 ? rows : 1;
}

static int attr_kind_units(bmc_h5ctx *e, hid_t ds, const bmc_field *f)
{
    int rc = bmc_h5_attr_string(e, ds, "kind", f->kind);
    return rc ? rc : bmc_h5_attr_string(e, ds, "units", f->units);
}

static int create_trajectories(bmc_h5ctx *e, bmc_h5out *h, result_set *r, hid_t parent)
{
    hid_t g = bmc_h5_create_group(parent, "trajectories");
    if (g < 0)
        return bmc_h5_fail(e, "create group %s/trajectories", r->prefix);
    hsize_t n = (hsize_t)h->n_scenarios;
    hsize_t nm = (hsize_t)r->layout.n_months, nc = (hsize_t)r->layout.n_categories;
    hsize_t dims[3] = {n, nm, nc};
    int rc = BMC_OK;
    hsize_t chunk[3] = {traj_chunk_rows(n, nm * sizeof(double)), nm, nc};
    for (int f = 0; f < BMC_TRAJ_COUNT && !rc; f++) {
        const char *name = bmc_traj_name(f);
        r->ds[DS_TRAJ + f] = bmc_h5_create_dataset(g, name, H5T_IEEE_F64LE, 2, dims, chunk);
        if (r->ds[DS_TRAJ + f] < 0)
            rc = bmc_h5_fail(e, "create dataset %s/trajectories/%s", r->prefix, name);
        else
            rc = attr_kind_units(e, r->ds[DS_TRAJ + f], &bmc_traj_fields[f]);
    }
    chunk[0] = traj_chunk_rows(n, nm * nc * sizeof(double));
    for (int f = 0; f < BMC_TRAJ_CAT_COUNT && !rc; f++) {
        const char *name = bmc_traj_cat_name(f);
        r->ds[DS_TRAJ_CAT + f] = bmc_h5_create_dataset(g, name, H5T_IEEE_F64LE, 3, dims, chunk);
        if (r->ds[DS_TRAJ_CAT + f] < 0)
            rc = bmc_h5_fail(e, "create dataset %s/trajectories/%s", r->prefix, name);
        else
            rc = attr_categories(e, r->ds[DS_TRAJ_CAT + f], &r->layout);
        if (!rc)
            rc = attr_kind_units(e, r->ds[DS_TRAJ_CAT + f], &bmc_traj_cat_fields[f]);
    }
    H5Gclose(g);
    return rc;
}

static int create_set(bmc_h5ctx *e, bmc_h5out *h, result_set *r, hid_t parent)
{
    int rc = create_scenarios(e, h, r, parent);
    if (!rc && r->layout.trajectories)
        rc = create_trajectories(e, h, r, parent);
    return rc;
}

/* /variants/<name>/paired with its per-scenario column; the rest comes at the end. */
static int create_paired(bmc_h5ctx *e, bmc_h5out *h, result_set *r, hid_t parent)
{
    hid_t g = bmc_h5_create_group(parent, "paired");
    if (g < 0)
        return bmc_h5_fail(e, "create group %s/paired", r->prefix);
    hsize_t dims[1] = {(hsize_t)h->n_scenarios};
    hsize_t chunk[1] = {min_hsize(SCEN_CHUNK_ROWS, dims[0])};
    int rc = BMC_OK;
    r->ds[DS_PAIRED_DIFF] = bmc_h5_create_dataset(g, "completion_day_diff", H5T_IEEE_F64LE, 1,
                                                  dims, chunk);
    if (r->ds[DS_PAIRED_DIFF] < 0)
        rc = bmc_h5_fail(e, "create dataset %s/paired/completion_day_diff", r->prefix);
    else
        rc = bmc_h5_attr_string(e, r->ds[DS_PAIRED_DIFF], "units",
                                "days, variant minus reference; NaN = either not complete by "
                                "the horizon");
    H5Gclose(g);
    return rc;
}

static int create_variant(bmc_h5ctx *e, bmc_h5out *h, result_set *r, hid_t variants,
                          const bmc_h5_variant *v)
{
    hid_t g = bmc_h5_create_group(variants, v->name);
    if (g < 0)
        return bmc_h5_fail(e, "create group %s", r->prefix);
    int rc = bmc_h5_attr_string(e, g, "description", v->description ? v->description : "");
    if (!rc)
        rc = bmc_h5_attr_string(e, g, "overrides", v->overrides ? v->overrides : "");
    if (!rc)
        rc = create_set(e, h, r, g);
    if (!rc)
        rc = create_paired(e, h, r, g);
    H5Gclose(g);
    return rc;
}

static int create_variants(bmc_h5ctx *e, bmc_h5out *h, const bmc_run_meta *meta)
{
    if (meta->n_variants == 0)
        return BMC_OK;
    hid_t g = bmc_h5_create_group(h->file, "variants");
    if (g < 0)
        return bmc_h5_fail(e, "create group /variants");
    char(*names)[BMC_NAME_LEN] = calloc((size_t)meta->n_variants, sizeof *names);
    int rc = names ? BMC_OK : bmc_fail(e->err, BMC_ENOMEM, "out of memory");
    for (int v = 0; names && v < meta->n_variants; v++)
        snprintf(names[v], BMC_NAME_LEN, "%s", meta->variants[v].name);
    if (!rc)
        rc = bmc_h5_attr_names(e, g, "names", (const char(*)[BMC_NAME_LEN])names,
                               meta->n_variants);
    free(names);
    if (!rc)
        rc = bmc_h5_attr_string(e, g, "reference", "base");
    for (int v = 0; v < meta->n_variants && !rc; v++)
        rc = create_variant(e, h, &h->sets[1 + v], g, &meta->variants[v]);
    H5Gclose(g);
    return rc;
}

int h5out_write_layout(bmc_h5ctx *e, bmc_h5out *h, const bmc_run_meta *meta)
{
    int rc;
    const bmc_layout *l = &h->sets[0].layout;
    if ((rc = write_root_attributes(e, h->file, meta)) || (rc = write_config(e, h->file, meta))
        || (rc = write_state(e, h->file, meta))
        || (rc = write_calendar(e, h->file, meta->cal, l->n_months))
        || (rc = write_categories(e, h->file, l)) || (rc = create_set(e, h, &h->sets[0], h->file)))
        return rc;
    return create_variants(e, h, meta);
}

/* Variants are compared with the reference category by category and month by month. */
