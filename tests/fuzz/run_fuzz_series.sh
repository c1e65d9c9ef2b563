#!/bin/sh
# Runs the series fuzzer for SECONDS from the seed corpora (the published series of
# configs/data/ and the seeds in series-seeds/) into a fresh corpus under WORK; fails on any
# finding (libFuzzer's exit code) and when a seed corpus is missing.
# usage: run_fuzz_series.sh FUZZ_SERIES SOURCE_DIR WORK SECONDS [extra libFuzzer options]
set -eu
fuzzer=$1 src=$2 work=$3 seconds=$4
shift 4
for d in "$src/configs/data" "$src/tests/fuzz/series-seeds"; do
    [ -d "$d" ] || { echo "FAIL: seed corpus $d is missing" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "$work/corpus" \
    "$src/configs/data" "$src/tests/fuzz/series-seeds"
