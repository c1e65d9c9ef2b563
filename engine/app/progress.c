#include "progress.h"

#include <time.h>
#include <unistd.h>

#define TTY_SECONDS 0.5
#define LOG_SECONDS 10.0

double bmc_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void bmc_progress_begin(bmc_progress *p, FILE *to, bool quiet, double every, int64_t total,
                        int64_t start_done)
{
    p->to = to;
    p->enabled = !quiet && to;
    p->tty = p->enabled && isatty(fileno(to));
    p->every = every > 0 ? every : LOG_SECONDS;
    p->total = total;
    p->start_done = start_done;
    p->t0 = p->last = bmc_now_seconds();
    p->width = 0;
}

/* "1 h 02 min", "3 min 07 s", "12 s" */
static void format_duration(double s, char *buf, size_t n)
{
    long t = s < 0 ? 0 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ld h %02ld min", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(buf, n, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, n, "%ld s", t);
}

static void print_line(bmc_progress *p, int64_t done, double t)
{
    double elapsed = t - p->t0;
    /* the rate of this process: scenarios replayed from a checkpoint took no time */
    double rate = elapsed > 1e-9 ? (double)(done - p->start_done) / elapsed : 0;
    char eta[32] = "?";
    if (rate > 0)
        format_duration((double)(p->total - done) / rate, eta, sizeof eta);
    char line[160];
    int len = snprintf(line, sizeof line, "%lld / %lld scenarios (%.1f %%), %.0f/s, ETA %s",
                       (long long)done, (long long)p->total,
                       p->total > 0 ? 100.0 * (double)done / (double)p->total : 100.0, rate, eta);
    if (p->tty) {
        /* pad with blanks over the end of a longer previous line */
        fprintf(p->to, "\r%s%*s", line, p->width > len ? p->width - len : 0, "");
        p->width = len;
    } else {
        fprintf(p->to, "progress: %s\n", line);
    }
    fflush(p->to);
}

void bmc_progress_update(bmc_progress *p, int64_t done)
{
    if (!p->enabled)
        return;
    double t = bmc_now_seconds();
    if (t - p->last < (p->tty ? TTY_SECONDS : p->every))
        return;
    p->last = t;
    print_line(p, done, t);
}

void bmc_progress_end(bmc_progress *p, int64_t done)
{
    if (!p->enabled)
        return;
    if (done == p->total)
        print_line(p, done, bmc_now_seconds());
    if (p->tty && p->width > 0)
        fputc('\n', p->to);
    fflush(p->to);
    p->width = 0;
}
