#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "it is a directory";
    if (S_ISFIFO(mode))
        return "it is a FIFO (named pipe), not a file";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "it is a device, not a file";
    if (S_ISSOCK(mode))
        return "it is a socket, not a file";
    return "it is not a regular file";
}

/* Reads at most limit + 1 bytes: a file that grows while it is read, or reports no size
 * (/proc), still stops at the limit. 1 = more than limit, 0 = read, -1 = error (errno). */
static int read_limited(int fd, size_t limit, char **out, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return errno = ENOMEM, -1;
    for (;;) {
        if (n == cap) {
            if (cap > limit)
                break;
            size_t bigger = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
            char *p = realloc(buf, bigger + 1);
            if (!p) {
                free(buf);
                return errno = ENOMEM, -1;
            }
            buf = p;
            cap = bigger;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            return errno = e, -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > limit) {
        free(buf);
        return 1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int bmc_text_read(const char *path, char **buf, size_t *len, char *why, size_t why_len)
{
    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) < 0)
        snprintf(why, why_len, "%s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        snprintf(why, why_len, "%s", kind_of(st.st_mode));
    else if ((uint64_t)st.st_size > BMC_TEXT_MAX_BYTES)
        snprintf(why, why_len, "it has %lld bytes, more than the %zu MiB a text input may have",
                 (long long)st.st_size, BMC_TEXT_MAX_BYTES >> 20);
    else if ((rc = read_limited(fd, BMC_TEXT_MAX_BYTES, buf, len)) < 0)
        snprintf(why, why_len, "%s", strerror(errno));
    else if (rc > 0)
        snprintf(why, why_len, "it grew beyond the %zu MiB a text input may have",
                 BMC_TEXT_MAX_BYTES >> 20);
    close(fd);
    return rc == 0 ? 0 : -1;
}

/* Length of the UTF-8 sequence at s (n bytes left), 0 when it is not valid UTF-8: no
 * overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < need + 1 || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i <= need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return need + 1;
}

void bmc_text_locate(const char *text, size_t offset, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            ++*line;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

static void locate(const char *text, size_t offset, bmc_text_problem *p)
{
    p->offset = offset;
    bmc_text_locate(text, offset, &p->line, &p->col);
}

static bool starts_with(const char *text, size_t len, const char *mark, size_t n)
{
    return len >= n && memcmp(text, mark, n) == 0;
}

int bmc_text_check(const char *text, size_t len, bmc_text_problem *p)
{
    const char *encoding = NULL;
    if (starts_with(text, len, "\xFF\xFE\0\0", 4) || starts_with(text, len, "\0\0\xFE\xFF", 4))
        encoding = "UTF-32";
    else if (starts_with(text, len, "\xFF\xFE", 2) || starts_with(text, len, "\xFE\xFF", 2))
        encoding = "UTF-16";
    if (encoding) {
        locate(text, 0, p);
        snprintf(p->why, sizeof p->why, "the file is %s (it starts with a %s byte order mark): "
                 "save it as UTF-8", encoding, encoding);
        return -1;
    }
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (s[i] == 0) {
            locate(text, i, p);
            /* ASCII in UTF-16 or UTF-32 without a mark has a NUL beside its first letter */
            snprintf(p->why, sizeof p->why, "%s", i <= 1
                     ? "NUL bytes between the characters: the file looks like UTF-16 or "
                       "UTF-32; save it as UTF-8"
                     : "a NUL byte: this is not a text file (everything after it would be "
                       "lost)");
            return -1;
        }
        size_t k = utf8_length(s + i, len - i);
        if (k == 0) {
            locate(text, i, p);
            snprintf(p->why, sizeof p->why, "byte 0x%02X is not UTF-8 (Latin-1 or another "
                     "encoding?): save the file as UTF-8", s[i]);
            return -1;
        }
        i += k;
    }
    return 0;
}
