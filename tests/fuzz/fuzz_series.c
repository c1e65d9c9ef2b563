/* libFuzzer harness over the series-file reader (models/intake_history.c, MODEL.md section
 * 14): the input is the file; when its first line is "#column=NAME" the rest is read with
 * --column NAME, else the count is the second column. The file is an anonymous memory file
 * named through /proc, so no disk is touched. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "intake_history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char column[64];
    const char *col = NULL;
    if (size > 8 && !memcmp(text, "#column=", 8)) {
        const char *nl = memchr(text, '\n', size);
        size_t n = nl ? (size_t)(nl - text) - 8 : 0;
        if (nl && n < sizeof column) {
            memcpy(column, text + 8, n);
            column[n] = '\0';
            col = column;
            size -= (size_t)(nl + 1 - text);
            text = nl + 1;
        }
    }
    int fd = memfd_create("series.csv", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    static bmc_history h; /* 600 periods: not on the stack */
    bmc_err err;
    if (write(fd, text, size) == (ssize_t)size)
        (void)bmc_history_read_csv(path, col, &h, &err);
    close(fd);
    return 0;
}
