# Sourced by benchmarks that produce into scratch Kafka topics. Needs $root (the repository) set by the caller.

# Scratch topics this and earlier runs left behind, one per line, found by their partition
# directories (Kafka 0.9 has no topic listing over the wire): scratch_topics 'bench.ingest.*'
scratch_topics() {
  find "${VOTING_STACK_DIR:-$root/.stack}/kafka" -maxdepth 2 -type d -name "$1-[0-9]*" -printf '%f\n' 2>/dev/null | sed 's/-[0-9]*$//' | sort -u
}
