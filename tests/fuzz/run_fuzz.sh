#!/bin/sh
# Runs a fuzz harness for SECONDS from its seed corpora into a fresh corpus under WORK; fails
# on any finding (libFuzzer's exit code) and when a seed corpus is missing.
# usage: run_fuzz.sh config|series FUZZER SOURCE_DIR WORK SECONDS [extra libFuzzer options]
#   config: the config reader (fuzz_config), seeds configs/, tests/bad-inputs/configs/ and
#           tests/fuzz/seeds/ (a line %% and --set assignments), the config dictionary
#   series: the series-file reader and the backtest plan (fuzz_series), seeds configs/data/ and
#           tests/fuzz/series-seeds/ (a first line #column=NAME picks the column; lines
#           after %% are --origins and --horizons)
set -eu
kind=$1 fuzzer=$2 src=$3 work=$4 seconds=$5
shift 5
case $kind in
config) seeds="$src/configs $src/tests/bad-inputs/configs $src/tests/fuzz/seeds"
        dict="-dict=$src/tests/fuzz/config.dict" ;;
series) seeds="$src/configs/data $src/tests/fuzz/series-seeds"
        dict="" ;;
*) echo "usage: run_fuzz.sh config|series FUZZER SOURCE_DIR WORK SECONDS" >&2; exit 2 ;;
esac
for d in $seeds; do
    [ -d "$d" ] || { echo "FAIL: seed corpus $d is missing" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 $dict \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "$work/corpus" $seeds
