#include "schedule.h"

#include <stdio.h>

#define TRY BMC_TRY

static const char *const INTERPOLATION[] = {"linear", "step"};

/* Reads the points (1..BMC_SCHEDULE_MAX_POINTS, dates strictly increasing) of mapping s. */
static int read_points(cfg_map *s, int n, double lo, double hi, bmc_schedule *out,
                       bmc_err *err)
{
    for (int i = 0; i < n; i++) {
        TRY(cfg_seq_date_value(s, "points", i, lo, hi, &out->date[i], &out->value[i], err));
        if (i > 0 && out->date[i] <= out->date[i - 1]) {
            char a[11], b[11];
            bmc_date_format(out->date[i], a);
            bmc_date_format(out->date[i - 1], b);
            return cfg_fail_at_item(s, "points", i, BMC_ECONFIG, err,
                                    "dates must be strictly increasing: %s is not after %s", a,
                                    b);
        }
    }
    out->n = n;
    return BMC_OK;
}

int cfg_get_schedule(cfg_map *m, const char *key, bool required, double def, double lo,
                     double hi, bmc_schedule *out, bmc_err *err)
{
    if (!cfg_is_map(m, key)) {
        if (cfg_has(m, key) && !cfg_is_scalar(m, key))
            return cfg_fail_at(m, key, BMC_ECONFIG, err,
                               "expected a number or a mapping {interpolation: linear|step, "
                               "points: [[YYYY-MM-DD, number], ...]}, got a list");
        double v;
        TRY(cfg_get_double(m, key, required, def, lo, hi, &v, err));
        *out = bmc_schedule_constant(v);
        return BMC_OK;
    }
    cfg_map s;
    int kind, n;
    TRY(cfg_get_map(m, key, true, &s, err));
    TRY(cfg_get_enum(&s, "interpolation", false, INTERPOLATION, 2, 0, &kind, err));
    /* unknown keys first, so a misspelt "points" is reported as what it is */
    TRY(cfg_get_seq(&s, "points", false, 1, BMC_SCHEDULE_MAX_POINTS, &n, err));
    TRY(cfg_finish(&s, err));
    TRY(cfg_get_seq(&s, "points", true, 1, BMC_SCHEDULE_MAX_POINTS, &n, err));
    out->linear = kind == 0;
    return read_points(&s, n, lo, hi, out, err);
}

/* The value at d, where i is the first point after d (0 < i < n) on a linear schedule. The
 * one formula for at() and fill(), so both give the same bits. */
static double between(const bmc_schedule *s, int i, bmc_date d)
{
    double f = (double)(d - s->date[i - 1]) / (double)(s->date[i] - s->date[i - 1]);
    return s->value[i - 1] + f * (s->value[i] - s->value[i - 1]);
}

/* i = the number of points on or before d. */
static double value_after(const bmc_schedule *s, int i, bmc_date d)
{
    if (i == 0)
        return s->value[0];
    if (i == s->n || !s->linear)
        return s->value[i - 1];
    return between(s, i, d);
}

double bmc_schedule_at(const bmc_schedule *s, bmc_date d)
{
    int i = 0;
    while (i < s->n && s->date[i] <= d)
        i++;
    return value_after(s, i, d);
}

void bmc_schedule_fill(const bmc_schedule *s, bmc_date start, int ndays, double *out)
{
    int i = 0; /* points on or before the current day: only ever moves forward */
    for (int t = 0; t < ndays; t++) {
        bmc_date d = start + t;
        while (i < s->n && s->date[i] <= d)
            i++;
        out[t] = value_after(s, i, d);
    }
}
