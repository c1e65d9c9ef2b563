/* The limits of the config reader (yamlcfg.h, textfile.h): each is tested on both sides of
 * its edge, so that moving an edge by one fails a test; encodings and NUL bytes are refused
 * at their line and column; base: files that are not regular files are refused at the base:
 * value without blocking or growing. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "textfile.h"
#include "testutil.h"
#include "yamlcfg.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    return tu_tmpdir_make(tmpdir, sizeof tmpdir, "limits");
}

static int teardown(void **state)
{
    (void)state;
    return tu_tmpdir_remove(tmpdir);
}

/* Loads len bytes of text as "t.yaml"; returns the status, err filled. */
static int load(const char *text, size_t len, bmc_err *err)
{
    bmc_cfg *cfg = NULL;
    int rc = cfg_load_buffer("t.yaml", text, len, &cfg, err);
    cfg_free(cfg);
    return rc;
}

static void expect(int rc, int want_rc, const bmc_err *err, const char *want)
{
    if (rc != want_rc || strncmp(err->msg, want, strlen(want)) != 0)
        fail_msg("got %d \"%s\"\n   want %d \"%s...\"", rc, err->msg, want_rc, want);
}

/* "a: " then depth nested flow lists around a 1: depth + 1 collections with the root. */
static char *nested(int depth)
{
    size_t n = 3 + 2 * (size_t)depth + 3;
    char *s = malloc(n);
    assert_non_null(s);
    size_t o = 0;
    memcpy(s, "a: ", 3);
    o = 3;
    for (int i = 0; i < depth; i++)
        s[o++] = '[';
    s[o++] = '1';
    for (int i = 0; i < depth; i++)
        s[o++] = ']';
    s[o++] = '\n';
    s[o] = '\0';
    return s;
}

static void test_depth(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    char *ok = nested(63), *deep = nested(64), *very = nested(20000);
    int rc = load(ok, strlen(ok), &err);
    if (rc != BMC_OK)
        fail_msg("64 levels (root + 63 lists) must be read: %s", err.msg);
    expect(load(deep, strlen(deep), &err), BMC_ECONFIG, &err, "t.yaml:1:67: a[0]");
    assert_non_null(strstr(err.msg, "nested deeper than 64"));
    /* the crash of a recursive reader: now one line */
    expect(load(very, strlen(very), &err), BMC_ECONFIG, &err, "t.yaml:1:67: a[0]");
    free(ok);
    free(deep);
    free(very);
    /* mapping keys that are themselves mappings nest too */
    char keys[4096] = "a: ";
    for (int i = 0; i < 70; i++)
        strcat(keys, "{? ");
    strcat(keys, "x");
    for (int i = 0; i < 70; i++)
        strcat(keys, ": 1}");
    strcat(keys, "\n");
    expect(load(keys, strlen(keys), &err), BMC_ECONFIG, &err, "t.yaml:1:");
    assert_non_null(strstr(err.msg, "nested deeper than 64"));
}

/* "a: {k0: 1, ...}" with n keys, or "a: [1, ...]" with n items. */
static char *collection(int n, bool map)
{
    char *s = malloc((size_t)n * 16 + 16);
    assert_non_null(s);
    size_t o = (size_t)sprintf(s, "a: %c", map ? '{' : '[');
    for (int i = 0; i < n; i++)
        o += (size_t)(map ? sprintf(s + o, "%sk%d: 1", i ? ", " : "", i)
                          : sprintf(s + o, "%s1", i ? ", " : ""));
    sprintf(s + o, "%c\n", map ? '}' : ']');
    return s;
}

static void test_sizes(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    struct {
        int n;
        bool map;
        int want;
    } cases[] = {{1000, true, BMC_OK}, {1001, true, BMC_ECONFIG},
                 {10000, false, BMC_OK}, {10001, false, BMC_ECONFIG}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = collection(cases[i].n, cases[i].map);
        int rc = load(s, strlen(s), &err);
        free(s);
        if (rc != cases[i].want)
            fail_msg("%d %s: got %d (%s)", cases[i].n, cases[i].map ? "keys" : "items", rc,
                     rc ? err.msg : "");
        if (rc)
            expect(rc, BMC_ECONFIG, &err, cases[i].map ? "t.yaml:1:4: a: a mapping with more "
                                                         "keys than 1000"
                                                       : "t.yaml:1:4: a: a list with more "
                                                         "items than 10000");
    }
    /* 200,000 values in all: 20 lists of 9,999 items make 200,001 with the root and keys */
    size_t cap = 20 * (9999 * 3 + 16) + 1;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t o = 0;
    for (int k = 0; k < 20; k++) {
        o += (size_t)sprintf(s + o, "k%02d: [", k);
        for (int i = 0; i < 9999; i++)
            o += (size_t)sprintf(s + o, "%s1", i ? "," : "");
        o += (size_t)sprintf(s + o, "]\n");
    }
    expect(load(s, o, &err), BMC_ECONFIG, &err, "t.yaml:20:");
    assert_non_null(strstr(err.msg, "more values in one document than 200000"));
    /* one list fewer: 190,001 values are read */
    char *cut = strstr(s, "k19:");
    assert_non_null(cut);
    int rc = load(s, (size_t)(cut - s), &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    free(s);
}

static void test_encodings(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    /* a NUL byte no longer ends the document silently */
    expect(load("a: 1\n\0b: 2\n", 11, &err), BMC_ECONFIG, &err, "t.yaml:2:1: a NUL byte");
    static const char u16[] = "\xFF\xFE" "a\0:\0 \0" "1\0\n\0";
    expect(load(u16, sizeof u16 - 1, &err), BMC_ECONFIG, &err,
           "t.yaml:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark)");
    static const char u16be[] = "\xFE\xFF" "\0a\0:";
    expect(load(u16be, sizeof u16be - 1, &err), BMC_ECONFIG, &err, "t.yaml:1:1: the file is UTF-16");
    static const char u32[] = "\xFF\xFE\0\0" "a\0\0\0";
    expect(load(u32, sizeof u32 - 1, &err), BMC_ECONFIG, &err, "t.yaml:1:1: the file is UTF-32");
    static const char u16_no_mark[] = "a\0:\0 \0" "1\0";
    expect(load(u16_no_mark, sizeof u16_no_mark - 1, &err), BMC_ECONFIG, &err,
           "t.yaml:1:2: NUL bytes between the characters");
    /* Latin-1 in a comment, the column counted in characters */
    expect(load("a: 1\n# caf\xE9\n", 11, &err), BMC_ECONFIG, &err,
           "t.yaml:2:6: byte 0xE9 is not UTF-8");
    expect(load("a: \xC3\xA9\xE9\n", 7, &err), BMC_ECONFIG, &err, "t.yaml:1:5: byte 0xE9");
    /* overlong, surrogate, beyond U+10FFFF, cut short at the end */
    static const char *const bad[] = {"a: \xC0\x80", "a: \xE0\x80\x80", "a: \xED\xA0\x80",
                                      "a: \xF4\x90\x80\x80", "a: \xF5\x80\x80\x80", "a: \xE2\x82",
                                      "a: \x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(load(bad[i], strlen(bad[i]), &err), BMC_ECONFIG, &err, "t.yaml:1:4: byte 0x");
    /* every valid width, and a UTF-8 byte order mark, are read */
    static const char good[] = "\xEF\xBB\xBF" "a: \"\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 "
                               "\xF4\x8F\xBF\xBF\"\n";
    int rc = load(good, sizeof good - 1, &err);
    if (rc != BMC_OK)
        fail_msg("%s", err.msg);
    /* --set values too, as a usage error */
    bmc_cfg *cfg = NULL;
    assert_int_equal(cfg_load_string("t.yaml", "a: 1\n", &cfg, &err), BMC_OK);
    expect(cfg_apply_set(cfg, "a=\xE9t\xE9", &err), BMC_EUSAGE, &err,
           "--set: byte 3 of \"a=...\" is not UTF-8");
    expect(cfg_apply_set(cfg, "a=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                              "[[[[[[[[1", &err),
           BMC_EUSAGE, &err, "--set a=");
    assert_non_null(strstr(err.msg, "nested deeper than 64"));
    assert_int_equal(cfg_apply_set(cfg, "a=\xC3\xA9t\xC3\xA9", &err), BMC_OK);
    cfg_free(cfg);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A child whose base: is path; loading it must fail at 1:7 with the reason. */
static void expect_base(const char *base, const char *reason)
{
    char child[256], text[512], want[1024];
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    snprintf(child, sizeof child, "%s/child.yaml", tmpdir);
    snprintf(text, sizeof text, "base: %s\na: 1\n", base);
    write_file(child, text);
    snprintf(want, sizeof want, "%s:1:7: base: cannot read the base file \"%s\": %s", child,
             base, reason);
    expect(cfg_load_file(child, &cfg, &err), BMC_ECONFIG, &err, want);
    assert_null(cfg);
}

static void test_base_files(void **state)
{
    (void)state;
    char fifo[128], dir[128], big[128], edge[128];
    snprintf(fifo, sizeof fifo, "%s/fifo", tmpdir);
    snprintf(dir, sizeof dir, "%s/dir", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    expect_base(fifo, "it is a FIFO (named pipe), not a file"); /* would block forever */
    expect_base("/dev/zero", "it is a device, not a file");   /* would never end */
    expect_base(dir, "it is a directory");
    expect_base("/nowhere/x.yaml", "No such file or directory");
    /* the size limit: one byte over is refused before reading, the limit itself is read
     * (a sparse file of NUL bytes, refused for its first NUL at 1:1) */
    snprintf(big, sizeof big, "%s/big.yaml", tmpdir);
    snprintf(edge, sizeof edge, "%s/edge.yaml", tmpdir);
    int fd = open(big, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0 && ftruncate(fd, (off_t)BMC_TEXT_MAX_BYTES + 1) == 0);
    close(fd);
    fd = open(edge, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0 && ftruncate(fd, (off_t)BMC_TEXT_MAX_BYTES) == 0);
    close(fd);
    expect_base(big, "it has 16777217 bytes, more than the 16 MiB a text input may have");
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    expect(cfg_load_file(edge, &cfg, &err), BMC_ECONFIG, &err, edge);
    assert_non_null(strstr(err.msg, ":1:1: NUL bytes between"));
    /* the configuration itself: an I/O error */
    expect(cfg_load_file(fifo, &cfg, &err), BMC_EIO, &err, fifo);
    assert_non_null(strstr(err.msg, ": cannot read the config: it is a FIFO"));
    expect(cfg_load_file(dir, &cfg, &err), BMC_EIO, &err, dir);
    assert_non_null(strstr(err.msg, ": cannot read the config: it is a directory"));
}

/* Scalars are unescaped exactly (libfyaml's token text is read chunk by chunk, which also
 * avoids its leak on long quoted scalars, caught by the sanitizer build); an escaped NUL is
 * refused rather than cut. */
static void test_scalars(void **state)
{
    (void)state;
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    static const char text[] =
        "a: ''''''''''''''''''''''''''''''\n"
        "b: \"tab\\there \\u00e9 \\x41 \\\"q\\\"\"\n"
        "c: 'it''s'\n"
        "d: |\n  line 1\n  line 2\n"
        "e: >-\n  folded\n  text\n"
        "f: \"multi\n  line\"\n";
    assert_int_equal(cfg_load_string("t.yaml", text, &cfg, &err), BMC_OK);
    cfg_map root = cfg_root(cfg);
    const char *want[][2] = {{"a", "''''''''''''''"}, {"b", "tab\there \xc3\xa9 A \"q\""},
                             {"c", "it's"}, {"d", "line 1\nline 2\n"}, {"e", "folded text"},
                             {"f", "multi line"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *v = NULL;
        assert_int_equal(cfg_get_string(&root, want[i][0], true, NULL, &v, &err), BMC_OK);
        assert_string_equal(v, want[i][1]);
    }
    cfg_free(cfg);
    expect(load("a: \"x\\0y\"\n", 10, &err), BMC_ECONFIG, &err,
           "t.yaml:1:4: a: a NUL character (\\0) in a value");
}

/* The resolved configuration (stored in every results file) reads back to itself, also
 * with characters that YAML treats specially: a byte order mark that starts a line (found by
 * the fuzzer: emitted plain at the start of the text it was dropped), the YAML 1.1 line
 * breaks U+0085, U+2028, U+2029, control characters. */
static void test_emit_round_trip(void **state)
{
    (void)state;
    static const char text[] = "# comment\n\xEF\xBB\xBF" "e: \"x\\u0015y\"\n"
                               "n: \"a\\Nb\\Lc\\Pd\"\n"
                               "u: caf\xC3\xA9\n";
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL, *again = NULL;
    assert_int_equal(cfg_load_string("t.yaml", text, &cfg, &err), BMC_OK);
    char *first = cfg_emit(cfg);
    assert_non_null(first);
    if (cfg_load_string("emitted.yaml", first, &again, &err) != BMC_OK)
        fail_msg("%s\n%s", err.msg, first);
    char *second = cfg_emit(again);
    assert_non_null(second);
    assert_string_equal(first, second);
    cfg_map root = cfg_root(again);
    const char *v = NULL;
    assert_int_equal(cfg_get_string(&root, "\xEF\xBB\xBF" "e", true, NULL, &v, &err), BMC_OK);
    assert_string_equal(v, "x\x15y");
    assert_int_equal(cfg_get_string(&root, "n", true, NULL, &v, &err), BMC_OK);
    assert_string_equal(v, "a\xC2\x85" "b\xE2\x80\xA8" "c\xE2\x80\xA9" "d");
    free(first);
    free(second);
    cfg_free(cfg);
    cfg_free(again);
}

/* The files a document came from, for the output-path checks. */
static void test_inputs(void **state)
{
    (void)state;
    char base[128], child[128], text[256];
    snprintf(base, sizeof base, "%s/in-base.yaml", tmpdir);
    snprintf(child, sizeof child, "%s/in-child.yaml", tmpdir);
    write_file(base, "a: 1\n");
    snprintf(text, sizeof text, "base: in-base.yaml\nb: 2\n");
    write_file(child, text);
    bmc_err err = {{0}};
    bmc_cfg *cfg = NULL;
    assert_int_equal(cfg_load_file(child, &cfg, &err), BMC_OK);
    int n = 0;
    const char *const *in = cfg_inputs(cfg, &n);
    assert_int_equal(n, 2);
    assert_string_equal(in[0], child);
    assert_string_equal(in[1], base);
    cfg_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth),     cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_encodings), cmocka_unit_test(test_base_files),
        cmocka_unit_test(test_scalars),   cmocka_unit_test(test_emit_round_trip),
        cmocka_unit_test(test_inputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
