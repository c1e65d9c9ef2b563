#!/usr/bin/python3
"""docs/output.md against a results file: every dataset of /scenarios and /trajectories (which
the writer makes from the schema table, models/results_schema.h) has a row in the document's
table for its group, with its type, kind and units attribute, and every row names a dataset
the file has. A field added to the schema without its documentation, or a documented field
that is gone, fails here."""
import os
import re
import subprocess
import sys
import tempfile

import h5py

BIN = os.environ["BACKLOGMC_BIN"]
SRC = os.environ["BACKLOGMC_SOURCE_DIR"]
DOC = os.path.join(SRC, "docs", "output.md")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def section(text, heading):
    """The lines of the section that starts with this heading, up to the next ## heading."""
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end >= 0 else len(text)]


def rows(block):
    """Table rows as lists of cells: the first cell a `name`."""
    out = []
    for line in block.splitlines():
        m = re.match(r"^\| `([a-z0-9_]+)` \|(.*)\|\s*$", line)
        if m:
            out.append([m.group(1)] + [c.strip() for c in m.group(2).split("|")])
    return out


def text_attr(ds, name):
    v = ds.attrs.get(name)
    return v.decode() if isinstance(v, bytes) else v


def units_match(doc, attr):
    """The document may shorten a long unit with an ellipsis: 'days since day0; -1 = ...'."""
    if doc.endswith("…"):
        return attr is not None and attr.startswith(doc[:-1])
    return doc == attr


with open(DOC, encoding="utf-8") as f:
    doc = f.read()
with tempfile.TemporaryDirectory(prefix="bmc-doc-") as tmp:
    out = os.path.join(tmp, "r.h5")
    r = subprocess.run([BIN, "run", os.path.join(SRC, "configs", "baseline.yaml"), "--scenarios",
                        "4", "--quiet", "--trajectories", "--out", out],
                       capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, f"the run failed: {r.stderr.strip()}")
    with h5py.File(out, "r") as f:
        # /scenarios: name | type | units | meaning
        documented = {row[0]: row for row in rows(section(doc, "## `/scenarios`"))}
        have = {k: v for k, v in f["scenarios"].items() if isinstance(v, h5py.Dataset)}
        check(have.keys() == documented.keys(),
              f"/scenarios: in the file only {sorted(have.keys() - documented.keys())}, "
              f"in the document only {sorted(documented.keys() - have.keys())}")
        for name, ds in have.items():
            row = documented.get(name)
            if not row:
                continue
            kind = "int32" if ds.dtype.kind == "i" else "float64"
            check(row[1].startswith(kind), f"/scenarios/{name}: type {kind}, documented {row[1]}")
            check(units_match(row[2], text_attr(ds, "units")),
                  f"/scenarios/{name}: units {text_attr(ds, 'units')!r}, documented {row[2]!r}")
        # /trajectories: name | kind | units | meaning
        documented = {row[0]: row for row in rows(section(doc, "## `/trajectories`"))}
        have = dict(f["trajectories"].items())
        check(have.keys() == documented.keys(),
              f"/trajectories: in the file only {sorted(have.keys() - documented.keys())}, "
              f"in the document only {sorted(documented.keys() - have.keys())}")
        for name, ds in have.items():
            row = documented.get(name)
            if not row:
                continue
            check(text_attr(ds, "kind") == row[1],
                  f"/trajectories/{name}: kind {text_attr(ds, 'kind')}, documented {row[1]}")
            check(units_match(row[2], text_attr(ds, "units")),
                  f"/trajectories/{name}: units {text_attr(ds, 'units')!r}, documented {row[2]!r}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("test_output_doc: docs/output.md matches the file")
