#!/usr/bin/env bash
# detente watch from the command line: the same rules over a live pipeline
# (JSONL on stdin) and over a SQLite store give the same breaches and the
# same status; the breaches are the ones the rules call for; a bad rule
# file reports every error with its line and exits 1.
# Usage: cli.sh DETENTE DIR   (DIR = tests/watch)
set -uo pipefail
bin=$1 dir=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" code --quiet "$dir/corpus.jsonl" >"$tmp/events.jsonl" || fail "code failed"
"$bin" code --quiet --output "sqlite:$tmp/w.db" "$dir/corpus.jsonl" || fail "code to sqlite failed"

# pipeline
"$bin" code --quiet "$dir/corpus.jsonl" | "$bin" watch "$dir/rules.txt" --format tsv \
    >"$tmp/pipe.tsv" 2>"$tmp/pipe.err"
[ $? -eq 0 ] || { cat "$tmp/pipe.err" >&2; fail "pipeline watch exited non-zero"; }
# store
"$bin" watch "$dir/rules.txt" --db "sqlite:$tmp/w.db" --format tsv >"$tmp/db.tsv" 2>"$tmp/db.err" ||
    { cat "$tmp/db.err" >&2; fail "store watch exited non-zero"; }

# the same breaches (order may differ: the store is in id order) and status
grep '^BREACH' "$tmp/pipe.tsv" | sort >"$tmp/pipe.b"
grep '^BREACH' "$tmp/db.tsv" | sort >"$tmp/db.b"
diff "$tmp/pipe.b" "$tmp/db.b" >&2 || fail "pipeline and store breaches differ"
diff <(grep '^STATUS' "$tmp/pipe.tsv") <(grep '^STATUS' "$tmp/db.tsv") >&2 ||
    fail "pipeline and store status differ"

# what the rules call for: the missile launches of May, July and December
# (clause 1) and the allied exercise of August, coded both ways (clause 3);
# not the parade without missiles (w-09) nor the postponed exercise (w-10)
got=$(awk -F'\t' '$2 == "double-freeze" {print $11 ":" $3}' "$tmp/pipe.b" | sort | tr '\n' ' ')
want="w-01:1 w-02:1 w-05:1 w-06:3 w-06:3 w-11:1 "
[ "$got" = "$want" ] || fail "double-freeze breaches: got '$got', want '$want'"
awk -F'\t' '$2 == "double-freeze" && $6 == "broken" {n++} END {exit n == 4 ? 0 : 1}' \
    "$tmp/pipe.tsv" || fail "double-freeze is not broken in exactly 4 months"
awk -F'\t' '$2 == "double-freeze" {n++} END {exit n == 8 ? 0 : 1}' <(grep '^STATUS' "$tmp/pipe.tsv") ||
    fail "double-freeze has not 8 monthly rows (May to December)"
# "Xi visited Pyongyang and met Kim": the visit (042 to PRK) breaks the
# rule; the meeting is its own clause (040 to PRKGOV), not a visit
grep -q $'^STATUS\tvisits\tquarter\t2019-04-01\t2019-Q2\tbroken\t1\t' "$tmp/pipe.tsv" ||
    fail "visits: Xi's visit (one event) does not break 2019-Q2"

# --rule, --from/--to
"$bin" watch "$dir/rules.txt" "$tmp/events.jsonl" --rule visits --from 2019-07-01 --to 2019-12-31 \
    --format tsv >"$tmp/one.tsv" || fail "--rule run failed"
! grep -q 'double-freeze' "$tmp/one.tsv" || fail "--rule visits printed another rule"
[ "$(grep -c '^STATUS' "$tmp/one.tsv")" = 2 ] || fail "--from/--to: not two quarters"
! grep -q '^BREACH' "$tmp/one.tsv" || fail "a visit outside --from/--to was reported"

# JSON: the /api/watches document
"$bin" watch "$dir/rules.txt" --db "sqlite:$tmp/w.db" --format json >"$tmp/w.json" ||
    fail "json run failed"
python3 - "$tmp/w.json" <<'PY' || fail "JSON document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["period"] == "month", d["period"]
r = {x["name"]: x for x in d["rules"]}
df = r["double-freeze"]
assert [s["state"] for s in df["status"]].count("broken") == 4
assert len(df["breaches"]) == df["breaches_total"] == 6
ev = df["breaches"][0]["event"]
for k in ("id", "date", "doc_id", "sentence", "source", "target", "code", "quad",
          "goldstein", "text", "spans", "pattern"):
    assert k in ev, k
assert "missile" in ev["text"], ev["text"]
PY

# text form
"$bin" watch "$dir/rules.txt" "$tmp/events.jsonl" >"$tmp/w.txt" || fail "text run failed"
grep -q '^2019-05-04  double-freeze broken (clause 1): PRK -> JPN 150' "$tmp/w.txt" ||
    fail "text breach line"
grep -q '^double-freeze: 4 of 8 months broken' "$tmp/w.txt" || fail "text status header"

# bad rules: every error, with its line, exit 1, nothing read
"$bin" watch "$dir/bad_rules.txt" "$tmp/events.jsonl" >"$tmp/bad.out" 2>"$tmp/bad.err"
st=$?
[ $st -eq 1 ] || fail "bad rules: exit $st, want 1"
for l in 3 6 8 10; do
    grep -q "bad_rules.txt:$l: " "$tmp/bad.err" || { cat "$tmp/bad.err" >&2; fail "no error for line $l"; }
done
[ ! -s "$tmp/bad.out" ] || fail "bad rules: something was printed on stdout"

# a bad event line: reported, the good events still checked, exit 1
{ head -n 3 "$tmp/events.jsonl"; echo '{"not": "an event"'; tail -n +4 "$tmp/events.jsonl"; } |
    "$bin" watch "$dir/rules.txt" --format tsv >"$tmp/mixed.tsv" 2>"$tmp/mixed.err"
st=$?
[ $st -eq 1 ] || fail "bad event line: exit $st, want 1"
grep -q ':4: ' "$tmp/mixed.err" || { cat "$tmp/mixed.err" >&2; fail "bad event line not reported as line 4"; }
[ "$(grep -c '^BREACH	double-freeze' "$tmp/mixed.tsv")" = 6 ] || fail "good events around a bad line lost"
echo "watch.cli: $(grep -c '^BREACH' "$tmp/pipe.b") breaches, pipeline == store"
