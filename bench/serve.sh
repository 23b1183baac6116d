#!/usr/bin/env bash
# bench/serve.sh — load test of `detente serve` with wrk on loopback.
#
#   bench/serve.sh [BUILD_DIR]        (default: build)
#
# Builds detente and bench/serve_gen_store.c, writes a synthetic store of
# DT_SERVE_EVENTS events (default 1,000,000; kept between runs in
# BUILD_DIR/serve-bench.db, rebuilt when the count differs), starts the
# server with DT_SERVE_THREADS worker threads (default 2) on a free port,
# and runs wrk against:
#   - cached answers (/api/series, /api/stability, /api/watches,
#     /api/reciprocity, /api/dyads, /api/actors, /api/health), after one
#     request that fills the cache (its time is reported too); the server
#     has the Korea demo's region and watch rules (examples/korea/);
#   - /api/events pages after a random cursor (each request misses the
#     cache and runs its query on the store).
# Results (requests/s, latency percentiles, errors) go to bench/SERVE.md
# (written anew) and stdout. Other knobs: DT_SERVE_DURATION (s, default 10),
# DT_SERVE_CONNECTIONS (default 64), DT_SERVE_WRK_THREADS (default 2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src/build}
events=${DT_SERVE_EVENTS:-1000000}
threads=${DT_SERVE_THREADS:-2}
duration=${DT_SERVE_DURATION:-10}
conns=${DT_SERVE_CONNECTIONS:-64}
wrk_threads=${DT_SERVE_WRK_THREADS:-2}
db=${DT_SERVE_DB:-$build/serve-bench.db}
out=${DT_SERVE_REPORT:-$here/SERVE.md}

for tool in wrk curl sqlite3; do
  command -v "$tool" >/dev/null || { echo "serve.sh: $tool is not installed" >&2; exit 1; }
done
[ -f "$build/CMakeCache.txt" ] || cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target detente serve_gen_store >/dev/null
detente=$build/detente
gen=$build/tests/serve_gen_store

have=$( [ -f "$db" ] && sqlite3 "$db" "SELECT count(*) FROM events" 2>/dev/null || echo 0)
if [ "$have" != "$events" ]; then
  rm -f "$db" "$db-wal" "$db-shm"
  t0=$(date +%s.%N)
  "$gen" "$db" "$events"
  t1=$(date +%s.%N)
  echo "serve.sh: store of $events events written in $(echo "$t1 - $t0" | bc) s"
fi

work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$detente" serve --db "$db" --listen 127.0.0.1:0 --port-file "$work/port" \
  --threads "$threads" --max-connections 1024 \
  --region "$src/examples/korea/region.txt" --watch "$src/examples/korea/watches.txt" \
  2>"$work/server.log" &
server=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/server.log" >&2; echo "serve.sh: server did not start" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")"
maxid=$(sqlite3 "$db" "SELECT max(id) FROM events")

cached=('/api/series?source=USA&target=PRK&period=month' '/api/stability?period=month'
        '/api/watches?period=month' '/api/reciprocity?dyads=USA-PRK,PRK-USA,CHN-PRK'
        '/api/dyads?actor=PRK&limit=50' '/api/actors?limit=50' '/api/health')
load0=$(cut -d' ' -f1-3 /proc/loadavg)

rows=()
run() { # name path [maxid]
  local name=$1 path=$2 mid=${3:-} line
  line=$(DT_WRK_PATH="$path" DT_WRK_MAXID="$mid" wrk -t"$wrk_threads" -c"$conns" \
           -d"${duration}s" -s "$here/serve_wrk.lua" "$base/" 2>&1 | grep '^DTWRK' || true)
  [ -n "$line" ] || { echo "serve.sh: wrk gave no summary for $path" >&2; exit 1; }
  local kv; declare -A v
  for kv in ${line#DTWRK }; do v[${kv%%=*}]=${kv#*=}; done
  local errs=$(( v[connect] + v[read] + v[write] + v[status] + v[timeout] ))
  rows+=("| $name | \`$path\` | ${v[rps]} | ${v[p50_ms]} | ${v[p90_ms]} | ${v[p99_ms]} | ${v[max_ms]} | ${v[requests]} | $errs |")
  printf '%-28s %8s req/s  p50 %6s ms  p99 %7s ms  errors %s\n' "$name" "${v[rps]}" \
    "${v[p50_ms]}" "${v[p99_ms]}" "$errs"
}

first=()
for p in "${cached[@]}"; do
  r=$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}' "$base$p")
  [ "${r%% *}" = 200 ] || { echo "serve.sh: $p answered HTTP ${r%% *}" >&2; exit 1; }
  set -- $r
  first+=("| \`$p\` | $(echo "$2 * 1000 / 1" | bc) | $3 |")
  run "cached" "$p"
done
run "events, random cursor" "/api/events?limit=100" "$maxid"
run "events USA, random cursor" "/api/events?limit=100&source=USA" "$maxid"

load1=$(cut -d' ' -f1-3 /proc/loadavg)
hwm=$(awk '/^VmHWM/ {print $2 " " $3}' "/proc/$server/status")
srvcpu=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$server/stat")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
{
  echo "# detente serve — load test"
  echo
  echo "Written by \`bench/serve.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC')). Reproduce with"
  echo "\`bench/serve.sh\` (knobs in its header)."
  echo
  echo "- Machine: $(nproc) cores ($cpu); load average (1, 5, 15 min) before the"
  echo "  run: $load0, after it: $load1. The machine is shared with other jobs;"
  echo "  figures taken under load are lower bounds."
  echo "- Store: $events synthetic events (\`bench/serve_gen_store.c\`), SQLite,"
  echo "  $(du -h "$db" | cut -f1) on disk."
  echo "- Server: \`detente serve --threads $threads\` (libmicrohttpd thread pool, epoll);"
  echo "  its peak resident memory over the whole run (VmHWM) was $hwm, its CPU"
  echo "  time ${srvcpu} s (user + system)."
  echo "- Client: wrk, $wrk_threads threads, $conns keep-alive connections, ${duration} s per row,"
  echo "  on the same machine (client and server share the cores)."
  echo
  echo "| kind | request | req/s | p50 ms | p90 ms | p99 ms | max ms | requests | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "First (uncached) request of each cached row, as curl timed it:"
  echo
  echo "| request | ms | bytes |"
  echo "|---|---:|---:|"
  printf '%s\n' "${first[@]}"
  echo
  echo "Errors count connect/read/write/timeout errors and non-2xx answers."
  echo "\"events, random cursor\" rows miss the cache by construction: each request"
  echo "asks for the page after a random event id."
} >"$out"
echo "serve.sh: report written to $out"
