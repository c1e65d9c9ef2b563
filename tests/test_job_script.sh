#!/bin/bash
# scripts/slurm/job.sh without Slurm: fake srun, scontrol and backlogmc on PATH. The job
# requeues when the run was warned (SIGUSR1 to the batch shell) and left its checkpoint and no
# output, whether the step ended with 6 or with 143 (a rank killed by the launcher after
# another exited 6); it does not requeue a run that was not warned, or one that left no
# checkpoint.
# usage: test_job_script.sh SOURCE_DIR
set -u
src=$1
tmp=$(mktemp -d /tmp/bmc-job-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -r "$src/scripts/slurm/job.sh" ] || fail "no $src/scripts/slurm/job.sh"
mkdir -p "$tmp/bin"
# srun --mpi=list names pmix; otherwise it runs what follows its options
cat >"$tmp/bin/srun" <<'SH'
#!/bin/sh
[ "$1" = --mpi=list ] && { echo "pmix"; exit 0; }
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done
exec "$@"
SH
printf '#!/bin/sh\necho "$@" >>"%s/scontrol.log"\n' "$tmp" >"$tmp/bin/scontrol"
# the fake run: waits; on SIGUSR1 it "saves" its checkpoint (unless FAKE_NO_CKPT) and exits
# FAKE_RC
cat >"$tmp/bin/backlogmc" <<'SH'
#!/bin/sh
ck=
while [ $# -gt 0 ]; do
    case $1 in --checkpoint | --resume) ck=$2; shift ;; esac
    shift
done
trap '[ -n "${FAKE_NO_CKPT:-}" ] || : >"$ck"; exit "$FAKE_RC"' USR1
echo $$ >"$FAKE_READY"
while :; do sleep 0.05; done
SH
chmod +x "$tmp/bin/srun" "$tmp/bin/scontrol" "$tmp/bin/backlogmc"

# one job: the batch shell gets SIGUSR1 (as --signal=B:USR1 sends it) once the run started
job() { # NAME FAKE_RC [FAKE_NO_CKPT]
    rm -f "$tmp/scontrol.log" "$tmp/$1.ckpt" "$tmp/ready"
    PATH="$tmp/bin:$PATH" BMC_LAUNCHER=srun BACKLOGMC="$tmp/bin/backlogmc" SLURM_JOB_ID=42 \
        SLURM_NTASKS=2 FAKE_RC=$2 FAKE_NO_CKPT=${3:-} FAKE_READY="$tmp/ready" \
        bash -c ". '$src/scripts/slurm/job.sh'; bmc_job_forecast '$tmp/$1.h5' '$tmp/$1.ckpt' cfg.yaml" \
        >"$tmp/$1.log" 2>&1 &
    local shell=$! n=0
    until [ -e "$tmp/ready" ]; do
        [ $n -lt 200 ] || fail "$1: the fake run did not start"
        sleep 0.05; n=$((n + 1))
    done
    kill -USR1 "$shell"
    wait "$shell"
}
requeued() { grep -qx "requeue 42" "$tmp/scontrol.log" 2>/dev/null; }

job saved 6; requeued || { cat "$tmp/saved.log" >&2; fail "exit 6 after the warning: not requeued"; }
job killed 143; requeued || { cat "$tmp/killed.log" >&2; fail "exit 143 after the warning, checkpoint saved: not requeued"; }
job lost 143 1; requeued && fail "exit 143 without a checkpoint: requeued"
# not warned: a run that ends with 143 by itself is not requeued
rm -f "$tmp/scontrol.log"
: >"$tmp/other.ckpt"
PATH="$tmp/bin:$PATH" BMC_LAUNCHER=srun BACKLOGMC="$tmp/bin/backlogmc" SLURM_JOB_ID=42 \
    FAKE_RC=143 FAKE_READY="$tmp/ready2" bash -c ". '$src/scripts/slurm/job.sh'
        (until [ -s '$tmp/ready2' ]; do sleep 0.05; done; kill -USR1 \$(cat '$tmp/ready2')) &
        bmc_job_forecast '$tmp/other.h5' '$tmp/other.ckpt' cfg.yaml" >"$tmp/other.log" 2>&1
requeued && { cat "$tmp/other.log" >&2; fail "exit 143 without a warning to the job: requeued"; }
echo "test_job_script: all passed"
