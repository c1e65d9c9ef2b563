/* The checkpoint's format: hashes, the run identity, the header, whole reads and writes,
 * the lock. */

#include "checkpoint_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "backlogmc_version.h"

void ck_hash_bytes(hasher *s, const void *data, size_t n)
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

uint64_t ck_hash_final(const hasher *s)
{
    uint64_t h = s->h;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

uint64_t ck_hash_of(const void *data, size_t n)
{
    hasher s = {CK_HASH_SEED};
    ck_hash_bytes(&s, data, n);
    return ck_hash_final(&s);
}

void bmc_run_identity_make(const bmc_layout *l, uint64_t seed, int64_t n_scenarios,
                           const char *config_text, bmc_run_identity *out)
{
    memset(out, 0, sizeof *out);
    out->seed = seed;
    out->n_scenarios = n_scenarios;
    out->config_hash = ck_hash_of(config_text ? config_text : "", config_text ? strlen(config_text) : 0);
    out->layout_hash = CK_HASH_SEED;
    bmc_run_identity_add_layout(out, l);
    snprintf(out->engine, sizeof out->engine, "%s (git %s)", BACKLOGMC_VERSION,
             BACKLOGMC_GIT_COMMIT);
}

void bmc_run_identity_add_layout(bmc_run_identity *id, const bmc_layout *l)
{
    hasher s = {id->layout_hash};
    int32_t counts[4] = {l->n_categories, l->n_params, l->n_months, l->trajectories};
    ck_hash_bytes(&s, counts, sizeof counts);
    for (int c = 0; c < l->n_categories; c++)
        ck_hash_bytes(&s, l->category_names[c], strnlen(l->category_names[c], BMC_NAME_LEN) + 1);
    for (int p = 0; p < l->n_params; p++)
        ck_hash_bytes(&s, l->param_names[p], strnlen(l->param_names[p], BMC_NAME_LEN) + 1);
    id->layout_hash = ck_hash_final(&s);
}

void bmc_run_identity_add_value(bmc_run_identity *id, uint64_t v)
{
    hasher s = {id->config_hash};
    ck_hash_bytes(&s, &v, sizeof v);
    id->config_hash = ck_hash_final(&s);
}

int ck_io_fail(const bmc_checkpoint *c, bmc_err *err, const char *what)
{
    return bmc_fail(err, BMC_EIO, "checkpoint %s: %s: %s", c->path, what, strerror(errno));
}

int ck_write_all(int fd, const void *data, size_t n)
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

int ck_read_all(int fd, void *data, size_t n)
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

void ck_header_seal(file_header *h)
{
    h->hash = ck_hash_of(h, offsetof(file_header, hash));
}

int ck_write_header(bmc_checkpoint *c, bmc_err *err)
{
    ck_header_seal(&c->header);
    if (lseek(c->fd, 0, SEEK_SET) < 0 || ck_write_all(c->fd, &c->header, sizeof c->header) < 0)
        return ck_io_fail(c, err, "cannot write the header");
    return BMC_OK;
}

/* One process at a time: a second run resuming the same file would interleave records. A
 * file system without locks is taken as it is. */
int ck_lock(const bmc_checkpoint *c, int fd, bmc_err *err)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK)
        return BMC_OK;
    return bmc_fail(err, BMC_EUSAGE, "checkpoint %s is in use by another backlogmc run (pid "
                    "%lld): wait for it to end or stop it", c->path,
                    (long long)c->header.writer_pid);
}

bool ck_read_header(int fd, file_header *h)
{
    return ck_read_all(fd, h, sizeof *h) > 0 && !memcmp(h->magic, FILE_MAGIC, 8)
           && h->endian == ENDIAN_MARK && h->hash == ck_hash_of(h, offsetof(file_header, hash));
}

int ck_check_identity(const bmc_checkpoint *c, const bmc_run_identity *id, bmc_err *err)
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

/* fsync of the directory that holds path. */
void ck_sync_dir(const char *path)
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
