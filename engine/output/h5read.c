#include "h5read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "h5out.h"
#include "h5util.h"
#include "h5vfd.h"


struct bmc_h5read {
    char *path;
    bmc_h5vfd vfd;
    hid_t file;
    bmc_h5read_info info;
};

/* ---- small readers ----------------------------------------------------------------------- */

/* Shape of loc/name: its rank, or -1 when it is missing or not a dataset. */
static int dataset_shape(hid_t loc, const char *name, hsize_t *dims, int max_rank)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t s = d < 0 ? H5I_INVALID_HID : H5Dget_space(d);
    int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    if (rank < 0 || rank > max_rank || H5Sget_simple_extent_dims(s, dims, NULL) < 0)
        rank = -1;
    bmc_h5_close_space(s);
    bmc_h5_close_dataset(&d);
    return rank;
}

static bool exists(hid_t loc, const char *path)
{
    return H5Lexists(loc, path, H5P_DEFAULT) > 0;
}

/* Reads loc/name whole after checking that its shape is exactly dims. */
static int read_exact(bmc_h5ctx *e, hid_t loc, const char *name, int rank, const hsize_t *dims,
                      hid_t mtype, void *buf)
{
    hsize_t got[4];
    int r = dataset_shape(loc, name, got, 4);
    bool same = r == rank;
    for (int i = 0; same && i < rank; i++)
        same = got[i] == dims[i];
    if (!same)
        return bmc_fail(e->err, BMC_EIO, "%s: %s is missing or has an unexpected shape",
                        e->path, name);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    int rc = BMC_OK;
    if (d < 0 || H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = bmc_h5_fail(e, "read %s", name);
    bmc_h5_close_dataset(&d);
    return rc;
}

/* ---- opening ----------------------------------------------------------------------------- */

static int read_categories(bmc_h5ctx *e, hid_t file, bmc_layout *l)
{
    hsize_t n = 0;
    if (dataset_shape(file, "/categories/names", &n, 1) != 1 || n > BMC_MAX_CATEGORIES)
        return bmc_fail(e->err, BMC_EIO, "%s: /categories/names is missing or too long",
                        e->path);
    l->n_categories = (int)n;
    hid_t d = H5Dopen2(file, "/categories/names", H5P_DEFAULT);
    hid_t t = d < 0 ? H5I_INVALID_HID : H5Dget_type(d);
    size_t len = t < 0 || H5Tis_variable_str(t) != 0 ? 0 : H5Tget_size(t);
    char *buf = len ? calloc(n > 0 ? n : 1, len) : NULL;
    int rc = BMC_OK;
    if (!buf || (n > 0 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
        rc = bmc_h5_fail(e, "read /categories/names");
    for (hsize_t c = 0; !rc && c < n; c++) {
        size_t k = len < BMC_NAME_LEN - 1 ? len : BMC_NAME_LEN - 1;
        memcpy(l->category_names[c], buf + c * len, k);
        l->category_names[c][k] = '\0';
    }
    free(buf);
    bmc_h5_close_type(t);
    bmc_h5_close_dataset(&d);
    return rc;
}

/* A variant name that is one plain link name below /variants */
static bool plain_name(const char *s)
{
    return s && s[0] && strlen(s) < BMC_NAME_LEN && !strchr(s, '/') && strcmp(s, ".")
           && strcmp(s, "..");
}

static void keep_variant(bmc_h5read_info *in, const char *name)
{
    if (in->n_variants < BMC_MAX_VARIANTS && plain_name(name))
        snprintf(in->variants[in->n_variants++], BMC_NAME_LEN, "%s", name);
    else
        in->n_variants_skipped++;
}

static herr_t add_variant(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    keep_variant(data, name);
    return 0;
}

/* The n strings of attribute a (file type t), fixed or variable length, as variants. */
static int read_name_list(bmc_h5ctx *e, hid_t a, hid_t t, size_t n, bmc_h5read_info *in)
{
    if (n == 0)
        return BMC_OK;
    int rc = BMC_OK;
    hid_t mt = H5Tcopy(t);
    if (H5Tis_variable_str(t) > 0) {
        char **v = calloc(n, sizeof *v);
        if (!v)
            rc = bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory reading /variants", e->path);
        else if (mt < 0 || H5Aread(a, mt, v) < 0)
            rc = bmc_h5_fail(e, "read the attribute names of /variants");
        for (size_t i = 0; v && i < n; i++) {
            if (!rc)
                keep_variant(in, v[i] ? v[i] : "");
            H5free_memory(v[i]);
        }
        free(v);
    } else {
        size_t len = H5Tget_size(t);
        char *buf = len ? calloc(n, len + 1) : NULL, *one = len ? calloc(len + 1, 1) : NULL;
        if (!buf || !one)
            rc = bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory reading /variants", e->path);
        else if (mt < 0 || H5Aread(a, mt, buf) < 0)
            rc = bmc_h5_fail(e, "read the attribute names of /variants");
        for (size_t i = 0; !rc && i < n; i++) {
            memcpy(one, buf + i * len, len); /* a name that fills its length has no NUL */
            keep_variant(in, one);
        }
        free(one);
        free(buf);
    }
    bmc_h5_close_type(mt);
    return rc;
}

/* The variants in configuration order from the attribute names; *found is false when the
 * attribute is missing. */
static int read_variant_names(bmc_h5ctx *e, hid_t g, bmc_h5read_info *in, bool *found)
{
    htri_t has = H5Aexists(g, "names");
    *found = has > 0;
    if (has < 0)
        return bmc_h5_fail(e, "read the attributes of /variants");
    if (!has)
        return BMC_OK;
    hid_t a = H5Aopen(g, "names", H5P_DEFAULT);
    hid_t t = a < 0 ? H5I_INVALID_HID : H5Aget_type(a);
    hid_t s = a < 0 ? H5I_INVALID_HID : H5Aget_space(a);
    int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    hssize_t n = s < 0 ? -1 : H5Sget_simple_extent_npoints(s);
    int rc = BMC_OK;
    if (t < 0 || s < 0)
        rc = bmc_h5_fail(e, "read the attribute names of /variants");
    else if (H5Tget_class(t) != H5T_STRING || rank < 0 || rank > 1 || n < 0)
        rc = bmc_fail(e->err, BMC_EIO, "%s: the attribute names of /variants is not a list of "
                      "names", e->path);
    else
        rc = read_name_list(e, a, t, (size_t)n, in);
    bmc_h5_close_space(s);
    bmc_h5_close_type(t);
    bmc_h5_close_attr(a);
    return rc;
}

static int read_variants(bmc_h5ctx *e, hid_t file, bmc_h5read_info *in)
{
    hid_t g = H5Gopen2(file, "/variants", H5P_DEFAULT);
    if (g < 0)
        return bmc_h5_fail(e, "open /variants");
    bool listed = false;
    int rc = read_variant_names(e, g, in, &listed);
    /* files written before the attribute existed: the groups, by name */
    if (!rc && !listed
        && H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, add_variant, in) < 0)
        rc = bmc_h5_fail(e, "list /variants");
    if (!rc && !bmc_h5_attr_read_string(g, "reference", in->reference, sizeof in->reference))
        snprintf(in->reference, sizeof in->reference, "base");
    if (!rc && !in->reference[0])
        snprintf(in->reference, sizeof in->reference, "base");
    bmc_h5_close_group(g);
    return rc;
}

static int read_dates(bmc_h5ctx *e, hid_t file, bmc_h5read_info *in)
{
    char d0[32], target[32], pact[32];
    bmc_h5_attr_read_string(file, "day0", d0, sizeof d0);
    bmc_h5_attr_read_string(file, "target_date", target, sizeof target);
    bmc_h5_attr_read_string(file, "pact_date", pact, sizeof pact);
    if (bmc_date_parse(d0, &in->day0) || bmc_date_parse(target, &in->target_date)
        || bmc_date_parse(pact, &in->pact_date))
        return bmc_fail(e->err, BMC_EIO, "%s: day0, target_date or pact_date is not a date",
                        e->path);
    char as_of[32] = "";
    in->has_state = bmc_h5_attr_read_string(file, "as_of", as_of, sizeof as_of);
    if (in->has_state && bmc_date_parse(as_of, &in->as_of))
        return bmc_fail(e->err, BMC_EIO, "%s: as_of is not a date", e->path);
    hsize_t days = 0, months = 0;
    if (dataset_shape(file, "/calendar/dates", &days, 1) != 1 || days < 1
        || days > (hsize_t)INT32_MAX
        || dataset_shape(file, "/calendar/month_first", &months, 1) != 1)
        return bmc_fail(e->err, BMC_EIO, "%s: /calendar is missing or malformed", e->path);
    in->ndays = (int)days;
    in->layout.n_months = (int)months;
    in->target_day = (int)(in->target_date - in->day0);
    if (in->target_day < 0 || in->target_day >= in->ndays)
        return bmc_fail(e->err, BMC_EIO, "%s: target_date outside the simulated days", e->path);
    return BMC_OK;
}

static int read_info(bmc_h5ctx *e, hid_t file, bmc_h5read_info *in)
{
    char format[64];
    if (!bmc_h5_attr_read_string(file, "format", format, sizeof format)
        || strcmp(format, BMC_H5_FORMAT))
        return bmc_fail(e->err, BMC_EIO, "%s: not a backlogmc results file (format attribute "
                        "is not \"%s\")", e->path, BMC_H5_FORMAT);
    int32_t version = 0;
    if (!bmc_h5_attr_read_number(file, "schema_version", H5T_NATIVE_INT32, &version))
        return bmc_fail(e->err, BMC_EIO, "%s: no schema_version attribute", e->path);
    in->schema_version = version;
    if (version < BMC_H5_SCHEMA_VERSION)
        return bmc_fail(e->err, BMC_EIO, "%s: results schema version %d was written by an "
                        "older backlogmc; this one reads version %d: run the forecast again",
                        e->path, (int)version, BMC_H5_SCHEMA_VERSION);
    if (version != BMC_H5_SCHEMA_VERSION)
        return bmc_fail(e->err, BMC_EIO, "%s: results schema version %d; this backlogmc reads "
                        "version %d", e->path, (int)version, BMC_H5_SCHEMA_VERSION);
    int32_t det = 0;
    bmc_h5_attr_read_string(file, "engine_version", in->engine_version, sizeof in->engine_version);
    bmc_h5_attr_read_string(file, "git_commit", in->git_commit, sizeof in->git_commit);
    bmc_h5_attr_read_string(file, "created", in->created, sizeof in->created);
    bmc_h5_attr_read_string(file, "config_name", in->config_name, sizeof in->config_name);
    if (!bmc_h5_attr_read_number(file, "master_seed", H5T_NATIVE_UINT64, &in->seed)
        || !bmc_h5_attr_read_number(file, "n_scenarios", H5T_NATIVE_INT64, &in->n_scenarios)
        || !bmc_h5_attr_read_number(file, "deterministic", H5T_NATIVE_INT32, &det)
        || in->n_scenarios < 0)
        return bmc_fail(e->err, BMC_EIO, "%s: master_seed, n_scenarios or deterministic is "
                        "missing", e->path);
    in->deterministic = det != 0;
    BMC_TRY(read_dates(e, file, in));
    BMC_TRY(read_categories(e, file, &in->layout));
    in->layout.trajectories = exists(file, "/trajectories");
    in->has_summary = exists(file, "/summary");
    snprintf(in->reference, sizeof in->reference, "base");
    if (exists(file, "/variants"))
        BMC_TRY(read_variants(e, file, in));
    return BMC_OK;
}

/* errno's words for a file that cannot be opened, before HDF5 gets a say */
static int check_readable(const char *path, bmc_err *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return bmc_fail(err, BMC_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return bmc_fail(err, BMC_EIO, "%s: cannot open: it is a directory", path);
    if (!S_ISREG(st.st_mode)) /* a FIFO would block HDF5 */
        return bmc_fail(err, BMC_EIO, "%s: cannot open: not a regular file", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bmc_fail(err, BMC_EIO, "%s: cannot open: %s", path, strerror(errno));
    fclose(f);
    return BMC_OK;
}

bool bmc_h5read_is_results(const char *path)
{
    return bmc_h5read_is_format(path, BMC_H5_FORMAT);
}

bool bmc_h5read_is_format(const char *path, const char *want)
{
    char format[64];
    return bmc_h5_file_format(path, format, sizeof format) && !strcmp(format, want);
}

int bmc_h5read_open(const char *path, bmc_h5read **out, bmc_err *err)
{
    *out = NULL;
    if (!path || !path[0])
        return bmc_fail(err, BMC_EUSAGE, "no results file given");
    BMC_TRY(check_readable(path, err));
    bmc_h5read *r = calloc(1, sizeof *r);
    if (r)
        r->path = malloc(strlen(path) + 1);
    if (!r || !r->path) {
        free(r);
        return bmc_fail(err, BMC_ENOMEM, "out of memory opening %s", path);
    }
    strcpy(r->path, path);
    r->file = H5I_INVALID_HID;
    r->vfd.driver = H5I_INVALID_HID;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, r->path, err);
    int rc = BMC_OK;
    if (H5Fis_hdf5(path) <= 0)
        rc = bmc_fail(err, BMC_EIO, "%s: not an HDF5 file", path);
    else if ((r->file = bmc_h5_open_read(path, &r->vfd)) < 0)
        rc = bmc_h5_fail(&e, "open the HDF5 file");
    if (!rc)
        rc = read_info(&e, r->file, &r->info);
    bmc_h5ctx_end(&e);
    if (rc)
        bmc_h5read_close(r);
    else
        *out = r;
    return rc;
}

void bmc_h5read_close(bmc_h5read *r)
{
    if (!r)
        return;
    if (r->file >= 0)
        H5Fclose(r->file);
    bmc_h5vfd_release(&r->vfd);
    free(r->path);
    free(r);
}

const bmc_h5read_info *bmc_h5read_get_info(const bmc_h5read *r)
{
    return &r->info;
}

hid_t bmc_h5read_file(const bmc_h5read *r)
{
    return r->file;
}

const char *bmc_h5read_path(const bmc_h5read *r)
{
    return r->path;
}

/* ---- the summary from /summary ----------------------------------------------------------- */

/* The day histograms of base/summary: datasets [groups][ndays + 1] per quantity and
 * [groups][categories][ndays + 1] for the categories; the triage groups go into fired and
 * never, and "all" must be their sum. */
static int load_day_counts(bmc_h5ctx *e, hid_t loc, const char *base, const bmc_summary *s,
                           int64_t *fired, int64_t *never)
{
    int C = bmc_summary_layout(s)->n_categories;
    size_t D1 = (size_t)bmc_summary_ndays(s) + 1;
    int64_t *tmp = calloc((size_t)BMC_SUM_GROUPS * (size_t)(C > 1 ? C : 1) * D1, sizeof *tmp);
    if (!tmp)
        return bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory reading the summary", e->path);
    int rc = BMC_OK;
    for (int q = 0; q <= BMC_SUM_CATEGORY && !rc; q++) {
        bool cats = q == BMC_SUM_CATEGORY;
        char name[512];
        snprintf(name, sizeof name, "%s/%s/count_by_day", base,
                 cats ? "category_completion_day" : bmc_summary_day_name(q));
        int rows = cats ? C : 1;
        hsize_t dims[3] = {BMC_SUM_GROUPS, (hsize_t)rows, D1};
        if (!cats)
            dims[1] = D1;
        rc = read_exact(e, loc, name, cats ? 3 : 2, dims, H5T_NATIVE_INT64, tmp);
        for (int i = 0; i < rows && !rc; i++) {
            size_t stride = (size_t)rows * D1, at = (size_t)i * D1;
            const int64_t *all = tmp + at, *f = tmp + stride + at, *nv = tmp + 2 * stride + at;
            for (size_t d = 0; d < D1 && !rc; d++)
                if (all[d] != f[d] + nv[d])
                    rc = bmc_fail(e->err, BMC_EIO, "%s: %s: all != triage_fired + "
                                  "triage_never", e->path, name);
            memcpy(fired + (size_t)(q + i) * D1, f, D1 * sizeof *f);
            memcpy(never + (size_t)(q + i) * D1, nv, D1 * sizeof *nv);
        }
    }
    free(tmp);
    return rc;
}

static int load_summary(bmc_h5read *r, bmc_h5ctx *e, const char *base, bmc_summary *s)
{
    size_t cells = (size_t)bmc_summary_day_quantities(s) * ((size_t)bmc_summary_ndays(s) + 1);
    int64_t *fired = calloc(cells, sizeof *fired), *never = calloc(cells, sizeof *never);
    int rc = !fired || !never
                 ? bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory reading the summary", e->path)
                 : load_day_counts(e, r->file, base, s, fired, never);
    if (!rc)
        rc = bmc_summary_set_day_counts(s, fired, never, e->err);
    if (!rc && bmc_summary_n(s, BMC_SUM_ALL) != r->info.n_scenarios)
        rc = bmc_fail(e->err, BMC_EIO, "%s: %s counts %lld scenarios, the file holds %lld",
                      e->path, base, (long long)bmc_summary_n(s, BMC_SUM_ALL),
                      (long long)r->info.n_scenarios);
    free(fired);
    free(never);
    return rc;
}

int bmc_h5read_summary(bmc_h5read *r, const char *group, bmc_summary **out, bmc_err *err)
{
    *out = NULL;
    char base[512], where[256];
    snprintf(where, sizeof where, "/%s", group && group[0] ? group : "");
    bmc_layout layout = r->info.layout;
    layout.trajectories = false;
    int rc = bmc_summary_create(&layout, r->info.ndays, r->info.target_day, r->info.day0, out,
                                err);
    if (rc)
        return rc;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, r->path, err);
    snprintf(base, sizeof base, "%s%ssummary", where, where[1] ? "/" : "");
    /* every results file of this schema has its summaries: one without is damaged or cut */
    rc = exists(r->file, base) ? load_summary(r, &e, base, *out)
                               : bmc_fail(err, BMC_EIO, "%s: no %s (the file is damaged or "
                                          "incomplete)", r->path, base);
    bmc_h5ctx_end(&e);
    if (rc) {
        bmc_summary_free(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- a variant against the reference ----------------------------------------------------- */

static int read_paired(bmc_h5read *r, bmc_h5ctx *e, hid_t obj, const char *base,
                       bmc_h5read_paired_info *p)
{
    static const char *const count_names[] = {"n", "later", "earlier", "tied", "both_complete",
                                              "target_reference_only", "target_variant_only"};
    int64_t *counts[] = {&p->n, &p->later, &p->earlier, &p->tied, &p->both_complete,
                         &p->target_reference_only, &p->target_variant_only};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
        if (!bmc_h5_attr_read_number(obj, count_names[i], H5T_NATIVE_INT64, counts[i]) || *counts[i] < 0)
            return bmc_fail(e->err, BMC_EIO, "%s: %s: attribute %s is missing or negative",
                            e->path, base, count_names[i]);
    if (!bmc_h5_attr_read_number(obj, "diff_mean", H5T_NATIVE_DOUBLE, &p->diff_mean)
        || !bmc_h5_attr_read_number(obj, "diff_sd", H5T_NATIVE_DOUBLE, &p->diff_sd))
        return bmc_fail(e->err, BMC_EIO, "%s: %s: attribute diff_mean or diff_sd is missing",
                        e->path, base);
    if (p->n != r->info.n_scenarios || p->later + p->earlier + p->tied != p->n
        || p->both_complete > p->n || p->target_reference_only + p->target_variant_only > p->n)
        return bmc_fail(e->err, BMC_EIO, "%s: %s: the counts do not add up (n %lld, later %lld, "
                        "earlier %lld, tied %lld, both complete %lld; %lld scenarios in the "
                        "file)", e->path, base, (long long)p->n, (long long)p->later,
                        (long long)p->earlier, (long long)p->tied, (long long)p->both_complete,
                        (long long)r->info.n_scenarios);
    char name[BMC_NAME_LEN + 64];
    hsize_t q = BMC_SUM_N_LEVELS, three = 3;
    int32_t levels[BMC_SUM_N_LEVELS];
    snprintf(name, sizeof name, "%s/level_percent", base);
    BMC_TRY(read_exact(e, r->file, name, 1, &q, H5T_NATIVE_INT32, levels));
    for (int i = 0; i < BMC_SUM_N_LEVELS; i++) {
        if (levels[i] != bmc_summary_levels[i])
            return bmc_fail(e->err, BMC_EIO, "%s: %s has other levels than 5, 10, 25, 50, 75, "
                            "85, 90, 95", e->path, name);
        p->level_percent[i] = levels[i];
    }
    struct {
        const char *name;
        hsize_t len;
        double *dst;
    } arrays[] = {{"diff_quantile", q, p->diff_quantile},
                  {"diff_ci_low", q, p->diff_ci_low},
                  {"diff_ci_high", q, p->diff_ci_high},
                  {"p_later", three, p->p_later},
                  {"p_target_difference", three, p->p_target_difference}};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) {
        snprintf(name, sizeof name, "%s/%s", base, arrays[i].name);
        BMC_TRY(read_exact(e, r->file, name, 1, &arrays[i].len, H5T_NATIVE_DOUBLE,
                           arrays[i].dst));
    }
    p->present = true;
    return BMC_OK;
}

int bmc_h5read_paired(bmc_h5read *r, const char *name, bmc_h5read_paired_info *out,
                      bmc_err *err)
{
    memset(out, 0, sizeof *out);
    if (!plain_name(name))
        return bmc_fail(err, BMC_EIO, "%s: no variant named \"%s\"", r->path, name ? name : "");
    char group[BMC_NAME_LEN + 16], base[BMC_NAME_LEN + 32];
    snprintf(group, sizeof group, "/variants/%s", name);
    snprintf(base, sizeof base, "%s/paired", group);
    /* one level at a time: older HDF5 fails on a path whose middle is missing */
    if (!exists(r->file, "/variants") || !exists(r->file, group) || !exists(r->file, base))
        return BMC_OK;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, r->path, err);
    hid_t obj = H5Oopen(r->file, base, H5P_DEFAULT);
    int rc = obj < 0 ? bmc_h5_fail(&e, "open %s", base) : read_paired(r, &e, obj, base, out);
    if (obj >= 0)
        H5Oclose(obj);
    bmc_h5ctx_end(&e);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}
