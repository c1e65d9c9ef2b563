#!/usr/bin/python3
"""Every command-line option (and run: key) at the edge of its range is accepted and gives
the right result, the same for 1 and 2 threads. "Right" is checked against something known
independently: a run of N scenarios holds the first N scenarios of a longer run with the same
seed (every scenario draws only from its own streams), so its rows must equal the longer
run's first rows; a block size, a thread count or a checkpoint must not change a byte of
data; a precision stop after one batch of one scenario holds that one scenario."""
import os
import shutil
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bmc_testlib import SOURCE, fail, run, same  # noqa: E402

CONFIG = os.path.join(SOURCE, "configs", "baseline.yaml")
MAX_SEED = "9007199254740991"  # 2^53 - 1: seeds are exact in a double


def must_run(args, out):
    rc, stdout, err = run(["run", CONFIG, "--quiet", "--out", out] + args)
    if rc != 0:
        fail("run %s: exit %d\n%s" % (" ".join(args), rc, err))
    return stdout


def rows(path):
    """Every per-scenario dataset of /scenarios, by name."""
    got = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                got[name] = obj[:]
        f["scenarios"].visititems(visit)
        got["@n_scenarios"] = int(f.attrs["n_scenarios"])
    return got


def same_first_rows(short, long, n):
    a, b = rows(short), rows(long)
    if a["@n_scenarios"] != n:
        fail("%s holds %d scenarios, want %d" % (short, a["@n_scenarios"], n))
    if sorted(a) != sorted(b):
        fail("%s and %s have other datasets" % (short, long))
    for k in a:
        if k.startswith("@"):
            continue
        if len(a[k]) != n or not np.array_equal(a[k], b[k][:n], equal_nan=True):
            fail("/scenarios/%s of %s is not the first %d rows of %s" % (k, short, n, long))


def main():
    tmp = tempfile.mkdtemp(prefix="bmc-cli-edges-")
    p = lambda name: os.path.join(tmp, name)  # noqa: E731
    try:
        must_run(["--scenarios", "20", "--seed", "4", "--threads", "2"], p("long.h5"))

        # --scenarios 1 (and run.scenarios: 1): the first scenario of the longer run
        must_run(["--scenarios", "1", "--seed", "4", "--threads", "1"], p("one-t1.h5"))
        must_run(["--scenarios", "1", "--seed", "4", "--threads", "2"], p("one-t2.h5"))
        must_run(["--set", "run.scenarios=1", "--set", "run.seed=4", "--threads", "2"],
                 p("one-set.h5"))
        same_first_rows(p("one-t1.h5"), p("long.h5"), 1)
        same(p("one-t1.h5"), p("one-t2.h5"))
        same(p("one-t1.h5"), p("one-set.h5"), ["scenarios", "summary"])  # /config differs

        # --block-size 1 and --threads 4096 change nothing
        must_run(["--scenarios", "20", "--seed", "4", "--threads", "2", "--block-size", "1"],
                 p("block1.h5"))
        same(p("long.h5"), p("block1.h5"))
        must_run(["--scenarios", "3", "--seed", "4", "--threads", "4096"], p("t4096.h5"))
        same_first_rows(p("t4096.h5"), p("long.h5"), 3)

        # a precision stop with batches of 1 and at most 1 scenario: that scenario, and the
        # file says the goal was not reached
        for t in ("1", "2"):
            must_run(["--precision", "0.25", "--precision-batch", "1", "--max-scenarios", "1",
                      "--seed", "4", "--threads", t], p("prec-t%s.h5" % t))
            same_first_rows(p("prec-t%s.h5" % t), p("long.h5"), 1)
        same(p("prec-t1.h5"), p("prec-t2.h5"))
        with h5py.File(p("prec-t1.h5"), "r") as f:
            if int(f.attrs["precision_batch"]) != 1 or int(f.attrs["precision_reached"]) != 0:
                fail("a one-scenario precision stop cannot reach a half-width of 0.25")
        # the smallest half-width, capped at 3 scenarios
        must_run(["--precision", "1e-6", "--precision-batch", "1", "--max-scenarios", "3",
                  "--seed", "4", "--threads", "2"], p("prec-min.h5"))
        same_first_rows(p("prec-min.h5"), p("long.h5"), 3)

        # the seeds at both ends: the same for 1 and 2 threads, and not the same scenarios
        for seed in ("0", MAX_SEED):
            for t in ("1", "2"):
                must_run(["--scenarios", "5", "--seed", seed, "--threads", t],
                         p("seed%s-t%s.h5" % (seed, t)))
            same(p("seed%s-t1.h5" % seed), p("seed%s-t2.h5" % seed))
        a, b = rows(p("seed0-t1.h5")), rows(p("seed%s-t1.h5" % MAX_SEED))
        if all(np.array_equal(a[k], b[k], equal_nan=True) for k in a if not k.startswith("@")):
            fail("seed 0 and seed 2^53-1 gave the same scenarios")

        # checkpoints at the shortest and the longest interval change nothing
        for every in ("0.01", "1e8"):
            must_run(["--scenarios", "20", "--seed", "4", "--threads", "2", "--block-size", "2",
                      "--checkpoint", p("ck" + every), "--checkpoint-every", every],
                     p("ck%s.h5" % every))
            same(p("long.h5"), p("ck%s.h5" % every))
            if os.path.exists(p("ck" + every)):
                fail("a finished run left its checkpoint")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("test_option_edges: all passed")


main()
