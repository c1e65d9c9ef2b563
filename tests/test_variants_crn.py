#!/usr/bin/python3
"""Policy variants with common random numbers, through the executable
(tests/data/variants/crn.yaml: the baseline, a variant `same` that overrides nothing and a
variant `a-one-hearing`).

1. A variant that changes nothing sees the same random numbers as the reference, so its
   per-scenario results equal the reference's exactly and every paired difference is 0.
2. The paired difference (variant minus reference on the same scenarios) has a far smaller
   variance than the difference of two independent runs (the variant from one seed minus the
   reference from another). With n = 300 scenarios, the ratio of two sample variances has a
   relative error given by F(299, 299), whose 0.999 quantile is about 1.43; an observed ratio
   below 0.1 therefore means the true ratio is below 0.143 (at least 7 times smaller) with
   probability > 0.999. (Observed with these seeds: about 0.016.)
3. Every number of /variants/<name>/paired is recomputed here from the two /scenarios
   columns with numpy: the histogram, the counts, the order-statistic quantiles, P(later)
   with its Wilson interval and the Agresti-Min interval for the target difference."""

import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SRC = os.environ.get("BACKLOGMC_SOURCE_DIR", ".")
BIN = os.environ["BACKLOGMC_BIN"]
CFG = os.path.join(SRC, "tests", "data", "variants", "crn.yaml")
N = 300
Z = 1.959963984540054  # standard normal 0.975 quantile
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(seed, out):
    p = subprocess.run([BIN, "run", CFG, "--scenarios", str(N), "--seed", str(seed), "--quiet",
                        "--threads", "2", "--out", out], capture_output=True, text=True)
    check(p.returncode == 0, f"run seed {seed}: exit {p.returncode}: {p.stderr.strip()}")


def order_key(days, ndays):
    return np.where(days < 0, ndays, days)


def quantile_rank(n, level):
    return -(-n * level // 100)  # ceil(n level / 100), in integers


def binom_cdf(k, n, p):
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(0, k + 1))


def ci_ranks(n, level):
    """As summary_stats.h: lo is the largest rank with P(B <= lo - 1) <= 0.025, hi the smallest
    with P(B >= hi) <= 0.025, B ~ Binomial(n, level / 100)."""
    p = level / 100
    cdf = [binom_cdf(k, n, p) for k in range(n + 1)]
    lo = max([r for r in range(1, n + 1) if cdf[r - 1] <= 0.025], default=0)
    hi = min([r for r in range(1, n + 1) if 1 - cdf[r - 1] <= 0.025], default=n + 1)
    return lo, hi


def check_paired(f, name):
    ndays = len(f["calendar/dates"])
    target = int(np.where(f["calendar/dates"].asstr()[:] == f.attrs["target_date"])[0][0])
    ref = f["scenarios/completion_day"][:]
    var = f[f"variants/{name}/scenarios/completion_day"][:]
    p = f[f"variants/{name}/paired"]
    both = (ref >= 0) & (var >= 0)
    diff = (var - ref)[both]
    stored = p["completion_day_diff"][:]
    check(np.array_equal(np.isnan(stored), ~both), f"{name}: NaN where either is not complete")
    check(np.array_equal(stored[both], diff), f"{name}: completion_day_diff")
    hist = np.bincount(diff + ndays, minlength=2 * ndays + 1)
    check(np.array_equal(p["diff_count"][:], hist), f"{name}: diff_count")
    kr, kv = order_key(ref, ndays), order_key(var, ndays)
    a = p.attrs
    check(a["n"] == N, f"{name}: n")
    check(a["later"] == np.sum(kv > kr), f"{name}: later")
    check(a["earlier"] == np.sum(kv < kr), f"{name}: earlier")
    check(a["tied"] == np.sum(kv == kr), f"{name}: tied")
    check(a["both_complete"] == both.sum(), f"{name}: both_complete")
    rt = (ref >= 0) & (ref <= target)
    vt = (var >= 0) & (var <= target)
    check(a["target_reference_only"] == np.sum(rt & ~vt), f"{name}: target_reference_only")
    check(a["target_variant_only"] == np.sum(vt & ~rt), f"{name}: target_variant_only")
    if both.sum() > 1:
        check(abs(a["diff_mean"] - diff.mean()) < 1e-9, f"{name}: diff_mean")
        check(abs(a["diff_sd"] - diff.std(ddof=1)) < 1e-9, f"{name}: diff_sd")
    s = np.sort(diff)
    n = len(s)
    for level, q, lo, hi in zip(p["level_percent"][:], p["diff_quantile"][:],
                                p["diff_ci_low"][:], p["diff_ci_high"][:]):
        check(q == s[quantile_rank(n, int(level)) - 1], f"{name}: {level} % quantile")
        lr, hr = ci_ranks(n, int(level))
        check((math.isnan(lo) and lr == 0) or lo == s[lr - 1], f"{name}: {level} % low bound")
        check((math.isnan(hi) and hr == n + 1) or hi == s[hr - 1], f"{name}: {level} % high")
    later = a["later"]
    ph = later / N
    centre = (ph + Z * Z / (2 * N)) / (1 + Z * Z / N)
    half = Z / (1 + Z * Z / N) * math.sqrt(ph * (1 - ph) / N + Z * Z / (4 * N * N))
    pl = p["p_later"][:]
    check(abs(pl[0] - ph) < 1e-12 and abs(pl[1] - max(0, centre - half)) < 1e-9
          and abs(pl[2] - min(1, centre + half)) < 1e-9, f"{name}: p_later {pl}")
    b, c = a["target_reference_only"], a["target_variant_only"]
    d = (c + 0.5 - b - 0.5) / (N + 2)
    se = math.sqrt(((b + c + 1) / (N + 2) - d * d) / (N + 2))
    pt = p["p_target_difference"][:]
    check(abs(pt[0] - (c - b) / N) < 1e-12 and abs(pt[1] - max(-1, d - Z * se)) < 1e-9
          and abs(pt[2] - min(1, d + Z * se)) < 1e-9, f"{name}: p_target_difference {pt}")
    return ref, var


with tempfile.TemporaryDirectory(prefix="bmc-crn-") as tmp:
    one, two = os.path.join(tmp, "one.h5"), os.path.join(tmp, "two.h5")
    run(1, one)
    run(2, two)
    if not failures:
        with h5py.File(one, "r") as f, h5py.File(two, "r") as g:
            names = [n.decode() for n in f["variants"].attrs["names"]]
            check(names == ["same", "a-one-hearing"], f"variant names {names}")
            check(f["variants"].attrs["reference"] == "base", "reference name")
            # 1. nothing overridden: identical results, scenario by scenario
            for col in f["scenarios"]:
                if col == "params":
                    continue
                a, b = f[f"scenarios/{col}"][:], f[f"variants/same/scenarios/{col}"][:]
                check(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"),
                      f"same: {col} differs from the reference")
            check(f["variants/same/paired"].attrs["tied"] == N, "same: every scenario tied")
            check_paired(f, "same")
            ref, var = check_paired(f, "a-one-hearing")
            # 2. paired against independent
            ref_other = g["scenarios/completion_day"][:]
            ok = (ref >= 0) & (var >= 0) & (ref_other >= 0)
            # a few per cent of scenarios end after the horizon (about 2 % in the baseline)
            check(ok.sum() >= 0.9 * N, f"only {ok.sum()} of {N} pairs complete by the horizon")
            paired = np.var((var - ref)[ok], ddof=1)
            independent = np.var((var - ref_other)[ok], ddof=1)
            ratio = paired / independent
            print(f"variance of the difference: paired {paired:.1f} days^2, independent "
                  f"{independent:.1f} days^2, ratio {ratio:.4f}")
            check(ratio < 0.1, f"paired/independent variance ratio {ratio:.3f} not below 0.1")
            later = np.mean(var[ok] > ref[ok])
            check(later >= 0.95, f"one hearing a day finishes later in only {later:.1%} of pairs")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("test_variants_crn: all passed")
