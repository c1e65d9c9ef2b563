/* Every kind of configuration error names file:line:col and the key path. Each case edits
 * one line of configs/baseline.yaml, writes it to a temporary file, and checks the message
 * points at the edited line. */
#include "testutil.h"

#include <unistd.h>

static char dir[256];
static char *baseline;

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bmc-config-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char path[4096];
    tu_path(path, sizeof path, "configs/baseline.yaml");
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    baseline = calloc(1, 1 << 20);
    size_t n = fread(baseline, 1, (1 << 20) - 1, f);
    baseline[n] = '\0';
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    free(baseline);
    return system(cmd) == 0 ? 0 : -1;
}

/* The baseline with the first occurrence of from replaced by to, written to dir/name;
 * *line is the 1-based line where the replacement starts. */
static void write_variant(const char *name, const char *from, const char *to, int *line,
                          char *path, size_t pn)
{
    const char *at = strstr(baseline, from);
    assert_non_null(at);
    *line = 1;
    for (const char *p = baseline; p < at; p++)
        *line += *p == '\n';
    snprintf(path, pn, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fwrite(baseline, 1, (size_t)(at - baseline), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
}

static int load(const char *path, const char *set, bmc_err *err)
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
static void expect(const char *from, const char *to, int line_offset, int col, const char *key,
                   const char *words)
{
    char path[512], prefix[600];
    int line;
    bmc_err err = {{0}};
    write_variant("case.yaml", from, to, &line, path, sizeof path);
    assert_int_equal(load(path, NULL, &err), BMC_ECONFIG);
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
    int rc = load(path, NULL, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
}

static void test_errors_point_at_the_value(void **state)
{
    (void)state;
    /* YAML syntax */
    expect("  fte: 307", "  fte: 307: 5", 0, 0, NULL, NULL);
    /* wrong type, out of range, map where a number belongs */
    expect("  fte: 307", "  fte: many", 0, 8, "staff.fte", "expected a number");
    expect("  availability: 0.85 ", "  availability: 1.5 ", 0, 17, "staff.availability",
           "[1e-06, 1]");
    expect("  availability: 0.85 ", "  availability: {a: 1} ", 0, 17, "staff.availability",
           "single value");
    /* unknown keys: top level, nested, inside a list item */
    expect("staff:\n", "colour: blue\nstaff:\n", 0, 1, "colour", "unknown key");
    expect("  fte_factor: 1", "  fte_factr: 1", 0, 3, "staff.fte_factr", "unknown key");
    expect("deadline_days: 183,", "deadline_days: 183, speed: 2,", 0, 0,
           "intake.tracks[0].speed", "unknown key");
    /* duplicate key */
    expect("  fte: 307\n", "  fte: 307\n  fte: 300\n", 1, 3, NULL, "duplicate key");
    /* bad date, dates out of order */
    expect("  pact_date: 2026-06-12", "  pact_date: 2026-06-31", 0, 14, "time.pact_date",
           "YYYY-MM-DD");
    expect("  target_date: 2029-06-12", "  target_date: 2026-01-01", 0, 16, "time.target_date",
           "between");
    /* shares that do not sum to 1 */
    expect("share: 0.8,", "share: 0.7,", 0, 0, "intake.tracks", "sum to 1");
    /* schedule points out of order */
    expect("  fte: 307", "  fte: {points: [[2027-01-01, 300], [2026-01-01, 310]]}", 0, 0,
           "staff.fte.points[1]", "increasing");
    /* a distribution with its mode outside [min, max] */
    expect("mode: 0.9,", "mode: 1.2,", 0, 0, "hearings_factor.mode", "outside");
    /* an unknown holiday name */
    expect("[new_year,", "[new_years,", 0, 0, "time.holidays[0]", "unknown holiday");
    /* enum: approach_start neither a date nor never */
    expect("approach_start: never    # seed: regular", "approach_start: later", 0, 0,
           "old_cases.categories[0].approach_start", "YYYY-MM-DD");
}

static void test_missing_key(void **state)
{
    (void)state;
    char path[512];
    int line;
    bmc_err err = {{0}};
    write_variant("missing.yaml", "  availability: 0.85", "  #", &line, path, sizeof path);
    assert_int_equal(load(path, NULL, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "staff.availability: missing required key"));
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:", path);
    assert_int_equal(strncmp(err.msg, prefix, strlen(prefix)), 0);
}

static void test_set_overrides(void **state)
{
    (void)state;
    char path[4096];
    bmc_err err = {{0}};
    tu_path(path, sizeof path, "configs/baseline.yaml");
    assert_int_equal(load(path, "staff.availability=2", &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "--set staff.availability=2: staff.availability:"));
    assert_int_equal(load(path, "staff.availabilty=0.8", &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "unknown key"));
    assert_int_equal(load(path, "staff.nothing.deeper=1", &err), BMC_EUSAGE);
    assert_int_equal(load(path, "no-equals-sign", &err), BMC_EUSAGE);
    assert_int_equal(load(path, "old_cases.categories[99].initial=1", &err), BMC_EUSAGE);
    assert_int_equal(load(path, "intake.tracks[0].share=0.7", &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "sum to 1"));
    /* a valid override changes the value */
    bmc_cfg *cfg = NULL;
    bmc_params p;
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "old_cases.categories[1].grant_rate={dist: uniform, "
                                        "min: 0.1, max: 0.2}", &err), BMC_OK);
    assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_OK);
    assert_int_equal(p.cat[1].grant_rate.kind, BMC_DIST_UNIFORM);
    cfg_free(cfg);
}

static void test_base_inheritance(void **state)
{
    (void)state;
    char base[4096], child[512], text[8192];
    bmc_err err = {{0}};
    tu_path(base, sizeof base, "configs/baseline.yaml");
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    snprintf(text, sizeof text, "base: %s\nstaff:\n  fte: 400\n", base);
    FILE *f = fopen(child, "w");
    fputs(text, f);
    fclose(f);
    bmc_cfg *cfg = NULL;
    bmc_params p;
    assert_int_equal(cfg_load_file(child, &cfg, &err), BMC_OK);
    assert_int_equal(bmc_params_load(cfg, &p, &err), BMC_OK);
    assert_float_equal(p.fte.value[0], 400, 0);
    assert_float_equal(p.availability, 0.85, 0); /* inherited */
    cfg_free(cfg);
    /* an error in the child points into the child */
    snprintf(text, sizeof text, "base: %s\nstaff:\n  fte: -1\n", base);
    f = fopen(child, "w");
    fputs(text, f);
    fclose(f);
    assert_int_equal(load(child, NULL, &err), BMC_ECONFIG);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:3:8: staff.fte", child);
    assert_int_equal(strncmp(err.msg, prefix, strlen(prefix)), 0);
    /* a file that is its own base */
    snprintf(text, sizeof text, "base: child.yaml\n");
    f = fopen(child, "w");
    fputs(text, f);
    fclose(f);
    assert_int_equal(load(child, NULL, &err), BMC_ECONFIG);
    assert_non_null(strstr(err.msg, "own base"));
    /* a missing base */
    snprintf(text, sizeof text, "base: nowhere.yaml\n");
    f = fopen(child, "w");
    fputs(text, f);
    fclose(f);
    assert_int_not_equal(load(child, NULL, &err), BMC_OK);
    assert_non_null(strstr(err.msg, "nowhere.yaml"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_is_valid),
        cmocka_unit_test(test_errors_point_at_the_value),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_set_overrides),
        cmocka_unit_test(test_base_inheritance),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
