/* The temporary names beside an output (outpaths.h): any name the kernel takes gets one that
 * it takes too, cut at a character; and what a resume removes as "the killed run's temporary
 * file" is only ever that: a regular file by that name, holding nothing or what such a file
 * starts with. */
#include <fcntl.h>
#include <limits.h>
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

#include "outpaths.h"
#include "testutil.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    return tu_tmpdir_make(tmpdir, sizeof tmpdir, "outpaths");
}

static int teardown(void **state)
{
    (void)state;
    return tu_tmpdir_remove(tmpdir);
}

static size_t last_component(const char *p)
{
    const char *slash = strrchr(p, '/');
    return strlen(slash ? slash + 1 : p);
}

static void test_tmp_names(void **state)
{
    (void)state;
    char out[BMC_PATH_MAX + 1], path[BMC_PATH_MAX + 2];
    assert_int_equal(bmc_tmp_path("results/x.h5", 123, out, sizeof out), 0);
    assert_string_equal(out, "results/x.h5.tmp-123");
    /* a 255-byte name: cut so that the suffix fits in 255 bytes */
    memset(path, 'n', 255);
    path[255] = '\0';
    assert_int_equal(bmc_tmp_path(path, 4194304, out, sizeof out), 0);
    assert_int_equal(last_component(out), 255);
    assert_int_equal(strncmp(out + strlen(out) - 12, ".tmp-4194304", 12), 0);
    /* a name of 2-byte characters is cut between characters, not inside one */
    for (int i = 0; i < 127; i++)
        memcpy(path + 2 * i, "\xC3\xA9", 2);
    path[254] = '\0';
    assert_int_equal(bmc_tmp_path(path, 77, out, sizeof out), 0);
    size_t keep = strlen(out) - strlen(".tmp-77");
    assert_true(keep % 2 == 0 && keep + 7 <= 255);
    /* a whole path of 4095 bytes: the temporary one stays within 4095 */
    size_t o = 0;
    while (o + 200 < BMC_PATH_MAX - 100) {
        memset(path + o, 'd', 199);
        path[o + 199] = '/';
        o += 200;
    }
    memset(path + o, 'x', BMC_PATH_MAX - o);
    path[BMC_PATH_MAX] = '\0';
    assert_int_equal(strlen(path), BMC_PATH_MAX);
    assert_int_equal(bmc_tmp_path(path, 99999, out, sizeof out), 0);
    assert_true(strlen(out) <= BMC_PATH_MAX && last_component(out) <= 255);
    assert_int_equal(strncmp(out, path, o), 0); /* same directory */
    /* a directory part that leaves no room for any name */
    memset(path, 'd', BMC_PATH_MAX - 3);
    path[BMC_PATH_MAX - 3] = '/';
    memcpy(path + BMC_PATH_MAX - 2, "xy", 3);
    assert_int_equal(bmc_tmp_path(path, 99999, out, sizeof out), -1);
}

static void write_file(const char *path, const void *data, size_t n)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
}

static void test_remove_stale(void **state)
{
    (void)state;
    static const char magic[8] = "\x89HDF\r\n\x1a\n";
    char out[256], tmp[256], other[256];
    snprintf(out, sizeof out, "%s/o.h5", tmpdir);
    snprintf(other, sizeof other, "%s/mine.txt", tmpdir);
    long pid = 99999;
    assert_int_equal(bmc_tmp_path(out, pid, tmp, sizeof tmp), 0);
    struct {
        const char *data;
        size_t n;
        bool removed;
    } cases[] = {
        {"", 0, true},                                  /* killed before writing */
        {"\0\0\0\0\0\0\0\0 and then data", 22, true},   /* superblock not written yet */
        {"\x89HDF\r\n\x1a\n and then data", 22, true}, /* an HDF5 file */
        {"my notes that happen to have this name", 38, false},
        {"\x89HD", 4, false},                          /* too short to tell */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(tmp, cases[i].data, cases[i].n);
        bmc_remove_stale_tmp(out, pid, magic, sizeof magic);
        if ((access(tmp, F_OK) != 0) != cases[i].removed)
            fail_msg("case %zu: %s", i, cases[i].removed ? "not removed" : "removed");
        unlink(tmp);
    }
    /* a symbolic link by that name is left alone, and so is its target */
    write_file(other, "", 0);
    assert_int_equal(symlink(other, tmp), 0);
    bmc_remove_stale_tmp(out, pid, magic, sizeof magic);
    assert_int_equal(access(tmp, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    unlink(tmp);
    /* nor is this process's own temporary file */
    assert_int_equal(bmc_tmp_path(out, (long)getpid(), tmp, sizeof tmp), 0);
    write_file(tmp, "", 0);
    bmc_remove_stale_tmp(out, (long)getpid(), magic, sizeof magic);
    assert_int_equal(access(tmp, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tmp_names),
        cmocka_unit_test(test_remove_stale),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
