#!/bin/sh
# Benchmark of the baseline (configs/baseline.yaml, daily steps 2026-04-01 to 2031-12-31) on
# this machine, with a Release build in build-bench/:
#   - scenarios per second per core at 1 thread;
#   - parallel efficiency at 2 threads (one process) and at 2 MPI ranks of 1 thread:
#     rate / (2 x the 1-thread rate);
#   - peak resident memory (/usr/bin/time -f %M) of runs of 10^4 and 10^5 scenarios;
#   - whole-process wall time of 10^4 scenarios, 1 thread against 2 MPI ranks, and where each
#     rank's time goes (--timing): throughput, output share, bytes sent per 10^4 scenarios;
#   - with --full, the wall time of 10^6 scenarios on 2 threads (about 13 minutes here);
#   - the cost of each kind of random draw the daily loop takes (scripts/bench_draws.c).
# Two workers get 10 x the scenarios of one, so that the last, partly idle round and the
# final summary weigh as little as in a real run. Rates are the engine's own (scenarios over
# the seconds from the first scenario to the committed file), medians over --repeat rounds of
# the three set-ups run back to back; the machine should be otherwise idle.
# usage: scripts/bench.sh [--full] [--repeat K] [--scenarios N]
set -eu
cd "$(dirname "$0")/.."

full=0
repeat=3
n=2000
while [ $# -gt 0 ]; do
    case $1 in
    --full) full=1 ;;
    --repeat) repeat=$2; shift ;;
    --scenarios) n=$2; shift ;;
    *) echo "usage: scripts/bench.sh [--full] [--repeat K] [--scenarios N]" >&2; exit 2 ;;
    esac
    shift
done

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBACKLOGMC_TESTS=OFF -DBACKLOGMC_BENCH=ON \
    >/dev/null
cmake --build build-bench -j "$(nproc)" >/dev/null
bin=build-bench/backlogmc
cfg=configs/baseline.yaml
tmp=$(mktemp -d /tmp/bmc-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# scenarios/s reported by one run of the given command
rate_of() {
    "$@" --quiet --out "$tmp/bench.h5" --force | sed -n 's/.* (\([0-9]*\) scenarios\/s on .*/\1/p'
}
# median of the numbers in a file
median_of() {
    sort -n "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
peak_rss_mb() {
    /usr/bin/time -f %M -o "$tmp/rss" "$@" --quiet --out "$tmp/bench.h5" --force >/dev/null
    awk '{printf "%.0f", $1 / 1024}' "$tmp/rss"
}

echo "backlogmc benchmark: $cfg, $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo -dirty), Release build, medians over $repeat rounds"
# The machine's speed drifts (a shared host): each round runs the three set-ups back to back,
# and each efficiency compares runs of the same round; the figures are medians over rounds.
: >"$tmp/r1"; : >"$tmp/r2"; : >"$tmp/rm2"; : >"$tmp/e2"; : >"$tmp/em2"
i=0
while [ $i -lt "$repeat" ]; do
    a=$(rate_of "$bin" run "$cfg" --scenarios "$n" --threads 1)
    b=$(rate_of "$bin" run "$cfg" --scenarios $((10 * n)) --threads 2)
    c=$(rate_of mpirun --oversubscribe --bind-to none -np 2 "$bin" run "$cfg" \
        --scenarios $((10 * n)) --threads 1)
    echo "$a" >>"$tmp/r1"; echo "$b" >>"$tmp/r2"; echo "$c" >>"$tmp/rm2"
    awk -v x="$b" -v y="$a" 'BEGIN {print 100 * x / (2 * y)}' >>"$tmp/e2"
    awk -v x="$c" -v y="$a" 'BEGIN {print 100 * x / (2 * y)}' >>"$tmp/em2"
    i=$((i + 1))
done
range() { sort -n "$1" | awk '{v[NR] = $1} END {printf "%.0f-%.0f", v[1], v[NR]}'; }
echo "1 thread:            $(median_of "$tmp/r1") scenarios/s per core (runs: $(range "$tmp/r1"))   ($bin run $cfg --scenarios $n --threads 1)"
echo "2 threads:           $(median_of "$tmp/r2") scenarios/s, efficiency $(median_of "$tmp/e2" | awk '{printf "%.0f", $1}') % (rounds: $(range "$tmp/e2") %)   (--scenarios $((10 * n)) --threads 2)"
echo "2 ranks x 1 thread:  $(median_of "$tmp/rm2") scenarios/s, efficiency $(median_of "$tmp/em2" | awk '{printf "%.0f", $1}') % (rounds: $(range "$tmp/em2") %)   (mpirun -np 2 ... --threads 1)"
for s in 10000 100000; do
    echo "peak RSS, $s scenarios: $(peak_rss_mb "$bin" run "$cfg" --scenarios $s --threads 2) MB   (/usr/bin/time -f %M ... --scenarios $s --threads 2)"
done
# Whole processes (start-up, reading, the final summaries and the file included): one process
# of one thread against 2 MPI ranks of one thread, 10^4 scenarios, interleaved rounds.
wall_of() {
    t0=$(date +%s%N)
    "$@" --quiet --out "$tmp/bench.h5" --force >/dev/null
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e9}'
}
: >"$tmp/w1"; : >"$tmp/wm2"; : >"$tmp/ew"
i=0
while [ $i -lt "$repeat" ]; do
    a=$(wall_of "$bin" run "$cfg" --scenarios 10000 --threads 1)
    c=$(wall_of mpirun --oversubscribe --bind-to none -np 2 "$bin" run "$cfg" --scenarios 10000 \
        --threads 1)
    echo "$a" >>"$tmp/w1"; echo "$c" >>"$tmp/wm2"
    awk -v x="$a" -v y="$c" 'BEGIN {print 100 * x / (2 * y)}' >>"$tmp/ew"
    i=$((i + 1))
done
echo "10^4 scenarios, whole process: 1 thread $(median_of "$tmp/w1") s, 2 ranks x 1 thread $(median_of "$tmp/wm2") s wall, efficiency $(median_of "$tmp/ew" | awk '{printf "%.0f", $1}') % (rounds: $(range "$tmp/ew") %)"
# Where each rank's time goes (--timing), at 10^4 and 2 x 10^4 scenarios: the difference of
# the bytes rank 1 sends is what scenarios cost, the rest is the final reduction of the
# summaries, paid once.
for s in 10000 20000; do
    mpirun --oversubscribe --bind-to none -np 2 "$bin" run "$cfg" --scenarios $s --threads 1 \
        --timing --quiet --out "$tmp/bench.h5" --force 2>&1 | sed -n 's/^timing: *//p' >"$tmp/timing$s"
done
awk 'NR > 1 {printf "rank %s, 10^4 scenarios: %s scenarios in %s s simulating (%.0f scenarios/s), summaries %s s, output %s s (%.1f %% of its %s s), waiting in MPI %s s, sent %.1f MB\n", $1, $2, $3, $2 / $3, $4, $5, 100 * $5 / $7, $7, $6, $8 / 1e6}' "$tmp/timing10000"
b1=$(awk '$1 == 1 {print $8}' "$tmp/timing10000")
b2=$(awk '$1 == 1 {print $8}' "$tmp/timing20000")
awk -v a="$b1" -v b="$b2" 'BEGIN {printf "rank 1 sends %.2f MB per 10^4 scenarios, plus %.1f MB once (the summaries reduced at the end)\n", (b - a) / 1e6, (2 * a - b) / 1e6}'
if [ "$full" -eq 1 ]; then
    start=$(date +%s)
    "$bin" run "$cfg" --scenarios 1000000 --threads 2 --quiet --out "$tmp/bench.h5" --force >/dev/null
    echo "1,000,000 scenarios: $(($(date +%s) - start)) s wall   (--scenarios 1000000 --threads 2)"
fi
echo
build-bench/bench_draws
