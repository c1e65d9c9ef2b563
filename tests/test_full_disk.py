#!/usr/bin/env python3
"""A full disk at any moment: opening, writing, flushing, committing, compacting the
checkpoint. Every run must end with exit 0 (and the right file) or exit 4 with one line, no
crash (HDF5 ids all released), no output file, no temporary file of the output or of the
checkpoint, and a checkpoint that a resume with room finishes into the file of a straight
run.

The disk fills in two ways: a file-size limit (RLIMIT_FSIZE; backlogmc ignores SIGXFSZ so the
write fails with EFBIG), swept from 0 to past the size of the files, which works for any
user; and, when this runs as root and may mount, a small tmpfs (ENOSPC), where the output
can also fill up alone while the checkpoint has room: the commit then fails and the
checkpoint must get its final snapshot, so that the resume simulates nothing."""
import glob
import os
import resource
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bmc_testlib import SOURCE, check_clean_failure, fail, run, same  # noqa: E402

CONFIG = os.path.join(SOURCE, "configs", "baseline.yaml")
N = 200
ARGS = ["run", CONFIG, "--scenarios", str(N), "--seed", "5", "--trajectories", "--quiet",
        "--threads", "2", "--block-size", "16"]


def leftovers(d):
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(d, "*.tmp-*")))


def limited(nbytes):
    def set_limit():
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, hard))
    return set_limit


def resumed_count(out):
    for line in out.splitlines():
        if line.startswith("resumed: "):
            return int(line.split()[1])
    return 0


def check_run(what, d, out, ck, rc, err, straight, resume_dir):
    """The state a run left: complete output, or nothing but a resumable checkpoint."""
    check_clean_failure(what, rc, err, (0, 4))
    if leftovers(d):
        fail("%s: temporary files left: %s" % (what, leftovers(d)))
    if rc == 0:
        same(straight, out)
        if os.path.exists(ck):
            fail("%s: a finished run left its checkpoint" % what)
        return "ok"
    if os.path.exists(out):
        fail("%s: a failed run left %s" % (what, out))
    if not os.path.exists(ck):
        return "nothing kept"
    # the checkpoint is intact: a resume with room finishes it (a copy, moved out of the
    # full file system)
    again, moved = os.path.join(resume_dir, "resumed.h5"), os.path.join(resume_dir, "ck-moved")
    for p in (again, moved):
        if os.path.exists(p):
            os.unlink(p)
    shutil.copyfile(ck, moved)
    rrc, rout, rerr = run(ARGS + ["--resume", moved, "--out", again])
    if rrc != 0:
        fail("%s: resuming the checkpoint left by the failure: exit %d\n%s" % (what, rrc, rerr))
    same(straight, again)
    return "resumed %d" % resumed_count(rout)


def sweep_rlimit(tmp, straight, checkpoint):
    """With a checkpoint its appends fail first (its rows are not compressed); without one
    the output fails at every stage: creating, appending, the summaries, the final flush."""
    d = os.path.join(tmp, "rlimit-ck" if checkpoint else "rlimit")
    os.mkdir(d)
    out, ck = os.path.join(d, "o.h5"), os.path.join(d, "ck")
    extra = ["--checkpoint", ck, "--checkpoint-every", "0.01"] if checkpoint else []
    kinds = {}
    limit = 0
    while True:
        rc, _, err = run(ARGS + extra + ["--out", out], preexec=limited(limit))
        what = "RLIMIT_FSIZE %d bytes%s" % (limit, ", checkpoint" if checkpoint else "")
        result = check_run(what, d, out, ck, rc, err, straight, tmp)
        kinds[result.split()[0]] = kinds.get(result.split()[0], 0) + 1
        print("%-40s exit %d: %s | %s" % (what, rc, result, err.strip()[:110]))
        for p in (out, ck):
            if os.path.exists(p):
                os.unlink(p)
        if rc == 0:
            break
        limit = 4096 if limit == 0 else int(limit * 1.5)
        if limit > 1 << 30:
            fail("the run never fitted")
    # the sweep must have failed at the start, with a checkpoint kept, and succeeded at last
    for kind in ("nothing", "resumed", "ok") if checkpoint else ("nothing", "ok"):
        if kind not in kinds:
            fail("the RLIMIT_FSIZE sweep never ended in %r: %s" % (kind, kinds))


def mount_tmpfs(path, kib):
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dk" % kib, "tmpfs", path],
                          capture_output=True).returncode == 0


def umount(path):
    subprocess.run(["umount", path], check=True)


def sweep_tmpfs(tmp, straight):
    d = os.path.join(tmp, "fs")
    os.mkdir(d)
    if os.geteuid() != 0 or not mount_tmpfs(d, 64):
        print("tmpfs: cannot mount here (not root, or no permission): RLIMIT_FSIZE only")
        return
    umount(d)
    kib = 16
    seen_ok = False
    while not seen_ok:
        mount_tmpfs(d, kib)
        try:
            out, ck = os.path.join(d, "o.h5"), os.path.join(d, "ck")
            rc, _, err = run(ARGS + ["--checkpoint", ck, "--checkpoint-every", "0.01",
                                     "--out", out])
            result = check_run("tmpfs of %d KiB" % kib, d, out, ck, rc, err, straight, tmp)
            print("tmpfs %6d KiB            exit %d: %s | %s" % (kib, rc, result,
                                                                 err.strip()[:110]))
            seen_ok = rc == 0
        finally:
            umount(d)
        kib = int(kib * 1.8)
        if kib > 1 << 20:
            fail("the run never fitted a tmpfs")
    # only the output's file system is full: the commit fails, the checkpoint elsewhere gets
    # its final snapshot and a resume simulates nothing
    mount_tmpfs(d, 256)
    try:
        out, ck = os.path.join(d, "o.h5"), os.path.join(tmp, "ck-elsewhere")
        rc, _, err = run(ARGS + ["--checkpoint", ck, "--out", out])
        check_clean_failure("output on a full tmpfs", rc, err, (4,))
        if "keeps the scenarios done: continue with --resume" not in err:
            fail("the failure should say that the checkpoint keeps the work:\n" + err)
        if os.listdir(d):
            fail("a failed run left %s on the output's file system" % os.listdir(d))
    finally:
        umount(d)
    again = os.path.join(tmp, "after-full.h5")
    rc, rout, rerr = run(ARGS + ["--resume", ck, "--out", again])
    if rc != 0 or resumed_count(rout) != N:
        fail("resume after a failed commit: exit %d, resumed %d of %d (the final snapshot "
             "must hold every scenario)\n%s" % (rc, resumed_count(rout), N, rerr))
    same(straight, again)
    print("output on a full tmpfs: exit 4, the resume took all %d scenarios" % N)


def main():
    tmp = tempfile.mkdtemp(prefix="bmc-full-disk-")
    try:
        straight = os.path.join(tmp, "straight.h5")
        rc, _, err = run(ARGS + ["--out", straight])
        if rc != 0:
            fail("straight run: exit %d\n%s" % (rc, err))
        sweep_rlimit(tmp, straight, checkpoint=False)
        sweep_rlimit(tmp, straight, checkpoint=True)
        sweep_tmpfs(tmp, straight)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("test_full_disk: all passed")


main()
