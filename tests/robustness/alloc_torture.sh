#!/usr/bin/env bash
# Allocation fault injection ("torture", as curl does it): run a real
# `detente code` (or `detente validate`) on a small input with the PETRARCH
# validation dictionaries, once normally and then with DT_FAIL_ALLOC=N for
# N = 1, 2, 3, ... (src/common/alloc.c makes the Nth library allocation
# fail). For every N the run must
#   - end with exit status 2 and a "detente: ... out of memory" message, or
#     succeed exactly like the reference run (same status, same stdout) when
#     N is past the last allocation or the failure was absorbed;
#   - never be killed by a signal, never report bad input (1) for a memory
#     failure, never succeed with different output (silent loss);
#   - leak nothing and touch no freed memory: in an ASan+UBSan build
#     (MODE=lsan) LeakSanitizer checks every run; otherwise (MODE=valgrind)
#     every run goes through valgrind with a stride so the test stays short.
# It stops after 3 sampled successes in a row (past the last allocation).
#
# Usage: alloc_torture.sh DETENTE SHARED_DATA code|validate lsan|valgrind|none [STRIDE]
set -u
bin=$1
shared=$2
what=$3
mode=$4
stride=${5:-1}
max_n=${DT_TORTURE_MAX_N:-3000}

pd="$shared/petrarch2"
for f in verbs actors agents discards; do
    [ -r "$pd/PETR.Validate.$f.txt" ] || {
        echo "FAIL: missing $pd/PETR.Validate.$f.txt (DT_SHARED_DATA)" >&2
        exit 1
    }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/dt_torture.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# Inputs written here (nothing copied from the shared data).
cat >in.jsonl <<'JSONL'
{"id":"d1","date":"2019-06-20","text":"Arnor restored diplomatic ties with Gondor. Gondor police arrested Arnor rebels."}
{"id":"d2","date":"1995-01-01","text":"The president of Arnor met the foreign minister of Gondor in Minas Tirith.","title":"t"}
{"id":"d3","date":"2019-13-01","text":"A record with a bad date is rejected."}
{"id":"d4","date":"2019-06-21","text":"Nothing to code here."}
JSONL
cat >in.xml <<'XML'
<Validation>
<Environment>
<Verbfile>PETR.Validate.verbs.txt</Verbfile>
<Actorfile>PETR.Validate.actors.txt</Actorfile>
<Agentfile>PETR.Validate.agents.txt</Agentfile>
<Discardfile>PETR.Validate.discards.txt</Discardfile>
</Environment>
<Sentences>
<Sentence date="20190620" id="T-01" category="DEMO">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>Arnor restored diplomatic ties with Gondor.</Text>
<Parse>(ROOT (S (NP (NNP Arnor)) (VP (VBD restored) (NP (JJ diplomatic) (NNS ties)) (PP (IN with) (NP (NNP Gondor)))) (. .)))</Parse>
</Sentence>
<Config option="require_dyad" value="false"></Config>
<Sentence date="19950101" id="T-02" category="DEMO">
<EventCoding noevents="True"></EventCoding>
<Text>Nothing to code here.</Text>
</Sentence>
</Sentences>
</Validation>
XML

case $what in
code)
    cmd=("$bin" code --verbs "$pd/PETR.Validate.verbs.txt" --actors "$pd/PETR.Validate.actors.txt"
        --agents "$pd/PETR.Validate.agents.txt" --discards "$pd/PETR.Validate.discards.txt" in.jsonl)
    ;;
validate)
    cmd=("$bin" validate in.xml --dict-dir "$pd")
    ;;
*)
    echo "unknown command $what" >&2
    exit 1
    ;;
esac

# Distinct exit codes for sanitizer and valgrind reports, so they cannot
# pass for the program's own 0/1/2.
export ASAN_OPTIONS="detect_leaks=1:exitcode=99:abort_on_error=0"
export LSAN_OPTIONS="exitcode=98"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=97:print_stacktrace=1"
wrap=()
case $mode in
lsan | none) ;;
valgrind)
    command -v valgrind >/dev/null || {
        echo "FAIL: valgrind not installed" >&2
        exit 1
    }
    wrap=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
        --error-exitcode=96)
    ;;
*)
    echo "unknown mode $mode" >&2
    exit 1
    ;;
esac

run() { # run N (0 = no injection) -> status, out.txt, err.txt
    if [ "$1" -eq 0 ]; then
        "${wrap[@]}" "${cmd[@]}" >out.txt 2>err.txt
    else
        DT_FAIL_ALLOC=$1 "${wrap[@]}" "${cmd[@]}" >out.txt 2>err.txt
    fi
    status=$?
}

failures=0
bad() {
    echo "FAIL [$what N=$1]: $2" >&2
    sed 's/^/    /' err.txt | head -n 30 >&2
    failures=$((failures + 1))
}

run 0
ref_status=$status
cp out.txt ref.txt
if [ "$ref_status" -ne 0 ] && [ "$ref_status" -ne 1 ]; then
    bad 0 "reference run exit status $ref_status"
    exit 1
fi
[ -s ref.txt ] || {
    bad 0 "reference run wrote nothing"
    exit 1
}

n=1
ok_streak=0
runs=0
ooms=0
while [ "$n" -le "$max_n" ]; do
    run "$n"
    runs=$((runs + 1))
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' err.txt; then
        bad "$n" "sanitizer report (status $status)"
    elif [ "$status" -ge 96 ] && [ "$status" -le 99 ]; then
        bad "$n" "sanitizer/valgrind error (status $status)"
    elif [ "$status" -ge 128 ]; then
        bad "$n" "killed by signal $((status - 128))"
    elif [ "$status" -eq 2 ]; then
        ok_streak=0
        ooms=$((ooms + 1))
        grep -Eq '^detente: .*out of memory' err.txt ||
            bad "$n" "exit status 2 without a 'detente: ... out of memory' message"
    elif [ "$status" -eq "$ref_status" ] && cmp -s out.txt ref.txt; then
        ok_streak=$((ok_streak + 1))
        [ "$ok_streak" -ge 3 ] && break
    elif [ "$status" -eq "$ref_status" ]; then
        bad "$n" "exit status $status like the reference run, but different output (silent loss)"
        ok_streak=0
    else
        bad "$n" "exit status $status (expected 2 for out of memory, or $ref_status)"
        ok_streak=0
    fi
    n=$((n + stride))
done
if [ "$n" -gt "$max_n" ]; then
    echo "FAIL [$what]: still failing allocations at N=$max_n (raise DT_TORTURE_MAX_N?)" >&2
    failures=$((failures + 1))
fi
echo "$what: $runs runs (stride $stride, mode $mode), $ooms out-of-memory exits, last N=$n, $failures failure(s)"
[ "$failures" -eq 0 ]
