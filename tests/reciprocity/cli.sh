#!/usr/bin/env bash
# detente reciprocity end to end on the Korea demo corpus: the same answer
# from JSONL on stdin, a JSONL file and a SQLite store; the JSON, TSV and
# SVG outputs; a fixed seed reproduces the bands; bad input exits 1 with a
# message and writes nothing to stdout.
set -u
bin=$1 news=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" code "$news" >"$tmp/ev.jsonl" 2>/dev/null || fail "detente code on $news"
"$bin" code --output "sqlite:$tmp/ev.db" "$news" 2>/dev/null || fail "detente code to sqlite"
six=USA-CHN,CHN-USA,CHN-PRK,PRK-CHN,USA-PRK,PRK-USA

"$bin" reciprocity --db "$tmp/ev.jsonl" --dyads $six >"$tmp/a.txt" 2>"$tmp/err" ||
    { cat "$tmp/err"; fail "text report"; }
for s in "Lag selection" "Granger causality" "Impulse responses" "Stability" "PRK-USA"; do
    grep -q "$s" "$tmp/a.txt" || fail "text report lacks '$s'"
done
# 6 dyads: 30 Granger tests and 30 cross responses
n=$(grep -cE '^  (USA|CHN|PRK)-[A-Z]+  (USA|CHN|PRK)-[A-Z]+ ' "$tmp/a.txt")
[ "$n" -eq 60 ] || fail "expected 30 Granger rows + 30 response rows, got $n"

"$bin" reciprocity --dyads $six <"$tmp/ev.jsonl" >"$tmp/b.txt" 2>/dev/null || fail "stdin"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "stdin and file differ"
"$bin" reciprocity --db "sqlite:$tmp/ev.db" --dyads $six >"$tmp/c.txt" 2>/dev/null ||
    fail "sqlite store"
cmp -s "$tmp/a.txt" "$tmp/c.txt" || { diff "$tmp/a.txt" "$tmp/c.txt" | head; fail "sqlite and JSONL differ"; }

"$bin" reciprocity --db "$tmp/ev.jsonl" --dyads $six --format json --horizon 6 >"$tmp/r.json" ||
    fail "json"
head -c 20 "$tmp/r.json" | grep -q '^{"period":"month"' || fail "json does not start with the period"
[ "$(grep -o '"impulse":' "$tmp/r.json" | wc -l)" -eq 36 ] || fail "json: expected 36 responses"
[ "$(grep -o '"cause":' "$tmp/r.json" | wc -l)" -eq 30 ] || fail "json: expected 30 Granger tests"
grep -q '"horizon":\[0,1,2,3,4,5,6\]' "$tmp/r.json" || fail "json: horizons 0..6"
grep -q '"chosen":"bic"' "$tmp/r.json" || fail "json: lags chosen by bic"
grep -qi 'nan\|inf' "$tmp/r.json" && fail "json holds a NaN or infinity"
[ "$(wc -l <"$tmp/r.json")" -eq 1 ] || fail "json is not one line"

"$bin" reciprocity --db "$tmp/ev.jsonl" --dyads $six --format json --horizon 6 >"$tmp/r2.json"
cmp -s "$tmp/r.json" "$tmp/r2.json" || fail "the same seed gave different output"
"$bin" reciprocity --db "$tmp/ev.jsonl" --dyads $six --format json --horizon 6 --seed 9 >"$tmp/r3.json"
cmp -s "$tmp/r.json" "$tmp/r3.json" && fail "another seed gave the same bands"

"$bin" reciprocity --db "$tmp/ev.jsonl" --dyads USA-PRK,PRK-USA --lags 2 --format tsv \
    --svg "$tmp/irf.svg" --impulse PRK-USA >"$tmp/g.tsv" || fail "tsv + svg"
[ "$(head -1 "$tmp/g.tsv")" = "$(printf 'cause\teffect\tf\tdf1\tdf2\tp')" ] || fail "tsv header"
[ "$(wc -l <"$tmp/g.tsv")" -eq 3 ] || fail "tsv: 2 tests expected"
grep -q "	2	" "$tmp/g.tsv" || fail "tsv: df1 should be the 2 lags given"
grep -q 'class="band"' "$tmp/irf.svg" || fail "svg has no bands"
grep -q 'shock in PRK-USA' "$tmp/irf.svg" || fail "svg title names the impulse"
tail -c 10 "$tmp/irf.svg" | grep -q '</svg>' || fail "svg not complete"

bad() { # expected-message args...
    local msg=$1; shift
    "$bin" reciprocity --db "$tmp/ev.jsonl" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ $rc -eq 1 ] || fail "exit $rc, not 1, for: $*"
    grep -q "$msg" "$tmp/err" || { cat "$tmp/err"; fail "no '$msg' for: $*"; }
    [ ! -s "$tmp/out" ] || fail "output on stdout for: $*"
}
bad "dyads is required"
bad "not SOURCE-TARGET" --dyads USA-PRK,PRK
bad "at least 2" --dyads USA-PRK
bad "listed twice" --dyads USA-PRK,USA-PRK
bad "too few periods" --dyads USA-PRK,PRK-USA --period year
bad "no events match" --dyads BRA-ARG,ARG-BRA
bad "unknown option" --dyads USA-PRK,PRK-USA --bogus
bad "bad value" --dyads USA-PRK,PRK-USA --lags x
bad "bad value" --dyads USA-PRK,PRK-USA --criterion foo
bad "not one of the --dyads" --dyads USA-PRK,PRK-USA --impulse CHN-PRK
bad "not a date" --dyads USA-PRK,PRK-USA --from 2019-13-01
"$bin" reciprocity --db "$tmp/missing.jsonl" --dyads USA-PRK,PRK-USA 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "exit $rc for a missing file"
grep -q missing.jsonl "$tmp/err" || fail "message does not name the missing file"
echo ok
