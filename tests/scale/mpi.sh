#!/usr/bin/env bash
# `detente code --mpi` under mpirun -np 4 gives what one process gives:
# the rank parts, concatenated in rank order, are the single run's JSONL
# byte for byte and its SQLite event rows; rank 0's summary is the single
# run's; --shard R/N re-runs one rank's part alone; a rank that cannot
# write is named with its shard.
#
# Usage: mpi.sh DETENTE GEN_CORPUS SHARED_DATA [SENTENCES]
set -u
bin=$(realpath "$1")
gen=$(realpath "$2")
shared=$(realpath "$3")
nsent=${4:-6000}
fail() { echo "FAIL: $*" >&2; exit 1; }

dev=$shared/petrarch2/PETR.UnitTest.dev.xml
[ -r "$dev" ] || fail "missing $dev (DT_SHARED_DATA)"
command -v mpirun >/dev/null || fail "mpirun (Debian package openmpi-bin) is needed"
command -v sqlite3 >/dev/null || fail "sqlite3 (Debian package sqlite3) is needed"
work=$(mktemp -d "${TMPDIR:-/tmp}/dt_mpi.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# Open MPI's own allocations are not ours to judge in a sanitizer build.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
mpi=(mpirun --oversubscribe --allow-run-as-root -np 4)

"$gen" --sentences "$nsent" --seed 12 --dev "$dev" --out a.jsonl 2>/dev/null || fail "gen_corpus"
# A large JSONL file with bad records (split between ranks by lines), a
# gzip file and an XML file (each read whole by one rank), a small file.
awk 'NR % 41 == 4 { print "{\"id\":\"bad" NR "\",\"date\":\"2019-02-30\",\"text\":\"x\"}" }
     NR % 59 == 6 { print "{broken" }
     { print }' a.jsonl >big.jsonl
head -n 40 a.jsonl | gzip -c >small.jsonl.gz
tail -n 3 a.jsonl >tail.jsonl
inputs=(big.jsonl small.jsonl.gz "$dev" tail.jsonl)

"$bin" code --threads 1 -o single.jsonl "${inputs[@]}" 2>single.err
ref=$?
[ "$ref" = 1 ] || fail "single run: exit $ref, want 1; $(tail -2 single.err)"
[ "$(wc -l <single.jsonl)" -gt 100 ] || fail "single run: too few events"

"${mpi[@]}" "$bin" code --mpi -o mpi.jsonl "${inputs[@]}" >mpi.out 2>mpi.err
ls mpi.jsonl.part0000 mpi.jsonl.part0003 >/dev/null || fail "no rank parts: $(tail -5 mpi.err)"
cat mpi.jsonl.part000[0-3] | cmp -s - single.jsonl ||
    fail "rank parts differ from the single run: $(cat mpi.jsonl.part000[0-3] | cmp - single.jsonl)"
for p in 0 1 2 3; do
    [ -s "mpi.jsonl.part000$p" ] || fail "rank $p wrote nothing: the input was not shared out"
done
grep 'documents read' single.err >sum.single
grep 'documents read' mpi.err >sum.mpi
cmp -s sum.single sum.mpi || fail "summary: $(cat sum.mpi) vs single $(cat sum.single)"
grep -v '^detente: [0-9]* documents read\|^detente: rejected:' single.err | sort >msg.single
grep '^detente: .*\(big\|small\|tail\|xml\)' mpi.err | grep -v 'documents read' | sort >msg.mpi
cmp -s msg.single msg.mpi || fail "messages differ: $(diff msg.single msg.mpi | head -4)"
echo "JSONL: 4 rank parts = the single run ($(wc -l <single.jsonl) events); $(cat sum.mpi)"

# --shard re-runs one rank alone, without MPI, and writes the same part.
"$bin" code --threads 1 --shard 2/4 -o again.jsonl "${inputs[@]}" 2>/dev/null
cmp -s again.jsonl.part0002 mpi.jsonl.part0002 || fail "--shard 2/4 differs from rank 2"
echo "--shard 2/4 reproduces rank 2"

# Per-rank SQLite stores: their event rows, in rank order, are the
# single store's. (A store skips a document id it already holds; rank
# stores know only their own, so these inputs repeat no id.)
rows() {
    sqlite3 "$1" "select d.doc_id, e.sentence, e.source, e.target, e.code, e.goldstein,
                         e.source_off, e.verb_off, e.target_off, e.pattern
                    from events e join documents d on d.id = e.document order by e.id;"
}
"$bin" code --threads 1 --output sqlite:single.db big.jsonl "$dev" 2>/dev/null
"${mpi[@]}" "$bin" code --mpi --output sqlite:mpi.db big.jsonl "$dev" >/dev/null 2>mpi-db.err
for p in 0 1 2 3; do rows "mpi.db.part000$p"; done >rows.mpi || fail "cannot read the rank stores"
rows single.db >rows.single
[ -s rows.single ] || fail "the single store has no events"
cmp -s rows.single rows.mpi || fail "rank stores differ from the single store"
echo "SQLite: 4 rank stores = the single store ($(wc -l <rows.single) events)"

# A rank that cannot write is named, with its shard and how to re-run it.
rm -f mpi.jsonl.part*
mkdir mpi.jsonl.part0001
"${mpi[@]}" "$bin" code --mpi -o mpi.jsonl "${inputs[@]}" >/dev/null 2>fail.err
grep -q 'rank 1 of 4 failed.*its shard: .*--shard 1/4' fail.err ||
    fail "the failed rank was not reported: $(grep -v '^detente: big' fail.err | head -5)"
echo "a failed rank is reported with its shard"
exit 0
