# shellcheck shell=bash
# Sourced by forecast.sbatch and sweep.sbatch: the site's modules, the MPI launcher, the
# warning signal, and whether this start of the job runs, resumes or has nothing left to do.
# Needs BACKLOGMC (the executable); reads BMC_MODULES, BMC_LAUNCHER and HDF5_USE_FILE_LOCKING.

bmc_job_die() {
    echo "backlogmc job: $*" >&2
    exit 2
}

# Loads the modules, sets the threads per rank and picks the launcher (bmc_launch, an array).
# bmc_job_forecast calls it.
bmc_job_setup() {
    if [ -n "${BMC_MODULES:-}" ]; then
        type module >/dev/null 2>&1 || bmc_job_die "BMC_MODULES is set but there is no module command"
        # shellcheck disable=SC2086
        module load $BMC_MODULES || bmc_job_die "module load $BMC_MODULES failed"
    fi
    [ -x "$BACKLOGMC" ] || bmc_job_die "no backlogmc executable at $BACKLOGMC (set BACKLOGMC or BMC_HOME)"
    export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
    export HDF5_USE_FILE_LOCKING
    local launcher=${BMC_LAUNCHER:-auto}
    if [ "$launcher" = auto ]; then
        launcher=mpirun
        srun --mpi=list 2>&1 | grep -qw pmix && launcher=srun
    fi
    case $launcher in
    # srun of Slurm 22.05 does not take --cpus-per-task from the allocation: pass it on.
    # A rank that fails stops the step instead of leaving the others waiting for it.
    srun) bmc_launch=(srun --mpi=pmix --kill-on-bad-exit=1 --cpus-per-task="$OMP_NUM_THREADS") ;;
    # ranks x threads, each rank free to use the cores of its node (no binding to one core)
    mpirun) bmc_launch=(mpirun --bind-to none -np "${SLURM_NTASKS:-1}") ;;
    *) bmc_job_die "BMC_LAUNCHER must be srun, mpirun or auto, not \"$launcher\"" ;;
    esac
    echo "backlogmc job: ${SLURM_NTASKS:-1} ranks x $OMP_NUM_THREADS threads with ${bmc_launch[*]}" \
        "(start $((${SLURM_RESTART_COUNT:-0} + 1)) of job ${SLURM_JOB_ID:-?})"
}

# Runs "$@" in the background and passes SIGUSR1 on to it: the warning signal
# (--signal=B:USR1@...) reaches the batch shell only. SIGTERM is not passed on, as Slurm sends
# it to every process of the job (scancel, the time limit, preemption); it sets
# bmc_job_ending=1. SIGUSR1 sets bmc_job_warned=1. Returns the exit status of "$@".
bmc_job_forward() {
    "$@" &
    local child=$! rc before
    bmc_job_signalled=0
    bmc_job_ending=0
    bmc_job_warned=0
    # shellcheck disable=SC2064
    trap "bmc_job_signalled=1; bmc_job_warned=1; kill -USR1 $child 2>/dev/null" USR1
    trap "bmc_job_signalled=1; bmc_job_ending=1" TERM
    wait "$child"
    rc=$?
    # a trapped signal ends wait early: wait again for the exit status (127: it was the status)
    while [ "$bmc_job_signalled" = 1 ]; do
        bmc_job_signalled=0
        before=$rc
        wait "$child"
        rc=$?
        [ "$rc" -ne 127 ] || rc=$before
    done
    trap - USR1 TERM
    return "$rc"
}

# bmc_job_forecast OUT CHECKPOINT CONFIG [run options]: the run, resumed when its checkpoint
# exists, nothing when its output exists (the output appears only once it is complete). A run
# stopped by the warning signal (exit 6) requeues the job, which then resumes; a job ended by
# SIGTERM is not requeued here (scancel, the time limit; a preempted job is requeued by Slurm).
# The exit status alone does not say it: when one rank exits 6 first, srun --kill-on-bad-exit
# (or mpirun) may kill another rank still leaving, and the step ends with 143. A warned run
# that left its checkpoint and no output has saved what it did, whatever the status.
bmc_job_forecast() {
    local out=$1 ckpt=$2 config=$3
    shift 3
    local a
    for a in "$@"; do
        case $a in
        --out | --checkpoint | --resume)
            bmc_job_die "$a is set by the job script (outputs go to $(dirname "$out"))" ;;
        esac
    done
    if [ -e "$out" ]; then
        echo "backlogmc job: $out is complete, nothing to do"
        return 0
    fi
    bmc_job_setup
    mkdir -p "$(dirname "$out")" || bmc_job_die "cannot create $(dirname "$out")"
    local mode=(--checkpoint "$ckpt")
    if [ -e "$ckpt" ]; then
        mode=(--resume "$ckpt")
        echo "backlogmc job: resuming from $ckpt"
    fi
    local rc=0
    bmc_job_forward "${bmc_launch[@]}" "$BACKLOGMC" run "$config" "$@" --out "$out" "${mode[@]}" ||
        rc=$?
    echo "backlogmc job: exit $rc after $SECONDS s"
    if [ "$bmc_job_ending" = 1 ]; then
        echo "backlogmc job: ended by SIGTERM; to continue from $ckpt, submit the job again" \
            "with BMC_OUTDIR=$(dirname "$out") (a preempted job is requeued by Slurm)"
    elif [ -n "${SLURM_JOB_ID:-}" ] && { [ "$rc" -eq 6 ] ||
        { [ "$bmc_job_warned" = 1 ] && [ -e "$ckpt" ] && [ ! -e "$out" ]; }; }; then
        echo "backlogmc job: stopped after saving $ckpt; requeueing job $SLURM_JOB_ID to resume"
        scontrol requeue "$SLURM_JOB_ID" ||
            echo "backlogmc job: the requeue failed; to continue, submit the job again with" \
                "BMC_OUTDIR=$(dirname "$out")" >&2
    fi
    return "$rc"
}
