#!/usr/bin/env python3
"""Fit the intake parameters of a configuration by backtest (docs/model.md section 14).

Searches the year-to-year walk delta, the monthly deviation (phi, sigma) and the daily
negative binomial's size k so that `backlogmc backtest` on the published series (by default
the CBS quarterly first asylum requests 2013-2025 and the IND monthly first applications
2019-2025) has, at every horizon of every series, 90 % intervals that cover 85-95 % of the
observed totals, 50 % intervals that cover 40-60 %, and a positive CRPS skill against both
naive forecasts. A horizon with fewer than --min-scored scored origins (the IND series has
gaps, so few of its longer totals are observed) is reported but not held to the bands.
Among the settings that meet every band, the one with the highest mean skill against the
same months a year earlier wins; when none does, the one closest to the bands, and the
horizons it misses are printed. Every setting runs on the same scenarios (common random
numbers), so the differences between settings are not noise of the sample.

The level's log-sd (intake.annual_level sdlog) is the prior of the level before any
observation. The backtest conditions every forecast on years of history, so its scores
hardly depend on it (the search prints how little). A run without history needs instead the
uncertainty that the history leaves about the level of its start year, and that is what the
fitted model says: the posterior of the start year's level given the whole first series (the
backtest file's /latest), printed with the fitted values.

usage: scripts/calibrate.py [CONFIG] [--series FILE:COLUMN ...] [--scenarios N]
                            [--refine-scenarios N] [--final-scenarios N] [--min-scored N]
                            [--bin PATH] [--threads T] [--set K=V ...]
"""

import argparse
import itertools
import math
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError as e:  # pragma: no cover
    sys.exit("calibrate.py: needs h5py and numpy (%s); try /usr/bin/python3" % e)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_SERIES = [
    "configs/data/quarterly-cbs.csv:first_asylum_requests_cbs",
    "configs/data/monthly.csv:first_applications",
]
BAND90 = (0.85, 0.95)
BAND50 = (0.40, 0.60)
GRID = {
    "delta": [0.1, 0.2, 0.3, 0.4, 0.5],
    "phi": [0.5, 0.7, 0.85, 0.95],
    "sigma": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35],
}
K_VALUES = ["5", "10", "20", "50", "poisson"]
SDLOG_VALUES = [0.1, 0.25, 0.5]
FIELDS = ("horizon_months", "n", "cover50", "cover90", "pit_p", "crps_mean",
          "skill_same_months", "skill_last_year")


def setting_sets(s):
    """--set options for a setting {delta, phi, sigma, k[, sdlog]}."""
    sets = ["intake.year_to_year_sdlog=%g" % s["delta"],
            "intake.deviation={phi: %g, sigma: %g}" % (s["phi"], s["sigma"]),
            "intake.negbin_size=%s" % s["k"]]
    if "sdlog" in s:
        sets.append("intake.annual_level.sdlog=%g" % s["sdlog"])
    return sets


def describe(s):
    return "delta %g, phi %g, sigma %g, k %s" % (s["delta"], s["phi"], s["sigma"], s["k"])


def run_backtest(args, series, sets, scenarios, out):
    """The /summary table and the /latest posterior of one backtest."""
    path, column = series.rsplit(":", 1)
    cmd = [args.bin, "backtest", args.config, "--series", path, "--column", column,
           "--scenarios", str(scenarios), "--out", out, "--force"]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    for s in args.set + sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        sys.exit("calibrate.py: %s failed (exit %d): %s" % (" ".join(cmd), r.returncode,
                                                             r.stderr.strip()))
    with h5py.File(out, "r") as f:
        if f.attrs.get("format") != "backlogmc-backtest":
            sys.exit("calibrate.py: %s is not a backtest file" % out)
        table = {name: np.array(f["summary"][name]) for name in FIELDS}
        latest = {name: float(f["latest"].attrs[name]) for name in
                  ("level_median", "level_sdlog")}
    return table, latest


def misses(t, min_scored):
    """(distance outside the bands, the horizons that miss them) over the held horizons."""
    v, why = 0.0, []
    for i, h in enumerate(t["horizon_months"]):
        if t["n"][i] < min_scored:
            continue
        text = []
        for name, value, (lo, hi) in (("90 %", t["cover90"][i], BAND90),
                                      ("50 %", t["cover50"][i], BAND50)):
            d = max(0.0, lo - value) + max(0.0, value - hi)
            if d > 0:
                v += d
                text.append("%s intervals cover %.0f %%" % (name, 100 * value))
        for name, key in (("same months", "skill_same_months"), ("last year", "skill_last_year")):
            skill = t[key][i]
            if not math.isnan(skill) and skill <= 0:
                v += -skill + 1e-3
                text.append("skill against %s %.2f" % (name, skill))
        if text:
            why.append("%d months: %s" % (h, ", ".join(text)))
    return v, why


def mean_skill(t, min_scored):
    s = [x for x, n in zip(t["skill_same_months"], t["n"])
         if n >= min_scored and not math.isnan(x)]
    return sum(s) / len(s) if s else float("nan")


class Search:
    def __init__(self, args, series, out, scenarios):
        self.args, self.series, self.out, self.scenarios = args, series, out, scenarios
        self.tried = []  # (violation, -skill, setting)

    def score(self, s):
        """Summed violation and mean skill of setting s over every series."""
        v, skills, tables = 0.0, [], []
        for sr in self.series:
            t, latest = run_backtest(self.args, sr, setting_sets(s), self.scenarios, self.out)
            v += misses(t, self.args.min_scored)[0]
            skills.append(mean_skill(t, self.args.min_scored))
            tables.append((t, latest))
        skill = float(np.nanmean(skills))
        return v, skill, tables

    def add(self, s):
        v, skill, _ = self.score(s)
        self.tried.append((v, -skill, s))
        return v, skill

    def best(self):
        return min(self.tried, key=lambda x: (x[0], x[1]))[2]


def print_table(title, series, t, min_scored):
    print("%s, %s" % (title, series))
    print("  horizon    n  cover50  cover90   PIT p     CRPS  skill same months  "
          "skill last year")
    for i, h in enumerate(t["horizon_months"]):
        note = "" if t["n"][i] >= min_scored else "   (too few to hold to the bands)"
        print("  %4d m  %4d  %6.2f  %7.2f  %6.3f  %7.0f  %17.2f  %15.2f%s" % (
            h, t["n"][i], t["cover50"][i], t["cover90"][i], t["pit_p"][i], t["crps_mean"][i],
            t["skill_same_months"][i], t["skill_last_year"][i], note))
    why = misses(t, min_scored)[1]
    print("  bands: %s" % ("all met" if not why else "; ".join(why)))


def check_config(args):
    """Refuses a broken configuration before the search."""
    cmd = [args.bin, "check", args.config] + sum((["--set", s] for s in args.set), [])
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        sys.exit("calibrate.py: %s failed: %s" % (" ".join(cmd), r.stderr.strip()))


def valid(s):
    """What the engine accepts: 0 <= phi < 1, a stationary sd of the deviation of at most 1."""
    return (s["delta"] >= 0 and s["sigma"] > 0 and 0 <= s["phi"] < 1
            and s["sigma"] / math.sqrt(1 - s["phi"] ** 2) <= 1)


def search(sch, refine_scenarios):
    """The grid over (delta, phi, sigma) at k 20, then k around the best, then a finer grid
    around that with more scenarios per forecast (the same for every setting it compares)."""
    for delta, phi, sigma in itertools.product(GRID["delta"], GRID["phi"], GRID["sigma"]):
        s = {"delta": delta, "phi": phi, "sigma": sigma, "k": "20"}
        if valid(s):
            sch.add(s)
    best = sch.best()
    for k in K_VALUES:
        if k != best["k"]:
            sch.add(dict(best, k=k))
    best = sch.best()
    fine = Search(sch.args, sch.series, sch.out, refine_scenarios)
    for dd, dp, ds in itertools.product((-0.05, 0, 0.05), (-0.05, 0, 0.05), (-0.025, 0, 0.025)):
        s = dict(best, delta=round(best["delta"] + dd, 3), phi=round(best["phi"] + dp, 3),
                 sigma=round(best["sigma"] + ds, 3))
        if valid(s):
            fine.add(s)
    return fine


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config", nargs="?", default="configs/baseline.yaml")
    ap.add_argument("--series", action="append", help="FILE:COLUMN (repeatable)")
    ap.add_argument("--scenarios", type=int, default=500, help="per forecast in the search")
    ap.add_argument("--refine-scenarios", type=int, default=1000,
                    help="per forecast in the finer search around the best setting")
    ap.add_argument("--final-scenarios", type=int, default=4000,
                    help="per forecast for the printed scores")
    ap.add_argument("--min-scored", type=int, default=20,
                    help="scored origins a horizon needs to be held to the bands")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "backlogmc"))
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--set", action="append", default=[], help="KEY=VALUE for every run")
    args = ap.parse_args()
    series = args.series or DEFAULT_SERIES
    check_config(args)

    tmp = tempfile.mkdtemp(prefix="bmc-calibrate-")
    out = os.path.join(tmp, "backtest.h5")
    try:
        coarse = Search(args, series, out, args.scenarios)
        sch = search(coarse, args.refine_scenarios)
        best = sch.best()
        ranked = sorted(sch.tried, key=lambda x: (x[0], x[1]))
        feasible = sum(1 for v, _, _ in ranked if v == 0)
        print("searched %d settings on a grid (%d scenarios per forecast), then %d around the "
              "best (%d scenarios); %d of these meet every band held" % (
                  len(coarse.tried), args.scenarios, len(ranked), args.refine_scenarios,
                  feasible))
        print("  distance outside the bands, mean skill against the same months, setting:")
        for v, neg, s in ranked[:8]:
            print("  %6.3f  %5.2f  %s" % (v, -neg, describe(s)))
        sd = [sch.score(dict(best, sdlog=x)) for x in SDLOG_VALUES]
        print("  the level's prior sdlog %s moves the mean skill by at most %.3f" % (
            "/".join("%g" % x for x in SDLOG_VALUES),
            max(x[1] for x in sd) - min(x[1] for x in sd)))
        print()
        fitted = None
        for name, s in (("configuration's values", None), ("fitted values", best)):
            for i, sr in enumerate(series):
                sets = setting_sets(s) if s else []
                t, latest = run_backtest(args, sr, sets, args.final_scenarios, out)
                print_table("%s (%d scenarios per forecast)" % (name, args.final_scenarios),
                            sr, t, args.min_scored)
                print()
                if s and i == 0:
                    fitted = latest
        print("fitted: year_to_year_sdlog %g, deviation {phi: %g, sigma: %g}, negbin_size %s"
              % (best["delta"], best["phi"], best["sigma"], best["k"]))
        print("level of the start year given all of %s under the fitted values: median %.0f, "
              "sdlog %.2f (the fitted intake.annual_level sdlog)" % (
                  series[0].rsplit(":", 1)[0], fitted["level_median"], fitted["level_sdlog"]))
    finally:
        if os.path.exists(out):
            os.unlink(out)
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
