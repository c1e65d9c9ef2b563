#!/bin/sh
# Same seed, same data, however the work is split (docs/model.md section 10): 1 and 2 threads,
# 1, 2 and 3 MPI ranks, 2 ranks x 2 threads, with trajectories, runs in which rank 0 or
# another rank has nothing to do, and rank 0 simulating fewer scenarios while it writes
# (--timing shows who simulated what, and what each rank sent). Then the failure paths: a
# rank that fails must bring every rank down with the one message, not hang them; a signal
# to one rank stops all of them after a checkpoint that a run with another decomposition
# resumes to the same data, also when a second signal comes while rank 0 saves it.
# usage: test_mpi.sh BACKLOGMC MPIEXEC SOURCE_DIR SLOW_FSYNC_LIB SLOW_FINALIZE_LIB
#        (ctest gives a timeout)
set -eu
bin=$1
mpiexec=$2
cd "$3"
slow_fsync=$4
slow_finalize=$5
tmp=$(mktemp -d /tmp/bmc-mpi-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# each launch has its own time limit too: a hung job is killed with its ranks
mpi() { timeout -k 10 120 "$mpiexec" --oversubscribe --bind-to none "$@"; }
. tests/h5same.sh

cfg=configs/baseline.yaml
args="run $cfg --scenarios 100 --seed 5 --quiet --trajectories"
"$bin" $args --threads 1 --out "$tmp/t1.h5" >/dev/null
"$bin" $args --threads 2 --block-size 7 --out "$tmp/t2.h5" >/dev/null
mpi -np 2 "$bin" $args --threads 1 --out "$tmp/r2.h5" >/dev/null
mpi -np 2 "$bin" $args --threads 2 --block-size 12 --out "$tmp/r2t2.h5" >/dev/null
same "$tmp/t1.h5" "$tmp/t2.h5"
same "$tmp/t1.h5" "$tmp/r2.h5"
same "$tmp/t1.h5" "$tmp/r2t2.h5"

# parameter designs (run.design) depend on the scenario index only
for d in latin_hypercube sobol; do
    "$bin" $args --set run.design=$d --threads 1 --out "$tmp/$d-1.h5" >/dev/null
    mpi -np 2 "$bin" $args --set run.design=$d --threads 2 --block-size 9 \
        --out "$tmp/$d-r2.h5" >/dev/null
    same "$tmp/$d-1.h5" "$tmp/$d-r2.h5"
done

# with policy variants: every variant and its paired comparison too
vargs="run tests/data/variants/crn.yaml --scenarios 40 --seed 8 --quiet"
"$bin" $vargs --threads 1 --out "$tmp/v1.h5" >/dev/null
mpi -np 2 "$bin" $vargs --threads 2 --block-size 3 --out "$tmp/v2.h5" >/dev/null
h5ls "$tmp/v1.h5" | grep -q '^variants ' || fail "no /variants in $tmp/v1.h5"
same "$tmp/v1.h5" "$tmp/v2.h5"

# a run smaller than the ranks: rank 0 or the last rank simulates nothing
for np in 2 3; do
    "$bin" run $cfg --scenarios 1 --seed 9 --quiet --out "$tmp/one.h5" --force >/dev/null
    mpi -np $np "$bin" run $cfg --scenarios 1 --seed 9 --quiet --threads 1 --out "$tmp/one$np.h5" \
        --timing >/dev/null 2>"$tmp/timing"
    same "$tmp/one.h5" "$tmp/one$np.h5"
    # rank 0 writes, another rank simulates the one scenario
    [ "$(awk '$1 == "timing:" && $2 == 0 {print $3}' "$tmp/timing")" -eq 0 ] ||
        { cat "$tmp/timing" >&2; fail "rank 0 of $np simulated the one scenario"; }
done

# --timing: a line per rank; the scenarios add up; rank 0 sends nothing, rank 1 its rows as
# the file keeps them (no monthly values without --trajectories) and its summaries
targs="run $cfg --scenarios 600 --seed 10 --quiet --threads 1"
mpi -np 2 "$bin" $targs --block-size 50 --timing --out "$tmp/tm2.h5" >/dev/null 2>"$tmp/timing"
[ "$(grep -c '^timing: ' "$tmp/timing")" -eq 3 ] || { cat "$tmp/timing" >&2; fail "--timing: want a header and 2 ranks"; }
awk '$1 == "timing:" && $2 ~ /^[0-9]+$/ {n += $3} END {exit n != 600}' "$tmp/timing" ||
    { cat "$tmp/timing" >&2; fail "--timing: the ranks' scenarios do not add up to 600"; }
[ "$(awk '$1 == "timing:" && $2 == 0 {print $9}' "$tmp/timing")" -eq 0 ] || fail "--timing: rank 0 sent bytes"
sent=$(awk '$1 == "timing:" && $2 == 1 {print int($9 / $3)}' "$tmp/timing")
# per scenario of rank 1: a few hundred bytes of rows plus its share of the summaries, far
# below the 16 kB of monthly values a scenario has
[ "$sent" -gt 100 ] && [ "$sent" -lt 150000 ] || { cat "$tmp/timing" >&2; fail "--timing: rank 1 sent $sent bytes a scenario"; }

# with trajectories rank 0's writing is dear (a chunk of monthly values compressed every few
# rounds): it simulates fewer scenarios than rank 1, and the file is the same
jargs="run $cfg --scenarios 1200 --seed 12 --quiet --trajectories"
"$bin" $jargs --threads 1 --out "$tmp/j1.h5" >/dev/null
mpi -np 2 "$bin" $jargs --threads 1 --block-size 100 --timing --out "$tmp/j2.h5" >/dev/null 2>"$tmp/timing"
same "$tmp/j1.h5" "$tmp/j2.h5"
awk '$1 == "timing:" && $2 == 0 {r0 = $3} $1 == "timing:" && $2 == 1 {r1 = $3} END {exit !(r0 < r1)}' \
    "$tmp/timing" || { cat "$tmp/timing" >&2; fail "rank 0 writing trajectories did not simulate fewer scenarios"; }

# a precision stop decides after whole batches only: the same scenarios for 2 ranks
pargs="run configs/regular-only.yaml --precision 0.03 --precision-batch 200 --seed 3 --quiet"
"$bin" $pargs --threads 1 --out "$tmp/p1.h5" >/dev/null
mpi -np 2 "$bin" $pargs --threads 2 --block-size 9 --out "$tmp/p2.h5" >/dev/null
same "$tmp/p1.h5" "$tmp/p2.h5"
mpi -np 3 "$bin" $pargs --threads 1 --out "$tmp/p3.h5" >/dev/null
same "$tmp/p1.h5" "$tmp/p3.h5"

# rank 1 cannot read its configuration: every rank stops with rank 1's error, no output
cp "$cfg" "$tmp/cfg_0.yaml"
set +e
mpi -np 2 sh -c "exec '$bin' run '$tmp/cfg_'\$OMPI_COMM_WORLD_RANK.yaml --scenarios 50 --quiet \
    --out '$tmp/never.h5'" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 4 ] || fail "a rank without its config: exit $rc, want 4"
grep -q "rank 1: .*cfg_1.yaml" "$tmp/err" || { cat "$tmp/err" >&2; fail "rank 1's error not reported"; }
[ "$(grep -c 'backlogmc:' "$tmp/err")" -eq 1 ] || fail "the error should be printed once"
ls "$tmp"/never.h5* >/dev/null 2>&1 && fail "a failed run left an output file"

# ranks given different runs would wait for each other's blocks forever: refused up front
set +e
mpi -np 2 sh -c "exec '$bin' run '$cfg' --scenarios \$((50 + OMPI_COMM_WORLD_RANK)) --quiet \
    --out '$tmp/never.h5'" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { cat "$tmp/err" >&2; fail "ranks with different runs: exit $rc, want 2"; }
grep -q "different runs" "$tmp/err" || fail "the refusal should say why"

# rank 0 cannot create the output: every rank stops with its error
set +e
mpi -np 2 "$bin" run "$cfg" --scenarios 50 --quiet --out "$tmp/no/such/dir/x.h5" >/dev/null \
    2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 4 ] || fail "rank 0 without an output: exit $rc, want 4"
grep -q "no/such/dir" "$tmp/err" || { cat "$tmp/err" >&2; fail "rank 0's error not reported"; }

# SIGTERM to rank 1 only: both ranks stop after saving the checkpoint (exit 6); one rank
# with two threads finishes it, identical to a straight run
args="run $cfg --scenarios 1500 --seed 6 --quiet"
mpi -np 2 sh -c "echo \$\$ >'$tmp/pid.'\$OMPI_COMM_WORLD_RANK; exec '$bin' $args --threads 1 \
    --block-size 24 --checkpoint '$tmp/ck' --out '$tmp/stopped.h5'" >/dev/null 2>"$tmp/err" &
job=$!
while [ "$(stat -c %s "$tmp/ck" 2>/dev/null || echo 0)" -lt 10000 ]; do sleep 0.05; done
kill -TERM "$(cat "$tmp/pid.1")"
set +e
wait "$job"
rc=$?
set -e
[ "$rc" -eq 6 ] || { cat "$tmp/err" >&2; fail "SIGTERM to one rank: exit $rc, want 6"; }
grep -q -- "--resume $tmp/ck" "$tmp/err" || fail "the message should say how to resume"
ls "$tmp"/stopped.h5* >/dev/null 2>&1 && fail "a stopped run left an output file"
"$bin" $args --threads 2 --resume "$tmp/ck" --out "$tmp/stopped.h5" >"$tmp/out"
grep -q "resumed:" "$tmp/out" || fail "the resumed run should say so"
[ -e "$tmp/ck" ] && fail "a finished run should remove its checkpoint"
"$bin" $args --threads 2 --out "$tmp/straight.h5" >/dev/null
same "$tmp/straight.h5" "$tmp/stopped.h5"

# rank 0 slow to leave MPI_Finalize (preloaded): rank 1 exits 6 first and mpirun ends the job,
# so rank 0 must have said how to resume before it finalized
rm -f "$tmp"/pid.*
mpi -np 2 sh -c "echo \$\$ >'$tmp/pid.'\$OMPI_COMM_WORLD_RANK
    if [ \$OMPI_COMM_WORLD_RANK = 0 ]; then
        export LD_PRELOAD='$slow_finalize' BMC_SLOW_FINALIZE=3 ASAN_OPTIONS=\${ASAN_OPTIONS:-}:verify_asan_link_order=0
    fi
    exec '$bin' $args --threads 1 --block-size 24 --checkpoint '$tmp/ck3' --out '$tmp/late.h5'" \
    >/dev/null 2>"$tmp/err" &
job=$!
while [ "$(stat -c %s "$tmp/ck3" 2>/dev/null || echo 0)" -lt 10000 ]; do sleep 0.05; done
kill -TERM "$(cat "$tmp/pid.1")"
set +e
wait "$job"
rc=$?
set -e
[ "$rc" -eq 6 ] || { cat "$tmp/err" >&2; fail "SIGTERM with rank 0 late to finalize: exit $rc, want 6"; }
grep -q -- "--resume $tmp/ck3" "$tmp/err" || { cat "$tmp/err" >&2; fail "rank 0, late to finalize, should have said how to resume"; }

# a second SIGTERM to rank 1, which has stopped and waits while rank 0 saves the checkpoint
# (its fsync made 3 s slow), is caught like the first: the run ends with exit 6, not with
# rank 1 killed, and the checkpoint resumes to the same data
rm -f "$tmp"/pid.*
mpi -np 2 sh -c "echo \$\$ >'$tmp/pid.'\$OMPI_COMM_WORLD_RANK
    if [ \$OMPI_COMM_WORLD_RANK = 0 ]; then
        export LD_PRELOAD='$slow_fsync' BMC_SLOW_FSYNC=3 ASAN_OPTIONS=\${ASAN_OPTIONS:-}:verify_asan_link_order=0
    fi
    exec '$bin' $args --threads 1 --block-size 24 --checkpoint '$tmp/ck2' --out '$tmp/twice.h5'" \
    >/dev/null 2>"$tmp/err" &
job=$!
while [ "$(stat -c %s "$tmp/ck2" 2>/dev/null || echo 0)" -lt 10000 ]; do sleep 0.05; done
kill -TERM "$(cat "$tmp/pid.1")"
sleep 1.5
kill -TERM "$(cat "$tmp/pid.1")" 2>/dev/null || fail "rank 1 ended before rank 0 saved the checkpoint"
set +e
wait "$job"
rc=$?
set -e
[ "$rc" -eq 6 ] || { cat "$tmp/err" >&2; fail "a second SIGTERM while rank 0 saves: exit $rc, want 6"; }
"$bin" $args --threads 2 --resume "$tmp/ck2" --out "$tmp/twice.h5" >/dev/null
same "$tmp/straight.h5" "$tmp/twice.h5"
echo "test_mpi: all passed"
