#!/usr/bin/env bash
# The progress line of 'detente code': shown on a terminal (util-linux
# 'script' gives the run one), never off a terminal, never with --quiet.
# Usage: progress.sh DETENTE CORPUS
set -euo pipefail
bin=$1 corpus=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v script >/dev/null || fail "util-linux 'script' is needed for a terminal"
script -qec "'$bin' code --output sqlite:$tmp/a.db '$corpus'" /dev/null >"$tmp/tty" </dev/null
grep -q 'documents/s' "$tmp/tty" || { cat "$tmp/tty" >&2; fail "no progress line on a terminal"; }
"$bin" code --output "sqlite:$tmp/b.db" "$corpus" 2>"$tmp/plain"
! grep -q 'documents/s' "$tmp/plain" || fail "a progress line off a terminal"
grep -q 'documents read' "$tmp/plain" || fail "no summary off a terminal"
script -qec "'$bin' code --quiet --output sqlite:$tmp/c.db '$corpus'" /dev/null >"$tmp/quiet" </dev/null
! grep -q 'documents/s' "$tmp/quiet" || fail "a progress line with --quiet"
echo ok
