/* The model's parameter reader (models/params.c) on configs/baseline.yaml: an edited copy of
 * the baseline must be refused at the edited line and column with the key path and a
 * message that says what is wrong, values at the edge of sense included; every shipped
 * configuration loads. */
#include "testutil.h"
#include "variants.h"

#include <dirent.h>
#include <limits.h>
#include <unistd.h>

static char tmpdir[256];
static char *baseline; /* configs/baseline.yaml */

static int setup(void **state)
{
    (void)state;
    char path[4096];
    if (tu_tmpdir_make(tmpdir, sizeof tmpdir, "params") != 0)
        return -1;
    tu_path(path, sizeof path, "configs/baseline.yaml");
    baseline = tu_slurp(path);
    return baseline ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(baseline);
    return tu_tmpdir_remove(tmpdir);
}


/* The baseline with the first occurrence of from replaced by to, written to tmpdir/name;
 * *line is the 1-based line where the replacement starts. */
static void write_variant(const char *name, const char *from, const char *to, int *line,
                          char *path, size_t pn)
{
    const char *at = strstr(baseline, from);
    assert_non_null(at);
    *line = 1;
    for (const char *p = baseline; p < at; p++)
        *line += *p == '\n';
    snprintf(path, pn, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fwrite(baseline, 1, (size_t)(at - baseline), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
}

static int load_params(const char *path, const char *set, bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    bmc_params p;
    int rc = cfg_load_file(path, &cfg, err);
    if (rc == BMC_OK && set)
        rc = cfg_apply_set(cfg, set, err);
    if (rc == BMC_OK)
        rc = bmc_params_load(cfg, &p, err);
    cfg_free(cfg);
    return rc;
}

/* Expects a configuration error at path:line: (and at column col when col > 0) naming key. */
static void expect_baseline(const char *from, const char *to, int line_offset, int col,
                            const char *key, const char *words)
{
    char path[512], prefix[600];
    int line;
    bmc_err err = {{0}};
    write_variant("case.yaml", from, to, &line, path, sizeof path);
    assert_int_equal(load_params(path, NULL, &err), BMC_ECONFIG);
    if (col > 0)
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", path, line + line_offset, col);
    else
        snprintf(prefix, sizeof prefix, "%s:%d:", path, line + line_offset);
    if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || (key && !strstr(err.msg, key)) ||
        (words && !strstr(err.msg, words)))
        fail_msg("replacing \"%s\": got \"%s\", want prefix \"%s\", key %s, words %s", from,
                 err.msg, prefix, key, words);
}

static void test_baseline_is_valid(void **state)
{
    (void)state;
    char path[4096];
    bmc_err err = {{0}};
    tu_path(path, sizeof path, "configs/baseline.yaml");
    int rc = load_params(path, NULL, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
}

static void test_baseline_errors(void **state)
{
    (void)state;
    expect_baseline("  fte: 307", "  fte: 307: 5", 0, 0, NULL, "YAML syntax error");
    expect_baseline("  fte: 307", "  fte: many", 0, 8, "staff.fte", "expected a number");
    expect_baseline("  availability: 0.85 ", "  availability: 1.5 ", 0, 17,
                    "staff.availability", "[1e-06, 1]");
    expect_baseline("  availability: 0.85 ", "  availability: {a: 1} ", 0, 17,
                    "staff.availability", "got a mapping");
    expect_baseline("staff:\n", "colour: blue\nstaff:\n", 0, 1, "colour", "unknown key");
    expect_baseline("  fte_factor: {", "  fte_factr: {", 0, 3, "staff.fte_factr", "unknown key");
    expect_baseline("deadline_days: 183,", "deadline_days: 183, speed: 2,", 0, 0,
                    "intake.tracks[0].speed", "unknown key");
    expect_baseline("  fte: 307\n", "  fte: 307\n  fte: 300\n", 1, 3, NULL, "duplicate key");
    expect_baseline("  pact_date: 2026-06-12", "  pact_date: 2026-06-31", 0, 14,
                    "time.pact_date", "YYYY-MM-DD");
    expect_baseline("  target_date: 2029-06-12", "  target_date: 2026-01-01", 0, 16,
                    "time.target_date", "between");
    expect_baseline("share: 0.8,", "share: 0.7,", 0, 0, "intake.tracks", "sum to 1");
    expect_baseline("  fte: 307", "  fte: {points: [[2027-01-01, 300], [2026-01-01, 310]]}", 0,
                    0, "staff.fte.points[1]", "increasing");
    expect_baseline("mode: 0.9,", "mode: 1.2,", 0, 0, "hearings_factor.mode", "outside");
    expect_baseline("[new_year,", "[new_years,", 0, 0, "time.holidays[0]", "unknown holiday");
    /* values that make no sense at the edge of a key's range */
    expect_baseline("  fte: 307", "  fte: {points: [[2025-01-01, 300], [2025-06-01, 310]]}", 0, 8,
                    "staff.fte", "before start_date 2026-04-01");
    expect_baseline("deadline_days: 91, lead_days: 14,", "deadline_days: 91, lead_days: 92,", 0,
                    0, "intake.tracks[1].lead_days", "longer than deadline_days 91");
    expect_baseline("  negbin_size: 10", "  negbin_size: 0.5", 0, 16, "intake.negbin_size",
                    "[1, 1e+09]");
    expect_baseline("  delay_days: 180", "  delay_days: 0", 0, 15, "remands.delay_days",
                    "[1, 3650]");
    expect_baseline("      priority: true", "      priority: true\n      hold_until_approach: true",
                    1, 28, "hold_until_approach", "priority category");
    expect_baseline("      initial: 3320\n", "      initial: 3320\n      hold_until_approach: true\n", 1, 28,
                    "hold_until_approach", "held for ever");
    expect_baseline("  availability_seasonality: [1, 1,", "  availability_seasonality: [2, 1,",
                    0, 29, "staff.availability_seasonality", "mean 1");
    expect_baseline("{rho: 0.6, tau: 0.05}", "{rho: 1, tau: 0.05}", 0, 0,
                    "staff.availability_deviation.rho", "[0, 0.999]");
    expect_baseline("{rho: 0.6, tau: 0.05}", "{rho: 0.999, tau: 0.05}", 0, 0,
                    "staff.availability_deviation.tau", "stationary sd");
    expect_baseline("{phi: 0.9, sigma: 0.25}", "{phi: 0.9, sigma: 0.5}", 0, 0,
                    "intake.deviation.sigma", "above 1");
}

static void test_baseline_missing_key(void **state)
{
    (void)state;
    char path[512];
    int line;
    bmc_err err = {{0}};
    write_variant("missing.yaml", "  availability: 0.85", "  #", &line, path, sizeof path);
    assert_int_equal(load_params(path, NULL, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "staff.availability: missing required key"));
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:", path);
    assert_int_equal(strncmp(err.msg, prefix, strlen(prefix)), 0);
}

/* check says that the central projection leaves surges out whenever surges are on, also at
 * probability 1 (every month a surge when none runs). */
static void test_surges_noted(void **state)
{
    (void)state;
    char path[4096];
    tu_path(path, sizeof path, "configs/baseline.yaml");
    for (int k = 0; k < 2; k++) {
        bmc_cfg *cfg = NULL;
        bmc_params p;
        bmc_err err = {{0}};
        assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
        if (k == 1)
            assert_int_equal(cfg_apply_set(cfg, "intake.surge={probability: 1, multiplier: 2, "
                                                "months: 3}", &err), BMC_OK);
        assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_OK);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        bmc_params_print(&p, f);
        fclose(f);
        bool noted = strstr(text, "the central projection leaves surges out") != NULL;
        assert_int_equal(noted, k == 1);
        free(text);
        cfg_free(cfg);
    }
}

static void test_baseline_set(void **state)
{
    (void)state;
    char path[4096];
    bmc_err err = {{0}};
    tu_path(path, sizeof path, "configs/baseline.yaml");
    assert_int_equal(load_params(path, "staff.availability=2", &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "--set staff.availability=2: staff.availability:"));
    assert_int_equal(load_params(path, "staff.availabilty=0.8", &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "unknown key"));
    assert_int_equal(load_params(path, "intake.tracks[0].share=0.7", &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "sum to 1"));
    bmc_cfg *cfg = NULL;
    bmc_params p;
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "old_cases.categories[1].grant_rate={dist: uniform, "
                                        "min: 0.1, max: 0.2}", &err), BMC_OK);
    assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_OK);
    assert_int_equal(p.cat[1].grant_rate.kind, BMC_DIST_UNIFORM);
    cfg_free(cfg);
}

static void test_baseline_variants_load(void **state)
{
    (void)state;
    static const char *const variants[] = {"a-one-hearing", "high-intake", "regular-only",
                                           "triage-protect-new", "triage-share"};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char rel[256], path[4096];
        bmc_err err = {{0}};
        snprintf(rel, sizeof rel, "configs/%s.yaml", variants[i]);
        tu_path(path, sizeof path, rel);
        int rc = load_params(path, NULL, &err); /* a missing file fails too */
        if (rc != BMC_OK)
            fail_msg("%s: %s", rel, err.msg);
    }
}

/* A config with its variants: the reference and every variant's document load. */
static int load_all(const char *path, bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    cfg_variant *v = NULL;
    int n = 0;
    bmc_params p;
    int rc = cfg_load_file(path, &cfg, err);
    if (rc == BMC_OK)
        rc = cfg_take_variants(cfg, &v, &n, err);
    if (rc == BMC_OK)
        rc = bmc_params_load(cfg, &p, err);
    for (int i = 0; rc == BMC_OK && i < n; i++)
        rc = bmc_params_load(v[i].cfg, &p, err);
    cfg_variants_free(v, n);
    cfg_free(cfg);
    return rc;
}

/* Every configuration shipped in configs/ loads, with its variants (read from the folder, so
 * a new one is covered without being listed here). */
static void test_every_config_loads(void **state)
{
    (void)state;
    char dir[4096];
    tu_path(dir, sizeof dir, "configs");
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml"))
            continue;
        char path[8192];
        bmc_err err = {{0}};
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (load_all(path, &err) != BMC_OK)
            fail_msg("%s: %s", e->d_name, err.msg);
        n++;
    }
    closedir(d);
    assert_true(n >= 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_is_valid),
        cmocka_unit_test(test_baseline_errors),
        cmocka_unit_test(test_surges_noted),
        cmocka_unit_test(test_baseline_missing_key),
        cmocka_unit_test(test_baseline_set),
        cmocka_unit_test(test_baseline_variants_load),
        cmocka_unit_test(test_every_config_loads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
