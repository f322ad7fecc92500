# Sourced by the HTTP benchmarks (bench/ingest, bench/results-api): starting and watching the
# servers under test. Needs $root (the repository) set by the caller, and bin (bench/lib/build.sh).

# A server left on the port would be measured instead of the one just started: refuse.
require_free() { ! curl -s -o /dev/null --max-time 2 "$1/" || { echo "bench: $1 is already served by another process; stop it first" >&2; exit 1; }; }

wait_ready() { # url pid
  for _ in $(seq 1 300); do
    kill -0 "$2" 2>/dev/null || { echo "bench: the server for $1 exited before it was ready" >&2; exit 1; }
    curl -sf -o /dev/null "$1/health/ready" && return 0
    sleep 0.2
  done
  echo "bench: $1 not ready" >&2; exit 1
}

# utime + stime; fields counted after the command name, which may contain spaces (thread renames).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# One field of a JSON line: field '{"p50_ms":1.2}' p50_ms -> 1.2
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
