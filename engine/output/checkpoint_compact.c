/* Compaction: a snapshot supersedes the ones before it, and when they take more room than
 * the rest of the file, the file is rewritten without them. */

#include "checkpoint_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies len bytes at offset from of c's file to the end of fd. */
static int copy_bytes(const bmc_checkpoint *c, int fd, off_t from, off_t len)
{
    char buf[1 << 16];
    while (len > 0) {
        size_t n = len < (off_t)sizeof buf ? (size_t)len : sizeof buf;
        ssize_t got = pread(c->fd, buf, n, from);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || ck_write_all(fd, buf, (size_t)got) < 0)
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
    ck_header_seal(&h);
    if (ck_write_all(fd, &h, sizeof h) < 0)
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

/* Replaces the file by a copy without the superseded snapshots, when they take more room
 * than the rest: the file then stays within about twice its rows and one snapshot, and the
 * copying costs at most what the snapshots wrote. The copy is complete and synced before
 * rename(2) puts it in place, so a crash at any point leaves one whole checkpoint: the old or
 * the new. A copy that fails (a full disk) is removed and the old file stays; the next try
 * waits until twice as much is superseded. */
void ck_compact(bmc_checkpoint *c)
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
              && ck_lock(c, fd, &ignored) == BMC_OK && rename(tmp, c->path) == 0;
    if (!ok) {
        close(fd);
        unlink(tmp);
        return;
    }
    ck_sync_dir(c->path);
    close(c->fd);
    c->fd = fd;
    c->end -= c->dead;
    c->snap_at = snap_at;
    c->dead = 0;
    c->compact_min = 0;
}

