#include "intake_filter.h"

#include <math.h>
#include <string.h>

#include "calendar.h"

/* The state (l, x, s): mean and covariance. */
typedef struct kstate {
    double m[3];
    double P[3][3];
} kstate;

static double expected_month(const bmc_filter_model *fm, int month)
{
    return fm->level_median * fm->seasonality[month % 12] / 12;
}

/* The transformation z' = A z with A the identity except row `row` = a (plus noise added by
 * the caller): mean and covariance, exactly. */
static void apply_row(kstate *k, int row, const double a[3])
{
    double m = 0;
    for (int j = 0; j < 3; j++)
        m += a[j] * k->m[j];
    double Pa[3]; /* P a */
    for (int i = 0; i < 3; i++) {
        Pa[i] = 0;
        for (int j = 0; j < 3; j++)
            Pa[i] += k->P[i][j] * a[j];
    }
    double aPa = 0;
    for (int j = 0; j < 3; j++)
        aPa += a[j] * Pa[j];
    for (int i = 0; i < 3; i++)
        k->P[row][i] = k->P[i][row] = Pa[i];
    k->P[row][row] = aPa;
    k->m[row] = m;
}

/* Observes y = l + s + e, e ~ N(0, r). */
static void observe(kstate *k, double y, double r)
{
    const double h[3] = {1, 0, 1};
    double Ph[3], S = r;
    for (int i = 0; i < 3; i++) {
        Ph[i] = 0;
        for (int j = 0; j < 3; j++)
            Ph[i] += k->P[i][j] * h[j];
    }
    for (int j = 0; j < 3; j++)
        S += h[j] * Ph[j];
    double innovation = y - (k->m[0] + k->m[2]);
    for (int i = 0; i < 3; i++)
        k->m[i] += Ph[i] / S * innovation;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            k->P[i][j] -= Ph[i] * Ph[j] / S;
}

/* Index of the period of h covering month t, or -1. */
static int period_of(const bmc_history *h, int t, int *from)
{
    while (*from < h->n && h->p[*from].month + h->p[*from].months <= t)
        (*from)++;
    if (*from < h->n && h->p[*from].month <= t)
        return *from;
    return -1;
}

int bmc_intake_filter(const bmc_filter_model *fm, const bmc_history *h, int start_month,
                      bmc_intake_posterior *out, bmc_err *err)
{
    memset(out, 0, sizeof *out);
    if (!(fm->sdlog > 0) || !(fm->phi >= 0 && fm->phi < 1) || !(fm->sigma >= 0) ||
        !(fm->delta >= 0) || !(fm->level_median > 0))
        return bmc_fail(err, BMC_ECONFIG, "the intake filter needs sdlog > 0, 0 <= phi < 1, "
                        "sigma >= 0, delta >= 0 and a positive median level");
    double v = fm->sigma * fm->sigma / (1 - fm->phi * fm->phi);
    out->mean[0] = out->mean[1] = 0;
    out->cov[0][0] = fm->sdlog * fm->sdlog;
    out->cov[1][1] = v;
    int n = 0; /* periods that end before the start */
    while (n < h->n && h->p[n].month + h->p[n].months <= start_month)
        n++;
    if (n > 0) {
        out->active = true;
        out->first_month = h->p[0].month;
        out->last_month = start_month - 1;
        kstate k;
        memset(&k, 0, sizeof k);
        k.P[0][0] = fm->sdlog * fm->sdlog;
        k.P[1][1] = v;
        int cursor = 0;
        for (int t = h->p[0].month; t < start_month; t++) {
            if (t > h->p[0].month) {
                if (t % 12 == 0) /* 1 January: the level's walk */
                    k.P[0][0] += fm->delta * fm->delta;
                const double ar[3] = {0, fm->phi, 0};
                apply_row(&k, 1, ar);
                k.P[1][1] += fm->sigma * fm->sigma;
            }
            int j = cursor < n ? period_of(h, t, &cursor) : -1;
            if (j < 0 || j >= n) {
                const double none[3] = {0, 0, 0};
                apply_row(&k, 2, none);
                continue;
            }
            const bmc_history_period *p = &h->p[j];
            double E = 0, r_over = 0;
            for (int q = p->month; q < p->month + p->months; q++) {
                double Eq = expected_month(fm, q);
                E += Eq;
                if (fm->negbin_size > 0)
                    r_over += Eq * Eq / (fm->negbin_size * bmc_days_in_month(q / 12, q % 12 + 1));
            }
            double w = expected_month(fm, t) / E;
            const double acc[3] = {0, w, t == p->month ? 0 : 1};
            apply_row(&k, 2, acc);
            if (t == p->month + p->months - 1) {
                double count = p->count > 0.5 ? p->count : 0.5;
                double y = log(count / E) + v / 2;
                observe(&k, y, 1 / E + r_over / (E * E));
                out->n_obs++;
            }
        }
        if (start_month % 12 == 0) /* the run starts in a new year */
            k.P[0][0] += fm->delta * fm->delta;
        for (int i = 0; i < 2; i++) {
            out->mean[i] = k.m[i];
            for (int j = 0; j < 2; j++)
                out->cov[i][j] = k.P[i][j];
        }
    }
    double a = out->cov[0][0] > 0 ? sqrt(out->cov[0][0]) : 0;
    double b = a > 0 ? out->cov[1][0] / a : 0;
    double c2 = out->cov[1][1] - b * b;
    out->chol[0][0] = a;
    out->chol[1][0] = b;
    out->chol[0][1] = 0;
    out->chol[1][1] = c2 > 0 ? sqrt(c2) : 0;
    return BMC_OK;
}
