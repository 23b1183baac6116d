#!/bin/sh
# detente benchmark: build a Release binary in its own build directory,
# generate the corpus into bench/out/, time the pipeline stages, and print
# the figures with the machine details.
#
#   bench/run.sh                 1,000,000 sentences, 3 passes per stage
#   bench/run.sh --large         2,000,000 sentences
#   bench/run.sh --perf          also perf stat + perf record hot spots
#   bench/run.sh --callgrind     also callgrind hot spots (on 2,000 documents)
#
# After the driver's stages, the product itself is timed end to end:
# `detente code` with the full-size dictionaries over the same corpus
# (reading, coding, writing JSONL events to a file); --no-e2e skips it.
#
# Other options: --sentences N, --seed S, --repeat N, --no-build, --no-e2e,
# --stages LIST (tokenise,tag,full[,code]; default: all that are built).
# Environment: DT_BENCH_BUILD (build dir, default build-bench-release),
# DT_SHARED_DATA (PETRARCH dev sentences and full-size dictionaries,
# default ../shared/data beside the checkout).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${DT_BENCH_BUILD:-$root/build-bench-release}
out=$here/out
shared=${DT_SHARED_DATA:-$root/../shared/data}

sentences=1000000
seed=20190620
repeat=3
stages=
do_build=1
do_perf=0
do_callgrind=0
do_e2e=1

usage() {
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case $1 in
    --large) sentences=2000000 ;;
    --sentences) sentences=$2; shift ;;
    --seed) seed=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --stages) stages=$2; shift ;;
    --no-build) do_build=0 ;;
    --perf) do_perf=1 ;;
    --callgrind) do_callgrind=1 ;;
    --no-e2e) do_e2e=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
    esac
    shift
done

if [ "$do_build" = 1 ]; then
    # DT_WERROR=OFF: a new compiler warning elsewhere in the tree should not
    # stop a measurement. -fno-omit-frame-pointer keeps perf call graphs
    # usable at a cost of about 1%; -g lets perf annotate show source lines
    # (it does not change the generated code).
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDT_WERROR=OFF \
        -DCMAKE_C_FLAGS="-g -fno-omit-frame-pointer" -DDT_BENCH_CODER=AUTO >/dev/null
    if ! cmake --build "$build" --target gen_corpus dt_bench -j "$(nproc)" \
        >"$build/bench-build.log" 2>&1; then
        # The coder may have sources before it links; measure what does.
        echo "run.sh: dt_bench with the code stage did not build; retrying without it" \
            "(see $build/bench-build.log)" >&2
        cmake -S "$root" -B "$build" -DDT_BENCH_CODER=OFF >/dev/null
        cmake --build "$build" --target gen_corpus dt_bench -j "$(nproc)"
    fi
    if [ "$do_e2e" = 1 ] && ! cmake --build "$build" --target detente -j "$(nproc)" \
        >>"$build/bench-build.log" 2>&1; then
        echo "run.sh: the detente binary did not build; no end-to-end figure" >&2
        do_e2e=0
    fi
fi
gen=$build/bench/gen_corpus
drv=$build/bench/dt_bench

mkdir -p "$out"
corpus=$out/corpus-$sentences-$seed.jsonl
dev=$shared/petrarch2/PETR.UnitTest.dev.xml
# Regenerate when the generator changed since the corpus was written.
if [ ! -s "$corpus" ] || [ "$gen" -nt "$corpus" ]; then
    if [ -r "$dev" ]; then
        "$gen" --sentences "$sentences" --seed "$seed" --dev "$dev" --out "$corpus.tmp"
    else
        echo "run.sh: $dev not readable; the corpus is all generated" >&2
        "$gen" --sentences "$sentences" --seed "$seed" --no-dev --out "$corpus.tmp"
    fi
    mv "$corpus.tmp" "$corpus"
fi

cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
echo "machine  $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr)"
echo "compiler $("${cc:-cc}" --version | head -1), Release (-O3 -DNDEBUG -g -fno-omit-frame-pointer)"
echo "commit   $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "$(git -C "$root" diff --quiet HEAD -- src include 2>/dev/null || echo '(with uncommitted changes in src/ or include/)')"
echo "command  bench/run.sh $(if [ "$sentences" != 1000000 ]; then echo "--sentences $sentences "; fi)--repeat $repeat${stages:+ --stages $stages}"
echo

set -- --repeat "$repeat" --dict-dir "$shared/petrarch2" --json "$out/results.json"
if [ -n "$stages" ]; then
    set -- "$@" --stages "$stages"
fi
"$drv" "$@" "$corpus"

if [ "$do_e2e" = 1 ] && [ -x "$build/detente" ]; then
    d=$shared/petrarch2
    echo
    echo "== end to end: detente code, full-size dictionaries, events to a file =="
    /usr/bin/time -f '%e %U %S %M' -o "$out/e2e.time" "$build/detente" code \
        --verbs "$d/CAMEO.verbpatterns.150430.txt" \
        --actors "$d/Phoenix.Countries.actors.txt" \
        --actors "$d/Phoenix.International.actors.txt" \
        --actors "$d/Phoenix.MilNonState.actors.txt" \
        --agents "$d/Phoenix.agents.txt" --discards "$d/Phoenix.discards.txt" \
        --issues "$d/Phoenix.IssueCoding.txt" -o "$out/events.jsonl" "$corpus" \
        2>"$out/e2e.err" || echo "run.sh: detente code exited with status $?" >&2
    tail -n 3 "$out/e2e.err"
    # Sentences and MB from the driver's JSON, so both use the same counts.
    nsent=$(sed -n 's/^ *"sentences": *\([0-9]*\),*$/\1/p' "$out/results.json" | head -1)
    mb=$(sed -n 's/^ *"mb": *\([0-9.e+-]*\),*$/\1/p' "$out/results.json" | head -1)
    read -r wall user sys rss <"$out/e2e.time"
    awk -v n="$nsent" -v mb="$mb" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
        -v ev="$(wc -l <"$out/events.jsonl")" 'BEGIN {
        cpu = u + s; if (cpu <= 0) cpu = 1e-9
        printf "e2e      cpu %.2f s, wall %.2f s: %.0f sentences/s per core, %.1f MB/s, %d events, peak RSS %.1f MiB\n", cpu, w, n / cpu, mb / cpu, ev, r / 1024
        printf "         (includes dictionary load, JSONL reading and event writing; CPU = user + sys)\n" }'
fi

if [ "$do_perf" = 1 ]; then
    echo
    echo "== perf stat (stage full, 1 pass; the corpus load is included) =="
    perf stat -e task-clock,page-faults,context-switches,cycles,instructions,branch-misses \
        -o "$out/perf-stat.txt" "$drv" --stages full --repeat 1 --check 0 "$corpus" >/dev/null
    cat "$out/perf-stat.txt"
    echo "== perf record: hot spots of stage full (self time, detente code only) =="
    perf record -q -e cpu-clock -F 2000 -g -o "$out/perf.data" \
        "$drv" --stages full --repeat 2 --check 0 "$corpus" >/dev/null 2>&1
    perf report -i "$out/perf.data" --stdio --no-children --sort symbol \
        --dsos "$(basename "$drv")" -g none --percent-limit 1 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -30
    echo "(full profile: perf report -i $out/perf.data)"
fi

if [ "$do_callgrind" = 1 ]; then
    echo
    echo "== callgrind: stage full on the first 2,000 documents =="
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
        "$drv" --stages full --repeat 1 --check 0 --limit 2000 "$corpus" >/dev/null 2>&1
    callgrind_annotate "$out/callgrind.out" 2>/dev/null | sed -n '1,45p'
fi
