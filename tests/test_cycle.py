#!/usr/bin/env python3
"""The monthly cycle on the command line (README, "The monthly cycle"): forecasts from the two
example states, their results files carrying the state (its text and as-of date, "forecast as
of" in summary), monitoring, and attribution from the results files, which must give the
numbers the configurations and states give; the attribution file holds the table; the report
draws both. Also the
refusals: a bad state for run (exit 3, one line with its position), a state for a results
file, OLD and NEW with different categories."""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bmc_testlib import SOURCE, check_clean_failure, fail, run  # noqa: E402

S1, S2 = "configs/states/2026-12-31.yaml", "configs/states/2027-01-31.yaml"
GROUPS = ["state", "intake", "staff", "work content", "policy", "other"]


def forecast(tmp, state, name):
    out = os.path.join(tmp, name)
    rc, text, err = run(["run", "configs/baseline.yaml", "--state", state, "--scenarios", "120",
                         "--quiet", "--threads", "2", "--out", out], cwd=SOURCE)
    check_clean_failure("run --state " + state, rc, err, (0,))
    with h5py.File(out, "r") as f:
        with open(os.path.join(SOURCE, state)) as s:
            if f["state/text"][()].decode() != s.read():
                fail("%s: /state/text is not the state file" % out)
        if f.attrs["as_of"] != os.path.basename(state)[:10]:
            fail("%s: as_of is %s" % (out, f.attrs["as_of"]))
        if f.attrs["day0"] != {S1: "2027-01-01", S2: "2027-02-01"}[state]:
            fail("%s: the run does not start the day after as_of" % out)
    rc, text, err = run(["summary", out], cwd=SOURCE)
    check_clean_failure("summary", rc, err, (0,))
    if "forecast as of %s" % os.path.basename(state)[:10] not in text:
        fail("summary does not say what the forecast is as of:\n" + text[:400])
    return out


def attribution(tmp, name, args):
    out = os.path.join(tmp, name)
    rc, text, err = run(["attribute"] + args + ["--scenarios", "120", "--seed", "11",
                                                "--resamples", "200", "--out", out], cwd=SOURCE)
    check_clean_failure("attribute " + " ".join(args), rc, err, (0,))
    with h5py.File(out, "r") as f:
        if f.attrs["format"] != "backlogmc-attribution":
            fail("%s: not an attribution file" % out)
        if [g.decode() for g in f["groups"][:]] != GROUPS:
            fail("%s: groups %s" % (out, f["groups"][:]))
        rows = {k: {d: f[k][d][:] for d in ("value", "effect", "low", "high", "total")}
                for k in ("completion", "p_target", "new_on_time_share")}
        changed = f["group_changed"][:]
    for k, r in rows.items():
        total = r["value"][-1] - r["value"][0]
        if np.isfinite(total) and (r["effect"].sum() != r["total"][0] or total != r["total"][0]):
            fail("%s: %s effects %s do not add up to %s" % (out, k, r["effect"], r["total"]))
    return text, rows, changed


def main():
    tmp = tempfile.mkdtemp(prefix="bmc-cycle-")
    try:
        check(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(tmp):
    old, new = forecast(tmp, S1, "old.h5"), forecast(tmp, S2, "new.h5")
    rc, text, err = run(["monitor", old, S2], cwd=SOURCE)
    check_clean_failure("monitor", rc, err, (0,))
    if text.count("2027-01  ") != 4:
        fail("monitor does not place the four observations of 2027-01:\n" + text)

    from_files, a, changed = attribution(tmp, "a.h5", [old, new])
    _, b, _ = attribution(tmp, "b.h5", ["configs/baseline.yaml", "configs/baseline.yaml",
                                        "--old-state", S1, "--new-state", S2])
    for k in a:
        for d in a[k]:
            if not np.array_equal(a[k][d], b[k][d], equal_nan=True):
                fail("%s/%s from the results files differs from the configurations and states"
                     % (k, d))
    # the two states differ in the state itself and in the intake history, nothing else
    if list(changed) != [1, 1, 0, 0, 0, 0]:
        fail("changed groups %s" % list(changed))
    for g in ("staff", "work content", "policy", "other"):
        if "+ %-14s" % g not in from_files or "(no key changed)" not in from_files:
            fail("the table lacks the row of %s:\n%s" % (g, from_files))
    _, back, _ = attribution(tmp, "c.h5", [new, old])
    for k in a:
        if not np.array_equal(back[k]["effect"], -a[k]["effect"], equal_nan=True):
            fail("%s: swapping OLD and NEW does not negate the effects" % k)

    # the report: the monitoring table with the fan, the attribution table with its waterfall
    mon = os.path.join(tmp, "monitor.h5")
    rc, _, err = run(["monitor", old, S2, "--out", mon], cwd=SOURCE)
    check_clean_failure("monitor --out", rc, err, (0,))
    rep = os.path.join(tmp, "report")
    p = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "scripts", "report.py"), old,
                        "--monitor", mon, "--attribution", os.path.join(tmp, "a.h5"), "--out",
                        rep], capture_output=True, text=True)
    if p.returncode != 0:
        fail("report.py: " + p.stderr)
    with open(os.path.join(rep, "report.md"), encoding="utf-8") as fh:
        md = fh.read()
    for want in ("| forecast as of | 2026-12-31", "## Monitoring: the actuals in the last forecast",
                 "| 2027-01 | Old cases open at month end |", "## What changed since the last "
                 "forecast", "| + staff (no key changed) |", "| = NEW |", "monitor_fan.png",
                 "attribution_waterfall.png"):
        if want not in md:
            fail("report.md lacks %r" % want)
    for fig in ("monitor_fan.png", "attribution_waterfall.png"):
        if os.path.getsize(os.path.join(rep, fig)) < 10000:
            fail("%s is missing or empty" % fig)
    p = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "scripts", "report.py"), old,
                        "--attribution", mon, "--out", os.path.join(tmp, "report2")],
                       capture_output=True, text=True)
    if p.returncode != 4 or "not a backlogmc-attribution file" not in p.stderr:
        fail("report.py takes a monitoring file for an attribution: %d %s" % (p.returncode,
                                                                            p.stderr))

    # refusals
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as s:
        s.write("as_of: 2026-12-31\nold_cases: {A: {ready: -3}}\ndecided_old: 0\n")
    rc, _, err = run(["run", "configs/baseline.yaml", "--state", bad, "--scenarios", "5",
                      "--out", os.path.join(tmp, "x.h5")], cwd=SOURCE)
    check_clean_failure("a negative count", rc, err, (3,))
    if "bad.yaml:2:24: old_cases.A.ready: expected a whole number" not in err:
        fail("negative count: " + err)
    if os.path.exists(os.path.join(tmp, "x.h5")):
        fail("a refused state left a results file")
    rc, _, err = run(["attribute", old, new, "--old-state", S1], cwd=SOURCE)
    check_clean_failure("a state for a results file", rc, err, (2,))
    renamed = os.path.join(tmp, "renamed.yaml")
    with open(renamed, "w") as s:
        s.write("base: %s/configs/baseline.yaml\nold_cases:\n  categories:\n"
                "    - {name: Q, initial: 5, grant_rate: 0.5, approach_start: never,\n"
                "       regular: {hearing_share: 1, hearings_per_day: 1, decisions_per_day: 1}}\n"
                % SOURCE)
    rc, _, err = run(["attribute", "configs/baseline.yaml", renamed, "--scenarios", "5"],
                     cwd=SOURCE)
    check_clean_failure("different categories", rc, err, (3,))
    if "different old-case categories (OLD: AMV, A, B, C, D, O; NEW: AMV, A, B, C, D, O, Q)" \
            not in err:
        fail("different categories: " + err)
    print("test_cycle: forecasts from states, monitoring and attribution as the README shows")


if __name__ == "__main__":
    sys.exit(main())
