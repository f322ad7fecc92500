#!/usr/bin/env bash
# Processor benchmark, side by side in one run on this box (bounded; progress on the terminal):
#   1. the raw ceiling: the best multi-row INSERT rate into the same 16 x 64 sharded tables, no Kafka;
#   2. the Kafka producer filling a scratch topic with the same votes;
#   3. the real Voting.Processor (Release) draining that topic into fresh shard databases.
# Writes bench/results/processor.md; drops its scratch databases and topics afterwards.
# The bench process (the raw writer) and the processor it starts run as deploy/up.sh runs services
# (service_runtime in deploy/local/service-env.sh).
# Env: BENCH_VOTES (1000000), BENCH_RAW_VOTES_PER_TRANSACTION (1000,2000,4000,8000,16000: the raw ceiling is
# the best rate over these transaction sizes).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash deploy/local/stack.sh up >/dev/null
source deploy/local/service-env.sh
source bench/lib/build.sh
build_bench

status=0
"${service_runtime[@]}" dotnet "$(bin bench/Voting.Bench.Processor)" --processor "$(bin Voting.Processor)" \
  --votes "${BENCH_VOTES:-1000000}" --raw-votes-per-transaction "${BENCH_RAW_VOTES_PER_TRANSACTION:-1000,2000,4000,8000,16000}" \
  --out bench/results/processor.md || status=$?

# Scratch topics of this and earlier runs.
source bench/lib/scratch-topics.sh
mapfile -t topics < <(scratch_topics 'bench.*')
if ((${#topics[@]})); then bash deploy/local/stack.sh delete-topics "${topics[@]}" >/dev/null || true; fi
exit "$status"
