#include "intake_history.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

bool bmc_history_parse_period(const char *text, int *month, int *months)
{
    int year, k, used = 0;
    char q;
    if (strlen(text) != 7 || !isdigit((unsigned char)text[0]))
        return false;
    if (sscanf(text, "%4d-%c%1d%n", &year, &q, &k, &used) == 3 && used == 7 &&
        (q == 'Q' || q == 'q')) {
        if (k < 1 || k > 4)
            return false;
        *month = year * 12 + 3 * (k - 1);
        *months = 3;
        return true;
    }
    if (sscanf(text, "%4d-%2d%n", &year, &k, &used) == 2 && used == 7 && isdigit((unsigned char)text[5])) {
        if (k < 1 || k > 12)
            return false;
        *month = year * 12 + k - 1;
        *months = 1;
        return true;
    }
    return false;
}

void bmc_history_format_period(const bmc_history_period *p, char *buf)
{
    int year = p->month / 12, m = p->month % 12;
    if (p->months == 3)
        snprintf(buf, 8, "%04d-Q%d", year % 10000, m / 3 + 1);
    else
        snprintf(buf, 8, "%04d-%02d", year % 10000, m + 1);
}

bmc_date bmc_history_month_first(int month)
{
    return bmc_date_from_ymd(month / 12, month % 12 + 1, 1);
}

int bmc_history_month_of(bmc_date d)
{
    int y, m, day;
    bmc_date_to_ymd(d, &y, &m, &day);
    return y * 12 + m - 1;
}

/* Why period p cannot follow `last` (the period before it, months 0 when none); NULL when it
 * can. */
static const char *order_problem(const bmc_history_period *last, const bmc_history_period *p)
{
    if (p->months == 3 && p->month % 3 != 0)
        return "a quarter must start in January, April, July or October";
    if (last->months == 0 || p->month >= last->month + last->months)
        return NULL;
    return p->month + p->months <= last->month ? "periods must be oldest first"
                                                : "the period overlaps the one before";
}

int bmc_history_load(cfg_map *m, const char *key, int before_month, bmc_history *h,
                     bmc_err *err)
{
    int n;
    h->n = 0;
    BMC_TRY(cfg_get_seq(m, key, false, 0, BMC_MAX_HISTORY, &n, err));
    for (int i = 0; i < n; i++) {
        const char *text;
        double count;
        BMC_TRY(cfg_seq_text_value(m, key, i, "YYYY-MM or YYYY-Qn", 0, 1e9, &text, &count,
                                   err));
        bmc_history_period p = {0, 0, count};
        if (!bmc_history_parse_period(text, &p.month, &p.months))
            return cfg_fail_at_item(m, key, i, BMC_ECONFIG, err,
                                    "\"%s\" is not a period YYYY-MM or YYYY-Qn", text);
        if (count != floor(count))
            return cfg_fail_at_item(m, key, i, BMC_ECONFIG, err,
                                    "%g is not a whole number of applications", count);
        const char *why = order_problem(h->n ? &h->p[h->n - 1] : &(bmc_history_period){0, 0, 0},
                                        &p);
        if (why)
            return cfg_fail_at_item(m, key, i, BMC_ECONFIG, err, "%s: %s", text, why);
        if (before_month >= 0 && p.month + p.months > before_month) {
            bmc_history_period b = {before_month, 1, 0};
            char buf[8];
            bmc_history_format_period(&b, buf);
            return cfg_fail_at_item(m, key, i, BMC_ECONFIG, err,
                                    "%s does not end before %s, the first simulated month", text,
                                    buf);
        }
        h->p[h->n++] = p;
    }
    return BMC_OK;
}

/* ---- CSV ------------------------------------------------------------------------------- */

#define CSV_MAX_FIELDS 64
#define CSV_LINE_MAX 65536

typedef struct csv_row {
    int n;
    char *field[CSV_MAX_FIELDS];
} csv_row;

/* Splits one line in place (RFC 4180: a quoted field may hold commas and doubled quotes).
 * false when the quotes do not close or there are too many fields. */
static bool csv_split(char *line, csv_row *row)
{
    row->n = 0;
    char *r = line, *w = line;
    for (;;) {
        if (row->n == CSV_MAX_FIELDS)
            return false;
        row->field[row->n++] = w;
        if (*r == '"') {
            r++;
            for (;;) {
                if (*r == '\0')
                    return false;
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
            if (*r != ',' && *r != '\0')
                return false;
        } else {
            while (*r != ',' && *r != '\0')
                *w++ = *r++;
        }
        if (*r == '\0') {
            *w = '\0';
            return true;
        }
        *w++ = '\0';
        r++;
    }
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
    size_t k = 0;
    while (s[k] == ' ')
        k++;
    memmove(s, s + k, n - k + 1);
}

static bool parse_count(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* The next line of text[*at..len) into line (without its end), false at the end of the text;
 * *too_long when it does not fit. */
static bool next_line(const char *text, size_t len, size_t *at, char *line, bool *too_long)
{
    if (*at >= len)
        return false;
    const char *start = text + *at, *nl = memchr(start, '\n', len - *at);
    size_t n = nl ? (size_t)(nl - start) : len - *at;
    *at += n + (nl != NULL);
    *too_long = n > CSV_LINE_MAX - 2;
    if (*too_long)
        n = 0;
    memcpy(line, start, n);
    line[n] = '\0';
    return true;
}

int bmc_history_parse_csv(const char *text, size_t text_len, const char *path,
                          const char *column, bmc_history *h, bmc_err *err)
{
    h->n = 0;
    char *line = malloc(CSV_LINE_MAX);
    if (!line)
        return bmc_fail(err, BMC_ENOMEM, "out of memory reading %s", path);
    int rc = BMC_OK, col = -1, lineno = 0;
    csv_row row;
    bmc_history_period last = {0, 0, 0}; /* the row before, gaps included */
    size_t at = 0;
    bool too_long;
    while (rc == BMC_OK && next_line(text, text_len, &at, line, &too_long)) {
        lineno++;
        if (too_long) {
            rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: line longer than %d bytes", path, lineno,
                          CSV_LINE_MAX - 2);
            break;
        }
        trim(line);
        if (line[0] == '\0')
            continue;
        if (!csv_split(line, &row)) {
            rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: malformed CSV (an unclosed quote or more "
                          "than %d fields)", path, lineno, CSV_MAX_FIELDS);
            break;
        }
        for (int i = 0; i < row.n; i++)
            trim(row.field[i]);
        if (col < 0) { /* the header */
            if (!column) {
                col = 1;
            } else {
                for (int i = 0; i < row.n && col < 0; i++)
                    if (!strcmp(row.field[i], column))
                        col = i;
                if (col < 0)
                    rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: no column \"%s\" in the header",
                                  path, lineno, column);
            }
            if (rc == BMC_OK && (col == 0 || row.n < 2))
                rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: the header needs a period column and "
                              "a count column", path, lineno);
            continue;
        }
        bmc_history_period p = {0, 0, 0};
        if (!bmc_history_parse_period(row.field[0], &p.month, &p.months)) {
            rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: \"%s\" is not a period YYYY-MM or YYYY-Qn",
                          path, lineno, row.field[0]);
            break;
        }
        const char *why = order_problem(&last, &p);
        if (why) {
            rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: %s: %s", path, lineno, row.field[0], why);
            break;
        }
        last = p;
        if (col >= row.n || row.field[col][0] == '\0')
            continue; /* a gap */
        if (!parse_count(row.field[col], &p.count) || p.count < 0) {
            rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: count \"%s\" is not a number >= 0", path,
                          lineno, row.field[col]);
            break;
        }
        if (h->n == BMC_MAX_HISTORY) {
            rc = bmc_fail(err, BMC_ECONFIG, "%s:%d: more than %d periods", path, lineno,
                          BMC_MAX_HISTORY);
            break;
        }
        h->p[h->n++] = p;
    }
    if (rc == BMC_OK && col < 0)
        rc = bmc_fail(err, BMC_ECONFIG, "%s:1: empty file, no header", path);
    free(line);
    return rc;
}

int bmc_history_read_csv(const char *path, const char *column, bmc_history *h, bmc_err *err)
{
    h->n = 0;
    char *text = NULL, why[160];
    size_t len = 0;
    /* as a configuration is read: a regular file, bounded, UTF-8 without NUL bytes */
    if (bmc_text_read(path, &text, &len, why, sizeof why) != 0)
        return bmc_fail(err, BMC_EIO, "%s: cannot open: %s", path, why);
    bmc_text_problem tp;
    int rc = bmc_text_check(text, len, &tp) != 0
                 ? bmc_fail(err, BMC_ECONFIG, "%s:%d:%d: %s", path, tp.line, tp.col, tp.why)
                 : bmc_history_parse_csv(text, len, path, column, h, err);
    free(text);
    return rc;
}
