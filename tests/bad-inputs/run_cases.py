#!/usr/bin/python3
"""Runs the bad-input corpus (cases.txt, its format is described there) against backlogmc and
scripts/report.py, then two sweeps of damaged results files: single-bit flips at fixed
pseudo-random places (summary must exit 0 or 4, never crash or hang) and a few for report.py
(exit 0 or 4, one line, no report folder left behind on failure). Fails when a case fails,
when the corpus has fewer than 60 cases, or when a file it needs is missing."""
import fcntl
import glob
import hashlib
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from bmc_testlib import BIN, CRASH_MARKS, SOURCE, fail  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

REPORT = ["/usr/bin/python3", os.path.join(SOURCE, "scripts", "report.py")]
CASES = os.path.join(HERE, "cases.txt")
TIMEOUT = 120
MIN_CASES = 60


def parse(path):
    cases, cur = [], None
    for raw in open(path, encoding="utf-8"):
        line = raw.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            if cur:
                cases.append(cur)
            cur = None
            continue
        key, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if cur is None:
            if key != "case":
                fail(f"{path}: a case must start with 'case:', got {line!r}")
            cur = {"case": value, "prep": [], "check": [], "stdout": None}
        elif key in ("prep", "check"):
            cur[key].append(value)
        elif key in ("run", "exit", "stderr", "stdout"):
            cur[key] = value
        else:
            fail(f"{path}: unknown field {key!r} in case {cur['case']}")
    if cur:
        cases.append(cur)
    for c in cases:
        for k in ("run", "exit", "stderr"):
            if k not in c:
                fail(f"{path}: case {c['case']} has no {k}:")
    return cases


def expand(text, places):
    for k, v in places.items():
        text = text.replace("{" + k + "}", v)
    return text


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


# ---- damaged results files --------------------------------------------------------------------

def set_bytes(path, offset, new):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(new)


def heap_collection(path):
    data = open(path, "rb").read()
    at = data.find(b"GCOL\x01")
    if at < 0:
        fail(f"{path}: no global heap collection to damage")
    return data, at


def h5edit(path, action):
    """One kind of damage, as a user's tool or a bad disk could leave it."""
    if action == "heap-collection-size":     # the collection claims 256 bytes more
        data, at = heap_collection(path)
        set_bytes(path, at + 9, bytes([data[at + 9] + 1]))
        return
    if action == "heap-object-size":         # its first object runs past the collection
        data, at = heap_collection(path)
        set_bytes(path, at + 16 + 8 + 3, b"\x7f")
        return
    with h5py.File(path, "r+") as f:
        if action == "format":
            f.attrs["format"] = "something-else"
        elif action == "schema":
            f.attrs["schema_version"] = np.int32(99)
        elif action == "day0":
            f.attrs["day0"] = "2026-13-45"
        elif action == "categories":
            del f["categories/names"]
            f["categories/names"] = np.array([b"c%d" % i for i in range(100)])
        elif action == "one-day":
            del f["calendar/dates"]
            f["calendar/dates"] = np.array([b"2026-04-01"])
        elif action == "zero-months":
            del f["calendar/month_first"]
            f.create_dataset("calendar/month_first", shape=(0,), dtype="S10")
        elif action == "quantile":
            d = f["summary/completion_day/quantile"]
            a = d[:]
            a[0, 3] = 10 ** 8
            d[...] = a
        elif action in ("variant-dotdot", "variant-empty"):
            names = [n.decode() if isinstance(n, bytes) else str(n)
                     for n in f["variants"].attrs["names"]]
            names[0] = ".." if action == "variant-dotdot" else ""
            f["variants"].attrs["names"] = np.array([n.encode() for n in names])
        else:
            fail(f"unknown h5edit action {action}")


# ---- preparing a case -------------------------------------------------------------------------

def has_snapshot(path):
    try:
        return b"BMCSUMS1" in open(path, "rb").read()
    except OSError:
        return False


def stop_when_saved(args, ck, sig, cwd):
    """Starts backlogmc ARGS, sends sig once ck holds a snapshot; returns its exit code."""
    p = subprocess.Popen([BIN] + args, cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    deadline = time.time() + TIMEOUT
    while not has_snapshot(ck):
        if p.poll() is not None:
            fail(f"the run ended before it could be stopped: {p.stderr.read().decode()}")
        if time.time() > deadline:
            p.kill()
            fail("no snapshot in the checkpoint in time")
        time.sleep(0.01)
    p.send_signal(sig)
    p.wait(TIMEOUT)
    return p.returncode


def prep(step, d, places, held):
    words = step.split(" ", 2)
    op = words[0]
    arg = lambda i: os.path.join(d, expand(words[i], places))  # noqa: E731
    if op == "copy":
        shutil.copyfile(expand(words[1], places), arg(2))
    elif op == "write":
        with open(arg(1), "wb") as f:
            f.write(eval(expand(step.split(" ", 2)[2], places)).encode("latin-1"))
    elif op == "gen":
        v = eval(expand(step.split(" ", 2)[2], places))
        with open(arg(1), "wb") as f:
            f.write(v if isinstance(v, bytes) else v.encode())
    elif op == "mkfifo":
        os.mkfifo(arg(1))
    elif op == "mkdir":
        os.mkdir(arg(1))
    elif op == "symlink":
        os.symlink(words[1], arg(2))
    elif op == "hardlink":
        os.link(arg(1), arg(2))
    elif op == "sparse":
        with open(arg(1), "wb") as f:
            f.truncate(int(words[2]))
    elif op == "truncate":
        os.truncate(arg(1), int(words[2]))
    elif op == "cut":
        os.truncate(arg(1), os.path.getsize(arg(1)) - int(words[2]))
    elif op == "flip":
        size = os.path.getsize(arg(1))
        at = int(words[2]) % size
        data = open(arg(1), "rb").read()
        set_bytes(arg(1), at, bytes([data[at] ^ 0x10]))
    elif op == "h5edit":
        h5edit(arg(1), words[2])
    elif op == "killed-run":
        args = shlex.split(expand(step.split(" ", 1)[1], places)) + ["--checkpoint-every", "0.01"]
        ck = os.path.join(d, args[args.index("--checkpoint") + 1])
        stop_when_saved(args, ck, signal.SIGKILL, d)
        if not glob.glob(os.path.join(d, "*.tmp-*")):
            fail("the killed run left no temporary output to clean up")
    elif op == "lock":
        fh = open(arg(1), "rb")
        fcntl.flock(fh, fcntl.LOCK_EX)
        held.append(fh)
    else:
        fail(f"unknown prep step {step!r}")


# ---- running a case ---------------------------------------------------------------------------

def run_case(c, work, places):
    d = os.path.join(work, "case-" + c["case"])
    os.mkdir(d)
    places = dict(places, tmp=d)
    held = []
    for step in c["prep"]:
        prep(step, d, places, held)
    unchanged = {}
    for chk in c["check"]:
        kind, _, name = chk.partition(" ")
        if kind == "unchanged":
            unchanged[name] = digest(os.path.join(d, expand(name, places)))
    words = shlex.split(expand(c["run"], places))
    words = [w.encode("latin-1").decode("unicode_escape").encode("latin-1")
             if "\\x" in w else w for w in words]
    if words[0] == "backlogmc":
        cmd = [BIN] + words[1:]
    elif words[0] == "report":
        cmd = REPORT + words[1:]
    else:
        return f"unknown program {words[0]}"
    out = open(c["stdout"], "wb") if c["stdout"] else subprocess.PIPE
    try:
        p = subprocess.run(cmd, cwd=d, stdout=out, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"no answer within {TIMEOUT} s (a hang)"
    finally:
        for fh in held:
            fh.close()
        if c["stdout"]:
            out.close()
    err = p.stderr.decode("utf-8", "replace")
    stdout = p.stdout.decode("utf-8", "replace") if p.stdout else ""
    want = expand(c["stderr"], places)
    if "\\x" in want:
        want = want.encode("latin-1").decode("unicode_escape")
    lines = err.splitlines()
    problems = []
    if p.returncode != int(c["exit"]):
        problems.append(f"exit {p.returncode}, want {c['exit']}")
    for mark in CRASH_MARKS:
        if mark in err:
            problems.append(f"stderr shows {mark!r}")
    if want == "" and err:
        problems.append("stderr should be empty")
    if want and (not lines or not lines[0].startswith(want)):
        problems.append(f"stderr does not start with {want!r}")
    if p.returncode != 0 and len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, want 1")
    left = [os.path.relpath(x, d) for x in glob.glob(os.path.join(d, "**", "*.tmp-*"),
                                                    recursive=True)]
    left += [os.path.relpath(x, d) for x in glob.glob(os.path.join(d, "*.old-*"))]
    if left:
        problems.append(f"left behind: {left}")
    for chk in c["check"]:
        kind, _, name = chk.partition(" ")
        path = os.path.join(d, expand(name, places))
        if kind == "unchanged":
            if not os.path.exists(path) or digest(path) != unchanged[name]:
                problems.append(f"{name} was changed or removed")
        elif kind == "absent" and os.path.lexists(path):
            problems.append(f"{name} should not exist")
        elif kind == "exists" and not os.path.exists(path):
            problems.append(f"{name} should exist")
        elif kind == "stdout" and expand(name, places) not in stdout:
            problems.append(f"stdout lacks {name!r}")
        elif kind not in ("unchanged", "absent", "exists", "stdout"):
            problems.append(f"unknown check {chk!r}")
    if problems:
        return "; ".join(problems) + f"\n    stderr: {err.strip()[:600]}"
    return None


# ---- sweeps of damaged files ------------------------------------------------------------------

def metadata_bytes(data):
    """Where damage reaches HDF5's metadata rather than compressed numbers: the first 12 kB
    (superblock, object headers, B-trees), the last 4 kB (the root's attributes) and the
    global heap collections (variable-length strings)."""
    places = list(range(min(len(data), 12288))) + list(range(max(0, len(data) - 4096),
                                                             len(data)))
    at = data.find(b"GCOL")
    while at >= 0:
        places += range(at, min(len(data), at + 4096))
        at = data.find(b"GCOL", at + 1)
    return places


def flip_sweep(src, work, n, seed):
    """n files, one bit of their metadata flipped each: summary ends with 0 or 4 and one
    line, in time."""
    data = open(src, "rb").read()
    places = metadata_bytes(data)
    rng = random.Random(seed)
    path = os.path.join(work, "flipped.h5")
    bad, outcomes = [], {0: 0, 4: 0}
    for i in range(n):
        b = bytearray(data)
        at = rng.choice(places)
        b[at] ^= 1 << rng.randrange(8)
        open(path, "wb").write(b)
        try:
            p = subprocess.run([BIN, "summary", path], capture_output=True, timeout=30)
        except subprocess.TimeoutExpired:
            bad.append(f"byte {at}: hangs")
            continue
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode not in outcomes or any(m in err for m in CRASH_MARKS) \
                or (p.returncode and len(err.splitlines()) != 1):
            bad.append(f"byte {at}: exit {p.returncode}: {err.strip()[:300]}")
        else:
            outcomes[p.returncode] += 1
    return bad, outcomes


def report_flips(src, work, n, seed):
    data = open(src, "rb").read()
    rng = random.Random(seed)
    path, out = os.path.join(work, "rflipped.h5"), os.path.join(work, "rflipped-report")
    bad = []
    for i in range(n):
        b = bytearray(data)
        for _ in range(8):
            at = rng.randrange(len(b))
            b[at] ^= 1 << rng.randrange(8)
        open(path, "wb").write(b)
        shutil.rmtree(out, ignore_errors=True)
        p = subprocess.run(REPORT + [path, "--out", out], capture_output=True, timeout=300)
        err = p.stderr.decode("utf-8", "replace")
        left = glob.glob(out + ".*")
        if p.returncode not in (0, 4) or left or "Traceback" in err \
                or (p.returncode and (len(err.splitlines()) != 1 or os.path.exists(out))):
            bad.append(f"report flip {i}: exit {p.returncode}, left {left}: {err.strip()[-300:]}")
    return bad


# ---- main -------------------------------------------------------------------------------------

def make_fixtures(work):
    baseline = os.path.join(SOURCE, "configs", "baseline.yaml")
    variants_cfg = os.path.join(SOURCE, "configs", "policy-variants.yaml")
    for f in (baseline, variants_cfg, os.path.join(HERE, "configs")):
        if not os.path.exists(f):
            fail(f"missing {f}")
    results, variants = os.path.join(work, "results.h5"), os.path.join(work, "variants.h5")
    for cfg, out in ((baseline, results), (variants_cfg, variants)):
        p = subprocess.run([BIN, "run", cfg, "--scenarios", "20", "--seed", "1", "--quiet",
                            "--out", out], capture_output=True, text=True, timeout=TIMEOUT)
        if p.returncode != 0:
            fail(f"making {out}: {p.stderr}")
    ck_args = f"run {baseline} --scenarios 600 --seed 7 --quiet --threads 1 --block-size 2"
    ck = os.path.join(work, "ck")
    rc = stop_when_saved(shlex.split(ck_args) + ["--checkpoint", ck, "--checkpoint-every",
                                                 "0.01", "--out", os.path.join(work, "ck.h5")],
                         ck, signal.SIGTERM, work)
    if rc != 6:
        fail(f"the checkpoint fixture: SIGTERM gave exit {rc}, want 6")
    long_dir = "/".join(["d" * 200] * 19)  # 3819 bytes of directories, made below
    os.makedirs(os.path.join(work, long_dir), exist_ok=True)
    return {"src": SOURCE, "cfgs": os.path.join(HERE, "configs"), "baseline": baseline,
            "results": results, "variants": variants, "ck": ck, "ck_args": ck_args,
            "name_255": "n" * 252 + ".h5", "name_252": "n" * 249 + ".h5",
            "name_255_ck": "c" * 255,
            "long_4096": os.path.join(work, long_dir, "x" * (4096 - len(work) - 2
                                                          - len(long_dir)))}


def main():
    cases = parse(CASES)
    if len(cases) < MIN_CASES:
        fail(f"{len(cases)} cases, the corpus must have at least {MIN_CASES}")
    names = [c["case"] for c in cases]
    if len(set(names)) != len(names):
        fail("two cases share a name")
    only = sys.argv[1:]
    work = tempfile.mkdtemp(prefix="bmc-bad-inputs-")
    failed = []
    try:
        places = make_fixtures(work)
        for c in cases:
            if only and c["case"] not in only:
                continue
            why = run_case(c, work, places)
            print(("ok    " if why is None else "FAIL  ") + c["case"]
                  + ("" if why is None else "\n    " + why), flush=True)
            if why is not None:
                failed.append(c["case"])
        if not only:
            bad, outcomes = flip_sweep(places["variants"], work, 200, 16)
            print(f"summary of 200 files with one flipped bit: exit 0 x {outcomes[0]}, "
                  f"exit 4 x {outcomes[4]}, other {len(bad)}")
            bad += report_flips(places["variants"], work, 4, 16)
            for b in bad:
                print("FAIL  " + b)
            failed += bad
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        fail(f"{len(failed)} of {len(cases)} cases failed")
    ran = len(only) if only else len(cases)
    print(f"bad inputs: all {ran} of the {len(cases)} cases run passed")


main()
