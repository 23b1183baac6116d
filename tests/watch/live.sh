#!/usr/bin/env bash
# detente watch prints a breach as soon as its event arrives, before the
# input ends: on stdin (a pipeline) and with --follow on a growing store.
# Usage: live.sh DETENTE DIR
set -uo pipefail
bin=$1 dir=$2
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; exec 3>&- 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# wait (up to 60 s, for a loaded machine) until FILE has N lines matching RE
wait_for() {
    for _ in $(seq 600); do
        [ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
        sleep 0.1
    done
    return 1
}
"$bin" code --quiet "$dir/corpus.jsonl" >"$tmp/events.jsonl" || fail "code failed"

# stdin: the first event line alone, the input still open
mkfifo "$tmp/fifo"
"$bin" watch "$dir/rules.txt" --format tsv <"$tmp/fifo" >"$tmp/live.tsv" 2>"$tmp/live.err" &
pid=$!
exec 3>"$tmp/fifo"
head -n 1 "$tmp/events.jsonl" >&3
wait_for "$tmp/live.tsv" '^BREACH' 1 || fail "no breach while stdin was open"
grep -q '^STATUS' "$tmp/live.tsv" && fail "status printed before the end of the input"
tail -n +2 "$tmp/events.jsonl" >&3
exec 3>&-
wait "$pid" || fail "live watch exited non-zero"
pid=
[ "$(grep -c '^BREACH' "$tmp/live.tsv")" -ge 6 ] || fail "breaches lost on stdin"

# --follow: a store that grows while it is watched
head -n 5 "$dir/corpus.jsonl" >"$tmp/a.jsonl"
tail -n +6 "$dir/corpus.jsonl" >"$tmp/b.jsonl"
"$bin" code --quiet --output "sqlite:$tmp/w.db" "$tmp/a.jsonl" || fail "code a"
"$bin" watch "$dir/rules.txt" --db "sqlite:$tmp/w.db" --follow --interval 1 --format tsv \
    >"$tmp/f.tsv" 2>"$tmp/f.err" &
pid=$!
wait_for "$tmp/f.tsv" '^BREACH	double-freeze' 3 || fail "follow: first breaches missing"
"$bin" code --quiet --output "sqlite:$tmp/w.db" "$tmp/b.jsonl" || fail "code b"
wait_for "$tmp/f.tsv" '^BREACH	double-freeze' 6 || { cat "$tmp/f.err" >&2; fail "follow: new breaches not seen"; }
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ $st -eq 0 ] || fail "follow: exit $st after SIGTERM"
grep -q $'^STATUS\tdouble-freeze' "$tmp/f.tsv" || fail "follow: no status after SIGTERM"
[ "$(grep -c '^BREACH	double-freeze' "$tmp/f.tsv")" = 6 ] || fail "follow: a breach was reported twice"
echo "watch.live: breaches streamed on stdin and from a growing store"
