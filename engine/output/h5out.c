/* The HDF5 results file; the layout is documented for readers in docs/output.md. */
/* fallocate(2) for the reservation before the final flush (see reserve_for_flush) */
#define _GNU_SOURCE

#include "h5out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "backlogmc_version.h"
#include "h5text.h"
#include "h5util.h"
#include "h5vfd.h"
#include "outpaths.h"
#include "paired.h"
#include "summary.h"
#include "summary_h5.h"

#define DAY_UNITS "days since day0; -1 = not reached by the horizon"
#define SCEN_CHUNK_ROWS 4096
#define TRAJ_CHUNK_ROWS 256
/* A chunk is what a reader decompresses to get one value, and the writer caches two per
 * dataset (dataset_access_plist): long trajectory rows get fewer rows per chunk. */
#define TRAJ_CHUNK_MAX_BYTES (1u << 20)
/* headroom over the estimate in reserve_for_flush */
#define FLUSH_MARGIN_BYTES (UINT64_C(1) << 20)

/* Per-scenario columns of bmc_result_block, one dataset each under /scenarios. */
enum scen_field {
    SC_COMPLETION_DAY,
    SC_P90_DAY,
    SC_P95_DAY,
    SC_P99_DAY,
    SC_TRIAGE_DAYS,
    SC_FIRST_TRIAGE_DAY,
    SC_DECIDED_SHARE_AT_TARGET,
    SC_NEW_ON_TIME_SHARE,
    SC_GRANT_RATE,
    SC_GRANT_RATE_Q_MIN,
    SC_GRANT_RATE_Q_MAX,
    SC_IDLE_SHARE,
    SC_COUNT
};

static const struct {
    const char *name;
    bool is_int; /* int32, else float64 */
    const char *units;
} scen_fields[SC_COUNT] = {
    [SC_COMPLETION_DAY] = {"completion_day", true, DAY_UNITS},
    [SC_P90_DAY] = {"p90_day", true, DAY_UNITS},
    [SC_P95_DAY] = {"p95_day", true, DAY_UNITS},
    [SC_P99_DAY] = {"p99_day", true, DAY_UNITS},
    [SC_TRIAGE_DAYS] = {"triage_days", true, "days (simulated days with triage on)"},
    [SC_FIRST_TRIAGE_DAY] = {"first_triage_day", true, DAY_UNITS},
    [SC_DECIDED_SHARE_AT_TARGET] = {"decided_share_at_target", false, "fraction (0..1)"},
    [SC_NEW_ON_TIME_SHARE] = {"new_on_time_share", false,
                              "fraction (0..1); NaN = no new case settled"},
    [SC_GRANT_RATE] = {"grant_rate", false, "fraction (0..1); NaN = no first decision"},
    [SC_GRANT_RATE_Q_MIN] = {"grant_rate_q_min", false,
                             "fraction (0..1); NaN = no quarter with first decisions"},
    [SC_GRANT_RATE_Q_MAX] = {"grant_rate_q_max", false,
                             "fraction (0..1); NaN = no quarter with first decisions"},
    [SC_IDLE_SHARE] = {"idle_share", false,
                       "fraction (0..1) of the officer-days offered; NaN = none offered"},
};

static const void *scen_column(const bmc_result_block *b, enum scen_field f)
{
    switch (f) {
    case SC_COMPLETION_DAY: return b->completion_day;
    case SC_P90_DAY: return b->p90_day;
    case SC_P95_DAY: return b->p95_day;
    case SC_P99_DAY: return b->p99_day;
    case SC_TRIAGE_DAYS: return b->triage_days;
    case SC_FIRST_TRIAGE_DAY: return b->first_triage_day;
    case SC_DECIDED_SHARE_AT_TARGET: return b->decided_share_at_target;
    case SC_NEW_ON_TIME_SHARE: return b->new_on_time_share;
    case SC_GRANT_RATE: return b->grant_rate;
    case SC_GRANT_RATE_Q_MIN: return b->grant_rate_q_min;
    case SC_GRANT_RATE_Q_MAX: return b->grant_rate_q_max;
    case SC_IDLE_SHARE: return b->idle_share;
    case SC_COUNT: break;
    }
    return NULL;
}

/* Slots of the datasets that append fills, in one array so cleanup treats them alike. */
enum {
    DS_SCEN = 0,                             /* SC_COUNT columns */
    DS_CAT_COMPLETION = SC_COUNT,
    DS_PARAM,                                /* BMC_MAX_PARAMS */
    DS_TRAJ = DS_PARAM + BMC_MAX_PARAMS,     /* BMC_TRAJ_COUNT */
    DS_TRAJ_CAT = DS_TRAJ + BMC_TRAJ_COUNT,  /* BMC_TRAJ_CAT_COUNT */
    DS_PAIRED_DIFF = DS_TRAJ_CAT + BMC_TRAJ_CAT_COUNT, /* variants only */
    DS_COUNT
};

/* The results of the reference (prefix "") or of one variant ("/variants/<name>"). */
typedef struct result_set {
    char prefix[16 + BMC_NAME_LEN];
    bmc_layout layout; /* a copy (the caller's may go away before commit), with
                        * trajectories only when they are written */
    int64_t rows;      /* scenarios written so far */
    hid_t ds[DS_COUNT]; /* open from open to commit, so append only writes */
} result_set;

struct bmc_h5out {
    char *final_path;
    char *tmp_path;
    int64_t n_scenarios;
    bool failed;       /* a write failed: the file must not be committed */
    bmc_h5vfd vfd;     /* the file driver, with its switch to discard writes */
    hid_t file;
    int n_sets;        /* 1 + variants */
    result_set *sets;
};

/* The category names as an attribute, so a [.., n_categories] dataset explains itself. */
static int attr_categories(bmc_h5ctx *e, hid_t obj, const bmc_layout *l)
{
    return bmc_h5_attr_names(e, obj, "categories", l->category_names, l->n_categories);
}

static hsize_t min_hsize(hsize_t a, hsize_t b)
{
    return a < b ? a : b;
}

/* ---- the fixed parts, written at open ------------------------------------------------------ */

static int write_root_attributes(bmc_h5ctx *e, hid_t file, const bmc_run_meta *m)
{
    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(created, sizeof created, "unknown");
    int32_t schema = BMC_H5_SCHEMA_VERSION;
    int32_t deterministic = m->deterministic ? 1 : 0;
    int rc;
    if ((rc = bmc_h5_attr_string(e, file, "format", BMC_H5_FORMAT))
        || (rc = bmc_h5_attr_scalar(e, file, "schema_version", H5T_STD_I32LE, H5T_NATIVE_INT32,
                             &schema))
        || (rc = bmc_h5_attr_string(e, file, "engine_version", BACKLOGMC_VERSION))
        || (rc = bmc_h5_attr_string(e, file, "git_commit", BACKLOGMC_GIT_COMMIT))
        || (rc = bmc_h5_attr_string(e, file, "created", created))
        || (rc = bmc_h5_attr_string(e, file, "config_name", m->config_name))
        || (rc = bmc_h5_attr_scalar(e, file, "master_seed", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                             &m->seed))
        || (rc = bmc_h5_attr_scalar(e, file, "n_scenarios", H5T_STD_I64LE, H5T_NATIVE_INT64,
                             &m->n_scenarios))
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

static int write_config(bmc_h5ctx *e, hid_t file, const bmc_run_meta *m)
{
    hid_t g = bmc_h5_create_group(file, "config");
    int rc = g < 0 ? bmc_h5_fail(e, "create /config") : bmc_h5_write_text(e, g, "text",
                                                                           m->config_text);
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
    for (int f = 0; f < SC_COUNT && !rc; f++) {
        hid_t ftype = scen_fields[f].is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE;
        r->ds[DS_SCEN + f] = bmc_h5_create_dataset(g, scen_fields[f].name, ftype, 1, dims, chunk);
        if (r->ds[DS_SCEN + f] < 0)
            rc = bmc_h5_fail(e, "create dataset %s/scenarios/%s", r->prefix, scen_fields[f].name);
        else
            rc = bmc_h5_attr_string(e, r->ds[DS_SCEN + f], "units", scen_fields[f].units);
    }
    if (rc)
        return rc;
    r->ds[DS_CAT_COMPLETION] = bmc_h5_create_dataset(g, "category_completion_day", H5T_STD_I32LE, 2,
                                              dims, chunk);
    if (r->ds[DS_CAT_COMPLETION] < 0)
        return bmc_h5_fail(e, "create dataset %s/scenarios/category_completion_day", r->prefix);
    rc = bmc_h5_attr_string(e, r->ds[DS_CAT_COMPLETION], "units", DAY_UNITS);
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
    }
    chunk[0] = traj_chunk_rows(n, nm * nc * sizeof(double));
    for (int f = 0; f < BMC_TRAJ_CAT_COUNT && !rc; f++) {
        const char *name = bmc_traj_cat_name(f);
        r->ds[DS_TRAJ_CAT + f] = bmc_h5_create_dataset(g, name, H5T_IEEE_F64LE, 3, dims, chunk);
        if (r->ds[DS_TRAJ_CAT + f] < 0)
            rc = bmc_h5_fail(e, "create dataset %s/trajectories/%s", r->prefix, name);
        else
            rc = attr_categories(e, r->ds[DS_TRAJ_CAT + f], &r->layout);
    }
    H5Gclose(g);
    return rc;
}

/* ---- lifetime ------------------------------------------------------------------------------ */

static void close_datasets(bmc_h5out *h)
{
    for (int s = 0; s < h->n_sets; s++)
        for (int i = 0; i < DS_COUNT; i++)
            bmc_h5_close_dataset(&h->sets[s].ds[i]);
}

static void h5out_free(bmc_h5out *h)
{
    bmc_h5vfd_release(&h->vfd);
    free(h->final_path);
    free(h->tmp_path);
    free(h->sets);
    free(h);
}

/* Closes whatever is open, removes the temporary file, frees h: the one exit of every
 * failure. The content is thrown away, so the flush of the close goes nowhere (h5vfd.h): it
 * cannot fail on a full disk, and every HDF5 id is released. */
static void discard(bmc_h5out *h)
{
    if (!h)
        return;
    h->vfd.discard = true;
    close_datasets(h);
    if (h->file >= 0)
        H5Fclose(h->file);
    if (h->tmp_path)
        unlink(h->tmp_path);
    h5out_free(h);
}

/* A write that failed below HDF5 (h5vfd.h) fails the step that made it, and the file. */
static int written(bmc_h5out *h, int rc, bmc_err *err)
{
    if (rc == BMC_OK && h->vfd.write_errno)
        rc = bmc_fail(err, BMC_EIO, "%s: not written: cannot write %s: %s", h->final_path,
                      h->tmp_path, strerror(h->vfd.write_errno));
    if (rc)
        h->failed = true;
    return rc;
}

static void set_init(result_set *r, const char *variant, const bmc_layout *layout,
                     bool omit_trajectories)
{
    if (variant)
        snprintf(r->prefix, sizeof r->prefix, "/variants/%s", variant);
    for (int i = 0; i < DS_COUNT; i++)
        r->ds[i] = H5I_INVALID_HID;
    r->layout = *layout;
    r->layout.trajectories = layout->trajectories && !omit_trajectories;
}

static bmc_h5out *h5out_new(const char *path, const bmc_layout *layout, const bmc_run_meta *m)
{
    bmc_h5out *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->file = H5I_INVALID_HID;
    h->vfd.driver = H5I_INVALID_HID;
    h->n_sets = 1 + m->n_variants;
    h->sets = calloc((size_t)h->n_sets, sizeof *h->sets);
    h->n_scenarios = m->n_scenarios;
    size_t len = strlen(path);
    h->final_path = malloc(len + 1);
    h->tmp_path = malloc(BMC_PATH_MAX + 1);
    if (!h->sets || !h->final_path || !h->tmp_path) {
        h5out_free(h);
        return NULL;
    }
    set_init(&h->sets[0], NULL, layout, m->omit_trajectories);
    for (int v = 0; v < m->n_variants; v++)
        set_init(&h->sets[1 + v], m->variants[v].name, m->variants[v].layout,
                 m->omit_trajectories);
    memcpy(h->final_path, path, len + 1);
    return h;
}

static bool name_terminated(const char *name)
{
    return memchr(name, '\0', BMC_NAME_LEN) != NULL;
}

/* Parameter names become link names under /scenarios/params: a '/' would make groups. */
static int check_layout(const bmc_layout *l, bmc_err *err)
{
    if (l->n_categories < 0 || l->n_categories > BMC_MAX_CATEGORIES || l->n_params < 0
        || l->n_params > BMC_MAX_PARAMS || l->n_months < 0)
        return bmc_fail(err, BMC_EINTERNAL,
                        "results layout out of range: %d categories, %d parameters, %d months",
                        l->n_categories, l->n_params, l->n_months);
    for (int c = 0; c < l->n_categories; c++)
        if (!name_terminated(l->category_names[c]))
            return bmc_fail(err, BMC_EINTERNAL, "category name %d is not terminated", c);
    for (int p = 0; p < l->n_params; p++) {
        const char *name = l->param_names[p];
        if (!name_terminated(name))
            return bmc_fail(err, BMC_EINTERNAL, "parameter name %d is not terminated", p);
        if (!name[0] || strchr(name, '/') || !strcmp(name, "."))
            return bmc_fail(err, BMC_ECONFIG,
                            "parameter name '%s' cannot name an HDF5 dataset (empty, '.' or "
                            "containing '/')", name);
        for (int q = 0; q < p; q++)
            if (!strcmp(name, l->param_names[q]))
                return bmc_fail(err, BMC_ECONFIG, "parameter name '%s' appears twice", name);
    }
    return BMC_OK;
}

/* Creates the temporary file with open(2) first, for an errno-based message that names the
 * path, and so that a leftover file of the same name is never clobbered. */
static int create_tmp_file(const bmc_h5out *h, bmc_err *err)
{
    /* commit renames over the final path: never over a directory or a device such as
     * /dev/null, only over an earlier results file */
    struct stat st;
    if (stat(h->final_path, &st) == 0 && !S_ISREG(st.st_mode))
        return bmc_fail(err, BMC_EIO, "cannot write results to %s: %s", h->final_path,
                        S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
    int fd = open(h->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return bmc_fail(err, BMC_EIO, "cannot create results file %s (temporary %s): %s",
                        h->final_path, h->tmp_path, strerror(errno));
    close(fd);
    return BMC_OK;
}

static int open_hdf5(bmc_h5ctx *e, bmc_h5out *h)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* strong close: H5Fclose releases the file even if a handle was missed, so the
     * temporary file can always be removed */
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0
        && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0
        && bmc_h5vfd_use(&h->vfd, fapl) == 0)
        h->file = H5Fcreate(h->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    int rc = h->file < 0 ? bmc_h5_fail(e, "create the HDF5 file") : BMC_OK;
    bmc_h5_close_plist(fapl);
    return rc;
}

/* The per-scenario datasets of one set under parent. */
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

static int write_layout(bmc_h5ctx *e, bmc_h5out *h, const bmc_run_meta *meta)
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
static int check_variants(const bmc_layout *ref, const bmc_run_meta *meta, bmc_err *err)
{
    if (meta->n_variants < 0 || (meta->n_variants > 0 && !meta->variants))
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_open: %d variants", meta->n_variants);
    for (int v = 0; v < meta->n_variants; v++) {
        const bmc_h5_variant *var = &meta->variants[v];
        const bmc_layout *l = var->layout;
        if (!var->name || !var->name[0] || strlen(var->name) >= BMC_NAME_LEN
            || strchr(var->name, '/') || !strcmp(var->name, ".") || !strcmp(var->name, "..")
            || !l)
            return bmc_fail(err, BMC_EINTERNAL, "variant %d has no usable name or layout", v);
        for (int w = 0; w < v; w++)
            if (!strcmp(var->name, meta->variants[w].name))
                return bmc_fail(err, BMC_EINTERNAL, "variant %s appears twice", var->name);
        if (l->n_categories != ref->n_categories || l->n_months != ref->n_months
            || l->trajectories != ref->trajectories)
            return bmc_fail(err, BMC_EINTERNAL,
                            "variant %s: categories, months or trajectories differ from the "
                            "reference", var->name);
        int rc = check_layout(l, err);
        if (rc)
            return rc;
    }
    return BMC_OK;
}

int bmc_h5out_open(const char *path, const bmc_layout *layout, const bmc_run_meta *meta,
                   bmc_h5out **out, bmc_err *err)
{
    if (out)
        *out = NULL;
    if (!path || !path[0] || !layout || !meta || !meta->cal || !out)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_open: missing argument");
    if (meta->n_scenarios < 0)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_open: %lld scenarios",
                        (long long)meta->n_scenarios);
    int rc = check_layout(layout, err);
    if (!rc)
        rc = check_variants(layout, meta, err);
    if (rc)
        return rc;
    bmc_h5out *h = h5out_new(path, layout, meta);
    if (!h)
        return bmc_fail(err, BMC_ENOMEM, "out of memory opening %s", path);
    /* same directory as the final file, so that rename(2) is atomic */
    rc = bmc_tmp_path(path, (long)getpid(), h->tmp_path, BMC_PATH_MAX + 1) == 0
             ? create_tmp_file(h, err)
             : bmc_fail(err, BMC_EIO, "cannot create results file %s: its path leaves no room "
                        "for a temporary name beside it", path);
    if (rc) {
        free(h->tmp_path); /* not ours to unlink: creating it failed */
        h->tmp_path = NULL;
        discard(h);
        return rc;
    }
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    rc = open_hdf5(&e, h);
    if (!rc)
        rc = written(h, write_layout(&e, h, meta), err);
    if (rc)
        discard(h);
    else
        *out = h;
    bmc_h5ctx_end(&e);
    return rc;
}

/* ---- append -------------------------------------------------------------------------------- */

/* Writes rows [first, first + count) of ds, every trailing dimension in full, from buf laid
 * out as mem selects (H5I_INVALID_HID: count rows packed contiguously). */
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
    for (int f = 0; f < SC_COUNT; f++) {
        hid_t mtype = scen_fields[f].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE;
        if (write_rows(r->ds[DS_SCEN + f], mtype, H5I_INVALID_HID, r->rows, n, scen_column(b, f))
            < 0)
            return bmc_h5_fail(e, "write %s/scenarios/%s", r->prefix, scen_fields[f].name);
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
    rc = written(h, rc, err);
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
    return written(h, bmc_summary_write(s, h->file, name, err), err);
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
    return written(h, rc, err);
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
            return bmc_fail(err, BMC_EINTERNAL, "%s: %lld scenarios written, not %lld",
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
    rc = written(h, rc, err);
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
    return written(h, rc, err);
}

/* ---- commit and abort ---------------------------------------------------------------------- */

/* Uncompressed bytes of one chunk of ds; 0 when it is not chunked. */
static size_t chunk_bytes(hid_t ds)
{
    hid_t dcpl = H5Dget_create_plist(ds), t = H5Dget_type(ds);
    hsize_t dims[3];
    int rank = 0;
    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED)
        rank = H5Pget_chunk(dcpl, 3, dims);
    size_t bytes = rank > 0 && t >= 0 ? H5Tget_size(t) : 0;
    for (int i = 0; i < rank; i++)
        bytes *= (size_t)dims[i];
    bmc_h5_close_type(t);
    bmc_h5_close_plist(dcpl);
    return bytes;
}

/* A full disk at the final flush would fail the commit anyway (h5vfd.h keeps HDF5 whole);
 * reserving the blocks the flush can need first says so early and plainly: every hole below
 * the end of the file (fallocate mode 0 fills them) plus room past it for the cached chunks
 * (two per dataset, at most) and the cached metadata. Filesystems without fallocate skip
 * this. */
static int reserve_for_flush(bmc_h5ctx *e, bmc_h5out *h)
{
#ifdef FALLOC_FL_KEEP_SIZE
    hsize_t size = 0;
    size_t mdc_max = 0, mdc_min_clean = 0, mdc_cur = 0;
    int mdc_entries = 0;
    if (H5Fget_filesize(h->file, &size) < 0
        || H5Fget_mdc_size(h->file, &mdc_max, &mdc_min_clean, &mdc_cur, &mdc_entries) < 0)
        return bmc_h5_fail(e, "query the file size");
    uint64_t need = size + mdc_cur + FLUSH_MARGIN_BYTES;
    for (int s = 0; s < h->n_sets; s++)
        for (int i = 0; i < DS_COUNT; i++)
            if (h->sets[s].ds[i] >= 0)
                need += 2 * (uint64_t)chunk_bytes(h->sets[s].ds[i]);
    int fd = open(h->tmp_path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return bmc_fail(e->err, BMC_EIO, "cannot reopen %s: %s", h->tmp_path, strerror(errno));
    int rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)need);
    int saved = errno;
    close(fd);
    if (rc < 0 && saved != EOPNOTSUPP && saved != ENOSYS)
        return bmc_fail(e->err, BMC_EIO, "%s: not written: cannot reserve %.1f MiB to finish "
                        "it: %s", h->final_path, (double)need / (1 << 20), strerror(saved));
#else
    (void)e;
    (void)h;
#endif
    return BMC_OK;
}

/* Everything goes to disk and every id is released before the rename, so the file under the
 * final name is complete the moment it appears. The explicit flush fails more gracefully
 * than a close that has to flush. */
static int close_file(bmc_h5ctx *e, bmc_h5out *h)
{
    int rc = reserve_for_flush(e, h);
    if (rc)
        return rc;
    if (H5Fflush(h->file, H5F_SCOPE_LOCAL) < 0)
        return bmc_h5_fail(e, "flush");
    BMC_TRY(written(h, BMC_OK, e->err));
    close_datasets(h);
    ssize_t open_ids = H5Fget_obj_count(h->file, H5F_OBJ_ALL);
    if (open_ids != 1)
        return bmc_fail(e->err, BMC_EINTERNAL, "%s: %zd HDF5 ids still open before close",
                        e->path, open_ids);
    herr_t closed = H5Fclose(h->file);
    h->file = H5I_INVALID_HID;
    if (closed < 0)
        return bmc_h5_fail(e, "close");
    return written(h, BMC_OK, e->err);
}

/* Gives back what reserve_for_flush held past the end of the file (a truncate to the same
 * size frees blocks preallocated past it), then fsyncs: after a crash the final name must not
 * point at unwritten blocks. */
static int trim_and_sync(const char *path, bmc_err *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return bmc_fail(err, BMC_EIO, "cannot reopen %s: %s", path, strerror(errno));
    struct stat st;
    int rc = fstat(fd, &st);
    if (rc == 0)
        rc = ftruncate(fd, st.st_size);
    if (rc == 0)
        rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc < 0)
        return bmc_fail(err, BMC_EIO, "cannot sync %s: %s", path, strerror(saved));
    return BMC_OK;
}

int bmc_h5out_commit(bmc_h5out *h, bmc_err *err)
{
    if (!h)
        return bmc_fail(err, BMC_EINTERNAL, "bmc_h5out_commit: no file");
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, err);
    int rc = BMC_OK;
    if (h->failed)
        rc = bmc_fail(err, BMC_EIO, "%s: not written: an earlier write failed", h->final_path);
    for (int s = 0; !rc && s < h->n_sets; s++)
        if (h->sets[s].rows != h->n_scenarios)
            rc = bmc_fail(err, BMC_EINTERNAL, "%s: not written: %lld of %lld scenarios arrived",
                          h->final_path, (long long)h->sets[s].rows,
                          (long long)h->n_scenarios);
    if (!rc)
        rc = close_file(&e, h);
    if (!rc)
        rc = trim_and_sync(h->tmp_path, err);
    if (!rc && rename(h->tmp_path, h->final_path) < 0)
        rc = bmc_fail(err, BMC_EIO, "cannot rename %s to %s: %s", h->tmp_path, h->final_path,
                      strerror(errno));
    if (rc)
        discard(h);
    else
        h5out_free(h);
    bmc_h5ctx_end(&e);
    return rc;
}

const char *bmc_h5out_tmp_path(const bmc_h5out *h)
{
    return h->tmp_path;
}

void bmc_h5out_abort(bmc_h5out *h)
{
    if (!h)
        return;
    bmc_h5ctx e;
    bmc_h5ctx_begin(&e, h->tmp_path, NULL);
    discard(h);
    bmc_h5ctx_end(&e);
}
