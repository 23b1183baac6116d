-- wrk script for bench/serve.sh: prints one machine-readable summary line.
-- With DT_WRK_MAXID set, every request asks /api/events for a page after a
-- random cursor, so that no two requests share a cache entry and each one
-- runs its query on the store.
local maxid = tonumber(os.getenv("DT_WRK_MAXID") or "")
local base = os.getenv("DT_WRK_PATH") or "/api/health"

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  if maxid then
    local id = math.random(0, maxid)
    return wrk.format("GET", string.format("%s&cursor=c%x", base, id))
  end
  return wrk.format("GET", base)
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "DTWRK requests=%d secs=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
