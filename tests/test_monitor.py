#!/usr/bin/env python3
"""backlogmc monitor (MODEL.md section 12): observed monthly values placed in a forecast's
monthly distribution. A forecast from the example state of 2026-12-31 is run with
--trajectories, so the distribution of every monthly indicator is known scenario by scenario.
Constructed observations (a value at the 30th percentile of the scenarios, one below all of
them, one above all, a share tied with every scenario) go into a state file, and monitor's
percentiles must be what the scenarios give, computed here independently: the mid-rank
percentile with the bin of the value (one whole number below 256, a 128th of an octave above,
a thousandth of a share) taken as spread evenly. Also: the positions, the months left out,
and the refusals."""
import math
import os
import shutil
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bmc_testlib import SOURCE, check_clean_failure, fail, run  # noqa: E402

N = 300


def bin_of(v, share):
    """The summary bin of a value (engine/output/summary_bins.c) as (key, lower edge, width);
    width 0 for a bin that holds one value only."""
    if share:
        k = min(math.floor(v * 1000), 1000)
        return k, k / 1000, 0.0 if k == 1000 else 0.001
    if v < 256:
        return math.floor(v), math.floor(v), 0.0
    octave = math.frexp(v)[1] - 1
    sub = math.floor((v / 2.0 ** octave - 1) * 128)
    return octave * 1000 + sub, 2.0 ** octave * (1 + sub / 128), 2.0 ** octave / 128


def expected_percentile(values, v, share):
    """Mid-rank percentile of v among the defined values: those in lower bins, and of those in
    its own bin the part below v (half of a bin that holds one value only); also the share of
    the values in that bin."""
    x = values[~np.isnan(values)]
    key, lo, width = bin_of(v, share)
    keys = np.array([bin_of(float(y), share)[0] for y in x])
    below, inside = np.sum(keys < key), np.sum(keys == key)
    within = 0.5 if width == 0 else (v - lo) / width
    return 100.0 * (below + within * inside) / len(x), 100.0 * inside / len(x)


def month_values(f, m):
    """The scenarios' value of each monitored indicator in trajectory month m."""
    t = f["trajectories"]
    nd, ot = t["new_decisions"][:, m], t["new_on_time"][:, m]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(nd > 0, ot / nd, np.nan)
    return {
        "first_decisions_old": t["old_decisions"][:, m, :].sum(axis=1),
        "old_open": t["old_open"][:, m, :].sum(axis=1),
        "new_on_time_share": share,
        "intake": t["new_arrivals"][:, m],
    }


def main():
    tmp = tempfile.mkdtemp(prefix="bmc-monitor-")
    try:
        check(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(tmp):
    forecast = os.path.join(tmp, "forecast.h5")
    rc, _, err = run(["run", "configs/baseline.yaml", "--state", "configs/states/2026-12-31.yaml",
                      "--scenarios", str(N), "--seed", "7", "--trajectories", "--quiet",
                      "--threads", "2", "--out", forecast], cwd=SOURCE)
    check_clean_failure("forecast run", rc, err, (0,))
    with h5py.File(forecast, "r") as f:
        if f.attrs["as_of"] != "2026-12-31" or "state" not in f:
            fail("the forecast does not record its state")
        months = [month_values(f, m) for m in range(3)]  # 2027-01 .. 2027-03

    # March 2027: a value at the 30th percentile, January one below all scenarios, February one
    # above all; the share tied with every scenario (all on time) and one below all
    observed, rows = {}, []
    for key, vals in months[2].items():
        share = key == "new_on_time_share"
        x = np.sort(vals[~np.isnan(vals)])
        if share:
            jan, feb, mar = 0.25, 1.0, 1.0 if np.all(x == 1) else float(x[int(0.3 * len(x))])
        else:
            jan = max(0.0, float(np.min(months[0][key])) - 50)
            jan = float(math.floor(jan))
            feb = float(math.ceil(np.max(months[1][key]) * 1.05 + 10))
            mar = float(x[int(0.3 * len(x))])
        observed[key] = [("2026-11", 5.0 if not share else 0.5), ("2027-01", jan), ("2027-02", feb),
                         ("2027-03", mar)]
    state = os.path.join(tmp, "state.yaml")
    with open(state, "w") as s:
        s.write("as_of: 2027-03-31\nold_cases: {A: {ready: 1}}\ndecided_old: 0\n"
                "new_cases: {}\ntriage: {on: false}\nobserved:\n")
        for key, pts in observed.items():
            s.write("  %s: [%s]\n" % (key, ", ".join("[%s, %s]" % (mo, repr(v)) for mo, v in pts)))
    out = os.path.join(tmp, "monitor.h5")
    rc, text, err = run(["monitor", forecast, state, "--out", out], cwd=SOURCE)
    check_clean_failure("monitor", rc, err, (0,))
    if "(4 observed values of months before the forecast's first month left out)" not in text:
        fail("the months before the forecast are not reported as left out:\n" + text)

    with h5py.File(out, "r") as f:
        if f.attrs["format"] != "backlogmc-monitor":
            fail("the monitoring file has no format")
        series = [s.decode() for s in f["series"][:]]
        month = [s.decode() for s in f["month"][:]]
        pct, pos, obs = f["percentile"][:], f["position"][:], f["observed"][:]
    if len(series) != 12:
        fail("expected 12 rows (4 indicators x 3 months), got %d" % len(series))
    for i, (key, mo) in enumerate(zip(series, month)):
        m = int(mo[-2:]) - 1
        share = key == "new_on_time_share"
        want, bin_share = expected_percentile(months[m][key], obs[i], share)
        if abs(pct[i] - want) > 1e-9:
            fail("%s %s: monitor says %.6f, the scenarios %.6f" % (key, mo, pct[i], want))
        code = -1 if want < 5 else 1 if want > 95 else 0
        if pos[i] != code:
            fail("%s %s: position %d, want %d" % (key, mo, pos[i], code))
        x = months[m][key][~np.isnan(months[m][key])]
        midrank = 100.0 * (np.sum(x < obs[i]) + 0.5 * np.sum(x == obs[i])) / len(x)
        if abs(pct[i] - midrank) > bin_share + 1e-9:
            fail("%s %s: %.3f is further from the plain mid-rank %.3f than its bin holds"
                 % (key, mo, pct[i], midrank))
        if mo == "2027-01" and pos[i] != -1:
            fail("%s: a value below every scenario is not below 5 %%" % key)
        if mo == "2027-02" and not share and pos[i] != 1:
            fail("%s: a value above every scenario is not above 95 %%" % key)
        if mo == "2027-03" and not share and not 25 <= pct[i] <= 35:
            fail("%s: the 30th-percentile value lies at %.2f" % (key, pct[i]))
    if "below 5 %" not in text or "above 95 %" not in text or "inside" not in text:
        fail("the table lacks a position:\n" + text)

    # refusals: a state that does not fit the forecast's configuration, a file that is no
    # results file, an existing --out without --force, the state as --out
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as s:
        s.write("as_of: 2027-03-31\nold_cases: {Q: {ready: 1}}\ndecided_old: 0\n")
    rc, _, err = run(["monitor", forecast, bad], cwd=SOURCE)
    check_clean_failure("unknown category", rc, err, (3,))
    if "bad.yaml:2:13: old_cases.Q: the configuration has no category \"Q\"" not in err:
        fail("unknown category: " + err)
    rc, _, err = run(["monitor", state, state], cwd=SOURCE)
    check_clean_failure("not a results file", rc, err, (4,))
    rc, _, err = run(["monitor", forecast, state, "--out", out], cwd=SOURCE)
    check_clean_failure("existing --out", rc, err, (2,))
    rc, _, err = run(["monitor", forecast, state, "--out", state], cwd=SOURCE)
    check_clean_failure("--out the state", rc, err, (2,))
    print("test_monitor: percentiles, positions and refusals as the scenarios say")


if __name__ == "__main__":
    sys.exit(main())
