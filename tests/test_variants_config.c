/* Policy variants in the configuration (yamlcfg.h cfg_take_variants, run_input.h): the list
 * is taken out of the reference, each override is laid over a copy like a file over its
 * base:, and every mistake is reported at its file, line and key. */
#include "testutil.h"
#include "variants.h"

#include <unistd.h>

#include "run_input.h"

static const char DOC[] = "a: 1\n"                       /* line 1 */
                          "m: {x: 1, y: 2}\n"            /* 2 */
                          "cats:\n"                      /* 3 */
                          "  - {name: A, h: 1}\n"        /* 4 */
                          "  - {name: B, h: 1}\n"        /* 5 */
                          "variants:\n"                  /* 6 */
                          "  - name: one\n"              /* 7 */
                          "    description: first\n"     /* 8 */
                          "    override: {m: {y: 3}}\n"  /* 9 */
                          "  - name: two\n"              /* 10 */
                          "    override:\n"              /* 11 */
                          "      cats:\n"                /* 12 */
                          "        - {name: B, h: 2}\n"; /* 13 */

static long long read_int(bmc_cfg *cfg, const char *map, const char *key)
{
    bmc_err err = {{0}};
    cfg_map root = cfg_root(cfg), m;
    long long v = -1;
    if (map) {
        assert_int_equal(cfg_get_map(&root, map, true, &m, &err), BMC_OK);
        assert_int_equal(cfg_get_int(&m, key, true, 0, 0, 100, &v, &err), BMC_OK);
    } else {
        assert_int_equal(cfg_get_int(&root, key, true, 0, 0, 100, &v, &err), BMC_OK);
    }
    return v;
}

static long long read_cat_h(bmc_cfg *cfg, int i)
{
    bmc_err err = {{0}};
    cfg_map root = cfg_root(cfg), item;
    int n = 0;
    long long v = -1;
    assert_int_equal(cfg_get_seq(&root, "cats", true, 1, 10, &n, &err), BMC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cfg_seq_map(&root, "cats", i, &item, &err), BMC_OK);
    assert_int_equal(cfg_get_int(&item, "h", true, 0, 0, 100, &v, &err), BMC_OK);
    return v;
}

static void test_take_variants(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    cfg_variant *v = NULL;
    int n = -1;
    assert_int_equal(cfg_load_string("v.yaml", DOC, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_take_variants(cfg, &v, &n, &err), BMC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "one");
    assert_string_equal(v[0].description, "first");
    assert_string_equal(v[1].description, "");
    assert_non_null(strstr(v[0].overrides, "y: 3"));
    /* the reference keeps its values and no longer has the list */
    cfg_map root = cfg_root(cfg);
    assert_false(cfg_has(&root, "variants"));
    assert_int_equal(read_int(cfg, "m", "y"), 2);
    assert_int_equal(read_cat_h(cfg, 1), 1);
    /* variant one: the mapping merged key by key */
    assert_int_equal(read_int(v[0].cfg, "m", "x"), 1);
    assert_int_equal(read_int(v[0].cfg, "m", "y"), 3);
    assert_int_equal(read_int(v[0].cfg, NULL, "a"), 1);
    /* variant two: the named list merged by name */
    assert_int_equal(read_cat_h(v[1].cfg, 0), 1);
    assert_int_equal(read_cat_h(v[1].cfg, 1), 2);
    root = cfg_root(v[1].cfg);
    assert_false(cfg_has(&root, "variants"));
    /* the variant documents outlive the reference's */
    cfg_free(cfg);
    assert_int_equal(read_int(v[1].cfg, "m", "y"), 2);
    cfg_variants_free(v, n);
}

static void test_no_variants(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    cfg_variant *v = (cfg_variant *)&err; /* must be reset */
    int n = -1;
    assert_int_equal(cfg_load_string("v.yaml", "a: 1\n", &cfg, &err), BMC_OK);
    assert_int_equal(cfg_take_variants(cfg, &v, &n, &err), BMC_OK);
    assert_int_equal(n, 0);
    assert_null(v);
    cfg_free(cfg);
}

/* A variant value with an error is reported where it was written, by the reader. */
static void test_override_error_located(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    cfg_variant *v = NULL;
    int n = 0;
    assert_int_equal(cfg_load_string("v.yaml", DOC, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_take_variants(cfg, &v, &n, &err), BMC_OK);
    cfg_map root = cfg_root(v[0].cfg), m;
    long long x;
    assert_int_equal(cfg_get_map(&root, "m", true, &m, &err), BMC_OK);
    assert_int_equal(cfg_get_int(&m, "y", true, 0, 0, 2, &x, &err), BMC_ECONFIG);
    if (strncmp(err.msg, "v.yaml:9:23: m.y: ", 18) != 0)
        fail_msg("got \"%s\"", err.msg);
    cfg_variants_free(v, n);
    cfg_free(cfg);
}

/* --set reaches a variant's override before the split. */
static void test_set_into_variant(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    cfg_variant *v = NULL;
    int n = 0;
    assert_int_equal(cfg_load_string("v.yaml", DOC, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "variants[0].override.m.y=7", &err), BMC_OK);
    assert_int_equal(cfg_take_variants(cfg, &v, &n, &err), BMC_OK);
    assert_int_equal(read_int(v[0].cfg, "m", "y"), 7);
    cfg_variants_free(v, n);
    cfg_free(cfg);
}

static void expect_error(const char *variants, const char *want)
{
    char text[2048];
    snprintf(text, sizeof text, "a: 1\nvariants:\n%s", variants);
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    cfg_variant *v = NULL;
    int n = 0;
    assert_int_equal(cfg_load_string("v.yaml", text, &cfg, &err), BMC_OK);
    int rc = cfg_take_variants(cfg, &v, &n, &err);
    if (rc != BMC_ECONFIG || strcmp(err.msg, want) != 0)
        fail_msg("got %d \"%s\"\n   want \"%s\"", rc, err.msg, want);
    assert_null(v);
    assert_int_equal(n, 0);
    cfg_free(cfg);
}

static void test_malformed_lists(void **state)
{
    (void)state;
    expect_error("  one: 1\n", "v.yaml:3:3: variants: expected a list of variants (name, "
                               "description, override)");
    expect_error("  - 5\n", "v.yaml:3:5: variants[0]: a variant is a mapping with name, "
                            "description and override");
    expect_error("  - {name: x, override: {}, colour: red}\n",
                 "v.yaml:3:29: variants[0]: unknown key \"colour\" (known keys here: name, "
                 "description, override)");
    expect_error("  - {override: {}}\n", "v.yaml:3:5: variants[0]: missing required key \"name\"");
    expect_error("  - {name: x}\n", "v.yaml:3:5: variants[0]: missing required key \"override\"");
    expect_error("  - {name: a/b, override: {}}\n",
                 "v.yaml:3:12: variants[0].name: expected a name of 1 to 63 characters without "
                 "'/', not \".\", \"..\" or \"base\" (the reference)");
    expect_error("  - {name: base, override: {}}\n",
                 "v.yaml:3:12: variants[0].name: expected a name of 1 to 63 characters without "
                 "'/', not \".\", \"..\" or \"base\" (the reference)");
    /* ".." would be written to the file but no reader could open the group */
    expect_error("  - {name: .., override: {}}\n",
                 "v.yaml:3:12: variants[0].name: expected a name of 1 to 63 characters without "
                 "'/', not \".\", \"..\" or \"base\" (the reference)");
    expect_error("  - {name: x, override: {}}\n  - {name: x, override: {}}\n",
                 "v.yaml:4:12: variants[1].name: variant \"x\" is listed twice");
    expect_error("  - {name: x, override: [1]}\n",
                 "v.yaml:3:25: variants[0].override: expected a mapping laid over the "
                 "configuration (as a file over its base:)");
    expect_error("  - {name: x, description: [1], override: {}}\n",
                 "v.yaml:3:28: variants[0].description: expected text");
    expect_error("  - {name: x, override: {run: {seed: 5}}}\n",
                 "v.yaml:3:26: variants[0].override: a variant runs on the scenarios of the "
                 "reference: run: cannot be overridden (set it for the whole configuration)");
}

/* Through run_input on the baseline: a bad policy value and a changed period. */
static void write_config(const char *dir, const char *variants, char *path, size_t n)
{
    char base[4096];
    tu_path(base, sizeof base, "configs/baseline.yaml");
    snprintf(path, n, "%s/cfg.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "base: %s\nvariants:\n%s", base, variants);
    fclose(f);
}

static int load_input(const char *path, bmc_err *err)
{
    bmc_run_input in;
    bmc_run_input_args a = {.config = path, .scenarios = 10, .seed = 1};
    int rc = bmc_run_input_load(&a, &in, err);
    if (rc == BMC_OK) {
        assert_int_equal(in.n_variants, 1);
        assert_int_equal(in.vp[0].scenarios, 10);
        assert_ptr_equal(in.variants[0].m, in.vm[0]);
    }
    bmc_run_input_free(&in);
    return rc;
}

static void test_run_input(void **state)
{
    (void)state;
    char dir[] = "/tmp/bmc-variants-XXXXXX", path[4200], want[4400];
    assert_non_null(mkdtemp(dir));
    bmc_err err = {{0}};

    write_config(dir, "  - {name: p, override: {triage: {policy: protect_new}}}\n", path,
                 sizeof path);
    if (load_input(path, &err) != BMC_OK)
        fail_msg("%s", err.msg);

    write_config(dir, "  - {name: p, override: {triage: {policy: sometimes}}}\n", path,
                 sizeof path);
    assert_int_equal(load_input(path, &err), BMC_ECONFIG);
    snprintf(want, sizeof want, "%s:3:43: triage.policy: ", path);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("got \"%s\", want \"%s...\"", err.msg, want);

    write_config(dir, "  - {name: later, override: {time: {horizon_date: 2032-12-31}}}\n", path,
                 sizeof path);
    assert_int_equal(load_input(path, &err), BMC_ECONFIG);
    snprintf(want, sizeof want,
             "%s:3:29: variants[0].override: variant \"later\" changes the dates under time:", path);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("got \"%s\", want \"%s...\"", err.msg, want);

    unlink(path);
    rmdir(dir);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take_variants),
        cmocka_unit_test(test_no_variants),
        cmocka_unit_test(test_override_error_located),
        cmocka_unit_test(test_set_into_variant),
        cmocka_unit_test(test_malformed_lists),
        cmocka_unit_test(test_run_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
