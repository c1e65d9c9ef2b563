#ifndef BACKLOGMC_RESULTS_SCHEMA_H
#define BACKLOGMC_RESULTS_SCHEMA_H

/* The outputs of a scenario (docs/model.md section 9), defined once: the result block's columns
 * (results.h), the HDF5 writer (output/h5out.c), the checkpoint's columns
 * (output/block_columns.c) and the test that holds docs/output.md to the file all expand
 * these tables. Adding a field here adds it everywhere; docs/output.md must then document
 * it (tests/test_output_doc.py fails until it does). */

#define BMC_DAY_UNITS "days since day0; -1 = not reached by the horizon"

/* Per-scenario values, one dataset each under /scenarios:
 * X(name, type I32 or F64, units attribute). */
#define BMC_SCENARIO_FIELDS(X)                                                                 \
    X(completion_day, I32, BMC_DAY_UNITS)                                                      \
    X(p90_day, I32, BMC_DAY_UNITS)                                                             \
    X(p95_day, I32, BMC_DAY_UNITS)                                                             \
    X(p99_day, I32, BMC_DAY_UNITS)                                                             \
    X(triage_days, I32, "days (simulated days with triage on)")                                \
    X(first_triage_day, I32, BMC_DAY_UNITS)                                                    \
    X(decided_share_at_target, F64, "fraction (0..1)")                                         \
    X(new_on_time_share, F64, "fraction (0..1); NaN = no new case settled")                    \
    X(grant_rate, F64, "fraction (0..1); NaN = no first decision")                             \
    X(grant_rate_q_min, F64, "fraction (0..1); NaN = no quarter with first decisions")         \
    X(grant_rate_q_max, F64, "fraction (0..1); NaN = no quarter with first decisions")         \
    X(idle_share, F64, "fraction (0..1) of the officer-days offered; NaN = none offered")

/* Monthly values per scenario, float64 [S][M] under /trajectories:
 * X(ENUM, name, kind flow or stock, units attribute). */
#define BMC_TRAJ_FIELDS(X)                                                                     \
    X(GRANTS, grants, "flow", "cases")                                                         \
    X(REJECTIONS, rejections, "flow", "cases")                                                 \
    X(VOORFASE_ATTENDED, voorfase_attended, "flow", "cases")                                   \
    X(HEARINGS, hearings, "flow", "hearings")                                                  \
    X(NEW_ARRIVALS, new_arrivals, "flow", "cases")                                             \
    X(NEW_DECISIONS, new_decisions, "flow", "cases")                                           \
    X(NEW_ON_TIME, new_on_time, "flow", "cases")                                               \
    X(NEW_OPEN, new_open, "stock", "cases")                                                    \
    X(OFFICER_DAYS_OFFERED, officer_days_offered, "flow", "officer-days")                     \
    X(OFFICER_DAYS_USED, officer_days_used, "flow", "officer-days")                           \
    X(TRIAGE, triage, "stock", "1 = triage on at month end, else 0")                          \
    X(WITHDRAWN, withdrawn, "flow", "cases")                                                   \
    X(REMAND_DECISIONS, remand_decisions, "flow", "decisions")                                 \
    X(NAREIS, nareis, "flow", "applications (expected)")                                       \
    X(APPEALS, appeals, "flow", "appeals (expected)")

/* Monthly values per scenario and old-case category, float64 [S][M][C]. */
#define BMC_TRAJ_CAT_FIELDS(X)                                                                 \
    X(OLD_OPEN, old_open, "stock", "cases")                                                    \
    X(OLD_DECISIONS, old_decisions, "flow", "cases")

#endif
