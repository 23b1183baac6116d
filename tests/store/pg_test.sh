#!/bin/bash
# PostgreSQL store tests against the real server of the pg.sh fixture.
# usage: pg_test.sh DETENTE SHARED_DATA SOURCE_DIR STATE CASE
DETENTE=$1 DATA=$2 SRC=$3 STATE=$4 CASE=$5
. "$(dirname "$0")/common.sh"
need psql postgresql-client
[ -f "$STATE" ] || fail "no PostgreSQL server (the store.pg.start fixture did not run or failed)"
SOCK=$(cat "$STATE")
DB="store_${CASE//-/_}"
URI="postgresql:///$DB?host=$SOCK&user=detente"
export PGOPTIONS="-c client_min_messages=warning"
pq() { psql -X -q -A -t -h "$SOCK" -U detente -d "$DB" -c "$1"; }
psql -X -q -h "$SOCK" -U detente -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" ||
    fail "cannot create database $DB"
T=$(mktemp -d)
trap 'rm -rf "$T"; psql -X -q -h "$SOCK" -U detente -d postgres -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null' EXIT

pg_consistent() {
    local bad
    bad=$(pq "SELECT count(*) FROM documents d WHERE
        nsentences <> (SELECT count(*) FROM sentences s WHERE s.document = d.id) OR
        nevents <> (SELECT count(*) FROM events e WHERE e.document = d.id)")
    [ "$bad" = 0 ] || fail "$bad documents with missing or extra sentences/events"
}
events_digest() { # the stored events, independent of row ids
    pq "SELECT d.doc_id, e.sentence, e.date, e.source, e.target, e.code, e.goldstein
        FROM events e JOIN documents d ON d.id = e.document ORDER BY 1,2,4,5,6" | md5sum
}

set -e
case $CASE in
basic)
    # The same input gives the same events in PostgreSQL as in SQLite.
    "$DETENTE" code -q "${DICT[@]}" --output "$URI" "$NEWS"
    "$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/s.db" "$NEWS"
    n=$(pq "SELECT count(*) FROM events")
    [ "$n" -gt 0 ] || fail "no events stored"
    [ "$n" = "$(q "$T/s.db" "SELECT count(*) FROM events")" ] || fail "event counts differ from SQLite"
    [ "$(pq "SELECT count(*) FROM documents")" = "$(wc -l <"$NEWS")" ] || fail "documents missing"
    [ "$(pq "SELECT status, docs_read, events FROM runs")" = "complete|$(wc -l <"$NEWS")|$n" ] ||
        fail "run record: $(pq "SELECT * FROM runs")"
    [ "$(pq "SELECT count(*) FROM dictionaries")" = 1 ] || fail "dictionary set not recorded"
    [ "$(pq "SELECT value FROM detente_meta WHERE key = 'schema_version'")" = 1 ] || fail "version"
    # the one-a-day view folds, never drops
    [ "$(pq "SELECT raw_events = $n AND daily_events + duplicates = raw_events FROM events_dedup_summary")" = t ] ||
        fail "dedup summary inconsistent"
    a=$(pq "SELECT d.doc_id, e.sentence, e.source, e.target, e.code FROM events e JOIN documents d ON d.id = e.document ORDER BY 1,2,3,4,5" | md5sum)
    b=$(q "$T/s.db" "SELECT d.doc_id, e.sentence, e.source, e.target, e.code FROM events e JOIN documents d ON d.id = e.document ORDER BY 1,2,3,4,5" | md5sum)
    [ "$a" = "$b" ] || fail "events differ from SQLite"
    pg_consistent
    ;;
rerun)
    "$DETENTE" code -q "${DICT[@]}" --output "$URI" "$NEWS"
    n=$(pq "SELECT count(*) FROM events")
    before=$(events_digest)
    "$DETENTE" code "${DICT[@]}" --output "$URI" "$NEWS" 2>"$T/err"
    grep -q "$(wc -l <"$NEWS") already stored, 0 replaced" "$T/err" || { cat "$T/err"; fail "re-run did not skip"; }
    [ "$(pq "SELECT count(*) FROM events")" = "$n" ] || fail "re-run duplicated events"
    "$DETENTE" code "${DICT[@]}" --replace --output "$URI" "$NEWS" 2>"$T/err"
    grep -q "0 already stored, $(wc -l <"$NEWS") replaced" "$T/err" || { cat "$T/err"; fail "--replace did not replace"; }
    [ "$(events_digest)" = "$before" ] || fail "--replace changed the events"
    [ "$(pq "SELECT count(DISTINCT run_id) FROM events")" = 1 ] || fail "old events left behind"
    # A changed document replaces its old version.
    sed -n 1p "$NEWS" | sed 's/"text": "/"text": "Russia condemned China. /' >"$T/changed.jsonl"
    "$DETENTE" code "${DICT[@]}" --output "$URI" "$T/changed.jsonl" 2>"$T/err"
    grep -q "0 already stored, 1 replaced" "$T/err" || { cat "$T/err"; fail "changed document not replaced"; }
    [ "$(pq "SELECT count(*) FROM documents")" = "$(wc -l <"$NEWS")" ] || fail "changed document duplicated"
    pg_consistent
    ;;
kill)
    gen_news 30 "$T/big.jsonl"
    total=$(wc -l <"$T/big.jsonl")
    "$DETENTE" code -q "${DICT[@]}" --output "$URI" "$T/big.jsonl" &
    pid=$!
    for _ in $(seq 1 600); do
        sleep 0.05
        n=$(pq "SELECT count(*) FROM documents" 2>/dev/null || echo 0)
        [ -n "$n" ] && [ "$n" -gt 0 ] && break
        kill -0 $pid 2>/dev/null || break
    done
    kill -KILL $pid 2>/dev/null || fail "the run ended before it could be killed"
    set +e
    wait $pid
    st=$?
    set -e
    [ $st = 137 ] || fail "not killed (status $st)"
    stored=$(pq "SELECT count(*) FROM documents")
    [ "$stored" -gt 0 ] && [ "$stored" -lt "$total" ] || fail "$stored of $total stored after the kill"
    pg_consistent
    "$DETENTE" code "${DICT[@]}" --output "$URI" "$T/big.jsonl" 2>"$T/err" || { cat "$T/err"; fail "re-run failed"; }
    grep -q "$stored already stored" "$T/err" || { cat "$T/err"; fail "re-run did not skip stored documents"; }
    pg_consistent
    [ "$(pq "SELECT count(*), count(DISTINCT doc_id) FROM documents")" = "$total|$total" ] ||
        fail "re-run incomplete or duplicated"
    "$DETENTE" code -q "${DICT[@]}" --output "sqlite:$T/ref.db" "$T/big.jsonl"
    [ "$(pq "SELECT count(*) FROM events")" = "$(q "$T/ref.db" "SELECT count(*) FROM events")" ] ||
        fail "killed + re-run differs from one clean run"
    echo "killed with $stored of $total stored; re-run completed"
    ;;
dup-in-run)
    # One run into an empty store meets the same id twice: once with the
    # same text (already stored), once changed (replaced).
    { cat "$NEWS"; sed -n 1p "$NEWS"; sed -n 2p "$NEWS" | sed 's/"text": "/"text": "Russia condemned China. /'; } >"$T/dup.jsonl"
    "$DETENTE" code "${DICT[@]}" --output "$URI" "$T/dup.jsonl" 2>"$T/err"
    grep -q "1 already stored, 1 replaced" "$T/err" || { cat "$T/err"; fail "duplicates in one run not seen"; }
    [ "$(pq "SELECT count(*) FROM documents")" = "$(wc -l <"$NEWS")" ] || fail "duplicate documents stored"
    pg_consistent
    ;;
newer-schema)
    "$DETENTE" code -q "${DICT[@]}" --output "$URI" "$NEWS"
    pq "UPDATE detente_meta SET value = '99' WHERE key = 'schema_version'"
    runs=$(pq "SELECT count(*) FROM runs")
    set +e
    "$DETENTE" code -q "${DICT[@]}" --output "$URI" "$NEWS" 2>"$T/err"
    st=$?
    set -e
    [ $st = 1 ] || fail "exit $st, want 1"
    grep -q "^detente: postgresql:///$DB?host=$SOCK&user=detente: schema version 99 is newer" "$T/err" ||
        { cat "$T/err"; fail "no clear error"; }
    [ "$(pq "SELECT count(*) FROM runs")" = "$runs" ] || fail "something was written"
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
echo "OK: pg $CASE"
