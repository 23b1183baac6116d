#!/usr/bin/env bash
# Run the real `detente code` on one kind of bad (or good) input that this
# script generates at run time, and check the contract of DESIGN.md:
#   - the exit status (0 ok, 1 something rejected or bad usage, 2 internal);
#   - exactly one "detente: FILE:LINE: reason" (or "FILE: byte N: reason")
#     line per bad record, naming the right file, line and reason;
#   - the good records before and after the bad one are still read, as
#     counted by the summary line.
#
# Usage: bad_input.sh DETENTE_BINARY CASE [SHARED_DATA_DIR]
set -u
bin=$1
case_name=$2
shared=${3:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/dt_io_${case_name}.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

fail() {
    echo "FAIL [$case_name]: $*" >&2
    echo "--- stderr:" >&2
    cat err.txt >&2 2>/dev/null
    exit 1
}

# The small PETRARCH validation dictionaries: these tests are about the
# readers and the accounting, so any dictionary set will do.
pd="$shared/petrarch2"
[ -r "$pd/PETR.Validate.verbs.txt" ] || {
    echo "FAIL [$case_name]: missing $pd/PETR.Validate.verbs.txt (DT_SHARED_DATA)" >&2
    exit 1
}
dicts=(--verbs "$pd/PETR.Validate.verbs.txt" --actors "$pd/PETR.Validate.actors.txt"
    --agents "$pd/PETR.Validate.agents.txt" --discards "$pd/PETR.Validate.discards.txt")

# run ARGS...: runs detente code, keeps stdout in out.txt, stderr in err.txt
run() {
    "$bin" code "${dicts[@]}" "$@" >out.txt 2>err.txt
    status=$?
}

expect_status() {
    [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"
}

# expect_errors FILE N: exactly N error lines about FILE
expect_errors() {
    local n
    n=$(grep -c "^detente: $1[:]" err.txt)
    [ "$n" -eq "$2" ] || fail "$n error lines for $1, expected $2"
}

# expect_error FILE LINE REGEX: an error line for FILE at LINE matching REGEX
expect_error() {
    grep -Eq "^detente: $1:$2: .*$3" err.txt ||
        fail "no error line 'detente: $1:$2: ...$3...'"
}

# expect_summary READ REJECTED: and coded + without events = READ - REJECTED
expect_summary() {
    local line read coded without rejected
    line=$(grep -E '^detente: [0-9]+ documents read, ' err.txt | tail -n 1)
    [ -n "$line" ] || fail "no summary line"
    read=$(echo "$line" | sed -E 's/^detente: ([0-9]+) documents read.*/\1/')
    coded=$(echo "$line" | sed -E 's/.* ([0-9]+) coded.*/\1/')
    without=$(echo "$line" | sed -E 's/.* ([0-9]+) without events.*/\1/')
    rejected=$(echo "$line" | sed -E 's/.* ([0-9]+) rejected.*/\1/')
    [ "$read" -eq "$1" ] || fail "summary says $read documents read, expected $1"
    [ "$rejected" -eq "$2" ] || fail "summary says $rejected rejected, expected $2"
    [ $((coded + without)) -eq $(($1 - $2)) ] ||
        fail "coded ($coded) + without events ($without) != read - rejected"
}

good() { # good ID -> one valid JSONL line
    printf '{"id":"%s","date":"2019-06-20","text":"Xi Jinping visited Pyongyang and met Kim Jong-un."}\n' "$1"
}

many() { # many N -> N valid JSONL lines
    local i
    for ((i = 0; i < $1; i++)); do
        printf '{"id":"d%d","date":"2019-06-%02d","text":"Record %d: the foreign minister of France met his Chinese counterpart in Beijing to discuss trade, sanctions and the nuclear talks."}\n' \
            "$i" $((i % 28 + 1)) "$i"
    done
}

case "$case_name" in
utf8)
    { good a; printf '{"id":"b","text":"bad \xff\xfe byte"}\n'; good c; } >in.jsonl
    run in.jsonl
    expect_status 1
    expect_errors in.jsonl 1
    expect_error in.jsonl 2 "invalid UTF-8"
    expect_summary 3 1
    ;;
json)
    { good a; good b; printf '{"id":"c","text":"unterminated\n'; good d; } >in.jsonl
    run in.jsonl
    expect_status 1
    expect_errors in.jsonl 1
    expect_error in.jsonl 3 "JSON syntax error"
    expect_summary 4 1
    ;;
fields)
    {
        good a
        printf '{"date":"2019-06-20","text":"no id"}\n'
        printf '{"id":42,"text":"numeric id"}\n'
        printf '{"id":"x","date":"2019-06-20"}\n'
        printf '{"id":"y","text":["not","a","string"]}\n'
        good b
    } >in.jsonl
    run in.jsonl
    expect_status 1
    expect_errors in.jsonl 4
    expect_error in.jsonl 2 'missing "id"'
    expect_error in.jsonl 3 '"id" must be a string'
    expect_error in.jsonl 4 'missing "text"'
    expect_error in.jsonl 5 '"text" must be a string'
    expect_summary 6 4
    ;;
dates)
    {
        good a
        printf '{"id":"b","date":"2019-02-30","text":"x"}\n'
        good c
        printf '{"id":"d","date":"2019-13-01","text":"x"}\n'
        good e
        printf '{"id":"f","date":"yesterday","text":"x"}\n'
        good g
    } >in.jsonl
    run in.jsonl
    expect_status 1
    expect_errors in.jsonl 3
    expect_error in.jsonl 2 'bad date "2019-02-30"'
    expect_error in.jsonl 4 'bad date "2019-13-01"'
    expect_error in.jsonl 6 'bad date "yesterday"'
    expect_summary 7 3
    ;;
nul)
    { good a; printf '{"id":"b","text":"has\0nul"}\n'; good c; } >in.jsonl
    run in.jsonl
    expect_status 1
    expect_errors in.jsonl 1
    expect_error in.jsonl 2 "NUL byte"
    expect_summary 3 1
    ;;
empty)
    : >empty.jsonl
    good a >after.jsonl
    run empty.jsonl after.jsonl
    expect_status 1
    expect_errors empty.jsonl 1
    expect_error empty.jsonl 1 "empty input"
    expect_errors after.jsonl 0
    expect_summary 2 1
    ;;
binary)
    { printf '\200'; LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256) }'; } >blob.bin
    good a >after.jsonl
    run blob.bin after.jsonl
    expect_status 1
    expect_errors blob.bin 1
    grep -Eq "^detente: blob.bin:[0-9]+: (invalid UTF-8|NUL byte)" err.txt || fail "binary not rejected as bad text"
    expect_summary 2 1
    ;;
longline)
    # 50 MB in one line: rejected without being buffered whole, skipped
    # to its newline, and the records on either side still read.
    {
        good a
        printf '{"id":"big","text":"'
        head -c 52428800 /dev/zero | tr '\0' 'x'
        printf '"}\n'
        good c
    } >in.jsonl
    run in.jsonl
    expect_status 1
    expect_errors in.jsonl 1
    expect_error in.jsonl 2 "line too long"
    expect_summary 3 1
    ;;
bigtext)
    # A text document over 64 MiB is rejected after reading one byte past
    # the limit (not all of it); the next file is still read.
    head -c 70000000 /dev/zero | tr '\0' 'a' >big.txt
    printf 'Sanctions were extended.\n' >small.txt
    run big.txt small.txt
    expect_status 1
    expect_errors big.txt 1
    grep -Eq "^detente: big.txt: byte [0-9]+: document larger than" err.txt ||
        fail "no 'document larger than' error with a byte offset"
    expect_summary 2 1
    ;;
gzip-ok | zstd-ok)
    many 300 >in.jsonl
    if [ "$case_name" = gzip-ok ]; then gzip -c in.jsonl >in.jsonl.z; else zstd -q -c in.jsonl >in.jsonl.z; fi
    run in.jsonl.z
    expect_status 0
    expect_errors in.jsonl.z 0
    expect_summary 300 0
    # and the same through a pipe
    "$bin" code "${dicts[@]}" <in.jsonl.z >out.txt 2>err.txt
    status=$?
    expect_status 0
    expect_summary 300 0
    ;;
gzip-cut | zstd-cut)
    many 3000 >in.jsonl
    if [ "$case_name" = gzip-cut ]; then gzip -c in.jsonl >full.z; else zstd -q -c in.jsonl >full.z; fi
    size=$(wc -c <full.z)
    head -c $((size / 2)) full.z >cut.z
    run cut.z
    expect_status 1
    expect_errors cut.z 1
    kind=${case_name%-cut}
    grep -Eq "^detente: cut.z: byte [0-9]+: truncated $kind stream" err.txt ||
        fail "no 'truncated $kind stream' error with a byte offset"
    # The error names the decoded byte offset where the damage starts;
    # every line complete before it must have been read (gzip can deliver
    # up to the cut, zstd only whole 128 KiB blocks).
    at=$(sed -nE "s/^detente: cut.z: byte ([0-9]+): .*/\1/p" err.txt)
    complete=$(head -c "$at" in.jsonl | tr -cd '\n' | wc -c)
    [ "$complete" -gt 100 ] && [ "$complete" -lt 3000 ] ||
        fail "damage at byte $at leaves $complete complete records: cut not in the middle?"
    read=$((complete + 1))
    expect_summary "$read" 1
    ;;
xml-cut)
    [ -r "$shared/petrarch2/PETR.UnitTest.dev.xml" ] || fail "missing $shared/petrarch2/PETR.UnitTest.dev.xml"
    # Cut the file in the middle of a <Sentence>: every complete record
    # before the cut is coded, then one XML error names the line.
    total=$(wc -l <"$shared/petrarch2/PETR.UnitTest.dev.xml")
    head -n $((total / 2)) "$shared/petrarch2/PETR.UnitTest.dev.xml" >cut.xml
    printf '<Sentence date="20190101" id="CUT-1"><Text>Truncated here' >>cut.xml
    before=$(grep -c '</Sentence>' cut.xml)
    run cut.xml
    expect_status 1
    expect_errors cut.xml 1
    grep -Eq "^detente: cut.xml:[0-9]+: XML error" err.txt || fail "no XML error line"
    expect_summary $((before + 1)) 1
    ;;
xml-encoding)
    # Bytes that are not in the encoding the file declares: the records
    # before them are coded, one XML error names the line and the cause,
    # and nothing else reaches stderr (libxml2's own conversion messages
    # have no file or line, so the reader keeps them off the terminal).
    {
        printf '<?xml version="1.0" encoding="Shift_JIS"?>\n<Sentences>\n'
        printf '<Sentence date="20190101" id="E-1"><Text>Arnor attacked Gondor.</Text></Sentence>\n'
        printf '<Sentence date="20190101" id="E-2"><Text>Gondor praised Arnor.</Text></Sentence>\n'
        printf '<Sentence date="20190101" id="E-3"><Text>Bad \xff\xfe\x80 bytes.</Text></Sentence>\n'
        printf '</Sentences>\n'
    } >enc.xml
    run --input petrarch-xml enc.xml
    expect_status 1
    expect_errors enc.xml 1
    expect_error enc.xml 5 "not in the document's declared encoding"
    if grep -v '^detente: ' err.txt | grep -q .; then
        fail "stderr has lines that are not detente's own"
    fi
    expect_summary 3 1
    ;;
petrarch)
    f="$shared/petrarch2/PETR.UnitTest.dev.xml"
    [ -r "$f" ] || fail "missing $f"
    run --input petrarch-xml "$f"
    expect_status 0
    expect_summary 198 0
    # auto-detection and gzip give the same
    gzip -c "$f" >dev.xml.gz
    run dev.xml.gz
    expect_status 0
    expect_summary 198 0
    # <Config> options hold within their file only: a file that ends by
    # switching options on, read twice, codes the same events twice.
    sed 's|^</Sentences>|<Config option="new_actor_length" value="4"></Config><Config option="require_dyad" value="false"></Config>\n</Sentences>|' "$f" >tail.xml
    grep -q 'value="4"></Config><Config option="require_dyad"' tail.xml || fail "could not edit the copy"
    run tail.xml
    once=$(sed -nE 's/^detente: .* ([0-9]+) events$/\1/p' err.txt)
    cp out.txt once.txt
    run tail.xml tail.xml
    expect_status 0
    expect_summary 396 0
    cat once.txt once.txt | cmp -s - out.txt || fail "second pass over the file coded differently"
    [ "$(sed -nE 's/^detente: .* ([0-9]+) events$/\1/p' err.txt)" -eq $((2 * once)) ] ||
        fail "event count of two passes is not twice one pass"
    ;;
missing)
    good a >there.jsonl
    run nothere.jsonl there.jsonl
    expect_status 1
    expect_errors nothere.jsonl 1
    grep -Eq "^detente: nothere.jsonl: cannot open" err.txt || fail "no 'cannot open' line"
    expect_summary 2 1
    ;;
text)
    printf 'Xi Jinping arrived in Pyongyang on Thursday. He met Kim Jong-un.\n' >2019-06-20-visit.txt
    printf 'Sanctions were extended.\n' >undated.txt
    run --date 2019-07-01 2019-06-20-visit.txt undated.txt
    expect_status 0
    expect_summary 2 0
    grep -Eq '^detente: 2 documents read, .* [1-9][0-9]* sentences' err.txt || fail "no sentences counted"
    ;;
textbad)
    # A text file is one document: a stray Latin-1 byte is replaced by '?'
    # (offsets kept) and reported with its line and column; the document is
    # still coded and the run exits 1. A file that is mostly not UTF-8
    # (over 1% bad bytes) is still rejected whole, and the next file is read.
    printf 'Arnor is about to restore full diplomatic ties with Gondor. Caf\351 owners cheered.\n' >1995-01-01-latin1.txt
    { printf 'Arnor is about to restore full diplomatic ties with Gondor.'; printf '\351\350\347'; } >1995-01-02-mostly-bad.txt
    printf 'Arnor is about to restore full diplomatic ties with Gondor.\n' >1995-01-03-good.txt
    run 1995-01-01-latin1.txt 1995-01-02-mostly-bad.txt 1995-01-03-good.txt
    expect_status 1
    grep -Eq "^detente: 1995-01-01-latin1.txt:1: invalid UTF-8 .*column 64.*1 byte replaced by '\?'" err.txt ||
        fail "no repair message with the byte offset for the Latin-1 file"
    expect_errors 1995-01-02-mostly-bad.txt 1
    expect_summary 3 1
    grep -q '"doc_id":"1995-01-01-latin1"' out.txt || fail "the repaired document was not coded"
    grep -q '"doc_id":"1995-01-03-good"' out.txt || fail "the file after the bad one was not coded"
    grep -q '1 document kept with bytes that were not UTF-8 replaced' err.txt || fail "no repair count in the summary"
    ;;
output)
    # Events: one JSONL line per event counted in the summary, the input's
    # extra fields passed through; TSV with its header to a file via -o.
    printf '{"id":"e1","date":"1995-01-01","title":"T-one","text":"Arnor is about to restore full diplomatic ties with Gondor."}\n' >in.jsonl
    run in.jsonl
    expect_status 0
    expect_summary 1 0
    grep -q '"doc_id":"e1"' out.txt || fail "no event for e1"
    grep -q '"title":"T-one"' out.txt || fail "extra field 'title' not passed through"
    run -o ev.tsv --output tsv "$pd/PETR.UnitTest.dev.xml"
    expect_status 0
    expect_summary 198 0
    [ ! -s out.txt ] || fail "-o FILE still wrote events to stdout"
    head -n 1 ev.tsv | grep -q "^date	source	target	code" || fail "no TSV header"
    events=$(sed -nE 's/^detente: .* ([0-9]+) events$/\1/p' err.txt)
    [ "$events" -gt 100 ] || fail "only $events events from the PETRARCH records"
    [ $(($(wc -l <ev.tsv) - 1)) -eq "$events" ] || fail "TSV rows != $events events"
    run "$pd/PETR.UnitTest.dev.xml"
    [ "$(grep -c '^{"doc_id":' out.txt)" -eq "$events" ] || fail "JSONL lines != $events events"
    ;;
usage)
    run --bogus
    expect_status 1
    grep -q "unknown option" err.txt || fail "no 'unknown option' message"
    run --date 2019-02-30 x.jsonl
    expect_status 1
    grep -q "bad --date" err.txt || fail "no 'bad --date' message"
    run --input yaml x
    expect_status 1
    run --help
    expect_status 0
    grep -q "Usage: detente code" out.txt || fail "--help does not print usage"
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
echo "ok [$case_name]"
exit 0
