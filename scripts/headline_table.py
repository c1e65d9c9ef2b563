#!/usr/bin/python3
"""The README's table "What the default configurations say", from results files.

    for c in baseline a-one-hearing high-intake triage-share triage-protect-new regular-only; do
        build/backlogmc run configs/$c.yaml --scenarios 10000 --quiet --force
    done
    scripts/headline_table.py results/{baseline,a-one-hearing,high-intake,triage-share,\
triage-protect-new,regular-only}.h5

One Markdown row per file: the median completion date and its 90 % point (order statistics
x_(ceil(n p)), "after DATE" past the horizon), P(target) with the half-width of its 95 %
normal interval, and the medians over the scenarios of the whole-period on-time and idle
shares, with the share of scenarios in which triage fired.
"""

import datetime
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402,F401  (finds Debian's h5py when run by another python3)
import h5py  # noqa: E402
import numpy as np  # noqa: E402


def day_at(days, p, day0, horizon):
    """The order statistic x_(ceil(n p)); completion -1 (not by the horizon) sorts last."""
    big = np.iinfo(np.int64).max
    x = np.sort(np.where(days < 0, big, days.astype(np.int64)))
    v = x[max(0, math.ceil(len(x) * p) - 1)]
    if v == big:
        return f"after {horizon}"
    return (day0 + datetime.timedelta(days=int(v))).isoformat()


def row(path):
    with h5py.File(path, "r") as f:
        attr = f.attrs
        text = lambda a: a.decode() if isinstance(a, bytes) else str(a)  # noqa: E731
        day0 = datetime.date.fromisoformat(text(attr["day0"]))
        target = datetime.date.fromisoformat(text(attr["target_date"]))
        horizon = text(f["calendar/dates"][-1])
        s = f["scenarios"]
        done = s["completion_day"][:]
        n = len(done)
        by_target = np.count_nonzero((done >= 0) & (done <= (target - day0).days))
        p = by_target / n
        half = 1.96 * math.sqrt(p * (1 - p) / n)
        on_time = np.nanmedian(s["new_on_time_share"][:])
        idle = np.nanmedian(s["idle_share"][:])
        fired = np.count_nonzero(s["first_triage_day"][:] >= 0) / n
        name = os.path.splitext(os.path.basename(path))[0]
    return (f"| `{name}` | {day_at(done, 0.5, day0, horizon)} | "
            f"{day_at(done, 0.9, day0, horizon)} | {p:.3f} ± {half:.3f} | "
            f"{100 * on_time:.1f} % | {100 * fired:.0f} % | {100 * idle:.1f} % |")


def main(paths):
    print("| configuration | median completion | 90 % point | P(target) | new cases on time "
          "| triage fired | capacity idle |")
    print("|---|---|---|---|---|---|---|")
    for p in paths:
        print(row(p))


if __name__ == "__main__":
    main(sys.argv[1:])
