/* The checkpoint file (engine/checkpoint.c) on its own: rows come back exactly as appended,
 * in order and in blocks; a record that is torn, corrupted or out of order ends the replay
 * there and is cut off, so appends continue the valid rows; the identity of another run is
 * refused with the reason; a file that is not a checkpoint is an I/O error. */
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

#include "block_columns.h"
#include "checkpoint.h"
#include "results.h"

#define N 50

typedef struct fixture {
    char dir[64];
    char path[128];
    bmc_layout layout;
    bmc_run_identity id;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/bmc-ckpt-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/ck", f->dir);
    f->layout.n_categories = 2;
    snprintf(f->layout.category_names[0], BMC_NAME_LEN, "A");
    snprintf(f->layout.category_names[1], BMC_NAME_LEN, "B");
    f->layout.n_params = 1;
    snprintf(f->layout.param_names[0], BMC_NAME_LEN, "intake.annual_level");
    f->layout.n_months = 3;
    f->layout.trajectories = true;
    bmc_run_identity_make(&f->layout, 42, N, "config: text\n", &f->id);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Every byte of row i of scenario s is a function of (s, column, byte): a row in the wrong
 * place or a lost column shows. */
static void fill(bmc_result_block *b, int64_t first, int rows)
{
    bmc_result_block_reset(b, first);
    bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
    int n = bmc_block_columns(b, rows, cols);
    for (int c = 0; c < n; c++) {
        size_t row_bytes = cols[c].bytes / (size_t)rows;
        for (int i = 0; i < rows; i++)
            for (size_t k = 0; k < row_bytes; k++)
                ((unsigned char *)cols[c].data)[i * row_bytes + k] =
                    (unsigned char)((first + i) * 31 + c * 7 + (int64_t)k);
    }
    b->count = rows;
}

typedef struct seen {
    int64_t rows;
    int blocks;
    const bmc_layout *layout;
} seen;

static int check_block(void *ctx, const bmc_result_block *b, bmc_err *err)
{
    seen *s = ctx;
    (void)err;
    assert_int_equal(b->first_scenario, s->rows);
    bmc_result_block *want = bmc_result_block_alloc(s->layout, b->count);
    assert_non_null(want);
    fill(want, b->first_scenario, b->count);
    bmc_block_column got_cols[BMC_BLOCK_MAX_COLUMNS], want_cols[BMC_BLOCK_MAX_COLUMNS];
    int n = bmc_block_columns(b, b->count, got_cols);
    assert_int_equal(bmc_block_columns(want, b->count, want_cols), n);
    for (int c = 0; c < n; c++) {
        assert_int_equal(got_cols[c].bytes, want_cols[c].bytes);
        assert_memory_equal(got_cols[c].data, want_cols[c].data, got_cols[c].bytes);
    }
    bmc_result_block_free(want);
    s->rows += b->count;
    s->blocks++;
    return BMC_OK;
}

/* Writes blocks of the given sizes from scenario 0 on and closes (keeping the file). */
static void write_blocks(fixture *f, const int *sizes, int n)
{
    bmc_checkpoint *c = NULL;
    bmc_err err;
    unlink(f->path); /* create never replaces a file */
    assert_int_equal(bmc_checkpoint_create(f->path, &f->id, "out.h5", &c, &err), BMC_OK);
    bmc_result_block *b = bmc_result_block_alloc(&f->layout, 16);
    assert_non_null(b);
    int64_t first = 0;
    for (int i = 0; i < n; i++) {
        fill(b, first, sizes[i]);
        assert_int_equal(bmc_checkpoint_append(c, b, &err), BMC_OK);
        first += sizes[i];
    }
    assert_int_equal(bmc_checkpoint_rows(c), first);
    assert_int_equal(bmc_checkpoint_sync(c, &err), BMC_OK);
    assert_int_equal(bmc_checkpoint_close(c, false, &err), BMC_OK);
    bmc_result_block_free(b);
}

static int64_t replay(fixture *f, int *blocks)
{
    bmc_checkpoint *c = NULL;
    bmc_err err;
    bmc_checkpoint_writer pid = {0};
    assert_int_equal(bmc_checkpoint_open(f->path, &f->id, "out.h5", &c, &pid, &err), BMC_OK);
    assert_int_equal(pid.pid, (long)getpid());
    assert_string_equal(pid.out_path, "out.h5");
    seen s = {0, 0, &f->layout};
    int64_t rows = -1;
    assert_int_equal(bmc_checkpoint_replay(c, &f->layout, check_block, &s, &rows, &err),
                     BMC_OK);
    assert_int_equal(rows, s.rows);
    assert_int_equal(bmc_checkpoint_close(c, false, &err), BMC_OK);
    if (blocks)
        *blocks = s.blocks;
    return rows;
}

static long file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long)st.st_size;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    const int sizes[] = {16, 16, 3, 15};
    write_blocks(f, sizes, 4);
    int blocks = 0;
    assert_int_equal(replay(f, &blocks), 50);
    assert_int_equal(blocks, 4);
    /* and again: replay left the file as it was */
    assert_int_equal(replay(f, &blocks), 50);
}

/* Cuts the file at every length inside the last record: the first three records survive,
 * and appending after the replay continues from there. */
static void test_torn_record(void **state)
{
    fixture *f = *state;
    const int sizes[] = {10, 10, 10, 10};
    write_blocks(f, sizes, 3);
    long three = file_size(f->path);
    write_blocks(f, sizes, 4);
    long four = file_size(f->path);
    for (long cut = three + 1; cut < four; cut += (four - three) / 7) {
        write_blocks(f, sizes, 4);
        assert_int_equal(truncate(f->path, cut), 0);
        assert_int_equal(replay(f, NULL), 30);
        assert_int_equal(file_size(f->path), three);
    }
    /* continue after a cut */
    bmc_checkpoint *c = NULL;
    bmc_err err;
    bmc_checkpoint_writer pid;
    seen s = {0, 0, &f->layout};
    int64_t rows;
    assert_int_equal(bmc_checkpoint_open(f->path, &f->id, "out.h5", &c, &pid, &err), BMC_OK);
    assert_int_equal(bmc_checkpoint_replay(c, &f->layout, check_block, &s, &rows, &err), BMC_OK);
    bmc_result_block *b = bmc_result_block_alloc(&f->layout, 20);
    assert_non_null(b);
    fill(b, 29, 5); /* not the next scenario */
    assert_int_equal(bmc_checkpoint_append(c, b, &err), BMC_EINTERNAL);
    fill(b, 30, 20);
    assert_int_equal(bmc_checkpoint_append(c, b, &err), BMC_OK);
    assert_int_equal(bmc_checkpoint_close(c, false, &err), BMC_OK);
    bmc_result_block_free(b);
    assert_int_equal(replay(f, NULL), 50);
}

/* One flipped byte in the payload of the second record: only the first survives. */
static void test_corrupt_record(void **state)
{
    fixture *f = *state;
    const int sizes[] = {10, 10, 10};
    write_blocks(f, sizes, 1);
    long one = file_size(f->path);
    write_blocks(f, sizes, 3);
    FILE *fp = fopen(f->path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, one + 100, SEEK_SET), 0);
    int ch = fgetc(fp);
    assert_int_equal(fseek(fp, one + 100, SEEK_SET), 0);
    fputc(ch ^ 0x10, fp);
    fclose(fp);
    assert_int_equal(replay(f, NULL), 10);
}

static void test_identity(void **state)
{
    fixture *f = *state;
    const int sizes[] = {5};
    write_blocks(f, sizes, 1);
    bmc_run_identity other;
    bmc_checkpoint *c = NULL;
    bmc_err err;
    bmc_checkpoint_writer pid;

    other = f->id;
    other.seed = 43;
    assert_int_equal(bmc_checkpoint_open(f->path, &other, "out.h5", &c, &pid, &err), BMC_EUSAGE);
    assert_non_null(strstr(err.msg, "seed 42, not 43"));
    assert_null(c);

    other = f->id;
    other.n_scenarios = N + 1;
    assert_int_equal(bmc_checkpoint_open(f->path, &other, "out.h5", &c, &pid, &err), BMC_EUSAGE);
    assert_non_null(strstr(err.msg, "scenarios"));

    bmc_run_identity_make(&f->layout, 42, N, "config: other text\n", &other);
    assert_int_equal(bmc_checkpoint_open(f->path, &other, "out.h5", &c, &pid, &err), BMC_EUSAGE);
    assert_non_null(strstr(err.msg, "configuration"));

    bmc_layout l = f->layout;
    l.trajectories = false;
    bmc_run_identity_make(&l, 42, N, "config: text\n", &other);
    assert_int_equal(bmc_checkpoint_open(f->path, &other, "out.h5", &c, &pid, &err), BMC_EUSAGE);
    assert_non_null(strstr(err.msg, "layout"));

    other = f->id;
    snprintf(other.engine, sizeof other.engine, "0.0.0 (git 0000000)");
    assert_int_equal(bmc_checkpoint_open(f->path, &other, "out.h5", &c, &pid, &err), BMC_EUSAGE);
    assert_non_null(strstr(err.msg, "same build"));

    /* still intact after the refusals */
    assert_int_equal(replay(f, NULL), 5);
}

static void test_not_a_checkpoint(void **state)
{
    fixture *f = *state;
    bmc_checkpoint *c = NULL;
    bmc_err err;
    bmc_checkpoint_writer pid;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("certainly not a checkpoint, but long enough to fill a header ......................"
          "..........................................................................",
          fp);
    fclose(fp);
    assert_int_equal(bmc_checkpoint_open(f->path, &f->id, "out.h5", &c, &pid, &err), BMC_EIO);
    assert_non_null(strstr(err.msg, "not a backlogmc checkpoint"));
    assert_int_equal(truncate(f->path, 3), 0);
    assert_int_equal(bmc_checkpoint_open(f->path, &f->id, "out.h5", &c, &pid, &err), BMC_EIO);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing", f->dir);
    assert_int_equal(bmc_checkpoint_open(missing, &f->id, "out.h5", &c, &pid, &err), BMC_EIO);
    assert_non_null(strstr(err.msg, "missing"));
    snprintf(missing, sizeof missing, "%s/no/such/dir/ck", f->dir);
    assert_int_equal(bmc_checkpoint_create(missing, &f->id, "out.h5", &c, &err), BMC_EIO);
    assert_null(c);
}

static void test_remove_on_close(void **state)
{
    fixture *f = *state;
    bmc_checkpoint *c = NULL;
    bmc_err err;
    assert_int_equal(bmc_checkpoint_create(f->path, &f->id, "out.h5", &c, &err), BMC_OK);
    assert_int_equal(bmc_checkpoint_close(c, true, &err), BMC_OK);
    assert_int_equal(access(f->path, F_OK), -1);
    assert_int_equal(bmc_checkpoint_close(NULL, true, &err), BMC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_on_close, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
