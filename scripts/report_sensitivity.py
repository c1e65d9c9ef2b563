"""The report of a backlogmc sensitivity file (docs/decisions.md), for scripts/report.py:
a tornado chart of the one-at-a-time effects on the median completion date, a bar chart of
the Sobol indices of the completion day and of the on-time share, and the text of report.md
with the ranked tables."""

import math
import os
from datetime import date, timedelta

import h5py
import matplotlib.pyplot as plt
import numpy as np

FORMAT = "backlogmc-sensitivity"
SCHEMA = 1
FIGSIZE = (10, 5.6)
DPI = 150

CAPTIONS = {
    "tornado.png": "Tornado: the median completion date with each factor at its low and high "
                   "setting and every other parameter at its median, on the same scenarios; "
                   "bars run from the all-at-median date, ranked by the effect.",
    "sobol.png": "Sobol indices (first order and total, 95 % bootstrap intervals) of the "
                 "completion day and of the share of new cases decided on time.",
}


class SensitivityError(Exception):
    pass


def text(v):
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def is_sensitivity(path):
    try:
        with h5py.File(path, "r") as f:
            return text(f.attrs.get("format", "")) == FORMAT
    except OSError:
        return False


class Sensitivity:
    """The two tables of the file, checked for shape."""

    def __init__(self, path):
        self.path = path
        with h5py.File(path, "r") as f:
            if text(f.attrs.get("format", "")) != FORMAT:
                raise SensitivityError(f"{path}: not a backlogmc sensitivity file")
            version = int(f.attrs.get("schema_version", -1))
            if version != SCHEMA:
                raise SensitivityError(f"{path}: sensitivity schema version {version}; this "
                                       f"script reads version {SCHEMA}")
            self.config = text(f.attrs["config_name"])
            self.day0 = date.fromisoformat(text(f.attrs["day0"]))
            self.target = date.fromisoformat(text(f.attrs["target_date"]))
            t = f["tornado"]
            self.t = {k: t[k][()] for k in ("low", "high", "median_low", "median_high", "p_low",
                                            "p_high", "median_effect", "p_effect", "is_key")}
            self.t["factor"] = [text(x) for x in t["factor"][()]]
            self.t_attrs = {k: np.asarray(v).item() for k, v in t.attrs.items()}
            n = len(self.t["factor"])
            for k, v in self.t.items():
                if len(v) != n:
                    raise SensitivityError(f"{path}: /tornado/{k} has {len(v)} rows, not {n}")
            s = f["sobol"]
            self.s = {k: s[k][()] for k in s if k != "factor"}
            self.s["factor"] = [text(x) for x in s["factor"][()]]
            self.s_attrs = {k: np.asarray(v).item() for k, v in s.attrs.items()}
            k = len(self.s["factor"])
            for out in ("completion", "on_time"):
                for which in ("first", "total"):
                    a = self.s[f"{out}_{which}"]
                    if a.shape != (k, 3):
                        raise SensitivityError(f"{path}: /sobol/{out}_{which} is {a.shape}")

    def date_of(self, day):
        return None if not math.isfinite(day) else self.day0 + timedelta(days=int(day))

    def day_text(self, day):
        d = self.date_of(day)
        return d.isoformat() if d else "beyond the horizon"


def save(fig, out, name, made):
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=DPI)
    plt.close(fig)
    made.append(name)


def fig_tornado(r, out, made):
    t = r.t
    base = r.t_attrs["median_base"]
    n = len(t["factor"])
    if n == 0 or not math.isfinite(base):
        return
    # a median beyond the horizon is drawn at the horizon's edge of the data, marked
    finite = [v for v in np.concatenate([t["median_low"], t["median_high"]]) if math.isfinite(v)]
    edge = max(finite + [base]) + 30
    fig, ax = plt.subplots(figsize=(FIGSIZE[0], max(3, 0.45 * n + 1.5)))
    for i in range(n):
        y = n - 1 - i
        for v, colour, label in ((t["median_low"][i], "#4477aa", "low setting"),
                                 (t["median_high"][i], "#cc6677", "high setting")):
            end = v if math.isfinite(v) else edge
            ax.barh(y, end - base, left=base, color=colour, height=0.6,
                    label=label if i == 0 else None, hatch=None if math.isfinite(v) else "//")
        ax.text(max(t["median_low"][i] if math.isfinite(t["median_low"][i]) else edge,
                    t["median_high"][i] if math.isfinite(t["median_high"][i]) else edge) + 5, y,
                f"{t['low'][i]:.6g} / {t['high'][i]:.6g}", va="center", fontsize=8)
    ax.axvline(base, color="black", linewidth=1)
    ax.axvline((r.target - r.day0).days, color="grey", linestyle="--", linewidth=1,
               label=f"target {r.target.isoformat()}")
    ax.set_yticks(range(n))
    ax.set_yticklabels(list(reversed(t["factor"])))
    ticks = ax.get_xticks()
    ax.set_xticks(ticks)
    ax.set_xticklabels([(r.day0 + timedelta(days=int(x))).strftime("%Y-%m") for x in ticks])
    ax.set_xlabel(f"median completion date (all at medians: {r.day_text(base)}; hatched: "
                  f"beyond the horizon)")
    ax.set_title(f"Tornado, {int(r.t_attrs['scenarios'])} scenarios with common random numbers")
    ax.legend(loc="lower right", fontsize=8)
    save(fig, out, "tornado.png", made)


def fig_sobol(r, out, made):
    s = r.s
    k = len(s["factor"])
    if k == 0:
        return
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE, sharey=True)
    order = np.argsort(-np.nan_to_num(s["completion_total"][:, 0], nan=-1))
    y = np.arange(k)
    for ax, key, title in ((axes[0], "completion", "completion day"),
                           (axes[1], "on_time", "share of new cases on time")):
        for j, (which, colour) in enumerate((("first", "#88ccee"), ("total", "#332288"))):
            a = s[f"{key}_{which}"][order]
            est = a[:, 0]
            err = np.vstack([est - a[:, 1], a[:, 2] - est])
            err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
            ax.barh(k - 1 - y + (0.2 if j == 0 else -0.2), np.nan_to_num(est), height=0.38,
                    xerr=err, color=colour, label=f"{which} order" if which == "first"
                    else "total", error_kw={"elinewidth": 0.8})
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(title)
        ax.set_xlabel("Sobol index")
        if not np.isfinite(s[f"{key}_total"][:, 0]).any():
            ax.text(0.5, 0.5, "no indices:\nthe output does not vary", transform=ax.transAxes,
                    ha="center")
    axes[0].set_yticks(range(k))
    axes[0].set_yticklabels([s["factor"][i] for i in reversed(order)])
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Variance decomposition: {int(r.s_attrs['base_samples'])} base samples, "
                 f"{int(r.s_attrs['runs'])} runs")
    save(fig, out, "sobol.png", made)


def interval(a, fmt):
    return "–" if not math.isfinite(a[0]) else f"{a[0]:{fmt}} [{a[1]:{fmt}}, {a[2]:{fmt}}]"


def markdown(r, made):
    t, s = r.t, r.s
    lines = [f"# Sensitivity of `{r.config}`", "",
             f"Tornado on {int(r.t_attrs['scenarios'])} scenarios ({int(r.t_attrs['runs'])} "
             f"runs); all at medians: median completion {r.day_text(r.t_attrs['median_base'])}, "
             f"P(all decided by {r.target.isoformat()}) {r.t_attrs['p_base']:.3f}.", "",
             "| rank | factor | low / high | median completion low → high | effect, days | "
             "P low → high | effect on P |", "|---|---|---|---|---|---|---|"]
    for i, name in enumerate(t["factor"]):
        lines.append(f"| {i + 1} | {name} | {t['low'][i]:.6g} / {t['high'][i]:.6g} | "
                     f"{r.day_text(t['median_low'][i])} → {r.day_text(t['median_high'][i])} | "
                     f"{interval(t['median_effect'][i], '+.0f')} | {t['p_low'][i]:.3f} → "
                     f"{t['p_high'][i]:.3f} | {interval(t['p_effect'][i], '+.3f')} |")
    lines += ["", f"Sobol indices from {int(r.s_attrs['base_samples'])} base samples "
              f"({int(r.s_attrs['runs'])} runs), ranked by the total index of the completion "
              f"day.", "", "| rank | factor | completion first | completion total | "
              "on time first | on time total |", "|---|---|---|---|---|---|"]
    order = np.argsort(-np.nan_to_num(s["completion_total"][:, 0], nan=-1))
    for rank, i in enumerate(order):
        lines.append(f"| {rank + 1} | {s['factor'][i]} | "
                     f"{interval(s['completion_first'][i], '.3f')} | "
                     f"{interval(s['completion_total'][i], '.3f')} | "
                     f"{interval(s['on_time_first'][i], '.3f')} | "
                     f"{interval(s['on_time_total'][i], '.3f')} |")
    for key, label in (("completion", "completion day"), ("on_time", "on-time share")):
        if int(r.s_attrs.get(f"{key}_interactions", 0)):
            lines += ["", f"The indices of the {label} do not add up (first-order sum "
                      f"{s[f'{key}_sums'][0, 0]:.3f}, total sum {s[f'{key}_sums'][1, 0]:.3f}): "
                      f"the factors interact; rank by the total index."]
    lines += ["", "## Figures", ""]
    for name in made:
        lines += [f"![{CAPTIONS[name]}]({name})", "", f"*{CAPTIONS[name]}*", ""]
    return "\n".join(lines)


def draw(r, out):
    """The figures; report.py writes markdown(r, made) beside them as report.md."""
    made = []
    fig_tornado(r, out, made)
    fig_sobol(r, out, made)
    return made
