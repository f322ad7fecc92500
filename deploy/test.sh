#!/usr/bin/env bash
# Runs every test against the real servers: brings the local stack up if needed (installing what
# is missing), builds the solution, runs all test projects, prints one summary line.
#   bash deploy/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Kafka]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Absolute: the fault tests run the stack's script from their own directories to stop and start servers.
export VOTING_STACK_DIR; VOTING_STACK_DIR=$(realpath -m "${VOTING_STACK_DIR:-$root/.stack}")

# Arguments first, before anything is started or deleted. A --filter given here narrows both runs
# below (each already has a filter of its own, and dotnet test takes one); every other argument goes
# to both as it is.
user_filter=""
extra=()
while (( $# > 0 )); do
  case "$1" in
    --filter)
      (( $# >= 2 )) || { echo "test: --filter needs an expression" >&2; exit 2; }
      user_filter="$2"; shift 2 ;;
    --filter=*) user_filter="${1#--filter=}"; shift ;;
    *) extra+=("$1"); shift ;;
  esac
done

if ! command -v dotnet >/dev/null; then
  echo "test: the .NET 10 SDK is required (dotnet not on PATH)" >&2
  exit 2
fi

bash deploy/local/stack.sh up
# shellcheck source=local/service-env.sh
source deploy/local/service-env.sh

results="$root/TestResults"
rm -rf "$results"
echo "test: building Voting.sln"
dotnet build Voting.sln -nologo -v quiet -clp:ErrorsOnly

narrowed() { if [[ -n "$user_filter" ]]; then echo "($user_filter)&($1)"; else echo "$1"; fi; }

echo "test: running tests"
status=0
run_tests() {
  dotnet test Voting.sln --no-build -nologo -v quiet --blame-crash --blame-hang-timeout 15m \
    --results-directory "$results" --logger "trx" --logger "console;verbosity=normal" "$@" || status=$?
}
# Everything but the fault tests, projects in parallel; then the fault tests alone, since they stop
# and start shared servers.
run_tests --filter "$(narrowed "Category!=Fault")" ${extra[@]+"${extra[@]}"}
echo "test: running fault tests (servers are stopped and restarted)"
# One project at a time: fault tests stop shared servers (MariaDB, Anvil) under each other otherwise.
run_tests --filter "$(narrowed "Category=Fault")" -m:1 ${extra[@]+"${extra[@]}"}

# One closing line over every test project (dotnet test prints one per project).
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["notExecuted"] }')
# Name each failed test with the first line of its message and where in the tests it failed (up to
# three frames of this repository's test code), so the end of the log says what broke and where.
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  awk -v root="$root" '
    function decode(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&#x[DA];/, "", s); gsub(/&amp;/, "\\&", s); return s }
    function header() { if (!named) { printf "test: FAILED %s\n", name; named = 1 } }
    /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = decode(substr($0, RSTART + 10, RLENGTH - 11)); failing = 1; named = 0; frames = 0 }
    failing && !named && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); printf "test: FAILED %s\n  %s\n", name, substr(decode($0), 1, 400); named = 1 }
    failing && /<StackTrace>/ { trace = 1 }
    failing && trace && frames < 3 && index($0, " in " root "/tests/") && /:line [0-9]+/ {
      header(); frame = $0; sub(/.*<StackTrace>/, "", frame); sub(/<\/StackTrace>.*/, "", frame); sub(/^ *at /, "", frame)
      at = index(frame, " in " root "/"); frame = substr(frame, 1, at + 3) substr(frame, at + 4 + length(root) + 1)
      printf "    at %s\n", decode(frame); frames++ }
    failing && /<\/StackTrace>/ { trace = 0 }
    failing && /<\/UnitTestResult>/ { header(); failing = 0; trace = 0 }
  ' "$trx" >&2
done
# The fault suite's figures (tests/Voting.Faults.Tests): one row per fault.
if [[ -f "$results/fault-summary.md" ]]; then
  echo "test: fault suite summary (also in $results/fault-summary.md)"
  cat "$results/fault-summary.md"
fi
echo "$passed passed, $failed failed, $skipped skipped"
if (( passed == 0 )); then
  echo "test: no test ran" >&2
  exit 1
fi
if (( status != 0 || failed > 0 || skipped > 0 )); then
  (( status != 0 && failed == 0 )) && echo "test: FAILED: dotnet test exited $status (a test host crashed or hung; see 'aborted' above and $results)" >&2
  exit 1
fi
