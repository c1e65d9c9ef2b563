#!/bin/sh
# Derives the illustrative example states in configs/states/ (MODEL.md section 12): the
# baseline's central projection at the end of 2026-12-31 and of 2027-01-31, rounded to whole
# cases, by `backlogmc state`. They are not published figures, and each file says so in its
# first lines. Run after a change to the model or the baseline; tests/test_states.sh checks
# that the files are what this script makes.
# usage: scripts/derive_states.sh [BACKLOGMC]   (default build/backlogmc)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/backlogmc}
for as_of in 2026-12-31 2027-01-31; do
    out=configs/states/$as_of.yaml
    "$bin" state configs/baseline.yaml --as-of "$as_of" >"$out.new"
    mv "$out.new" "$out"
    echo "wrote $out"
done
