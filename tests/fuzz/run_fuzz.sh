#!/usr/bin/env bash
# Run one libFuzzer campaign and print its figures (for docs/robustness.md).
#
#   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DDT_FUZZ=ON
#   cmake --build build-fuzz --target fuzz_jsonl
#   tests/fuzz/run_fuzz.sh build-fuzz jsonl 600 [extra libFuzzer flags]
#
# The working corpus is $DT_FUZZ_WORK/<target> (default /tmp/dt_fuzz_work),
# started from the seeds in tests/fuzz/corpus/<target>/, which are only read.
# Crashes, leaks and timeouts land in $DT_FUZZ_WORK/<target>/artifacts/;
# minimise one with `fuzz_<target> -minimize_crash=1 -runs=100000 FILE`,
# add it to tests/fuzz/corpus/<target>/ and report it. The text and
# treebank targets code with the PETRARCH validation dictionaries found
# through DT_SHARED_DATA (default: ../shared/data beside the checkout).
set -u
build=$1
target=$2
secs=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/tests/fuzz_$target"
[ -x "$bin" ] || {
    echo "no $bin (configure with -DDT_FUZZ=ON and build fuzz_$target)" >&2
    exit 1
}
work=${DT_FUZZ_WORK:-/tmp/dt_fuzz_work}
mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
export DT_SHARED_DATA=${DT_SHARED_DATA:-$here/../../../shared/data}

case $target in
xml | stream) max_len=16384 ;;
verbs | actors | agents | discards | issues | own) max_len=8192 ;;
*) max_len=4096 ;;
esac

# Format tokens (tests/fuzz/dicts/<target>.dict) help the mutator through
# the grammar; the text target mutates plain words well enough without.
dict=()
[ -r "$here/dicts/$target.dict" ] && dict=(-dict="$here/dicts/$target.dict")

# The text target has ten thousand and more features; the entropic
# schedule's bookkeeping of them (UpdateFeatureFrequency) took a third of
# its CPU time, and without it the target runs about 1.4 times as many
# inputs per CPU second (docs/robustness.md). Elsewhere it costs little.
sched=()
[ "$target" = text ] && sched=(-entropic=0)

log="$work/$target.log"
# One process unless -fork=N is passed (then N worker processes, whose
# executions the parent adds up: one campaign with one corpus); memory and time limits keep a
# runaway input from taking the machine down. -timeout is 60 s, not less:
# a campaign may be paused (SIGSTOP) for about a minute while others take
# quiet-window benchmarks, and libFuzzer's timer counts wall-clock time, so
# a paused input must not be reported as a hang.
load0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
"$bin" "$work/$target/corpus" "$here/corpus/$target" \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=60 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" "${dict[@]}" "${sched[@]}" "$@" >"$log" 2>&1
status=$?
load1=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
# CPU time of the fuzzer (user + system, from the shell's children times):
# under load and nice 19 the wall-clock exec/s says more about the machine
# than about the target, executions per CPU second do not.
times >"$work/$target.times" # not in a pipe: a subshell has no children
cpu=$(tail -n 1 "$work/$target.times" | awk '{
    t = 0
    for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
    printf "%.1f", t }')
done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1)
execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
# -fork=N: the parent prints "#RUNS: cov: ... oom/timeout/crash: A/B/C ..."
# after each job (the jobs' own logs and final stats are not kept), so
# the executions are the last such line's count.
fork_line=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1)
if [ -n "$fork_line" ]; then
    done_line=$fork_line
    execs=$(printf '%s\n' "$fork_line" | sed -E 's/^#([0-9]+):.*/\1/')
fi
rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' | tail -n 1)
per_cpu=$(awk -v e="$execs" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f", e / c; else print "?" }')
echo "target=$target seconds=$secs status=$status execs=$execs exec/s=${rate:-?} cpu_s=$cpu exec/cpu_s=$per_cpu load=${load0:-?}..${load1:-?}"
echo "last: $done_line"
ls "$work/$target/artifacts" 2>/dev/null | sed 's/^/artifact: /'
