#ifndef BACKLOGMC_OUTPATHS_H
#define BACKLOGMC_OUTPATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* Where a run may write. backlogmc never truncates, replaces or deletes a file it did not
 * create in this run, except:
 *   - the output path itself, and only when it is absent or, with --force, an earlier
 *     backlogmc results file;
 *   - the checkpoint named by --resume (it continues it, compacts it, and deletes it once
 *     the output is complete) and the temporary files of the run that wrote it.
 * The checks run before any simulation; each refusal is one line. */

/* The longest path the kernel takes whole (PATH_MAX less its NUL). */
#define BMC_PATH_MAX 4095

/* The temporary name beside path for process pid, "<path>.tmp-<pid>" in the same directory
 * (so that rename(2) is atomic), with the file name cut at a character boundary when the
 * suffix would make it longer than a file name (255 bytes) or the whole longer than
 * BMC_PATH_MAX. -1 when the directory part leaves no room. */
int bmc_tmp_path(const char *path, long pid, char *out, size_t n);

/* Removes the temporary file that process pid left at the name bmc_tmp_path gives for path,
 * but only a regular file (not a link) whose first bytes are `magic` (at most 16), or zeros,
 * or nothing (killed before it wrote them). Anything else under that name is left alone. */
void bmc_remove_stale_tmp(const char *path, long pid, const char *magic, size_t magic_len);

typedef struct bmc_out_plan {
    const char *out;                /* the results file */
    const char *checkpoint;         /* NULL: none */
    bool resume;                    /* checkpoint names a checkpoint to continue */
    bool force;                     /* an earlier results file at out may be replaced */
    const char *const *inputs;      /* files read: the config, its base: files, ... */
    int n_inputs;
    /* NULL: out is a results file; else the root attribute `format` of another backlogmc
     * output (h5file.h), the only kind of file --force may then replace */
    const char *format;
} bmc_out_plan;

/* BMC_EUSAGE when out or the checkpoint names an input (compared by device and inode, so
 * links and other spellings count), when they name each other, when out holds something
 * other than a backlogmc results file, or earlier results without force. BMC_EIO when out is
 * a directory or a device, or a path cannot be examined. The checkpoint's own content
 * (another run's, this run's without --resume) is judged by checkpoint.h. */
int bmc_out_plan_check(const bmc_out_plan *p, bmc_err *err);

#endif
