#!/usr/bin/python3
"""The precision stop through the executable (configs/regular-only.yaml, where P(complete by
target) is near 0.37, so the interval narrows slowly enough to take several batches).

The run must stop at the first batch boundary k B at which the 95 % Wilson interval of
P(complete by target), computed here independently from the scenarios in the file, has a
half-width <= H, and not before; at the cap it stops unreached. The scenarios it keeps are
the same for any threads and block size (the decision is only taken at batch boundaries),
and they are exactly the first scenarios of a fixed-count run with the same seed. The
command line refuses contradictory options."""

import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SRC = os.environ.get("BACKLOGMC_SOURCE_DIR", ".")
BIN = os.environ["BACKLOGMC_BIN"]
CFG = os.path.join(SRC, "configs", "regular-only.yaml")
Z = 1.959963984540054
H, B = 0.03, 200
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(out, *args, want=0):
    p = subprocess.run([BIN, "run", CFG, "--seed", "3", "--quiet", "--out", out, *args],
                       capture_output=True, text=True)
    check(p.returncode == want, f"{args}: exit {p.returncode}, want {want}: {p.stderr.strip()}")
    return p


def wilson_half(x, n):
    ph = x / n
    centre = (ph + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(ph * (1 - ph) / n + Z * Z / (4 * n * n))
    return (min(1, centre + half) - max(0, centre - half)) / 2


def by_target(f):
    dates = f["calendar/dates"].asstr()[:]
    target = int(np.where(dates == f.attrs["target_date"])[0][0])
    d = f["scenarios/completion_day"][:]
    return (d >= 0) & (d <= target)


with tempfile.TemporaryDirectory(prefix="bmc-precision-") as tmp:
    one = os.path.join(tmp, "one.h5")
    two = os.path.join(tmp, "two.h5")
    fixed = os.path.join(tmp, "fixed.h5")
    cap = os.path.join(tmp, "cap.h5")
    run(one, "--precision", str(H), "--precision-batch", str(B), "--threads", "1",
        "--block-size", "7")
    run(two, "--precision", str(H), "--precision-batch", str(B), "--threads", "2")
    run(cap, "--precision", str(H), "--precision-batch", str(B), "--max-scenarios", "500")
    if not failures:
        with h5py.File(one, "r") as f, h5py.File(two, "r") as g, h5py.File(cap, "r") as c:
            n = int(f.attrs["n_scenarios"])
            hit = by_target(f)
            check(len(hit) == n and n % B == 0, f"{n} scenarios, not whole batches of {B}")
            halves = [wilson_half(int(hit[:k].sum()), k) for k in range(B, n + 1, B)]
            print("half-widths at the batch boundaries:", " ".join(f"{h:.4f}" for h in halves))
            check(halves[-1] <= H, f"stopped at {n} with half-width {halves[-1]:.4f} > {H}")
            check(all(h > H for h in halves[:-1]), "a batch before the last was precise enough")
            check(len(halves) >= 3, "the test needs several batches to mean something")
            check(f.attrs["precision_reached"] == 1, "precision_reached")
            check(abs(f.attrs["precision_half_width"] - halves[-1]) < 1e-12,
                  "precision_half_width")
            check(f.attrs["precision_batch"] == B and f.attrs["precision_half_width_goal"] == H,
                  "precision attributes")
            check(f["summary/n"][0] == n, "/summary counts another number of scenarios")
            # any decomposition, the same scenarios
            check(int(g.attrs["n_scenarios"]) == n, "2 threads stopped elsewhere")
            for col in f["scenarios"]:
                if col != "params" and len(g["scenarios"][col]) == n:
                    check(np.array_equal(f["scenarios"][col][:], g["scenarios"][col][:],
                                         equal_nan=f["scenarios"][col].dtype.kind == "f"),
                          f"{col} differs between 1 and 2 threads")
            # the cap
            check(int(c.attrs["n_scenarios"]) == 500 and c.attrs["precision_reached"] == 0,
                  "the cap of 500 scenarios")
            chit = by_target(c)
            check(abs(c.attrs["precision_half_width"] - wilson_half(int(chit.sum()), 500))
                  < 1e-12, "half-width at the cap")
            # the first n scenarios of a fixed-count run
            run(fixed, "--scenarios", str(n))
            with h5py.File(fixed, "r") as x:
                check(np.array_equal(x["scenarios/completion_day"][:],
                                     f["scenarios/completion_day"][:]),
                      "not the scenarios of a fixed-count run")

    # the options, and the configuration keys
    out = os.path.join(tmp, "never.h5")
    p = run(out, "--precision", "0.03", "--scenarios", "100", want=2)
    check("--max-scenarios" in p.stderr, "the refusal should point to --max-scenarios")
    run(out, "--max-scenarios", "100", want=2)
    run(out, "--precision", "0.7", want=2)
    check(not os.path.exists(out), "a refused run left a file")
    cfgd = os.path.join(tmp, "cfg.h5")
    run(cfgd, "--set", f"run.precision={{half_width: {H}, batch: {B}, max_scenarios: 400}}")
    if os.path.exists(cfgd):
        with h5py.File(cfgd, "r") as f:
            check(int(f.attrs["n_scenarios"]) == 400 and f.attrs["precision_batch"] == B,
                  "run.precision in the configuration")
    p = run(out, "--set", "run.precision={half_width: 0.03, batches: 5}", want=3)
    check("batches" in p.stderr and "run.precision" in p.stderr,
          f"unknown key not named: {p.stderr.strip()}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("test_precision: all passed")
