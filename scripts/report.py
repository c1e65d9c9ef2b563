#!/usr/bin/python3
"""Turns a backlogmc results file into PNG figures and a Markdown report (a sensitivity file
into a tornado chart, a bar chart of the Sobol indices and their tables: report_sensitivity.py;
a backtest file into its PIT histograms, coverage and fans: report_backtest.py).

    scripts/report.py results/baseline.h5 [--out DIR] [--monitor MONITOR.h5]
                      [--attribution ATTRIBUTION.h5]
    scripts/report.py results/baseline-backtest.h5 [--out DIR]   (scripts/report_backtest.py)

writes DIR (default: <name>-report next to the file, e.g. results/baseline-report/) with
report.md and one PNG per figure. The numbers come from the file's /summary group (written by
`backlogmc run`, read by scripts/report_results.py); this script computes no statistic of
its own. --monitor adds the table of `backlogmc
monitor --out` with the actuals drawn over the fan, --attribution the table and waterfall of
`backlogmc attribute --out` (scripts/report_cycle.py).

The report is drawn in a temporary folder beside DIR and renamed to DIR only when it is
complete, so a failure never leaves a half-written report. An existing DIR is replaced only
when it holds nothing but what report.py writes. A file that cannot be read, is not a
backlogmc results file, or is damaged gives one line on stderr and exit 4.
"""

import os
import sys

try:
    import h5py  # noqa: F401  (report_results reads the file)
    import matplotlib
    import numpy as np
except ImportError:
    # Debian's python3-h5py, -numpy and -matplotlib live with the system interpreter; another
    # python3 first on PATH (a virtualenv, conda) may lack them.
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
            and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

matplotlib.use("Agg")
import argparse  # noqa: E402
import math  # noqa: E402
import shutil  # noqa: E402
from datetime import timedelta  # noqa: E402

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

# a sensitivity or backtest file has a report of its own, in a module beside this script (found
# also when report.py is loaded as a module)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_backtest  # noqa: E402
import report_cycle  # noqa: E402
import report_sensitivity  # noqa: E402
from report_results import NAME_BYTES, NO_BOUND, ReportError, Results  # noqa: E402

FIGSIZE = (10, 5.6)
DPI = 150


def pct(x):
    """One decimal, two near 0 and 100 % where one would print 99.96 % as 100.0 %."""
    if x is None or math.isnan(x):
        return "n/a"
    digits = 2 if 0 < x < 0.001 or 0.999 < x < 1 else 1
    return f"{100 * x:.{digits}f} %"


def target_line(ax, r):
    ax.axvline(r.target, color="tab:red", linestyle="--", linewidth=1.5,
               label=f"target {r.target.isoformat()}")


def date_axis(ax):
    loc = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.grid(True, alpha=0.3)


def save(fig, out, name, made):
    path = os.path.join(out, name)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    made.append(name)


def p_target(r):
    p = r.s["probability"]
    return (p["estimate"][0, 0], p["clopper_pearson_low"][0, 0], p["clopper_pearson_high"][0, 0],
            p["wilson_low"][0, 0], p["wilson_high"][0, 0])


def fig_cdf(r, out, made):
    counts = r.s["completion_day"]["count_by_day"][0]
    n = counts.sum()
    fig, ax = plt.subplots(figsize=FIGSIZE)
    cdf = np.cumsum(counts[:-1]) / max(n, 1)
    dates = [r.date(d) for d in range(r.ndays)]
    ax.step(dates, cdf, where="post", color="tab:blue", linewidth=2,
            label="share of scenarios with every old case decided")
    target_line(ax, r)
    est, lo, hi, wlo, whi = p_target(r)
    interval = f"{pct(lo)} – {pct(hi)}" if not math.isnan(lo) else f"{pct(wlo)} – {pct(whi)}"
    ax.set_title(f"Completion of the old cases: P(by {r.target.isoformat()}) = {pct(est)} "
                 f"(95 % CI {interval})")
    if counts[-1]:
        ax.annotate(f"not complete by the horizon: {pct(counts[-1] / n)}",
                    xy=(0.99, 0.03), xycoords="axes fraction", ha="right")
    ax.set_xlabel("date all old cases are decided or closed")
    ax.set_ylabel("share of scenarios")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.02)
    date_axis(ax)
    ax.legend(loc="upper left")
    save(fig, out, "completion_cdf.png", made)


def fig_histogram(r, out, made):
    counts = r.s["completion_day"]["count_by_day"][0]
    n = max(counts.sum(), 1)
    firsts = r.months
    by_month = np.zeros(len(firsts))
    idx = 0
    for d in range(r.ndays):
        day = r.date(d)
        while idx + 1 < len(firsts) and day >= firsts[idx + 1]:
            idx += 1
        by_month[idx] += counts[d]
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.bar(firsts, by_month / n, width=25, align="edge", color="tab:blue",
           label="completed in the month")
    if counts[-1]:
        after = r.horizon + timedelta(days=45)
        ax.bar([after], [counts[-1] / n], width=25, color="tab:gray", hatch="//",
               label=f"not by the horizon ({r.horizon.isoformat()})")
    target_line(ax, r)
    ax.set_title("Month in which the last old case is decided")
    ax.set_xlabel("month")
    ax.set_ylabel("share of scenarios")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    date_axis(ax)
    ax.legend(loc="upper left")
    save(fig, out, "completion_by_month.png", made)


def month_positions(r, stock):
    """Month ends for stocks, mid-months for flows (clipped to the simulated days)."""
    pos = []
    for i, first in enumerate(r.months):
        end = r.months[i + 1] - timedelta(days=1) if i + 1 < len(r.months) else r.horizon
        end = min(end, r.horizon)
        pos.append(end if stock else first + (end - first) / 2)
    return pos


def fan_chart(r, out, made, key, name, title, ylabel, share=False, stock=False):
    m = r.s["monthly"]
    if m is None or key not in m:
        return
    col = {lv: i for i, lv in enumerate(r.fan_levels)}
    if not all(lv in col for lv in (5, 25, 50, 75, 95)):
        return
    q = m[key]
    x = month_positions(r, stock)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.fill_between(x, q[:, col[5]], q[:, col[95]], color="tab:blue", alpha=0.2, linewidth=0,
                    label="5–95 % of scenarios")
    ax.fill_between(x, q[:, col[25]], q[:, col[75]], color="tab:blue", alpha=0.4, linewidth=0,
                    label="25–75 %")
    ax.plot(x, q[:, col[50]], color="tab:blue", linewidth=2, label="median")
    target_line(ax, r)
    ax.set_title(title)
    ax.set_xlabel("month")
    ax.set_ylabel(ylabel)
    if share:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylim(0, 1.02)
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylim(bottom=0)
    date_axis(ax)
    ax.legend(loc="best")
    save(fig, out, name, made)


def fig_categories(r, out, made):
    cat = r.s["category_completion_day"]
    if cat is None or not r.categories:
        return
    q = cat["quantile"][0]  # [C][levels]
    li = {lv: i for i, lv in enumerate(r.levels)}
    fig, ax = plt.subplots(figsize=(FIGSIZE[0], max(3.0, 0.7 * len(r.categories) + 1.8)))
    beyond = r.horizon + timedelta(days=60)

    def pos(day):
        return r.date(day) if day >= 0 else beyond

    for c, name in enumerate(r.categories):
        y = len(r.categories) - 1 - c
        a, b = pos(q[c, li[5]]), pos(q[c, li[95]])
        ax.plot([a, b], [y, y], color="tab:blue", linewidth=2,
                label="5–95 % of scenarios" if c == 0 else None)
        a, b = pos(q[c, li[25]]), pos(q[c, li[75]])
        ax.plot([a, b], [y, y], color="tab:blue", linewidth=9, alpha=0.5,
                solid_capstyle="butt", label="25–75 %" if c == 0 else None)
        ax.plot([pos(q[c, li[50]])], [y], "o", color="black", label="median" if c == 0 else None)
    if (q < 0).any():
        ax.axvline(r.horizon, color="gray", linewidth=1)
        ax.annotate(f"horizon {r.horizon.isoformat()}: past it = not done by then",
                    xy=(r.horizon, len(r.categories) - 0.5),
                    xytext=(-4, 0), textcoords="offset points", ha="right", va="center",
                    fontsize=9, color="gray")
        ax.set_xlim(right=beyond + timedelta(days=30))
    target_line(ax, r)
    ax.set_yticks(range(len(r.categories)))
    ax.set_yticklabels(list(reversed(r.categories)))
    ax.set_ylim(-0.7, len(r.categories) - 0.3)
    ax.set_title("Completion date per category of old cases")
    ax.set_xlabel("date the category's last case is decided or closed")
    ax.set_ylabel("category")
    date_axis(ax)
    ax.legend(loc="lower left", fontsize=9)
    save(fig, out, "category_completion.png", made)


def days_text(v, none="–"):
    """A signed number of days: +5, 0, -12 (one decimal when not whole)."""
    if v is None or math.isnan(v):
        return none
    if v == 0:
        return "0"
    return f"{v:+.0f}" if float(v).is_integer() else f"{v:+.1f}"


def paired_at(p, level, key="diff_quantile"):
    return math.nan if p["both_complete"] == 0 else float(p[key][p["levels"].index(level)])


def p_later_text(p, label="P(later) "):
    est, lo, hi = p["p_later"]
    return f"{label}{pct(est)} ({pct(lo)} – {pct(hi)})"


def fig_variants(r, out, made):
    names = r.variant_names
    if not names:
        return
    rows = [(r.reference, r.s)] + [(n, r.variants.get(n)) for n in names]
    ny = len(rows)
    li = r.levels.index(50)
    fig, (ax, bx, cx) = plt.subplots(
        1, 3, sharey=True, figsize=(FIGSIZE[0] + 4, max(3.6, 0.7 * ny + 2.2)),
        gridspec_kw={"width_ratios": [3, 2, 3]})
    beyond = r.horizon + timedelta(days=60)
    any_beyond = False
    for i, (name, s) in enumerate(rows):
        y = ny - 1 - i
        if s is None:
            ax.annotate("no summary in the file", xy=(0.02, y), xycoords=("axes fraction",
                        "data"), va="center", fontsize=9, color="gray")
            continue
        c = s["completion_day"]
        med, lo, hi = (int(c[k][0, li]) for k in ["quantile", "ci_low", "ci_high"])
        lo = med if lo == NO_BOUND else lo
        any_beyond |= min(med, lo, hi) < 0
        xs = [r.date(d) if d >= 0 else beyond for d in (lo, med, hi)]
        colour = "tab:gray" if i == 0 else "tab:blue"
        ax.plot([xs[0], xs[2]], [y, y], color=colour, linewidth=3,
                label="95 % interval of the median" if i == 0 else None)
        ax.plot([xs[1]], [y], "o", color="black", label="median" if i == 0 else None)
        p = s["probability"]
        est = p["estimate"][0, 0]
        bx.barh([y], [est], color=colour, height=0.5)
        if not math.isnan(p["clopper_pearson_low"][0, 0]):
            bx.errorbar([est], [y], xerr=[[est - p["clopper_pearson_low"][0, 0]],
                                          [p["clopper_pearson_high"][0, 0] - est]],
                        color="black", capsize=4)
        bx.annotate(pct(est), xy=(min(est, 0.8) + 0.02, y + 0.28), fontsize=8)
    target_line(ax, r)
    if any_beyond:
        ax.axvline(r.horizon, color="gray", linewidth=1)
        ax.annotate(f"after the horizon\n({r.horizon.isoformat()}):\nnot done by then",
                    xy=(r.horizon, ny - 0.45), xytext=(4, 0), textcoords="offset points",
                    ha="left", va="top", fontsize=8, color="gray")
        ax.set_xlim(right=beyond + timedelta(days=30))
    ax.set_yticks(range(ny))
    ax.set_yticklabels([f"{n} (reference)" if i == 0 else n
                        for i, (n, _) in enumerate(rows)][::-1])
    ax.set_ylim(-0.7, ny - 0.3)
    ax.set_title("Median completion with its 95 % interval")
    ax.set_xlabel("date every old case is decided or closed")
    ax.set_ylabel("variant")
    date_axis(ax)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))  # the year on every tick
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8)
    bx.set_title(f"P(all decided by {r.target.isoformat()})")
    bx.set_xlabel("probability (95 % Clopper–Pearson interval)")
    bx.xaxis.set_major_formatter(PercentFormatter(1.0))
    bx.set_xlim(0, 1)
    bx.grid(True, axis="x", alpha=0.3)
    fig_paired(r, cx, rows, ny)
    save(fig, out, "variants.png", made)


def fig_paired(r, cx, rows, ny):
    """Per variant the distribution of its completion day minus the reference's, over the
    scenarios where both finish: 5–95 % whiskers, 25–75 % box, median with its interval."""
    cx.axvline(0, color="black", linewidth=1)
    labelled = False
    for i, (name, _) in enumerate(rows):
        y = ny - 1 - i
        if i == 0:
            cx.annotate("reference: differences are against it", xy=(0.02, y),
                        xycoords=("axes fraction", "data"), va="center", fontsize=9,
                        color="gray")
            continue
        p = r.paired.get(name)
        if p is None or p["both_complete"] == 0:
            why = "no paired comparison in the file" if p is None else \
                "no scenario in which both finish"
            cx.annotate(why, xy=(0.02, y), xycoords=("axes fraction", "data"), va="center",
                        fontsize=9, color="gray")
            continue
        q = {lv: paired_at(p, lv) for lv in (5, 25, 50, 75, 95)}
        cx.plot([q[5], q[95]], [y, y], color="tab:orange", linewidth=1.5,
                label=None if labelled else "5–95 % of scenarios")
        width = max(q[75] - q[25], 0.3)  # a box of one day stays visible
        cx.add_patch(plt.Rectangle(((q[25] + q[75] - width) / 2, y - 0.18), width, 0.36,
                                   color="tab:orange", alpha=0.5,
                                   label=None if labelled else "25–75 %"))
        lo, hi = paired_at(p, 50, "diff_ci_low"), paired_at(p, 50, "diff_ci_high")
        if not (math.isnan(lo) or math.isnan(hi)):
            cx.plot([lo, hi], [y - 0.26, y - 0.26], color="black", linewidth=2,
                    label=None if labelled else "95 % interval of the median")
        cx.plot([q[50]], [y], "D", color="black", markersize=6,
                label=None if labelled else "median")
        cx.annotate(f"{p_later_text(p)}; median {days_text(q[50])} d",
                    xy=(0.02, y + 0.3), xycoords=("axes fraction", "data"), fontsize=8)
        labelled = True
    cx.set_title(f"Paired: completion day minus {r.reference}")
    cx.set_xlabel(f"days later than {r.reference} (negative: earlier)")
    cx.grid(True, axis="x", alpha=0.3)
    lo, hi = cx.get_xlim()
    span = max(abs(lo), abs(hi), 1)
    cx.set_xlim(min(lo, -0.1 * span) - 0.05 * span, max(hi, 0.1 * span) + 0.05 * span)
    if labelled:
        cx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)


# ---- the Markdown report ------------------------------------------------------------------------

CAPTIONS = {
    "completion_cdf.png": "Share of scenarios in which every old case is decided or closed, "
                          "by date; the dashed line is the target.",
    "completion_by_month.png": "Month in which the last old case is decided.",
    "old_open_fan.png": "Old cases open at each month end, all categories.",
    "new_on_time_fan.png": "Share of the month's first decisions on new cases made within "
                           "the deadline.",
    "production_fan.png": "First decisions per month, old and new cases.",
    "grant_rate_fan.png": "Grants among the month's first decisions.",
    "idle_fan.png": "Officer-days offered and not used: capacity is idle only when no ready "
                    "case is left anywhere.",
    "category_completion.png": "Completion per category: 5–95 % range, 25–75 % range and "
                               "median.",
    "variants.png": "Policy variants on the same scenarios: median completion, P(target) and "
                    "the paired completion-day difference against the reference.",
}


def variants_markdown(r):
    ref = r.reference
    li = r.levels.index(50)
    lines = ["", "## Variants", "",
             f"Each variant is simulated on the same scenarios as {ref} (the configuration "
             "without overrides), with the same random numbers, so a scenario's difference is "
             "the effect of the policy alone.", ""]
    described = [(n, r.descriptions[n]) for n in r.variant_names if r.descriptions.get(n)]
    for name, d in described:
        lines.append(f"- **{name}**: {d}")
    if described:
        lines.append("")
    lines += [f"| variant | median completion | 95 % interval | P(all decided by {r.target}) "
              "(Clopper–Pearson 95 %) |", "|---|---|---|---|"]
    for name, v in [(ref, r.s)] + [(n, r.variants.get(n)) for n in r.variant_names]:
        label = f"{name} (reference)" if v is r.s else name
        if v is None:
            lines.append(f"| {label} | no summary in the file | | |")
            continue
        vc, vp = v["completion_day"], v["probability"]
        lines.append(f"| {label} | {r.day_text(vc['quantile'][0, li])} | "
                     f"{r.day_text(vc['ci_low'][0, li])} – "
                     f"{r.day_text(vc['ci_high'][0, li])} | {pct(vp['estimate'][0, 0])} "
                     f"({pct(vp['clopper_pearson_low'][0, 0])} – "
                     f"{pct(vp['clopper_pearson_high'][0, 0])}) |")
    lines += ["", f"Paired with {ref}, scenario by scenario: completion day of the variant "
              f"minus that of {ref} in days (over the scenarios in which both finish by "
              f"{r.horizon}), and the change in P(all decided by {r.target}) in percentage "
              "points.", "",
              "| variant | later / earlier / tied | P(later) (Wilson 95 %) | both finish | "
              "median difference (95 % interval) | 5 % – 95 % | P(target) difference "
              "(Agresti–Min 95 %) |", "|---|---|---|---|---|---|---|"]
    for name in r.variant_names:
        p = r.paired.get(name)
        if p is None:
            lines.append(f"| {name} | no paired comparison in the file | | | | | |")
            continue
        d = p["p_target_difference"]
        lines.append(
            f"| {name} | {p['later']} / {p['earlier']} / {p['tied']} | {p_later_text(p, '')} | "
            f"{p['both_complete']} | {days_text(paired_at(p, 50))} days "
            f"({days_text(paired_at(p, 50, 'diff_ci_low'), 'open')} to "
            f"{days_text(paired_at(p, 50, 'diff_ci_high'), 'open')}) | "
            f"{days_text(paired_at(p, 5))} to {days_text(paired_at(p, 95))} | "
            f"{points(d[0])} ({points(d[1])} to {points(d[2])}) |")
    lines += ["", "Tied: the same completion day, or neither finishes by the horizon. The "
              "interval of the median difference is the order-statistic interval of the file's "
              "rule (\"open\": too few scenarios to bound that side).", ""]
    return lines


def points(x):
    return "n/a" if x is None or math.isnan(x) else f"{100 * x:+.1f} pp"


def markdown(r, made):
    a = r.attrs
    lines = [f"# backlogmc report: {os.path.basename(r.path)}", "",
             "| | |", "|---|---|",
             f"| configuration | `{a.get('config_name', '')}` |",
             f"| scenarios | {a.get('n_scenarios')} (master seed {a.get('master_seed')}) |",
             f"| engine | backlogmc {a.get('engine_version')}, git `{a.get('git_commit')}` |",
             f"| created | {a.get('created')} |",
             f"| period | {r.day0} to {r.horizon}; Pact {a.get('pact_date')}; target "
             f"{r.target} |",
             *([f"| forecast as of | {a['as_of']} (from the state in /state/text) |"]
               if "as_of" in a else []),
             "", "## Completion of the old cases", "",
             "| quantile | date | 95 % interval |", "|---|---|---|"]
    c = r.s["completion_day"]
    for i, level in enumerate(r.levels):
        lines.append(f"| {level} % | {r.day_text(c['quantile'][0, i])} | "
                     f"{r.day_text(c['ci_low'][0, i])} – {r.day_text(c['ci_high'][0, i])} |")
    lines += ["", "## Probabilities", "",
              "| scenarios | event | n | P | Wilson 95 % | Clopper–Pearson 95 % |",
              "|---|---|---|---|---|---|"]
    p = r.s["probability"]
    group_text = {"all": "all", "triage_fired": "triage switched on",
                  "triage_never": "no triage"}
    event_text = {"complete_by_target": f"all decided by {r.target}",
                  "p95_by_target": f"≥ 95 % decided by {r.target}",
                  "complete_by_horizon": f"all decided by {r.horizon}"}
    for g, gname in enumerate(r.groups):
        for e, ename in enumerate(r.events):
            lines.append(f"| {group_text.get(gname, gname)} | {event_text.get(ename, ename)} | "
                         f"{p['n'][g]} | "
                         f"{pct(p['estimate'][g, e])} | {pct(p['wilson_low'][g, e])} – "
                         f"{pct(p['wilson_high'][g, e])} | "
                         f"{pct(p['clopper_pearson_low'][g, e])} – "
                         f"{pct(p['clopper_pearson_high'][g, e])} |")
    cat = r.s["category_completion_day"]
    if cat is not None and r.categories:
        lines += ["", "## Completion per category", "",
                  "| category | 5 % | median | 95 % interval of the median | 95 % |",
                  "|---|---|---|---|---|"]
        i5, i50, i95 = r.levels.index(5), r.levels.index(50), r.levels.index(95)
        for ci, name in enumerate(r.categories):
            q = cat["quantile"][0, ci]
            lines.append(f"| {name} | {r.day_text(q[i5])} | {r.day_text(q[i50])} | "
                         f"{r.day_text(cat['ci_low'][0, ci, i50])} – "
                         f"{r.day_text(cat['ci_high'][0, ci, i50])} | {r.day_text(q[i95])} |")
    if r.variant_names:
        lines += variants_markdown(r)
    lines += r.cycle_lines
    if r.left_out:
        lines += ["", f"{len(r.left_out)} variant(s) left out: a name that is not a plain group "
                  f"name of at most {NAME_BYTES} bytes.", ""]
    lines += ["", "## Figures", ""]
    for name in made:
        lines += [f"![{CAPTIONS.get(name, name)}]({name})", "", f"*{CAPTIONS.get(name, name)}*",
                  ""]
    if r.s["monthly"] is None:
        lines += ["Fan charts need monthly values: this file has neither /summary/monthly "
                  "nor /trajectories.", ""]
    lines += ["## Method", "",
              "A quantile is the order statistic X(k), k = ceil(n p), of the scenarios sorted "
              "by date, with those not finished by the horizon last; its 95 % interval "
              "[X(l), X(u)] comes from the Binomial(n, p) distribution of the number of "
              "scenarios below the quantile and holds for any distribution (\"open\": too few "
              "scenarios to bound that side). Probabilities carry Wilson and exact "
              "(Clopper–Pearson) 95 % intervals. Fan charts are monthly quantiles across "
              "scenarios; from /summary they carry the bin error documented in "
              "docs/output.md (at most 0.39 % of the value, 0.0005 for shares).", ""]
    return "\n".join(lines)


# Everything report.py may write into its folder: an existing folder is replaced only when it
# holds nothing else.
CAPTIONS.update(report_cycle.CAPTIONS)
REPORT_FILES = ({"report.md"} | set(CAPTIONS) | set(report_sensitivity.CAPTIONS)
                | set(report_backtest.CAPTIONS))


def check_replaceable(out):
    if not os.path.lexists(out):
        return
    if os.path.islink(out) or not os.path.isdir(out):
        raise ReportError(f"{out} exists and is not a report folder: choose another --out")
    other = sorted(n for n in os.listdir(out) if n not in REPORT_FILES)
    if other:
        raise ReportError(f"{out} holds files report.py did not write ({other[0]}"
                          f"{', ...' if len(other) > 1 else ''}): choose another --out")


def publish(tmp, out):
    """The finished folder takes the place of out; an earlier report there is removed."""
    check_replaceable(out)
    if not os.path.lexists(out):
        os.rename(tmp, out)
        return
    old = f"{out}.old-{os.getpid()}"
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old)


def report(path, out, monitor=None, attribution=None):
    """Draws into a temporary folder beside out, renamed to out once complete."""
    check_replaceable(out)
    sensitivity = report_sensitivity.is_sensitivity(path)
    backtest = not sensitivity and report_backtest.is_backtest(path)
    try:
        r = (report_sensitivity.Sensitivity(path) if sensitivity
             else None if backtest else Results(path))
    except report_sensitivity.SensitivityError as e:
        raise ReportError(str(e)) from e
    tmp = f"{out.rstrip(os.sep) or out}.tmp-{os.getpid()}"
    os.mkdir(tmp)
    try:
        if sensitivity:
            made = report_sensitivity.draw(r, tmp)
            md = write_markdown(tmp, report_sensitivity.markdown(r, made))
        elif backtest:
            md, made = report_backtest.draw(path, tmp)
        else:
            md, made = draw(r, tmp, monitor, attribution)
        publish(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return os.path.join(out, os.path.basename(md)), made


def draw(r, out, monitor=None, attribution=None):
    made = []
    r.cycle_lines = []
    try:
        if monitor:
            r.cycle_lines += report_cycle.monitor_section(monitor, out, made)
        if attribution:
            r.cycle_lines += report_cycle.attribution_section(attribution, out, made)
    except ValueError as e:
        raise ReportError(one_line(e)) from e
    fig_cdf(r, out, made)
    fig_histogram(r, out, made)
    fan_chart(r, out, made, "old_open_total", "old_open_fan.png",
              "Old cases open (all categories)", "cases open at month end", stock=True)
    fan_chart(r, out, made, "new_on_time_share", "new_on_time_fan.png",
              "New cases decided on time", "share of new decisions within the deadline",
              share=True)
    fan_chart(r, out, made, "first_decisions", "production_fan.png",
              "Production: first decisions per month (old and new cases)", "first decisions")
    fan_chart(r, out, made, "grant_rate", "grant_rate_fan.png", "Grant rate of first decisions",
              "grants / first decisions", share=True)
    fan_chart(r, out, made, "idle_share", "idle_fan.png", "Idle capacity",
              "officer-days not used / offered", share=True)
    fig_categories(r, out, made)
    fig_variants(r, out, made)
    return write_markdown(out, markdown(r, made)), made


def write_markdown(out, text):
    md = os.path.join(out, "report.md")
    with open(md, "w", encoding="utf-8") as fh:
        fh.write(text)
    plt.close("all")
    return md


def one_line(e):
    return " ".join(str(e).split())


def main(argv):
    ap = argparse.ArgumentParser(description="PNG figures and a Markdown report of a backlogmc "
                                             "results, sensitivity or backtest file.")
    ap.add_argument("file", help="results file written by backlogmc run, a sensitivity file "
                                 "written by backlogmc sensitivity, or a backtest file written "
                                 "by backlogmc backtest")
    ap.add_argument("--out", help="output directory (default: <name>-report next to the file)")
    ap.add_argument("--monitor", help="a monitoring file of this forecast (backlogmc monitor "
                                      "--out)")
    ap.add_argument("--attribution", help="an attribution file (backlogmc attribute --out)")
    a = ap.parse_args(argv)
    out = a.out or os.path.join(os.path.dirname(a.file) or ".",
                                os.path.splitext(os.path.basename(a.file))[0] + "-report")
    try:
        md, made = report(a.file, out, a.monitor, a.attribution)
    except (ReportError, report_backtest.BacktestError) as e:
        print(f"report.py: {one_line(e)}", file=sys.stderr)
        return 4
    except OSError as e:  # h5py's say nothing of the file, the system's name theirs
        print(f"report.py: {'' if e.filename else a.file + ': '}{one_line(e)}", file=sys.stderr)
        return 4
    except Exception as e:  # noqa: BLE001: a damaged file can fail anywhere in h5py or numpy
        print(f"report.py: {a.file}: damaged or not as docs/output.md describes "
              f"({type(e).__name__}: {one_line(e)})", file=sys.stderr)
        return 4
    print(f"wrote {md} and {len(made)} figures: {', '.join(made)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
