#include "solve_h5.h"

#include <stdio.h>

const char *bmc_solve_method_name(enum bmc_threshold_method m)
{
    return m == BMC_THRESHOLD_PER_ITEM      ? "per_scenario"
           : m == BMC_THRESHOLD_ROOT_SEARCH ? "root_search"
                                            : "flat";
}

const char *bmc_solve_state_name(enum bmc_threshold_answer s)
{
    return s == BMC_ANSWER_INSIDE ? "inside" : s == BMC_ANSWER_AT_END ? "at_end" : "beyond";
}

static const char *metric_name(enum bmc_solve_metric m)
{
    return m == BMC_SOLVE_ALL ? "all" : m == BMC_SOLVE_P95 ? "p95" : "on-time";
}

int bmc_solve_h5_question(bmc_analysis_h5 *f, const bmc_solve_options *o)
{
    hid_t r = bmc_analysis_h5_root(f);
    int rc;
    if ((rc = bmc_analysis_attr_text(f, r, "key", o->key))
        || (rc = bmc_analysis_attr_double(f, r, "range_lo", o->lo))
        || (rc = bmc_analysis_attr_double(f, r, "range_hi", o->hi))
        || (rc = bmc_analysis_attr_double(f, r, "target_probability", o->level / 100.0))
        || (rc = bmc_analysis_attr_text(f, r, "metric", metric_name(o->metric)))
        || (rc = bmc_analysis_attr_double(f, r, "on_time_q", o->on_time))
        || (rc = bmc_analysis_attr_int(f, r, "scenarios", o->scenarios)))
        return rc;
    hid_t g = bmc_h5_create_group(r, "solve");
    if (g < 0)
        return bmc_h5_fail(bmc_analysis_h5_ctx(f), "create group /solve");
    bmc_h5_close_group(g);
    return BMC_OK;
}

static int answer_attributes(bmc_analysis_h5 *f, hid_t g, const bmc_solve *s)
{
    const bmc_threshold_result *r = &s->r;
    int rc;
    if ((rc = bmc_analysis_attr_text(f, g, "method", bmc_solve_method_name(r->method)))
        || (rc = bmc_analysis_attr_int(f, g, "direction", r->direction))
        || (rc = bmc_analysis_attr_text(f, g, "state", bmc_solve_state_name(r->state)))
        || (rc = bmc_analysis_attr_double(f, g, "answer", r->answer))
        || (rc = bmc_analysis_attr_double(f, g, "answer_lo", r->answer_lo))
        || (rc = bmc_analysis_attr_double(f, g, "answer_hi", r->answer_hi))
        || (rc = bmc_analysis_attr_double(f, g, "metric", r->metric))
        || (rc = bmc_analysis_attr_double(f, g, "metric_lo", r->metric_lo))
        || (rc = bmc_analysis_attr_double(f, g, "metric_hi", r->metric_hi))
        || (rc = bmc_analysis_attr_int(f, g, "fresh_scenarios", r->fresh_n))
        || (rc = bmc_analysis_attr_int(f, g, "fresh_successes", r->fresh_successes))
        || (rc = bmc_analysis_attr_double(f, g, "share_at_lo", r->share_lo_end))
        || (rc = bmc_analysis_attr_double(f, g, "share_at_hi", r->share_hi_end))
        || (rc = bmc_analysis_attr_int(f, g, "runs", r->runs))
        || (rc = bmc_analysis_attr_int(f, g, "check_scenarios", r->check_items))
        || (rc = bmc_analysis_attr_int(f, g, "check_points", r->check_points))
        || (rc = bmc_analysis_attr_int(f, g, "check_violations", r->check_violations))
        || (rc = bmc_analysis_attr_int(f, g, "end_violations", r->end_violations))
        || (rc = bmc_analysis_attr_int(f, g, "whole_numbers", s->integer)))
        return rc;
    return BMC_OK;
}

int bmc_solve_h5_write(bmc_analysis_h5 *f, const char *name, const bmc_solve *s, int64_t n)
{
    char path[160];
    snprintf(path, sizeof path, "solve/%s", name);
    hid_t g = bmc_h5_create_group(bmc_analysis_h5_root(f), path);
    if (g < 0)
        return bmc_h5_fail(bmc_analysis_h5_ctx(f), "create group /%s", path);
    int rc = answer_attributes(f, g, s);
    /* a flat metric never got as far as the brackets */
    if (rc == BMC_OK && s->r.item_ok)
        rc = bmc_analysis_write_doubles(f, g, "threshold_ok", n, 0, s->r.item_ok);
    if (rc == BMC_OK && s->r.item_fail)
        rc = bmc_analysis_write_doubles(f, g, "threshold_fail", n, 0, s->r.item_fail);
    bmc_h5_close_group(g);
    return rc;
}

int bmc_solve_h5_comparison(bmc_analysis_h5 *f, const char *name, const double d[3])
{
    char path[160];
    snprintf(path, sizeof path, "comparison/%s", name);
    hid_t r = bmc_analysis_h5_root(f);
    if (H5Lexists(r, "comparison", H5P_DEFAULT) <= 0) {
        hid_t c = bmc_h5_create_group(r, "comparison");
        if (c < 0)
            return bmc_h5_fail(bmc_analysis_h5_ctx(f), "create group /comparison");
        bmc_h5_close_group(c);
    }
    hid_t g = bmc_h5_create_group(r, path);
    if (g < 0)
        return bmc_h5_fail(bmc_analysis_h5_ctx(f), "create group /%s", path);
    int rc;
    if (!(rc = bmc_analysis_attr_double(f, g, "difference", d[0]))
        && !(rc = bmc_analysis_attr_double(f, g, "difference_lo", d[1])))
        rc = bmc_analysis_attr_double(f, g, "difference_hi", d[2]);
    bmc_h5_close_group(g);
    return rc;
}
