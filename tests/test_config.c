/* The configuration reader: every kind of error names FILE:LINE:COL (or the --set
 * assignment) and the key path; --set; base: inheritance; the resolved document.
 *
 * The unit tests read tests/data/config/demo.yaml (or a variant of its text with one thing
 * changed, loaded as "demo.yaml") with a small reader of their own, read_demo, and compare
 * whole error messages. tests/test_params.c does the same for the model's parameter reader
 * on configs/baseline.yaml. */
#include "testutil.h"

#include <limits.h>
#include <unistd.h>

#define TRY BMC_TRY

static char tmpdir[256];
static char fixdir[4096]; /* tests/data/config */
static char *demo_text;   /* demo.yaml */

/* ---- the test's reader ---- */

typedef struct demo {
    char title[64];
    bmc_date start;
    long long count;
    double ratio;
    bool verbose;
    int mode;
    double level;
    long long x; /* nested.deeper.x; -1 when deeper is absent */
    int n_cat;
    char cat_name[8][16];
    double cat_share[8];
    int n_hol;
    bmc_date hol[4];
    int n_w;
    double w[4];
} demo;

static int read_nested(cfg_map *root, demo *d, bmc_err *err)
{
    cfg_map n, deeper;
    TRY(cfg_get_map(root, "nested", true, &n, err));
    TRY(cfg_get_double(&n, "level", true, 0, 0, 10, &d->level, err));
    TRY(cfg_get_map(&n, "deeper", false, &deeper, err));
    d->x = -1;
    if (deeper.node)
        TRY(cfg_get_int(&deeper, "x", true, 0, 0, 9, &d->x, err));
    TRY(cfg_finish(&deeper, err));
    return cfg_finish(&n, err);
}

static int read_lists(cfg_map *root, demo *d, bmc_err *err)
{
    TRY(cfg_get_seq(root, "categories", true, 1, 8, &d->n_cat, err));
    for (int i = 0; i < d->n_cat; i++) {
        cfg_map c;
        TRY(cfg_seq_map(root, "categories", i, &c, err));
        const char *name;
        TRY(cfg_get_string(&c, "name", true, NULL, &name, err));
        snprintf(d->cat_name[i], sizeof d->cat_name[i], "%s", name);
        TRY(cfg_get_double(&c, "share", true, 0, 0, 1, &d->cat_share[i], err));
        TRY(cfg_finish(&c, err));
    }
    TRY(cfg_get_seq(root, "holidays", false, 0, 4, &d->n_hol, err));
    for (int i = 0; i < d->n_hol; i++)
        TRY(cfg_seq_date(root, "holidays", i, &d->hol[i], err));
    TRY(cfg_get_seq(root, "weights", false, 0, 4, &d->n_w, err));
    for (int i = 0; i < d->n_w; i++)
        TRY(cfg_seq_double(root, "weights", i, 0, 1, &d->w[i], err));
    return BMC_OK;
}

static int read_demo(bmc_cfg *cfg, demo *d, bmc_err *err)
{
    static const char *const modes[] = {"fast", "slow"};
    cfg_map r = cfg_root(cfg);
    memset(d, 0, sizeof *d);
    const char *title;
    TRY(cfg_get_string(&r, "title", true, NULL, &title, err));
    snprintf(d->title, sizeof d->title, "%s", title); /* the document goes with the cfg */
    TRY(cfg_get_date(&r, "start", true, 0, &d->start, err));
    TRY(cfg_get_int(&r, "count", true, 0, 1, 100, &d->count, err));
    TRY(cfg_get_double(&r, "ratio", true, 0, 0, 1, &d->ratio, err));
    TRY(cfg_get_bool(&r, "verbose", false, false, &d->verbose, err));
    TRY(cfg_get_enum(&r, "mode", false, modes, 2, 0, &d->mode, err));
    TRY(read_nested(&r, d, err));
    TRY(read_lists(&r, d, err));
    return cfg_finish(&r, err);
}

/* ---- helpers ---- */

static void fixture(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", fixdir, name);
}

/* text with the first occurrence of from replaced by to (malloc'd). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("\"%s\" is not in the text", from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

/* Loads text as "demo.yaml", applies set (may be NULL) and reads it. */
static int load_demo(const char *text, const char *set, demo *d, bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    int rc = cfg_load_string("demo.yaml", text, &cfg, err);
    if (rc == BMC_OK && set)
        rc = cfg_apply_set(cfg, set, err);
    if (rc == BMC_OK)
        rc = read_demo(cfg, d, err);
    cfg_free(cfg);
    return rc;
}

static int load_demo_file(const char *name, const char *set, demo *d, bmc_err *err)
{
    char path[4096];
    bmc_cfg *cfg = NULL;
    fixture(path, sizeof path, name);
    int rc = cfg_load_file(path, &cfg, err);
    if (rc == BMC_OK && set)
        rc = cfg_apply_set(cfg, set, err);
    if (rc == BMC_OK)
        rc = read_demo(cfg, d, err);
    cfg_free(cfg);
    return rc;
}

static void expect_msg(int rc, int want_rc, const bmc_err *err, const char *want)
{
    if (rc != want_rc || strcmp(err->msg, want) != 0)
        fail_msg("got %d \"%s\"\n   want %d \"%s\"", rc, err->msg, want_rc, want);
}

static void expect_prefix(int rc, int want_rc, const bmc_err *err, const char *want)
{
    if (rc != want_rc || strncmp(err->msg, want, strlen(want)) != 0)
        fail_msg("got %d \"%s\"\n   want %d \"%s...\"", rc, err->msg, want_rc, want);
}

/* demo.yaml with from replaced by to must fail with exactly msg. */
static void expect_variant(const char *from, const char *to, const char *msg)
{
    bmc_err err = {{0}};
    demo d;
    char *text = replace(demo_text, from, to);
    int rc = load_demo(text, NULL, &d, &err);
    free(text);
    expect_msg(rc, BMC_ECONFIG, &err, msg);
}

/* demo.yaml with the override set must fail with code and exactly msg. */
static void expect_set(const char *set, int code, const char *msg)
{
    bmc_err err = {{0}};
    demo d;
    expect_msg(load_demo(demo_text, set, &d, &err), code, &err, msg);
}

static int setup(void **state)
{
    (void)state;
    char path[4096];
    if (tu_tmpdir_make(tmpdir, sizeof tmpdir, "config") != 0)
        return -1;
    tu_path(fixdir, sizeof fixdir, "tests/data/config");
    fixture(path, sizeof path, "demo.yaml");
    demo_text = tu_slurp(path);
    return demo_text ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(demo_text);
    return tu_tmpdir_remove(tmpdir);
}

/* ---- reading ---- */

static void test_demo_reads(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    demo d;
    int rc = load_demo_file("demo.yaml", NULL, &d, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(d.title, "demo");
    assert_int_equal(d.start, bmc_date_from_ymd(2026, 1, 1));
    assert_int_equal(d.count, 3);
    assert_float_equal(d.ratio, 0.5, 0);
    assert_true(d.verbose);
    assert_int_equal(d.mode, 1);
    assert_float_equal(d.level, 2.5, 0);
    assert_int_equal(d.x, 1);
    assert_int_equal(d.n_cat, 2);
    assert_string_equal(d.cat_name[1], "b");
    assert_float_equal(d.cat_share[1], 0.75, 0);
    assert_int_equal(d.n_hol, 2);
    assert_int_equal(d.hol[1], bmc_date_from_ymd(2026, 12, 26));
    assert_int_equal(d.n_w, 2);
    assert_float_equal(d.w[1], 0.9, 0);
}

static void test_defaults_and_queries(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    assert_int_equal(cfg_load_string("q.yaml", "a: {b: 1}\ns: x\nl: [1]\n", &cfg, &err), BMC_OK);
    assert_string_equal(cfg_file_name(cfg), "q.yaml");
    cfg_map r = cfg_root(cfg), absent;
    assert_true(cfg_has(&r, "a") && cfg_is_map(&r, "a") && !cfg_is_scalar(&r, "a"));
    assert_true(cfg_is_scalar(&r, "s") && !cfg_is_map(&r, "s"));
    assert_false(cfg_is_scalar(&r, "l") || cfg_is_map(&r, "l") || cfg_has(&r, "zz"));
    /* absent and not required: the defaults, also from an absent mapping */
    const char *str = "unset";
    double x;
    long long i;
    bool b;
    bmc_date dt;
    int e, n;
    static const char *const names[] = {"p", "q"};
    assert_int_equal(cfg_get_string(&r, "t", false, NULL, &str, &err), BMC_OK);
    assert_null(str);
    assert_int_equal(cfg_get_map(&r, "m", false, &absent, &err), BMC_OK);
    assert_null(absent.node);
    assert_string_equal(absent.path, "m");
    assert_int_equal(cfg_get_double(&absent, "x", false, 1.5, 0, 2, &x, &err), BMC_OK);
    assert_float_equal(x, 1.5, 0);
    assert_int_equal(cfg_get_int(&absent, "i", false, 7, 0, 9, &i, &err), BMC_OK);
    assert_int_equal(i, 7);
    assert_int_equal(cfg_get_bool(&absent, "b", false, true, &b, &err), BMC_OK);
    assert_true(b);
    assert_int_equal(cfg_get_date(&absent, "d", false, 42, &dt, &err), BMC_OK);
    assert_int_equal(dt, 42);
    assert_int_equal(cfg_get_enum(&absent, "e", false, names, 2, 1, &e, &err), BMC_OK);
    assert_int_equal(e, 1);
    assert_int_equal(cfg_get_seq(&absent, "l", false, 1, 2, &n, &err), BMC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(cfg_finish(&absent, &err), BMC_OK);
    /* a required key of an absent mapping: reported at the nearest mapping that exists */
    cfg_map a, deeper;
    assert_int_equal(cfg_get_map(&r, "a", true, &a, &err), BMC_OK);
    assert_int_equal(cfg_get_map(&a, "c", false, &deeper, &err), BMC_OK);
    expect_msg(cfg_get_double(&deeper, "x", true, 0, 0, 1, &x, &err), BMC_ECONFIG, &err,
               "q.yaml:1:4: a.c.x: missing required key \"x\"");
    cfg_free(cfg);
}

/* Numbers are read strictly: the whole scalar, decimal, finite. */
static void test_number_parsing(void **state)
{
    (void)state;
    static const char *const bad[] = {"12abc", "0x10", "nan", "inf", ".inf", "1e999", "1,5",
                                      "--1", "1 2", "\"\"", "~", "\" 1\""};
    static const char *const shown[] = {"12abc", "0x10", "nan", "inf", ".inf", "1e999", "1,5",
                                        "--1", "1 2", "", "~", " 1"};
    static const struct {
        const char *text;
        double value;
    } good[] = {{"0.25", 0.25}, {"-3", -3}, {"1e-3", 1e-3}, {"+2.5E1", 25}, {".5", 0.5},
                {"\"0.75\"", 0.75}};
    bmc_err err = {{0}};
    char text[64], want[160];
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        bmc_cfg *cfg = NULL;
        double x;
        snprintf(text, sizeof text, "v: %s\n", bad[k]);
        assert_int_equal(cfg_load_string("n.yaml", text, &cfg, &err), BMC_OK);
        cfg_map r = cfg_root(cfg);
        /* the message quotes the scalar's text (without YAML's quotes) */
        snprintf(want, sizeof want, "n.yaml:1:4: v: expected a number, got \"%s\"", shown[k]);
        expect_msg(cfg_get_double(&r, "v", true, 0, -1e300, 1e300, &x, &err), BMC_ECONFIG, &err,
                   want);
        cfg_free(cfg);
    }
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        bmc_cfg *cfg = NULL;
        double x;
        snprintf(text, sizeof text, "v: %s\n", good[k].text);
        assert_int_equal(cfg_load_string("n.yaml", text, &cfg, &err), BMC_OK);
        cfg_map r = cfg_root(cfg);
        assert_int_equal(cfg_get_double(&r, "v", true, 0, -100, 100, &x, &err), BMC_OK);
        assert_float_equal(x, good[k].value, 0);
        cfg_free(cfg);
    }
    /* ints: whole numbers, also written with an exponent */
    bmc_cfg *cfg = NULL;
    long long i;
    assert_int_equal(cfg_load_string("n.yaml", "a: 3e1\nb: 30.0\nc: 9007199254740993\n"
                                     "d: 1e300\n", &cfg, &err), BMC_OK);
    cfg_map r = cfg_root(cfg);
    assert_int_equal(cfg_get_int(&r, "a", true, 0, 0, 100, &i, &err), BMC_OK);
    assert_int_equal(i, 30);
    assert_int_equal(cfg_get_int(&r, "b", true, 0, 0, 100, &i, &err), BMC_OK);
    assert_int_equal(i, 30);
    assert_int_equal(cfg_get_int(&r, "c", true, 0, 0, LLONG_MAX, &i, &err), BMC_OK);
    assert_true(i == 9007199254740993LL); /* exact: read as an integer, not a double */
    expect_msg(cfg_get_int(&r, "d", true, 0, 0, LLONG_MAX, &i, &err), BMC_ECONFIG, &err,
               "n.yaml:4:4: d: expected a whole number >= 0, got \"1e300\"");
    cfg_free(cfg);
}

/* ---- every kind of error, with its exact message ---- */

static void test_syntax_errors(void **state)
{
    (void)state;
    char path[4096], want[4200];
    bmc_err err = {{0}};
    demo d;
    /* a file: libfyaml's message, at its position, nothing printed by libfyaml */
    fixture(path, sizeof path, "syntax.yaml");
    snprintf(want, sizeof want, "%s:2:9: YAML syntax error: ", path);
    expect_prefix(load_demo_file("syntax.yaml", NULL, &d, &err), BMC_ECONFIG, &err, want);
    assert_null(strchr(err.msg, '\n'));
    /* the same in a string, and a tab used as indentation, an unclosed flow list */
    char *text = replace(demo_text, "count: 3\n", "count: 3: 4\n");
    expect_prefix(load_demo(text, NULL, &d, &err), BMC_ECONFIG, &err,
                  "demo.yaml:3:9: YAML syntax error: ");
    free(text);
    text = replace(demo_text, "  deeper:", "\tdeeper:");
    expect_prefix(load_demo(text, NULL, &d, &err), BMC_ECONFIG, &err, "demo.yaml:9:");
    assert_non_null(strstr(err.msg, ": YAML syntax error: "));
    free(text);
    text = replace(demo_text, "0.9]", "0.9");
    expect_prefix(load_demo(text, NULL, &d, &err), BMC_ECONFIG, &err, "demo.yaml:");
    assert_non_null(strstr(err.msg, ": YAML syntax error: "));
    free(text);
    /* documents that are not one mapping */
    expect_msg(load_demo("", NULL, &d, &err), BMC_ECONFIG, &err,
               "demo.yaml:1:1: the document is empty");
    expect_msg(load_demo("# nothing\n", NULL, &d, &err), BMC_ECONFIG, &err,
               "demo.yaml:1:1: the document is empty");
    expect_msg(load_demo("- a\n- b\n", NULL, &d, &err), BMC_ECONFIG, &err,
               "demo.yaml:1:1: the top level must be a mapping of keys");
    expect_prefix(load_demo("a: 1\n---\nb: 2\n", NULL, &d, &err), BMC_ECONFIG, &err,
                  "demo.yaml:");
    assert_non_null(strstr(err.msg, "only one YAML document is allowed"));
    expect_msg(load_demo("a: &x 1\nb: *x\n", NULL, &d, &err), BMC_ECONFIG, &err,
               "demo.yaml:2:4: b: YAML aliases (*name) are not supported");
    expect_msg(load_demo("? [a, b]\n: 1\n", NULL, &d, &err), BMC_ECONFIG, &err,
               "demo.yaml:1:3: a key must be a plain name, got a list");
}

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_variant("title: demo\n", "colour: blue\ntitle: demo\n",
                   "demo.yaml:1:1: colour: unknown key \"colour\" (known keys here: title, "
                   "start, count, ratio, verbose, mode, nested, categories, holidays, weights)");
    expect_variant("  level: 2.5\n", "  level: 2.5\n  speed: 3\n",
                   "demo.yaml:9:3: nested.speed: unknown key \"speed\" (known keys here: "
                   "level, deeper)");
    expect_variant("    x: 1\n", "    x: 1\n    y: 2\n",
                   "demo.yaml:11:5: nested.deeper.y: unknown key \"y\" (known keys here: x)");
    expect_variant("    share: 0.75\n", "    share: 0.75\n    colour: red\n",
                   "demo.yaml:16:5: categories[1].colour: unknown key \"colour\" (known keys "
                   "here: name, share)");
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_variant("ratio: 0.5", "ratio: half",
                   "demo.yaml:4:8: ratio: expected a number in [0, 1], got \"half\"");
    expect_variant("ratio: 0.5", "ratio: {a: 1}",
                   "demo.yaml:4:8: ratio: expected a number in [0, 1], got a mapping");
    expect_variant("ratio: 0.5", "ratio: [0.5]",
                   "demo.yaml:4:8: ratio: expected a number in [0, 1], got a list");
    expect_variant("title: demo", "title: {a: 1}",
                   "demo.yaml:1:8: title: expected a single value, got a mapping");
    expect_variant("count: 3", "count: 2.5",
                   "demo.yaml:3:8: count: expected a whole number in [1, 100], got \"2.5\"");
    expect_variant("count: 3", "count:",
                   "demo.yaml:3:6: count: expected a whole number in [1, 100], got \"\"");
    expect_variant("verbose: true", "verbose: yes",
                   "demo.yaml:5:10: verbose: expected true or false, got \"yes\"");
    expect_variant("mode: slow", "mode: medium",
                   "demo.yaml:6:7: mode: expected one of fast, slow, got \"medium\"");
    expect_variant("nested:\n  level: 2.5\n  deeper:\n    x: 1\n", "nested: [1, 2]\n",
                   "demo.yaml:7:9: nested: expected a mapping of keys, got a list");
    expect_variant("  - name: a\n    share: 0.25\n", "  - 5\n",
                   "demo.yaml:12:5: categories[0]: expected a mapping of keys, got \"5\"");
    expect_variant("weights: [0.1, 0.9]", "weights: [0.1, [1]]",
                   "demo.yaml:17:16: weights[1]: expected a number, got a list");
    expect_variant("weights: [0.1, 0.9]", "weights: 0.1",
                   "demo.yaml:17:10: weights: expected a list [...], got \"0.1\"");
    /* a block scalar is quoted on one line */
    expect_variant("ratio: 0.5\n", "ratio: |\n  0.5\n  0.6\n",
                   "demo.yaml:4:8: ratio: expected a number in [0, 1], got \"0.5\\n0.6\\n\"");
}

static void test_out_of_range(void **state)
{
    (void)state;
    expect_variant("ratio: 0.5", "ratio: 1.5",
                   "demo.yaml:4:8: ratio: expected a number in [0, 1], got \"1.5\"");
    expect_variant("count: 3", "count: 101",
                   "demo.yaml:3:8: count: expected a whole number in [1, 100], got \"101\"");
    expect_variant("    share: 0.75", "    share: 1.5",
                   "demo.yaml:15:12: categories[1].share: expected a number in [0, 1], got "
                   "\"1.5\"");
    expect_variant("weights: [0.1, 0.9]", "weights: [0.1, 0.1, 0.1, 0.1, 0.1]",
                   "demo.yaml:17:10: weights: expected a list of at most 4 items, got 5");
    expect_variant("categories:\n  - name: a\n    share: 0.25\n  - name: b\n    share: 0.75\n",
                   "categories: []\n",
                   "demo.yaml:11:13: categories: expected a list of at least 1 item, got 0");
}

static void test_missing_keys(void **state)
{
    (void)state;
    expect_variant("count: 3\n", "", "demo.yaml:1:1: count: missing required key \"count\"");
    expect_variant("  level: 2.5\n", "",
                   "demo.yaml:8:3: nested.level: missing required key \"level\"");
    expect_variant("    x: 1\n", "    z: 1\n",
                   "demo.yaml:10:5: nested.deeper.x: missing required key \"x\"");
    expect_variant("    share: 0.75\n", "",
                   "demo.yaml:14:5: categories[1].share: missing required key \"share\"");
    expect_variant("  - name: a\n    share: 0.25\n", "  - {share: 0.25}\n",
                   "demo.yaml:12:5: categories[0].name: missing required key \"name\"");
}

static void test_bad_dates(void **state)
{
    (void)state;
    expect_variant("start: 2026-01-01", "start: 2026-13-01",
                   "demo.yaml:2:8: start: expected a date YYYY-MM-DD, got \"2026-13-01\"");
    expect_variant("start: 2026-01-01", "start: 2026-02-29",
                   "demo.yaml:2:8: start: expected a date YYYY-MM-DD, got \"2026-02-29\"");
    expect_variant("start: 2026-01-01", "start: 2026-1-1",
                   "demo.yaml:2:8: start: expected a date YYYY-MM-DD, got \"2026-1-1\"");
    expect_variant("start: 2026-01-01", "start: 2026-01-01T00:00",
                   "demo.yaml:2:8: start: expected a date YYYY-MM-DD, got \"2026-01-01T00:00\"");
    expect_variant("2026-12-26]", "2026-12-32]",
                   "demo.yaml:16:24: holidays[1]: expected a date YYYY-MM-DD, got "
                   "\"2026-12-32\"");
    /* quoted is fine */
    bmc_err err = {{0}};
    demo d;
    char *text = replace(demo_text, "start: 2026-01-01", "start: \"2024-02-29\"");
    assert_int_equal(load_demo(text, NULL, &d, &err), BMC_OK);
    assert_int_equal(d.start, bmc_date_from_ymd(2024, 2, 29));
    free(text);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    expect_variant("ratio: 0.5\n", "ratio: 0.5\nratio: 0.6\n",
                   "demo.yaml:5:1: ratio: duplicate key \"ratio\" (first at line 4)");
    expect_variant("    x: 1\n", "    x: 1\n    x: 2\n",
                   "demo.yaml:11:5: nested.deeper.x: duplicate key \"x\" (first at line 10)");
    expect_variant("  - name: a\n", "  - name: a\n    name: z\n",
                   "demo.yaml:13:5: categories[0].name: duplicate key \"name\" (first at line "
                   "12)");
}

/* Checks that span several keys, located with cfg_fail_at and cfg_fail_at_item. */
static void test_fail_at(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    assert_int_equal(cfg_load_string("demo.yaml", demo_text, &cfg, &err), BMC_OK);
    cfg_map r = cfg_root(cfg), n, absent;
    assert_int_equal(cfg_get_map(&r, "nested", true, &n, &err), BMC_OK);
    expect_msg(cfg_fail_at(&n, "level", BMC_ECONFIG, &err, "too %s", "high"), BMC_ECONFIG,
               &err, "demo.yaml:8:10: nested.level: too high");
    expect_msg(cfg_fail_at(&n, "absent", BMC_ECONFIG, &err, "needed"), BMC_ECONFIG, &err,
               "demo.yaml:8:3: nested.absent: needed");
    expect_msg(cfg_fail_at(&n, NULL, BMC_ECONFIG, &err, "inconsistent"), BMC_ECONFIG, &err,
               "demo.yaml:8:3: nested: inconsistent");
    expect_msg(cfg_fail_at_item(&r, "categories", 1, BMC_ECONFIG, &err, "shares sum to %g", 2.0),
               BMC_ECONFIG, &err, "demo.yaml:14:5: categories[1]: shares sum to 2");
    expect_msg(cfg_fail_at_item(&r, "holidays", 0, BMC_ECONFIG, &err, "a Friday"), BMC_ECONFIG,
               &err, "demo.yaml:16:12: holidays[0]: a Friday");
    assert_int_equal(cfg_get_map(&n, "missing", false, &absent, &err), BMC_OK);
    expect_msg(cfg_fail_at(&absent, NULL, BMC_ECONFIG, &err, "needs one"), BMC_ECONFIG, &err,
               "demo.yaml:8:3: nested.missing: needs one");
    cfg_free(cfg);
}

/* ---- --set ---- */

static void test_set_values(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    demo d;
    char path[4096];
    fixture(path, sizeof path, "demo.yaml");
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    static const char *const sets[] = {
        "ratio=0.75",                              /* a scalar */
        "nested={level: 7, deeper: {x: 2}}",       /* a whole mapping, as a flow value */
        "nested.deeper.x=5",                       /* a nested scalar, after the mapping */
        "categories[0].share=0.5",                 /* inside a list item */
        "categories[1]={name: z, share: 0.125}",   /* a whole list item */
        "holidays[0]=2027-01-01",                  /* a scalar list item */
        "weights=[0.25, 0.5, 0.75]",               /* a whole list */
        "title=two words",                         /* a string with a space */
        "mode=fast",
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        int rc = cfg_apply_set(cfg, sets[i], &err);
        if (rc != BMC_OK)
            fail_msg("%s: %s", sets[i], err.msg);
    }
    int rc = read_demo(cfg, &d, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    assert_float_equal(d.ratio, 0.75, 0);
    assert_float_equal(d.level, 7, 0);
    assert_int_equal(d.x, 5);
    assert_float_equal(d.cat_share[0], 0.5, 0);
    assert_string_equal(d.cat_name[1], "z");
    assert_float_equal(d.cat_share[1], 0.125, 0);
    assert_int_equal(d.hol[0], bmc_date_from_ymd(2027, 1, 1));
    assert_int_equal(d.n_w, 3);
    assert_float_equal(d.w[2], 0.75, 0);
    assert_string_equal(d.title, "two words");
    assert_int_equal(d.mode, 0);
    cfg_free(cfg);

    /* a key the file leaves out may be set: it is new in an existing mapping */
    char *text = replace(demo_text, "verbose: true\n", "");
    assert_int_equal(load_demo(text, "verbose=false", &d, &err), BMC_OK);
    assert_false(d.verbose);
    free(text);
}

static void test_set_errors(void **state)
{
    (void)state;
    /* a new key is accepted by --set and then judged by the reader */
    expect_set("nested.speed=3", BMC_ECONFIG,
               "--set nested.speed=3: nested.speed: unknown key \"speed\" (known keys here: "
               "level, deeper)");
    /* values are validated by the reader, reported with the --set origin */
    expect_set("ratio=abc", BMC_ECONFIG,
               "--set ratio=abc: ratio: expected a number in [0, 1], got \"abc\"");
    expect_set("nested={level: x}", BMC_ECONFIG,
               "--set nested={level: x}: nested.level: expected a number in [0, 10], got \"x\"");
    expect_set("nested={deeper: {x: 1}}", BMC_ECONFIG,
               "--set nested={deeper: {x: 1}}: nested.level: missing required key \"level\"");
    expect_set("categories[1].share=2", BMC_ECONFIG,
               "--set categories[1].share=2: categories[1].share: expected a number in [0, 1], "
               "got \"2\"");
    expect_set("start=2026-02-30", BMC_ECONFIG,
               "--set start=2026-02-30: start: expected a date YYYY-MM-DD, got \"2026-02-30\"");
    expect_set("ratio=", BMC_ECONFIG,
               "--set ratio=: ratio: expected a number in [0, 1], got \"\"");
    /* malformed assignments are usage errors */
    expect_set("ratio", BMC_EUSAGE, "--set ratio: expected KEY.PATH=VALUE");
    expect_set("=1", BMC_EUSAGE, "--set =1: expected KEY.PATH=VALUE");
    expect_set("nested..level=1", BMC_EUSAGE,
               "--set nested..level=1: malformed key path \"nested..level\" (expected names "
               "joined by dots, list items as name[i])");
    expect_set("nested.=1", BMC_EUSAGE,
               "--set nested.=1: malformed key path \"nested.\" (expected names joined by "
               "dots, list items as name[i])");
    expect_set("categories[x].share=1", BMC_EUSAGE,
               "--set categories[x].share=1: malformed key path \"categories[x].share\" "
               "(expected names joined by dots, list items as name[i])");
    expect_set("ratio.x=1", BMC_EUSAGE,
               "--set ratio.x=1: ratio is a single value, not a mapping with key \"x\"");
    expect_set("categories.name=1", BMC_EUSAGE,
               "--set categories.name=1: categories is a list, not a mapping with key \"name\"");
    expect_set("ratio[0]=1", BMC_EUSAGE,
               "--set ratio[0]=1: ratio is not a list, it has no item [0]");
    expect_set("categories[2].share=1", BMC_EUSAGE,
               "--set categories[2].share=1: categories has 2 items, no item [2]");
    expect_set("nested.absent.x=1", BMC_EUSAGE,
               "--set nested.absent.x=1: no key \"absent\" in nested (keys there: level, "
               "deeper)");
    expect_set("categories[5]=1", BMC_EUSAGE,
               "--set categories[5]=1: categories has 2 items, no item [5]");
    expect_set("weights=[0.1, 0.2", BMC_EUSAGE,
               "--set weights=[0.1, 0.2: weights: YAML syntax error: flow sequence without a "
               "closing bracket");
    expect_set("nested={level: 1, level: 2}", BMC_EUSAGE,
               "--set nested={level: 1, level: 2}: nested.level: duplicate key \"level\"");
}

/* ---- base: inheritance ---- */

static void test_base_merge(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    demo d;
    int rc = load_demo_file("child.yaml", NULL, &d, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    assert_float_equal(d.level, 7, 0); /* overridden */
    assert_int_equal(d.x, 1);           /* the rest of nested is inherited */
    assert_string_equal(d.title, "demo");
    assert_float_equal(d.ratio, 0.5, 0);
    assert_int_equal(d.n_hol, 2);
    /* named list: b updated, a kept, c appended */
    assert_int_equal(d.n_cat, 3);
    assert_string_equal(d.cat_name[0], "a");
    assert_float_equal(d.cat_share[0], 0.25, 0);
    assert_string_equal(d.cat_name[1], "b");
    assert_float_equal(d.cat_share[1], 0.5, 0);
    assert_string_equal(d.cat_name[2], "c");
    /* a chain of two */
    rc = load_demo_file("grandchild.yaml", NULL, &d, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    assert_float_equal(d.ratio, 0.125, 0);
    assert_float_equal(d.level, 7, 0);
    assert_int_equal(d.n_cat, 3);
    /* --set applies to the merged document */
    assert_int_equal(load_demo_file("child.yaml", "categories[2].share=0.375", &d, &err),
                     BMC_OK);
    assert_float_equal(d.cat_share[2], 0.375, 0);
}

static void test_base_errors(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    demo d;
    char want[3 * 4096], a[4096], b[4096];
    /* an error in a value of the base file points into the base file */
    fixture(a, sizeof a, "base_bad.yaml");
    snprintf(want, sizeof want, "%s:4:8: ratio: expected a number in [0, 1], got \"2\"", a);
    expect_msg(load_demo_file("child_of_bad.yaml", NULL, &d, &err), BMC_ECONFIG, &err, want);
    /* ... and one in the child into the child */
    fixture(a, sizeof a, "child_bad_value.yaml");
    snprintf(want, sizeof want,
             "%s:3:10: nested.level: expected a number in [0, 10], got \"11\"", a);
    expect_msg(load_demo_file("child_bad_value.yaml", NULL, &d, &err), BMC_ECONFIG, &err, want);
    /* cycles, named by their files */
    fixture(a, sizeof a, "cycle_a.yaml");
    fixture(b, sizeof b, "cycle_b.yaml");
    snprintf(want, sizeof want, "%s:1:7: base: cycle of base files: %s -> %s -> %s", b, a, b,
             a);
    expect_msg(load_demo_file("cycle_a.yaml", NULL, &d, &err), BMC_ECONFIG, &err, want);
    fixture(a, sizeof a, "self_base.yaml");
    snprintf(want, sizeof want, "%s:1:7: base: cycle of base files: %s -> %s", a, a, a);
    expect_msg(load_demo_file("self_base.yaml", NULL, &d, &err), BMC_ECONFIG, &err, want);
    /* a missing base file */
    fixture(a, sizeof a, "missing_base.yaml");
    fixture(b, sizeof b, "nowhere.yaml");
    snprintf(want, sizeof want,
             "%s:1:7: base: cannot read the base file \"%s\": No such file or directory", a, b);
    expect_msg(load_demo_file("missing_base.yaml", NULL, &d, &err), BMC_ECONFIG, &err, want);
    /* base: must name a file */
    expect_msg(load_demo("base: [a]\n", NULL, &d, &err), BMC_ECONFIG, &err,
               "demo.yaml:1:7: base: expected a file name, got a list");
    /* a missing top-level file is an I/O error */
    fixture(a, sizeof a, "no-such-config.yaml");
    snprintf(want, sizeof want, "%s: cannot read the config: No such file or directory", a);
    expect_msg(load_demo_file("no-such-config.yaml", NULL, &d, &err), BMC_EIO, &err, want);
}

/* cfg_load_string resolves base: relative to the working directory. */
static void test_base_from_string(void **state)
{
    (void)state;
    char cwd[4096];
    bmc_err err = {{0}}, err2 = {{0}};
    demo d, d2;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(fixdir), 0);
    int rc = load_demo("base: demo.yaml\ncount: 4\n", NULL, &d, &err);
    int rc2 = load_demo("base: demo.yaml\ncolour: red\n", NULL, &d2, &err2);
    assert_int_equal(chdir(cwd), 0);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(d.count, 4);
    assert_string_equal(d.title, "demo");
    expect_msg(rc2, BMC_ECONFIG, &err2,
               "demo.yaml:2:1: colour: unknown key \"colour\" (known keys here: title, start, "
               "count, ratio, verbose, mode, nested, categories, holidays, weights)");
}

/* ---- the resolved document ---- */

static void test_emit(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL, *again = NULL;
    char path[4096];
    demo d1, d2;
    fixture(path, sizeof path, "grandchild.yaml");
    assert_int_equal(cfg_load_file(path, &cfg, &err), BMC_OK);
    assert_int_equal(cfg_apply_set(cfg, "nested.deeper={x: 4}", &err), BMC_OK);
    char *text = cfg_emit(cfg);
    assert_non_null(text);
    assert_null(strstr(text, "base"));
    assert_non_null(strstr(text, "ratio: 0.125\n"));
    assert_non_null(strstr(text, "  deeper:\n    x: 4\n"));
    assert_non_null(strstr(text, "  - name: c\n    share: 0.25\n"));
    assert_non_null(strstr(text, "holidays: [2026-12-25, 2026-12-26]\n"));
    /* the text reads back to the same values and emits to the same text */
    assert_int_equal(read_demo(cfg, &d1, &err), BMC_OK);
    assert_int_equal(cfg_load_string("emitted.yaml", text, &again, &err), BMC_OK);
    assert_int_equal(read_demo(again, &d2, &err), BMC_OK);
    assert_float_equal(d1.ratio, d2.ratio, 0);
    assert_int_equal(d2.x, 4);
    assert_int_equal(d1.n_cat, d2.n_cat);
    assert_string_equal(d2.cat_name[2], "c");
    char *text2 = cfg_emit(again);
    assert_string_equal(text, text2);
    free(text);
    free(text2);
    cfg_free(cfg);
    cfg_free(again);
}

/* Strings that need quoting survive emit + load unchanged. */
static void test_emit_quoting(void **state)
{
    (void)state;
    static const char *const strings[] = {
        "a: b # c", "-x", "-", "", "tab\there", "null", "line1\nline2", " lead", "trail ",
        "[x]", "{y}", "a, b", "@at", "q\"uote", "back\\slash", "---", "x:", "#hash", "é ü",
        "*star", "&amp", "!bang", "%pct", "|pipe", ">gt", "'single'", "? q", "ok_plain",
    };
    enum { N = sizeof strings / sizeof strings[0] };
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL, *again = NULL;
    assert_int_equal(cfg_load_string("q.yaml", "s: []\nm: {}\n", &cfg, &err), BMC_OK);
    for (int i = 0; i < N; i++) {
        /* built with --set from double-quoted YAML, so every byte is exact */
        char set[256], q[128];
        size_t o = 0;
        for (const char *p = strings[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                q[o++] = '\\';
            if (*p == '\n' || *p == '\t') {
                q[o++] = '\\';
                q[o++] = *p == '\n' ? 'n' : 't';
            } else {
                q[o++] = *p;
            }
        }
        q[o] = '\0';
        snprintf(set, sizeof set, "m.k%d=\"%s\"", i, q);
        int rc = cfg_apply_set(cfg, set, &err);
        if (rc != BMC_OK)
            fail_msg("%s: %s", set, err.msg);
    }
    assert_int_equal(cfg_apply_set(cfg, "s=[\"a, b\", \"-\", \"\", plain]", &err), BMC_OK);
    char *text = cfg_emit(cfg);
    assert_non_null(text);
    int rc = cfg_load_string("emitted.yaml", text, &again, &err);
    if (rc != BMC_OK)
        fail_msg("%s\n%s", err.msg, text);
    cfg_map r = cfg_root(again), m;
    assert_int_equal(cfg_get_map(&r, "m", true, &m, &err), BMC_OK);
    for (int i = 0; i < N; i++) {
        char key[16];
        const char *got;
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(cfg_get_string(&m, key, true, NULL, &got, &err), BMC_OK);
        if (strcmp(got, strings[i]) != 0)
            fail_msg("k%d: \"%s\" came back as \"%s\" from\n%s", i, strings[i], got, text);
    }
    int n;
    const char *s;
    assert_int_equal(cfg_get_seq(&r, "s", true, 4, 4, &n, &err), BMC_OK);
    assert_int_equal(cfg_seq_string(&r, "s", 0, &s, &err), BMC_OK);
    assert_string_equal(s, "a, b");
    assert_int_equal(cfg_seq_string(&r, "s", 2, &s, &err), BMC_OK);
    assert_string_equal(s, "");
    free(text);
    cfg_free(cfg);
    cfg_free(again);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_reads),
        cmocka_unit_test(test_defaults_and_queries),
        cmocka_unit_test(test_number_parsing),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_bad_dates),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_fail_at),
        cmocka_unit_test(test_set_values),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_base_merge),
        cmocka_unit_test(test_base_errors),
        cmocka_unit_test(test_base_from_string),
        cmocka_unit_test(test_emit),
        cmocka_unit_test(test_emit_quoting),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
