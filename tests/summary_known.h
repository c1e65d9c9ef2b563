#ifndef BACKLOGMC_SUMMARY_KNOWN_H
#define BACKLOGMC_SUMMARY_KNOWN_H

/* A small hand-made results block with answers worked out by hand (test_summary.c) and the
 * results file made of it (test_summary_cli.c): 10 scenarios, 100 days from Wednesday
 * 2026-04-01, target day 50, categories X and Y, 4 months. Include after cmocka.h. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "h5out.h"
#include "results.h"
#include "summary.h"

#define NDAYS 100
#define TARGET 50
#define NS 10     /* scenarios of the hand-made block */
#define NMONTHS 4 /* 2026-04-01 + 99 days = 2026-07-09 */

static inline bmc_date day0(void)
{
    return bmc_date_from_ymd(2026, 4, 1);
}

static inline bmc_layout make_layout(bool trajectories)
{
    bmc_layout l;
    memset(&l, 0, sizeof l);
    l.n_categories = 2;
    snprintf(l.category_names[0], BMC_NAME_LEN, "X");
    snprintf(l.category_names[1], BMC_NAME_LEN, "Y");
    l.n_months = NMONTHS;
    l.trajectories = trajectories;
    return l;
}

static inline bmc_summary *new_summary(const bmc_layout *l)
{
    bmc_summary *s = NULL;
    bmc_err err;
    assert_int_equal(bmc_summary_create(l, NDAYS, TARGET, day0(), &s, &err), BMC_OK);
    return s;
}

static const int32_t completion[NS] = {10, 20, 30, 40, 50, 60, 70, 80, -1, -1};
static const int32_t p90[NS] = {4, 14, 24, 34, 44, 49, 64, 74, 89, 95};
static const int32_t p95[NS] = {5, 15, 25, 35, 45, 50, 65, 75, 90, -1};
static const int32_t p99[NS] = {9, 19, 29, 39, 49, 59, 69, 79, -1, -1};

static inline double *traj(bmc_result_block *b, int f, int s, int m)
{
    return &b->traj[f][(size_t)s * NMONTHS + (size_t)m];
}

static inline double *traj_cat(bmc_result_block *b, int f, int s, int m, int c)
{
    return &b->traj_cat[f][((size_t)s * NMONTHS + (size_t)m) * 2 + (size_t)c];
}

static inline void fill_months(bmc_result_block *b, int s)
{
    *traj_cat(b, BMC_TRAJ_OLD_OPEN, s, 0, 0) = s;
    *traj_cat(b, BMC_TRAJ_OLD_OPEN, s, 0, 1) = 100 + s;       /* total 100 + 2 s */
    *traj_cat(b, BMC_TRAJ_OLD_OPEN, s, 1, 1) = 30000 + 1000 * s;
    *traj_cat(b, BMC_TRAJ_OLD_DECISIONS, s, 0, 0) = 1;
    *traj_cat(b, BMC_TRAJ_OLD_DECISIONS, s, 0, 1) = s;
    *traj(b, BMC_TRAJ_GRANTS, s, 0) = s;                      /* grant rate s / 10 */
    *traj(b, BMC_TRAJ_REJECTIONS, s, 0) = 10 - s;
    *traj(b, BMC_TRAJ_REJECTIONS, s, 1) = s < 3 ? 0 : s;      /* rate 0, undefined for s < 3 */
    *traj(b, BMC_TRAJ_NEW_DECISIONS, s, 0) = 10;
    *traj(b, BMC_TRAJ_NEW_ON_TIME, s, 0) = s;                 /* on time s / 10 */
    *traj(b, BMC_TRAJ_NEW_ARRIVALS, s, 0) = 1000 + s;
    *traj(b, BMC_TRAJ_NEW_OPEN, s, 0) = 5 * s;
    *traj(b, BMC_TRAJ_TRIAGE, s, 2) = s % 2 == 0;
}

/* The block, with every completion day moved shift days later (a "variant"). */
static inline bmc_result_block *known_block_shifted(const bmc_layout *l, int shift)
{
    bmc_result_block *b = bmc_result_block_alloc(l, NS);
    assert_non_null(b);
    bmc_result_block_reset(b, 0);
    b->count = NS;
    for (int s = 0; s < NS; s++) {
        b->completion_day[s] = completion[s] < 0 ? -1 : completion[s] + shift;
        b->p90_day[s] = p90[s];
        b->p95_day[s] = p95[s];
        b->p99_day[s] = p99[s];
        b->first_triage_day[s] = s % 2 == 0 ? 3 + s : -1;
        b->triage_days[s] = s;
        b->decided_share_at_target[s] = 0.5;
        b->new_on_time_share[s] = b->grant_rate[s] = 0.25;
        b->grant_rate_q_min[s] = b->grant_rate_q_max[s] = 0.25;
        b->category_completion_day[2 * s] = b->completion_day[s];
        b->category_completion_day[2 * s + 1] = 5 * s;
        if (l->trajectories)
            fill_months(b, s);
    }
    return b;
}

static inline bmc_result_block *known_block(const bmc_layout *l)
{
    return known_block_shifted(l, 0);
}

static inline bmc_summary *known_summary(bool trajectories)
{
    bmc_layout l = make_layout(trajectories);
    bmc_summary *s = new_summary(&l);
    bmc_result_block *b = known_block(&l);
    bmc_err err;
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_OK);
    bmc_result_block_free(b);
    return s;
}

/* A complete results file of the block through the writer's protocol, the way the driver
 * makes one: blocks go to the file and to the summary, the summary is written before
 * commit. cal covers the NDAYS days. */
static inline void write_results(const bmc_calendar *cal, const char *path, bool with_summary,
                                 bool omit_trajectories)
{
    bmc_layout l = make_layout(true);
    assert_int_equal(bmc_calendar_months(cal), NMONTHS);
    bmc_run_meta meta = {.config_name = "known.yaml", .config_text = "x: 1\n", .seed = 7,
                         .n_scenarios = NS, .cal = cal,
                         .target_date = day0() + TARGET, .pact_date = day0() + 10,
                         .omit_trajectories = omit_trajectories};
    bmc_h5out *h = NULL;
    bmc_err err;
    assert_int_equal(bmc_h5out_open(path, &l, &meta, &h, &err), BMC_OK);
    bmc_result_block *b = known_block(&l);
    assert_int_equal(bmc_h5out_append(h, b, &err), BMC_OK);
    bmc_summary *s = new_summary(&l);
    assert_int_equal(bmc_summary_add_block(s, b, &err), BMC_OK);
    if (with_summary)
        assert_int_equal(bmc_h5out_write_summary(h, "summary", s, &err), BMC_OK);
    assert_int_equal(bmc_h5out_commit(h, &err), BMC_OK);
    bmc_summary_free(s);
    bmc_result_block_free(b);
}

#endif
