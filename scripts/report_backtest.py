"""The report of a backlogmc backtest file (docs/backtest.md), drawn by scripts/report.py.

Figures: the PIT histogram per horizon (flat when the forecasts are calibrated), the coverage
of the central 50 % and 90 % intervals by horizon against the bands of docs/model.md section 14,
and fans of the forecasts made at a few origins against the observed series. report.md holds
the summary table. Only h5py, numpy and matplotlib (which report.py has loaded already).
"""

import math
import os

import h5py
import matplotlib.pyplot as plt
import numpy as np

FORMAT = "backlogmc-backtest"
SCHEMA = 1
LEVELS = [5, 25, 50, 75, 95]
FIGSIZE = (10, 5.6)
DPI = 150
FAN_ORIGINS = 6   # origins drawn in the fan chart, spread evenly over the backtest
BAND90, BAND50 = (0.85, 0.95), (0.40, 0.60)
CAPTIONS = {
    "pit_histogram.png": "PIT of the observed totals under their forecasts, per horizon: flat "
                         "when the forecasts are calibrated, U-shaped when their intervals are "
                         "too narrow, hump-shaped when too wide. The band is where 90 % of the "
                         "bars of calibrated forecasts would fall.",
    "coverage.png": "Share of observed totals inside the forecast's central 50 % and 90 % "
                    "intervals, by horizon; the shaded bands are those a calibrated intake "
                    "must reach (docs/model.md section 14).",
    "backtest_fan.png": "Forecasts made at a few origins (median, 25–75 % and 5–95 %) "
                        "against the observed series.",
}


class BacktestError(Exception):
    pass


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def is_backtest(path):
    with h5py.File(path, "r") as f:
        return text(f.attrs.get("format", "")) == FORMAT


def period_start(p):
    """Month index (year * 12 + month - 1) of the first month of "2025-06" or "2025-Q3"."""
    y, rest = p.split("-")
    if rest[0] in "Qq":
        return int(y) * 12 + 3 * (int(rest[1]) - 1)
    return int(y) * 12 + int(rest) - 1


def year_of(month):
    """A month index as a fractional year, at the middle of the month."""
    return month / 12 + 1 / 24


class Backtest:
    """What the figures and the table need, checked as they are read."""

    def __init__(self, path):
        self.path = path
        with h5py.File(path, "r") as f:
            fmt = text(f.attrs.get("format", ""))
            if fmt != FORMAT:
                raise BacktestError(f"{path}: not a backlogmc backtest file (format {fmt!r})")
            version = int(f.attrs.get("schema_version", -1))
            if version != SCHEMA:
                raise BacktestError(f"{path}: backtest schema version {version}; this script "
                                    f"reads version {SCHEMA}")
            self.attrs = {k: text(v) if isinstance(v, (bytes, str)) else np.asarray(v).item()
                          for k, v in f.attrs.items() if np.size(v) == 1}
            self.pm = int(self.attrs["period_months"])
            if self.pm not in (1, 3):
                raise BacktestError(f"{path}: period_months is {self.pm}")
            self.series_period = [text(p) for p in f["series/period"][:]]
            self.series_count = f["series/count"][:]
            self.origins = [text(p) for p in f["origins/period"][:]]
            self.fan = f["origins/fan"][:]
            s = f["summary"]
            self.s = {k: s[k][:] for k in s}
            H = len(self.s["horizon_months"])
            if not 1 <= H <= 8 or self.s["pit_histogram"].shape != (H, 10):
                raise BacktestError(f"{path}: /summary does not hold 1 to 8 horizons")
            if self.fan.shape[0] != len(self.origins) or self.fan.shape[2] != len(LEVELS):
                raise BacktestError(f"{path}: /origins/fan does not match /origins/period")
            self.latest = {k: np.asarray(v).item() if np.size(v) == 1 else v
                           for k, v in f["latest"].attrs.items()} if "latest" in f else {}


def save(fig, out, name, made):
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=DPI)
    plt.close(fig)
    made.append(name)


def binomial_band(n, p=0.1, mass=0.9):
    """Counts between which a Binomial(n, p) falls with probability >= mass."""
    k = np.arange(n + 1)
    lg = np.vectorize(math.lgamma)
    pmf = np.exp(lg(n + 1.0) - lg(k + 1.0) - lg(n - k + 1.0) + k * math.log(p)
                 + (n - k) * math.log1p(-p))
    cdf = np.cumsum(pmf)
    tail = (1 - mass) / 2
    return int(np.searchsorted(cdf, tail)), int(np.searchsorted(cdf, 1 - tail))


def fig_pit(b, out, made):
    H = len(b.s["horizon_months"])
    fig, axes = plt.subplots(1, H, figsize=FIGSIZE, sharey=True, squeeze=False)
    for k, ax in enumerate(axes[0]):
        hist, n = b.s["pit_histogram"][k], int(b.s["n"][k])
        ax.bar(np.arange(10) / 10 + 0.05, hist, width=0.09, color="tab:blue")
        if n > 0:
            lo, hi = binomial_band(n)
            ax.axhspan(lo, hi, color="grey", alpha=0.2, zorder=0)
            ax.axhline(n / 10, color="black", linewidth=1)
        p = b.s["pit_p"][k]
        p_text = "" if math.isnan(p) else ", p < 0.001" if p < 0.001 else f", p {p:.3f}"
        ax.set_title(f"{int(b.s['horizon_months'][k])} months (n {n}{p_text})")
        ax.set_xlim(0, 1)
        ax.set_xlabel("PIT")
    axes[0][0].set_ylabel("forecasts")
    fig.suptitle("PIT histogram of the intake forecasts")
    save(fig, out, "pit_histogram.png", made)


def fig_coverage(b, out, made):
    h = b.s["horizon_months"]
    x = np.arange(len(h))
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for (lo, hi), colour in ((BAND90, "tab:orange"), (BAND50, "tab:blue")):
        ax.axhspan(lo, hi, color=colour, alpha=0.15)
    for key, colour, label in (("cover90", "tab:orange", "central 90 % interval"),
                               ("cover50", "tab:blue", "central 50 % interval")):
        ax.plot(x, b.s[key], "o-", color=colour, label=label)
    ax.set_xticks(x)
    ax.set_xticklabels([f"{int(v)} m\n(n {int(n)})" for v, n in zip(h, b.s["n"])])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of observed totals inside")
    ax.set_xlabel("horizon")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left")
    ax.set_title("Coverage of the forecast intervals by horizon")
    save(fig, out, "coverage.png", made)


def fig_fan(b, out, made):
    fig, ax = plt.subplots(figsize=FIGSIZE)
    xs, ys, last = [], [], None
    for p, n in zip(b.series_period, b.series_count):
        m = period_start(p)
        if last is not None and m != last + b.pm:   # a gap: break the line
            xs.append(math.nan)
            ys.append(math.nan)
        xs.append(year_of(m + (b.pm - 1) / 2))
        ys.append(n)
        last = m
    ax.plot(xs, ys, "k.-", linewidth=1, markersize=4, label="observed")
    pick = np.unique(np.linspace(0, len(b.origins) - 1, min(FAN_ORIGINS, len(b.origins)))
                     .round().astype(int))
    for j, i in enumerate(pick):
        first = period_start(b.origins[i]) + b.pm   # the first forecast period
        steps = b.fan.shape[1]
        xs = [year_of(first + s * b.pm + (b.pm - 1) / 2) for s in range(steps)]
        q = b.fan[i]
        colour = plt.cm.viridis(j / max(1, len(pick) - 1))
        ax.fill_between(xs, q[:, 0], q[:, 4], color=colour, alpha=0.15)
        ax.fill_between(xs, q[:, 1], q[:, 3], color=colour, alpha=0.3)
        ax.plot(xs, q[:, 2], color=colour, linewidth=1.5, label=f"from {b.origins[i]}")
    ax.set_ylabel("first applications per " + ("quarter" if b.pm == 3 else "month"))
    ax.set_xlabel("year")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    ax.set_title("Forecasts at a few origins against the observed series")
    save(fig, out, "backtest_fan.png", made)


def fmt(v, pattern):
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else pattern % v


def markdown(b, made):
    a, s = b.attrs, b.s
    column = a.get("series_column") or "(second column)"
    lines = [f"# backlogmc backtest: {os.path.basename(b.path)}", "",
             "| | |", "|---|---|",
             f"| configuration | `{a.get('config_name', '')}` |",
             f"| series | `{a.get('series_file', '')}`, {column}, "
             f"{'quarterly' if b.pm == 3 else 'monthly'} |",
             f"| origins | {len(b.origins)}, {b.origins[0]} .. {b.origins[-1]} |",
             f"| scenarios | {a.get('n_scenarios')} per forecast (master seed "
             f"{a.get('master_seed')}) |",
             f"| engine | backlogmc {a.get('engine_version')}, git `{a.get('git_commit')}` |",
             f"| created | {a.get('created')} |", "",
             "## Scores by horizon", "",
             "| horizon | scored | 50 % interval covers | 90 % interval covers | PIT p | "
             "mean CRPS | skill vs same months (n) | skill vs last year (n) |",
             "|---|---|---|---|---|---|---|---|"]
    for k, h in enumerate(s["horizon_months"]):
        lines.append(
            f"| {int(h)} months | {int(s['n'][k])} | {fmt(100 * s['cover50'][k], '%.1f %%')} | "
            f"{fmt(100 * s['cover90'][k], '%.1f %%')} | {fmt(s['pit_p'][k], '%.3f')} | "
            f"{fmt(s['crps_mean'][k], '%.0f')} | "
            f"{fmt(s['skill_same_months'][k], '%+.2f')} ({int(s['n_same_months'][k])}) | "
            f"{fmt(s['skill_last_year'][k], '%+.2f')} ({int(s['n_last_year'][k])}) |")
    if b.latest:
        lines += ["", f"After the whole series the level of the year of {b.latest.get('month')} "
                  f"has the posterior median {b.latest.get('level_median', math.nan):.0f} a "
                  f"year with log-sd {b.latest.get('level_sdlog', math.nan):.2f}.", ""]
    lines += ["## Figures", ""]
    for name in made:
        lines += [f"![{CAPTIONS[name]}]({name})", "", f"*{CAPTIONS[name]}*", ""]
    lines += ["## Method", "",
              "At each origin the intake model is conditioned on the series up to the origin "
              "(docs/model.md section 12) and simulated for the months after it; the total of the "
              "next h months is scored against the observed total. Coverage counts the "
              "observations inside the central intervals of the simulated totals; the PIT is "
              "the rank of the observation among them; the CRPS is the sample's fair CRPS. "
              "Skill is 1 - CRPS / CRPS of a naive forecast, summed over the origins where it "
              "exists: the same months a year earlier, or the last 12 months' total spread by "
              "the seasonality. Origins overlap at longer horizons, so the scores of "
              "neighbouring origins are not independent (docs/backtest.md).", ""]
    return "\n".join(lines)


def draw(path, out):
    """The figures and report.md of the backtest file at path into the folder out."""
    b = Backtest(path)
    made = []
    fig_pit(b, out, made)
    fig_coverage(b, out, made)
    fig_fan(b, out, made)
    md = os.path.join(out, "report.md")
    with open(md, "w", encoding="utf-8") as fh:
        fh.write(markdown(b, made))
    plt.close("all")
    return md, made
