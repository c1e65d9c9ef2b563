#!/usr/bin/python3
"""scripts/report.py on small files: one with /summary and no /trajectories (the fixture of
test_summary_file), one with /trajectories and no /summary, one with neither, one with
variants and their paired comparisons (/variants, docs/output.md, made here by hand). Every
expected figure must be a real PNG of a readable size, and report.md must show each of them
and each variant."""

import importlib.util
import math
import os
import shutil
import struct
import subprocess
import sys

import h5py
import numpy as np

SRC = os.environ.get("BACKLOGMC_SOURCE_DIR", ".")
BIN = os.environ["BACKLOGMC_BIN"]
FIXTURE = os.environ["BACKLOGMC_SUMMARY_FIXTURE"]
WORK = os.environ.get("BACKLOGMC_REPORT_DIR", "/tmp/bmc-report-test")
REPORT = [sys.executable, os.path.join(SRC, "scripts", "report.py")]

BASIC = ["completion_cdf.png", "completion_by_month.png", "category_completion.png"]
FANS = ["old_open_fan.png", "new_on_time_fan.png", "production_fan.png", "grant_rate_fan.png",
        "idle_fan.png"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def run_report(h5, out, expect):
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run(REPORT + [h5, "--out", out], capture_output=True, text=True)
    check(p.returncode == 0, f"{h5}: exit {p.returncode}: {p.stderr.strip()}")
    pngs = sorted(n for n in os.listdir(out) if n.endswith(".png")) if os.path.isdir(out) else []
    check(pngs == sorted(expect), f"{h5}: figures {pngs}, expected {sorted(expect)}")
    md_path = os.path.join(out, "report.md")
    check(os.path.exists(md_path), f"{h5}: no report.md")
    md = open(md_path, encoding="utf-8").read() if os.path.exists(md_path) else ""
    for name in pngs:
        path = os.path.join(out, name)
        size = png_size(path)
        check(size is not None, f"{name}: not a PNG")
        if size:
            check(size[0] >= 1200 and 400 <= size[1] <= 2000, f"{name}: {size[0]}x{size[1]} px")
        check(os.path.getsize(path) > 15000, f"{name}: only {os.path.getsize(path)} bytes")
        check(f"]({name})" in md, f"report.md does not show {name}")
    for words in ["# backlogmc report", "2029-06-12", "Clopper", "| 50 % |"]:
        check(words in md, f"report.md lacks {words!r}")
    return md


def backlogmc(*args):
    p = subprocess.run([BIN] + list(args), cwd=SRC, capture_output=True, text=True)
    check(p.returncode == 0, f"backlogmc {' '.join(args)}: {p.stderr.strip()}")


def drop_summary(path):
    with h5py.File(path, "a") as f:
        if "summary" in f:
            del f["summary"]


def load_report_module():
    spec = importlib.util.spec_from_file_location("report", os.path.join(SRC, "scripts",
                                                                          "report.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def add_variants(path, names):
    """Variants of the file's scenarios, written the way docs/output.md lays them out: each
    moves every completion by a few days (varying by scenario); the summaries of the
    completion day are recomputed, the other quantities are copied from the reference."""
    rep = load_report_module()
    rng = np.random.default_rng(5)
    with h5py.File(path, "a") as f:
        ndays = f["calendar/dates"].shape[0]
        day0 = np.datetime64(f.attrs["day0"])
        target = int((np.datetime64(f.attrs["target_date"]) - day0).astype(int))
        ref = f["scenarios/completion_day"][:]
        fired = f["scenarios/first_triage_day"][:] >= 0
        groups = [np.ones(ref.size, bool), fired, ~fired]
        v = f.create_group("variants")
        v.attrs["names"] = names            # h5py: variable-length strings
        v.attrs["reference"] = "base"
        for i, name in enumerate(names):
            g = v.create_group(name)
            g.attrs["description"] = f"test variant {i}"
            g.attrs["overrides"] = "x: 1\n"
            shift = rng.integers(-30, 60, ref.size) + 20 * (i - 1)
            var = np.where(ref < 0, -1, ref + shift)
            var = np.where((var < 0) | (var >= ndays), -1, var)
            f.copy("summary", f"variants/{name}/summary")
            s = g["summary"]
            dq = rep.day_quantiles(var, groups, ndays)
            for k in ["quantile", "ci_low", "ci_high", "count_by_day"]:
                s["completion_day"][k][...] = dq[k]
            pr = rep.probabilities(var, f["scenarios/p95_day"][:], groups, target)
            for k in ["estimate", "wilson_low", "wilson_high", "clopper_pearson_low",
                      "clopper_pearson_high", "count"]:
                s["probability"][k][:, 0] = pr[k][:, 0]
            if name != "no-paired":
                write_paired(rep, g.create_group("paired"), ref, var, ndays, target)


def write_paired(rep, g, ref, var, ndays, target):
    big = np.iinfo(np.int64).max
    a, b = np.where(ref < 0, big, ref), np.where(var < 0, big, var)
    both = (ref >= 0) & (var >= 0)
    diff = np.where(both, var - ref, np.nan)
    d = np.sort((var - ref)[both])
    n = ref.size
    rt, vt = (ref >= 0) & (ref <= target), (var >= 0) & (var <= target)
    counts = {"n": n, "later": int((b > a).sum()), "earlier": int((b < a).sum()),
              "tied": int((b == a).sum()), "both_complete": int(both.sum()),
              "target_reference_only": int((rt & ~vt).sum()),
              "target_variant_only": int((vt & ~rt).sum())}
    for k, x in counts.items():
        g.attrs[k] = np.int64(x)
    g.attrs["diff_mean"] = float(d.mean()) if d.size else math.nan
    g.attrs["diff_sd"] = float(d.std(ddof=1)) if d.size > 1 else math.nan
    q, lo, hi = [], [], []
    for level in rep.LEVELS:
        k = rep.rank_of(d.size, level)
        kl, kh = rep.ci_ranks(d.size, level)
        q.append(d[k - 1] if d.size else math.nan)
        lo.append(d[kl - 1] if d.size and kl >= 1 else math.nan)
        hi.append(d[kh - 1] if d.size and kh <= d.size else math.nan)
    g["completion_day_diff"] = diff
    g["level_percent"] = np.array(rep.LEVELS, np.int32)
    g["diff_quantile"], g["diff_ci_low"], g["diff_ci_high"] = (np.array(x, float)
                                                               for x in (q, lo, hi))
    g["p_later"] = [counts["later"] / n, *rep.wilson(counts["later"], n)]
    b5, c5 = counts["target_reference_only"] + 0.5, counts["target_variant_only"] + 0.5
    dd = (c5 - b5) / (n + 2)
    half = rep.Z975 * math.sqrt(((b5 + c5) / (n + 2) - dd * dd) / (n + 2))
    g["p_target_difference"] = [(c5 - b5) / n, max(-1, dd - half), min(1, dd + half)]
    g["diff_count"] = np.bincount(d.astype(np.int64) + ndays, minlength=2 * ndays + 1)


def main():
    shutil.rmtree(WORK, ignore_errors=True)  # results of an earlier run are not replaced
    os.makedirs(WORK)
    # /summary with monthly fan charts, no /trajectories
    md = run_report(FIXTURE, os.path.join(WORK, "fixture"), BASIC + FANS)
    check("numbers from | /summary" in md, "fixture report does not say /summary")

    # /trajectories but no /summary: everything computed by the script
    traj = os.path.join(WORK, "traj.h5")
    backlogmc("run", "configs/baseline.yaml", "--scenarios", "40", "--seed", "3",
              "--threads", "2", "--trajectories", "--quiet", "--out", traj)
    drop_summary(traj)
    md = run_report(traj, os.path.join(WORK, "traj"), BASIC + FANS)
    check("/scenarios (no /summary)" in md, "traj report does not say where numbers came from")

    # neither: no fan charts, and the report says why
    flat = os.path.join(WORK, "flat.h5")
    backlogmc("run", "configs/baseline.yaml", "--scenarios", "20", "--seed", "3",
              "--threads", "2", "--quiet", "--out", flat)
    drop_summary(flat)
    md = run_report(flat, os.path.join(WORK, "flat"), BASIC)
    check("Fan charts need monthly values" in md, "flat report does not explain the fans")

    # variants on the same scenarios, in configuration order, with paired comparisons; one
    # without (a file from before /variants/<name>/paired): still drawn, said to be missing
    var = os.path.join(WORK, "variants.h5")
    shutil.copy(FIXTURE, var)
    names = ["one-hearing", "high-intake", "no-paired"]
    add_variants(var, names)
    md = run_report(var, os.path.join(WORK, "variants"), BASIC + FANS + ["variants.png"])
    check("## Variants" in md, "no Variants section")
    with h5py.File(var, "r") as f:
        for name in names:
            check(f"| {name} |" in md, f"report.md does not mention {name}")
        for name in names[:2]:
            p = f[f"variants/{name}/paired"].attrs
            counts = f"| {p['later']} / {p['earlier']} / {p['tied']} |"
            check(counts in md, f"report.md lacks the paired counts of {name}: {counts}")
    check("| no-paired | no paired comparison in the file |" in md, "no-paired not reported")
    check("base (reference)" in md, "the reference row is missing")
    check(md.index("| one-hearing |") < md.index("| high-intake |"),
          "variants not in configuration order")
    check("P(later)" in md and "Agresti" in md, "paired columns missing")
    # a file of another kind is refused with a message
    other = os.path.join(WORK, "other.h5")
    with h5py.File(other, "w") as f:
        f.attrs["format"] = "something-else"
    p = subprocess.run(REPORT + [other, "--out", os.path.join(WORK, "other")],
                       capture_output=True, text=True)
    check(p.returncode == 4 and "not a backlogmc results file" in p.stderr,
          f"other format: exit {p.returncode}, {p.stderr.strip()}")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
