#!/usr/bin/env bash
# Bad-input classes not covered by tests/io/bad_input.sh and tests/dict.cmake,
# through the real binary. Each case writes its own input at run time and
# checks the exit status, the message and what is kept (the good records
# around the bad one). Sanitizer reports fail every case. The table in
# docs/robustness.md lists each class with its test.
#
# Usage: bad_input_more.sh DETENTE SHARED_DATA CASE
set -u
bin=$1
shared=$2
case_name=$3
pd="$shared/petrarch2"
[ -r "$pd/PETR.Validate.verbs.txt" ] || {
    echo "FAIL: missing $pd/PETR.Validate.verbs.txt (DT_SHARED_DATA)" >&2
    exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/dt_bad.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export ASAN_OPTIONS="exitcode=99"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=97"
dicts=(--verbs "$pd/PETR.Validate.verbs.txt" --actors "$pd/PETR.Validate.actors.txt"
    --agents "$pd/PETR.Validate.agents.txt" --discards "$pd/PETR.Validate.discards.txt")

fail() {
    echo "FAIL [$case_name]: $*" >&2
    echo "--- stderr:" >&2
    head -n 20 err.txt | cut -c1-300 >&2
    exit 1
}
# run ARGS...: status, out.txt, err.txt; a signal or sanitizer report fails
run() {
    "$@" >out.txt 2>err.txt
    status=$?
    grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' err.txt && fail "sanitizer report"
    [ "$status" -lt 96 ] || fail "status $status (signal or sanitizer)"
}
expect_status() { [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"; }
# (dict check lists its warnings on stdout, the CLI errors go to stderr)
expect_err() { cat err.txt out.txt | grep -Eq "$1" || fail "no message matching /$1/"; }
expect_events() { # expect_events N: exactly N event lines
    local n
    n=$(wc -l <out.txt)
    [ "$n" -eq "$1" ] || fail "$n event lines, expected $1"
}
expect_summary() { # expect_summary READ REJECTED
    grep -Eq "^detente: $1 documents read, .* $2 rejected" err.txt ||
        fail "summary is not '$1 documents read, ... $2 rejected'"
}

# One coded document before and after each bad one: proves nothing good is lost.
good='{"id":"g","date":"2019-06-20","text":"Arnor restored diplomatic ties with Gondor."}'
rec='<Sentence date="20190620" id="G-1" category="X"><EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding><Text>Arnor restored diplomatic ties with Gondor.</Text></Sentence>'
env='<Environment><Verbfile>PETR.Validate.verbs.txt</Verbfile><Actorfile>PETR.Validate.actors.txt</Actorfile><Agentfile>PETR.Validate.agents.txt</Agentfile><Discardfile>PETR.Validate.discards.txt</Discardfile></Environment>'

case $case_name in
xml-entities)
    # "Billion laughs": 10^9 bytes if the entities were expanded.
    {
        echo '<?xml version="1.0"?>'
        printf '<!DOCTYPE v [<!ENTITY a "aaaaaaaaaa">'
        prev=a
        for e in b c d e f g h i; do
            printf '<!ENTITY %s "%s">' $e "$(printf "&$prev;%.0s" 1 2 3 4 5 6 7 8 9 10)"
            prev=$e
        done
        echo ']>'
        echo "<Validation><Sentences>$rec"
        echo '<Sentence date="20190620" id="L-1"><Text>&i;</Text></Sentence></Sentences></Validation>'
    } >lol.xml
    run "$bin" code "${dicts[@]}" --input petrarch-xml lol.xml
    expect_status 1
    expect_err '^detente: lol\.xml:2: .*DOCTYPE'
    [ "$(wc -c <out.txt)" -lt 100000 ] || fail "entities were expanded"
    ;;
xml-deep)
    {
        echo "<Validation><Sentences>$rec"
        for i in $(seq 1 5000); do printf '<a>'; done
        for i in $(seq 1 5000); do printf '</a>'; done
        echo "$rec</Sentences></Validation>"
    } >deep.xml
    run "$bin" code "${dicts[@]}" --input petrarch-xml deep.xml
    [ "$status" -le 1 ] || fail "exit status $status"
    expect_events 2
    ;;
json-deep)
    {
        echo "$good"
        printf '{"id":"deep","date":"2019-06-20","text":"x","extra":'
        head -c 100000 /dev/zero | tr '\0' '['
        echo '}'
        echo "$good"
    } >deep.jsonl
    run "$bin" code "${dicts[@]}" deep.jsonl
    expect_status 1
    expect_err '^detente: deep\.jsonl:2: .*depth'
    expect_events 2
    expect_summary 3 1
    ;;
json-nul-key)
    { echo "$good"; printf '{"id":"k","date":"2019-06-20","text":"x","a\\u0000b":1}\n'; echo "$good"; } >nk.jsonl
    run "$bin" code "${dicts[@]}" nk.jsonl
    expect_status 1
    expect_err '^detente: nk\.jsonl:2: .*NUL'
    expect_events 2
    ;;
huge-token)
    # A 300 KB "word" (over DT_MAX_TOKEN_BYTES) between two codable sentences.
    {
        printf '{"id":"h","date":"2019-06-20","text":"Arnor restored diplomatic ties with Gondor. '
        head -c 300000 /dev/zero | tr '\0' 'x'
        printf '. Gondor police arrested Arnor rebels."}\n'
    } >huge.jsonl
    run "$bin" code "${dicts[@]}" huge.jsonl
    expect_status 0
    expect_summary 1 0
    grep -q '"source":"ARN","target":"GON"' out.txt || fail "the sentence before the huge token was lost"
    ;;
long-sentence)
    # 12,000 tokens without a full stop: over DT_MAX_SENTENCE_TOKENS.
    {
        printf '{"id":"l","date":"2019-06-20","text":"Arnor restored diplomatic ties with Gondor'
        for i in $(seq 1 6000); do printf ' and Gondor'; done
        printf '."}\n'
        echo "$good"
    } >long.jsonl
    run "$bin" code "${dicts[@]}" long.jsonl
    expect_status 0
    expect_summary 2 0
    grep -q '"doc_id":"g"' out.txt || fail "the document after the long sentence was lost"
    # cut into 4,096-token sentences, each over the coder's 2,048: said so
    expect_err "^detente: 3 sentences of more than 2048 tokens not coded"
    ;;
many-sentences)
    # 20,000 one-word sentences in one document.
    {
        printf '{"id":"m","date":"2019-06-20","text":"'
        for i in $(seq 1 20000); do printf 'Yes. '; done
        printf 'Arnor restored diplomatic ties with Gondor."}\n'
    } >many.jsonl
    run "$bin" code "${dicts[@]}" many.jsonl
    expect_status 0
    expect_events 1
    ;;
treebank-deep)
    # A <Parse> nested 100,000 deep, for `validate --use-parse`.
    {
        echo "<Validation>$env<Sentences>"
        printf '<Sentence date="20190620" id="D-1"><EventCoding noevents="True"></EventCoding><Text>y</Text><Parse>'
        for i in $(seq 1 100000); do printf '(X '; done
        printf 'y'
        for i in $(seq 1 100000); do printf ')'; done
        echo '</Parse></Sentence>'
        printf '<Sentence date="20190620" id="G-2"><EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding><Text>Arnor restored diplomatic ties with Gondor.</Text>'
        echo '<Parse>(ROOT (S (NP (NNP Arnor)) (VP (VBD restored) (NP (JJ diplomatic) (NNS ties)) (PP (IN with) (NP (NNP Gondor)))) (. .)))</Parse></Sentence>'
        echo '</Sentences></Validation>'
    } >tdeep.xml
    run "$bin" validate tdeep.xml --dict-dir "$pd" --use-parse
    [ "$status" -le 1 ] || fail "exit status $status"
    grep -q '^D-1 ' out.txt || fail "no line for the deep record"
    grep -q '^G-2 PASS' out.txt || fail "the record after the deep parse did not pass"
    grep -Eq '^[0-9]+ passed, [0-9]+ failed' out.txt || fail "no 'N passed, N failed' line"
    ;;
dict-recursive-synset)
    printf '&A\n+&B\n+WORD\n&B\n+&A\n\n&C\n+&C\n--- X [010] ---\nX\n- * &A [011]\n- * &C [012]\n' >r.verbs.txt
    run "$bin" dict check --verbs r.verbs.txt
    expect_status 1
    expect_err 'r\.verbs\.txt:5: error: .*&B.*itself'
    expect_err 'r\.verbs\.txt:8: error: .*&C.*itself'
    ;;
dict-actor-dates)
    printf 'ARNOR\n\t[ARN 20100101-20120101]\n\t[ARG 20110101-20130101]\n\t[ARX 20120230-20120301]\n\t[ARY 20150101-20140101]\n' >d.actors.txt
    run "$bin" dict check --actors d.actors.txt
    expect_status 1
    expect_err 'd\.actors\.txt:3: warning: .*overlap'
    expect_err 'd\.actors\.txt:4: error: bad date'
    expect_err 'd\.actors\.txt:5: error: .*ends before it starts'
    ;;
dict-agent-subst)
    # A substitution set that contains itself, next to a good one.
    printf '!P! = MAN, MEN\nX!P! [~A]\n!Q! = !Q!\nY!Q! [~B]\nZ [~C]\n' >s.agents.txt
    run "$bin" dict check --agents s.agents.txt
    expect_status 1
    expect_err 's\.agents\.txt:[34]: '
    ;;
dict-markers)
    printf -- '--- X [010] ---\nX\n- * @ [011]\n- * {A [012]\n- * (B [013]\n- * * [014]\n- NOVERB [015]\n- * GOOD [016]\n' >m.verbs.txt
    run "$bin" dict check --verbs m.verbs.txt
    expect_status 1
    expect_err 'm\.verbs\.txt:3: error: unknown marker'
    expect_err 'm\.verbs\.txt:4: error: unbalanced'
    expect_err 'm\.verbs\.txt:6: error: .*more than one'
    expect_err 'm\.verbs\.txt:7: error: .*no .\*'
    grep -q 'm\.verbs\.txt:8:' err.txt out.txt && fail "the good pattern on line 8 was reported"
    ;;
dict-binary)
    # Random bytes (fixed seed) as each kind of dictionary: no crash, a
    # clean status (0 or 1).
    awk 'BEGIN { srand(7); for (i = 0; i < 20000; i++) printf "%c", int(rand() * 256) }' >bin.txt
    for k in verbs actors agents discards issues; do
        run "$bin" dict check --$k bin.txt
        [ "$status" -le 1 ] || fail "--$k: exit status $status"
    done
    run "$bin" code "${dicts[@]}" --actors bin.txt /dev/null
    [ "$status" -le 2 ] || fail "code with a binary actors file: exit status $status"
    ;;
dict-empty)
    : >empty.txt
    for k in verbs actors agents discards issues; do
        run "$bin" dict check --$k empty.txt
        [ "$status" -le 1 ] || fail "--$k: exit status $status"
    done
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 1
    ;;
esac
echo "ok [$case_name]"
