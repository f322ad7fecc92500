#!/usr/bin/env bash
# The end-to-end benchmark, one command: every stage's ceiling and the full pipeline under the
# simulator, in one run on this machine, side by side.
#   1. ingest vs bare Kestrel POST            (bench/ingest/run.sh)
#   2. processor vs raw sharded MySQL insert, and the Kafka producer alone  (bench/processor/run.sh)
#   3. results vs bare Kestrel GET            (bench/results-api/run.sh)
#   4. ClickHouse insert ceiling              (server-side INSERT … SELECT into a scratch table)
#   5. the whole system under the simulator   (deploy/up.sh: ingest rate, result reads, vote → visible
#      and vote → anchored p50/p99)
# Writes bench/results/e2e.md and e2e.png (and the stage reports it builds on).
# Env: BENCH_VOTES (processor stage, 200000), E2E_VOTERS (20000), E2E_RATE (votes/s before the
# closing spike, 400), E2E_READERS (4), E2E_SETTLE_SECONDS (240).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
results=bench/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { echo; echo "e2e: $*"; }

bash deploy/local/stack.sh up
# shellcheck source=../../deploy/local/service-env.sh
source deploy/local/service-env.sh

if [[ ${E2E_STAGES:-1} != 0 ]]; then
  step "1/5 ingest vs bare Kestrel POST"
  bash bench/ingest/run.sh
  step "2/5 processor vs raw sharded insert; Kafka producer alone"
  BENCH_VOTES=${BENCH_VOTES:-200000} bash bench/processor/run.sh
  step "3/5 results vs bare Kestrel GET"
  bash bench/results-api/run.sh
else
  step "1–3/5 stage benchmarks skipped (E2E_STAGES=0): using bench/results/{ingest,processor,results-api}.md"
fi

step "4/5 ClickHouse insert ceiling"
clickhouse_url="http://127.0.0.1:${VOTING_CLICKHOUSE_HTTP_PORT:-8123}/"
ch() { curl -sf --data-binary "$1" "$clickhouse_url" || { echo "e2e: ClickHouse refused: $1" >&2; exit 1; }; }
ch "CREATE DATABASE IF NOT EXISTS bench_e2e"
ch "DROP TABLE IF EXISTS bench_e2e.tally_totals"
ch "CREATE TABLE bench_e2e.tally_totals (election_id String, shard UInt8, state String, candidate String, votes UInt64, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY (election_id, shard, state, candidate)"
rows=5000000
t0=$(date +%s.%N)
ch "INSERT INTO bench_e2e.tally_totals SELECT 'bench', number % 16, toString(number % 51), toString(number % 7), number, intDiv(number, 357) FROM system.numbers LIMIT $rows"
t1=$(date +%s.%N)
ch "DROP DATABASE bench_e2e"
clickhouse_rate=$(awk -v n="$rows" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
echo "e2e: ClickHouse inserted $rows tally-shaped rows at $clickhouse_rate rows/s"

step "5/5 the whole system under the simulator"
bash deploy/up.sh --voters "${E2E_VOTERS:-20000}" --rate "${E2E_RATE:-400}" --readers "${E2E_READERS:-4}" \
  --settle-seconds "${E2E_SETTLE_SECONDS:-240}" --max-seconds 600 --summary "$work/simulation.json"

python3 bench/e2e/report.py --bench-dir "$results" --summary "$work/simulation.json" \
  --clickhouse-rows-per-s "$clickhouse_rate" --out "$results/e2e.md" --svg "$work/e2e.svg"
rm -f "$results/e2e.png" # a chart left from an earlier run must not pass for this one's
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,380 \
  --screenshot="$root/$results/e2e.png" "file://$work/e2e.svg" >/dev/null 2>&1
[[ -s $results/e2e.png ]] || { echo "e2e: the chart could not be rendered (chromium)" >&2; exit 1; }
echo
cat "$results/e2e.md"
echo "e2e: wrote $results/e2e.md and $results/e2e.png (the services keep running; 'bash deploy/up.sh down' stops them)"
