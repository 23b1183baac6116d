#!/bin/bash
# CPU time of each thread of one `detente code` run, for judging the
# thread speed-up on a machine too busy for wall times to mean anything:
# on N idle cores the run cannot finish before max(busiest thread, total
# CPU / N), so (one-thread CPU) / that bound is the best speed-up the
# threads allow.
#
#   bench/thread_cpu.sh DETENTE THREADS INPUT [detente code options...]
#
# Prints the CPU seconds of every thread (sampled from /proc every 50 ms;
# the last value seen per thread, so a thread that ends between samples
# loses at most 50 ms), their total, and the bound for THREADS cores.
set -eu
[ $# -ge 3 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
bin=$1 t=$2 in=$3
shift 3
"$bin" code -q --threads "$t" "$@" -o /dev/null "$in" &
pid=$!
declare -A cpu
while kill -0 "$pid" 2>/dev/null; do
    for f in /proc/"$pid"/task/*/stat; do
        read -r line <"$f" 2>/dev/null || continue
        tid=${f#/proc/"$pid"/task/}
        tid=${tid%/stat}
        # fields after "(comm) ": utime and stime are the 12th and 13th
        # shellcheck disable=SC2086
        set -- ${line##*) }
        cpu[$tid]=$((${12} + ${13}))
    done
    sleep 0.05
done
wait "$pid"
hz=$(getconf CLK_TCK)
for k in "${!cpu[@]}"; do echo "${cpu[$k]}"; done | sort -rn |
    awk -v hz="$hz" -v n="$t" '
    { s = $1 / hz; tot += s; if (s > max) max = s; line = line sprintf(" %.2f", s) }
    END {
        b = tot / n > max ? tot / n : max
        printf("threads %d: CPU s per thread:%s; total %.2f; wall on %d idle cores >= %.2f s\n", n, line, tot, n, b)
    }'
