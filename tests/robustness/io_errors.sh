#!/usr/bin/env bash
# Output errors through the real `detente code` (DESIGN.md exit statuses):
#   devfull       stdout is /dev/full (ENOSPC): exit 2, a "write error" message
#                 naming the cause, no crash;
#   efbig         a file size limit (ulimit -f) with SIGXFSZ ignored by the
#                 parent (so write() fails with EFBIG): exit 2 and a message;
#   efbig-signal  the same limit with the default SIGXFSZ action, as a user
#                 shell has it: the program must still report the error and
#                 exit 2, not be killed by the signal (it has to ignore SIGXFSZ);
#   epipe         stdout is a pipe closed early (| head -c 1) with the default
#                 SIGPIPE action: no message, no crash (killed by SIGPIPE, 141,
#                 or exit 0);
#   epipe-ignored the same with SIGPIPE ignored by the parent (as under
#                 Python's subprocess or some CI runners), so write() gets
#                 EPIPE: a quiet exit (0 or 141), no "write error" message;
#   stdin-dir     stdin is a directory (EISDIR on read): exit 1 or 2 with a
#                 message, no crash.
# Sanitizer reports (ASan+UBSan build) fail every case.
#
# Usage: io_errors.sh DETENTE SHARED_DATA CASE
set -u
bin=$1
shared=$2
case_name=$3
pd="$shared/petrarch2"
[ -r "$pd/PETR.Validate.verbs.txt" ] || {
    echo "FAIL: missing $pd/PETR.Validate.verbs.txt (DT_SHARED_DATA)" >&2
    exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/dt_ioerr.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export ASAN_OPTIONS="exitcode=99"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=97"
dicts=(--verbs "$pd/PETR.Validate.verbs.txt" --actors "$pd/PETR.Validate.actors.txt"
    --agents "$pd/PETR.Validate.agents.txt" --discards "$pd/PETR.Validate.discards.txt")

# Enough coded documents for well over a pipe buffer (64 KiB) of events.
for i in $(seq 1 400); do
    printf '{"id":"a%d","date":"2019-06-20","text":"Arnor restored diplomatic ties with Gondor. Gondor police arrested Arnor rebels."}\n' "$i"
    printf '{"id":"b%d","date":"1995-01-01","text":"The president of Arnor met the foreign minister of Gondor in Minas Tirith."}\n' "$i"
done >big.jsonl

fail() {
    echo "FAIL [$case_name]: $*" >&2
    echo "--- stderr:" >&2
    head -n 20 err.txt >&2
    exit 1
}
sanitizer_check() {
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' err.txt; then
        fail "sanitizer report"
    fi
}

case $case_name in
devfull)
    "$bin" code "${dicts[@]}" big.jsonl >/dev/full 2>err.txt
    status=$?
    sanitizer_check
    [ "$status" -eq 2 ] || fail "exit status $status, expected 2"
    grep -Eq '^detente: .*(No space left on device|write error)' err.txt ||
        fail "no 'detente: ... write error / No space left on device' message"
    ;;
efbig | efbig-signal)
    if [ "$case_name" = efbig ]; then
        (trap '' XFSZ; ulimit -f 16; exec "$bin" code "${dicts[@]}" big.jsonl >out.txt 2>err.txt)
    else
        (trap - XFSZ; ulimit -f 16; exec "$bin" code "${dicts[@]}" big.jsonl >out.txt 2>err.txt)
    fi
    status=$?
    sanitizer_check
    [ "$status" -lt 128 ] || fail "killed by signal $((status - 128))"
    [ "$status" -eq 2 ] || fail "exit status $status, expected 2"
    grep -Eq '^detente: .*(File too large|write error)' err.txt ||
        fail "no 'detente: ... write error / File too large' message"
    ;;
epipe | epipe-ignored)
    if [ "$case_name" = epipe ]; then
        (trap - PIPE; "$bin" code "${dicts[@]}" big.jsonl 2>err.txt | head -c 1 >/dev/null
            exit "${PIPESTATUS[0]}")
    else
        (trap '' PIPE; "$bin" code "${dicts[@]}" big.jsonl 2>err.txt | head -c 1 >/dev/null
            exit "${PIPESTATUS[0]}")
    fi
    status=$?
    sanitizer_check
    [ "$status" -eq 0 ] || [ "$status" -eq 141 ] ||
        fail "exit status $status, expected a quiet exit (0, or 141 = SIGPIPE)"
    if grep -Eiq 'write error|broken pipe|cannot write' err.txt; then
        fail "error message for a reader that went away (EPIPE should be quiet)"
    fi
    ;;
stdin-dir)
    "$bin" code "${dicts[@]}" <. >out.txt 2>err.txt
    status=$?
    sanitizer_check
    [ "$status" -eq 1 ] || [ "$status" -eq 2 ] || fail "exit status $status, expected 1 or 2"
    grep -q '^detente: ' err.txt || fail "no 'detente: ' message"
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 1
    ;;
esac
echo "ok [$case_name] status $status"
