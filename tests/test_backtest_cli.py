#!/usr/bin/python3
"""`backlogmc backtest` through the executable, on the published series of configs/data/.

The backtest file is checked against what this script recomputes on its own from the CSV
and from the file's rows: the observed totals and both naive forecasts at every origin and
horizon, the coverage flags and PIT from the stored quantiles, and the summary table (coverage,
PIT histogram and its chi-square, mean CRPS, skill against each naive forecast) from the rows.
The same seed gives the same file for 1 and 2 threads; `summary` prints the table the command
printed; the origins and horizons options select what they say; an earlier backtest file is
replaced only with --force. Malformed series and bad options are refused by
tests/bad-inputs (cases backtest-*)."""

import csv
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SRC = os.environ.get("BACKLOGMC_SOURCE_DIR", ".")
BIN = os.environ["BACKLOGMC_BIN"]
CFG = os.path.join(SRC, "configs", "baseline.yaml")
CBS = os.path.join(SRC, "configs", "data", "quarterly-cbs.csv")
IND = os.path.join(SRC, "configs", "data", "monthly.csv")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, want=0):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    check(p.returncode == want, "%s: exit %d, want %d: %s" % (" ".join(args), p.returncode, want,
                                                               p.stderr.strip()))
    return p


def month_index(period):
    y, rest = period.split("-")
    if rest[0] in "Qq":
        return int(y) * 12 + 3 * (int(rest[1]) - 1), 3
    return int(y) * 12 + int(rest) - 1, 1


def read_series(path, column):
    """{first month: (months, count)} of the observed periods."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row[column].strip():
                m, n = month_index(row[next(iter(row))])
                out[m] = (n, float(row[column]))
    return out


def total(series, a, b):
    """Observed total of months a..b, or None."""
    m, s = a, 0.0
    while m <= b:
        if m not in series or m + series[m][0] - 1 > b:
            return None
        s += series[m][1]
        m += series[m][0]
    return s


def seasonality(path):
    with h5py.File(path, "r") as f:
        text = f["config/text"].asstr()[()]
    line = [l for l in text.splitlines() if l.strip().startswith("seasonality:")][0]
    S = [float(x) for x in line.split("[")[1].split("]")[0].split(",")]
    return [x * 12 / sum(S) for x in S]  # the engine scales them to mean 1


def naive(series, S, origin, h):
    year = total(series, origin - 11, origin)
    rest = h % 12
    part = total(series, origin - 11, origin - 12 + rest) if rest else 0.0
    if part is None or (h >= 12 and year is None):
        same = None
    else:
        same = (h // 12) * (year or 0.0) + part
    last = None if year is None else year * sum(S[(origin + j) % 12] for j in range(1, h + 1)) / 12
    return same, last


def close(a, b, tol=1e-9):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or math.isnan(b)
    return b is not None and not math.isnan(b) and abs(a - b) <= tol * max(1.0, abs(a))


def check_file(path, series, horizons):
    S = seasonality(path)
    with h5py.File(path, "r") as f:
        check(f.attrs["format"] == "backlogmc-backtest", "format attribute")
        check(int(f.attrs["schema_version"]) == 1, "schema version")
        n_scen = int(f.attrs["n_scenarios"])
        rows = f["forecasts"]
        origins = rows["origin"].asstr()[:]
        h = rows["horizon_months"][:]
        obs, q = rows["observed"][:], rows["quantiles"][:]
        pit, crps = rows["pit"][:], rows["crps"][:]
        in50, in90 = rows["in50"][:], rows["in90"][:]
        same, last = rows["naive_same_months"][:], rows["naive_last_year"][:]
        c_same, c_last = rows["crps_naive_same_months"][:], rows["crps_naive_last_year"][:]
        check(list(rows["quantiles"].attrs["levels"]) == [5, 25, 50, 75, 95], "quantile levels")
        check(sorted(set(h)) == horizons, "horizons %s, want %s" % (sorted(set(h)), horizons))
        for i in range(len(h)):
            first, months = month_index(origins[i])
            o = first + months - 1
            want = total(series, o + 1, o + int(h[i]))
            check(close(want, obs[i]), "observed at %s + %d: %s vs %s" % (origins[i], h[i], want,
                                                                          obs[i]))
            ws, wl = naive(series, S, o, int(h[i]))
            check(close(ws, same[i]) and close(wl, last[i]),
                  "naive at %s + %d: %s %s vs %s %s" % (origins[i], h[i], ws, wl, same[i],
                                                       last[i]))
            if math.isnan(obs[i]):
                check(in50[i] == -1 and in90[i] == -1 and math.isnan(pit[i]), "unobserved flags")
                continue
            check(in50[i] == (q[i, 1] <= obs[i] <= q[i, 3]), "in50 at row %d" % i)
            check(in90[i] == (q[i, 0] <= obs[i] <= q[i, 4]), "in90 at row %d" % i)
            check(list(q[i]) == sorted(q[i]), "quantiles in order at row %d" % i)
            # the PIT lies in the quantile band of the observation, up to a cell of the sample
            cell = 1.0 / (n_scen + 1)
            if obs[i] < q[i, 0]:
                check(pit[i] <= 0.05 + cell, "PIT below the 5 %% quantile at row %d" % i)
            if obs[i] > q[i, 4]:
                check(pit[i] >= 0.95 - cell, "PIT above the 95 %% quantile at row %d" % i)
            if not math.isnan(same[i]):
                check(close(abs(same[i] - obs[i]), c_same[i]), "naive CRPS at row %d" % i)
        s = f["summary"]
        for k, hk in enumerate(s["horizon_months"][:]):
            sel = (h == hk) & ~np.isnan(obs)
            check(int(s["n"][k]) == int(sel.sum()), "n at %d months" % hk)
            if sel.sum() == 0:
                continue
            check(close(s["cover50"][k], float((in50[sel] == 1).mean())), "cover50 at %d" % hk)
            check(close(s["cover90"][k], float((in90[sel] == 1).mean())), "cover90 at %d" % hk)
            hist = np.bincount(np.minimum((pit[sel] * 10).astype(int), 9), minlength=10)
            check(list(s["pit_histogram"][k]) == list(hist), "PIT histogram at %d" % hk)
            e = hist.sum() / 10
            chisq = float(((hist - e) ** 2 / e).sum())
            check(close(s["pit_chisq"][k], chisq, 1e-9), "PIT chi-square at %d" % hk)
            check(close(s["crps_mean"][k], float(crps[sel].mean())), "mean CRPS at %d" % hk)
            for name, ref in (("same_months", c_same), ("last_year", c_last)):
                both = sel & ~np.isnan(ref)
                check(int(s["n_" + name][k]) == int(both.sum()), "n_%s at %d" % (name, hk))
                if both.sum():
                    want = 1 - crps[both].sum() / ref[both].sum()
                    check(close(s["skill_" + name][k], float(want)), "skill %s at %d" % (name,
                                                                                        hk))
        check(f["origins/fan"].shape[1] == max(horizons) // int(f.attrs["period_months"]),
              "fan steps")
        latest = f["latest"].attrs
        check(latest["level_median"] > 0 and latest["level_sdlog"] > 0, "latest posterior")


with tempfile.TemporaryDirectory(prefix="bmc-backtest-") as tmp:
    OUT = os.path.join(tmp, "cbs.h5")
    two = os.path.join(tmp, "cbs2.h5")
    cbs = read_series(CBS, "first_asylum_requests_cbs")
    p = run("backtest", CFG, "--series", CBS, "--column", "first_asylum_requests_cbs",
            "--scenarios", "300", "--threads", "1", "--out", OUT)
    check_file(OUT, cbs, [3, 6, 12])
    printed = p.stdout.split("\n", 2)[2]
    check(p.stdout.startswith("wrote %s: 47 origins x 300 scenarios" % OUT), p.stdout[:80])
    # the same table from the file
    s = run("summary", OUT)
    check(s.stdout == printed, "summary prints what backtest printed")
    # the report draws the backtest's figures and tabulates its summary
    rep = os.path.join(tmp, "cbs-report")
    r = subprocess.run([sys.executable, os.path.join(SRC, "scripts", "report.py"), OUT,
                        "--out", rep], capture_output=True, text=True)
    check(r.returncode == 0, "report.py on a backtest file: %s" % r.stderr.strip())
    for name in ("pit_histogram.png", "coverage.png", "backtest_fan.png", "report.md"):
        check(os.path.getsize(os.path.join(rep, name)) > 1000 if os.path.exists(
            os.path.join(rep, name)) else False, "report.py wrote " + name)
    if os.path.exists(os.path.join(rep, "report.md")):
        md = open(os.path.join(rep, "report.md"), encoding="utf-8").read()
        with h5py.File(OUT, "r") as f:
            for k, hk in enumerate(f["summary/horizon_months"][:]):
                row = "| %d months | %d | %.1f %% | %.1f %% |" % (
                    hk, f["summary/n"][k], 100 * f["summary/cover50"][k],
                    100 * f["summary/cover90"][k])
                check(row in md, "report.md holds " + row)
    # threads do not change the data
    run("backtest", CFG, "--series", CBS, "--column", "first_asylum_requests_cbs",
        "--scenarios", "300", "--threads", "2", "--out", two)
    for g in ("series", "origins", "forecasts", "summary", "latest"):
        d = subprocess.run(["h5diff", OUT, two, "/" + g], capture_output=True, text=True)
        check(d.returncode == 0, "/%s differs between 1 and 2 threads: %s" % (g, d.stdout[-500:]))
    # an earlier backtest is replaced only with --force
    run("backtest", CFG, "--series", CBS, "--scenarios", "300", "--out", two, want=2)
    run("backtest", CFG, "--series", CBS, "--scenarios", "300", "--out", two, "--force",
        "--origins", "2016-Q1..2016-Q4", "--horizons", "6,3")
    with h5py.File(two, "r") as f:
        check(list(f["origins/period"].asstr()[:]) == ["2016-Q1", "2016-Q2", "2016-Q3",
                                                       "2016-Q4"], "origins option")
        check(list(f["summary/horizon_months"][:]) == [3, 6], "horizons option")
        check(f.attrs["series_column"] == "", "second column by default")
    # the monthly IND series with its gaps
    OUT = os.path.join(tmp, "ind.h5")
    run("backtest", CFG, "--series", IND, "--column", "first_applications", "--scenarios",
        "200", "--out", OUT)
    check_file(OUT, read_series(IND, "first_applications"), [1, 3, 6, 12])
    with h5py.File(OUT, "r") as f:
        check(int(f["summary/n"][3]) == 0, "no 12-month total is fully observed in the IND series")

if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
print("test_backtest_cli: all checks passed")
