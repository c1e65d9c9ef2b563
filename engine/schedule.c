#include "schedule.h"

#define TRY BMC_TRY

int cfg_get_schedule(cfg_map *m, const char *key, bool required, double def, double lo,
                     double hi, bmc_schedule *out, bmc_err *err)
{
    if (!cfg_has(m, key) || !cfg_is_map(m, key)) {
        double v;
        TRY(cfg_get_double(m, key, required, def, lo, hi, &v, err));
        *out = bmc_schedule_constant(v);
        return BMC_OK;
    }
    static const char *const KINDS[] = {"step", "linear"};
    cfg_map s;
    int kind, n;
    TRY(cfg_get_map(m, key, true, &s, err));
    TRY(cfg_get_enum(&s, "interpolation", false, KINDS, 2, 1, &kind, err));
    TRY(cfg_get_seq(&s, "points", true, 1, BMC_SCHEDULE_MAX_POINTS, &n, err));
    out->n = n;
    out->linear = kind == 1;
    for (int i = 0; i < n; i++) {
        TRY(cfg_seq_date_value(&s, "points", i, lo, hi, &out->date[i], &out->value[i], err));
        if (i > 0 && out->date[i] <= out->date[i - 1])
            return cfg_fail_at_item(&s, "points", i, BMC_ECONFIG, err,
                                    "dates must be strictly increasing");
    }
    return cfg_finish(&s, err);
}

double bmc_schedule_at(const bmc_schedule *s, bmc_date d)
{
    if (d <= s->date[0])
        return s->value[0];
    for (int i = 1; i < s->n; i++) {
        if (d < s->date[i]) {
            if (!s->linear)
                return s->value[i - 1];
            double f = (double)(d - s->date[i - 1]) / (double)(s->date[i] - s->date[i - 1]);
            return s->value[i - 1] + f * (s->value[i] - s->value[i - 1]);
        }
    }
    return s->value[s->n - 1];
}

void bmc_schedule_fill(const bmc_schedule *s, bmc_date start, int ndays, double *out)
{
    int i = 0; /* first point after the current date */
    for (int t = 0; t < ndays; t++) {
        bmc_date d = start + t;
        while (i < s->n && s->date[i] <= d)
            i++;
        if (i == 0) {
            out[t] = s->value[0];
        } else if (i == s->n || !s->linear) {
            out[t] = s->value[i - 1];
        } else {
            double f = (double)(d - s->date[i - 1]) / (double)(s->date[i] - s->date[i - 1]);
            out[t] = s->value[i - 1] + f * (s->value[i] - s->value[i - 1]);
        }
    }
}
