#include "sensitivity_h5.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5read.h"

/* The tornado's one-number columns, one dataset each. */
static const struct column {
    const char *name;
    size_t offset;
} columns[] = {
    {"low", offsetof(bmc_tornado_factor, low)},
    {"high", offsetof(bmc_tornado_factor, high)},
    {"median_low", offsetof(bmc_tornado_factor, median_low)},
    {"median_high", offsetof(bmc_tornado_factor, median_high)},
    {"p_low", offsetof(bmc_tornado_factor, p_low)},
    {"p_high", offsetof(bmc_tornado_factor, p_high)},
};
#define N_COLUMNS (int)(sizeof columns / sizeof columns[0])

static double *field(bmc_tornado_factor *f, int c)
{
    return (double *)((char *)f + columns[c].offset);
}

/* ---- writing ---- */

static int write_tornado(bmc_analysis_h5 *f, const bmc_tornado *t)
{
    hid_t g = bmc_h5_create_group(bmc_analysis_h5_root(f), "tornado");
    if (g < 0)
        return bmc_h5_fail(bmc_analysis_h5_ctx(f), "create group /tornado");
    int n = t->n;
    size_t cols = (size_t)(n > 0 ? n : 1);
    double *col = malloc(cols * 6 * sizeof *col);
    int32_t *is_key = malloc(cols * sizeof *is_key);
    int rc = col && is_key ? BMC_OK : bmc_fail(bmc_analysis_h5_ctx(f)->err, BMC_ENOMEM, "out of memory");
    if (rc == BMC_OK)
        rc = bmc_analysis_write_strings(f, g, "factor", n, n ? t->factor[0].name : "",
                                        sizeof t->factor[0]);
    for (int i = 0; rc == BMC_OK && i < n; i++)
        is_key[i] = t->factor[i].slot < 0;
    if (rc == BMC_OK)
        rc = bmc_analysis_write_ints(f, g, "is_key", n, is_key);
    for (int c = 0; rc == BMC_OK && c < N_COLUMNS; c++) {
        for (int i = 0; i < n; i++)
            col[i] = *field(&t->factor[i], c);
        rc = bmc_analysis_write_doubles(f, g, columns[c].name, n, 0, col);
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) {
            col[3 * i + k] = t->factor[i].median_effect[k];
            col[3 * n + 3 * i + k] = t->factor[i].p_effect[k];
        }
    if (rc == BMC_OK)
        rc = bmc_analysis_write_doubles(f, g, "median_effect", n, 3, col);
    if (rc == BMC_OK)
        rc = bmc_analysis_write_doubles(f, g, "p_effect", n, 3, col + 3 * n);
    if (rc == BMC_OK && !(rc = bmc_analysis_attr_double(f, g, "median_base", t->median_base))
        && !(rc = bmc_analysis_attr_double(f, g, "p_base", t->p_base))
        && !(rc = bmc_analysis_attr_int(f, g, "scenarios", t->scenarios))
        && !(rc = bmc_analysis_attr_int(f, g, "runs", t->runs)))
        rc = bmc_analysis_attr_int(f, g, "bootstrap", t->reps);
    free(col);
    free(is_key);
    bmc_h5_close_group(g);
    return rc;
}

static int write_indices(bmc_analysis_h5 *f, hid_t g, const char *output, int k,
                         const bmc_sobol_index *ix, const bmc_sobol_summary *s)
{
    double *first = malloc((size_t)k * 3 * sizeof *first);
    double *total = malloc((size_t)k * 3 * sizeof *total);
    char name[64];
    int rc = first && total ? BMC_OK : bmc_fail(bmc_analysis_h5_ctx(f)->err, BMC_ENOMEM, "out of memory");
    for (int i = 0; rc == BMC_OK && i < k; i++) {
        double a[3] = {ix[i].first, ix[i].first_lo, ix[i].first_hi};
        double b[3] = {ix[i].total, ix[i].total_lo, ix[i].total_hi};
        memcpy(first + 3 * i, a, sizeof a);
        memcpy(total + 3 * i, b, sizeof b);
    }
    snprintf(name, sizeof name, "%s_first", output);
    if (rc == BMC_OK)
        rc = bmc_analysis_write_doubles(f, g, name, k, 3, first);
    snprintf(name, sizeof name, "%s_total", output);
    if (rc == BMC_OK)
        rc = bmc_analysis_write_doubles(f, g, name, k, 3, total);
    double sums[6];
    memcpy(sums, s->sum_first, sizeof s->sum_first);
    memcpy(sums + 3, s->sum_total, sizeof s->sum_total);
    snprintf(name, sizeof name, "%s_sums", output);
    if (rc == BMC_OK)
        rc = bmc_analysis_write_doubles(f, g, name, 2, 3, sums);
    snprintf(name, sizeof name, "%s_variance", output);
    if (rc == BMC_OK)
        rc = bmc_analysis_attr_double(f, g, name, s->variance);
    snprintf(name, sizeof name, "%s_rows", output);
    if (rc == BMC_OK)
        rc = bmc_analysis_attr_int(f, g, name, s->rows_used);
    snprintf(name, sizeof name, "%s_interactions", output);
    if (rc == BMC_OK)
        rc = bmc_analysis_attr_int(f, g, name, s->interactions);
    free(first);
    free(total);
    return rc;
}

static int write_sobol(bmc_analysis_h5 *f, const bmc_variance_decomposition *v)
{
    hid_t g = bmc_h5_create_group(bmc_analysis_h5_root(f), "sobol");
    if (g < 0)
        return bmc_h5_fail(bmc_analysis_h5_ctx(f), "create group /sobol");
    int rc = bmc_analysis_write_strings(f, g, "factor", v->k, v->name[0], sizeof v->name[0]);
    if (rc == BMC_OK)
        rc = write_indices(f, g, "completion", v->k, v->completion, &v->s_completion);
    if (rc == BMC_OK)
        rc = write_indices(f, g, "on_time", v->k, v->on_time, &v->s_on_time);
    if (rc == BMC_OK && !(rc = bmc_analysis_attr_int(f, g, "base_samples", v->base))
        && !(rc = bmc_analysis_attr_int(f, g, "runs", v->runs))
        && !(rc = bmc_analysis_attr_int(f, g, "censored", v->censored)))
        rc = bmc_analysis_attr_int(f, g, "bootstrap", v->reps);
    bmc_h5_close_group(g);
    return rc;
}

int bmc_sensitivity_h5_write(bmc_analysis_h5 *f, const bmc_tornado *t,
                             const bmc_variance_decomposition *v)
{
    BMC_TRY(write_tornado(f, t));
    return write_sobol(f, v);
}

/* ---- reading ---- */

typedef struct reader {
    const char *path;
    hid_t file;
    bmc_err *err;
} reader;

static int bad(reader *r, const char *what)
{
    return bmc_fail(r->err, BMC_EIO, "%s: not a readable sensitivity file: %s", r->path, what);
}

/* The shape of loc/name must be [n] (width 0) or [n][width]. */
static int dataset(reader *r, hid_t loc, const char *name, hsize_t n, int width, hid_t *out)
{
    *out = H5I_INVALID_HID;
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return bad(r, name);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    hsize_t dims[2] = {0, 0};
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (rank == (width > 0 ? 2 : 1) && rank <= 2)
        H5Sget_simple_extent_dims(s, dims, NULL);
    bmc_h5_close_space(s);
    if (rank != (width > 0 ? 2 : 1) || dims[0] != n || (width > 0 && dims[1] != (hsize_t)width)) {
        bmc_h5_close_dataset(&d);
        return bad(r, name);
    }
    *out = d;
    return BMC_OK;
}

static int read_doubles(reader *r, hid_t loc, const char *name, hsize_t n, int width,
                        double *out)
{
    hid_t d;
    BMC_TRY(dataset(r, loc, name, n, width, &d));
    int rc = n == 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0
                 ? BMC_OK
                 : bad(r, name);
    bmc_h5_close_dataset(&d);
    return rc;
}

/* Strings into out[i * stride], cut to stride - 1 bytes. */
static int read_strings(reader *r, hid_t loc, const char *name, hsize_t n, char *out,
                        size_t stride)
{
    hid_t d;
    BMC_TRY(dataset(r, loc, name, n, 0, &d));
    char **p = calloc(n > 0 ? n : 1, sizeof *p);
    hid_t t = bmc_h5_vlen_string_type();
    int rc = BMC_OK;
    if (!p || t < 0 || (n > 0 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p) < 0))
        rc = bad(r, name);
    for (hsize_t i = 0; rc == BMC_OK && i < n; i++)
        snprintf(out + i * stride, stride, "%s", p[i] ? p[i] : "");
    if (p && t >= 0 && n > 0 && rc == BMC_OK) {
        hid_t s = H5Dget_space(d);
        H5Dvlen_reclaim(t, s, H5P_DEFAULT, p);
        bmc_h5_close_space(s);
    }
    free(p);
    bmc_h5_close_type(t);
    bmc_h5_close_dataset(&d);
    return rc;
}

static int attr(reader *r, hid_t obj, const char *name, hid_t type, void *out)
{
    hid_t a = H5Aexists(obj, name) > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : H5I_INVALID_HID;
    int rc = a >= 0 && H5Aread(a, type, out) >= 0 ? BMC_OK : bad(r, name);
    bmc_h5_close_attr(a);
    return rc;
}

static int attr_count(reader *r, hid_t obj, const char *name, int64_t lo, int64_t hi,
                      int64_t *out)
{
    BMC_TRY(attr(r, obj, name, H5T_NATIVE_INT64, out));
    return *out >= lo && *out <= hi ? BMC_OK : bad(r, name);
}

static hid_t open_group(reader *r, const char *name)
{
    return H5Lexists(r->file, name, H5P_DEFAULT) > 0 ? H5Gopen2(r->file, name, H5P_DEFAULT)
                                                    : H5I_INVALID_HID;
}

static int read_tornado(reader *r, bmc_tornado *t)
{
    hid_t g = open_group(r, "tornado");
    if (g < 0)
        return bad(r, "no /tornado");
    int64_t n = 0, v;
    int rc = attr_count(r, g, "scenarios", 1, INT64_MAX, &t->scenarios);
    if (rc == BMC_OK)
        rc = attr_count(r, g, "runs", 0, INT64_MAX, &t->runs);
    if (rc == BMC_OK && (rc = attr_count(r, g, "bootstrap", 0, INT32_MAX, &v)) == BMC_OK)
        t->reps = (int)v;
    if (rc == BMC_OK)
        rc = attr(r, g, "median_base", H5T_NATIVE_DOUBLE, &t->median_base);
    if (rc == BMC_OK)
        rc = attr(r, g, "p_base", H5T_NATIVE_DOUBLE, &t->p_base);
    hid_t d = H5I_INVALID_HID;
    if (rc == BMC_OK && H5Lexists(g, "factor", H5P_DEFAULT) > 0
        && (d = H5Dopen2(g, "factor", H5P_DEFAULT)) >= 0) {
        hid_t s = H5Dget_space(d);
        n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
        bmc_h5_close_space(s);
    }
    bmc_h5_close_dataset(&d);
    if (rc == BMC_OK && (n < 0 || n > 100000))
        rc = bad(r, "factor");
    double *col = rc == BMC_OK ? malloc((size_t)(n > 0 ? n : 1) * 3 * sizeof *col) : NULL;
    int32_t *is_key = rc == BMC_OK ? malloc((size_t)(n > 0 ? n : 1) * sizeof *is_key) : NULL;
    t->factor = rc == BMC_OK ? calloc((size_t)(n > 0 ? n : 1), sizeof *t->factor) : NULL;
    if (rc == BMC_OK && (!col || !is_key || !t->factor))
        rc = bmc_fail(r->err, BMC_ENOMEM, "out of memory reading %s", r->path);
    t->n = rc == BMC_OK ? (int)n : 0;
    hsize_t hn = (hsize_t)t->n;
    if (rc == BMC_OK)
        rc = read_strings(r, g, "factor", hn, t->factor[0].name, sizeof t->factor[0]);
    if (rc == BMC_OK && (rc = dataset(r, g, "is_key", hn, 0, &d)) == BMC_OK) {
        if (hn > 0 && H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, is_key) < 0)
            rc = bad(r, "is_key");
        bmc_h5_close_dataset(&d);
    }
    for (int i = 0; rc == BMC_OK && i < t->n; i++)
        t->factor[i].slot = is_key[i] ? -1 : 0;
    for (int c = 0; rc == BMC_OK && c < N_COLUMNS; c++) {
        rc = read_doubles(r, g, columns[c].name, hn, 0, col);
        for (int i = 0; rc == BMC_OK && i < t->n; i++)
            *field(&t->factor[i], c) = col[i];
    }
    if (rc == BMC_OK)
        rc = read_doubles(r, g, "median_effect", hn, 3, col);
    for (int i = 0; rc == BMC_OK && i < t->n; i++)
        memcpy(t->factor[i].median_effect, col + 3 * i, 3 * sizeof *col);
    if (rc == BMC_OK)
        rc = read_doubles(r, g, "p_effect", hn, 3, col);
    for (int i = 0; rc == BMC_OK && i < t->n; i++)
        memcpy(t->factor[i].p_effect, col + 3 * i, 3 * sizeof *col);
    free(col);
    free(is_key);
    bmc_h5_close_group(g);
    return rc;
}

static int read_indices(reader *r, hid_t g, const char *output, int k, bmc_sobol_index *ix,
                        bmc_sobol_summary *s)
{
    char name[64];
    double *buf = malloc((size_t)(k > 0 ? k : 1) * 6 * sizeof *buf);
    if (!buf)
        return bmc_fail(r->err, BMC_ENOMEM, "out of memory reading %s", r->path);
    snprintf(name, sizeof name, "%s_first", output);
    int rc = read_doubles(r, g, name, (hsize_t)k, 3, buf);
    snprintf(name, sizeof name, "%s_total", output);
    if (rc == BMC_OK)
        rc = read_doubles(r, g, name, (hsize_t)k, 3, buf + 3 * k);
    for (int i = 0; rc == BMC_OK && i < k; i++) {
        const double *a = buf + 3 * i, *b = buf + 3 * k + 3 * i;
        ix[i] = (bmc_sobol_index){a[0], a[1], a[2], b[0], b[1], b[2]};
    }
    snprintf(name, sizeof name, "%s_sums", output);
    if (rc == BMC_OK)
        rc = read_doubles(r, g, name, 2, 3, buf);
    if (rc == BMC_OK) {
        memcpy(s->sum_first, buf, 3 * sizeof *buf);
        memcpy(s->sum_total, buf + 3, 3 * sizeof *buf);
    }
    int64_t v;
    snprintf(name, sizeof name, "%s_variance", output);
    if (rc == BMC_OK)
        rc = attr(r, g, name, H5T_NATIVE_DOUBLE, &s->variance);
    snprintf(name, sizeof name, "%s_rows", output);
    if (rc == BMC_OK)
        rc = attr_count(r, g, name, 0, INT64_MAX, &s->rows_used);
    snprintf(name, sizeof name, "%s_interactions", output);
    if (rc == BMC_OK && (rc = attr_count(r, g, name, 0, 1, &v)) == BMC_OK)
        s->interactions = v != 0;
    free(buf);
    return rc;
}

static int read_sobol(reader *r, bmc_variance_decomposition *v)
{
    hid_t g = open_group(r, "sobol");
    if (g < 0)
        return bad(r, "no /sobol");
    int64_t k = -1, reps;
    hid_t d = H5Lexists(g, "factor", H5P_DEFAULT) > 0 ? H5Dopen2(g, "factor", H5P_DEFAULT)
                                                      : H5I_INVALID_HID;
    if (d >= 0) {
        hid_t s = H5Dget_space(d);
        k = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
        bmc_h5_close_space(s);
    }
    bmc_h5_close_dataset(&d);
    int rc = k >= 1 && k <= BMC_P_MAX + 1 ? BMC_OK : bad(r, "factor");
    if (rc == BMC_OK) {
        v->k = (int)k;
        v->name = calloc((size_t)k, sizeof *v->name);
        v->completion = calloc((size_t)k, sizeof *v->completion);
        v->on_time = calloc((size_t)k, sizeof *v->on_time);
        if (!v->name || !v->completion || !v->on_time)
            rc = bmc_fail(r->err, BMC_ENOMEM, "out of memory reading %s", r->path);
    }
    if (rc == BMC_OK)
        rc = read_strings(r, g, "factor", (hsize_t)k, v->name[0], sizeof v->name[0]);
    if (rc == BMC_OK)
        rc = read_indices(r, g, "completion", v->k, v->completion, &v->s_completion);
    if (rc == BMC_OK)
        rc = read_indices(r, g, "on_time", v->k, v->on_time, &v->s_on_time);
    if (rc == BMC_OK)
        rc = attr_count(r, g, "base_samples", 2, INT64_MAX, &v->base);
    if (rc == BMC_OK)
        rc = attr_count(r, g, "runs", 0, INT64_MAX, &v->runs);
    if (rc == BMC_OK)
        rc = attr_count(r, g, "censored", 0, INT64_MAX, &v->censored);
    if (rc == BMC_OK && (rc = attr_count(r, g, "bootstrap", 0, INT32_MAX, &reps)) == BMC_OK)
        v->reps = (int)reps;
    bmc_h5_close_group(g);
    return rc;
}

static int read_root(reader *r, bmc_sensitivity_file *out)
{
    int64_t schema;
    BMC_TRY(attr_count(r, r->file, "schema_version", 1, INT32_MAX, &schema));
    if (schema != BMC_SENSITIVITY_SCHEMA_VERSION)
        return bmc_fail(r->err, BMC_EIO, "%s: sensitivity schema version %lld, this backlogmc "
                        "reads %d", r->path, (long long)schema, BMC_SENSITIVITY_SCHEMA_VERSION);
    char *name = NULL, *day0 = NULL, *target = NULL;
    hid_t t = bmc_h5_vlen_string_type();
    int rc = t >= 0 ? BMC_OK : bad(r, "string type");
    if (rc == BMC_OK)
        rc = attr(r, r->file, "config_name", t, &name);
    if (rc == BMC_OK)
        rc = attr(r, r->file, "day0", t, &day0);
    if (rc == BMC_OK)
        rc = attr(r, r->file, "target_date", t, &target);
    if (rc == BMC_OK) {
        snprintf(out->config_name, sizeof out->config_name, "%s", name ? name : "");
        if (!day0 || !target || bmc_date_parse(day0, &out->day0)
            || bmc_date_parse(target, &out->target_date))
            rc = bad(r, "day0 or target_date");
    }
    /* strings read through a vlen type are HDF5's to free */
    H5free_memory(name);
    H5free_memory(day0);
    H5free_memory(target);
    bmc_h5_close_type(t);
    return rc;
}

bool bmc_sensitivity_h5_is(const char *path)
{
    return bmc_h5read_is_format(path, BMC_SENSITIVITY_FORMAT);
}

int bmc_sensitivity_h5_read(const char *path, bmc_sensitivity_file *out, bmc_err *err)
{
    memset(out, 0, sizeof *out);
    if (!bmc_sensitivity_h5_is(path))
        return bmc_fail(err, BMC_EIO, "%s: not a backlogmc sensitivity file", path);
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, path, err);
    reader r = {path, H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), err};
    int rc = r.file >= 0 ? BMC_OK : bmc_h5_fail(&e, "open");
    if (rc == BMC_OK)
        rc = read_root(&r, out);
    if (rc == BMC_OK)
        rc = read_tornado(&r, &out->tornado);
    if (rc == BMC_OK)
        rc = read_sobol(&r, &out->sobol);
    if (r.file >= 0)
        H5Fclose(r.file);
    bmc_h5ctx_end(&e);
    if (rc != BMC_OK)
        bmc_sensitivity_file_free(out);
    return rc;
}

void bmc_sensitivity_file_free(bmc_sensitivity_file *f)
{
    bmc_tornado_free(&f->tornado);
    bmc_vd_free(&f->sobol);
}
