#!/usr/bin/env bash
# Voter gate benchmark (bounded; progress on the terminal): ingest's duplicate defence alone
# (VoterGate enter + commit for batches of distinct voters, as VoteBatchCaster calls it), on the
# stack's Redis and on a one-primary Redis Cluster it starts itself with 64, 128 and 256 filter shards,
# each twice: a batch's scripts sent together (as ingest sends them) and one at a time (as each primary
# of a large cluster receives them; the rows the capacity model reads).
# Measures the Redis main thread's CPU per vote: what one hash tag's primary must carry.
# Feeds the capacity model's Redis rows. Writes bench/results/voter-gate.md; deletes its keys after.
# Env: BENCH_VOTES (400000), BENCH_GATE_BATCH (128), BENCH_GATE_IN_FLIGHT (4), BENCH_GATE_SHARDS (64,128,256).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash deploy/local/stack.sh up redis >/dev/null
source deploy/local/service-env.sh
source bench/lib/build.sh
build_bench
"${service_runtime[@]}" dotnet "$(bin bench/Voting.Bench.Gate)" \
  --votes "${BENCH_VOTES:-400000}" --batch "${BENCH_GATE_BATCH:-128}" --in-flight "${BENCH_GATE_IN_FLIGHT:-4}" \
  --cluster-shards "${BENCH_GATE_SHARDS:-64,128,256}" --out bench/results/voter-gate.md
