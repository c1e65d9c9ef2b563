#!/usr/bin/python3
"""One table of a sweep: a row per entry of the folder that scripts/slurm/sweep.sbatch fills.

    scripts/sweep_table.py results/sweep-1234 [--csv]

For entry NNN the folder holds NNN.h5 (its results, once complete), NNN.entry (the entry's
run options) and, while it is unfinished, NNN.ckpt. A row gives the config, the options, the
scenarios, the median completion date with its 95 % interval and the probabilities that every
old case, and 95 % of them, are decided by the target date, and every one by the horizon.
Exit status 0 when every entry has its results, 1 when some have none yet, 4 when a file
cannot be read.
"""

import argparse
import csv
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import Results, ReportError  # noqa: E402  (also finds h5py)

ENTRY = re.compile(r"^(\d+)\.(h5|entry|ckpt)$")
COLUMNS = ["entry", "config", "options", "scenarios", "median completion", "95 % interval",
           "P(all by target)", "95 % interval", "P(95 % by target)", "P(all by horizon)",
           "target"]


def percent(x):
    return f"{100 * x:.1f} %"


def row(folder, number, entry):
    """The table's row for one entry: its results, or what is missing."""
    h5 = os.path.join(folder, f"{number}.h5")
    if not os.path.exists(h5):
        ckpt = os.path.exists(os.path.join(folder, f"{number}.ckpt"))
        return [number, "", entry, "", "unfinished (checkpoint saved)" if ckpt
                else "no results"] + [""] * (len(COLUMNS) - 5), False
    r = Results(h5)
    c = r.s["completion_day"]
    p = r.s["probability"]
    median = r.levels.index(50)
    return [number, r.attrs["config_name"], entry, str(r.attrs["n_scenarios"]),
            r.day_text(c["quantile"][0][median]),
            f"{r.day_text(c['ci_low'][0][median])} .. {r.day_text(c['ci_high'][0][median])}",
            percent(p["estimate"][0][0]),
            f"{percent(p['wilson_low'][0][0])} .. {percent(p['wilson_high'][0][0])}",
            percent(p["estimate"][0][1]), percent(p["estimate"][0][2]),
            r.target.isoformat()], True


def entries(folder):
    """Entry numbers found in the folder (by any of their files), in order."""
    found = {m.group(1) for m in map(ENTRY.match, os.listdir(folder)) if m}
    return sorted(found, key=int)


def read_entry(folder, number):
    try:
        with open(os.path.join(folder, f"{number}.entry"), encoding="utf-8") as fh:
            return fh.read().strip()
    except FileNotFoundError:
        return ""


def print_table(rows):
    widths = [max(len(r[i]) for r in [COLUMNS] + rows) for i in range(len(COLUMNS))]
    for r in [COLUMNS] + rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def main(argv):
    ap = argparse.ArgumentParser(description="One table of the results of a sweep folder.")
    ap.add_argument("folder", help="the sweep's folder, e.g. results/sweep-1234")
    ap.add_argument("--csv", action="store_true", help="comma-separated values instead")
    a = ap.parse_args(argv)
    try:
        numbers = entries(a.folder)
        if not numbers:
            print(f"sweep_table.py: {a.folder}: no sweep entries (NNN.h5, NNN.entry)",
                  file=sys.stderr)
            return 4
        rows, complete = [], True
        for n in numbers:
            values, done = row(a.folder, n, read_entry(a.folder, n))
            rows.append(values)
            complete = complete and done
    except (OSError, ReportError, KeyError) as e:
        print(f"sweep_table.py: {e}", file=sys.stderr)
        return 4
    if a.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    else:
        print_table(rows)
    if not complete:
        print(f"sweep_table.py: some entries of {a.folder} have no results yet", file=sys.stderr)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
