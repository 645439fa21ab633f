#!/usr/bin/env bash
# Load test of `encore serve` on loopback with wrk: chart requests (the endpoint people hit most),
# reporting throughput, p50/p99 latency, errors and the server's peak RSS.
#   bench/serve_load.sh ENCORE_BINARY STORE [SECONDS] [CONNECTIONS] [--check]
# --check: exit 1 on any socket error, timeout or non-2xx answer (the test uses it; it never
# judges speed).
set -euo pipefail
encore=$1 store=$2 secs=${3:-10} conns=${4:-16} check=${5:-}
command -v wrk >/dev/null || { echo "serve_load: wrk is missing (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$encore" serve --store "$store" --port 0 --quiet >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q 'Press Ctrl-C' "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/out" | head -1)
[[ -n "$base" ]] || { echo "serve_load: the server did not start" >&2; cat "$work/err" >&2; exit 1; }
# The charts a visitor pages through: a week of compiled daily charts and some weekly ones (each
# computed once, then served from the response cache).
# $SERVE_LOAD_PATHS (space-separated) replaces them, e.g. with "/assets/app.css" for the floor of
# the HTTP library itself.
paths=()
if [[ -n "${SERVE_LOAD_PATHS:-}" ]]; then
  read -r -a paths <<<"$SERVE_LOAD_PATHS"
else
  for d in 13 14 15 16 17 18 19; do paths+=("/api/v1/charts/spotify-daily?date=2023-07-$d"); done
  paths+=("/api/v1/charts/spotify-weekly?date=2023-07-20" "/api/v1/charts/spotify-weekly?date=2023-07-27"
          "/api/v1/charts/global-200-style?date=2023-07-29")
fi
# Warm the cache the way the first visitors would, one request at a time (bash's /dev/tcp: no
# other client needed).
port=${base##*:}
for p in "${paths[@]}"; do
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$p" >&3
  status=$(head -1 <&3)
  cat <&3 >/dev/null
  exec 3>&-
  [[ "$status" == *" 200 "* ]] || { echo "serve_load: $p answered $status" >&2; exit 1; }
done
{
  echo "local paths = {"
  for p in "${paths[@]}"; do echo "  \"$p\","; done
  echo "}"
} >"$work/load.lua"
cat >>"$work/load.lua" <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f " ..
    "max_ms=%.3f connect_errors=%d read_errors=%d write_errors=%d timeouts=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
LUA
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/load.lua" "$base" | tee "$work/wrk"
rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
line=$(grep '^RESULT' "$work/wrk")
echo "$line server_peak_rss_kb=$rss connections=$conns"
if [[ "$check" == "--check" ]]; then
  for k in connect_errors read_errors write_errors timeouts non2xx; do
    v=$(sed -n "s/.* $k=\([0-9]*\).*/\1/p" <<<"$line")
    [[ "$v" == 0 ]] || { echo "serve_load: $k=$v" >&2; exit 1; }
  done
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
  ((requests > 100)) || { echo "serve_load: only $requests requests answered" >&2; exit 1; }
fi
