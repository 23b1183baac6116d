#!/usr/bin/env bash
# Usage: korea.sh DETENTE CORPUS
set -euo pipefail
bin=$1 corpus=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$bin" code --quiet --output "sqlite:$tmp/k.db" "$corpus" 2>"$tmp/err"
"$bin" report --db "$tmp/k.db" --from 2019-06-20 --to 2019-06-21 >"$tmp/out"
fail() { echo "FAIL: $*" >&2; cat "$tmp/out" >&2; exit 1; }
docs=$(wc -l <"$corpus")
grep -q "^Store: $docs documents" "$tmp/out" || fail "totals line does not count $docs documents"
grep -q "^Top directed dyads" "$tmp/out" || fail "no dyad table"
grep -q "^  2019-Q2 " "$tmp/out" || fail "no 2019-Q2 row in the quarter table"
# every listed event of the window is dated in it and shows its sentence
n=$(grep -c '^  2019-06-2[01] ' "$tmp/out" || true)
[ "$n" -ge 1 ] || fail "no event listed for 2019-06-20..21"
grep -q 'Xi Jinping' "$tmp/out" || fail "no evidence sentence about Xi Jinping"
grep -q 'source: "' "$tmp/out" || fail "no source span shown"
if grep -E '^  20[0-9]{2}-[0-9]{2}-[0-9]{2} ' "$tmp/out" | grep -vq '^  2019-06-2[01] '; then
    fail "an event outside the window was listed"
fi
echo "report.korea: $n events in the window"
