#!/usr/bin/env bash
# A file that is not a detente store, and a missing one: exit 1, one message.
set -u
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'not a database' >"$tmp/x.db"
"$bin" report --db "$tmp/x.db" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || { echo "FAIL: exit $rc for a non-store"; cat "$tmp/err"; exit 1; }
grep -q "x.db" "$tmp/err" || { echo "FAIL: message does not name the file"; cat "$tmp/err"; exit 1; }
"$bin" report --db "$tmp/missing.db" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || { echo "FAIL: exit $rc for a missing store"; exit 1; }
[ ! -e "$tmp/missing.db" ] || { echo "FAIL: report created a store"; exit 1; }
"$bin" report --db "$tmp/x.db" --from 2019-02-30 --to 2019-03-01 2>/dev/null; rc=$?
[ $rc -eq 1 ] || { echo "FAIL: exit $rc for a bad date"; exit 1; }
echo ok
