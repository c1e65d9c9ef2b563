"""Shared by the Python tests that drive the executable: where things are, running it, and
comparing two results files group by group with h5diff (like tests/h5same.sh)."""
import os
import subprocess
import sys

SOURCE = os.environ.get("BACKLOGMC_SOURCE_DIR", os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.environ.get("BACKLOGMC_BIN", os.path.join(SOURCE, "build", "backlogmc"))

# what a sanitizer or a crash leaves on stderr
CRASH_MARKS = ("Sanitizer", "runtime error:", "Segmentation fault", "core dumped", "HDF5-DIAG",
               "Traceback")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(args, cwd=None, preexec=None, timeout=300, env=None):
    """Runs backlogmc with args; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BIN] + list(args), cwd=cwd, capture_output=True, text=True,
                       errors="replace", preexec_fn=preexec, timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def check_clean_failure(what, rc, err, codes):
    """A failure must be one of codes, one line on stderr, no crash or sanitizer report."""
    if rc not in codes:
        fail("%s: exit %d, want one of %s\n%s" % (what, rc, codes, err))
    for mark in CRASH_MARKS:
        if mark in err:
            fail("%s: stderr shows %r\n%s" % (what, mark, err))
    if rc != 0:
        lines = err.strip("\n").split("\n")
        if len(lines) != 1 or not lines[0].startswith("backlogmc: "):
            fail("%s: expected one line 'backlogmc: ...' on stderr, got\n%s" % (what, err))


def h5_groups(path):
    out = subprocess.run(["h5ls", path], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def same(a, b, groups=None):
    """The two results files hold the same data in every top-level group (or in those
    named)."""
    groups = groups or h5_groups(a)
    if "scenarios" not in h5_groups(a):
        fail("%s has no /scenarios" % a)
    for g in groups:
        p = subprocess.run(["h5diff", a, b, "/" + g], capture_output=True, text=True)
        if p.returncode != 0:
            fail("/%s of %s and %s differ:\n%s" % (g, a, b, p.stdout[-2000:]))
