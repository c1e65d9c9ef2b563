#!/bin/sh
# Same seed, same data, however the work is split (docs/model.md section 10): 1 and 2 threads,
# 1 and 2 MPI ranks, 2 ranks x 2 threads, with trajectories and a last round in which rank 1
# has nothing to do. Then the failure paths: a rank that fails must bring every rank down
# with the one message, not hang them; a signal to one rank stops all of them after a
# checkpoint that a run with another decomposition resumes to the same data.
# usage: test_mpi.sh BACKLOGMC MPIEXEC SOURCE_DIR   (ctest gives a timeout)
set -eu
bin=$1
mpiexec=$2
cd "$3"
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

# with policy variants: every variant and its paired comparison too
vargs="run tests/data/variants/crn.yaml --scenarios 40 --seed 8 --quiet"
"$bin" $vargs --threads 1 --out "$tmp/v1.h5" >/dev/null
mpi -np 2 "$bin" $vargs --threads 2 --block-size 3 --out "$tmp/v2.h5" >/dev/null
h5ls "$tmp/v1.h5" | grep -q '^variants ' || fail "no /variants in $tmp/v1.h5"
same "$tmp/v1.h5" "$tmp/v2.h5"

# a precision stop decides after whole batches only: the same scenarios for 2 ranks
pargs="run configs/regular-only.yaml --precision 0.03 --precision-batch 200 --seed 3 --quiet"
"$bin" $pargs --threads 1 --out "$tmp/p1.h5" >/dev/null
mpi -np 2 "$bin" $pargs --threads 2 --block-size 9 --out "$tmp/p2.h5" >/dev/null
same "$tmp/p1.h5" "$tmp/p2.h5"

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
echo "test_mpi: all passed"
