#!/usr/bin/python3
"""Monthly seasonality factors for new asylum intake, from the published monthly first
applications in configs/data/monthly.csv, and a check of the intake-level distribution
against the yearly counts 2015-2025 in configs/data/yearly.csv.

The factors are shares of a year's count per month x 12 (docs/model.md section 5, version 2): the
expected count of month m is level x S[m] / 12, whatever the month's length.

Method: a multiplicative fit log(v[y, m]) = level[y] + trend[y] (m - 5.5) + s[m] by least
squares over the monthly counts kept, so years with gaps still count; S[m] = exp(s[m])
scaled to mean 1. The fit is on counts, so S are count shares (February's short month is in
its factor). A year's own level and trend absorb its size and its growth or decline, so only the
shape within the year is left for the season. The monthly data are few and gappy, so the
final factors take each quarter's level from the CBS quarterly series (complete normal
years 2013, 2016-2019, 2023) and only the shape within the quarter from the monthly fit.

Months left out, and why (see configs/data/README.md):
  2020 (all)          pandemic: procedures suspended March-June, a depressed autumn
  2021 (all)          the pandemic's aftermath (January-March at half the usual level),
                      then evacuees from Afghanistan counted from September 2021
  2022-08 .. 2022-10  a registration backlog was cleared: inflated months
  2023-03, 2023-06    people who had fled Ukraine registered as asylum applicants
The IND changed its monthly series in March 2023: 2023-01/02 and 2023-03 onwards get
separate levels.

Usage: scripts/seasonality.py [--median 25000] [--sdlog 0.25] [--config configs/baseline.yaml]
"""
import argparse
import csv
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "configs", "data")

EXCLUDED = {"2022-08", "2022-09", "2022-10", "2023-03", "2023-06"}
EXCLUDED_YEARS = {"2020", "2021"}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def read_monthly():
    rows = []
    with open(os.path.join(DATA, "monthly.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if not r["first_applications"]:
                continue
            month = r["month"]
            year = month[:4]
            if year in EXCLUDED_YEARS or month in EXCLUDED:
                continue
            series = year
            if year == "2023":
                series = "2023a" if month < "2023-03" else "2023b"
            rows.append((series, int(month[5:7]) - 1, float(r["first_applications"])))
    return rows


def fit(rows, iterations=2000):
    """Alternating least squares for log v = level[y] + trend[y] (m - 5.5) + s[month]: each
    series has its own level and linear trend (intake rose through 2021-22 and fell in
    2025), so a year's growth is not mistaken for seasonality."""
    series = sorted({r[0] for r in rows})
    level = {y: 0.0 for y in series}
    trend = {y: 0.0 for y in series}
    s = [0.0] * 12
    for _ in range(iterations):
        for y in series:
            pts = [(m - 5.5, math.log(v) - s[m]) for yy, m, v in rows if yy == y]
            mx = sum(x for x, _ in pts) / len(pts)
            my = sum(z for _, z in pts) / len(pts)
            sxx = sum((x - mx) ** 2 for x, _ in pts)
            # a series with fewer than three months cannot separate trend from season
            trend[y] = (sum((x - mx) * (z - my) for x, z in pts) / sxx
                        if len(pts) >= 3 and sxx > 0 else 0.0)
            level[y] = my - trend[y] * mx
        for m in range(12):
            vals = [math.log(v) - level[y] - trend[y] * (m - 5.5)
                    for y, mm, v in rows if mm == m]
            s[m] = sum(vals) / len(vals) if vals else 0.0
        mean_s = sum(s) / 12
        s = [x - mean_s for x in s]
    factors = [math.exp(x) for x in s]
    mean = sum(factors) / 12
    return [f / mean for f in factors], series


QUARTER_YEARS = ["2013", "2016", "2017", "2018", "2019", "2023", "2024"]


def combine(factors, cbs_quarters):
    """Quarter levels from the CBS quarters (six or more complete years), the shape within
    each quarter from the monthly fit (fewer and gappier months); mean 1."""
    out = []
    for q in range(4):
        within = factors[3 * q:3 * q + 3]
        mean_within = sum(within) / 3
        out += [cbs_quarters[q] * f / mean_within for f in within]
    mean = sum(out) / 12
    return [f / mean for f in out]


def quarterly_check(factors):
    """CBS quarterly first requests of the normal years (2014-15: the 2015 surge, 2020-22:
    pandemic, evacuation and the registration catch-up are left out), each year divided by
    its mean quarter, against the quarters of the monthly factors (count shares: a quarter's
    count is the sum of its three months)."""
    by_year = {}
    with open(os.path.join(DATA, "quarterly-cbs.csv"), newline="") as f:
        for r in csv.DictReader(f):
            y, q = r["quarter"].split("-Q")
            if y in QUARTER_YEARS and r["first_asylum_requests_cbs"]:
                by_year.setdefault(y, [None] * 4)[int(q) - 1] = float(r["first_asylum_requests_cbs"])
    years = [y for y, qs in by_year.items() if None not in qs]
    monthly_q = [sum(factors[m] for m in range(3 * q, 3 * q + 3)) for q in range(4)]
    mean_mq = sum(monthly_q) / 4
    print("\nquarter  CBS (%s)  from the monthly fit" % ", ".join(sorted(years)))
    quarters = []
    for q in range(4):
        cbs = [by_year[y][q] / (sum(by_year[y]) / 4) for y in years]
        gm = math.exp(sum(math.log(x) for x in cbs) / len(cbs))
        quarters.append(gm)
        print("Q%d       %.3f  %.3f" % (q + 1, gm, monthly_q[q] / mean_mq))
    return quarters


def residual_sd(rows, factors):
    """Root mean square of log(v) - level[y] - trend[y] (m - 5.5) - log S[m] over the months
    kept, each series' level and trend refitted with S held fixed: how closely the factors
    reproduce the published monthly counts."""
    series = sorted({r[0] for r in rows})
    total, n = 0.0, 0
    for y in series:
        pts = [(m - 5.5, math.log(v) - math.log(factors[m])) for yy, m, v in rows if yy == y]
        mx = sum(x for x, _ in pts) / len(pts)
        my = sum(z for _, z in pts) / len(pts)
        sxx = sum((x - mx) ** 2 for x, _ in pts)
        b = (sum((x - mx) * (z - my) for x, z in pts) / sxx
             if len(pts) >= 3 and sxx > 0 else 0.0)
        for x, z in pts:
            total += (z - my - b * (x - mx)) ** 2
            n += 1
    return math.sqrt(total / n)


def lognormal_cdf(x, median, sdlog):
    return 0.5 * (1 + math.erf(math.log(x / median) / (sdlog * math.sqrt(2))))


def config_factors(path):
    try:
        text = open(path).read()
    except OSError:
        return None
    m = re.search(r"^\s*seasonality:\s*\[([^\]]*)\]", text, re.M)
    return [float(x) for x in m.group(1).split(",")] if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--median", type=float, default=25000)
    ap.add_argument("--sdlog", type=float, default=0.25)
    ap.add_argument("--config", default=os.path.join(HERE, "..", "configs", "baseline.yaml"))
    a = ap.parse_args()

    rows = read_monthly()
    monthly, series = fit(rows)
    counts = [sum(1 for r in rows if r[1] == m) for m in range(12)]
    print("monthly fit over %d months of %s" % (len(rows), ", ".join(series)))
    quarters = quarterly_check(monthly)
    factors = combine(monthly, quarters)
    print("\nmonth  monthly fit  months used  final (CBS quarters x monthly shape)")
    for m in range(12):
        print("%-5s  %6.3f       %d            %6.3f" % (MONTHS[m], monthly[m], counts[m], factors[m]))
    print("config line:  seasonality: [%s]" % ", ".join("%.3f" % f for f in factors))
    print("log residual sd against the published months: monthly fit %.3f, final %.3f, "
          "flat %.3f" % (residual_sd(rows, monthly), residual_sd(rows, factors),
                         residual_sd(rows, [1.0] * 12)))
    current = config_factors(a.config)
    if current:
        worst = max(abs(c - f) for c, f in zip(current, factors))
        print("largest difference from %s: %.3f" % (os.path.relpath(a.config), worst))

    print("\nyearly first applications against the intake level lognormal(median %.0f, "
          "sdlog %.2f)" % (a.median, a.sdlog))
    inside = total = 0
    with open(os.path.join(DATA, "yearly.csv"), newline="") as f:
        for r in csv.DictReader(f):
            v = float(r["first_applications"])
            q = lognormal_cdf(v, a.median, a.sdlog)
            band = 0.05 <= q <= 0.95
            inside += band
            total += 1
            print("%s  %6.0f  quantile %.3f%s" % (r["year"], v, q, "" if band else "  outside 5-95 %"))
    print("%d of %d years inside the central 90 %% band" % (inside, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
