/* `backlogmc summary` end to end: the tables of a known file, without and with two policy
 * variants, against golden files (set BACKLOGMC_UPDATE_GOLDEN=1 to rewrite them after a
 * deliberate change), a file without /summary refused (it is part of the schema),
 * variants that cannot be read reported without failing, and one clear line and exit code 4
 * for files it must refuse. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "h5out.h"
#include "summary_h5.h"

#include "summary_known.h"
#include "testutil.h"

#define GOLDEN "tests/data/summary/known.txt"
#define GOLDEN_VARIANTS "tests/data/summary/known-variants.txt"

static char tmpdir[64];
static bmc_calendar *cal;

static int setup(void **state)
{
    (void)state;
    cal = bmc_calendar_create(day0(), day0() + NDAYS - 1, NULL, NULL, NULL, 0);
    return tu_tmpdir_make(tmpdir, sizeof tmpdir, "sumcli") == 0 && cal ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bmc_calendar_free(cal);
    return tu_tmpdir_remove(tmpdir);
}

static const char *source_dir(void)
{
    const char *d = getenv("BACKLOGMC_SOURCE_DIR");
    return d ? d : ".";
}

/* Runs backlogmc in tmpdir (so the file name in the output does not depend on it); returns
 * the exit code, stdout and stderr are in tmpdir/out and tmpdir/err. */
static int bmc(const char *args)
{
    const char *bin = getenv("BACKLOGMC_BIN");
    assert_non_null(bin);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >out 2>err", tmpdir, bin, args);
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

static char *slurp_tmp(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    char *s = slurp(path);
    assert_non_null(s);
    return s;
}

static void set_attr_string(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    if (H5Aexists(obj, name) > 0)
        H5Adelete(obj, name);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, t, &value) >= 0);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

enum known_variants {
    NO_VARIANTS,
    VARIANTS,        /* "slower" and "mixed", listed in the attribute names */
    VARIANTS_ODD,    /* the same without names, one that cannot be read, one malformed */
};

/* The known file with fixed provenance and the variants asked for. */
static void make_known(const char *name, bool with_summary, enum known_variants variants)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    write_results(cal, path, with_summary, false);
    if (variants != NO_VARIANTS)
        add_known_variants(path, variants == VARIANTS);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    set_attr_string(f, "created", "2026-01-02T03:04:05Z");
    set_attr_string(f, "git_commit", "0123abc");
    set_attr_string(f, "engine_version", "9.9.9");
    if (variants == VARIANTS_ODD) {
        /* a variant in a layout this engine cannot read, without a paired comparison */
        hid_t g = H5Gcreate2(f, "/variants/unknown", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Gclose(g);
        /* counts that do not add up */
        g = H5Gopen2(f, "/variants/slower/paired", H5P_DEFAULT);
        int64_t later = 9;
        hid_t a = H5Aopen(g, "later", H5P_DEFAULT);
        assert_true(H5Awrite(a, H5T_NATIVE_INT64, &later) >= 0);
        H5Aclose(a);
        H5Gclose(g);
    }
    H5Fclose(f);
}

/* summary of name against the golden file, or rewrites it */
static void check_golden(const char *name, const char *golden_rel)
{
    char args[256], golden[512];
    snprintf(args, sizeof args, "summary %s", name);
    assert_int_equal(bmc(args), 0);
    char *out = slurp_tmp("out");
    char *err = slurp_tmp("err");
    assert_string_equal(err, "");
    free(err);
    snprintf(golden, sizeof golden, "%s/%s", source_dir(), golden_rel);
    const char *update = getenv("BACKLOGMC_UPDATE_GOLDEN");
    if (update && *update == '1') {
        FILE *f = fopen(golden, "wb");
        assert_non_null(f);
        fputs(out, f);
        fclose(f);
    }
    char *want = slurp(golden);
    assert_non_null(want);
    assert_string_equal(out, want);
    free(want);
    free(out);
}

static void test_known_table(void **state)
{
    (void)state;
    make_known("known.h5", true, NO_VARIANTS);
    check_golden("known.h5", GOLDEN);
    char *out = slurp_tmp("out");
    assert_null(strstr(out, "ariant"));
    free(out);
}

static void test_variants_table(void **state)
{
    (void)state;
    make_known("known.h5", true, VARIANTS);
    check_golden("known.h5", GOLDEN_VARIANTS);
    /* everything above the variants is the table of the file without them */
    char *out = slurp_tmp("out"), path[512];
    snprintf(path, sizeof path, "%s/%s", source_dir(), GOLDEN);
    char *plain = slurp(path);
    assert_non_null(plain);
    assert_true(strlen(out) > strlen(plain));
    assert_memory_equal(out, plain, strlen(plain));
    assert_string_equal(out + strlen(plain), strstr(out, "\nVariants: median"));
    /* configuration order: slower before mixed in every table */
    const char *a = out;
    for (int table = 0; table < 4; table++) {
        const char *slower = strstr(a, "\n  slower "), *mixed = strstr(a, "\n  mixed ");
        assert_non_null(slower);
        assert_non_null(mixed);
        assert_true(slower < mixed);
        a = mixed + 1;
    }
    assert_null(strstr(a, "\n  slower "));
    free(plain);
    free(out);
}

/* No attribute names: the groups by name. A variant without anything is reported, and so is
 * a paired comparison whose counts do not add up; the rest is still printed. */
static void test_variants_unreadable(void **state)
{
    (void)state;
    make_known("odd.h5", true, VARIANTS_ODD);
    assert_int_equal(bmc("summary odd.h5"), 0);
    char *out = slurp_tmp("out"), *err = slurp_tmp("err");
    assert_string_equal(err, "");
    const char *mixed = strstr(out, "\n  mixed "), *slower = strstr(out, "\n  slower ");
    assert_non_null(mixed);
    assert_true(mixed < slower); /* by name */
    assert_non_null(strstr(out, "  variant not summarised: odd.h5: no /variants/unknown/"
                                "summary (the file is damaged or incomplete)\n"));
    assert_non_null(strstr(out, "  unknown                  no paired comparison in the file"));
    assert_non_null(strstr(out, "  slower                   no paired comparison in the file"));
    assert_non_null(strstr(out, "  paired comparison not read: odd.h5: /variants/slower/"
                                "paired: the counts do not add up"));
    /* mixed is whole */
    assert_non_null(strstr(out, "\n  mixed                            2        6        2"));
    free(out);
    free(err);
}

static void assert_refused(const char *args, int code, const char *needle)
{
    assert_int_equal(bmc(args), code);
    char *err = slurp_tmp("err"), *out = slurp_tmp("out");
    assert_string_equal(out, "");
    if (!strstr(err, needle))
        fail_msg("stderr \"%s\" lacks \"%s\"", err, needle);
    char *nl = strchr(err, '\n');
    assert_non_null(nl);
    assert_string_equal(nl + 1, ""); /* exactly one line */
    free(err);
    free(out);
}

static void test_refusals(void **state)
{
    (void)state;
    char path[128];
    assert_refused("summary missing.h5", 4, "missing.h5: cannot open: No such file");
    snprintf(path, sizeof path, "%s/text.h5", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("hello\n", f);
    fclose(f);
    assert_refused("summary text.h5", 4, "text.h5: not an HDF5 file");
    /* another program's HDF5 file */
    snprintf(path, sizeof path, "%s/other.h5", tmpdir);
    hid_t h = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    set_attr_string(h, "format", "openmc-statepoint");
    H5Fclose(h);
    assert_refused("summary other.h5", 4, "not a backlogmc results file");
    /* a later schema, and an earlier one (written by model version 1) */
    const int32_t versions[2] = {BMC_H5_SCHEMA_VERSION + 1, BMC_H5_SCHEMA_VERSION - 1};
    const char *why[2] = {"results schema version 3; this backlogmc reads version 2",
                          "results schema version 1 was written by an older backlogmc; this one "
                          "reads version 2: run the forecast again"};
    for (int k = 0; k < 2; k++) {
        make_known("vx.h5", true, NO_VARIANTS);
        snprintf(path, sizeof path, "%s/vx.h5", tmpdir);
        h = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        hid_t a = H5Aopen(h, "schema_version", H5P_DEFAULT);
        assert_true(H5Awrite(a, H5T_NATIVE_INT32, &versions[k]) >= 0);
        H5Aclose(a);
        H5Fclose(h);
        assert_refused("summary vx.h5", 4, why[k]);
    }
    assert_refused("summary .", 4, "it is a directory");
    /* /summary is part of the schema: a file without it is refused, not recomputed */
    make_known("without.h5", false, NO_VARIANTS);
    assert_refused("summary without.h5", 4, "no /summary (the file is damaged or incomplete)");
    assert_refused("summary", 2, "summary needs one results or backtest FILE.h5");
    assert_refused("summary a.h5 b.h5", 2, "summary needs one results or backtest FILE.h5");
}

int main(void)
{
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_table),
        cmocka_unit_test(test_variants_table),
        cmocka_unit_test(test_variants_unreadable),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
