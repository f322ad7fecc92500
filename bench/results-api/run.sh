#!/usr/bin/env bash
# Results benchmark, side by side in one run on this box:
#   1. the ceiling: bare Kestrel answering GET /api/v1/results with a fixed results-sized JSON;
#   2. Voting.Results serving GET /api/v1/results (national totals of the local election) under the same load.
# Server pinned to CPU 0, wrk to CPU 1 (the stack floats). Bounded in time.
# Both servers start as deploy/up.sh starts the services (service_runtime in deploy/local/service-env.sh).
# Writes bench/results/results-api.md. Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (64).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
bash deploy/local/stack.sh up >/dev/null
source deploy/local/service-env.sh
source bench/lib/build.sh
build_bench
source bench/lib/servers.sh
wrk_run() { # url seconds -> JSON line
  taskset -c 1 wrk -t1 -c"$connections" -d"${2}s" --latency -s bench/results-api/get.lua "$1" -- /api/v1/results | sed -n 's/^JSON //p'
}
rate() { python3 -c "import json,sys; j=json.loads(sys.argv[1]); print(round((j['requests']-j['non2xx']-j['errors'])/j['seconds']))" "$1"; }

echo "bench: bare Kestrel GET ceiling (${seconds}s, $connections connections)"
require_free http://127.0.0.1:5190
taskset -c 0 "${service_runtime[@]}" dotnet "$(bin bench/Voting.Bench.BareKestrel)" --urls http://127.0.0.1:5190 >/dev/null 2>&1 &
pids+=($!); bare_pid=$!
wait_ready http://127.0.0.1:5190 "$bare_pid"
wrk_run http://127.0.0.1:5190 3 >/dev/null
t0=$(cpu_ticks "$bare_pid")
bare=$(wrk_run http://127.0.0.1:5190 "$seconds")
bare_cpu=$(( ($(cpu_ticks "$bare_pid") - t0) * 100 / seconds / $(getconf CLK_TCK) ))
kill "$bare_pid"

echo "bench: Voting.Results GET /api/v1/results"
require_free http://127.0.0.1:5193
(cd Voting.Results && exec taskset -c 0 "${service_runtime[@]}" dotnet "$(bin Voting.Results)" --urls http://127.0.0.1:5193 --Logging:LogLevel:Default=Warning) >/dev/null 2>&1 &
pids+=($!); results_pid=$!
wait_ready http://127.0.0.1:5193 "$results_pid"
wrk_run http://127.0.0.1:5193 3 >/dev/null
t0=$(cpu_ticks "$results_pid")
ours=$(wrk_run http://127.0.0.1:5193 "$seconds")
ours_cpu=$(( ($(cpu_ticks "$results_pid") - t0) * 100 / seconds / $(getconf CLK_TCK) ))
queries=$(curl -s http://127.0.0.1:5193/metrics | awk '/^voting_results_backend_queries_total/ { s += $NF } END { print s + 0 }')

bare_rate=$(rate "$bare"); ours_rate=$(rate "$ours")
ratio=$(python3 -c "print(f'{$ours_rate / $bare_rate * 100:.0f}%')")
mkdir -p bench/results
out=bench/results/results-api.md
cat >"$out" <<MD
# Results benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)

Machine: $(nproc) cores; server on CPU 0, wrk on CPU 1; Redis, ClickHouse and MariaDB share the two cores.
${seconds} s per measurement, ${connections} connections, keep-alive, every request \`GET /api/v1/results\`.

| measurement | rate | p50 | p99 | server CPU | notes |
|---|---:|---:|---:|---:|---|
| bare Kestrel GET → fixed results-sized JSON (ceiling) | $bare_rate req/s | $(field "$bare" p50_ms) ms | $(field "$bare" p99_ms) ms | ${bare_cpu}% | |
| Voting.Results GET /api/v1/results | $ours_rate req/s | $(field "$ours" p50_ms) ms | $(field "$ours" p99_ms) ms | ${ours_cpu}% | non-2xx: $(field "$ours" non2xx), errors: $(field "$ours" errors); ClickHouse queries during the whole run: $queries |

**Results / bare ceiling: $ratio** (target ≥ 80%).
MD
cat "$out"
