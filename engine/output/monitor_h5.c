#include "monitor_h5.h"

#include <stdlib.h>
#include <string.h>

#include "h5file.h"
#include "h5util.h"

typedef struct monitor_file {
    const char *forecast, *state;
    bmc_date as_of;
    const bmc_monitor *m;
} monitor_file;

static int write_columns(bmc_h5ctx *e, hid_t file, const bmc_monitor *m, char (*names)[BMC_NAME_LEN],
                         double *v, int32_t *pos)
{
    hsize_t n = (hsize_t)m->n, fan[2] = {(hsize_t)m->n, BMC_MONITOR_FAN};
    for (int i = 0; i < m->n; i++) {
        char buf[8];
        bmc_history_period p = {m->row[i].month, 1, 0};
        bmc_history_format_period(&p, buf);
        snprintf(names[i], BMC_NAME_LEN, "%s", buf);
    }
    int rc = bmc_h5_write_names(e, file, "month", (const char(*)[BMC_NAME_LEN])names, m->n);
    for (int i = 0; i < m->n; i++)
        snprintf(names[i], BMC_NAME_LEN, "%s", bmc_obs_name(m->row[i].series));
    if (!rc)
        rc = bmc_h5_write_names(e, file, "series", (const char(*)[BMC_NAME_LEN])names, m->n);
    for (int i = 0; i < m->n; i++)
        v[i] = m->row[i].observed;
    if (!rc)
        rc = bmc_h5_write_array(e, file, "observed", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &n, v);
    for (int i = 0; i < m->n; i++)
        v[i] = m->row[i].percentile;
    if (!rc)
        rc = bmc_h5_write_array(e, file, "percentile", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &n,
                                v);
    for (int i = 0; i < m->n; i++)
        memcpy(v + (size_t)i * BMC_MONITOR_FAN, m->row[i].fan, sizeof m->row[i].fan);
    if (!rc)
        rc = bmc_h5_write_array(e, file, "fan", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, fan, v);
    for (int i = 0; i < m->n; i++)
        pos[i] = m->row[i].position;
    if (!rc)
        rc = bmc_h5_write_array(e, file, "position", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &n, pos);
    return rc;
}

/* /forecast_fan/<indicator> [months][5] and /forecast_fan/month: the forecast's whole fan. */
static int write_fans(bmc_h5ctx *e, hid_t file, const bmc_monitor *m)
{
    hid_t g = bmc_h5_create_group(file, "forecast_fan");
    if (g < 0)
        return bmc_h5_fail(e, "create /forecast_fan");
    size_t n = m->months > 0 ? (size_t)m->months : 1;
    char(*months)[BMC_NAME_LEN] = calloc(n, sizeof *months);
    int rc = months ? BMC_OK : bmc_fail(e->err, BMC_ENOMEM, "out of memory for the fans");
    for (int i = 0; i < m->months && !rc; i++) {
        bmc_history_period p = {m->first_month + i, 1, 0};
        bmc_history_format_period(&p, months[i]);
    }
    if (!rc)
        rc = bmc_h5_write_names(e, g, "month", (const char(*)[BMC_NAME_LEN])months, m->months);
    hsize_t dims[2] = {(hsize_t)m->months, BMC_MONITOR_FAN};
    for (int k = 0; k < BMC_OBS_COUNT && !rc; k++)
        rc = bmc_h5_write_array(e, g, bmc_obs_name(k), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims,
                                m->fan[k]);
    free(months);
    bmc_h5_close_group(g);
    return rc;
}

static int fill(bmc_h5ctx *e, hid_t file, const void *arg)
{
    const monitor_file *f = arg;
    const bmc_monitor *m = f->m;
    const int32_t version = BMC_MONITOR_VERSION, levels[BMC_MONITOR_FAN] = {5, 25, 50, 75, 95};
    hsize_t nl = BMC_MONITOR_FAN;
    int rc = bmc_h5_attr_scalar(e, file, "version", H5T_STD_I32LE, H5T_NATIVE_INT32, &version);
    if (!rc)
        rc = bmc_h5_attr_string(e, file, "forecast", f->forecast);
    if (!rc)
        rc = bmc_h5_attr_string(e, file, "state", f->state);
    if (!rc)
        rc = bmc_h5_attr_date(e, file, "as_of", f->as_of);
    if (!rc)
        rc = bmc_h5_attr_string(e, file, "position_codes",
                                "-1 below the 5 % point, 0 inside, 1 above the 95 % point, "
                                "2 not comparable");
    if (!rc)
        rc = bmc_h5_write_array(e, file, "fan_level_percent", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                1, &nl, levels);
    size_t n = m->n > 0 ? (size_t)m->n : 1;
    char(*names)[BMC_NAME_LEN] = calloc(n, sizeof *names);
    double *v = calloc(n * BMC_MONITOR_FAN, sizeof *v);
    int32_t *pos = calloc(n, sizeof *pos);
    if (!rc && (!names || !v || !pos))
        rc = bmc_fail(e->err, BMC_ENOMEM, "out of memory writing the monitoring table");
    if (!rc)
        rc = write_columns(e, file, m, names, v, pos);
    if (!rc)
        rc = write_fans(e, file, m);
    free(names);
    free(v);
    free(pos);
    return rc;
}

int bmc_monitor_write(bmc_h5_file_plan plan, const char *forecast, const char *state,
                      bmc_date as_of, const bmc_monitor *m, bmc_err *err)
{
    monitor_file f = {forecast, state, as_of, m};
    plan.format = BMC_MONITOR_FORMAT;
    return bmc_h5_write_file(&plan, fill, &f, err);
}
