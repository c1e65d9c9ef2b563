"""Reading a backlogmc results file for scripts/report.py and scripts/sweep_table.py: the
Results class takes every number from the file's /summary (written by engine/output/summary*.c,
the one implementation of the statistics) and checks its shapes, so that a damaged or foreign
file gives one ReportError line instead of a traceback."""

from datetime import date, timedelta

import h5py
import numpy as np

FORMAT = "backlogmc-results"
SCHEMA = 2
BEYOND, NO_BOUND, NO_DATA = -1, -2, -3
MAX_CATEGORIES = 16   # BMC_MAX_CATEGORIES of models/results.h
NAME_BYTES = 63       # a name of a category or variant (BMC_NAME_LEN - 1)


class ReportError(Exception):
    pass


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


# ---- reading ------------------------------------------------------------------------------------

class Results:
    """What the figures need, all of it from the file's /summary: this script computes no
    statistic of its own (engine/output/summary*.c is the one implementation)."""

    def __init__(self, path):
        self.path = path
        with h5py.File(path, "r") as f:
            fmt = text(f.attrs.get("format", ""))
            if fmt != FORMAT:
                raise ReportError(f"{path}: not a backlogmc results file (format {fmt!r})")
            version = int(f.attrs.get("schema_version", -1))
            if version < SCHEMA:
                raise ReportError(f"{path}: results schema version {version} was written by an "
                                  f"older backlogmc; this script reads version {SCHEMA}: run the "
                                  f"forecast again")
            if version != SCHEMA:
                raise ReportError(f"{path}: results schema version {version}; this script reads "
                                  f"version {SCHEMA}")
            self.attrs = {k: text(v) if isinstance(v, (bytes, str)) else np.asarray(v).item()
                          for k, v in f.attrs.items() if np.size(v) == 1}
            self.day0 = iso_date(path, self.attrs, "day0")
            self.target = iso_date(path, self.attrs, "target_date")
            self.ndays = f["calendar/dates"].shape[0]
            if not 2 <= self.ndays <= 366 * 100:
                raise ReportError(f"{path}: /calendar/dates has {self.ndays} days")
            self.horizon = self.day0 + timedelta(days=self.ndays - 1)
            self.target_day = (self.target - self.day0).days
            if not 0 <= self.target_day < self.ndays:
                raise ReportError(f"{path}: target_date outside the simulated days")
            self.months = [iso_date(path, {"month": text(m)}, "month")
                           for m in f["calendar/month_first"][:]]
            if not 1 <= len(self.months) <= self.ndays:
                raise ReportError(f"{path}: /calendar/month_first has {len(self.months)} months")
            self.categories = [text(c) for c in f["categories/names"][:]]
            if len(self.categories) > MAX_CATEGORIES:
                raise ReportError(f"{path}: {len(self.categories)} categories, more than "
                                  f"{MAX_CATEGORIES}")
            if "summary" not in f:
                raise ReportError(f"{path}: no /summary (the file is damaged or incomplete)")
            self.s = read_summary(f["summary"])
            # the levels, groups and events are the file's, not copies kept here
            self.levels = [int(x) for x in self.s["level_percent"]]
            self.fan_levels = [int(x) for x in self.s["monthly"]["level_percent"]] \
                if self.s["monthly"] is not None else []
            self.groups = self.s["groups"]
            self.events = self.s["events"]
            check_summary(self, self.s, "/summary")
            self.reference = "base"
            self.variants = {}    # name -> its summary, in configuration order
            self.paired = {}      # name -> its comparison with the reference, when present
            self.descriptions = {}
            self.left_out = []    # variants whose name cannot be a group name
            if "variants" in f:
                self.read_variants(f["variants"])

    def read_variants(self, v):
        """/variants: the order of the attribute names (the configuration), else by name."""
        self.reference = text(v.attrs.get("reference", "base")) or "base"
        if "names" in v.attrs:
            names = v.attrs["names"]
            names = [text(names)] if np.ndim(names) == 0 else [text(n) for n in names]
        else:
            names = sorted(v.keys())
        for name in names:
            if not plain_name(name):
                self.left_out.append(name)
                continue
            g = v.get(name)
            if not isinstance(g, h5py.Group):
                continue
            self.descriptions[name] = text(g.attrs.get("description", ""))
            if "summary" in g:
                self.variants[name] = read_summary(g["summary"])
                check_summary(self, self.variants[name], f"/variants/{name}/summary")
            if "paired" in g:
                self.paired[name] = read_paired(g["paired"], self.path, name)

    @property
    def variant_names(self):
        """Every variant with a summary or a paired comparison, in configuration order."""
        return [n for n in self.descriptions if n in self.variants or n in self.paired]

    def date(self, day):
        return self.day0 + timedelta(days=int(day))

    def day_text(self, day):
        day = int(day)
        if day >= 0:
            return self.date(day).isoformat()
        return {BEYOND: f"after {self.horizon.isoformat()}", NO_BOUND: "open"}.get(day, "-")


def iso_date(path, attrs, key):
    try:
        return date.fromisoformat(attrs[key])
    except (KeyError, TypeError, ValueError):
        raise ReportError(f"{path}: {key} is missing or not a date YYYY-MM-DD") from None


def plain_name(name):
    """A variant name that is one group name below /variants (as engine/h5read.c has it)."""
    return bool(name) and len(name.encode()) <= NAME_BYTES and "/" not in name \
        and name not in (".", "..")


def check_summary(r, s, where):
    """The shapes and ranges the figures rely on: a damaged file stops here, not in a plot."""
    groups, levels = len(r.groups), len(r.levels)
    for need in ["all", "triage_fired", "triage_never"]:
        if need not in r.groups:
            raise ReportError(f"{r.path}: {where} has no group {need!r}")
    for need in ["complete_by_target", "p95_by_target", "complete_by_horizon"]:
        if need not in r.events:
            raise ReportError(f"{r.path}: {where}/probability has no event {need!r}")
    for need in [5, 50, 95]:
        if need not in r.levels:
            raise ReportError(f"{r.path}: {where} has no {need} % level")
    days = r.ndays
    for name in ["completion_day", "p95_day", "category_completion_day"]:
        q = s[name]
        if q is None:
            continue
        cats = name == "category_completion_day"
        shape = (groups, len(r.categories), levels) if cats else (groups, levels)
        for k in ["quantile", "ci_low", "ci_high"]:
            a = np.asarray(q[k])
            if a.shape != shape:
                raise ReportError(f"{r.path}: {where}/{name}/{k} has shape {a.shape}, "
                                  f"expected {shape}")
            if a.size and (a.min() < NO_DATA or a.max() >= days):
                raise ReportError(f"{r.path}: {where}/{name}/{k} holds days outside "
                                  f"[{NO_DATA}, {days - 1}]")
    p = s["probability"]
    for k in ["estimate", "wilson_low", "wilson_high", "clopper_pearson_low",
              "clopper_pearson_high"]:
        a = np.asarray(p[k], dtype=float)
        if a.shape != (groups, len(r.events)) or (np.nan_to_num(a, nan=0.5) < 0).any() \
                or (np.nan_to_num(a, nan=0.5) > 1).any():
            raise ReportError(f"{r.path}: {where}/probability/{k} is not a {groups} x "
                              f"{len(r.events)} table of probabilities")
    if np.asarray(s["n"]).shape != (groups,) or (np.asarray(s["n"]) < 0).any():
        raise ReportError(f"{r.path}: {where}/n is not {groups} scenario counts")
    m = s["monthly"]
    for k, a in (m or {}).items():
        a = np.asarray(a)
        if k != "level_percent" and (a.ndim < 1 or a.shape[0] != len(r.months)):
            raise ReportError(f"{r.path}: {where}/monthly/{k} does not have one row per month "
                              f"({len(r.months)})")


def names_attr(obj, key):
    v = obj.attrs.get(key)
    if v is None:
        return []
    return [text(v)] if np.ndim(v) == 0 else [text(x).rstrip("\0") for x in v]


def read_summary(g):
    s = {"n": g["n"][:], "monthly": None, "level_percent": g["level_percent"][:],
         "groups": names_attr(g, "groups"), "events": names_attr(g["probability"], "events")}
    for name in ["completion_day", "p95_day", "category_completion_day"]:
        s[name] = {k: g[name][k][:] for k in ["quantile", "ci_low", "ci_high", "count_by_day"]}
    p = g["probability"]
    s["probability"] = {k: p[k][:] for k in ["count", "n", "estimate", "wilson_low",
                                             "wilson_high", "clopper_pearson_low",
                                             "clopper_pearson_high"]}
    if "monthly" in g:
        m = g["monthly"]
        s["monthly"] = {k: m[k][:] for k in m.keys()}
    return s


PAIRED_COUNTS = ["n", "later", "earlier", "tied", "both_complete", "target_reference_only",
                 "target_variant_only"]


def read_paired(g, path, name):
    """/variants/<name>/paired (docs/output.md): differences are variant minus reference."""
    try:
        p = {k: int(g.attrs[k]) for k in PAIRED_COUNTS}
        p["diff_mean"] = float(g.attrs["diff_mean"])
        for k in ["level_percent", "diff_quantile", "diff_ci_low", "diff_ci_high", "p_later",
                  "p_target_difference"]:
            p[k] = g[k][:]
    except KeyError as e:
        raise ReportError(f"{path}: /variants/{name}/paired lacks {e}") from None
    p["levels"] = [int(x) for x in p["level_percent"]]
    if 50 not in p["levels"]:
        raise ReportError(f"{path}: /variants/{name}/paired has no 50 % level")
    return p
