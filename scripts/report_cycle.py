"""The monthly cycle in the report (scripts/report.py --monitor, --attribution): the
monitoring table with the actuals drawn over the forecast's fan, and the attribution table
with its waterfall (MODEL.md sections 12 and 13). The files are the ones `backlogmc monitor
--out` and `backlogmc attribute --out` write (docs/output.md); a file of another kind, or
damaged, raises ValueError with one line that says which."""

import math
from datetime import date, timedelta

import h5py
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, PercentFormatter

FIGSIZE = (10, 5.6)
DPI = 150
POSITION = {-1: "below 5 %", 0: "inside", 1: "above 95 %", 2: "n/a"}
# monitored indicator -> (title, is a stock)
SERIES = {
    "first_decisions_old": ("Old-case first decisions", False),
    "old_open": ("Old cases open at month end", True),
    "new_on_time_share": ("New cases decided on time", False),
    "intake": ("Intake (new applications)", False),
}
METRICS = [("completion", "median completion date", "days"),
           ("p_target", "P(complete by target)", "probability"),
           ("new_on_time_share", "median new on-time share", "percentage points")]
CAPTIONS = {
    "monitor_fan.png": "The observed values of the state (points) over the forecast's monthly "
                       "distribution (5–95 % and 25–75 % of the scenarios, median).",
    "attribution_waterfall.png": "Why the forecast moved: the effect of each group of inputs, "
                                 "from OLD to NEW, with its 95 % paired interval.",
}


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _read(path, fmt, reader):
    """reader(f) on the HDF5 file at path, which must be a `fmt` file; ValueError naming the
    file for anything else or anything missing."""
    try:
        with h5py.File(path, "r") as f:
            if _text(f.attrs.get("format", "")) != fmt:
                raise ValueError(f"{path}: not a {fmt} file")
            return reader(f)
    except (OSError, KeyError, IndexError) as e:
        raise ValueError(f"{path}: not a readable {fmt} file ({e})") from e


def _month(m):
    y, mo = int(m[:4]), int(m[5:7])
    return date(y, mo, 1)


def _value(series, v):
    if v is None or math.isnan(v):
        return "–"
    return f"{100 * v:.1f} %" if series == "new_on_time_share" else f"{v:,.0f}"


def monitor_section(path, out, made):
    """Markdown lines and the figure monitor_fan.png for the monitoring file at path: the
    actuals over the fan of the forecast they were compared with (kept in the file)."""
    rows, state, as_of, forecast, months, fans = _read(path, "backlogmc-monitor", lambda f: (
        list(zip([_text(s) for s in f["series"][:]], [_text(m) for m in f["month"][:]],
                 f["observed"][:], f["percentile"][:], f["position"][:], f["fan"][:])),
        _text(f.attrs["state"]), _text(f.attrs["as_of"]), _text(f.attrs["forecast"]),
        [_month(_text(m)) for m in f["forecast_fan/month"][:]],
        {k: f["forecast_fan"][k][:] for k in SERIES}))
    lines = ["", "## Monitoring: the actuals in the last forecast", "",
             f"The observed values of `{state}` (as of {as_of}) placed in the distribution "
             f"that the forecast `{forecast}` gave for their month (the mid-rank percentile "
             "among its scenarios).", "",
             "| month | indicator | observed | forecast 5 % / 50 % / 95 % | percentile | "
             "position |", "|---|---|---|---|---|---|"]
    for s, m, obs, pct, pos, fan in rows:
        band = " / ".join(_value(s, v) for v in (fan[0], fan[2], fan[4]))
        lines.append(f"| {m} | {SERIES[s][0]} | {_value(s, obs)} | {band} | "
                     f"{'–' if math.isnan(pct) else f'{pct:.1f}'} | {POSITION[int(pos)]} |")
    if not rows:
        lines.append("| – | no observed month lies within the forecast | | | | |")
    if not rows:
        return lines
    fig, axes = plt.subplots(2, 2, figsize=(FIGSIZE[0], FIGSIZE[1] * 1.4))
    for ax, (key, (title, stock)) in zip(axes.flat, SERIES.items()):
        mine = [(m, obs) for s, m, obs, _, pos, _ in rows if s == key and pos != 2]
        q = fans[key]
        x = [first + timedelta(days=27 if stock else 14) for first in months]
        ax.fill_between(x, q[:, 0], q[:, 4], color="tab:blue", alpha=0.2, linewidth=0,
                        label="5–95 %")
        ax.fill_between(x, q[:, 1], q[:, 3], color="tab:blue", alpha=0.4, linewidth=0,
                        label="25–75 %")
        ax.plot(x, q[:, 2], color="tab:blue", linewidth=1.5, label="median")
        if mine:
            ax.plot([_month(m) + timedelta(days=27 if stock else 14) for m, _ in mine],
                    [v for _, v in mine], "o", color="tab:red", label="observed")
            last = max(_month(m) for m, _ in mine)
            ax.set_xlim(months[0], max(last + timedelta(days=120),
                                       months[0] + timedelta(days=180)))
        ax.set_title(title, fontsize=10)
        if key == "new_on_time_share":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    axes.flat[0].legend(loc="best", fontsize=8)
    fig.suptitle(f"Actuals of {as_of} over the forecast")
    fig.tight_layout()
    fig.savefig(f"{out}/monitor_fan.png", dpi=DPI)
    plt.close(fig)
    made.append("monitor_fan.png")
    return lines


def _effect(metric, v, lo, hi):
    if math.isnan(v):
        return "unknown"
    scale, fmt, unit = {"completion": (1, "{:+.1f}", " d"), "p_target": (1, "{:+.3f}", ""),
                        "new_on_time_share": (100, "{:+.1f}", " pp")}[metric]
    band = "open" if math.isnan(lo) or math.isnan(hi) else \
        f"{fmt.format(lo * scale)} to {fmt.format(hi * scale)}"
    return f"{fmt.format(v * scale)}{unit} ({band})"


def _level(metric, v):
    if metric == "completion":
        return "beyond the horizon" if math.isinf(v) else \
            (date(1970, 1, 1) + timedelta(days=int(v))).isoformat()
    if math.isnan(v):
        return "undefined"
    return f"{v:.3f}" if metric == "p_target" else f"{100 * v:.1f} %"


def attribution_section(path, out, made):
    """Markdown lines and the figure attribution_waterfall.png for the attribution file."""
    groups, changed, data, old, new, n, seed = _read(path, "backlogmc-attribution", lambda f: (
        [_text(g) for g in f["groups"][:]], f["group_changed"][:],
        {k: {d: f[k][d][:] for d in ("value", "effect", "low", "high", "total")}
         for k, _, _ in METRICS},
        _text(f.attrs["old"]), _text(f.attrs["new"]), int(f.attrs["n_scenarios"]),
        int(f.attrs["master_seed"])))
    lines = ["", "## What changed since the last forecast", "",
             f"OLD `{old}`, NEW `{new}`; {n} scenarios (seed {seed}), every step on the same "
             "scenarios. The groups move in a fixed order, from OLD towards NEW and from NEW "
             "towards OLD, and a group's effect is the mean of its two steps: the effects add "
             "up to the total exactly. In brackets the 95 % paired interval.", "",
             "| | " + " | ".join(name for _, name, _ in METRICS) + " |", "|---|---|---|---|",
             "| OLD | " + " | ".join(_level(k, data[k]["value"][0]) for k, _, _ in METRICS) + " |"]
    for g, name in enumerate(groups):
        cells = [_effect(k, data[k]["effect"][g], data[k]["low"][g], data[k]["high"][g])
                 for k, _, _ in METRICS]
        lines.append(f"| + {name}{'' if changed[g] else ' (no key changed)'} | "
                     + " | ".join(cells) + " |")
    lines.append("| = NEW | " + " | ".join(_level(k, data[k]["value"][-1])
                                           for k, _, _ in METRICS) + " |")
    lines.append("| total | " + " | ".join(_effect(k, *data[k]["total"])
                                           for k, _, _ in METRICS) + " |")
    fig, axes = plt.subplots(1, 3, figsize=(FIGSIZE[0] * 1.3, FIGSIZE[1]))
    for ax, (k, name, unit) in zip(axes, METRICS):
        d = data[k]
        scale = 100 if k == "new_on_time_share" else 1
        eff, lo, hi = d["effect"] * scale, d["low"] * scale, d["high"] * scale
        start = np.concatenate([[0], np.cumsum(np.nan_to_num(eff))[:-1]])
        colours = ["tab:red" if e > 0 else "tab:green" if e < 0 else "grey" for e in eff]
        if k != "completion":  # later is worse for the date, lower for the others
            colours = ["tab:green" if e > 0 else "tab:red" if e < 0 else "grey" for e in eff]
        xs = np.arange(len(groups))
        ax.bar(xs, np.nan_to_num(eff), bottom=start, color=colours)
        ok = ~np.isnan(lo) & ~np.isnan(hi) & ~np.isnan(eff)
        ax.errorbar(xs[ok], (start + eff)[ok], yerr=[(eff - lo)[ok].clip(0), (hi - eff)[ok].clip(0)],
                    fmt="none", ecolor="black", capsize=3, linewidth=1)
        total = d["total"][0] * scale
        ax.bar([len(groups)], [0 if math.isnan(total) else total], color="tab:blue")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(list(xs) + [len(groups)])
        ax.set_xticklabels(groups + ["total"], rotation=40, ha="right", fontsize=8)
        ax.set_title(name, fontsize=10)
        ax.set_ylabel({"days": "days", "probability": "change in P",
                       "percentage points": "percentage points"}[unit])
    fig.suptitle("Attribution: OLD → NEW")
    fig.tight_layout()
    fig.savefig(f"{out}/attribution_waterfall.png", dpi=DPI)
    plt.close(fig)
    made.append("attribution_waterfall.png")
    return lines
