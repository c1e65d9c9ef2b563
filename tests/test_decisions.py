#!/usr/bin/python3
"""solve, sensitivity, check's relief capacity and run.design through the executable.

The numbers themselves are tested in the C tests (test_solve, test_sensitivity, test_relief,
test_design); here the wiring: a solve file's answer agrees with `run` at that value on the
same scenarios (common random numbers: scenario i succeeds at the answer exactly when its
threshold lies at or below it), variants are solved and compared, outputs are never replaced
without --force, bad arguments get one line and the documented exit code; a sensitivity file
gives the same tables through `summary` and figures through report.py; and the designs of
ordinary runs fill their strata, keep common random numbers across variants and refuse a
Sobol design beyond GSL's 40 dimensions with the position of run.design."""

import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SRC = os.environ.get("BACKLOGMC_SOURCE_DIR", ".")
BIN = os.environ["BACKLOGMC_BIN"]
SINGLE = os.path.join(SRC, "tests", "data", "models", "single.yaml")
VARIANTS = os.path.join(SRC, "tests", "data", "decisions", "single-variants.yaml")
RELIEF = os.path.join(SRC, "tests", "data", "models", "relief.yaml")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def bmc(*args, want=0):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    check(p.returncode == want, f"{' '.join(args)}: exit {p.returncode}, want {want}: "
                                f"{p.stderr.strip()}")
    if want:
        check(len(p.stderr.strip().splitlines()) == 1, f"{args}: one line on stderr, got "
                                                       f"{p.stderr!r}")
    return p


def by_target(path):
    with h5py.File(path, "r") as f:
        dates = f["calendar/dates"].asstr()[:]
        target = int(np.where(dates == f.attrs["target_date"])[0][0])
        d = f["scenarios/completion_day"][:]
        return (d >= 0) & (d <= target)


def test_solve(tmp):
    out = os.path.join(tmp, "solve.h5")
    n = 150
    p = bmc("solve", SINGLE, "--key", "staff.fte", "--range", "2..6", "--target-probability",
            "0.9", "--scenarios", str(n), "--tolerance", "0.002", "--seed", "9", "--out", out)
    check("per-scenario thresholds" in p.stdout and f"wrote {out}" in p.stdout, p.stdout)
    with h5py.File(out, "r") as f:
        check(f.attrs["format"] == "backlogmc-solve", "format")
        check(f.attrs["key"] == "staff.fte" and f.attrs["target_probability"] == 0.9, "question")
        g = f["solve/base"]
        a = {k: g.attrs[k] for k in g.attrs}
        ok, fail = g["threshold_ok"][:], g["threshold_fail"][:]
    check(a["method"] == "per_scenario" and a["direction"] == 1, f"method {a}")
    check(a["answer_lo"] <= a["answer"] <= a["answer_hi"], f"interval {a}")
    check(len(ok) == n and np.all(ok > fail) and np.all(ok - fail <= 0.002 + 1e-12), "brackets")
    # the answer is the order statistic ceil(0.9 n) of the succeeding ends
    check(a["answer"] == np.sort(ok)[int(np.ceil(0.9 * n)) - 1], "the 90 % point")
    check(f"{a['answer']:.4g}" in p.stdout, "the printed answer")
    # run at the answer: the same scenarios, each succeeds exactly when its threshold is below
    at = os.path.join(tmp, "at.h5")
    bmc("run", SINGLE, "--scenarios", str(n), "--seed", "9", "--quiet", "--out", at, "--set",
        f"staff.fte={a['answer']!r}")
    check(np.array_equal(by_target(at), ok <= a["answer"]), "run at the answer, scenario by "
                                                            "scenario")
    # the output is not replaced without --force, and never when it is something else
    again = ["solve", SINGLE, "--key", "staff.fte", "--range", "2..6", "--target-probability",
             "0.5", "--scenarios", "20"]
    p = bmc(*again, "--out", out, want=2)
    check("earlier solve results" in p.stderr, p.stderr)
    bmc(*again, "--out", out, "--force")
    p = bmc(*again, "--out", at, "--force", want=2)
    check("not a backlogmc solve results file" in p.stderr, p.stderr)
    p = bmc(*again, "--out", SINGLE, want=2)
    check("an input of this run" in p.stderr, p.stderr)


def test_solve_designs(tmp):
    """With a design, solve's scenarios are run's too, and the fresh ones (n..2n-1) exist."""
    n = 64
    for d in ("latin_hypercube", "sobol"):
        out = os.path.join(tmp, f"solve-{d}.h5")
        bmc("solve", VARIANTS, "--key", "staff.fte", "--range", "2..8", "--target-probability",
            "0.5", "--scenarios", str(n), "--tolerance", "0.002", "--set", f"run.design={d}",
            "--out", out)
        with h5py.File(out, "r") as f:
            a = dict(f["solve/base"].attrs)
            ok = f["solve/base/threshold_ok"][:]
        check(a["method"] == "per_scenario" and 0 < a["metric"] < 1
              and a["fresh_scenarios"] == n, f"{d}: {a}")
        at = os.path.join(tmp, f"at-{d}.h5")
        bmc("run", VARIANTS, "--scenarios", str(n), "--quiet", "--out", at, "--set",
            f"run.design={d}", "--set", f"staff.fte={a['answer']!r}")
        check(np.array_equal(by_target(at), ok <= a["answer"]), f"{d}: run at the answer")


def test_solve_variants(tmp):
    out = os.path.join(tmp, "variants.h5")
    p = bmc("solve", VARIANTS, "--key", "staff.fte", "--range", "2..8", "--target-probability",
            "0.5", "--scenarios", "120", "--tolerance", "0.002", "--out", out)
    check("variant slower minus base" in p.stdout, p.stdout)
    with h5py.File(out, "r") as f:
        base = f["solve/base"].attrs["answer"]
        slower = f["solve/slower"].attrs["answer"]
        fixed = f["solve/fixed-grants"].attrs["answer"]
        c = f["comparison/slower"].attrs
        d, lo, hi = c["difference"], c["difference_lo"], c["difference_hi"]
        ok_b, ok_s = f["solve/base/threshold_ok"][:], f["solve/slower/threshold_ok"][:]
    # availability 0.9: every threshold, and so the answer, scales by 1 / 0.9
    check(np.all(np.abs(ok_s * 0.9 - ok_b) <= 0.0021), "thresholds scale by 1/0.9")
    check(abs(d - base / 9) <= 0.003 and lo <= d <= hi, f"difference {d} [{lo}, {hi}]")
    # the grant rate moves no old case: fixing it changes nothing
    check(fixed == base, f"fixed grants {fixed} vs {base}")


def test_solve_refusals(tmp):
    base = ["solve", SINGLE, "--scenarios", "10"]
    bmc(*base, "--range", "2..6", "--target-probability", "0.9", want=2)
    p = bmc(*base, "--key", "staff.fte", "--range", "2..6", "--target-probability", "0.955",
            want=2)
    check("whole percentage" in p.stderr, p.stderr)
    bmc(*base, "--key", "staff.fte", "--range", "6..2", "--target-probability", "0.9", want=2)
    bmc(*base, "--key", "staff.fte", "--range", "2..6", "--target-probability", "0.9",
        "--metric", "median", want=2)
    p = bmc(*base, "--key", "staff.no_such_key", "--range", "2..6", "--target-probability",
            "0.9", "--out", os.path.join(tmp, "x.h5"), want=3)
    check("no_such_key" in p.stderr, p.stderr)
    p = bmc(*base, "--key", "plan.cycle_months", "--range", "1.5..4", "--target-probability",
            "0.9", "--out", os.path.join(tmp, "y.h5"), want=2)
    check("takes whole numbers" in p.stderr, p.stderr)
    check(not os.path.exists(os.path.join(tmp, "x.h5")), "a refused solve left a file")


def test_sensitivity(tmp):
    out = os.path.join(tmp, "sens.h5")
    p = bmc("sensitivity", VARIANTS, "--scenarios", "100", "--base-samples", "100",
            "--bootstrap", "100", "--vary", "staff.fte=3,3.8", "--out", out)
    check("policy variants are left out" in p.stdout, "variants are said to be left out")
    with h5py.File(out, "r") as f:
        t = f["tornado"]
        names = list(t["factor"].asstr()[:])
        check(set(names) == {"staff.fte", "staff.fte_factor", "intake.grant_rate"}, names)
        g = names.index("intake.grant_rate")
        check(np.all(t["median_effect"][g] == 0) and np.all(t["p_effect"][g] == 0),
              "no effect, exactly 0")
        check(list(t["is_key"][:]) == [n == "staff.fte" for n in names], "is_key")
        s = f["sobol"]
        check(list(s["factor"].asstr()[:]) == ["staff.fte_factor", "intake.grant_rate",
                                              "scenario streams"], "Sobol factors")
        check(s.attrs["runs"] == 100 * 5 and s["completion_total"][1, 0] == 0, "Sobol design")
    p = bmc("summary", out)
    check("tornado" in p.stdout and "variance decomposition" in p.stdout
          and "intake.grant_rate" in p.stdout, "summary of a sensitivity file")
    rep = os.path.join(tmp, "sens-report")
    r = subprocess.run([sys.executable, os.path.join(SRC, "scripts", "report.py"), out, "--out",
                        rep], capture_output=True, text=True)
    check(r.returncode == 0, f"report.py: {r.stderr}")
    for name in ("tornado.png", "sobol.png", "report.md"):
        check(os.path.getsize(os.path.join(rep, name)) > 1000, f"report {name}")
    p = bmc("sensitivity", VARIANTS, "--scenarios", "10", "--vary", "staff.fte_factor=0.5,1",
            "--out", os.path.join(tmp, "bad.h5"), want=2)
    check("outside its distribution" in p.stderr, p.stderr)
    bmc("sensitivity", VARIANTS, "--vary", "staff.fte=3", want=2)


def test_check_relief():
    p = bmc("check", RELIEF)
    lines = p.stdout.splitlines()
    head = [i for i, l in enumerate(lines) if l.startswith("relief capacity")]
    check(len(head) == 1, "one relief table")
    rows = lines[head[0] + 2:head[0] + 7] if head else []
    check([r.split()[0] for r in rows] == ["3650", "20000", "25000", "32000", "40000"],
          f"relief rows {rows}")
    check(any("becomes impossible above an intake of" in l for l in lines), "impossible level")


def stratum_counts(values, lo, hi, n):
    k = np.floor((values - lo) / (hi - lo) * n).astype(int)
    return np.bincount(k, minlength=n)


def test_designs(tmp):
    params = {}
    for d in ("plain", "latin_hypercube", "sobol"):
        for t in ("1", "2"):
            out = os.path.join(tmp, f"{d}-{t}.h5")
            bmc("run", VARIANTS, "--scenarios", "64", "--seed", "4", "--quiet", "--threads", t,
                "--set", f"run.design={d}", "--out", out)
            with h5py.File(out, "r") as f:
                params[d, t] = {k: f[f"scenarios/params/{k}"][:] for k in f["scenarios/params"]}
                params[d, t, "fixed"] = {
                    k: f[f"variants/fixed-grants/scenarios/params/{k}"][:]
                    for k in f["variants/fixed-grants/scenarios/params"]}
    for d in ("plain", "latin_hypercube", "sobol"):
        a, b = params[d, "1"], params[d, "2"]
        check(all(np.array_equal(a[k], b[k]) for k in a), f"{d}: 1 and 2 threads")
        # the variant without the grant-rate parameter takes the same staff factors
        check(np.array_equal(params[d, "1", "fixed"]["staff.fte_factor"], a["staff.fte_factor"]),
              f"{d}: common random numbers across variants")
    for d in ("latin_hypercube", "sobol"):
        p = params[d, "1"]
        check(np.all(stratum_counts(p["staff.fte_factor"], 0.8, 1.2, 64) == 1),
              f"{d}: one point in each of 64 strata of the staff factor")
        check(np.all(stratum_counts(p["intake.grant_rate"], 0.3, 0.6, 64) == 1),
              f"{d}: one point in each of 64 strata of the grant rate")
    check(np.max(stratum_counts(params["plain", "1"]["staff.fte_factor"], 0.8, 1.2, 64)) > 1,
          "plain sampling is not stratified")
    # a precision run: one hypercube per batch
    out = os.path.join(tmp, "precision.h5")
    bmc("run", VARIANTS, "--seed", "4", "--quiet", "--precision", "0.2", "--precision-batch",
        "32", "--max-scenarios", "96", "--set", "run.design=latin_hypercube", "--out", out)
    with h5py.File(out, "r") as f:
        x = f["scenarios/params/staff.fte_factor"][:]
    check(len(x) % 32 == 0 and all(np.all(stratum_counts(x[i:i + 32], 0.8, 1.2, 32) == 1)
                                   for i in range(0, len(x), 32)), "a hypercube per batch")


def test_sobol_limit(tmp):
    cats = []
    for i in range(11):
        cats.append(f"""    - name: K{i}
      initial: 100
      grant_rate: {{dist: uniform, min: 0.1, max: 0.5}}
      approach_start: 2026-10-01
      regular: {{hearings_per_day: 1, decisions_per_day: 1, hearing_share: 1}}
      approach:
        hearings_per_day: 1
        decisions_per_day: 1
        hearing_share: 1
        hearings_factor: {{dist: uniform, min: 0.8, max: 1}}
        decisions_factor: {{dist: uniform, min: 0.8, max: 1}}
        rates_factor: {{dist: uniform, min: 0.8, max: 1}}""")
    cfg = os.path.join(tmp, "many.yaml")
    with open(cfg, "w") as fh:
        fh.write(f"base: {os.path.abspath(SINGLE)}\nrun:\n  design: sobol\nold_cases:\n"
                 f"  categories:\n" + "\n".join(cats) + "\n")
    p = bmc("run", cfg, "--scenarios", "4", "--quiet", "--out", os.path.join(tmp, "m.h5"),
            want=3)
    check(p.stderr.startswith(f"backlogmc: {cfg}:3:11: run.design:") and "at most 40" in p.stderr,
          p.stderr)
    p = bmc("sensitivity", cfg, "--scenarios", "4", "--out", os.path.join(tmp, "s.h5"), want=3)
    check(p.stderr.startswith(f"backlogmc: {cfg}:3:11: run.design:"), p.stderr)
    # the central projection takes no design: check works
    bmc("check", cfg)


with tempfile.TemporaryDirectory(prefix="bmc-decisions-") as tmp:
    test_solve(tmp)
    test_solve_designs(tmp)
    test_solve_variants(tmp)
    test_solve_refusals(tmp)
    test_sensitivity(tmp)
    test_check_relief()
    test_designs(tmp)
    test_sobol_limit(tmp)

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("test_decisions: all passed")
