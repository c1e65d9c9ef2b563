#ifndef BACKLOGMC_CHECKPOINT_INTERNAL_H
#define BACKLOGMC_CHECKPOINT_INTERNAL_H

/* The checkpoint's file format and state, shared by its files and private to them:
 * checkpoint_format.c (hashes, the run identity, the header, reading and writing whole),
 * checkpoint.c (creating, opening, appending, closing), checkpoint_replay.c (reading the
 * records back on a resume) and checkpoint_compact.c (rewriting the file without the
 * superseded snapshots). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "checkpoint.h"
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

#define CK_HASH_SEED UINT64_C(0xcbf29ce484222325)

void ck_hash_bytes(hasher *s, const void *data, size_t n);
uint64_t ck_hash_final(const hasher *s);
uint64_t ck_hash_of(const void *data, size_t n);

/* BMC_EIO naming the checkpoint, what failed and errno. */
int ck_io_fail(const bmc_checkpoint *c, bmc_err *err, const char *what);
/* 0, or -1 with errno. */
int ck_write_all(int fd, const void *data, size_t n);
/* 1 = all n bytes read, 0 = end of file first (a torn record), -1 = error */
int ck_read_all(int fd, void *data, size_t n);

void ck_header_seal(file_header *h);
/* Seals c->header and writes it at the start of c's file. */
int ck_write_header(bmc_checkpoint *c, bmc_err *err);
/* The header at the start of fd, when it is a checkpoint of this kind of machine. */
bool ck_read_header(int fd, file_header *h);
/* BMC_EUSAGE, saying which part, when the header is not of the run id. */
int ck_check_identity(const bmc_checkpoint *c, const bmc_run_identity *id, bmc_err *err);
/* One process at a time: BMC_EUSAGE when another holds fd's file. */
int ck_lock(const bmc_checkpoint *c, int fd, bmc_err *err);
/* fsync of the directory that holds path: makes a rename or link in it durable. */
void ck_sync_dir(const char *path);

/* Rewrites the file without its superseded snapshots (checkpoint_compact.c). */
void ck_compact(bmc_checkpoint *c);

#endif
