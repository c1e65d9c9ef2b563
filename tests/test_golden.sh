#!/bin/sh
# Golden outputs: each case of tests/golden/cases is run and its results file compared with
# tests/golden/NAME.h5, group by group with h5diff (exact: integers and doubles bit for
# bit, since the runs are deterministic for a seed and no tolerance is needed). Any change to
# a model rule, a stream or an output shows here. After an intended change, regenerate them
# with BACKLOGMC_UPDATE_GOLDEN=1 (and say in the commit why the numbers moved).
# usage: test_golden.sh BACKLOGMC SOURCE_DIR
set -eu
bin=$1
cd "$2"
tmp=$(mktemp -d /tmp/bmc-golden-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
. tests/h5same.sh
[ -s tests/golden/cases ] || fail "tests/golden/cases is missing"
update=${BACKLOGMC_UPDATE_GOLDEN:-0}
n=0
grep -v '^#' tests/golden/cases | grep -v '^ *$' | while read -r name config args; do
    [ -f "$config" ] || fail "case $name: config $config is missing"
    # shellcheck disable=SC2086
    "$bin" run "$config" $args --trajectories --seed 20260612 --quiet --threads 2 \
        --out "$tmp/$name.h5" >/dev/null || fail "case $name: the run failed"
    if [ "$update" = 1 ]; then
        cp "$tmp/$name.h5" "tests/golden/$name.h5"
        echo "updated tests/golden/$name.h5"
        continue
    fi
    [ -f "tests/golden/$name.h5" ] || fail "tests/golden/$name.h5 is missing (BACKLOGMC_UPDATE_GOLDEN=1 makes it)"
    same "tests/golden/$name.h5" "$tmp/$name.h5"
done
# the case list and the golden files match one to one
for f in tests/golden/*.h5; do
    grep -q "^$(basename "$f" .h5) " tests/golden/cases || fail "$f has no case in tests/golden/cases"
done
echo "test_golden: all cases match"
