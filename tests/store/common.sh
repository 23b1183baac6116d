# Shared helpers for the store tests (sourced). $DETENTE is the binary,
# $DATA the shared test data (dictionaries), $SRC the source tree.
set -u
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
need() {
    command -v "$1" >/dev/null || fail "$1 is missing (Debian package $2)"
}
need sqlite3 sqlite3
P2="$DATA/petrarch2"
[ -f "$P2/CAMEO.verbpatterns.150430.txt" ] || fail "no dictionaries in $P2 (DT_SHARED_DATA)"
DICT=(--verbs "$P2/CAMEO.verbpatterns.150430.txt" --actors "$P2/Phoenix.Countries.actors.txt"
      --agents "$P2/Phoenix.agents.txt")
NEWS="$SRC/examples/korea/news.jsonl"
[ -f "$NEWS" ] || fail "no $NEWS"
# gen_news N OUT: N copies of the Korea demo corpus, ids made unique.
gen_news() {
    local n=$1 out=$2
    : >"$out"
    for r in $(seq 1 "$n"); do
        sed "s/\"id\": \"\([^\"]*\)\"/\"id\": \"\1-r$r\"/" "$NEWS" >>"$out"
    done
}
q() { sqlite3 -batch -noheader "$1" "$2"; }
# check_consistent DB: integrity, and every document has all its rows.
check_consistent() {
    local db=$1
    [ "$(q "$db" 'PRAGMA integrity_check')" = ok ] || fail "$db: integrity_check failed"
    local bad
    bad=$(q "$db" "SELECT count(*) FROM documents d WHERE
        nsentences <> (SELECT count(*) FROM sentences s WHERE s.document = d.id) OR
        nevents <> (SELECT count(*) FROM events e WHERE e.document = d.id)")
    [ "$bad" = 0 ] || fail "$db: $bad documents with missing or extra sentences/events"
    bad=$(q "$db" "SELECT count(*) FROM events WHERE document NOT IN (SELECT id FROM documents)")
    [ "$bad" = 0 ] || fail "$db: $bad orphan events"
    bad=$(q "$db" "SELECT count(*) FROM sentences WHERE document NOT IN (SELECT id FROM documents)")
    [ "$bad" = 0 ] || fail "$db: $bad orphan sentences"
}
