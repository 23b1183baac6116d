#!/bin/bash
# `detente series` through the real binary on a store and on JSONL made by
# `detente code` from tests/series/corpus.jsonl (our own synthetic news).
# usage: cli.sh DETENTE SOURCE_DIR CASE [PG_STATE]
DETENTE=$1 SRC=$2 CASE=$3 PGSTATE=$4
fail() {
    echo "FAIL ($CASE): $*" >&2
    exit 1
}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CORPUS=$SRC/tests/series/corpus.jsonl
"$DETENTE" code -q "$CORPUS" >"$T/ev.jsonl" || fail "code to JSONL"
"$DETENTE" code -q --output "sqlite:$T/ev.db" "$CORPUS" || fail "code to SQLite"
NEV=$(wc -l <"$T/ev.jsonl")
[ "$NEV" -ge 30 ] || fail "only $NEV events coded from the corpus"

# Column 3 (events) summed over the rows.
total() { awk -F'\t' 'NR > 1 { s += $3 } END { print s + 0 }' "$1"; }
series() { "$DETENTE" series "$@"; }

# The option sets every source must agree on.
OPTS=(
    ""
    "--period week"
    "--period day --from 2019-03-01 --to 2019-03-31"
    "--source USA --target PRK"
    "--source USA --target PRK --undirected --period quarter"
    "--source PRK --dedup"
    "--dedup --period year"
    "--actor :GOV"
    "--source =PRK,CHN* --target KOR,USA --format csv"
    "--code 11,163 --quad 4 --format json"
    "--text missiles --period month"
    "--from 20190601 --to 20191231 --period week --format json"
)

case $CASE in
same)
    # A store, JSONL on stdin, a JSONL file and a gzipped one: one series.
    gzip -c "$T/ev.jsonl" >"$T/ev.jsonl.gz"
    for o in "${OPTS[@]}"; do
        # shellcheck disable=SC2086
        series --db "$T/ev.db" $o >"$T/a" || fail "store: $o"
        # shellcheck disable=SC2086
        series $o <"$T/ev.jsonl" >"$T/b" || fail "stdin: $o"
        # shellcheck disable=SC2086
        series --db "$T/ev.jsonl.gz" $o >"$T/c" || fail "gz: $o"
        # shellcheck disable=SC2086
        series --db "sqlite:$T/ev.db" $o >"$T/d" || fail "sqlite: $o"
        cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b" | head; fail "store and stdin differ: $o"; }
        cmp -s "$T/a" "$T/c" || fail "store and gzip differ: $o"
        cmp -s "$T/a" "$T/d" || fail "PATH.db and sqlite:PATH differ: $o"
    done
    ;;
totals)
    # Without a filter every event is in some row; one-a-day counts each
    # (date, source, target, code) once; rows are dense (no missing month).
    series --db "$T/ev.db" >"$T/all" || fail "series"
    [ "$(total "$T/all")" = "$NEV" ] || fail "total $(total "$T/all") != $NEV events"
    series --db "$T/ev.db" --dedup >"$T/dd" || fail "series --dedup"
    daily=$(jq -r '[.date,.source,.target,.code] | join(" ")' "$T/ev.jsonl" | sort -u | wc -l)
    [ "$(total "$T/dd")" = "$daily" ] || fail "dedup total $(total "$T/dd") != $daily"
    [ "$daily" -lt "$NEV" ] || fail "the corpus has no same-day duplicates"
    first=$(jq -r .date "$T/ev.jsonl" | sort | head -1)
    last=$(jq -r .date "$T/ev.jsonl" | sort | tail -1)
    months=$(((${last:0:4} - ${first:0:4}) * 12 + 10#${last:5:2} - 10#${first:5:2} + 1))
    [ "$(($(wc -l <"$T/all") - 1))" = "$months" ] || fail "not one row per month"
    # USA->PRK material conflict by hand: the 163 sanctions.
    n163=$(jq -r 'select(.source == "USA" and .target == "PRK" and .quad == 4) | .code' \
        "$T/ev.jsonl" | wc -l)
    series --db "$T/ev.db" --source =USA --target =PRK >"$T/up" || fail "dyad"
    q4=$(awk -F'\t' 'NR > 1 { s += $7 } END { print s + 0 }' "$T/up")
    [ "$q4" = "$n163" ] || fail "USA->PRK quad 4: $q4, expected $n163"
    # net = coop - confl on every row.
    awk -F'\t' 'NR > 1 && ($10 - $11 - $12 > 1e-9 || $12 - ($10 - $11) > 1e-9) { bad = 1 }
        END { exit bad }' "$T/all" || fail "net != coop - confl"
    # JSON: parseable, as many rows as the TSV.
    series --db "$T/ev.db" --format json >"$T/j" || fail "json"
    [ "$(jq '.rows | length' "$T/j")" = "$(($(wc -l <"$T/all") - 1))" ] || fail "json rows"
    [ "$(jq '[.rows[].events] | add' "$T/j")" = "$NEV" ] || fail "json total"
    ;;
svg)
    series --db "$T/ev.db" --source USA --target PRK --undirected --svg "$T/c.svg" -o "$T/out" ||
        fail "series --svg"
    xmllint --noout "$T/c.svg" || fail "SVG not well-formed"
    n=$(xmllint --xpath 'count(//*[local-name()="path"][@class="series"])' "$T/c.svg")
    [ "$n" = 3 ] || fail "$n lines, expected 3"
    rows=$(($(wc -l <"$T/out") - 1))
    pts=$(xmllint --xpath 'count(//*[local-name()="circle"])' "$T/c.svg")
    [ "$pts" = $((3 * rows)) ] || fail "$pts points for $rows rows"
    series --db "$T/ev.db" --chart quads --title 'Q & <A>' --svg "$T/q.svg" >/dev/null ||
        fail "quads"
    xmllint --noout "$T/q.svg" || fail "quads SVG not well-formed"
    [ "$(xmllint --xpath 'string(//*[@class="title"])' "$T/q.svg")" = 'Q & <A>' ] || fail "title"
    ;;
bad-jsonl)
    # Bad lines are named (file:line) and skipped; the good ones still count.
    { head -5 "$T/ev.jsonl"; echo '{"source": "USA"'; echo '[]'; tail -n +6 "$T/ev.jsonl"; } \
        >"$T/bad.jsonl"
    series --db "$T/bad.jsonl" >"$T/out" 2>"$T/err"
    rc=$?
    [ $rc = 1 ] || fail "exit $rc, expected 1"
    grep -q "bad.jsonl:6:" "$T/err" || fail "no file:line in: $(cat "$T/err")"
    grep -q "1 more" "$T/err" || fail "second bad line not counted: $(cat "$T/err")"
    [ "$(total "$T/out")" = "$NEV" ] || fail "good lines lost"
    ;;
bad-db)
    series --db "$T/nope.db" >"$T/out" 2>"$T/err"
    [ $? = 1 ] || fail "missing store: exit not 1"
    grep -q "nope.db" "$T/err" || fail "message does not name the store"
    echo "CREATE TABLE x(a);" | sqlite3 "$T/other.db"
    series --db "$T/other.db" 2>"$T/err" >/dev/null
    [ $? = 1 ] || fail "not a store: exit not 1"
    grep -q "not a detente store" "$T/err" || fail "not a store: $(cat "$T/err")"
    series --db "$T/missing.jsonl" 2>"$T/err" >/dev/null
    [ $? = 1 ] || fail "missing JSONL: exit not 1"
    ;;
bad-args)
    for a in "--source prk" "--target USA,,PRK" "--actor :MILX" "--period fortnight" \
        "--from 2019-02-30" "--to yesterday" "--quad 5" "--code 04x" "--format xml" \
        "--chart pie" "--bogus" "--db" "--from 2019-06-01 --to 2019-01-01"; do
        # shellcheck disable=SC2086
        series --db "$T/ev.db" $a >/dev/null 2>"$T/err"
        rc=$?
        [ $rc = 1 ] || fail "'$a': exit $rc, expected 1"
        grep -q "^detente: series: " "$T/err" || fail "'$a': no message: $(cat "$T/err")"
    done
    series --help | grep -q -- "--undirected" || fail "--help"
    ;;
pg)
    [ -f "$PGSTATE" ] || fail "no PostgreSQL server (the store.pg.start fixture did not run)"
    SOCK=$(cat "$PGSTATE")
    DB=series_pg
    URI="postgresql:///$DB?host=$SOCK&user=detente"
    export PGOPTIONS="-c client_min_messages=warning"
    psql -X -q -h "$SOCK" -U detente -d postgres -c "DROP DATABASE IF EXISTS $DB" \
        -c "CREATE DATABASE $DB" || fail "cannot create database"
    trap 'rm -rf "$T"; psql -X -q -h "$SOCK" -U detente -d postgres -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null' EXIT
    "$DETENTE" code -q --output "$URI" "$CORPUS" || fail "code to PostgreSQL"
    for o in "${OPTS[@]}"; do
        # shellcheck disable=SC2086
        series --db "$T/ev.db" $o >"$T/a" || fail "sqlite: $o"
        # shellcheck disable=SC2086
        series --db "$URI" $o >"$T/b" || fail "pg: $o"
        cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b" | head; fail "SQLite and PostgreSQL differ: $o"; }
    done
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
