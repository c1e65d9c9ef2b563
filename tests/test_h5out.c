/* The results file: layout and values read back with the plain HDF5 API, the temporary-name
 * protocol, and the error paths (docs/output.md is the schema checked here). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "backlogmc_version.h"
#include "calendar.h"
#include "holidays.h"
#include "h5out.h"
#include "results.h"
#include "status.h"

#define N_SCEN 10
#define N_CAT 3
#define N_PARAM 2
#define N_MONTH 5
#define SEED UINT64_C(0xDEADBEEFCAFEF00D) /* above INT64_MAX: must survive as unsigned */
#define DAY_UNITS "days since day0; -1 = not reached by the horizon"

/* multi-line, with non-ASCII UTF-8, to show the text comes back byte for byte */
static const char *const config_text =
    "# baseline\nscenarios: 10\nnaam: \"categorie \xc3\xa9\xc3\xa9n\"\n";

typedef struct fixture {
    char dir[64];
    char path[128];
    bmc_calendar *cal;
    bmc_layout layout;
    bmc_run_meta meta;
} fixture;

/* Open HDF5 objects of every file, by kind, to check that a path released what it opened.
 * (HDF5 1.10 has no public count of dataspaces and property lists: H5Inmembers refuses
 * library types.) */
typedef struct id_counts {
    ssize_t n[4];
} id_counts;

static id_counts count_ids(void)
{
    const unsigned kinds[4] = {H5F_OBJ_FILE, H5F_OBJ_GROUP, H5F_OBJ_DATASET, H5F_OBJ_ATTR};
    id_counts c;
    for (int i = 0; i < 4; i++) {
        c.n[i] = H5Fget_obj_count(H5F_OBJ_ALL, kinds[i]);
        assert_true(c.n[i] >= 0);
    }
    return c;
}

static void assert_no_new_ids(id_counts before)
{
    id_counts after = count_ids();
    for (int i = 0; i < 4; i++)
        assert_int_equal(after.n[i], before.n[i]);
}

/* ---- known values: a function of (scenario, field, month, category) ---------------------- */

static int32_t day_value(int s, int f)
{
    return s == 7 && f == 0 ? -1 : 100 * (f + 1) + s; /* scenario 7 never completes */
}

static double share_value(int s, int f)
{
    return s == 3 && f == 1 ? NAN : 0.01 * s + 0.1 * f; /* one NaN on purpose */
}

static int32_t cat_day_value(int s, int c)
{
    return s == 7 && c == 2 ? -1 : 10 * s + c;
}

static double param_value(int s, int p)
{
    return 1000.0 * (p + 1) + s + 0.25;
}

static double traj_value(int f, int s, int m)
{
    return 1000.0 * f + 10.0 * s + m + 0.5;
}

static double traj_cat_value(int f, int s, int m, int c)
{
    return 10000.0 * f + 100.0 * s + 10.0 * m + c;
}

static void fill_block(bmc_result_block *b, int64_t first, int count)
{
    const bmc_layout *l = b->layout;
    bmc_result_block_reset(b, first);
    b->count = count;
    for (int r = 0; r < count; r++) {
        int s = (int)first + r;
        b->completion_day[r] = day_value(s, 0);
        b->p90_day[r] = day_value(s, 1);
        b->p95_day[r] = day_value(s, 2);
        b->p99_day[r] = day_value(s, 3);
        b->triage_days[r] = day_value(s, 4);
        b->first_triage_day[r] = day_value(s, 5);
        b->decided_share_at_target[r] = share_value(s, 0);
        b->new_on_time_share[r] = share_value(s, 1);
        b->grant_rate[r] = share_value(s, 2);
        b->grant_rate_q_min[r] = share_value(s, 3);
        b->grant_rate_q_max[r] = share_value(s, 4);
        b->idle_share[r] = share_value(s, 5);
        for (int c = 0; c < l->n_categories; c++)
            b->category_completion_day[r * l->n_categories + c] = cat_day_value(s, c);
        for (int p = 0; p < l->n_params; p++)
            b->params[r * l->n_params + p] = param_value(s, p);
        if (!l->trajectories)
            continue;
        for (int f = 0; f < BMC_TRAJ_COUNT; f++)
            for (int m = 0; m < l->n_months; m++)
                b->traj[f][r * l->n_months + m] = traj_value(f, s, m);
        for (int f = 0; f < BMC_TRAJ_CAT_COUNT; f++)
            for (int m = 0; m < l->n_months; m++)
                for (int c = 0; c < l->n_categories; c++)
                    b->traj_cat[f][(r * l->n_months + m) * l->n_categories + c] =
                        traj_cat_value(f, s, m, c);
    }
}

/* Writes all N_SCEN scenarios in blocks of block_size and commits. */
static void write_file(const fixture *fx, const char *path, int block_size)
{
    bmc_err err = {""};
    bmc_h5out *h = NULL;
    id_counts ids = count_ids();
    int rc = bmc_h5out_open(path, &fx->layout, &fx->meta, &h, &err);
    assert_int_equal(rc, BMC_OK);
    assert_non_null(h);
    bmc_result_block *b = bmc_result_block_alloc(&fx->layout, block_size);
    assert_non_null(b);
    for (int first = 0; first < N_SCEN; first += block_size) {
        int count = N_SCEN - first < block_size ? N_SCEN - first : block_size;
        fill_block(b, first, count);
        assert_int_equal(bmc_h5out_append(h, b, &err), BMC_OK);
    }
    bmc_result_block_free(b);
    rc = bmc_h5out_commit(h, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, BMC_OK);
    assert_no_new_ids(ids);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/bmc-h5out-XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof fx->path, "%s/results.h5", fx->dir);
    static const unsigned rules = BMC_HOL_GOOD_FRIDAY | BMC_HOL_EASTER_MONDAY | BMC_HOL_KINGS_DAY
                     | BMC_HOL_LIBERATION_DAY | BMC_HOL_ASCENSION | BMC_HOL_WHIT_MONDAY;
    fx->cal = bmc_calendar_create(bmc_date_from_ymd(2026, 4, 1), bmc_date_from_ymd(2026, 8, 31),
                                  bmc_holidays_of_year, &rules, NULL, 0);
    if (!fx->cal) {
        rmdir(fx->dir);
        free(fx);
        return -1;
    }
    bmc_layout *l = &fx->layout;
    l->n_categories = N_CAT;
    snprintf(l->category_names[0], BMC_NAME_LEN, "eerste_aanvraag");
    snprintf(l->category_names[1], BMC_NAME_LEN, "dublin");
    snprintf(l->category_names[2], BMC_NAME_LEN, "herhaalde_aanvraag_lang");
    l->n_params = N_PARAM;
    snprintf(l->param_names[0], BMC_NAME_LEN, "intake.annual_level");
    snprintf(l->param_names[1], BMC_NAME_LEN, "staff.fte_factor");
    l->n_months = N_MONTH;
    l->trajectories = true;
    fx->meta = (bmc_run_meta){
        .config_name = "configs/baseline.yaml",
        .config_text = config_text,
        .seed = SEED,
        .n_scenarios = N_SCEN,
        .deterministic = true,
        .cal = fx->cal,
        .target_date = bmc_date_from_ymd(2029, 6, 12),
        .pact_date = bmc_date_from_ymd(2026, 6, 12),
    };
    *state = fx;
    return 0;
}

/* How many files dir holds (their names in names[0..max)), to assert what a test left behind. */
static int count_files(const char *dir, char names[][256], int max)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n < max)
            snprintf(names[n], 256, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    DIR *d = opendir(fx->dir);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(fx->dir);
    bmc_calendar_free(fx->cal);
    free(fx);
    return 0;
}

/* ---- reading back ---------------------------------------------------------------------------- */

/* A scalar string attribute, which the schema stores as variable-length UTF-8. */
static char *read_string_attr(hid_t obj, const char *name)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_STRING);
    assert_true(H5Tis_variable_str(t) > 0);
    assert_int_equal(H5Tget_cset(t), H5T_CSET_UTF8);
    char *v = NULL;
    assert_true(H5Aread(a, t, &v) >= 0);
    char *copy = strdup(v);
    H5free_memory(v);
    H5Tclose(t);
    H5Aclose(a);
    return copy;
}

static void assert_string_attr(hid_t obj, const char *name, const char *expected)
{
    char *v = read_string_attr(obj, name);
    assert_string_equal(v, expected);
    free(v);
}

/* An integer attribute, checking its stored size and signedness. */
static void assert_int_attr(hid_t obj, const char *name, size_t size, H5T_sign_t sign,
                            int64_t expected)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_INTEGER);
    assert_int_equal(H5Tget_size(t), size);
    assert_int_equal(H5Tget_sign(t), sign);
    int64_t v = 0;
    assert_true(H5Aread(a, H5T_NATIVE_INT64, &v) >= 0);
    assert_true(v == expected);
    H5Tclose(t);
    H5Aclose(a);
}

/* Fixed-length strings from a dataset or an attribute: n strings of up to 255 bytes. */
static void read_fixed_strings(hid_t type, hid_t space, char out[][256], hsize_t n,
                               void (*read)(hid_t id, hid_t mtype, void *buf), hid_t id,
                               size_t *len)
{
    assert_int_equal(H5Tget_class(type), H5T_STRING);
    assert_false(H5Tis_variable_str(type) > 0);
    assert_int_equal(H5Tget_cset(type), H5T_CSET_UTF8);
    assert_int_equal(H5Sget_simple_extent_ndims(space), 1);
    hsize_t dims[1];
    H5Sget_simple_extent_dims(space, dims, NULL);
    assert_int_equal(dims[0], n);
    size_t sz = H5Tget_size(type);
    assert_true(sz < 256);
    char *buf = calloc(n ? n : 1, sz);
    assert_non_null(buf);
    read(id, type, buf);
    for (hsize_t i = 0; i < n; i++) {
        memcpy(out[i], buf + i * sz, sz);
        out[i][sz] = '\0';
    }
    free(buf);
    if (len)
        *len = sz;
}

static void read_dataset_all(hid_t id, hid_t mtype, void *buf)
{
    assert_true(H5Dread(id, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
}

static void read_attr_all(hid_t id, hid_t mtype, void *buf)
{
    assert_true(H5Aread(id, mtype, buf) >= 0);
}

static void read_string_dataset(hid_t loc, const char *name, char out[][256], hsize_t n,
                                size_t *len)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    read_fixed_strings(t, s, out, n, read_dataset_all, d, len);
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
}

static void assert_categories_attr(hid_t obj, const bmc_layout *l)
{
    hid_t a = H5Aopen(obj, "categories", H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    char names[BMC_MAX_CATEGORIES][256];
    read_fixed_strings(t, s, names, (hsize_t)l->n_categories, read_attr_all, a, NULL);
    for (int c = 0; c < l->n_categories; c++)
        assert_string_equal(names[c], l->category_names[c]);
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
}

/* Opens loc/name, checks type class, element size, shape and (for integers) that only the
 * uint8 working-day flags are unsigned, and reads it all into buf (of mtype). */
static void read_numeric(hid_t loc, const char *name, H5T_class_t cls, size_t size, int rank,
                         const hsize_t *dims, hid_t mtype, void *buf)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        fail_msg("missing dataset %s", name);
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    assert_int_equal(H5Tget_class(t), cls);
    assert_int_equal(H5Tget_size(t), size);
    if (cls == H5T_INTEGER)
        assert_int_equal(H5Tget_sign(t), size == 1 ? H5T_SGN_NONE : H5T_SGN_2);
    assert_int_equal(H5Sget_simple_extent_ndims(s), rank);
    hsize_t got[3];
    H5Sget_simple_extent_dims(s, got, NULL);
    for (int i = 0; i < rank; i++)
        assert_int_equal(got[i], dims[i]);
    read_dataset_all(d, mtype, buf);
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
}

/* Chunked, with shuffle then deflate: what the schema promises for the big datasets. */
static void assert_compressed(hid_t loc, const char *name)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t dcpl = H5Dget_create_plist(d);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    assert_int_equal(H5Pget_nfilters(dcpl), 2);
    unsigned flags, cd[4];
    size_t ncd = 4;
    assert_int_equal(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_SHUFFLE);
    ncd = 4;
    assert_int_equal(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_DEFLATE);
    H5Pclose(dcpl);
    H5Dclose(d);
}

static void check_root(hid_t f, const fixture *fx)
{
    assert_string_attr(f, "format", BMC_H5_FORMAT);
    assert_int_attr(f, "schema_version", 4, H5T_SGN_2, BMC_H5_SCHEMA_VERSION);
    assert_string_attr(f, "engine_version", BACKLOGMC_VERSION);
    assert_string_attr(f, "git_commit", BACKLOGMC_GIT_COMMIT);
    assert_string_attr(f, "config_name", "configs/baseline.yaml");
    assert_string_attr(f, "day0", "2026-04-01");
    assert_string_attr(f, "target_date", "2029-06-12");
    assert_string_attr(f, "pact_date", "2026-06-12");
    assert_int_attr(f, "n_scenarios", 8, H5T_SGN_2, N_SCEN);
    assert_int_attr(f, "deterministic", 4, H5T_SGN_2, 1);

    hid_t a = H5Aopen(f, "master_seed", H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_size(t), 8);
    assert_int_equal(H5Tget_sign(t), H5T_SGN_NONE);
    uint64_t seed = 0;
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &seed) >= 0);
    assert_true(seed == SEED);
    H5Tclose(t);
    H5Aclose(a);

    /* "YYYY-MM-DDTHH:MM:SSZ" */
    char *created = read_string_attr(f, "created");
    assert_int_equal(strlen(created), 20);
    for (int i = 0; i < 20; i++) {
        const char *shape = "dddd-dd-ddTdd:dd:ddZ";
        if (shape[i] == 'd')
            assert_true(created[i] >= '0' && created[i] <= '9');
        else
            assert_int_equal(created[i], shape[i]);
    }
    assert_true(strncmp(created, "2026", 4) >= 0);
    free(created);
    (void)fx;
}

static void check_config(hid_t f)
{
    hid_t d = H5Dopen2(f, "/config/text", H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    assert_int_equal(H5Sget_simple_extent_type(s), H5S_SCALAR);
    assert_true(H5Tis_variable_str(t) > 0);
    char *text = NULL;
    read_dataset_all(d, t, &text);
    assert_string_equal(text, config_text);
    H5free_memory(text);
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
}

static void check_calendar(hid_t f, const fixture *fx)
{
    hid_t g = H5Gopen2(f, "calendar", H5P_DEFAULT);
    assert_true(g >= 0);
    assert_string_attr(g, "day0", "2026-04-01");
    int days = bmc_calendar_days(fx->cal);
    assert_int_equal(days, 153); /* April 30 + May 31 + June 30 + July 31 + August 31 */

    static char dates[153][256];
    size_t len = 0;
    read_string_dataset(g, "dates", dates, 153, &len);
    assert_int_equal(len, 10);
    assert_string_equal(dates[0], "2026-04-01");
    assert_string_equal(dates[30], "2026-05-01");
    assert_string_equal(dates[152], "2026-08-31");
    for (int d = 0; d < days; d++) {
        char iso[16];
        bmc_date_format(bmc_calendar_date(fx->cal, d), iso);
        assert_string_equal(dates[d], iso);
    }

    uint8_t working[153];
    hsize_t dims[1] = {153};
    read_numeric(g, "working", H5T_INTEGER, 1, 1, dims, H5T_NATIVE_UINT8, working);
    assert_memory_equal(working, bmc_calendar_working(fx->cal), 153);
    assert_int_equal(working[0], 1);  /* Wednesday 1 April */
    assert_int_equal(working[2], 0);  /* Good Friday 3 April */
    assert_int_equal(working[3], 0);  /* Saturday */
    assert_int_equal(working[5], 0);  /* Easter Monday 6 April */
    assert_int_equal(working[26], 0); /* King's Day, Monday 27 April */
    assert_int_equal(working[27], 1);

    char months[N_MONTH][256];
    read_string_dataset(g, "month_first", months, N_MONTH, &len);
    assert_int_equal(len, 10);
    const char *expected[N_MONTH] = {"2026-04-01", "2026-05-01", "2026-06-01", "2026-07-01",
                                     "2026-08-01"};
    for (int m = 0; m < N_MONTH; m++)
        assert_string_equal(months[m], expected[m]);
    H5Gclose(g);
}

static void check_scenarios(hid_t f, const bmc_layout *l)
{
    hid_t g = H5Gopen2(f, "scenarios", H5P_DEFAULT);
    assert_true(g >= 0);
    hsize_t n[1] = {N_SCEN};
    const char *day_names[] = {"completion_day", "p90_day", "p95_day", "p99_day",
                               "triage_days", "first_triage_day"};
    for (int k = 0; k < 6; k++) {
        int32_t v[N_SCEN];
        read_numeric(g, day_names[k], H5T_INTEGER, 4, 1, n, H5T_NATIVE_INT32, v);
        for (int s = 0; s < N_SCEN; s++)
            assert_int_equal(v[s], day_value(s, k));
        assert_compressed(g, day_names[k]);
        if (k != 4) { /* triage_days is a count of days, not a day index */
            hid_t d = H5Dopen2(g, day_names[k], H5P_DEFAULT);
            assert_string_attr(d, "units", DAY_UNITS);
            H5Dclose(d);
        }
    }
    const char *share_names[] = {"decided_share_at_target", "new_on_time_share", "grant_rate",
                                 "grant_rate_q_min", "grant_rate_q_max", "idle_share"};
    for (int k = 0; k < 6; k++) {
        double v[N_SCEN];
        read_numeric(g, share_names[k], H5T_FLOAT, 8, 1, n, H5T_NATIVE_DOUBLE, v);
        for (int s = 0; s < N_SCEN; s++) {
            double e = share_value(s, k);
            if (isnan(e))
                assert_true(isnan(v[s]));
            else
                assert_true(v[s] == e);
        }
    }

    int32_t ccd[N_SCEN][N_CAT];
    hsize_t cdims[2] = {N_SCEN, N_CAT};
    read_numeric(g, "category_completion_day", H5T_INTEGER, 4, 2, cdims, H5T_NATIVE_INT32, ccd);
    for (int s = 0; s < N_SCEN; s++)
        for (int c = 0; c < N_CAT; c++)
            assert_int_equal(ccd[s][c], cat_day_value(s, c));
    hid_t d = H5Dopen2(g, "category_completion_day", H5P_DEFAULT);
    assert_categories_attr(d, l);
    assert_string_attr(d, "units", DAY_UNITS);
    H5Dclose(d);
    assert_compressed(g, "category_completion_day");

    hid_t pg = H5Gopen2(g, "params", H5P_DEFAULT);
    assert_true(pg >= 0);
    H5G_info_t info;
    assert_true(H5Gget_info(pg, &info) >= 0);
    assert_int_equal(info.nlinks, l->n_params);
    for (int p = 0; p < l->n_params; p++) {
        double v[N_SCEN];
        /* the dot stays in the link name: no group "intake" */
        read_numeric(pg, l->param_names[p], H5T_FLOAT, 8, 1, n, H5T_NATIVE_DOUBLE, v);
        for (int s = 0; s < N_SCEN; s++)
            assert_true(v[s] == param_value(s, p));
    }
    H5Gclose(pg);
    H5Gclose(g);
}

static void check_trajectories(hid_t f, const bmc_layout *l)
{
    hid_t g = H5Gopen2(f, "trajectories", H5P_DEFAULT);
    assert_true(g >= 0);
    H5G_info_t info;
    assert_true(H5Gget_info(g, &info) >= 0);
    assert_int_equal(info.nlinks, BMC_TRAJ_COUNT + BMC_TRAJ_CAT_COUNT);
    hsize_t dims[3] = {N_SCEN, N_MONTH, N_CAT};
    for (int k = 0; k < BMC_TRAJ_COUNT; k++) {
        double v[N_SCEN][N_MONTH];
        read_numeric(g, bmc_traj_name(k), H5T_FLOAT, 8, 2, dims, H5T_NATIVE_DOUBLE, v);
        for (int s = 0; s < N_SCEN; s++)
            for (int m = 0; m < N_MONTH; m++)
                assert_true(v[s][m] == traj_value(k, s, m));
        assert_compressed(g, bmc_traj_name(k));
    }
    for (int k = 0; k < BMC_TRAJ_CAT_COUNT; k++) {
        double v[N_SCEN][N_MONTH][N_CAT];
        read_numeric(g, bmc_traj_cat_name(k), H5T_FLOAT, 8, 3, dims, H5T_NATIVE_DOUBLE, v);
        for (int s = 0; s < N_SCEN; s++)
            for (int m = 0; m < N_MONTH; m++)
                for (int c = 0; c < N_CAT; c++)
                    assert_true(v[s][m][c] == traj_cat_value(k, s, m, c));
        assert_compressed(g, bmc_traj_cat_name(k));
        hid_t d = H5Dopen2(g, bmc_traj_cat_name(k), H5P_DEFAULT);
        assert_categories_attr(d, l);
        H5Dclose(d);
    }
    H5Gclose(g);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void test_traj_names(void **state)
{
    (void)state;
    const char *expected[BMC_TRAJ_COUNT] = {
        "grants", "rejections", "voorfase_attended", "hearings", "new_arrivals",
        "new_decisions", "new_on_time", "new_open", "officer_days_offered",
        "officer_days_used", "triage", "withdrawn", "remand_decisions", "nareis", "appeals"};
    for (int k = 0; k < BMC_TRAJ_COUNT; k++)
        assert_string_equal(bmc_traj_name(k), expected[k]);
    assert_string_equal(bmc_traj_cat_name(BMC_TRAJ_OLD_OPEN), "old_open");
    assert_string_equal(bmc_traj_cat_name(BMC_TRAJ_OLD_DECISIONS), "old_decisions");
    assert_null(bmc_traj_name(BMC_TRAJ_COUNT));
    assert_null(bmc_traj_cat_name(BMC_TRAJ_CAT_COUNT));
}

static void test_block_alloc(void **state)
{
    fixture *fx = *state;
    bmc_result_block *b = bmc_result_block_alloc(&fx->layout, 4);
    assert_non_null(b);
    assert_int_equal(b->capacity, 4);
    assert_int_equal(b->count, 0);
    for (int k = 0; k < BMC_TRAJ_COUNT; k++)
        assert_non_null(b->traj[k]);
    b->traj_cat[BMC_TRAJ_OLD_OPEN][4 * N_MONTH * N_CAT - 1] = 5.0;
    b->traj[BMC_TRAJ_TRIAGE][0] = 1.0;
    b->completion_day[0] = 42;
    bmc_result_block_reset(b, 8);
    assert_int_equal(b->first_scenario, 8);
    assert_true(b->traj_cat[BMC_TRAJ_OLD_OPEN][4 * N_MONTH * N_CAT - 1] == 0.0);
    assert_true(b->traj[BMC_TRAJ_TRIAGE][0] == 0.0);
    bmc_result_block_free(b);

    bmc_layout small = fx->layout;
    small.trajectories = false;
    small.n_params = 0;
    b = bmc_result_block_alloc(&small, 3);
    assert_non_null(b);
    for (int k = 0; k < BMC_TRAJ_COUNT; k++)
        assert_null(b->traj[k]);
    assert_null(b->traj_cat[0]);
    bmc_result_block_reset(b, 0);
    bmc_result_block_free(b);
    bmc_result_block_free(NULL);

    small.n_categories = BMC_MAX_CATEGORIES + 1;
    assert_null(bmc_result_block_alloc(&small, 3));
    assert_null(bmc_result_block_alloc(NULL, 3));
}

static void test_write_and_read_back(void **state)
{
    fixture *fx = *state;
    bmc_err err = {""};
    bmc_h5out *h = NULL;
    assert_int_equal(bmc_h5out_open(fx->path, &fx->layout, &fx->meta, &h, &err), BMC_OK);
    bmc_result_block *b = bmc_result_block_alloc(&fx->layout, 4);
    assert_non_null(b);
    for (int first = 0; first < N_SCEN; first += 4) {
        fill_block(b, first, N_SCEN - first < 4 ? N_SCEN - first : 4);
        assert_int_equal(bmc_h5out_append(h, b, &err), BMC_OK);
    }
    bmc_result_block_free(b);

    /* before commit: only the temporary file, next to the final path */
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", fx->path, (long)getpid());
    assert_int_equal(access(tmp, F_OK), 0);
    assert_int_not_equal(access(fx->path, F_OK), 0);

    assert_int_equal(bmc_h5out_commit(h, &err), BMC_OK);
    assert_int_not_equal(access(tmp, F_OK), 0);
    char names[4][256];
    assert_int_equal(count_files(fx->dir, names, 4), 1);
    assert_string_equal(names[0], "results.h5");

    hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    check_root(f, fx);
    check_config(f);
    check_calendar(f, fx);
    char cats[N_CAT][256];
    read_string_dataset(f, "/categories/names", cats, N_CAT, NULL);
    for (int c = 0; c < N_CAT; c++)
        assert_string_equal(cats[c], fx->layout.category_names[c]);
    check_scenarios(f, &fx->layout);
    check_trajectories(f, &fx->layout);
    assert_int_equal(H5Fget_obj_count(f, H5F_OBJ_ALL), 1); /* the checks leak nothing */
    H5Fclose(f);
}

typedef struct compare_ctx {
    hid_t other; /* the second file */
    int datasets;
} compare_ctx;

/* Compares every dataset of a with the same path in the other file, byte for byte. */
static herr_t compare_object(hid_t a, const char *name, const H5O_info_t *info, void *data)
{
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    compare_ctx *ctx = data;
    hid_t fb = ctx->other;
    hid_t da = H5Dopen2(a, name, H5P_DEFAULT), db = H5Dopen2(fb, name, H5P_DEFAULT);
    if (db < 0)
        fail_msg("dataset %s missing from the second file", name);
    hid_t ta = H5Dget_type(da), tb = H5Dget_type(db);
    assert_true(H5Tequal(ta, tb) > 0);
    hid_t sa = H5Dget_space(da), sb = H5Dget_space(db);
    assert_true(H5Sextent_equal(sa, sb) > 0);
    hssize_t n = H5Sget_simple_extent_npoints(sa);
    if (H5Tis_variable_str(ta) > 0) {
        assert_int_equal(n, 1);
        char *va = NULL, *vb = NULL;
        read_dataset_all(da, ta, &va);
        read_dataset_all(db, tb, &vb);
        assert_string_equal(va, vb);
        H5free_memory(va);
        H5free_memory(vb);
    } else {
        size_t bytes = (size_t)n * H5Tget_size(ta);
        unsigned char *ba = calloc(bytes + 1, 1), *bb = calloc(bytes + 1, 1);
        assert_true(ba && bb);
        read_dataset_all(da, ta, ba);
        read_dataset_all(db, tb, bb);
        if (memcmp(ba, bb, bytes))
            fail_msg("dataset %s differs", name);
        free(ba);
        free(bb);
    }
    H5Sclose(sa);
    H5Sclose(sb);
    H5Tclose(ta);
    H5Tclose(tb);
    H5Dclose(da);
    H5Dclose(db);
    ctx->datasets++;
    return 0;
}

/* The same inputs written in different block sizes give identical datasets. */
static void test_deterministic(void **state)
{
    fixture *fx = *state;
    char pa[160], pb[160];
    snprintf(pa, sizeof pa, "%s/a.h5", fx->dir);
    snprintf(pb, sizeof pb, "%s/b.h5", fx->dir);
    write_file(fx, pa, 3);
    write_file(fx, pb, N_SCEN);
    hid_t fa = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT);
    compare_ctx ctx = {H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT), 0};
    assert_true(fa >= 0 && ctx.other >= 0);
    assert_true(H5Ovisit(fa, H5_INDEX_NAME, H5_ITER_INC, compare_object, &ctx) >= 0);
    /* config, calendar 3, names, scenarios 13 + 2 params, trajectories */
    assert_int_equal(ctx.datasets, 1 + 3 + 1 + 13 + N_PARAM + BMC_TRAJ_COUNT + BMC_TRAJ_CAT_COUNT);
    H5Fclose(fa);
    H5Fclose(ctx.other);
}

static void test_no_trajectories(void **state)
{
    fixture *fx = *state;
    fx->layout.trajectories = false;
    write_file(fx, fx->path, 4);
    hid_t f = H5Fopen(fx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_int_equal(H5Lexists(f, "trajectories", H5P_DEFAULT), 0);
    check_scenarios(f, &fx->layout);
    H5Fclose(f);
}

static void test_abort_leaves_nothing(void **state)
{
    fixture *fx = *state;
    bmc_err err = {""};
    bmc_h5out *h = NULL;
    id_counts ids = count_ids();
    assert_int_equal(bmc_h5out_open(fx->path, &fx->layout, &fx->meta, &h, &err), BMC_OK);
    bmc_result_block *b = bmc_result_block_alloc(&fx->layout, 4);
    fill_block(b, 0, 4);
    assert_int_equal(bmc_h5out_append(h, b, &err), BMC_OK);
    bmc_result_block_free(b);
    char names[4][256];
    assert_int_equal(count_files(fx->dir, names, 4), 1);
    bmc_h5out_abort(h);
    assert_int_equal(count_files(fx->dir, names, 4), 0);
    assert_no_new_ids(ids);
    bmc_h5out_abort(NULL);
}

static void test_unwritable_path(void **state)
{
    fixture *fx = *state;
    bmc_err err = {""};
    bmc_h5out *h = (bmc_h5out *)fx; /* must be reset to NULL */
    id_counts ids = count_ids();
    int rc = bmc_h5out_open("/nonexistent-dir/x.h5", &fx->layout, &fx->meta, &h, &err);
    assert_int_equal(rc, BMC_EIO);
    assert_null(h);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.h5"));
    assert_non_null(strstr(err.msg, "No such file or directory"));
    assert_null(strchr(err.msg, '\n'));

    /* a directory where the file should go */
    rc = bmc_h5out_open(fx->dir, &fx->layout, &fx->meta, &h, &err);
    assert_int_equal(rc, BMC_EIO);
    assert_non_null(strstr(err.msg, fx->dir));
    char names[4][256];
    assert_int_equal(count_files(fx->dir, names, 4), 0);
    assert_no_new_ids(ids);
}

static void test_missing_rows(void **state)
{
    fixture *fx = *state;
    bmc_err err = {""};
    bmc_h5out *h = NULL;
    assert_int_equal(bmc_h5out_open(fx->path, &fx->layout, &fx->meta, &h, &err), BMC_OK);
    bmc_result_block *b = bmc_result_block_alloc(&fx->layout, 4);
    fill_block(b, 0, 4);
    assert_int_equal(bmc_h5out_append(h, b, &err), BMC_OK);
    id_counts ids = count_ids();
    int rc = bmc_h5out_commit(h, &err);
    assert_int_not_equal(rc, BMC_OK);
    assert_non_null(strstr(err.msg, "4 of 10"));
    char names[4][256];
    assert_int_equal(count_files(fx->dir, names, 4), 0);
    /* the writer's ids are gone too: its file and the datasets it kept open */
    id_counts after = count_ids();
    assert_int_equal(after.n[0], ids.n[0] - 1);
    assert_int_equal(after.n[1], ids.n[1]);
    assert_int_equal(after.n[2], ids.n[2] - (13 + N_PARAM + BMC_TRAJ_COUNT + BMC_TRAJ_CAT_COUNT));
    assert_int_equal(after.n[3], ids.n[3]);
    bmc_result_block_free(b);
}

static void test_bad_blocks(void **state)
{
    fixture *fx = *state;
    bmc_err err = {""};
    bmc_h5out *h = NULL;
    assert_int_equal(bmc_h5out_open(fx->path, &fx->layout, &fx->meta, &h, &err), BMC_OK);
    bmc_result_block *b = bmc_result_block_alloc(&fx->layout, 4);
    fill_block(b, 4, 4); /* a gap: scenarios 0..3 never came */
    assert_int_equal(bmc_h5out_append(h, b, &err), BMC_EINTERNAL);
    assert_non_null(strstr(err.msg, "expected scenario 0"));

    bmc_layout other = fx->layout;
    other.n_months = N_MONTH + 1;
    bmc_result_block *ob = bmc_result_block_alloc(&other, 4);
    fill_block(ob, 0, 4);
    assert_int_equal(bmc_h5out_append(h, ob, &err), BMC_EINTERNAL);

    /* more scenarios than announced */
    bmc_result_block *big = bmc_result_block_alloc(&fx->layout, N_SCEN + 1);
    fill_block(big, 0, N_SCEN + 1);
    assert_int_equal(bmc_h5out_append(h, big, &err), BMC_EINTERNAL);

    bmc_h5out_abort(h);
    bmc_result_block_free(b);
    bmc_result_block_free(ob);
    bmc_result_block_free(big);
    char names[4][256];
    assert_int_equal(count_files(fx->dir, names, 4), 0);
}

static void test_bad_param_name(void **state)
{
    fixture *fx = *state;
    bmc_err err = {""};
    bmc_h5out *h = NULL;
    snprintf(fx->layout.param_names[1], BMC_NAME_LEN, "staff/fte");
    assert_int_equal(bmc_h5out_open(fx->path, &fx->layout, &fx->meta, &h, &err), BMC_ECONFIG);
    assert_null(h);
    assert_non_null(strstr(err.msg, "staff/fte"));
    snprintf(fx->layout.param_names[1], BMC_NAME_LEN, "%s", fx->layout.param_names[0]);
    assert_int_equal(bmc_h5out_open(fx->path, &fx->layout, &fx->meta, &h, &err), BMC_ECONFIG);
    char names[4][256];
    assert_int_equal(count_files(fx->dir, names, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traj_names),
        cmocka_unit_test_setup_teardown(test_block_alloc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_trajectories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_param_name, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
