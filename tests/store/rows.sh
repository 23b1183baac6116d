#!/bin/bash
# Hand-edited stores: an events row that breaks what the readers assume
# (store/store_rows.h) is bad input for every command that reads a store:
# exit 1 and an error naming the store and the row (the good rows still
# delivered first by the analysis commands), HTTP 500 naming the row from
# the server, never a crash, a NaN or inf, or a silently wrong figure.
# usage: rows.sh DETENTE SHARED_DATA SOURCE_DIR CASE
DETENTE=$1 DATA=$2 SRC=$3 CASE=$4
. "$(dirname "$0")/common.sh"
need curl curl
T=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$T"' EXIT
EX=$SRC/examples/korea
DB=$T/s.db
"$DETENTE" code -q --output "sqlite:$DB" "$NEWS"
# Row 3 (USAGOV -> PRK, 2017) is in every reader's view below; row 240
# (CHNGOV -> PRK, 2019-06-20) is in the report's evidence window.
damage() { sqlite3 "$DB" "$1" || fail "$CASE: sqlite3 refused: $1"; }

# readers: each store reader's name and command line.
readers() {
    cat <<EOR
series|$DETENTE series --db sqlite:$DB --period year
stability|$DETENTE stability --region $EX/region.txt --db sqlite:$DB --format json
watch|$DETENTE watch $EX/watches.txt --db sqlite:$DB
reciprocity|$DETENTE reciprocity --dyads USA-PRK,PRK-USA --reps 0 --db sqlite:$DB
report|$DETENTE report --db $DB --from 2019-06-19 --to 2019-06-22
EOR
}
# expect_bad ROW WORDS [READER...]: the readers named (default all) exit 1
# with "detente: ...: STORE: events row ROW: ...WORDS"; the server answers
# 500 naming the row on the endpoints that read it.
expect_bad() {
    local row=$1 words=$2
    shift 2
    local only=" $* "
    while IFS='|' read -r name cmd; do
        [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || continue
        set +e
        $cmd >"$T/out" 2>"$T/err"
        st=$?
        set -e
        [ "$st" = 1 ] || { cat "$T/err"; fail "$CASE: $name exit status $st, want 1"; }
        local store="sqlite:$DB"
        [ "$name" = report ] && store=$DB
        grep -q "^detente: .*$store: events row $row: .*$words" "$T/err" ||
            { cat "$T/err"; fail "$CASE: $name: no '$store: events row $row: ...$words'"; }
        ! grep -qiw 'nan\|inf' "$T/out" || fail "$CASE: $name printed a NaN or inf"
    done < <(readers)
}
# expect_good READER...: these readers exit 0 and print no NaN or inf.
expect_good() {
    while IFS='|' read -r name cmd; do
        [[ " $* " == *" $name "* ]] || continue
        set +e
        $cmd >"$T/out" 2>"$T/err"
        st=$?
        set -e
        [ "$st" = 0 ] || { cat "$T/err"; fail "$CASE: $name exit status $st, want 0"; }
        ! grep -qiw 'nan\|inf' "$T/out" || fail "$CASE: $name printed a NaN or inf"
    done < <(readers)
}
serve() {
    "$DETENTE" serve --db "sqlite:$DB" --listen 127.0.0.1:0 --port-file "$T/port" \
        --region "$EX/region.txt" 2>"$T/serve.err" &
    srv=$!
    for _ in $(seq 100); do
        [ -s "$T/port" ] && return 0
        sleep 0.1
    done
    fail "$CASE: the server did not start"
}
unserve() {
    kill "$srv"
    wait "$srv" 2>/dev/null || true
    srv=
    rm -f "$T/port"
}
# expect_api STATUS ROW ENDPOINT...: each answers STATUS; a 500 names the row.
expect_api() {
    local want=$1 row=$2
    shift 2
    for ep in "$@"; do
        code=$(curl -s -m 20 -o "$T/api" -w '%{http_code}' "http://127.0.0.1:$(cat "$T/port")/api/$ep")
        [ "$code" = "$want" ] || { cat "$T/api"; fail "$CASE: /api/$ep answered $code, want $want"; }
        if [ "$want" = 500 ]; then
            grep -q "events row $row: " "$T/api" || { cat "$T/api"; fail "$CASE: /api/$ep: no row"; }
        fi
        ! grep -qiw 'nan\|inf\|infinity' "$T/api" || fail "$CASE: /api/$ep: NaN or inf"
    done
}
ALL_API=("events?limit=1000" "dyads?limit=500" "actors?limit=500"
         "series?source=USA&target=PRK&period=year" "stability")
set -e
case $CASE in
date)
    # Not YYYY-MM-DD, or no such day: the row used to vanish from every
    # figure (the readers took its date as 0), or to move to another day.
    damage "UPDATE events SET date = 'yesterday' WHERE id = 3"
    expect_bad 3 'bad date "yesterday"'
    damage "UPDATE events SET date = '2019-02-30' WHERE id = 3"
    expect_bad 3 'bad date "2019-02-30"' series watch
    damage "UPDATE events SET date = '20170203' WHERE id = 3"
    expect_bad 3 'bad date "20170203"' series report
    serve
    expect_api 500 3 "${ALL_API[@]}"
    ;;
goldstein)
    # inf (1e999) was printed as inf by report and watch and summed as 0
    # by series; 55 and text were believed.
    damage "UPDATE events SET goldstein = 1e999 WHERE id = 3"
    expect_bad 3 'bad goldstein'
    damage "UPDATE events SET goldstein = 55 WHERE id = 3"
    expect_bad 3 'bad goldstein "55' series report
    damage "UPDATE events SET goldstein = 'high' WHERE id = 3"
    expect_bad 3 'bad goldstein "high"' stability report
    serve
    expect_api 500 3 "${ALL_API[@]}"
    ;;
quad-root)
    # Out of range: the analysis readers put the code's own in its place,
    # the server and report counted it in no class.
    damage "UPDATE events SET quad = 7 WHERE id = 3"
    expect_bad 3 'bad quad "7"'
    serve
    expect_api 500 3 "${ALL_API[@]}"
    unserve
    damage "UPDATE events SET quad = 1, root = '99' WHERE id = 3"
    expect_bad 3 'bad root "99"' series report
    serve
    expect_api 500 3 "events?limit=1000" "series?source=USA&target=PRK&period=year"
    # The actor and dyad counts read no root.
    expect_api 200 3 "dyads?limit=500" "actors?limit=500"
    ;;
actor-code)
    # The server's aggregates dropped a source over 128 bytes silently; a
    # blank or a control character broke the TSV outputs.
    damage "UPDATE events SET source = 'USA' || printf('%.200c', 'X') WHERE id = 3"
    expect_bad 3 'bad source'
    serve
    expect_api 500 3 "${ALL_API[@]}"
    unserve
    damage "UPDATE events SET source = 'USAGOV', target = 'PRK' || char(9) || 'X' WHERE id = 3"
    expect_bad 3 'bad target' series report
    damage "UPDATE events SET target = 'PRK', code = '' WHERE id = 3"
    expect_bad 3 'bad code ""' series report
    serve
    expect_api 500 3 "events?limit=1000" "series?source=USA&target=PRK&period=year"
    ;;
missing-document)
    # The events query joined documents: the row vanished from the
    # analyses and the server while the report still counted it.
    damage "UPDATE events SET document = 999999 WHERE id = 3"
    expect_bad 3 'its document is not in the documents table'
    serve
    expect_api 500 3 "events?limit=1000" "series?source=USA&target=PRK&period=year" "stability"
    # The actor and dyad counts read no document: they count the event.
    expect_api 200 3 "dyads?limit=500" "actors?limit=500"
    ;;
missing-sentence)
    # The evidence readers (watch, /api/events) showed the row with no
    # sentence; the others do not read sentences and are right.
    damage "UPDATE events SET sentence = 77 WHERE id = 3"
    expect_bad 3 'its sentence 77 is not in the sentences table' watch
    expect_good series stability reciprocity report
    serve
    expect_api 500 3 "events?limit=1000"
    expect_api 200 3 "dyads?limit=500" "series?source=USA&target=PRK&period=year"
    ;;
span-overflow)
    # Offsets near INT64_MAX overflowed off + len: report crashed (SIGSEGV,
    # F33); a span outside its sentence is shown as "-".
    damage "UPDATE events SET source_len = 9223372036854775807,
            verb_off = 9223372036854775000, verb_len = 9000 WHERE id = 240"
    expect_good series stability watch reciprocity report
    grep -q 'source: -  verb: -  target: "Pyongyang"' "$T/out" || fail "$CASE: spans not shown as -"
    serve
    expect_api 200 0 "events?limit=1000"
    ;;
nulls-allowed)
    # NULL date, goldstein, quad and root are what a store may hold (no
    # date; take them from the code): not bad rows.
    damage "UPDATE events SET date = NULL, goldstein = NULL, quad = NULL, root = NULL WHERE id = 3"
    expect_good series stability watch reciprocity report
    serve
    expect_api 200 0 "${ALL_API[@]}"
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
echo "OK: $CASE"
