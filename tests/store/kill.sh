#!/bin/bash
# A real 'detente code --output sqlite:...' run SIGKILLed mid-way must leave
# a consistent store (no half-written document), and a re-run must complete
# it with no duplicates: the result equals that of one uninterrupted run.
# usage: kill.sh DETENTE SHARED_DATA SOURCE_DIR
DETENTE=$1 DATA=$2 SRC=$3
. "$(dirname "$0")/common.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
gen_news 60 "$T/big.jsonl"
total=$(wc -l <"$T/big.jsonl")

# The reference: one uninterrupted run.
"$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/ref.db" "$T/big.jsonl" ||
    fail "reference run failed"
ref_events=$(q "$T/ref.db" "SELECT count(*) FROM events")
[ "$(q "$T/ref.db" "SELECT count(*) FROM documents")" = "$total" ] || fail "reference incomplete"
[ "$ref_events" -gt 0 ] || fail "reference run coded no events"

# The victim: killed once at least one batch is committed, well before
# the end.
"$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/k.db" "$T/big.jsonl" &
pid=$!
n=0
for _ in $(seq 1 600); do
    sleep 0.05
    n=$(q "$T/k.db" "SELECT count(*) FROM documents" 2>/dev/null || echo 0)
    [ -n "$n" ] && [ "$n" -gt 0 ] && break
    kill -0 $pid 2>/dev/null || break
done
kill -KILL $pid 2>/dev/null || fail "the run ended before it could be killed (input too small?)"
wait $pid
st=$?
[ $st = 137 ] || fail "run was not killed by SIGKILL (status $st)"
check_consistent "$T/k.db"
stored=$(q "$T/k.db" "SELECT count(*) FROM documents")
[ "$stored" -gt 0 ] && [ "$stored" -lt "$total" ] ||
    fail "after the kill $stored of $total documents stored; want some but not all"
[ "$(q "$T/k.db" "SELECT status FROM runs WHERE id = 1")" = running ] ||
    fail "the killed run is not recorded as running"
echo "killed with $stored of $total documents stored"

# The re-run completes it.
"$DETENTE" code "${DICT[@]}" --output "sqlite:$T/k.db" "$T/big.jsonl" 2>"$T/err" ||
    { cat "$T/err"; fail "re-run failed"; }
grep -q "$stored already stored" "$T/err" || { cat "$T/err"; fail "re-run did not skip the stored documents"; }
check_consistent "$T/k.db"
[ "$(q "$T/k.db" "SELECT count(*) FROM documents")" = "$total" ] || fail "re-run incomplete"
[ "$(q "$T/k.db" "SELECT count(DISTINCT doc_id) FROM documents")" = "$total" ] || fail "duplicate documents"
got=$(q "$T/k.db" "SELECT count(*) FROM events")
[ "$got" = "$ref_events" ] || fail "after the re-run $got events, one clean run has $ref_events"
# Same events, not just as many.
a=$(q "$T/ref.db" "SELECT d.doc_id, e.sentence, e.source, e.target, e.code FROM events e JOIN documents d ON d.id = e.document ORDER BY 1,2,3,4,5" | md5sum)
b=$(q "$T/k.db" "SELECT d.doc_id, e.sentence, e.source, e.target, e.code FROM events e JOIN documents d ON d.id = e.document ORDER BY 1,2,3,4,5" | md5sum)
[ "$a" = "$b" ] || fail "events differ from the uninterrupted run"
[ "$(q "$T/k.db" "SELECT status, docs_already_stored FROM runs WHERE id = 2")" = "complete|$stored" ] ||
    fail "second run record wrong: $(q "$T/k.db" "SELECT * FROM runs WHERE id = 2")"
echo "OK: re-run completed $total documents, $got events, no duplicates"
