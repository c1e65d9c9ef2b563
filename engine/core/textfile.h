#ifndef BACKLOGMC_TEXTFILE_H
#define BACKLOGMC_TEXTFILE_H

#include <stddef.h>

/* Text inputs (a configuration and its base: files): read whole, from regular files only (a
 * FIFO would block, /dev/zero never ends, a directory is no text), at most
 * BMC_TEXT_MAX_BYTES, and accepted only as UTF-8 without NUL bytes. UTF-16 and other
 * encodings are refused, not converted: the message says where the first offending byte is
 * and to save the file as UTF-8. A UTF-8 byte order mark is fine. */

#define BMC_TEXT_MAX_BYTES ((size_t)16 << 20)

/* Reads path whole into *buf (malloc'd, NUL-terminated; *len bytes before the NUL). On
 * failure returns -1 with *buf NULL and why holding the reason in a few words ("No such file
 * or directory", "it is a directory", "it has more than 16 MiB", ...). Never blocks on a
 * FIFO. */
int bmc_text_read(const char *path, char **buf, size_t *len, char *why, size_t why_len);

/* Where text is not UTF-8 (or holds a NUL byte): the byte, its 1-based line and column
 * (columns count characters), and what is wrong. */
typedef struct bmc_text_problem {
    size_t offset;
    int line, col;
    char why[160];
} bmc_text_problem;

/* 0 when the len bytes of text are UTF-8 without NUL bytes; else -1 and *p says where. */
int bmc_text_check(const char *text, size_t len, bmc_text_problem *p);

/* The 1-based line and column (in characters) of byte offset of text. */
void bmc_text_locate(const char *text, size_t offset, int *line, int *col);

#endif
