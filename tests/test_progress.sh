#!/bin/sh
# Progress on stderr: in a log one plain line per interval and a last one at the end; on a
# terminal one line rewritten in place; nothing with --quiet.
# usage: test_progress.sh BACKLOGMC SOURCE_DIR
set -eu
bin=$1
cd "$2"
tmp=$(mktemp -d /tmp/bmc-progress-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
args="run tests/data/models/single.yaml --scenarios 300 --threads 1 --block-size 50"

"$bin" $args --out "$tmp/a.h5" >/dev/null 2>"$tmp/log"
grep -q '^progress: 300 / 300 scenarios (100.0 %), [0-9]*/s, ETA 0 s$' "$tmp/log" ||
    { cat "$tmp/log" >&2; fail "no final progress line in the log"; }
grep -q "$(printf '\r')" "$tmp/log" && fail "no carriage returns in a log"

"$bin" $args --quiet --out "$tmp/b.h5" >/dev/null 2>"$tmp/quiet"
[ -s "$tmp/quiet" ] && fail "--quiet should print nothing on stderr"

# a terminal: script(1) gives the run a pseudo-terminal
if command -v script >/dev/null 2>&1; then
    script -q -e -c "'$bin' $args --out '$tmp/c.h5' >/dev/null" "$tmp/tty" >/dev/null
    grep -q "$(printf '\r')300 / 300 scenarios" "$tmp/tty" || { cat "$tmp/tty" >&2; fail "no terminal line"; }
    grep -q '^progress:' "$tmp/tty" && fail "a terminal gets the updating line, not log lines"
fi
echo "test_progress: all passed"
