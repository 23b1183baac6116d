#!/usr/bin/env bash
# detente stability on a synthetic event stream (no demo data): two years
# of USA-PRK cooperation, then two years of conflict. The index falls, a
# change point is reported at the turn with USA/PRK as drivers, and bad
# input (region file, JSONL line, options) gives FILE:LINE and exit 1.
set -u
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/r.txt" <<'R'
# synthetic region
region synth
actors PRK KOR USA CHN
weight USA-PRK 2
R

# 48 months, 8 events a month; a fixed pseudo-random mix (LCG seeded 7).
awk 'BEGIN {
  s = 7; id = 0
  for (m = 0; m < 48; m++) {
    y = 2017 + int(m / 12); mo = m % 12 + 1
    for (k = 0; k < 8; k++) {
      s = (s * 1103515245 + 12345) % 2147483648; r = s % 5
      d = 1 + (s % 28)
      if (m < 24) { split("042 1.9 1|057 8.0 2|036 4.0 1|061 6.0 2|111 -2.0 3", c, "|") }
      else        { split("130 -4.4 3|190 -10.0 4|112 -2.0 3|173 -5.0 4|042 1.9 1", c, "|") }
      split(c[r + 1], f, " ")
      src = (k % 2) ? "USAGOV" : "PRKGOV"; tgt = (k % 2) ? "PRKGOV" : "USAGOV"
      if (k == 7) { src = "KORGOV"; tgt = "CHNGOV" }
      printf "{\"doc_id\":\"d%d\",\"sentence\":0,\"date\":\"%04d-%02d-%02d\",\"source\":\"%s\",\"target\":\"%s\",\"code\":\"%s\",\"quad\":%d,\"goldstein\":%s}\n", ++id, y, mo, d, src, tgt, f[1], f[3], f[2]
    }
  }
}' >"$tmp/ev.jsonl"

"$bin" stability --region "$tmp/r.txt" --db "$tmp/ev.jsonl" --format json >"$tmp/out.json" \
    2>"$tmp/err" || fail "exit $? on good input: $(cat "$tmp/err")"
jq -e '.region == "synth" and .period == "month" and (.rows | length) == 48' "$tmp/out.json" \
    >/dev/null || fail "rows/region wrong: $(head -c 300 "$tmp/out.json")"
before=$(jq '[.rows[0:24][].index] | add / length' "$tmp/out.json")
after=$(jq '[.rows[24:48][].index] | add / length' "$tmp/out.json")
awk -v a="$before" -v b="$after" 'BEGIN { exit !(a > b + 0.5) }' \
    || fail "index did not fall: $before -> $after"
jq -e '[.change_points[] | select(.series == "index" and .direction == "down"
        and (.label == "2018-12" or .label == "2019-01" or .label == "2019-02"))] | length >= 2' \
    "$tmp/out.json" >/dev/null || fail "no index change point (both methods) at 2019-01: \
$(jq -c '[.change_points[] | select(.series == "index")]' "$tmp/out.json")"
jq -e '[.change_points[] | select(.series == "index" and .label == "2019-01")][0].drivers[0]
       | (.source == "USA" or .source == "PRK") and .delta < 0 and (.event_ids | length) > 0' \
    "$tmp/out.json" >/dev/null || fail "drivers of the change are not USA/PRK"

# TSV: two tables; a quarterly period from the option.
"$bin" stability --region "$tmp/r.txt" --db "$tmp/ev.jsonl" --period quarter >"$tmp/out.tsv" \
    || fail "tsv exit $?"
head -n 1 "$tmp/out.tsv" | grep -q "^label	start	events	index	balance" || fail "tsv header"
grep -q "^2019-Q1	2019-01-01	" "$tmp/out.tsv" || fail "no 2019-Q1 row"
grep -q "^label	series	direction	magnitude	method" "$tmp/out.tsv" || fail "no change table"

# SVG with change-point markers.
"$bin" stability --region "$tmp/r.txt" --db "$tmp/ev.jsonl" --svg "$tmp/i.svg" >/dev/null \
    || fail "svg exit $?"
grep -q "<svg" "$tmp/i.svg" && grep -q 'class="marker"' "$tmp/i.svg" || fail "svg has no markers"

# Bad region file: FILE:LINE, exit 1.
printf 'region x\nactors PRK KOR\nweight PRK-JPN 2\n' >"$tmp/bad.txt"
"$bin" stability --region "$tmp/bad.txt" --db "$tmp/ev.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "exit $rc for a bad region file"
grep -q "bad.txt:3: " "$tmp/err" || fail "message lacks FILE:LINE: $(cat "$tmp/err")"
"$bin" stability --region "$tmp/missing.txt" --db "$tmp/ev.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "exit $rc for a missing region file"
"$bin" stability --db "$tmp/ev.jsonl" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || fail "exit $rc without --region"
"$bin" stability --region "$tmp/r.txt" --db "$tmp/ev.jsonl" --bogus >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || fail "exit $rc for an unknown option"

# A bad JSONL line: reported with its line, the good events still counted.
{ head -n 100 "$tmp/ev.jsonl"; echo '{"broken": '; tail -n +101 "$tmp/ev.jsonl"; } >"$tmp/bad.jsonl"
"$bin" stability --region "$tmp/r.txt" --db "$tmp/bad.jsonl" --format json >"$tmp/out2.json" \
    2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "exit $rc for a bad JSONL line"
grep -q "bad.jsonl:101" "$tmp/err" || fail "bad line not named: $(cat "$tmp/err")"
jq -e '(.rows | length) == 48' "$tmp/out2.json" >/dev/null || fail "good events lost"
echo ok
