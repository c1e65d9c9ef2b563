/* End to end through the executable: run writes a self-describing HDF5 file; the same seed
 * gives bit-identical datasets for 1 and 2 threads; bad input gets one clear line and the
 * documented exit code, and never an output file. */
#include "testutil.h"

#include <hdf5.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5out.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    return tu_tmpdir_make(tmpdir, sizeof tmpdir, "cli");
}

static int teardown(void **state)
{
    (void)state;
    return tu_tmpdir_remove(tmpdir);
}

/* Runs the backlogmc binary with args (a shell fragment); returns its exit code and leaves
 * stdout / stderr in tmpdir/out and tmpdir/err. */
static int bmc(const char *args)
{
    const char *bin = getenv("BACKLOGMC_BIN");
    assert_non_null(bin);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >'%s/out' 2>'%s/err'", tu_source_dir(), bin,
             args, tmpdir, tmpdir);
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static char *slurp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void read_attr_string(hid_t obj, const char *name, char *buf, size_t n)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    if (H5Tis_variable_str(t) > 0) {
        char *s = NULL;
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        assert_true(H5Aread(a, mt, &s) >= 0);
        snprintf(buf, n, "%s", s);
        H5free_memory(s);
        H5Tclose(mt);
    } else {
        size_t sz = H5Tget_size(t);
        char *tmp = calloc(sz + 1, 1);
        assert_true(H5Aread(a, t, tmp) >= 0);
        snprintf(buf, n, "%s", tmp);
        free(tmp);
    }
    H5Tclose(t);
    H5Aclose(a);
}

/* Reads a whole dataset as raw bytes of its own type. */
static void *read_raw(hid_t f, const char *name, size_t *bytes, int *rank, hsize_t *dims)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t s = H5Dget_space(d), t = H5Dget_type(d);
    *rank = H5Sget_simple_extent_dims(s, dims, NULL);
    size_t n = (size_t)H5Sget_simple_extent_npoints(s) * H5Tget_size(t);
    void *buf = malloc(n ? n : 1);
    assert_true(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    *bytes = n;
    H5Tclose(t);
    H5Sclose(s);
    H5Dclose(d);
    return buf;
}

static void test_run_writes_schema(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(path, sizeof path, "%s/a.h5", tmpdir);
    snprintf(args, sizeof args,
             "run tests/data/models/single.yaml --scenarios 50 --seed 9 --threads 1 "
             "--trajectories --quiet --out '%s'",
             path);
    assert_int_equal(bmc(args), 0);
    assert_non_null(strstr(slurp("out"), "median completion"));
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    char s[256];
    read_attr_string(f, "format", s, sizeof s);
    assert_string_equal(s, BMC_H5_FORMAT);
    read_attr_string(f, "day0", s, sizeof s);
    assert_string_equal(s, "2026-04-01");
    long long n = 0, version = 0;
    unsigned long long seed = 0;
    hid_t a = H5Aopen(f, "n_scenarios", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_LLONG, &n);
    H5Aclose(a);
    a = H5Aopen(f, "schema_version", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_LLONG, &version);
    H5Aclose(a);
    a = H5Aopen(f, "master_seed", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_ULLONG, &seed);
    H5Aclose(a);
    assert_int_equal(n, 50);
    assert_int_equal(version, BMC_H5_SCHEMA_VERSION);
    assert_int_equal(seed, 9);
    const char *one_d[] = {"/scenarios/completion_day", "/scenarios/p90_day",
                           "/scenarios/p95_day", "/scenarios/p99_day",
                           "/scenarios/decided_share_at_target", "/scenarios/new_on_time_share",
                           "/scenarios/triage_days", "/scenarios/first_triage_day",
                           "/scenarios/grant_rate"};
    for (size_t i = 0; i < sizeof one_d / sizeof one_d[0]; i++) {
        size_t bytes;
        int rank;
        hsize_t dims[3];
        free(read_raw(f, one_d[i], &bytes, &rank, dims));
        assert_int_equal(rank, 1);
        assert_int_equal(dims[0], 50);
    }
    size_t bytes;
    int rank;
    hsize_t dims[3];
    int32_t *cat = read_raw(f, "/scenarios/category_completion_day", &bytes, &rank, dims);
    assert_int_equal(rank, 2);
    assert_int_equal(dims[0], 50);
    assert_int_equal(dims[1], 1);
    int32_t *done = read_raw(f, "/scenarios/completion_day", &bytes, &rank, dims);
    for (int i = 0; i < 50; i++) /* one category: it completes when everything does */
        assert_int_equal(cat[i], done[i]);
    free(cat);
    free(done);
    double *open = read_raw(f, "/trajectories/old_open", &bytes, &rank, dims);
    assert_int_equal(rank, 3);
    assert_int_equal(dims[0], 50);
    assert_int_equal(dims[1], 33); /* 2026-04 .. 2028-12 */
    assert_int_equal(dims[2], 1);
    assert_float_equal(open[32], 0, 0); /* all 500 decided long before the horizon */
    free(open);
    char *text = NULL;
    hid_t d = H5Dopen2(f, "/config/text", H5P_DEFAULT);
    assert_true(d >= 0);
    H5Dclose(d);
    (void)text;
    H5Fclose(f);
}

static void test_threads_bit_identical(void **state)
{
    (void)state;
    char args[1024], p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/t1.h5", tmpdir);
    snprintf(p2, sizeof p2, "%s/t2.h5", tmpdir);
    snprintf(args, sizeof args,
             "run configs/baseline.yaml --scenarios 64 --threads 1 --quiet --out '%s'", p1);
    assert_int_equal(bmc(args), 0);
    snprintf(args, sizeof args,
             "run configs/baseline.yaml --scenarios 64 --threads 2 --quiet --out '%s'", p2);
    assert_int_equal(bmc(args), 0);
    hid_t f1 = H5Fopen(p1, H5F_ACC_RDONLY, H5P_DEFAULT), f2 = H5Fopen(p2, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f1 >= 0 && f2 >= 0);
    const char *names[] = {"/scenarios/completion_day", "/scenarios/p90_day",
                           "/scenarios/decided_share_at_target", "/scenarios/new_on_time_share",
                           "/scenarios/grant_rate", "/scenarios/category_completion_day",
                           "/scenarios/params/intake.annual_level",
                           "/scenarios/params/A.approach.hearings_factor"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t b1, b2;
        int r1, r2;
        hsize_t d1[3], d2[3];
        void *x = read_raw(f1, names[i], &b1, &r1, d1);
        void *y = read_raw(f2, names[i], &b2, &r2, d2);
        assert_int_equal(b1, b2);
        assert_memory_equal(x, y, b1);
        free(x);
        free(y);
    }
    H5Fclose(f1);
    H5Fclose(f2);
}

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_config_error_exit(void **state)
{
    (void)state;
    /* the baseline with one value broken on a known line */
    char args[1024], out[512];
    snprintf(args, sizeof args,
             "check configs/baseline.yaml --set staff.availability=1.5");
    assert_int_equal(bmc(args), 3);
    char *err = slurp("err");
    assert_non_null(strstr(err, "staff.availability"));
    assert_non_null(strstr(err, "--set"));

    write_file("bad.yaml", "time:\n  start_date: 2026-04-01\n  horizon_date: 2026-02-30\n");
    snprintf(out, sizeof out, "%s/never.h5", tmpdir);
    snprintf(args, sizeof args, "run '%s/bad.yaml' --out '%s'", tmpdir, out);
    assert_int_equal(bmc(args), 3);
    err = slurp("err");
    char want[512];
    snprintf(want, sizeof want, "%s/bad.yaml:3:", tmpdir);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "time.horizon_date"));
    assert_false(exists(out));
    /* one line */
    assert_true(strchr(err, '\n') == err + strlen(err) - 1);
}

static void test_io_errors(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "run '%s/missing.yaml'", tmpdir);
    assert_int_equal(bmc(args), 4);
    assert_non_null(strstr(slurp("err"), "missing.yaml"));

    snprintf(args, sizeof args,
             "run tests/data/models/single.yaml --scenarios 5 --quiet --out '%s/no/such/dir/x.h5'",
             tmpdir);
    assert_int_equal(bmc(args), 4);
    assert_non_null(strstr(slurp("err"), "no/such/dir"));
}

static void test_usage(void **state)
{
    (void)state;
    assert_int_equal(bmc("--help"), 0);
    assert_non_null(strstr(slurp("out"), "exit codes"));
    assert_int_equal(bmc("version"), 0);
    assert_non_null(strstr(slurp("out"), "backlogmc"));
    assert_int_equal(bmc("frobnicate"), 2);
    assert_int_equal(bmc("run configs/baseline.yaml --scenarios ten"), 2);
    assert_non_null(strstr(slurp("err"), "--scenarios"));
    assert_int_equal(bmc("run"), 2);
    assert_int_equal(bmc("check configs/baseline.yaml"), 0);
    assert_non_null(strstr(slurp("out"), "central projection"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_writes_schema),
        cmocka_unit_test(test_threads_bit_identical),
        cmocka_unit_test(test_config_error_exit),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
