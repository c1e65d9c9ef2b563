/* The checkpoint file: created whole, opened to resume, appended to, synced, closed. */

#define _GNU_SOURCE /* renameat2 */
#include "checkpoint_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block_columns.h"

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

/* --checkpoint names a file that exists: say what it is; it is left alone. */
static int refuse_existing(bmc_checkpoint *c, const bmc_run_identity *id, bmc_err *err)
{
    int fd = open(c->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    bool is_ck = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                 && ck_read_header(fd, &c->header);
    if (fd >= 0)
        close(fd);
    bmc_err why;
    if (!is_ck)
        return bmc_fail(err, BMC_EUSAGE, "--checkpoint %s exists and is not a backlogmc "
                        "checkpoint: refusing to overwrite it (choose another --checkpoint)",
                        c->path);
    if (ck_check_identity(c, id, &why) != BMC_OK)
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

/* Puts the synced file at tmp in place at c->path, never over an existing file: link(2),
 * or where the file system has no hard links, rename without replacing (renameat2). */
static int publish(bmc_checkpoint *c, const char *tmp, const bmc_run_identity *id,
                   bmc_err *err)
{
    int done = link(tmp, c->path);
    if (done != 0 && (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS))
        done = renameat2(AT_FDCWD, tmp, AT_FDCWD, c->path, RENAME_NOREPLACE);
    if (done != 0)
        return errno == EEXIST ? refuse_existing(c, id, err)
                               : ck_io_fail(c, err, "cannot create it");
    unlink(tmp); /* gone already after a rename */
    ck_sync_dir(c->path);
    return BMC_OK;
}

static void fill_header(file_header *h, const bmc_run_identity *id, const char *out_path)
{
    memcpy(h->magic, FILE_MAGIC, 8);
    h->endian = ENDIAN_MARK;
    h->seed = id->seed;
    h->n_scenarios = id->n_scenarios;
    h->config_hash = id->config_hash;
    h->layout_hash = id->layout_hash;
    h->writer_pid = (int64_t)getpid();
    memcpy(h->engine, id->engine, sizeof h->engine);
    set_out_path(h, out_path);
}

/* The file is made whole under a temporary name (header written and synced) before it
 * appears at path, so a kill at any moment leaves no checkpoint there or a whole one (a
 * temporary file of the killed run may stay behind beside it). */
int bmc_checkpoint_create(const char *path, const bmc_run_identity *id, const char *out_path,
                          bmc_checkpoint **out, bmc_err *err)
{
    *out = NULL;
    bmc_checkpoint *c = checkpoint_new(path);
    if (!c)
        return bmc_fail(err, BMC_ENOMEM, "out of memory for the checkpoint");
    /* never over an existing file: it may be a checkpoint to resume, or anything else */
    struct stat st;
    char tmp[BMC_PATH_MAX + 1];
    int rc = BMC_OK;
    if (lstat(path, &st) == 0)
        rc = refuse_existing(c, id, err);
    else if (bmc_tmp_path(path, (long)getpid(), tmp, sizeof tmp) != 0)
        rc = bmc_fail(err, BMC_EUSAGE, "checkpoint %s: no room for a temporary name beside it",
                      path);
    else if ((c->fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
        rc = errno == EEXIST ? bmc_fail(err, BMC_EIO, "checkpoint %s: a file %s is in the way "
                                        "(left by a run that was killed): remove it", path, tmp)
                             : ck_io_fail(c, err, "cannot create it");
    if (rc != BMC_OK) {
        checkpoint_free(c);
        return rc;
    }
    rc = ck_lock(c, c->fd, err);
    fill_header(&c->header, id, out_path);
    if (rc == BMC_OK)
        rc = ck_write_header(c, err);
    if (rc == BMC_OK && fsync(c->fd) < 0)
        rc = ck_io_fail(c, err, "cannot sync it");
    if (rc == BMC_OK)
        rc = publish(c, tmp, id, err);
    if (rc != BMC_OK) {
        unlink(tmp);
        checkpoint_free(c);
        return rc;
    }
    c->end = (off_t)sizeof c->header;
    c->replayed = true; /* nothing to replay */
    *out = c;
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
        rc = ck_io_fail(c, err, "cannot open it");
    else if (fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode))
        rc = bmc_fail(err, BMC_EIO, "%s is not a backlogmc checkpoint (not a regular file)",
                      path);
    else if (!ck_read_header(c->fd, &c->header))
        rc = bmc_fail(err, BMC_EIO, "%s is not a backlogmc checkpoint (or was written on "
                      "another kind of machine or by another version)", path);
    if (rc == BMC_OK)
        rc = ck_check_identity(c, id, err);
    if (rc == BMC_OK)
        rc = ck_lock(c, c->fd, err);
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

/* Appends go at the end of the last whole record: never over a record (a replay that failed
 * leaves the position anywhere), and a failed append is cut off again. */
static int begin_append(bmc_checkpoint *c, bmc_err *err)
{
    if (!c->replayed)
        return bmc_fail(err, BMC_EINTERNAL, "checkpoint %s: append before its replay", c->path);
    return lseek(c->fd, c->end, SEEK_SET) < 0 ? ck_io_fail(c, err, "cannot append") : BMC_OK;
}

static int append_failed(bmc_checkpoint *c, bmc_err *err)
{
    int rc = ck_io_fail(c, err, "cannot append");
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
    hasher s = {CK_HASH_SEED};
    ck_hash_bytes(&s, &r, offsetof(record_header, hash));
    ck_hash_bytes(&s, w, (size_t)r.bytes);
    r.hash = ck_hash_final(&s);
    int rc = BMC_OK;
    if (ck_write_all(c->fd, &r, sizeof r) < 0 || ck_write_all(c->fd, w, (size_t)r.bytes) < 0) {
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
        ck_compact(c);
    return rc;
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
    hasher s = {CK_HASH_SEED};
    ck_hash_bytes(&s, &r, offsetof(record_header, hash));
    for (int k = 0; k < n_sets; k++) {
        bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
        int n = bmc_block_columns(b[k], b[k]->count, cols);
        for (int i = 0; i < n; i++)
            ck_hash_bytes(&s, cols[i].data, cols[i].bytes);
    }
    r.hash = ck_hash_final(&s);
    if (ck_write_all(c->fd, &r, sizeof r) < 0)
        return append_failed(c, err);
    for (int k = 0; k < n_sets; k++) {
        bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
        int n = bmc_block_columns(b[k], b[k]->count, cols);
        for (int i = 0; i < n; i++)
            if (ck_write_all(c->fd, cols[i].data, cols[i].bytes) < 0)
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
    return fsync(c->fd) == 0 ? BMC_OK : ck_io_fail(c, err, "cannot sync it");
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
        rc = ck_io_fail(c, err, "cannot close it");
    c->fd = -1;
    if (remove && unlink(c->path) < 0 && errno != ENOENT && rc == BMC_OK)
        rc = ck_io_fail(c, err, "cannot remove it");
    checkpoint_free(c);
    return rc;
}
