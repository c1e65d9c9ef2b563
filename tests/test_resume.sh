#!/bin/sh
# Checkpoint and resume through the executable: a run killed with SIGKILL mid-way and
# resumed gives the same data as a straight run (also with trajectories, also after its last
# record was torn, also with other threads); the output path never holds a file until the
# run is complete; resume refuses another run's checkpoint; SIGTERM stops with exit 6 after
# a checkpoint, 5 without one; so do SIGHUP and SIGQUIT; snapshots are compacted; a failed
# commit leaves a final snapshot.
# usage: test_resume.sh BACKLOGMC SOURCE_DIR   (ctest gives a timeout)
set -eu
bin=$1
cd "$2"
tmp=$(mktemp -d /tmp/bmc-resume-XXXXXX)
job=
trap '[ -n "$job" ] && kill -9 $job 2>/dev/null; rm -rf "$tmp"' EXIT
. tests/h5same.sh
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
snapshots() { grep -a -o BMCSUMS1 "$tmp/ck" 2>/dev/null | wc -l; }
# start a run in the background, SIGKILL it once the checkpoint holds `bytes` and a
# two snapshots of the summaries (the point a resume starts from; the rows after it are
# redone), so that a torn last one leaves an earlier one
kill_after() {
    bytes=$1
    shift
    "$bin" "$@" --checkpoint-every 0.1 >/dev/null 2>&1 &
    job=$!
    while [ "$(size "$tmp/ck")" -lt "$bytes" ] || [ "$(snapshots)" -lt 2 ]; do
        kill -0 "$job" 2>/dev/null || fail "the run ended before it could be killed"
        sleep 0.02
    done
    kill -9 "$job"
    wait "$job" || true
    job=
}
# wait until file holds at least bytes while the background run $job is still running
wait_for_size() {
    while [ "$(size "$1")" -lt "$2" ]; do
        kill -0 "$job" 2>/dev/null || fail "the run ended before it could be stopped"
        sleep 0.02
    done
}
expect_exit() {
    want=$1
    shift
    set +e
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    [ "$rc" -eq "$want" ] || { cat "$tmp/err" >&2; fail "exit $rc, want $want: $*"; }
}

cfg=configs/baseline.yaml
args="run $cfg --scenarios 1500 --seed 11 --quiet"
"$bin" $args --threads 2 --out "$tmp/straight.h5" >/dev/null

kill_after 20000 $args --threads 2 --block-size 32 --checkpoint "$tmp/ck" --out "$tmp/resumed.h5"
[ -e "$tmp/resumed.h5" ] && fail "a killed run left a file at the output path"
ls "$tmp"/resumed.h5.tmp-* >/dev/null 2>&1 || fail "expected the killed run's temporary file"

# a resume that fails (its output cannot be created) leaves the checkpoint as it was
cp "$tmp/ck" "$tmp/ck.before"
expect_exit 4 $args --threads 1 --resume "$tmp/ck" --out "$tmp/no/such/dir/x.h5"
cmp -s "$tmp/ck" "$tmp/ck.before" || fail "a failed resume changed the checkpoint"

# another run's checkpoint is refused and left alone
expect_exit 2 $args --seed 12 --resume "$tmp/ck" --out "$tmp/resumed.h5"
grep -q "seed" "$tmp/err" || fail "the refusal should name the seed"
expect_exit 2 run $cfg --scenarios 1501 --seed 11 --quiet --resume "$tmp/ck" --out "$tmp/resumed.h5"
expect_exit 2 $args --set staff.fte=300 --resume "$tmp/ck" --out "$tmp/resumed.h5"
expect_exit 2 $args --trajectories --resume "$tmp/ck" --out "$tmp/resumed.h5"
echo "not a checkpoint" >"$tmp/junk"
expect_exit 4 $args --resume "$tmp/junk" --out "$tmp/resumed.h5"
expect_exit 4 $args --resume "$tmp/missing" --out "$tmp/resumed.h5"
expect_exit 2 $args --checkpoint "$tmp/same.h5" --out "$tmp/same.h5"
[ -e "$tmp/resumed.h5" ] && fail "a refused resume left a file at the output path"

# a torn last record (the kill hit mid-append) is dropped, the records before it are kept
truncate -s -100 "$tmp/ck"
expect_exit 0 $args --threads 1 --resume "$tmp/ck" --out "$tmp/resumed.h5"
grep -q "resumed:" "$tmp/out" || fail "the resumed run should say so"
[ -e "$tmp/ck" ] && fail "a finished run should remove its checkpoint"
ls "$tmp"/resumed.h5.tmp-* >/dev/null 2>&1 && fail "resume should remove the killed run's temporary file"
same "$tmp/straight.h5" "$tmp/resumed.h5"

# with trajectories
targs="run $cfg --scenarios 400 --seed 13 --quiet --trajectories"
"$bin" $targs --threads 2 --out "$tmp/tstraight.h5" >/dev/null
kill_after 300000 $targs --threads 2 --block-size 8 --checkpoint "$tmp/ck" --out "$tmp/tresumed.h5"
expect_exit 0 $targs --threads 2 --resume "$tmp/ck" --out "$tmp/tresumed.h5"
same "$tmp/tstraight.h5" "$tmp/tresumed.h5"

# with policy variants: every result set resumes at the same scenario
vargs="run tests/data/variants/crn.yaml --scenarios 600 --seed 14 --quiet"
"$bin" $vargs --threads 2 --out "$tmp/vstraight.h5" >/dev/null
kill_after 40000 $vargs --threads 2 --block-size 16 --checkpoint "$tmp/ck" --out "$tmp/vresumed.h5"
expect_exit 2 $args --resume "$tmp/ck" --out "$tmp/vresumed.h5"
expect_exit 0 $vargs --threads 1 --resume "$tmp/ck" --out "$tmp/vresumed.h5"
grep -q "resumed:" "$tmp/out" || fail "the resumed variants run should say so"
same "$tmp/vstraight.h5" "$tmp/vresumed.h5"

# with a precision stop: the resumed run stops at the same batch
pargs="run configs/regular-only.yaml --precision 0.02 --precision-batch 500 --seed 15 --quiet"
"$bin" $pargs --threads 2 --out "$tmp/pstraight.h5" >/dev/null
kill_after 30000 $pargs --threads 2 --block-size 16 --checkpoint "$tmp/ck" --out "$tmp/presumed.h5"
expect_exit 2 run configs/regular-only.yaml --precision 0.03 --precision-batch 500 --seed 15 \
    --quiet --resume "$tmp/ck" --out "$tmp/presumed.h5"
expect_exit 0 $pargs --threads 1 --resume "$tmp/ck" --out "$tmp/presumed.h5"
grep -q "resumed:" "$tmp/out" || fail "the resumed precision run should say so"
same "$tmp/pstraight.h5" "$tmp/presumed.h5"

# SIGTERM: with a checkpoint exit 6 and a resumable file, without one exit 5; never output
"$bin" $args --threads 2 --block-size 32 --checkpoint "$tmp/ck" --out "$tmp/term.h5" \
    >/dev/null 2>"$tmp/err" &
job=$!
while [ "$(size "$tmp/ck")" -lt 10000 ]; do sleep 0.02; done
kill -TERM "$job"
set +e
wait "$job"
rc=$?
set -e
job=
[ "$rc" -eq 6 ] || { cat "$tmp/err" >&2; fail "SIGTERM with a checkpoint: exit $rc, want 6"; }
grep -q -- "--resume $tmp/ck" "$tmp/err" || fail "the message should say how to resume"
ls "$tmp"/term.h5* >/dev/null 2>&1 && fail "a stopped run left an output file"
expect_exit 0 $args --threads 2 --resume "$tmp/ck" --out "$tmp/term.h5"
same "$tmp/straight.h5" "$tmp/term.h5"

# SIGHUP (a closed ssh session) stops like SIGTERM: a final snapshot, no temporary output
"$bin" $args --threads 1 --block-size 8 --checkpoint "$tmp/ck" --out "$tmp/hup.h5" \
    >/dev/null 2>"$tmp/err" &
job=$!
wait_for_size "$tmp/ck" 10000
kill -HUP "$job"
set +e
wait "$job"
rc=$?
set -e
job=
[ "$rc" -eq 6 ] || { cat "$tmp/err" >&2; fail "SIGHUP with a checkpoint: exit $rc, want 6"; }
ls "$tmp"/hup.h5* >/dev/null 2>&1 && fail "a run stopped by SIGHUP left an output file"
expect_exit 0 $args --threads 1 --resume "$tmp/ck" --out "$tmp/hup.h5"
same "$tmp/straight.h5" "$tmp/hup.h5"

# snapshots every 10 ms for the whole run: superseded ones are compacted away, so the file
# never holds more than three (with rows smaller than a snapshot: see checkpoint.c, compact)
"$bin" $args --threads 1 --block-size 4 --checkpoint "$tmp/ck" --checkpoint-every 0.01 \
    --out "$tmp/compact.h5" >/dev/null 2>"$tmp/err" &
job=$!
most=0
seen=0
while [ "$seen" -lt 40 ] && kill -0 "$job" 2>/dev/null; do
    n=$(snapshots)
    [ "$n" -gt "$most" ] && most=$n
    seen=$((seen + 1))
    sleep 0.02
done
kill -TERM "$job" 2>/dev/null || true
set +e
wait "$job"
rc=$?
set -e
job=
[ "$rc" -eq 6 ] || { cat "$tmp/err" >&2; fail "compaction run: exit $rc, want 6 (stopped)"; }
[ "$most" -ge 1 ] && [ "$most" -le 3 ] || fail "the checkpoint held $most snapshots, want 1 to 3"
[ "$(snapshots)" -le 3 ] || fail "after the stop the checkpoint holds $(snapshots) snapshots"
ls "$tmp"/ck.tmp-* >/dev/null 2>&1 && fail "a compaction left its copy behind"
expect_exit 0 $args --threads 2 --resume "$tmp/ck" --out "$tmp/compact.h5"
same "$tmp/straight.h5" "$tmp/compact.h5"

# a commit that fails (here the rename: a directory took the output's name during the run)
# leaves the checkpoint with a final snapshot of every scenario: the resume simulates none
"$bin" $args --threads 1 --block-size 8 --checkpoint "$tmp/ck" --out "$tmp/late.h5" \
    >/dev/null 2>"$tmp/err" &
job=$!
while ! ls "$tmp"/late.h5.tmp-* >/dev/null 2>&1; do
    kill -0 "$job" 2>/dev/null || fail "the run ended before its output could be blocked"
    sleep 0.02
done
mkdir "$tmp/late.h5"
set +e
wait "$job"
rc=$?
set -e
job=
[ "$rc" -eq 4 ] || { cat "$tmp/err" >&2; fail "a failed commit: exit $rc, want 4"; }
grep -q "checkpoint $tmp/ck keeps the scenarios done: continue with --resume" "$tmp/err" ||
    { cat "$tmp/err" >&2; fail "a failed commit should say that the checkpoint keeps the work"; }
ls "$tmp"/late.h5.tmp-* >/dev/null 2>&1 && fail "a failed commit left its temporary file"
rmdir "$tmp/late.h5"
expect_exit 0 $args --threads 2 --resume "$tmp/ck" --out "$tmp/late.h5"
grep -q "resumed: 1500 scenarios" "$tmp/out" || { cat "$tmp/out" >&2;
    fail "after a failed commit the resume should take all 1500 scenarios from the checkpoint"; }
same "$tmp/straight.h5" "$tmp/late.h5"

# SIGQUIT without a checkpoint: exit 5, nothing left (a script's background job starts with
# SIGQUIT ignored, which backlogmc keeps: env gives it back its default)
env --default-signal=QUIT "$bin" run $cfg --scenarios 1000000 --quiet --threads 2 \
    --block-size 32 --out "$tmp/quit.h5" >/dev/null 2>"$tmp/err" &
job=$!
while ! ls "$tmp"/quit.h5.tmp-* >/dev/null 2>&1; do
    kill -0 "$job" 2>/dev/null || fail "the run ended before it could be stopped"
    sleep 0.02
done
kill -QUIT "$job"
set +e
wait "$job"
rc=$?
set -e
job=
[ "$rc" -eq 5 ] || { cat "$tmp/err" >&2; fail "SIGQUIT without a checkpoint: exit $rc, want 5"; }
ls "$tmp"/quit.h5* >/dev/null 2>&1 && fail "a run stopped by SIGQUIT left its temporary file"

# (SIGINT takes the same way, but a script's background job starts with SIGINT ignored)
"$bin" run $cfg --scenarios 1000000 --quiet --threads 2 --block-size 32 --out "$tmp/int.h5" \
    >/dev/null 2>"$tmp/err" &
job=$!
# the temporary output exists once the signals are caught
while ! ls "$tmp"/int.h5.tmp-* >/dev/null 2>&1; do sleep 0.02; done
kill -TERM "$job"
set +e
wait "$job"
rc=$?
set -e
job=
[ "$rc" -eq 5 ] || { cat "$tmp/err" >&2; fail "SIGTERM without a checkpoint: exit $rc, want 5"; }
ls "$tmp"/int.h5* >/dev/null 2>&1 && fail "an interrupted run left an output file"
echo "test_resume: all passed"
