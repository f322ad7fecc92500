# Sourced by the benchmarks: the Release build of bench/Bench.slnf (the services and the bench tools),
# and where a project's build lands. Needs $root (the repository) set by the caller, and the
# current directory at $root.

# The Release build of a project: bin Voting.Ingest -> .../Voting.Ingest.dll
bin() { echo "$root/$1/bin/Release/net10.0/$(basename "$1").dll"; }

# Builds quietly; on failure prints the compiler's errors and exits.
build_bench() {
  echo "bench: building (Release)"
  dotnet build bench/Bench.slnf -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null || {
    echo "bench: the build failed:" >&2
    dotnet build bench/Bench.slnf -c Release -nologo -v quiet -clp:ErrorsOnly >&2
    exit 1
  }
}
