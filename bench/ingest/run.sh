#!/usr/bin/env bash
# Ingest benchmark, side by side in one run on this box:
#   1. the ceiling: bare Kestrel answering the same POST with a fixed 202 (bench/Voting.Bench.BareKestrel);
#   2. Voting.Ingest at full load (wrk, closed loop, every request a distinct voter);
#   3. Voting.Ingest at 70% of its measured maximum (open loop, fixed rate) for p50/p99, three runs
#      (the box is shared: one run's tail can be luck, either way), each after 3 s of the same
#      schedule unmeasured (bench/Voting.Bench.LoadGen: its own keep-alive connections,
#      opened before the run, and socket completions run inline, so the generator takes as little as
#      it can of the core Kafka and Redis share with it; it reports that share).
# Server pinned to CPU 0, load generator to CPU 1 (the stack's servers float). Bounded in time.
# Both servers start as deploy/up.sh starts the services (service_runtime in deploy/local/service-env.sh).
# Votes go to a scratch topic and Redis keys under a scratch prefix, both removed before and after
# the run: the local pipeline's votes topic and duplicate filter never see the bench's votes.
# Writes bench/results/ingest.md. Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (64).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
  if declare -F scrub >/dev/null; then echo "bench: removing this run's scratch votes"; scrub; fi
}
trap cleanup EXIT
# A fresh topic name per run: Kafka 0.9 deletes topics in the background, so a name just deleted
# may not be creatable again yet.
scratch_topic=bench.ingest.$(date +%s) scratch_prefix=bench-ingest:

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
bash deploy/local/stack.sh up >/dev/null
source deploy/local/service-env.sh
source bench/lib/scratch-topics.sh
export Voting__Kafka__VotesTopic=$scratch_topic Voting__Kafka__DeadLetterTopic=$scratch_topic.dlq Voting__Redis__KeyPrefix=$scratch_prefix
scrub() { # this run's topics and those earlier runs left (by their partition directories), and the scratch keys
  local topics
  mapfile -t topics < <({ printf '%s\n' "$scratch_topic" "$scratch_topic.dlq"; scratch_topics 'bench.ingest.*'; } | sort -u)
  bash deploy/local/stack.sh delete-topics "${topics[@]}" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -p "${VOTING_REDIS_PORT:-6379}" --scan --pattern "$scratch_prefix*" \
    | xargs -r -n 1000 redis-cli -h 127.0.0.1 -p "${VOTING_REDIS_PORT:-6379}" unlink >/dev/null
}
echo "bench: removing scratch votes of earlier runs"
scrub
source bench/lib/build.sh
build_bench
source bench/lib/servers.sh

echo "bench: minting tokens for distinct voters"
voters_per_phase=300000
for set in bare warm ingest; do # distinct voters per phase (a repeat would be a 409)
  dotnet "$(bin Voting.Simulator)" tokens --count "$voters_per_phase" --out "$work/$set.tokens" >/dev/null
done
open_runs=(1 2 3)
for run in "${open_runs[@]}"; do
  dotnet "$(bin Voting.Simulator)" tokens --count 150000 --out "$work/open$run.tokens" >/dev/null
done

wrk_run() { # url tokens seconds -> JSON line
  taskset -c 1 wrk -t1 -c"$connections" -d"${3}s" --latency -s bench/ingest/vote.lua "$1" -- "$2" 1 | sed -n 's/^JSON //p'
}

echo "bench: bare Kestrel ceiling (${seconds}s, $connections connections)"
require_free http://127.0.0.1:5190
taskset -c 0 "${service_runtime[@]}" dotnet "$(bin bench/Voting.Bench.BareKestrel)" --urls http://127.0.0.1:5190 >/dev/null 2>&1 &
pids+=($!); bare_pid=$!
wait_ready http://127.0.0.1:5190 "$bare_pid"
wrk_run http://127.0.0.1:5190 "$work/bare.tokens" 3 >/dev/null
t0=$(cpu_ticks "$bare_pid")
bare=$(wrk_run http://127.0.0.1:5190 "$work/bare.tokens" "$seconds")
bare_cpu=$(( ($(cpu_ticks "$bare_pid") - t0) * 100 / seconds / $(getconf CLK_TCK) ))
kill "$bare_pid"

echo "bench: Voting.Ingest at full load"
require_free http://127.0.0.1:5191
(cd Voting.Ingest && exec taskset -c 0 "${service_runtime[@]}" dotnet "$(bin Voting.Ingest)" --urls http://127.0.0.1:5191 \
  --Logging:LogLevel:Default=Warning ${BENCH_INGEST_ARGS:-}) >"$work/ingest.log" 2>&1 &
pids+=($!); ingest_pid=$!
wait_ready http://127.0.0.1:5191 "$ingest_pid"
# Steady state only: after a Redis restart ingest first rebuilds its duplicate filter (votes are
# checked against MariaDB meanwhile, and /health/ready says Degraded), which is not what this measures.
started=$SECONDS
# The report's overall status, not any entry's (a Degraded report still lists healthy entries).
overall_status() { curl -s "$1/health/ready" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status", ""))' 2>/dev/null; }
until [[ $(overall_status http://127.0.0.1:5191) == Healthy ]]; do
  (( SECONDS - started < 600 )) || { echo "bench: ingest's duplicate filter not ready within 600 s:" >&2; tail -5 "$work/ingest.log" >&2; exit 1; }
  sleep 1
done
(( SECONDS - started < 2 )) || echo "bench: waited $(( SECONDS - started )) s for ingest's duplicate filter to be rebuilt"
wrk_run http://127.0.0.1:5191 "$work/warm.tokens" 3 >/dev/null
t0=$(cpu_ticks "$ingest_pid")
full=$(wrk_run http://127.0.0.1:5191 "$work/ingest.tokens" "$seconds")
ingest_cpu=$(( ($(cpu_ticks "$ingest_pid") - t0) * 100 / seconds / $(getconf CLK_TCK) ))
# vote.lua starts again at the first token once all are used: repeats would be cheap 409s.
python3 -c "import json,sys; sys.exit(json.loads(sys.argv[1])['requests'] + $connections > $voters_per_phase)" "$full" || {
  echo "bench: the full-load run sent more requests than the $voters_per_phase voters minted (repeats would be refused 409); shorten BENCH_SECONDS" >&2
  exit 1
}

# wrk's requests are the answers it got (socket errors are not among them); non-2xx answers are.
rate() { python3 -c "import json,sys; j=json.loads(sys.argv[1]); print(round((j['requests']-j['non2xx'])/j['seconds']))" "$1"; }
bare_rate=$(rate "$bare"); ingest_rate=$(rate "$full")
target=$(( ingest_rate * 70 / 100 ))
opens=()
for run in "${open_runs[@]}"; do
  echo "bench: Voting.Ingest open loop at 70% of its maximum ($target votes/s), run $run of ${#open_runs[@]}"
  opens+=("$(taskset -c 1 env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet "$(bin bench/Voting.Bench.LoadGen)" \
    http://127.0.0.1:5191/api/v1/vote "$work/open$run.tokens" "$target" "$seconds" | sed -n 's/^JSON //p')")
done
open_row() { # run json -> one table row
  echo "| Voting.Ingest at 70% of max ($target/s, open loop), run $1 | $(python3 -c "import json,sys; j=json.loads(sys.argv[1]); print(round(j['accepted']/j['seconds']))" "$2") votes/s accepted | $(field "$2" p50_ms) ms | $(field "$2" p99_ms) ms | | failed: $(field "$2" failed), refused (4xx, fast, in the latencies): $(field "$2" refused); the generator started its requests up to $(field "$2" send_lag_p99_ms) ms late (p99), which counts in the latency, and used $(field "$2" cpu_us_per_request) µs of CPU per request |"
}
open_rows=$(for i in "${!opens[@]}"; do open_row "${open_runs[$i]}" "${opens[$i]}"; done)
IFS=$'\t' read -r open_p99s worst_p99 < <(python3 -c "import json,sys; p=[json.loads(j)['p99_ms'] for j in sys.argv[1:]]; print(' / '.join(map(str, p)), max(p), sep='\t')" "${opens[@]}")

ratio=$(python3 -c "print(f'{$ingest_rate / $bare_rate * 100:.0f}%')")
out=bench/results/ingest.md
mkdir -p bench/results
cat >"$out" <<MD
# Ingest benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)

Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); server on CPU 0, load generator on CPU 1;
Kafka, Redis and MariaDB share the same two cores. ${seconds} s per measurement, ${connections} connections, every request a distinct voter.

| measurement | rate | p50 | p99 | server CPU | notes |
|---|---:|---:|---:|---:|---|
| bare Kestrel POST → 202 (ceiling) | $bare_rate req/s | $(field "$bare" p50_ms) ms | $(field "$bare" p99_ms) ms | ${bare_cpu}% | wrk closed loop |
| Voting.Ingest, full load | $ingest_rate votes/s accepted | $(field "$full" p50_ms) ms | $(field "$full" p99_ms) ms | ${ingest_cpu}% | non-2xx: $(field "$full" non2xx), errors: $(field "$full" errors) |
$open_rows

**Ingest / bare ceiling: $ratio** (target ≥ 50%); p99 at 70% load: $worst_p99 ms, the worst of ${#open_runs[@]} runs ($open_p99s ms; target < 50 ms).
MD
cat "$out"
