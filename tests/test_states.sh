#!/bin/sh
# The example states of configs/states/ are what scripts/derive_states.sh makes from the
# baseline's central projection (so they can be regenerated, and a change to the model that
# moves them shows here), each is a valid state for the baseline, and each says it is
# illustrative. A missing example fails.
# usage: test_states.sh BACKLOGMC SOURCE_DIR
set -eu
bin=$1
cd "$2"
tmp=$(mktemp -d /tmp/bmc-states-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for as_of in 2026-12-31 2027-01-31; do
    f=configs/states/$as_of.yaml
    [ -f "$f" ] || fail "$f is missing"
    head -1 "$f" | grep -q '^# ILLUSTRATIVE, NOT PUBLISHED FIGURES' || fail "$f does not say it is illustrative"
    "$bin" state configs/baseline.yaml --as-of "$as_of" >"$tmp/derived.yaml" || fail "backlogmc state failed"
    cmp -s "$f" "$tmp/derived.yaml" || { diff "$f" "$tmp/derived.yaml" >&2 || true; fail "$f is not what scripts/derive_states.sh makes"; }
    "$bin" check configs/baseline.yaml --state "$f" >"$tmp/check.txt" || fail "check --state $f failed"
    grep -q "state is valid; the run starts from it, as of $as_of" "$tmp/check.txt" || fail "check does not start from $f"
done
echo "test_states: both example states are derived and valid"
