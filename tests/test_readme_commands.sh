#!/bin/sh
# The README starts with the two commands (run, test) and .ci/run calls the second and
# nothing else: a change to one that misses the other fails here, not in CI.
set -eu
src=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$src/README.md" ] || fail "no README.md in $src"
[ -f "$src/.ci/run" ] || fail "no .ci/run in $src"
# the first two fenced blocks of the README, one line each
blocks=$(awk '/^```/ { inside = !inside; if (!inside) n++; next } inside && n < 2 { print n + 0 ": " $0 }' \
    "$src/README.md")
[ "$(printf '%s\n' "$blocks" | grep -c '^0: ')" -eq 1 ] || fail "the first block is not one command"
[ "$(printf '%s\n' "$blocks" | grep -c '^1: ')" -eq 1 ] || fail "the second block is not one command"
run=$(printf '%s\n' "$blocks" | sed -n 's/^0: //p')
test_cmd=$(printf '%s\n' "$blocks" | sed -n 's/^1: //p')
case "$run" in scripts/setup.sh*build/backlogmc\ run\ configs/baseline.yaml*) ;;
    *) fail "the first command does not set up, build and run the baseline: $run" ;; esac
case "$test_cmd" in scripts/setup.sh*ctest*) ;;
    *) fail "the second command does not set up and test: $test_cmd" ;; esac
ci=$(grep -v '^#!' "$src/.ci/run" | grep -v '^set -eu$' | grep -v '^$')
[ "$ci" = "$test_cmd" ] || fail ".ci/run is not the README's second command:
.ci/run: $ci
README:  $test_cmd"
echo "test_readme_commands: passed"
