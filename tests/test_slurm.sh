#!/bin/sh
# The job scripts of scripts/slurm/ under a real Slurm: munged, slurmctld and slurmd started
# here on 127.0.0.1 (one node with this machine's CPUs and memory, state in a temporary
# folder, ports of their own). forecast.sbatch with srun (when Slurm has its pmix plugin) and
# with mpirun gives the same data as a direct run; a job sent the warning signal mid-run
# requeues itself and resumes to the same data; a 3-task array sweep gives the runs of its
# list and one table of them. Every daemon is stopped by its PID, also when a check fails.
# A daemon that cannot start is a failure, with its log.
# usage: test_slurm.sh BACKLOGMC SOURCE_DIR   (ctest gives a timeout)
set -eu
bin=$1
cd "$2"
src=$(pwd)
PATH=$PATH:/usr/sbin:/sbin
. tests/h5same.sh
for t in munged munge unmunge slurmctld slurmd sbatch srun scancel scontrol squeue sinfo h5diff; do
    command -v "$t" >/dev/null || fail "$t is not installed (scripts/setup.sh installs Slurm and munge)"
done
tmp=$(mktemp -d /tmp/bmc-slurm-XXXXXX)
# munged wants every directory above its socket searchable by all
chmod 755 "$tmp"
mkdir -m 700 "$tmp/munge"
mkdir -m 755 "$tmp/run"
mkdir "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/results" "$tmp/jobtmp" "$tmp/jobs"
# every process of the test's daemons and jobs carries this, so none outlives the test
mark="BMC_SLURM_TEST=$tmp"
munged_pid='' ctld_pid='' slurmd_pid=''

# the processes that carry the mark
marked() {
    for e in /proc/[0-9]*/environ; do
        { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qx "$mark" && { p=${e#/proc/}; echo "${p%/environ}"; }
    done
    true
}
stop_pid() {
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || return 0
    n=0
    while kill -0 "$1" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
# cancels the jobs, stops the daemons, ends any marked process left; prints what was left
stop_all() {
    if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
        scancel --user="$(id -un)" 2>/dev/null || true
        n=0
        while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done
    fi
    stop_pid "$slurmd_pid"
    stop_pid "$ctld_pid"
    stop_pid "$munged_pid"
    slurmd_pid='' ctld_pid='' munged_pid=''
    # a job step's slurmstepd may take a moment to finish after its job
    n=0
    while left=$(marked) && [ -n "$left" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    for p in $left; do
        echo "left running: $p $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)" >&2
        kill -KILL "$p" 2>/dev/null || true
    done
    [ -z "$left" ]
}
trap 'stop_all || true; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# FAIL with the reason a daemon gave
daemon_fail() {
    echo "--- last lines of $2:" >&2
    tail -n 25 "$2" >&2 || true
    fail "$1"
}
# seconds since the epoch, with fractions
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
start=$(now)
# the time since the start, before each part
part() { echo "[$(elapsed "$start") s] $*"; }

# ---- munge: a key and a socket of its own -------------------------------------------------
part "starting munged, slurmctld and slurmd"
if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$tmp/munge/munge.key"
else
    dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 2>/dev/null
fi
chmod 600 "$tmp/munge/munge.key"
sock=$tmp/run/munge.socket
env "$mark" munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$sock" \
    --pid-file="$tmp/run/munged.pid" --seed-file="$tmp/munge/seed" \
    --log-file="$tmp/log/munged.log" >"$tmp/log/munged.out" 2>&1 &
munged_pid=$!
n=0
until munge -n -S "$sock" 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1; do
    kill -0 "$munged_pid" 2>/dev/null || daemon_fail "munged exited" "$tmp/log/munged.out"
    [ $n -lt 100 ] || daemon_fail "munged did not answer within 10 s" "$tmp/log/munged.out"
    sleep 0.1
    n=$((n + 1))
done

# ---- slurm.conf: one node, this machine's CPUs and memory ---------------------------------
cpus=$(slurmd -C | sed -n 's/.* CPUs=\([0-9]*\).*/\1/p')
mem=$(slurmd -C | sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p')
[ -n "$cpus" ] && [ -n "$mem" ] || fail "slurmd -C did not report CPUs and RealMemory: $(slurmd -C 2>&1)"
[ "$cpus" -ge 2 ] || fail "the test needs 2 CPUs for its 2-rank jobs, slurmd -C reports $cpus"
host=$(hostname -s)
export SLURM_CONF="$tmp/slurm.conf"
# two free ports, chosen by the kernel
free_ports() {
    python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))'
}
write_conf() {
    cat >"$SLURM_CONF" <<EOF
ClusterName=bmctest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start again (default 120 s)
AuthInfo=socket=$sock,cred_expire=10
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
TmpFS=$tmp/jobtmp
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=$3
SwitchType=switch/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
ReturnToService=2
# finished jobs stay listed 5 s (then sbatch --wait asks every 2 s instead of 8)
MinJobAge=5
SchedulerParameters=sched_interval=1,bf_interval=1
NodeName=bmcnode NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=bmcnode Default=YES MaxTime=INFINITE State=UP DefMemPerCPU=$((mem / cpus))
EOF
}
# starts slurmctld and slurmd; returns 1 when a port was taken meanwhile (then try others)
start_slurm() {
    # shellcheck disable=SC2046
    write_conf $(free_ports) $mpi
    : >"$tmp/log/slurmctld.out"
    : >"$tmp/log/slurmd.out"
    env "$mark" slurmctld -D -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
    ctld_pid=$!
    n=0
    until scontrol ping 2>/dev/null | grep -q "is UP"; do
        if ! kill -0 "$ctld_pid" 2>/dev/null; then
            wait "$ctld_pid" || true
            ctld_pid=
            grep -q "Address already in use" "$tmp/log/slurmctld.out" && return 1
            daemon_fail "slurmctld exited" "$tmp/log/slurmctld.out"
        fi
        [ $n -lt 150 ] || daemon_fail "slurmctld did not answer within 30 s" "$tmp/log/slurmctld.out"
        sleep 0.2
        n=$((n + 1))
    done
    env "$mark" slurmd -D -N bmcnode -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
    slurmd_pid=$!
    n=0
    until [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]; do
        if ! kill -0 "$slurmd_pid" 2>/dev/null; then
            wait "$slurmd_pid" || true
            slurmd_pid=
            if grep -q "Address already in use" "$tmp/log/slurmd.out"; then
                stop_pid "$ctld_pid"
                ctld_pid=
                return 1
            fi
            daemon_fail "slurmd exited" "$tmp/log/slurmd.out"
        fi
        [ $n -lt 150 ] || { sinfo -N -l >&2 || true; daemon_fail "the node did not come up within 30 s" "$tmp/log/slurmd.out"; }
        sleep 0.2
        n=$((n + 1))
    done
}
# srun lists the MPI plugins of the Slurm that the configuration names
# shellcheck disable=SC2046
write_conf $(free_ports) none
mpi=none
srun --mpi=list 2>&1 | grep -qw pmix && mpi=pmix
tries=0
until start_slurm; do
    tries=$((tries + 1))
    [ $tries -lt 3 ] || fail "no free ports for slurmctld and slurmd after 3 tries"
done
echo "slurm: node with $cpus CPUs and $mem MB, MpiDefault=$mpi"

# what the jobs see: this build, this checkout, outputs and logs in the temporary folder
export BACKLOGMC="$bin" BMC_HOME="$src" BMC_RESULTS="$tmp/results"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# --time: the warning signal is due 5 minutes before the end, so give the jobs more
submit() {
    sbatch --parsable --export="ALL,$mark,TMPDIR=$tmp/jobtmp" --output="$tmp/jobs/%x-%j.out" \
        --time=30 "$@"
}
field() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
state() { scontrol show job "$1" 2>/dev/null | field JobState; }
log_of() { echo "$tmp"/jobs/*-"$1".out; }
show_job() {
    cat "$tmp/jobs/$1.info" >&2 2>/dev/null || scontrol show job "$1" >&2 || true
    for f in $(log_of "$1"); do echo "--- $f" >&2; cat "$f" >&2; done
}
# waits for the job's final state (a requeued job passes through PENDING again) and keeps
# what scontrol said then in jobs/ID.info, as slurmctld forgets a job MinJobAge after its end
await() {
    n=0
    while :; do
        scontrol show job "$1" >"$tmp/jobs/$1.info" 2>&1 || true
        case $(field JobState <"$tmp/jobs/$1.info") in
        COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | PREEMPTED) break ;;
        esac
        [ $n -lt 600 ] || { show_job "$1"; fail "job $1 did not end within 120 s"; }
        sleep 0.2
        n=$((n + 1))
    done
}
final() { field "$2" <"$tmp/jobs/$1.info"; }
# the job ended in state $2 after $3 requeues
expect_final() {
    [ "$(final "$1" JobState)" = "$2" ] || { show_job "$1"; fail "job $1 ended $(final "$1" JobState), want $2"; }
    [ "$(final "$1" Restarts)" -eq "$3" ] || { show_job "$1"; fail "job $1 restarted $(final "$1" Restarts) times, want $3"; }
}
# the job's log has the line
expect_log() {
    grep -qF -- "$2" "$(log_of "$1")" || { show_job "$1"; fail "job $1: no \"$2\" in its log"; }
}

cfg=configs/baseline.yaml
args="--scenarios 400 --seed 21 --quiet"
t0=$(now)
"$bin" run $cfg $args --threads 2 --out "$tmp/direct.h5" >/dev/null
direct_wall=$(elapsed "$t0")

# ---- forecast.sbatch, 2 ranks x 1 thread, with the launcher Slurm offers and with mpirun ---
part "forecast.sbatch against a direct run"
launchers=mpirun
[ "$mpi" = pmix ] && launchers="srun mpirun"
for l in $launchers; do
    t0=$(now)
    # sbatch --wait exits with the job's exit code
    job=$(BMC_LAUNCHER=$l submit --wait --job-name="fc-$l" --ntasks=2 --cpus-per-task=1 \
        scripts/slurm/forecast.sbatch $cfg $args) || { show_job "${job:-?}"; fail "sbatch --wait ($l) failed"; }
    job_wall=$(elapsed "$t0")
    expect_log "$job" "2 ranks x 1 threads with $l"
    expect_log "$job" "backlogmc job: exit 0 after"
    same "$tmp/direct.h5" "$tmp/results/fc-$l-$job/baseline.h5"
    echo "wall time, 400 scenarios: direct run (2 threads) $direct_wall s; job with $l (2 ranks x" \
        "1 thread) $(sed -n 's/^backlogmc job: exit 0 after //p' "$(log_of "$job")") in its" \
        "script, $job_wall s from sbatch --wait to its return"
done

# waits until the job has saved some blocks, with most of its run still ahead
await_checkpoint() {
    n=0
    until [ "$(stat -c %s "$2" 2>/dev/null || echo 0)" -ge 10000 ]; do
        case $(state "$1") in
        PENDING | CONFIGURING | RUNNING) ;;
        *) show_job "$1"; fail "job $1 ended before the signal" ;;
        esac
        [ $n -lt 1200 ] || { show_job "$1"; fail "job $1 saved no checkpoint within 120 s"; }
        sleep 0.1
        n=$((n + 1))
    done
}

# ---- the warning signal mid-run: the job requeues itself and resumes -------------------------
part "the warning signal, requeue and resume"
rargs="--scenarios 3000 --seed 22 --quiet --block-size 25"
"$bin" run $cfg $rargs --threads 2 --out "$tmp/rdirect.h5" >/dev/null
# both are queued at once: the second runs while the first waits to start again
jobs=
for l in $launchers; do
    jobs="$jobs $(BMC_LAUNCHER=$l submit --job-name="rq-$l" --ntasks=2 --cpus-per-task=1 \
        scripts/slurm/forecast.sbatch $cfg $rargs)"
done
set -- $launchers
for job in $jobs; do
    await_checkpoint "$job" "$tmp/results/rq-$1-$job/baseline.ckpt"
    shift
    # as --signal=B:USR1@300 does before the time limit: to the batch shell
    scancel --batch --signal=USR1 "$job"
    n=0
    until [ "$(scontrol show job "$job" | field Restarts)" -ge 1 ]; do
        [ $n -lt 300 ] || { show_job "$job"; fail "job $job was not requeued within 60 s"; }
        sleep 0.2
        n=$((n + 1))
    done
done
set -- $launchers
for job in $jobs; do
    l=$1
    shift
    await "$job"
    expect_final "$job" COMPLETED 1
    expect_log "$job" "requeueing job $job to resume"
    expect_log "$job" "backlogmc job: resuming from"
    [ -e "$tmp/results/rq-$l-$job/baseline.ckpt" ] && fail "the finished job $job left its checkpoint"
    same "$tmp/rdirect.h5" "$tmp/results/rq-$l-$job/baseline.h5"
    echo "requeue with $l: job $job stopped by SIGUSR1 mid-run, requeued, resumed; same data as a direct run"
    sed 's/^/    /' "$(log_of "$job")"
done

# ---- scancel (SIGTERM to every process of the job): no requeue; submitted again into its
# folder, the run resumes from what the checkpoint holds (its last snapshot, also when a rank
# was killed before its stop was saved), and once complete a further submission leaves it
# alone
part "scancel, then submitted again"
l=${launchers%% *}
job=$(BMC_LAUNCHER=$l submit --job-name=cancel --ntasks=2 --cpus-per-task=1 \
    scripts/slurm/forecast.sbatch $cfg $rargs)
dir="$tmp/results/cancel-$job"
await_checkpoint "$job" "$dir/baseline.ckpt"
scancel "$job"
await "$job"
expect_final "$job" CANCELLED 0
grep -q "requeueing" "$(log_of "$job")" && { show_job "$job"; fail "the cancelled job $job tried to requeue itself"; }
[ -e "$dir/baseline.ckpt" ] || fail "the cancelled job $job left no checkpoint"
again=$(BMC_OUTDIR=$dir BMC_LAUNCHER=$l submit --job-name=again --ntasks=2 --cpus-per-task=1 \
    scripts/slurm/forecast.sbatch $cfg $rargs)
await "$again"
expect_final "$again" COMPLETED 0
expect_log "$again" "resuming from $dir/baseline.ckpt"
same "$tmp/rdirect.h5" "$dir/baseline.h5"
before=$(cksum <"$dir/baseline.h5")
again=$(BMC_OUTDIR=$dir submit --job-name=again --ntasks=1 --cpus-per-task=1 \
    scripts/slurm/forecast.sbatch $cfg $rargs)
await "$again"
expect_final "$again" COMPLETED 0
expect_log "$again" "is complete, nothing to do"
[ "$(cksum <"$dir/baseline.h5")" = "$before" ] || fail "a submission into a complete folder changed its results"
echo "scancel with $l: job $job was not requeued; submitted again it resumed to the same data"
sed 's/^/    /' "$(log_of "$job")"

# ---- a 3-task array sweep, one table ----------------------------------------------------------
part "a 3-task array sweep"
cat >"$tmp/sweep.list" <<'LIST'
# an intake level, another config, a distribution given as YAML
--set intake.annual_level=22000

configs/regular-only.yaml
--set 'intake.annual_level={dist: uniform, min: 20000, max: 30000}'
LIST
sargs="--scenarios 200 --seed 23 --quiet"
job=$(submit --wait --array=1-3 --job-name=sweep --ntasks=1 --cpus-per-task=1 \
    scripts/slurm/sweep.sbatch "$tmp/sweep.list" $cfg $sargs) || { show_job "${job:-?}"; fail "the sweep failed"; }
dir="$tmp/results/sweep-$job"
"$bin" run $cfg $sargs --set intake.annual_level=22000 --out "$tmp/s1.h5" >"$tmp/s1.txt"
"$bin" run configs/regular-only.yaml $sargs --out "$tmp/s2.h5" >"$tmp/s2.txt"
"$bin" run $cfg $sargs --set 'intake.annual_level={dist: uniform, min: 20000, max: 30000}' \
    --out "$tmp/s3.h5" >"$tmp/s3.txt"
/usr/bin/python3 scripts/sweep_table.py "$dir" >"$tmp/table" || { cat "$tmp/table" >&2; fail "sweep_table.py failed"; }
cat "$tmp/table"
[ "$(wc -l <"$tmp/table")" -eq 4 ] || fail "the table should have a header and 3 rows"
for i in 1 2 3; do
    same "$tmp/s$i.h5" "$dir/00$i.h5"
    # the table's median and probability are the ones the direct run printed
    median=$(sed -n 's/^median completion of the old cases: //p' "$tmp/s$i.txt")
    p=$(sed -n 's/^P(all old cases decided by [^)]*) = \([0-9.]*\);.*/\1/p' "$tmp/s$i.txt")
    p=$(awk -v p="$p" 'BEGIN { printf "%.1f %%", 100 * p }')
    grep "^00$i " "$tmp/table" | grep -F "$median" | grep -qF "$p" ||
        fail "row $i of the table lacks the median $median and P $p of the direct run"
done
grep "^002 " "$tmp/table" | grep -q "configs/regular-only.yaml" || fail "row 2 should name its config"
/usr/bin/python3 scripts/sweep_table.py --csv "$dir" >"$tmp/table.csv"
median=$(sed -n 's/^median completion of the old cases: //p' "$tmp/s1.txt")
[ "$(sed -n 2p "$tmp/table.csv" | cut -d, -f1,2,4,5)" = "001,configs/baseline.yaml,200,$median" ] ||
    fail "the CSV table's row 1 differs from the direct run: $(sed -n 2p "$tmp/table.csv")"
# a sweep with an entry still unfinished: its row says so, and the exit status is 1
mkdir "$tmp/partial"
cp "$dir"/001.* "$dir"/002.entry "$tmp/partial/"
: >"$tmp/partial/002.ckpt"
set +e
/usr/bin/python3 scripts/sweep_table.py "$tmp/partial" >"$tmp/table" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "sweep_table.py on an unfinished sweep: exit $rc, want 1"
grep "^002 " "$tmp/table" | grep -q "unfinished (checkpoint saved)" || fail "row 2 should say it is unfinished"

part "stopping the daemons"
stop_all || fail "processes were left running after the daemons stopped"
echo "test_slurm: all passed in $(elapsed "$start") s"
