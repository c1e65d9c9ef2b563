# Shared by the shell tests (sourced after `tmp` is set): fail, and `same A B`, which checks
# that two results files hold the same data in every top-level group (only the root
# attribute `created`, the time the file was started, may differ).
fail() { echo "FAIL: $*" >&2; exit 1; }
same() {
    h5ls "$1" | grep -q '^scenarios ' || fail "$1 has no /scenarios"
    for g in $(h5ls "$1" | awk '{print $1}'); do
        h5diff "$1" "$2" "/$g" >"$tmp/diff" || { cat "$tmp/diff" >&2; fail "/$g of $1 and $2 differ"; }
    done
    echo "same: $1 $2"
}
