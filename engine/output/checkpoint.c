#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backlogmc_version.h"
#include "block_columns.h"
#include "outpaths.h"

#define FILE_MAGIC "BMCCKPT2"
#define RECORD_MAGIC "BMCROWS1"
#define SNAPSHOT_MAGIC "BMCSUMS1"
#define ENDIAN_MARK UINT64_C(0x0102030405060708)

/* Every field is 8 bytes wide (or a multiple): no padding, the same bytes on disk as in
 * memory. */
typedef struct file_header {
    char magic[8];
    uint64_t endian;
    uint64_t seed;
    int64_t n_scenarios;
    uint64_t config_hash;
    uint64_t layout_hash;
    int64_t writer_pid;
    char engine[96];
    char out_path[BMC_PATH_MAX + 1]; /* the writer's output: a resume removes its temporary */
    uint64_t hash; /* of everything above */
} file_header;

typedef struct record_header {
    char magic[8];
    int64_t first;
    int64_t rows;
    uint64_t bytes; /* payload: the block's columns, rows [0, rows) */
    uint64_t hash;  /* of the fields above and the payload */
} record_header;

struct bmc_checkpoint {
    char *path;
    int fd;
    file_header header;
    int64_t rows;      /* scenarios saved */
    off_t end;         /* end of the last whole record: appends go here */
    bool replayed;     /* appends only after the replay (which cuts what follows it) */
    int64_t snap_rows; /* rows at the last snapshot, -1 before the first */
    off_t snap_at;     /* where the last snapshot record starts, -1 before the first */
    off_t snap_len;    /* and its length */
    off_t dead;        /* bytes of the snapshots it superseded */
    off_t compact_min; /* no compaction below this many dead bytes (after one failed) */
};

/* FNV-1a over 64-bit words (a tail shorter than a word is zero-padded), then a final mix:
 * cheap enough for every block, and any torn or stale record fails it. */
typedef struct hasher {
    uint64_t h;
} hasher;

static void hash_bytes(hasher *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = s->h;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = (h ^ w) * UINT64_C(0x100000001b3);
    }
    s->h = h;
}

static uint64_t hash_final(const hasher *s)
{
    uint64_t h = s->h;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

static const uint64_t HASH_SEED = UINT64_C(0xcbf29ce484222325);

static uint64_t hash_of(const void *data, size_t n)
{
    hasher s = {HASH_SEED};
    hash_bytes(&s, data, n);
    return hash_final(&s);
}

void bmc_run_identity_make(const bmc_layout *l, uint64_t seed, int64_t n_scenarios,
                           const char *config_text, bmc_run_identity *out)
{
    memset(out, 0, sizeof *out);
    out->seed = seed;
    out->n_scenarios = n_scenarios;
    out->config_hash = hash_of(config_text ? config_text : "", config_text ? strlen(config_text) : 0);
    out->layout_hash = HASH_SEED;
    bmc_run_identity_add_layout(out, l);
    snprintf(out->engine, sizeof out->engine, "%s (git %s)", BACKLOGMC_VERSION,
             BACKLOGMC_GIT_COMMIT);
}

void bmc_run_identity_add_layout(bmc_run_identity *id, const bmc_layout *l)
{
    hasher s = {id->layout_hash};
    int32_t counts[4] = {l->n_categories, l->n_params, l->n_months, l->trajectories};
    hash_bytes(&s, counts, sizeof counts);
    for (int c = 0; c < l->n_categories; c++)
        hash_bytes(&s, l->category_names[c], strnlen(l->category_names[c], BMC_NAME_LEN) + 1);
    for (int p = 0; p < l->n_params; p++)
        hash_bytes(&s, l->param_names[p], strnlen(l->param_names[p], BMC_NAME_LEN) + 1);
    id->layout_hash = hash_final(&s);
}

void bmc_run_identity_add_value(bmc_run_identity *id, uint64_t v)
{
    hasher s = {id->config_hash};
    hash_bytes(&s, &v, sizeof v);
    id->config_hash = hash_final(&s);
}

static int io_fail(const bmc_checkpoint *c, bmc_err *err, const char *what)
{
    return bmc_fail(err, BMC_EIO, "checkpoint %s: %s: %s", c->path, what, strerror(errno));
}

static int write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* 1 = all n bytes read, 0 = end of file first (a torn record), -1 = error */
static int read_all(int fd, void *data, size_t n)
{
    char *p = data;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        p += r;
        n -= (size_t)r;
    }
    return 1;
}

static void header_seal(file_header *h)
{
    h->hash = hash_of(h, offsetof(file_header, hash));
}

static int write_header(bmc_checkpoint *c, bmc_err *err)
{
    header_seal(&c->header);
    if (lseek(c->fd, 0, SEEK_SET) < 0 || write_all(c->fd, &c->header, sizeof c->header) < 0)
        return io_fail(c, err, "cannot write the header");
    return BMC_OK;
}

static bmc_checkpoint *checkpoint_new(const char *path)
{
    bmc_checkpoint *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = -1;
    c->snap_rows = -1;
    c->snap_at = -1;
    if (!(c->path = strdup(path))) {
        free(c);
        return NULL;
    }
    return c;
}

/* One process at a time: a second run resuming the same file would interleave records. A
 * file system without locks is taken as it is. */
static int lock(const bmc_checkpoint *c, int fd, bmc_err *err)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK)
        return BMC_OK;
    return bmc_fail(err, BMC_EUSAGE, "checkpoint %s is in use by another backlogmc run (pid "
                    "%lld): wait for it to end or stop it", c->path,
                    (long long)c->header.writer_pid);
}

/* The header at the start of path, when it is a checkpoint of this kind of machine. */
static bool read_header(int fd, file_header *h)
{
    return read_all(fd, h, sizeof *h) > 0 && !memcmp(h->magic, FILE_MAGIC, 8)
           && h->endian == ENDIAN_MARK && h->hash == hash_of(h, offsetof(file_header, hash));
}

static int check_identity(const bmc_checkpoint *c, const bmc_run_identity *id, bmc_err *err);

/* --checkpoint names a file that exists: say what it is; it is left alone. */
static int refuse_existing(bmc_checkpoint *c, const bmc_run_identity *id, bmc_err *err)
{
    int fd = open(c->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    bool is_ck = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                 && read_header(fd, &c->header);
    if (fd >= 0)
        close(fd);
    bmc_err why;
    if (!is_ck)
        return bmc_fail(err, BMC_EUSAGE, "--checkpoint %s exists and is not a backlogmc "
                        "checkpoint: refusing to overwrite it (choose another --checkpoint)",
                        c->path);
    if (check_identity(c, id, &why) != BMC_OK)
        return bmc_fail(err, BMC_EUSAGE, "--checkpoint %s holds another run: remove it or "
                        "choose another --checkpoint", c->path);
    return bmc_fail(err, BMC_EUSAGE, "--checkpoint %s holds this run, saved before: add "
                    "--resume %s to continue it, or remove the file to start over", c->path,
                    c->path);
}

static void checkpoint_free(bmc_checkpoint *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->path);
    free(c);
}

static void set_out_path(file_header *h, const char *out_path)
{
    memset(h->out_path, 0, sizeof h->out_path);
    snprintf(h->out_path, sizeof h->out_path, "%s", out_path ? out_path : "");
}

int bmc_checkpoint_create(const char *path, const bmc_run_identity *id, const char *out_path,
                          bmc_checkpoint **out, bmc_err *err)
{
    *out = NULL;
    bmc_checkpoint *c = checkpoint_new(path);
    if (!c)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the checkpoint");
    /* never over an existing file: it may be a checkpoint to resume, or anything else */
    c->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (c->fd < 0) {
        int rc = errno == EEXIST ? refuse_existing(c, id, err)
                                 : io_fail(c, err, "cannot create it");
        checkpoint_free(c);
        return rc;
    }
    int rc = lock(c, c->fd, err);
    if (rc != BMC_OK) {
        checkpoint_free(c);
        unlink(path);
        return rc;
    }
    memcpy(c->header.magic, FILE_MAGIC, 8);
    c->header.endian = ENDIAN_MARK;
    c->header.seed = id->seed;
    c->header.n_scenarios = id->n_scenarios;
    c->header.config_hash = id->config_hash;
    c->header.layout_hash = id->layout_hash;
    c->header.writer_pid = (int64_t)getpid();
    memcpy(c->header.engine, id->engine, sizeof c->header.engine);
    set_out_path(&c->header, out_path);
    rc = write_header(c, err);
    if (rc == BMC_OK && fsync(c->fd) < 0)
        rc = io_fail(c, err, "cannot sync it");
    if (rc != BMC_OK) {
        checkpoint_free(c);
        unlink(path);
        return rc;
    }
    c->end = (off_t)sizeof c->header;
    c->replayed = true; /* nothing to replay */
    *out = c;
    return BMC_OK;
}

/* Says which part of the identity differs. */
static int check_identity(const bmc_checkpoint *c, const bmc_run_identity *id, bmc_err *err)
{
    const file_header *h = &c->header;
    const char *hint = "resume with the same config, --set, --seed, --scenarios (or "
                       "--precision, --precision-batch and --max-scenarios) and "
                       "--trajectories as the run that wrote it";
    if (h->seed != id->seed)
        return bmc_fail(err, BMC_EUSAGE, "checkpoint %s is of seed %llu, not %llu: %s",
                        c->path, (unsigned long long)h->seed, (unsigned long long)id->seed,
                        hint);
    if (h->n_scenarios != id->n_scenarios)
        return bmc_fail(err, BMC_EUSAGE, "checkpoint %s is of %lld scenarios, not %lld: %s",
                        c->path, (long long)h->n_scenarios, (long long)id->n_scenarios, hint);
    if (h->config_hash != id->config_hash)
        return bmc_fail(err, BMC_EUSAGE, "checkpoint %s was made with another configuration: %s",
                        c->path, hint);
    if (h->layout_hash != id->layout_hash)
        return bmc_fail(err, BMC_EUSAGE, "checkpoint %s was made with another output layout: %s",
                        c->path, hint);
    if (strncmp(h->engine, id->engine, sizeof h->engine) != 0)
        return bmc_fail(err, BMC_EUSAGE,
                        "checkpoint %s was made by backlogmc %.96s, this is %.96s: resume "
                        "with the same build",
                        c->path, h->engine, id->engine);
    return BMC_OK;
}

int bmc_checkpoint_open(const char *path, const bmc_run_identity *id, const char *out_path,
                        bmc_checkpoint **out, bmc_checkpoint_writer *old, bmc_err *err)
{
    *out = NULL;
    bmc_checkpoint *c = checkpoint_new(path);
    if (!c)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the checkpoint");
    int rc = BMC_OK;
    struct stat st;
    c->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (c->fd < 0)
        rc = io_fail(c, err, "cannot open it");
    else if (fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode))
        rc = bmc_fail(err, BMC_EIO, "%s is not a backlogmc checkpoint (not a regular file)",
                      path);
    else if (!read_header(c->fd, &c->header))
        rc = bmc_fail(err, BMC_EIO, "%s is not a backlogmc checkpoint (or was written on "
                      "another kind of machine or by another version)", path);
    if (rc == BMC_OK)
        rc = check_identity(c, id, err);
    if (rc == BMC_OK)
        rc = lock(c, c->fd, err);
    if (rc == BMC_OK) {
        /* recorded by a successful replay: a resume that fails before leaves the file as
         * it was, and the next one still finds the temporary files of the killed run */
        old->pid = (long)c->header.writer_pid;
        memcpy(old->out_path, c->header.out_path, sizeof old->out_path);
        old->out_path[sizeof old->out_path - 1] = '\0';
        c->header.writer_pid = (int64_t)getpid();
        set_out_path(&c->header, out_path);
        /* a compaction of the killed run may have left its copy */
        bmc_remove_stale_tmp(path, old->pid, FILE_MAGIC, 8);
    }
    if (rc != BMC_OK) {
        checkpoint_free(c);
        return rc;
    }
    c->end = (off_t)sizeof c->header;
    *out = c;
    return BMC_OK;
}

/* Reads the payload of a record with `rows` rows into the columns of every set's block,
 * hashing as it goes. 1 = read, 0 = torn, -1 = error. */
static int read_payload(int fd, bmc_result_block **b, int n_sets, int rows, hasher *s)
{
    for (int k = 0; k < n_sets; k++) {
        bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
        int n = bmc_block_columns(b[k], rows, cols);
        for (int i = 0; i < n; i++) {
            int r = read_all(fd, cols[i].data, cols[i].bytes);
            if (r <= 0)
                return r;
            hash_bytes(s, cols[i].data, cols[i].bytes);
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
    int r = read_all(fd, *buf, (size_t)bytes);
    if (r > 0)
        hash_bytes(s, *buf, (size_t)bytes);
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
        return io_fail(c, err, "cannot read it");
    for (;;) {
        record_header r;
        int got = read_all(c->fd, &r, sizeof r);
        if (got < 0) {
            rc = io_fail(c, err, "cannot read it");
            break;
        }
        bool rows = got > 0 && !memcmp(r.magic, RECORD_MAGIC, 8);
        bool snap = got > 0 && !memcmp(r.magic, SNAPSHOT_MAGIC, 8);
        if (!(rows || snap) || r.first != sc->rows ||
            (rows && (r.rows <= 0 || r.rows > c->header.n_scenarios - sc->rows)) ||
            (snap && r.rows != 0))
            break;
        hasher h = {HASH_SEED};
        hash_bytes(&h, &r, offsetof(record_header, hash));
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
                           : io_fail(c, err, "cannot read it");
            break;
        }
        if (got == 0 || hash_final(&h) != r.hash)
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
    hasher h = {HASH_SEED};
    if (read_all(c->fd, r, sizeof *r) <= 0)
        return changed(c, err);
    hash_bytes(&h, r, offsetof(record_header, hash));
    int got = read_blob(c->fd, r->bytes, buf, cap, &h);
    if (got == -2)
        return bmc_fail(err, BMC_ENOMEM, "out of memory reading checkpoint %s", c->path);
    return got <= 0 || hash_final(&h) != r->hash ? changed(c, err) : BMC_OK;
}

/* Hands the rows [0, upto) to fn, skipping the snapshots among them. */
static int replay_rows(bmc_checkpoint *c, const bmc_layout *const *layouts, int n_sets,
                       int64_t upto, bmc_checkpoint_sets_fn fn, void *ctx, bmc_err *err)
{
    bmc_result_block *b[BMC_MAX_RESULT_SETS] = {NULL};
    int rc = BMC_OK;
    while (rc == BMC_OK && c->rows < upto) {
        record_header r;
        if (read_all(c->fd, &r, sizeof r) <= 0) {
            rc = changed(c, err);
            break;
        }
        if (!memcmp(r.magic, SNAPSHOT_MAGIC, 8)) { /* superseded by a later one */
            if (lseek(c->fd, (off_t)r.bytes, SEEK_CUR) < 0)
                rc = io_fail(c, err, "cannot read it");
            continue;
        }
        if (blocks_for(b, layouts, n_sets, (int)r.rows) != BMC_OK) {
            rc = bmc_fail(err, BMC_ENOMEM, "out of memory replaying checkpoint %s", c->path);
            break;
        }
        hasher h = {HASH_SEED};
        hash_bytes(&h, &r, offsetof(record_header, hash));
        if (record_bytes(b, n_sets, (int)r.rows) != r.bytes ||
            read_payload(c->fd, b, n_sets, (int)r.rows, &h) <= 0 || hash_final(&h) != r.hash) {
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
        return io_fail(c, err, "cannot read it");
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
        return io_fail(c, err, "cannot cut what follows the last whole record");
    rc = write_header(c, err);
    if (rc != BMC_OK)
        return rc;
    c->replayed = true;
    *rows = c->rows;
    return BMC_OK;
}

/* Appends go at the end of the last whole record: never over a record (a replay that failed
 * leaves the position anywhere), and a failed append is cut off again. */
static int begin_append(bmc_checkpoint *c, bmc_err *err)
{
    if (!c->replayed)
        return bmc_fail(err, BMC_EINTERNAL, "checkpoint %s: append before its replay", c->path);
    return lseek(c->fd, c->end, SEEK_SET) < 0 ? io_fail(c, err, "cannot append") : BMC_OK;
}

static int append_failed(bmc_checkpoint *c, bmc_err *err)
{
    int rc = io_fail(c, err, "cannot append");
    (void)!ftruncate(c->fd, c->end);
    return rc;
}

static void put_word(int64_t **w, size_t *n, size_t *cap, int64_t v, bool *oom)
{
    if (*oom)
        return;
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 4096;
        int64_t *p = realloc(*w, nc * sizeof *p);
        if (!p) {
            *oom = true;
            return;
        }
        *w = p;
        *cap = nc;
    }
    (*w)[(*n)++] = v;
}

/* ---- compaction ---------------------------------------------------------------------------- */

/* Copies len bytes at offset from of c's file to the end of fd. */
static int copy_bytes(const bmc_checkpoint *c, int fd, off_t from, off_t len)
{
    char buf[1 << 16];
    while (len > 0) {
        size_t n = len < (off_t)sizeof buf ? (size_t)len : sizeof buf;
        ssize_t got = pread(c->fd, buf, n, from);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || write_all(fd, buf, (size_t)got) < 0)
            return -1;
        from += got;
        len -= got;
    }
    return 0;
}

/* The header, every row record and the last snapshot, in their order, to fd. */
static int copy_live(const bmc_checkpoint *c, int fd, off_t *snap_at)
{
    file_header h = c->header;
    header_seal(&h);
    if (write_all(fd, &h, sizeof h) < 0)
        return -1;
    off_t out = (off_t)sizeof h;
    for (off_t at = (off_t)sizeof h; at < c->end;) {
        record_header r;
        if (pread(c->fd, &r, sizeof r, at) != (ssize_t)sizeof r)
            return -1;
        off_t len = (off_t)(sizeof r + r.bytes);
        bool keep = memcmp(r.magic, SNAPSHOT_MAGIC, 8) != 0 || at == c->snap_at;
        if (keep && at == c->snap_at)
            *snap_at = out;
        if (keep && copy_bytes(c, fd, at, len) < 0)
            return -1;
        out += keep ? len : 0;
        at += len;
    }
    return 0;
}

/* fsync of the directory that holds path: makes a rename in it durable. */
static void sync_dir(const char *path)
{
    char dir[BMC_PATH_MAX + 1];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)!fsync(fd);
        close(fd);
    }
}

/* Replaces the file by a copy without the superseded snapshots, when they take more room
 * than the rest: the file then stays within about twice its rows and one snapshot, and the
 * copying costs at most what the snapshots wrote. The copy is complete and synced before
 * rename(2) puts it in place, so a crash at any point leaves one whole checkpoint: the old or
 * the new. A copy that fails (a full disk) is removed and the old file stays; the next try
 * waits until twice as much is superseded. */
static void compact(bmc_checkpoint *c)
{
    char tmp[BMC_PATH_MAX + 1];
    off_t snap_at = -1;
    c->compact_min = 2 * c->dead;
    if (bmc_tmp_path(c->path, (long)getpid(), tmp, sizeof tmp) != 0)
        return;
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return;
    bmc_err ignored;
    bool ok = copy_live(c, fd, &snap_at) == 0 && fsync(fd) == 0
              && lock(c, fd, &ignored) == BMC_OK && rename(tmp, c->path) == 0;
    if (!ok) {
        close(fd);
        unlink(tmp);
        return;
    }
    sync_dir(c->path);
    close(c->fd);
    c->fd = fd;
    c->end -= c->dead;
    c->snap_at = snap_at;
    c->dead = 0;
    c->compact_min = 0;
}

int bmc_checkpoint_append_snapshot(bmc_checkpoint *c, const int64_t *const *counts,
                                   const size_t *n_counts, int n_sets, bmc_err *err)
{
    BMC_TRY(begin_append(c, err));
    if (c->rows == c->snap_rows)
        return BMC_OK; /* the last snapshot holds these rows already */
    int64_t *w = NULL;
    size_t n = 0, cap = 0;
    bool oom = false;
    for (int k = 0; k < n_sets; k++) {
        put_word(&w, &n, &cap, (int64_t)n_counts[k], &oom);
        for (size_t i = 0; i < n_counts[k];) {
            size_t z = 0;
            while (i + z < n_counts[k] && counts[k][i + z] == 0)
                z++;
            if (z > 0) {
                put_word(&w, &n, &cap, -(int64_t)z, &oom);
                i += z;
            } else {
                put_word(&w, &n, &cap, counts[k][i++], &oom);
            }
        }
    }
    if (oom) {
        free(w);
        return bmc_fail(err, BMC_ENOMEM, "out of memory for a checkpoint snapshot");
    }
    record_header r;
    memcpy(r.magic, SNAPSHOT_MAGIC, 8);
    r.first = c->rows;
    r.rows = 0;
    r.bytes = n * sizeof *w;
    hasher s = {HASH_SEED};
    hash_bytes(&s, &r, offsetof(record_header, hash));
    hash_bytes(&s, w, (size_t)r.bytes);
    r.hash = hash_final(&s);
    int rc = BMC_OK;
    if (write_all(c->fd, &r, sizeof r) < 0 || write_all(c->fd, w, (size_t)r.bytes) < 0) {
        rc = append_failed(c, err);
    } else {
        if (c->snap_at >= 0)
            c->dead += c->snap_len; /* superseded */
        c->snap_at = c->end;
        c->snap_len = (off_t)(sizeof r + r.bytes);
        c->end += c->snap_len;
        c->snap_rows = c->rows;
    }
    free(w);
    if (rc == BMC_OK && c->dead > c->end - c->dead && c->dead >= c->compact_min)
        compact(c);
    return rc;
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

int bmc_checkpoint_append_sets(bmc_checkpoint *c, const bmc_result_block *const *b, int n_sets,
                               bmc_err *err)
{
    if (n_sets < 1 || n_sets > BMC_MAX_RESULT_SETS)
        return bmc_fail(err, BMC_EINTERNAL, "checkpoint of %d result sets", n_sets);
    BMC_TRY(begin_append(c, err));
    for (int k = 0; k < n_sets; k++)
        if (b[k]->first_scenario != c->rows || b[k]->count <= 0 || b[k]->count != b[0]->count)
            return bmc_fail(err, BMC_EINTERNAL,
                            "checkpoint %s: block of scenarios %lld.. after %lld saved", c->path,
                            (long long)b[k]->first_scenario, (long long)c->rows);
    record_header r;
    memcpy(r.magic, RECORD_MAGIC, 8);
    r.first = b[0]->first_scenario;
    r.rows = b[0]->count;
    r.bytes = 0;
    for (int k = 0; k < n_sets; k++)
        r.bytes += bmc_block_bytes(b[k], b[k]->count);
    hasher s = {HASH_SEED};
    hash_bytes(&s, &r, offsetof(record_header, hash));
    for (int k = 0; k < n_sets; k++) {
        bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
        int n = bmc_block_columns(b[k], b[k]->count, cols);
        for (int i = 0; i < n; i++)
            hash_bytes(&s, cols[i].data, cols[i].bytes);
    }
    r.hash = hash_final(&s);
    if (write_all(c->fd, &r, sizeof r) < 0)
        return append_failed(c, err);
    for (int k = 0; k < n_sets; k++) {
        bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
        int n = bmc_block_columns(b[k], b[k]->count, cols);
        for (int i = 0; i < n; i++)
            if (write_all(c->fd, cols[i].data, cols[i].bytes) < 0)
                return append_failed(c, err);
    }
    c->rows += r.rows;
    c->end += (off_t)(sizeof r + r.bytes);
    return BMC_OK;
}

int bmc_checkpoint_append(bmc_checkpoint *c, const bmc_result_block *b, bmc_err *err)
{
    return bmc_checkpoint_append_sets(c, &b, 1, err);
}

int bmc_checkpoint_sync(bmc_checkpoint *c, bmc_err *err)
{
    return fsync(c->fd) == 0 ? BMC_OK : io_fail(c, err, "cannot sync it");
}

int64_t bmc_checkpoint_rows(const bmc_checkpoint *c)
{
    return c->rows;
}

int bmc_checkpoint_close(bmc_checkpoint *c, bool remove, bmc_err *err)
{
    if (!c)
        return BMC_OK;
    int rc = BMC_OK;
    if (close(c->fd) < 0)
        rc = io_fail(c, err, "cannot close it");
    c->fd = -1;
    if (remove && unlink(c->path) < 0 && errno != ENOENT && rc == BMC_OK)
        rc = io_fail(c, err, "cannot remove it");
    checkpoint_free(c);
    return rc;
}
