#!/usr/bin/python3
"""scripts/report.py on small files: one with /summary and no /trajectories (the fixture of
test_summary_file), one with /trajectories and no /summary, one with neither, one with
variants. Every expected figure must be a real PNG of a readable size, and report.md must
show each of them."""

import os
import shutil
import struct
import subprocess
import sys

import h5py

SRC = os.environ.get("BACKLOGMC_SOURCE_DIR", ".")
BIN = os.environ["BACKLOGMC_BIN"]
FIXTURE = os.environ["BACKLOGMC_SUMMARY_FIXTURE"]
WORK = os.environ.get("BACKLOGMC_REPORT_DIR", "/tmp/bmc-report-test")
REPORT = [sys.executable, os.path.join(SRC, "scripts", "report.py")]

BASIC = ["completion_cdf.png", "completion_by_month.png", "category_completion.png"]
FANS = ["old_open_fan.png", "new_on_time_fan.png", "production_fan.png", "grant_rate_fan.png"]
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
    os.makedirs(WORK, exist_ok=True)
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

    # variants, each with its own /summary
    var = os.path.join(WORK, "variants.h5")
    shutil.copy(FIXTURE, var)
    with h5py.File(var, "a") as f:
        for name in ["baseline", "one-hearing"]:
            f.copy("summary", f"variants/{name}/summary")
    md = run_report(var, os.path.join(WORK, "variants"), BASIC + FANS + ["variants.png"])
    check("## Variants" in md and "one-hearing" in md, "variant table missing")

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
