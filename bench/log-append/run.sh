#!/usr/bin/env bash
# Merkle log append benchmark (bounded; progress on the terminal): MerkleLogAppender alone, as the
# processor calls it (one append per batch of Voting:Processor:BatchSize), with 1, 2 and 4 appenders
# at once, each time into a fresh log database. Shows the rate one election's log takes leaves at,
# and how it grows with appenders filling their reserved ranges at the same time.
# Writes bench/results/log-append.md; drops its scratch databases afterwards.
# Env: BENCH_VOTES (1000000), BENCH_LOG_APPENDERS (1,2,4).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash deploy/local/stack.sh up >/dev/null
source deploy/local/service-env.sh
source bench/lib/build.sh
build_bench
"${service_runtime[@]}" dotnet "$(bin bench/Voting.Bench.Processor)" \
  --log-appenders "${BENCH_LOG_APPENDERS:-1,2,4}" --votes "${BENCH_VOTES:-1000000}" --out bench/results/log-append.md
