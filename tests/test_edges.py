#!/usr/bin/python3
"""Every model key at the edges of its accepted range (0, 1, the maximum, the smallest
allowed): configs/baseline.yaml with the key set by --set runs with --check-invariants (so
conservation, non-negative counts and the idle rule hold every day), gives the same file
with 1 and 2 threads, and shows the consequence the edge must have (checked on the file).
Edges that make no sense are refused by the reader; tests/test_params.c and the bad-input
corpus cover those."""
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

BIN = os.environ["BACKLOGMC_BIN"]
SRC = os.environ["BACKLOGMC_SOURCE_DIR"]
CONFIG = os.path.join(SRC, "configs", "baseline.yaml")
N = 8
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(sets, out, threads):
    cmd = [BIN, "run", CONFIG, "--scenarios", str(N), "--seed", "3", "--quiet", "--trajectories",
           "--check-invariants", "--threads", str(threads), "--out", out]
    for s in sets:
        cmd += ["--set", s]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def same(a, b, skip=()):
    """Every dataset of every group equal (NaN equal to NaN), groups in skip aside."""
    def walk(f, g):
        bad = []

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and not name.startswith(skip):
                x, y = obj[()], g[name][()]
                if isinstance(x, np.ndarray) and x.dtype.kind == "f":
                    if not np.array_equal(x, y, equal_nan=True):
                        bad.append(name)
                elif not np.array_equal(np.asarray(x), np.asarray(y)):
                    bad.append(name)
        f.visititems(visit)
        return bad
    with h5py.File(a, "r") as f, h5py.File(b, "r") as g:
        return walk(f, g)


def traj(f, name):
    return f["trajectories/" + name][()]


def month_of(f, iso):
    firsts = [x.decode() if isinstance(x, bytes) else str(x) for x in f["calendar/month_first"][()]]
    return firsts.index(iso)


# (name, sets, expectation on the open file -> bool)
CASES = [
    ("no staff", ["staff.fte=0"],
     lambda f: (f["scenarios/completion_day"][()] == -1).all()
     and traj(f, "officer_days_offered").sum() == 0
     and np.isnan(f["scenarios/idle_share"][()]).all()),
    ("staff factor 0", ["staff.fte_factor=0"],
     lambda f: traj(f, "officer_days_offered").sum() == 0),
    ("staff factor 10", ["staff.fte_factor=10"],
     lambda f: (f["scenarios/completion_day"][()] >= 0).all()),
    ("availability 1e-6", ["staff.availability=1e-6"],
     lambda f: traj(f, "old_decisions").sum() < 0.01 * 54000 * N),
    ("availability 1, tau 1", ["staff.availability=1",
                               "staff.availability_deviation={rho: 0, tau: 1}"],
     lambda f: (traj(f, "officer_days_offered") <= 307 * 1.05 * 23 + 1e-6).all()),
    ("availability rho 0.999", ["staff.availability_deviation={rho: 0.999, tau: 0.04}"],
     lambda f: np.isfinite(traj(f, "officer_days_offered")).all()),
    ("availability seasonality with a zero month",
     ["staff.availability_seasonality=[0, 1.0909090909090908, 1.0909090909090908, "
      "1.0909090909090908, 1.0909090909090908, 1.0909090909090908, 1.0909090909090908, "
      "1.0909090909090908, 1.0909090909090908, 1.0909090909090908, 1.0909090909090908, "
      "1.0909090909090908]"],
     lambda f: (traj(f, "officer_days_offered")[:, month_of(f, "2027-01-01")] == 0).all()),
    ("no intake", ["intake.annual_level=0"],
     lambda f: traj(f, "new_arrivals").sum() == 0
     and np.isnan(f["scenarios/new_on_time_share"][()]).all()),
    ("intake level 1e7", ["intake.annual_level=1e7"],
     lambda f: (f["scenarios/first_triage_day"][()] >= 0).all()),
    ("year-to-year sd 2", ["intake.year_to_year_sdlog=2"],
     lambda f: np.isfinite(traj(f, "new_arrivals")).all()),
    ("intake seasonality with a zero month",
     ["intake.seasonality=[0, 1.0909090909090908, 1.0909090909090908, 1.0909090909090908, "
      "1.0909090909090908, 1.0909090909090908, 1.0909090909090908, 1.0909090909090908, "
      "1.0909090909090908, 1.0909090909090908, 1.0909090909090908, 1.0909090909090908]"],
     lambda f: (traj(f, "new_arrivals")[:, month_of(f, "2027-01-01")] == 0).all()),
    ("deviation phi 0.999 at stationary sd 1", ["intake.deviation={phi: 0.999, sigma: 0.0447}"],
     lambda f: np.isfinite(traj(f, "new_arrivals")).all()),
    ("no deviation", ["intake.deviation={phi: 0, sigma: 0}"],
     lambda f: traj(f, "new_arrivals").sum() > 0),
    ("negative binomial size 1", ["intake.negbin_size=1"],
     lambda f: traj(f, "new_arrivals").sum() > 0),
    ("poisson days", ["intake.negbin_size=poisson"],
     lambda f: traj(f, "new_arrivals").sum() > 0),
    ("surges every month", ["intake.surge={probability: 1, multiplier: 100, months: 1}"],
     lambda f: np.median(traj(f, "new_arrivals").sum(axis=1)) > 20 * 25000),
    ("new grant rate 0", ["intake.grant_rate=0", "old_cases.categories[0].grant_rate=0",
                          "old_cases.categories[1].grant_rate=0",
                          "old_cases.categories[2].grant_rate=0",
                          "old_cases.categories[3].grant_rate=0",
                          "old_cases.categories[4].grant_rate=0",
                          "old_cases.categories[5].grant_rate=0"],
     lambda f: traj(f, "grants").sum() == 0),
    ("every grant rate 1", ["intake.grant_rate=1", "old_cases.categories[0].grant_rate=1",
                            "old_cases.categories[1].grant_rate=1",
                            "old_cases.categories[2].grant_rate=1",
                            "old_cases.categories[3].grant_rate=1",
                            "old_cases.categories[4].grant_rate=1",
                            "old_cases.categories[5].grant_rate=1"],
     lambda f: traj(f, "rejections").sum() == 0 and traj(f, "remand_decisions").sum() == 0),
    ("one track with share 0", ["intake.tracks[1].share=0", "intake.tracks[0].share=1"],
     lambda f: traj(f, "new_arrivals").sum() > 0),
    ("deadline 1 day, no lead", ["intake.tracks[0].deadline_days=1", "intake.tracks[0].lead_days=0",
                                 "intake.tracks[1].deadline_days=1", "intake.tracks[1].lead_days=0"],
     # a case lodged on a Friday, a Saturday or before a holiday waits more than a day
     lambda f: 0 < np.nanmax(f["scenarios/new_on_time_share"][()]) < 0.9),
    ("lead equal to a 3650-day deadline", ["intake.tracks[0].deadline_days=3650",
                                           "intake.tracks[0].lead_days=3650",
                                           "intake.tracks[1].deadline_days=3650",
                                           "intake.tracks[1].lead_days=3650"],
     lambda f: traj(f, "new_decisions").sum() == 0),
    ("work 1e-6", ["intake.tracks[0].work=1e-6", "intake.tracks[1].work=1e-6",
                   "triage.policy=protect_new"],
     lambda f: (f["scenarios/new_on_time_share"][()] == 1).all()),
    ("work 1000", ["intake.tracks[0].work=1000", "intake.tracks[1].work=1000",
                   "triage.policy=protect_new"],
     lambda f: (f["scenarios/completion_day"][()] == -1).all()),
    ("work factor 1e-3", ["intake.work_factor=1e-3", "triage.policy=protect_new"],
     lambda f: (f["scenarios/new_on_time_share"][()] > 0.99).all()),
    ("work factor 100", ["intake.work_factor=100"],
     lambda f: np.nanmax(f["scenarios/new_on_time_share"][()]) < 0.5),
    ("no old cases", ["old_cases.categories[0].initial=0", "old_cases.categories[1].initial=0",
                      "old_cases.categories[2].initial=0", "old_cases.categories[3].initial=0",
                      "old_cases.categories[4].initial=0", "old_cases.categories[5].initial=0",
                      "time.pact_date=2026-04-01",
                      "old_cases.categories[0].intake_share=1",
                      "old_cases.categories[1].intake_share=0",
                      "old_cases.categories[2].intake_share=0",
                      "old_cases.categories[3].intake_share=0",
                      "old_cases.categories[4].intake_share=0",
                      "old_cases.categories[5].intake_share=0"],
     lambda f: (f["scenarios/completion_day"][()] == 0).all()
     and (f["scenarios/decided_share_at_target"][()] == 1).all()),
    ("initial 1e8", ["old_cases.categories[1].initial=1e8"],
     lambda f: (f["scenarios/completion_day"][()] == -1).all()),
    ("all categories priority", [f"old_cases.categories[{c}].priority=true" for c in range(6)],
     lambda f: (f["scenarios/completion_day"][()] >= 0).sum() >= 0),
    ("B held until its approach", ["old_cases.categories[2].hold_until_approach=true"],
     lambda f: traj(f, "old_decisions")[:, :month_of(f, "2027-01-01"), 2].sum() == 0),
    ("A without hearings", ["old_cases.categories[1].approach.hearing_share=0"],
     lambda f: (f["scenarios/completion_day"][()] >= 0).any()),
    ("A's hearings at 1e-6 a day", ["old_cases.categories[1].approach.hearings_per_day=1e-6"],
     lambda f: (f["scenarios/completion_day"][()] == -1).all()),
    ("factors at their extremes", ["old_cases.categories[1].approach.hearings_factor=100",
                                   "old_cases.categories[2].approach.decisions_factor=1e-3"],
     lambda f: (f["scenarios/category_completion_day"][()][:, 2] == -1).all()),
    ("every B case to D", ["old_cases.reclassification=[{from: B, to: D, probability: 1}]"],
     lambda f: traj(f, "old_decisions")[:, month_of(f, "2027-03-01"):, 2].sum() == 0),
    ("no voorfase places", ["voorfase.capacity=0"],
     lambda f: traj(f, "voorfase_attended").sum() == 0
     and (f["scenarios/completion_day"][()] == -1).all()),
    ("voorfase for everyone at once", ["voorfase.capacity=1e7"],
     lambda f: (f["scenarios/completion_day"][()] >= 0).any()),
    ("nobody shows up", ["voorfase.show_probability=0"],
     lambda f: traj(f, "voorfase_attended").sum() == 0),
    ("everyone shows up", ["voorfase.show_probability=1"],
     lambda f: traj(f, "voorfase_attended").sum() > 0),
    ("one-month cycles", ["plan.cycle_months=1"],
     lambda f: (f["scenarios/completion_day"][()] >= 0).any()),
    ("120-month cycles", ["plan.cycle_months=120"],
     lambda f: (f["scenarios/completion_day"][()] >= 0).any()),
    ("grant target 0, no tolerance", ["plan.grant_target=0", "plan.grant_tolerance=0"],
     lambda f: (f["scenarios/grant_rate_q_min"][()] >= 0).all()),
    ("grant target 1, tolerance 1", ["plan.grant_target=1", "plan.grant_tolerance=1"],
     lambda f: (f["scenarios/completion_day"][()] >= 0).any()),
    ("triage threshold 0", ["triage.threshold=0"],
     lambda f: (f["scenarios/first_triage_day"][()] >= 0).all()),
    ("triage threshold 1e8", ["triage.threshold=1e8"],
     lambda f: (f["scenarios/first_triage_day"][()] == -1).all()),
    ("triage on at the first month end", ["triage.threshold=0", "triage.trigger_months=1",
                                          "triage.min_days=1"],
     lambda f: (f["scenarios/first_triage_day"][()] == 91).all()),
    ("triage after 120 month ends", ["triage.threshold=0", "triage.trigger_months=120"],
     lambda f: (f["scenarios/first_triage_day"][()] == -1).all()),
    ("triage min_days 365", ["triage.threshold=0", "triage.trigger_months=1",
                             "triage.min_days=365"],
     lambda f: (f["scenarios/first_triage_day"][()] >= 365).all()),
    # new intake may take the whole day first: protect_new exactly
    ("share policy, old share 0", ["triage.policy=share", "triage.old_share=0",
                                   "triage.threshold=0"],
     ("same as", ["triage.policy=protect_new", "triage.threshold=0"])),
    ("share policy, old share 1", ["triage.policy=share", "triage.old_share=1",
                                   "triage.threshold=0"],
     lambda f: (f["scenarios/first_triage_day"][()] >= 0).all()),
    ("withdrawals 0.999 a year, never re-lodged", ["withdrawals.annual_rate=0.999",
                                                  "withdrawals.refile_probability=0"],
     lambda f: traj(f, "withdrawn").sum() > 0.5 * 54000 * N),
    ("every withdrawal re-lodged", ["withdrawals.refile_probability=1"],
     lambda f: traj(f, "withdrawn").sum() == 0),
    ("no withdrawals", ["withdrawals.annual_rate=0"],
     lambda f: traj(f, "withdrawn").sum() == 0),
    # new cases all granted, so every rejection is an old case's and comes back
    ("every rejection annulled, the next day", ["remands.probability=1", "remands.delay_days=1",
                                                "intake.grant_rate=1"],
     lambda f: traj(f, "remand_decisions").sum() >= 0.99 * traj(f, "rejections").sum()),
    ("remands after 3650 days", ["remands.probability=1", "remands.delay_days=3650"],
     lambda f: traj(f, "remand_decisions").sum() == 0),
    ("chain ratios 0 and 100", ["chain.nareis_per_grant=0", "chain.appeals_per_rejection=100"],
     lambda f: traj(f, "nareis").sum() == 0
     and abs(traj(f, "appeals").sum() - 100 * traj(f, "rejections").sum())
     <= 1e-6 * traj(f, "appeals").sum()),
    ("deterministic", ["run.deterministic=true"],
     lambda f: (f["scenarios/completion_day"][()] == f["scenarios/completion_day"][0]).all()),
]


with tempfile.TemporaryDirectory(prefix="bmc-edges-") as tmp:
    for i, (name, sets, expect) in enumerate(CASES):
        one, two = os.path.join(tmp, f"{i}-1.h5"), os.path.join(tmp, f"{i}-2.h5")
        r1, r2 = run(sets, one, 1), run(sets, two, 2)
        if r1.returncode or r2.returncode:
            check(False, f"{name}: exit {r1.returncode}/{r2.returncode}: "
                         f"{(r1.stderr or r2.stderr).strip()}")
            continue
        differ = same(one, two)
        check(not differ, f"{name}: 1 and 2 threads differ in {differ[:3]}")
        if isinstance(expect, tuple):  # ("same as", other sets): the same file
            other = os.path.join(tmp, f"{i}-other.h5")
            r = run(expect[1], other, 2)
            differ = same(one, other, ("config/",)) if r.returncode == 0 else ["(run failed)"]
            check(not differ, f"{name}: differs from {expect[1]} in {differ[:3]}")
            os.remove(one)
            os.remove(two)
            print(f"ok: {name}")
            continue
        with h5py.File(one, "r") as f:
            try:
                ok = bool(expect(f))
            except Exception as e:  # a missing dataset or a shape error is a failure too
                ok = False
                print(f"{name}: {type(e).__name__}: {e}")
            check(ok, f"{name}: the expected consequence does not hold")
        os.remove(one)
        os.remove(two)
        print(f"ok: {name}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print(f"test_edges: {len(CASES)} edges passed")
