/* Reading a checkpoint back on a resume: one pass that finds the whole records, then the
 * rows handed to the run and the summaries of the last snapshot restored; what follows is
 * cut off. */

#include "checkpoint_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block_columns.h"

/* Reads the payload of a record with `rows` rows into the columns of every set's block,
 * hashing as it goes. 1 = read, 0 = torn, -1 = error. */
static int read_payload(int fd, bmc_result_block **b, int n_sets, int rows, hasher *s)
{
    for (int k = 0; k < n_sets; k++) {
        bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
        int n = bmc_block_columns(b[k], rows, cols);
        for (int i = 0; i < n; i++) {
            int r = ck_read_all(fd, cols[i].data, cols[i].bytes);
            if (r <= 0)
                return r;
            ck_hash_bytes(s, cols[i].data, cols[i].bytes);
        }
        b[k]->count = rows;
    }
    return 1;
}

/* The blocks to read a record of `rows` rows into: b[k], grown when too small. */
static int blocks_for(bmc_result_block **b, const bmc_layout *const *layouts, int n_sets,
                      int rows)
{
    for (int k = 0; k < n_sets; k++) {
        if (b[k] && b[k]->capacity >= rows)
            continue;
        bmc_result_block_free(b[k]);
        if (!(b[k] = bmc_result_block_alloc(layouts[k], rows)))
            return BMC_ENOMEM;
    }
    return BMC_OK;
}

static uint64_t record_bytes(bmc_result_block *const *b, int n_sets, int rows)
{
    uint64_t bytes = 0;
    for (int k = 0; k < n_sets; k++)
        bytes += bmc_block_bytes(b[k], rows);
    return bytes;
}

/* Reads a whole payload of `bytes` into *buf (grown as needed), hashing it.
 * 1 = read, 0 = torn, -1 = error, -2 = out of memory. */
static int read_blob(int fd, uint64_t bytes, void **buf, size_t *cap, hasher *s)
{
    if (bytes > ((uint64_t)1 << 40))
        return 0;
    if (bytes > *cap) {
        void *p = realloc(*buf, (size_t)bytes);
        if (!p)
            return -2;
        *buf = p;
        *cap = (size_t)bytes;
    }
    int r = ck_read_all(fd, *buf, (size_t)bytes);
    if (r > 0)
        ck_hash_bytes(s, *buf, (size_t)bytes);
    return r;
}

/* Where the records end and, when wanted, where the last snapshot ends: one pass over the
 * file that checks every record's hash without using it. */
typedef struct scan {
    off_t end;            /* of the last whole record */
    int64_t rows;
    off_t snap_end;       /* of the last whole snapshot (the header end when none) */
    int64_t snap_rows;
    off_t snap_len;       /* its length (0 when none) */
    off_t snap_bytes;     /* of all snapshots */
} scan;

static int scan_records(bmc_checkpoint *c, const bmc_layout *const *layouts, int n_sets,
                        scan *sc, bmc_err *err)
{
    bmc_result_block *b[BMC_MAX_RESULT_SETS] = {NULL};
    sc->end = sc->snap_end = (off_t)sizeof c->header;
    sc->rows = sc->snap_rows = 0;
    sc->snap_len = sc->snap_bytes = 0;
    void *buf = NULL;
    size_t cap = 0;
    int rc = BMC_OK;
    if (lseek(c->fd, sc->end, SEEK_SET) < 0)
        return ck_io_fail(c, err, "cannot read it");
    for (;;) {
        record_header r;
        int got = ck_read_all(c->fd, &r, sizeof r);
        if (got < 0) {
            rc = ck_io_fail(c, err, "cannot read it");
            break;
        }
        bool rows = got > 0 && !memcmp(r.magic, RECORD_MAGIC, 8);
        bool snap = got > 0 && !memcmp(r.magic, SNAPSHOT_MAGIC, 8);
        if (!(rows || snap) || r.first != sc->rows ||
            (rows && (r.rows <= 0 || r.rows > c->header.n_scenarios - sc->rows)) ||
            (snap && r.rows != 0))
            break;
        hasher h = {CK_HASH_SEED};
        ck_hash_bytes(&h, &r, offsetof(record_header, hash));
        /* rows are hashed column by column, as they were appended */
        if (rows && blocks_for(b, layouts, n_sets, (int)r.rows) != BMC_OK) {
            rc = bmc_fail(err, BMC_ENOMEM, "out of memory reading checkpoint %s", c->path);
            break;
        }
        if (rows && record_bytes(b, n_sets, (int)r.rows) != r.bytes)
            break;
        got = rows ? read_payload(c->fd, b, n_sets, (int)r.rows, &h)
                   : read_blob(c->fd, r.bytes, &buf, &cap, &h);
        if (got < 0) {
            rc = got == -2 ? bmc_fail(err, BMC_ENOMEM, "out of memory reading checkpoint %s",
                                      c->path)
                           : ck_io_fail(c, err, "cannot read it");
            break;
        }
        if (got == 0 || ck_hash_final(&h) != r.hash)
            break;
        sc->end += (off_t)(sizeof r + r.bytes);
        sc->rows += r.rows;
        if (snap) {
            sc->snap_end = sc->end;
            sc->snap_rows = sc->rows;
            sc->snap_len = (off_t)(sizeof r + r.bytes);
            sc->snap_bytes += sc->snap_len;
        }
    }
    free(buf);
    for (int k = 0; k < n_sets; k++)
        bmc_result_block_free(b[k]);
    return rc;
}

/* Snapshot payload, per set: the number of counts, then the counts with every run of zeros
 * written as one negative number, minus its length (counts are never negative). */
static int decode_snapshot(const int64_t *w, size_t nw, int n_sets,
                           bmc_checkpoint_restore_fn restore, void *ctx, bmc_err *err)
{
    size_t at = 0;
    int64_t *counts = NULL;
    int rc = BMC_OK;
    for (int k = 0; k < n_sets && rc == BMC_OK; k++) {
        if (at >= nw || w[at] < 0) {
            rc = bmc_fail(err, BMC_EIO, "checkpoint snapshot is malformed");
            break;
        }
        size_t n = (size_t)w[at++];
        int64_t *p = realloc(counts, (n ? n : 1) * sizeof *p);
        if (!p) {
            rc = bmc_fail(err, BMC_ENOMEM, "out of memory restoring a checkpoint");
            break;
        }
        counts = p;
        size_t filled = 0;
        while (filled < n && at < nw) {
            int64_t v = w[at++];
            if (v >= 0) {
                counts[filled++] = v;
                continue;
            }
            if ((uint64_t)(-v) > n - filled)
                break;
            memset(counts + filled, 0, (size_t)(-v) * sizeof *counts);
            filled += (size_t)(-v);
        }
        if (filled != n)
            rc = bmc_fail(err, BMC_EIO, "checkpoint snapshot is malformed");
        else
            rc = restore(ctx, k, counts, n, err);
    }
    free(counts);
    return rc;
}

/* The file ended or changed between the scan and this read. */
static int changed(const bmc_checkpoint *c, bmc_err *err)
{
    return bmc_fail(err, BMC_EIO, "checkpoint %s changed while it was read", c->path);
}

/* The record at the current position, which the scan found whole: its header, and its
 * payload hashed against the header (a file that changed since the scan fails here). */
static int reread_blob(bmc_checkpoint *c, record_header *r, void **buf, size_t *cap,
                       bmc_err *err)
{
    hasher h = {CK_HASH_SEED};
    if (ck_read_all(c->fd, r, sizeof *r) <= 0)
        return changed(c, err);
    ck_hash_bytes(&h, r, offsetof(record_header, hash));
    int got = read_blob(c->fd, r->bytes, buf, cap, &h);
    if (got == -2)
        return bmc_fail(err, BMC_ENOMEM, "out of memory reading checkpoint %s", c->path);
    return got <= 0 || ck_hash_final(&h) != r->hash ? changed(c, err) : BMC_OK;
}

/* Hands the rows [0, upto) to fn, skipping the snapshots among them. */
static int replay_rows(bmc_checkpoint *c, const bmc_layout *const *layouts, int n_sets,
                       int64_t upto, bmc_checkpoint_sets_fn fn, void *ctx, bmc_err *err)
{
    bmc_result_block *b[BMC_MAX_RESULT_SETS] = {NULL};
    int rc = BMC_OK;
    while (rc == BMC_OK && c->rows < upto) {
        record_header r;
        if (ck_read_all(c->fd, &r, sizeof r) <= 0) {
            rc = changed(c, err);
            break;
        }
        if (!memcmp(r.magic, SNAPSHOT_MAGIC, 8)) { /* superseded by a later one */
            if (lseek(c->fd, (off_t)r.bytes, SEEK_CUR) < 0)
                rc = ck_io_fail(c, err, "cannot read it");
            continue;
        }
        if (blocks_for(b, layouts, n_sets, (int)r.rows) != BMC_OK) {
            rc = bmc_fail(err, BMC_ENOMEM, "out of memory replaying checkpoint %s", c->path);
            break;
        }
        hasher h = {CK_HASH_SEED};
        ck_hash_bytes(&h, &r, offsetof(record_header, hash));
        if (record_bytes(b, n_sets, (int)r.rows) != r.bytes ||
            read_payload(c->fd, b, n_sets, (int)r.rows, &h) <= 0 || ck_hash_final(&h) != r.hash) {
            rc = changed(c, err);
            break;
        }
        for (int k = 0; k < n_sets; k++)
            b[k]->first_scenario = r.first;
        rc = fn(ctx, (const bmc_result_block *const *)b, n_sets, err);
        if (rc == BMC_OK)
            c->rows += r.rows;
    }
    for (int k = 0; k < n_sets; k++)
        bmc_result_block_free(b[k]);
    return rc;
}

/* From the current position (right after the replayed rows) to `cut`, only snapshots of
 * those rows follow; the last of them, which ends at cut, goes to restore. */
static int restore_last_snapshot(bmc_checkpoint *c, off_t cut, int n_sets,
                                 bmc_checkpoint_restore_fn restore, void *ctx, bmc_err *err)
{
    void *buf = NULL;
    size_t cap = 0;
    record_header r;
    int rc = BMC_OK;
    for (off_t at = lseek(c->fd, 0, SEEK_CUR); rc == BMC_OK;) {
        if (at < 0 || at >= cut) {
            rc = changed(c, err);
            break;
        }
        rc = reread_blob(c, &r, &buf, &cap, err);
        at += (off_t)(sizeof r + r.bytes);
        if (rc == BMC_OK && at == cut) {
            rc = decode_snapshot(buf, (size_t)(r.bytes / sizeof(int64_t)), n_sets, restore,
                                 ctx, err);
            break;
        }
    }
    free(buf);
    return rc;
}

int bmc_checkpoint_replay_sets(bmc_checkpoint *c, const bmc_layout *const *layouts, int n_sets,
                               bmc_checkpoint_sets_fn fn, bmc_checkpoint_restore_fn restore,
                               void *ctx, int64_t *rows, bmc_err *err)
{
    *rows = 0;
    if (c->replayed)
        return bmc_fail(err, BMC_EINTERNAL, "checkpoint %s replayed twice", c->path);
    if (n_sets < 1 || n_sets > BMC_MAX_RESULT_SETS)
        return bmc_fail(err, BMC_EINTERNAL, "checkpoint of %d result sets", n_sets);
    scan sc;
    int rc = scan_records(c, layouts, n_sets, &sc, err);
    if (rc != BMC_OK)
        return rc;
    /* with snapshots, the run continues from the last one (rows after it are redone) */
    int64_t upto = restore ? sc.snap_rows : sc.rows;
    off_t cut = restore ? sc.snap_end : sc.end;
    if (lseek(c->fd, (off_t)sizeof c->header, SEEK_SET) < 0)
        return ck_io_fail(c, err, "cannot read it");
    rc = replay_rows(c, layouts, n_sets, upto, fn, ctx, err);
    if (rc == BMC_OK && restore && upto > 0)
        rc = restore_last_snapshot(c, cut, n_sets, restore, ctx, err);
    if (rc != BMC_OK)
        return rc;
    /* drop what comes after: appends continue the valid records */
    c->end = cut;
    bool kept = restore && upto > 0 && sc.snap_len > 0;
    c->snap_rows = kept ? upto : -1;
    c->snap_at = kept ? cut - sc.snap_len : -1;
    c->snap_len = kept ? sc.snap_len : 0;
    c->dead = kept ? sc.snap_bytes - sc.snap_len : sc.snap_bytes;
    if (ftruncate(c->fd, c->end) < 0 || lseek(c->fd, c->end, SEEK_SET) < 0)
        return ck_io_fail(c, err, "cannot cut what follows the last whole record");
    rc = ck_write_header(c, err);
    if (rc != BMC_OK)
        return rc;
    c->replayed = true;
    *rows = c->rows;
    return BMC_OK;
}

typedef struct one_set {
    bmc_checkpoint_fn fn;
    void *ctx;
} one_set;

static int call_one_set(void *ctx, const bmc_result_block *const *b, int n_sets, bmc_err *err)
{
    (void)n_sets;
    const one_set *o = ctx;
    return o->fn(o->ctx, b[0], err);
}

int bmc_checkpoint_replay(bmc_checkpoint *c, const bmc_layout *layout, bmc_checkpoint_fn fn,
                          void *ctx, int64_t *rows, bmc_err *err)
{
    one_set o = {fn, ctx};
    return bmc_checkpoint_replay_sets(c, &layout, 1, call_one_set, NULL, &o, rows, err);
}
