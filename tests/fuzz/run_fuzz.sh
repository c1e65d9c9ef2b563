#!/bin/sh
# Runs the config-reader fuzzer for SECONDS from the seed corpora into a fresh corpus under
# WORK; fails on any finding (libFuzzer's exit code) and when a seed corpus is missing.
# usage: run_fuzz.sh FUZZ_CONFIG SOURCE_DIR WORK SECONDS [extra libFuzzer options]
set -eu
fuzzer=$1 src=$2 work=$3 seconds=$4
shift 4
for d in "$src/configs" "$src/tests/bad-inputs/configs" "$src/tests/fuzz/seeds"; do
    [ -d "$d" ] || { echo "FAIL: seed corpus $d is missing" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
# libFuzzer reads a file as one input: the configs with their base: files resolved from
# configs/, the bad inputs, and seeds that exercise --set (a line %% and assignments)
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -dict="$src/tests/fuzz/config.dict" -artifact_prefix="$work/artifacts/" \
    -print_final_stats=1 "$@" "$work/corpus" "$src/configs" "$src/tests/bad-inputs/configs" \
    "$src/tests/fuzz/seeds"
