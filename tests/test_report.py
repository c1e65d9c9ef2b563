#!/usr/bin/python3
"""scripts/report.py on small files: the fixture of test_summary_file (/summary with monthly
fan charts, no /trajectories), an engine run with /trajectories, an engine run with policy
variants and their paired comparisons (one comparison removed), and files it must refuse: one
without /summary (the report computes no statistic of its own) and one of another kind.
Every expected figure must be a real PNG of a readable size, and report.md must show each of
them and each variant."""

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


def main():
    shutil.rmtree(WORK, ignore_errors=True)  # results of an earlier run are not replaced
    os.makedirs(WORK)
    # /summary with monthly fan charts, no /trajectories
    run_report(FIXTURE, os.path.join(WORK, "fixture"), BASIC + FANS)

    # an engine run with /trajectories: the figures come from /summary all the same
    traj = os.path.join(WORK, "traj.h5")
    backlogmc("run", "configs/baseline.yaml", "--scenarios", "40", "--seed", "3",
              "--threads", "2", "--trajectories", "--quiet", "--out", traj)
    run_report(traj, os.path.join(WORK, "traj"), BASIC + FANS)

    # without /summary: refused (no statistic is computed here), no report folder left
    bare = os.path.join(WORK, "bare.h5")
    shutil.copy(traj, bare)
    drop_summary(bare)
    p = subprocess.run(REPORT + [bare, "--out", os.path.join(WORK, "bare")],
                       capture_output=True, text=True)
    check(p.returncode == 4 and "no /summary" in p.stderr,
          f"no /summary: exit {p.returncode}, {p.stderr.strip()}")
    check(not os.path.exists(os.path.join(WORK, "bare")), "a report folder was left behind")

    # variants on the same scenarios, in configuration order, with paired comparisons; one
    # without its comparison: still drawn, said to be missing
    var = os.path.join(WORK, "variants.h5")
    backlogmc("run", "configs/policy-variants.yaml", "--scenarios", "40", "--seed", "3",
              "--threads", "2", "--quiet", "--out", var)
    with h5py.File(var, "a") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["variants"].attrs["names"]]
        del f[f"variants/{names[-1]}/paired"]
    md = run_report(var, os.path.join(WORK, "variants"), BASIC + FANS + ["variants.png"])
    check("## Variants" in md, "no Variants section")
    with h5py.File(var, "r") as f:
        for name in names:
            check(f"| {name} |" in md, f"report.md does not mention {name}")
        for name in names[:-1]:
            p = f[f"variants/{name}/paired"].attrs
            counts = f"| {p['later']} / {p['earlier']} / {p['tied']} |"
            check(counts in md, f"report.md lacks the paired counts of {name}: {counts}")
    check(f"| {names[-1]} | no paired comparison in the file |" in md,
          "the variant without a comparison is not reported")
    check("base (reference)" in md, "the reference row is missing")
    check(md.index(f"| {names[0]} |") < md.index(f"| {names[1]} |"),
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
