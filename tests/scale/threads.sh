#!/usr/bin/env bash
# `detente code --threads N` writes exactly what one thread writes: the
# same JSONL bytes, the same error lines, the same summary, and the same
# rows in a SQLite store, for N = 1, 2, 4, on inputs with bad records,
# duplicate ids, PETRARCH <Config> records and a plain text file mixed in.
# --unordered writes the same lines in another order. A re-run into a
# store skips every stored document whatever N.
#
# Usage: threads.sh DETENTE GEN_CORPUS SHARED_DATA [SENTENCES]
set -u
bin=$(realpath "$1")
gen=$(realpath "$2")
shared=$(realpath "$3")
nsent=${4:-6000}
fail() { echo "FAIL: $*" >&2; exit 1; }

dev=$shared/petrarch2/PETR.UnitTest.dev.xml
[ -r "$dev" ] || fail "missing $dev (DT_SHARED_DATA)"
command -v sqlite3 >/dev/null || fail "sqlite3 (Debian package sqlite3) is needed"
work=$(mktemp -d "${TMPDIR:-/tmp}/dt_threads.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$gen" --sentences "$nsent" --seed 11 --dev "$dev" --out corpus.jsonl 2>/dev/null ||
    fail "gen_corpus failed"
# Bad records between good ones: a bad date, broken JSON, a bad escape,
# a blank line, an id seen before with the same text (already stored when
# it comes) and with another text (replaces the first).
awk 'NR % 53 == 5 { print "{\"id\":\"bad" NR "\",\"date\":\"2019-13-45\",\"text\":\"Arnor attacked Gondor.\"}" }
     NR % 71 == 7 { print "{not json" }
     NR % 89 == 3 { printf "{\"id\":\"u%d\",\"text\":\"bad \\xff escape\"}\n", NR }
     NR % 97 == 9 { print "" }
     { print }
     NR % 61 == 0 { print }
     NR % 67 == 0 { sub(/"text":"/, "\"text\":\"Gondor police arrested Arnor rebels. ") ; print }' \
    corpus.jsonl >mixed.jsonl
printf 'Xi Jinping visited Pyongyang. China and North Korea signed an agreement.\n' >2019-06-20-visit.txt
inputs=(mixed.jsonl "$dev" 2019-06-20-visit.txt mixed.jsonl)

run() { # threads, extra args... -> out.$1.jsonl err.$1 ("u": 4 threads, unordered)
    local t=$1; shift
    local n=$t
    [ "$t" = u ] && n=4
    "$bin" code --threads "$n" "$@" "${inputs[@]}" >"out.$t.jsonl" 2>"err.$t"
    echo $?
}

ref=$(run 1)
[ "$ref" = 1 ] || fail "--threads 1: exit $ref, want 1 (rejected records); $(tail -3 err.1)"
nev=$(wc -l <out.1.jsonl)
[ "$nev" -gt 100 ] || fail "--threads 1 wrote only $nev events"
grep -q 'rejected: .*malformed input.*bad date' err.1 || fail "no rejections counted: $(tail -2 err.1)"
for t in 2 4; do
    rc=$(run "$t")
    [ "$rc" = "$ref" ] || fail "--threads $t: exit $rc, --threads 1: $ref"
    cmp -s out.1.jsonl "out.$t.jsonl" || fail "--threads $t: JSONL differs from --threads 1: $(cmp out.1.jsonl "out.$t.jsonl")"
    cmp -s err.1 "err.$t" || fail "--threads $t: messages differ: $(diff err.1 "err.$t" | head -5)"
done
echo "JSONL: $nev events, identical for --threads 1, 2, 4"

rc=$(run u --unordered)
[ "$rc" = "$ref" ] || fail "--unordered: exit $rc"
cmp -s <(sort out.1.jsonl) <(sort out.u.jsonl) || fail "--unordered: other events than in order"
cmp -s <(sort err.1) <(sort err.u) || fail "--unordered: other messages"
echo "--unordered: same events and messages"

# The store: every row that does not name the run or the time.
dump() {
    sqlite3 "$1" "
      select d.doc_id, d.content_hash, d.date, d.length, d.nsentences, d.nevents, d.extra
        from documents d order by d.id;
      select d.doc_id, e.sentence, e.sentence_id, e.date, e.source, e.target, e.code, e.root,
             e.quad, e.goldstein, e.passive, e.issues, e.source_off, e.source_len, e.verb_off,
             e.verb_len, e.target_off, e.target_len, e.pattern, e.dict_file, e.dict_line
        from events e join documents d on d.id = e.document order by e.id;
      select * from sentences order by 1;
      select count(*) from rejections;"
}
for t in 1 2 4; do
    rc=$(run "$t" --output "sqlite:store.$t.db")
    [ "$rc" = "$ref" ] || fail "store, --threads $t: exit $rc; $(tail -2 "err.$t")"
    dump "store.$t.db" >"rows.$t" || fail "cannot read store.$t.db"
done
n=$(grep -c '|' rows.1)
[ "$n" -gt "$nev" ] || fail "the store holds only $n rows"
for t in 2 4; do
    cmp -s rows.1 "rows.$t" || fail "store rows differ between --threads 1 and $t: $(diff rows.1 "rows.$t" | head -4)"
done
echo "SQLite: $n rows, identical for --threads 1, 2, 4"

# A second run skips what is stored and replaces only the documents whose
# id comes twice with two texts, the same way whatever the thread count.
for t in 1 4; do
    "$bin" code --threads "$t" --output "sqlite:store.$t.db" "${inputs[@]}" >/dev/null 2>"rerun.$t"
    dump "store.$t.db" >"rerows.$t"
done
grep -q ' already stored, ' rerun.1 || fail "re-run: no summary: $(tail -2 rerun.1)"
stored=$(sed -n 's/.* \([0-9]*\) already stored.*/\1/p' rerun.1)
nread=$(sed -n 's/^detente: \([0-9]*\) documents read.*/\1/p' rerun.1)
[ $((${stored:-0} * 10)) -gt $((${nread:-0} * 8)) ] ||
    fail "re-run skipped only ${stored:-0} of ${nread:-0} documents as stored"
cmp -s rerun.1 rerun.4 || fail "re-run: --threads 1 and 4 differ: $(diff rerun.1 rerun.4 | head -4)"
cmp -s rerows.1 rerows.4 || fail "re-run: store rows differ between --threads 1 and 4"
echo "re-run: $stored documents skipped, the same with 1 and 4 threads"
exit 0
