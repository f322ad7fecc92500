#!/usr/bin/env bash
# Brings up the whole system on this machine and feeds it a simulated election:
#   1. the local stack (ZooKeeper + Kafka, MariaDB, Redis, ClickHouse, Anvil), installing what is missing;
#   2. the five services, built in Release, each waited for until /health/ready answers;
#   3. a bounded simulated election through the public API, with progress on the terminal.
# The services keep running afterwards; 'bash deploy/up.sh down' stops them and the stack.
#   bash deploy/up.sh [simulate options, e.g. --voters 50000 --rate 500]   |   bash deploy/up.sh down | status
set -euo pipefail
caller_dir=$PWD # the simulator runs here: a relative --summary path is the caller's
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export LC_ALL=C # printf's %.1f reads awk's '2.25' in every locale
# Absolute: the tests and the services run the stack's script from other directories.
export VOTING_STACK_DIR; VOTING_STACK_DIR=$(realpath -m "${VOTING_STACK_DIR:-$root/.stack}")
stack_dir=$VOTING_STACK_DIR
run_dir=$stack_dir/services
# name:port:readiness path, in start order (the processor creates the topics and schema first).
services=(Processor:5102:/health/ready Ingest:5101:/health/ready Results:5103:/health/ready Audit:5104:/health/ready Console.Blazor:5100:/health/ready)

# A service's pidfile names a live process that is that service: after a crash or a reboot the number
# may belong to another process by now, which must be neither stopped nor taken for the service.
alive() {
  local pidfile=$1 pid name
  [[ -f $pidfile ]] || return 1
  pid=$(cat "$pidfile")
  name=$(basename "$pidfile" .pid)
  kill -0 "$pid" 2>/dev/null || return 1
  [[ $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null) == *"Voting.$name.dll"* ]]
}

# Stops the service of $1 (a pidfile): SIGTERM and up to 35 s to finish (a host gives its background
# work 30 s: the processor finishes its batch), then SIGKILL; returns once the process is gone.
stop_service() {
  local pidfile=$1 pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 175); do alive "$pidfile" || return 0; sleep 0.2; done
  echo "up: $(basename "$pidfile" .pid) did not stop within 35 s; killing it" >&2
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do alive "$pidfile" || return 0; sleep 0.1; done
}

stop_services() {
  for entry in "${services[@]}"; do
    local name=${entry%%:*} pidfile=$run_dir/${entry%%:*}.pid
    if alive "$pidfile"; then
      stop_service "$pidfile"
      echo "stopped Voting.$name"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  down) stop_services; bash deploy/local/stack.sh down; exit 0 ;;
  status)
    # Exits 0 only when the stack and every service are ready.
    rc=0
    bash deploy/local/stack.sh status || rc=1
    for entry in "${services[@]}"; do
      IFS=: read -r name port path <<<"$entry"
      if curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port$path"; then echo "ready   Voting.$name  http://127.0.0.1:$port"; else echo "down    Voting.$name  http://127.0.0.1:$port"; rc=1; fi
    done
    exit "$rc" ;;
esac

started=$(date +%s)
# shellcheck source=local/service-env.sh
source deploy/local/service-env.sh
simulator=(dotnet "$root/Voting.Simulator/bin/Release/net10.0/Voting.Simulator.dll" simulate)
# The simulator first, alone: its --help and a bad option are answered before anything is started.
echo "up: building the simulator (Release)"
dotnet build Voting.Simulator -c Release -nologo -v quiet -clp:ErrorsOnly
for arg in "$@"; do
  if [[ $arg == -h || $arg == --help || $arg == "-?" ]]; then
    cat <<TXT

Usage: bash deploy/up.sh [simulate options]   brings up the stack and the five services, then runs
                                              a simulated election against them
       bash deploy/up.sh status               shows what runs
       bash deploy/up.sh down                 stops the services and the stack
TXT
    "${simulator[@]}" --help | sed -n '/^Options:/,$p'
    exit 0
  fi
done
(cd "$caller_dir" && "${simulator[@]}" --check-arguments "$@") || { rc=$?; echo "up: nothing was started" >&2; exit "$rc"; }

# Until everything is ready, a failure leaves what started running: say how to stop it.
starting=1
trap 'rc=$?; if (( rc != 0 && starting )); then echo "up: failed; what started keeps running: \`bash deploy/up.sh status\` shows it, \`bash deploy/up.sh down\` stops it" >&2; fi' EXIT
bash deploy/local/stack.sh up

echo "up: building the services (Release)"
dotnet build deploy/Services.slnf -c Release -nologo -v quiet -clp:ErrorsOnly

mkdir -p "$run_dir"
for entry in "${services[@]}"; do
  IFS=: read -r name port path <<<"$entry"
  pidfile=$run_dir/$name.pid
  bin="$root/Voting.$name/bin/Release/net10.0"
  if alive "$pidfile"; then
    # A service started before this build runs the code (its own or a library's) and the settings
    # it had then: restart it on the new ones (its pidfile was written when it was started).
    if [[ -z $(find "$bin" "$root/deploy/config" -type f -newer "$pidfile" -print -quit) ]]; then
      echo "up: Voting.$name already running (pid $(cat "$pidfile"))"
      continue
    fi
    echo "up: Voting.$name was built anew since it started; restarting it"
    stop_service "$pidfile"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "up: port $port is taken by another process; cannot start Voting.$name" >&2
    exit 1
  fi
  # The last run's log is kept beside (a crash's last words survive the restart).
  [[ -f $run_dir/$name.log ]] && mv -f "$run_dir/$name.log" "$run_dir/$name.log.1"
  # A session of its own: closing the terminal (SIGHUP) or Ctrl-Z must not reach the services.
  (cd "$root/Voting.$name" && exec setsid "${service_runtime[@]}" dotnet "bin/Release/net10.0/Voting.$name.dll" --urls "http://127.0.0.1:$port") \
    </dev/null >"$run_dir/$name.log" 2>&1 &
  echo $! >"$pidfile"
done

for entry in "${services[@]}"; do
  IFS=: read -r name port path <<<"$entry"
  t0=$(date +%s.%N)
  # Ingest also waits for its duplicate filter: after a stack restart Redis is empty, and ingest
  # refuses votes until everything already on the votes topic is stored (see README, Guarantees).
  want='"status":"'; [[ $name == Ingest ]] && want='"status":"Healthy"'
  until body=$(curl -sf -m 5 "http://127.0.0.1:$port$path" 2>/dev/null) && [[ ${body:0:40} == *"$want"* ]]; do
    if ! alive "$run_dir/$name.pid"; then
      echo "up: Voting.$name exited; last lines of $run_dir/$name.log:" >&2
      tail -n 20 "$run_dir/$name.log" >&2
      exit 1
    fi
    if (( $(date +%s) - ${t0%.*} > 120 )); then
      echo "up: Voting.$name not ready after 120 s: $(curl -s -m 5 "http://127.0.0.1:$port$path")" >&2
      exit 1
    fi
    sleep 0.3
  done
  printf 'ready   Voting.%-15s http://127.0.0.1:%s  (%.1f s)\n' "$name" "$port" "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { print a - b }')"
  # Ready but degraded (e.g. the audit's log-integrity check): say which check and why.
  if [[ $body == '{"status":"Degraded"'* ]]; then
    grep -o '"[A-Za-z-]*":{"status":"\(Degraded\|Unhealthy\)","description":"[^"]*"' <<<"$body" | sed 's/^/        degraded: /' >&2 || true
  fi
done
starting=0

cat <<TXT

up: everything is running ($(( $(date +%s) - started )) s). Open:
  operations console   http://127.0.0.1:5100   (official / operator / auditor, password local-<name>)
  vote API (OpenAPI)   http://127.0.0.1:5101/openapi/v1.json
  service health       http://127.0.0.1:510{1,2,3,4}/health/ready    metrics: /metrics
  Merkle checkpoints   http://127.0.0.1:5104/api/v1/audit/elections/us-2028-sim/checkpoints
  audit OpenAPI        http://127.0.0.1:5104/openapi/v1.json
Logs: $run_dir/*.log    Stop everything: bash deploy/up.sh down

up: starting the simulated election (Ctrl-C stops it; the system keeps running)
TXT
cd "$caller_dir"
"${simulator[@]}" "$@"
