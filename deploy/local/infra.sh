#!/usr/bin/env bash
# Brings up the CRM platform's infrastructure natively, without a container engine:
#   PostgreSQL 15 (event store), Apache Kafka 3.9.1 (one KRaft broker+controller) and
#   mongo-java-server 1.47.0 (MongoDB wire protocol, for the read models).
# See deploy/local/README.md. Usage: deploy/local/infra.sh help
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

KAFKA_VERSION=3.9.1
MJS_VERSION=1.47.0
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

BIND_HOST=127.0.0.1
INFRA_DIR=${CRM_INFRA_DIR:-$ROOT/.infra}
[[ $INFRA_DIR == /* ]] || INFRA_DIR=$PWD/$INFRA_DIR
CACHE_DIR=${CRM_CACHE_DIR:-${HOME:-/tmp}/.cache/crm-platform}
[[ $CACHE_DIR == /* ]] || CACHE_DIR=$PWD/$CACHE_DIR
TIMEOUT=${CRM_INFRA_TIMEOUT:-60}

PG_PORT=${CRM_PG_PORT:-55432}
PG_DB=${CRM_PG_DB:-crm}
PG_USER_OS=postgres # the OS account PostgreSQL runs as when this script runs as root
KAFKA_PORT=${CRM_KAFKA_PORT:-59092}
KAFKA_CONTROLLER_PORT=${CRM_KAFKA_CONTROLLER_PORT:-59093}
KAFKA_PARTITIONS=${CRM_KAFKA_PARTITIONS:-3}
KAFKA_HEAP=${CRM_KAFKA_HEAP:-512m}
MONGO_PORT=${CRM_MONGO_PORT:-57017}
MONGO_BACKEND=${CRM_MONGO_BACKEND:-memory}
MONGO_VERSION=${CRM_MONGO_VERSION:-MONGO_5_0}
MONGO_HEAP=${CRM_MONGO_HEAP:-1g}
MONGO_LOG_LEVEL=${CRM_MONGO_LOG_LEVEL:-warn}

RUN_DIR=$INFRA_DIR/run
LOG_DIR=$INFRA_DIR/logs
KAFKA_DIR=$INFRA_DIR/kafka
MONGO_DIR=$INFRA_DIR/mongo
ENV_FILE=$INFRA_DIR/env
PG_HOME_POINTER=$INFRA_DIR/postgres-home # written when PostgreSQL's files live outside INFRA_DIR

KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
MONGO_HOME=$CACHE_DIR/mongo-java-server-$MJS_VERSION

SERVICES=(postgres kafka mongo)

# ---------------------------------------------------------------------------------------------
# output

say() { printf 'infra: %s\n' "$*"; }
warn() { printf 'infra: warning: %s\n' "$*" >&2; }
die() {
  printf 'infra: error: %s\n' "$*" >&2
  exit 1
}
# die, showing the end of a server log
die_with_log() {
  local message=$1 log=$2
  printf 'infra: error: %s\n' "$message" >&2
  if [[ -f $log ]]; then
    printf 'infra: last lines of %s:\n' "$log" >&2
    tail -n 40 "$log" | sed 's/^/  | /' >&2
  fi
  exit 1
}

usage() {
  cat <<EOF
usage: deploy/local/infra.sh COMMAND

  up                  start PostgreSQL, Kafka and the Mongo-wire server (those not running yet),
                      wait until they answer, write $INFRA_DIR/env
  down                stop them (data kept)
  status              show each server; exit 0 if all needed ones answer, 1 otherwise
  reset               down, then delete all their data and logs (the download cache is kept)
  env                 print the endpoints (KEY=value), as written by 'up'
  start|stop|restart|kill SERVICE
                      one server only (postgres, kafka or mongo), data kept; 'kill' is a crash
                      (SIGKILL, or an immediate stop for postgres), for reliability tests
  restart-kafka       = restart kafka (simulates a broker restart)

An endpoint given in the environment (DATABASE_URL, KAFKA_BROKERS, MONGODB_URI) replaces the
corresponding server, which is then not started. Settings (environment, defaults in brackets):
  CRM_INFRA_DIR [<repo>/.infra]  CRM_CACHE_DIR [~/.cache/crm-platform]  CRM_INFRA_TIMEOUT [60]
  CRM_PG_PORT [55432]  CRM_PG_DB [crm]  CRM_PG_FAST [0: 1 = fsync off, for throwaway runs]
  CRM_KAFKA_PORT [59092]  CRM_KAFKA_CONTROLLER_PORT [59093]  CRM_KAFKA_PARTITIONS [3]
  CRM_KAFKA_HEAP [512m]  CRM_MONGO_PORT [57017]  CRM_MONGO_BACKEND [memory | h2]
  CRM_MONGO_HEAP [1g]  CRM_MONGO_LOG_LEVEL [warn]
EOF
}

# ---------------------------------------------------------------------------------------------
# small helpers

is_root() { [[ $EUID -eq 0 ]]; }

# is process PID alive (a killed process stays a zombie until it is reaped: that counts as dead)
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n $state && $state != Z* ]]
}

# runs a command as the account that owns PostgreSQL's files
as_pg() {
  if is_root; then
    (cd / && runuser -u "$PG_USER_OS" -- "$@")
  else
    "$@"
  fi
}

apt_updated=0
apt_install() {
  is_root || return 1
  command -v apt-get >/dev/null || return 1
  say "installing $* with apt-get..."
  if [[ $apt_updated == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# is something listening on 127.0.0.1:PORT?
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$BIND_HOST" "$1" 2>/dev/null
}

# sends a request (a printf format with \xHH escapes) to 127.0.0.1:PORT and prints the whole
# answer as hex digits; the answer starts with its length in 4 bytes: ENDIAN "be" for Kafka
# (length of the rest, big-endian), "le" for MongoDB (whole message, little-endian). Reading it
# all lets the connection close cleanly (the servers log an error for a reset connection).
tcp_exchange() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "$2" >&3
    size=$(head -c 4 <&3 | od -An -v -tx1 | tr -d " \n")
    [[ ${#size} == 8 ]] || exit 1
    if [[ $3 == be ]]; then
      rest=$((16#$size))
    else
      rest=$((16#${size:6:2}${size:4:2}${size:2:2}${size:0:2} - 4))
    fi
    ((rest >= 0 && rest < 1048576)) || exit 1
    printf "%s" "$size"
    head -c "$rest" <&3 | od -An -v -tx1 | tr -d " \n"
  ' "$BIND_HOST" "$@" 2>/dev/null
}

# Kafka answers an ApiVersions request (v0, correlation id 1) without error
kafka_probe() {
  local hex
  hex=$(tcp_exchange "$KAFKA_PORT" '\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x01\x00\x05probe' be) || return 1
  [[ ${hex:8:12} == 000000010000 ]]
}

# the Mongo-wire server answers OP_MSG {isMaster: 1, $db: "admin"} (request id 1) with an OP_MSG
mongo_probe() {
  local hex msg
  msg='\x37\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00'
  msg+='\x22\x00\x00\x00\x10isMaster\x00\x01\x00\x00\x00\x02\x24db\x00\x06\x00\x00\x00admin\x00\x00'
  hex=$(tcp_exchange "$MONGO_PORT" "$msg" le) || return 1
  [[ ${hex:16:16} == 01000000dd070000 ]]
}

pg_probe() {
  "$PG_BIN/pg_isready" -q -h "$BIND_HOST" -p "$PG_PORT" -U postgres -d postgres -t 2 2>/dev/null
}

# pid of a JVM this script started for SERVICE in this INFRA_DIR, if it is alive
jvm_pid() {
  local file=$RUN_DIR/$1.pid pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  # the pid may have been reused since: check that it is really ours
  ps -ww -o args= -p "$pid" 2>/dev/null | grep -qF -- "-Dcrm.infra.service=$INFRA_DIR#$1" || return 1
  printf '%s\n' "$pid"
}

# starts a command detached from this shell (own session, no terminal, output to LOG),
# writing its pid to RUN_DIR/SERVICE.pid
launch() {
  local service=$1 log=$2
  shift 2
  local pidfile=$RUN_DIR/$service.pid
  rm -f "$pidfile"
  printf '\n===== %s: starting %s\n' "$(date '+%F %T')" "$service" >>"$log"
  # fds 8 and 9 hold this script's locks: the server must not inherit them
  # shellcheck disable=SC2016 # expanded by the inner bash
  if command -v setsid >/dev/null; then
    setsid -f bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 8>&- 9>&-
  else
    nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 8>&- 9>&- &
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.05
  done
  die_with_log "$service did not start" "$log"
}

# waits until CHECK succeeds; fails early if the process PID exits
wait_ready() {
  local name=$1 pid=$2 log=$3
  shift 3
  local deadline=$((SECONDS + TIMEOUT))
  until "$@"; do
    if ! alive "$pid"; then
      die_with_log "$name exited while starting" "$log"
    fi
    if ((SECONDS >= deadline)); then
      die_with_log "$name did not answer within ${TIMEOUT}s (pid $pid; see $log)" "$log"
    fi
    sleep 0.2
  done
}

# SIGTERM, then SIGKILL after 15 s
terminate() {
  local name=$1 pid=$2 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  warn "$name (pid $pid) still running after 15 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
}

# fills a @NAME@ template: render TEMPLATE OUT NAME=value...
render() {
  local template=$1 out=$2 text pair
  shift 2
  text=$(<"$template")
  for pair in "$@"; do
    text=${text//"@${pair%%=*}@"/"${pair#*=}"}
  done
  printf '%s\n' "$text" >"$out.tmp"
  mv -f "$out.tmp" "$out"
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

lock_infra() {
  mkdir -p "$INFRA_DIR" "$RUN_DIR" "$LOG_DIR"
  command -v flock >/dev/null || return 0
  exec 9>"$INFRA_DIR/.lock"
  flock -n 9 && return 0
  say "waiting for another infra.sh to finish (lock $INFRA_DIR/.lock)..."
  flock -w 600 9 || die "another infra.sh still holds $INFRA_DIR/.lock after 10 min"
}

# ---------------------------------------------------------------------------------------------
# which servers this run manages (an endpoint in the environment replaces the server)

needed() {
  case $1 in
    postgres) [[ -z ${DATABASE_URL:-} ]] ;;
    kafka) [[ -z ${KAFKA_BROKERS:-} ]] ;;
    mongo) [[ -z ${MONGODB_URI:-} ]] ;;
  esac
}

endpoint() {
  case $1 in
    postgres) printf '%s' "${DATABASE_URL:-postgres://postgres@$BIND_HOST:$PG_PORT/$PG_DB}" ;;
    kafka) printf '%s' "${KAFKA_BROKERS:-$BIND_HOST:$KAFKA_PORT}" ;;
    mongo) printf '%s' "${MONGODB_URI:-mongodb://$BIND_HOST:$MONGO_PORT}" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# prerequisites

java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)\(\.\([0-9]*\)\)\{0,1\}.*/\1 \3/p' | head -n 1 |
    awk '{ print ($1 == 1 ? $2 : $1) }'
}

require_java() {
  if ! command -v java >/dev/null || ! command -v javac >/dev/null; then
    apt_install default-jdk-headless ||
      die "Java 17+ (a JDK, with javac) is needed: install it, e.g. 'sudo apt-get install default-jdk-headless'"
  fi
  local major
  major=$(java_major)
  [[ ${major:-0} -ge 17 ]] || die "Java 17 or newer is needed (found: $(java -version 2>&1 | head -n 1))"
}

require_maven() {
  command -v mvn >/dev/null && return 0
  apt_install maven || die "Maven is needed once, to download Kafka and mongo-java-server from Maven Central: install it, e.g. 'sudo apt-get install maven'"
}

# PostgreSQL's binaries: CRM_PG_BIN, else the version the data directory was made with, else the
# newest /usr/lib/postgresql/*/bin, else whatever is on PATH
find_pg_bin() {
  local candidate version
  if [[ -n ${CRM_PG_BIN:-} ]]; then
    printf '%s' "$CRM_PG_BIN"
    return 0
  fi
  if [[ -n ${PG_DATA:-} && -f $PG_DATA/PG_VERSION ]]; then
    version=$(<"$PG_DATA/PG_VERSION")
    if [[ -x /usr/lib/postgresql/$version/bin/pg_ctl ]]; then
      printf '%s' "/usr/lib/postgresql/$version/bin"
      return 0
    fi
  fi
  candidate=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $candidate ]]; then
    dirname "$candidate"
    return 0
  fi
  if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/pg_ctl ]]; then
    pg_config --bindir
    return 0
  fi
  if command -v pg_ctl >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

# where PostgreSQL's files live: INFRA_DIR/postgres, unless (as root) the postgres account
# cannot reach INFRA_DIR; then a directory in that account's home (kept across reboots)
PG_HOME=
PG_DATA=
PG_SOCKET_DIR=
PG_LOG=
PG_BIN=
resolve_pg_paths() {
  if [[ -n ${CRM_PG_HOME:-} ]]; then
    PG_HOME=$CRM_PG_HOME
  elif [[ -s $PG_HOME_POINTER ]]; then
    PG_HOME=$(<"$PG_HOME_POINTER")
  else
    PG_HOME=$INFRA_DIR/postgres
  fi
  PG_DATA=$PG_HOME/data
  PG_LOG=$PG_HOME/postgres.log
  # a Unix socket path may not exceed 107 bytes
  PG_SOCKET_DIR=$PG_HOME
  if ((${#PG_SOCKET_DIR} > 90)); then PG_SOCKET_DIR=/tmp; fi
  PG_BIN=$(find_pg_bin) || PG_BIN=
}

prepare_pg_home() {
  if is_root; then
    getent passwd "$PG_USER_OS" >/dev/null ||
      die "user '$PG_USER_OS' does not exist (it comes with Debian's postgresql package)"
    if [[ -z ${CRM_PG_HOME:-} && ! -s $PG_HOME_POINTER ]] &&
      ! runuser -u "$PG_USER_OS" -- test -x "$INFRA_DIR" 2>/dev/null; then
      local home
      home=$(getent passwd "$PG_USER_OS" | cut -d: -f6)
      [[ -d $home ]] || home=/var/tmp
      PG_HOME=$home/crm-infra-$(printf '%s' "$INFRA_DIR" | sha256sum | cut -c1-12)
      printf '%s\n' "$PG_HOME" >"$PG_HOME_POINTER"
      say "the $PG_USER_OS account cannot reach $INFRA_DIR: PostgreSQL's files go to $PG_HOME"
      resolve_pg_paths
    fi
    install -d -o "$PG_USER_OS" -g "$(id -gn "$PG_USER_OS")" -m 0750 "$PG_HOME"
  else
    mkdir -p "$PG_HOME"
  fi
  ln -sfn "$PG_LOG" "$LOG_DIR/postgres.log"
}

ensure_postgres_installed() {
  resolve_pg_paths
  [[ -n $PG_BIN ]] && return 0
  apt_install postgresql || die "PostgreSQL (15 or newer) is needed: install it, e.g. 'sudo apt-get install postgresql'"
  resolve_pg_paths
  [[ -n $PG_BIN ]] || die "PostgreSQL was installed but pg_ctl was not found"
}

# ---------------------------------------------------------------------------------------------
# downloads (cached; a marker file written after success makes the next run skip them)

mvn_copy_dependencies() {
  local pom=$1 out=$2
  shift 2
  local log=$CACHE_DIR/maven.log
  rm -rf "$out"
  if ! mvn -B -Dstyle.color=never -f "$pom" -Dmaven.repo.local="$CACHE_DIR/m2" "$@" \
    "$DEPENDENCY_PLUGIN:copy-dependencies" -DoutputDirectory="$out" -DincludeScope=runtime >"$log" 2>&1; then
    grep -E 'ERROR|BUILD' "$log" | head -n 20 | sed 's/^/  | /' >&2
    printf 'infra: the whole output of Maven is in %s\n' "$log" >&2
    return 1
  fi
}

lock_cache() {
  mkdir -p "$CACHE_DIR"
  command -v flock >/dev/null || return 0
  exec 8>"$CACHE_DIR/.lock"
  flock -n 8 && return 0
  say "waiting for another infra.sh to finish downloading (lock $CACHE_DIR/.lock)..."
  flock -w 900 8 || die "another infra.sh still holds $CACHE_DIR/.lock after 15 min"
}
unlock_cache() {
  command -v flock >/dev/null || return 0
  exec 8>&-
}

ensure_kafka_libs() {
  local stamp
  stamp="$KAFKA_VERSION $(hash_of "$HERE/kafka/pom.xml")"
  [[ -f $KAFKA_HOME/.complete && $(<"$KAFKA_HOME/.complete") == "$stamp" ]] && return 0
  lock_cache
  if ! [[ -f $KAFKA_HOME/.complete && $(<"$KAFKA_HOME/.complete") == "$stamp" ]]; then
    require_maven
    say "downloading Apache Kafka $KAFKA_VERSION from Maven Central into $KAFKA_HOME (once)..."
    rm -f "$KAFKA_HOME/.complete"
    mkdir -p "$KAFKA_HOME"
    mvn_copy_dependencies "$HERE/kafka/pom.xml" "$KAFKA_HOME/libs.tmp" -Dkafka.version="$KAFKA_VERSION" ||
      die "downloading Kafka failed"
    rm -rf "$KAFKA_HOME/libs"
    mv "$KAFKA_HOME/libs.tmp" "$KAFKA_HOME/libs"
    printf '%s\n' "$stamp" >"$KAFKA_HOME/.complete"
  fi
  unlock_cache
}

ensure_mongo_server() {
  local stamp src=$HERE/mongo/MongoWireServer.java
  stamp="$MJS_VERSION $(hash_of "$HERE/mongo/pom.xml" "$src")"
  [[ -f $MONGO_HOME/.complete && $(<"$MONGO_HOME/.complete") == "$stamp" ]] && return 0
  lock_cache
  if ! [[ -f $MONGO_HOME/.complete && $(<"$MONGO_HOME/.complete") == "$stamp" ]]; then
    require_maven
    say "downloading mongo-java-server $MJS_VERSION from Maven Central into $MONGO_HOME (once)..."
    rm -f "$MONGO_HOME/.complete"
    mkdir -p "$MONGO_HOME"
    mvn_copy_dependencies "$HERE/mongo/pom.xml" "$MONGO_HOME/libs.tmp" -Dmjs.version="$MJS_VERSION" ||
      die "downloading mongo-java-server failed"
    rm -rf "$MONGO_HOME/libs" "$MONGO_HOME/classes"
    mv "$MONGO_HOME/libs.tmp" "$MONGO_HOME/libs"
    javac -nowarn --release 17 -cp "$MONGO_HOME/libs/*" -d "$MONGO_HOME/classes" "$src" ||
      die "compiling $src failed"
    printf '%s\n' "$stamp" >"$MONGO_HOME/.complete"
  fi
  unlock_cache
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_running() {
  [[ -n $PG_BIN && -f $PG_DATA/postmaster.pid ]] || return 1
  alive "$(head -n 1 "$PG_DATA/postmaster.pid")" || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

pg_pid() {
  pg_running || return 1
  head -n 1 "$PG_DATA/postmaster.pid"
}

start_postgres() {
  ensure_postgres_installed
  if pg_running && ! pg_probe; then
    local port deadline=$((SECONDS + TIMEOUT))
    port=$(sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true)
    [[ $port == "$PG_PORT" ]] ||
      die "PostgreSQL ($PG_DATA) is running on port ${port:-?}, not $PG_PORT: run 'infra.sh restart postgres'"
    # starting up or shutting down: wait until it answers or is gone
    while pg_running && ! pg_probe; do
      ((SECONDS < deadline)) || die_with_log "PostgreSQL (pid $(pg_pid)) does not answer on port $PG_PORT" "$PG_LOG"
      sleep 0.2
    done
  fi
  if pg_running; then
    say "postgres already running (pid $(pg_pid))"
  else
    port_open "$PG_PORT" && die "port $PG_PORT is in use by another program (set CRM_PG_PORT to another port)"
    prepare_pg_home
    if [[ ! -f $PG_DATA/PG_VERSION ]]; then
      say "creating the PostgreSQL cluster in $PG_DATA..."
      rm -rf "$PG_DATA"
      as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_HOME/initdb.log" 2>&1 ||
        die_with_log "initdb failed" "$PG_HOME/initdb.log"
    fi
    # after a crash, PostgreSQL refuses to start while the pid in postmaster.pid still exists,
    # which a killed postmaster does until it has been reaped
    if [[ -f $PG_DATA/postmaster.pid ]]; then
      local old_pid i
      old_pid=$(head -n 1 "$PG_DATA/postmaster.pid")
      for ((i = 0; i < 150; i++)); do
        if ! [[ $old_pid =~ ^[0-9]+$ ]] || ! kill -0 "$old_pid" 2>/dev/null; then break; fi
        sleep 0.1
      done
    fi
    local options="-p $PG_PORT -k '$PG_SOCKET_DIR' -c listen_addresses=$BIND_HOST -c max_connections=${CRM_PG_MAX_CONNECTIONS:-200}"
    if [[ ${CRM_PG_FAST:-0} == 1 ]]; then
      options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
      warn "CRM_PG_FAST=1: fsync is off, a crash of the machine can lose or corrupt the event store"
    fi
    # fds 8 and 9 hold this script's locks: the server must not inherit them
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$TIMEOUT" -o "$options" start >>"$LOG_DIR/pg_ctl.log" 2>&1 8>&- 9>&- ||
      { tail -n 5 "$LOG_DIR/pg_ctl.log" >&2; die_with_log "PostgreSQL did not start" "$PG_LOG"; }
    wait_ready postgres "$(pg_pid)" "$PG_LOG" pg_probe
    say "postgres started (pid $(pg_pid))"
  fi
  local exists
  exists=$("$PG_BIN/psql" -X -h "$BIND_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") || die "cannot query PostgreSQL on port $PG_PORT"
  if [[ $exists != 1 ]]; then
    "$PG_BIN/psql" -X -q -h "$BIND_HOST" -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE \"$PG_DB\"" ||
      die "cannot create database $PG_DB"
    say "created database $PG_DB"
  fi
}

stop_postgres() {
  local mode=${1:-fast}
  resolve_pg_paths
  pg_running || return 0
  say "stopping postgres (pid $(pg_pid))..."
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "$mode" -w -t 60 stop >/dev/null ||
    warn "pg_ctl stop failed (see $PG_LOG)"
}

# ---------------------------------------------------------------------------------------------
# Kafka

KAFKA_JVM_OPTS=(-Xms128m -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true)

KAFKA_READY_OFFSET=0
kafka_ready() {
  kafka_probe || return 1
  # the broker answers a little before it has registered; wait for the line saying it started
  tail -c "+$((KAFKA_READY_OFFSET + 1))" "$LOG_DIR/kafka.log" 2>/dev/null | grep -q 'Kafka Server started'
}

# starts Kafka without waiting; prints nothing if it was already running
launch_kafka() {
  jvm_pid kafka >/dev/null && return 0
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is in use by another program (set CRM_KAFKA_PORT to another port)"
  port_open "$KAFKA_CONTROLLER_PORT" &&
    die "port $KAFKA_CONTROLLER_PORT is in use by another program (set CRM_KAFKA_CONTROLLER_PORT to another port)"
  require_java
  ensure_kafka_libs
  mkdir -p "$KAFKA_DIR/data"
  render "$HERE/kafka/server.properties.template" "$KAFKA_DIR/server.properties" \
    HOST="$BIND_HOST" PORT="$KAFKA_PORT" CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" \
    DATA_DIR="$KAFKA_DIR/data" PARTITIONS="$KAFKA_PARTITIONS"
  local log=$LOG_DIR/kafka.log
  if [[ ! -f $KAFKA_DIR/data/meta.properties ]]; then
    local cluster_id
    # a Kafka cluster id: 16 random bytes in URL-safe base64 without padding, not starting with '-'
    until [[ ${cluster_id:-} =~ ^[A-Za-z0-9_] ]]; do
      cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    done
    say "formatting Kafka's storage in $KAFKA_DIR/data (cluster id $cluster_id)..."
    java "${KAFKA_JVM_OPTS[@]}" -Dlog4j.configuration="file:$HERE/kafka/tools-log4j.properties" -cp "$KAFKA_HOME/libs/*" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" --ignore-formatted \
      >>"$log" 2>&1 || die_with_log "formatting Kafka's storage failed" "$log"
  fi
  touch "$log"
  KAFKA_READY_OFFSET=$(wc -c <"$log")
  launch kafka "$log" java "${KAFKA_JVM_OPTS[@]}" -Dcrm.infra.service="$INFRA_DIR#kafka" \
    -Dlog4j.configuration="file:$HERE/kafka/log4j.properties" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_DIR/server.properties"
  KAFKA_LAUNCHED=1
}

KAFKA_LAUNCHED=0
await_kafka() {
  local pid
  pid=$(jvm_pid kafka) || die_with_log "kafka is not running" "$LOG_DIR/kafka.log"
  if [[ $KAFKA_LAUNCHED == 1 ]]; then
    wait_ready kafka "$pid" "$LOG_DIR/kafka.log" kafka_ready
    say "kafka started (pid $pid)"
  else
    kafka_probe || wait_ready kafka "$pid" "$LOG_DIR/kafka.log" kafka_probe
    say "kafka already running (pid $pid)"
  fi
}

stop_jvm() {
  local service=$1 signal=${2:-TERM} pid
  pid=$(jvm_pid "$service") || {
    rm -f "$RUN_DIR/$service.pid"
    return 0
  }
  say "stopping $service (pid $pid)..."
  if [[ $signal == KILL ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  else
    terminate "$service" "$pid"
  fi
  rm -f "$RUN_DIR/$service.pid"
}

# ---------------------------------------------------------------------------------------------
# Mongo-wire server

MONGO_LAUNCHED=0
launch_mongo() {
  local pid running_backend
  if pid=$(jvm_pid mongo); then
    running_backend=$(ps -ww -o args= -p "$pid" | sed -n 's/.* MongoWireServer \([a-z0-9]*\) .*/\1/p')
    [[ $running_backend == "$MONGO_BACKEND" ]] ||
      warn "mongo runs with the $running_backend backend; CRM_MONGO_BACKEND=$MONGO_BACKEND applies after 'infra.sh restart mongo'"
    return 0
  fi
  case $MONGO_BACKEND in
    memory | h2) ;;
    *) die "CRM_MONGO_BACKEND must be memory or h2, not '$MONGO_BACKEND'" ;;
  esac
  port_open "$MONGO_PORT" && die "port $MONGO_PORT is in use by another program (set CRM_MONGO_PORT to another port)"
  require_java
  ensure_mongo_server
  mkdir -p "$MONGO_DIR"
  # at the default level, leave out the stack trace logged for every client that resets its
  # connection (the mongodb driver does so on close); unsupported commands are still logged
  local exception_level=$MONGO_LOG_LEVEL
  [[ $MONGO_LOG_LEVEL == warn ]] && exception_level=off
  launch mongo "$LOG_DIR/mongo.log" java -Xms64m -Xmx"$MONGO_HEAP" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dcrm.infra.service="$INFRA_DIR#mongo" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel="$MONGO_LOG_LEVEL" \
    -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.MongoServer=info \
    -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire.MongoExceptionHandler="$exception_level" \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss,SSS" \
    -cp "$MONGO_HOME/libs/*:$MONGO_HOME/classes" \
    MongoWireServer "$MONGO_BACKEND" "$MONGO_PORT" "$BIND_HOST" "$MONGO_VERSION" "$MONGO_DIR/h2.mv.db"
  MONGO_LAUNCHED=1
}

await_mongo() {
  local pid
  pid=$(jvm_pid mongo) || die_with_log "mongo is not running" "$LOG_DIR/mongo.log"
  mongo_probe || wait_ready mongo "$pid" "$LOG_DIR/mongo.log" mongo_probe
  if [[ $MONGO_LAUNCHED == 1 ]]; then
    say "mongo started (pid $pid, $MONGO_BACKEND backend)"
  else
    say "mongo already running (pid $pid)"
  fi
}

# ---------------------------------------------------------------------------------------------
# commands

write_env_file() {
  {
    printf 'DATABASE_URL=%s\n' "$(endpoint postgres)"
    printf 'KAFKA_BROKERS=%s\n' "$(endpoint kafka)"
    printf 'MONGODB_URI=%s\n' "$(endpoint mongo)"
  } >"$ENV_FILE.tmp"
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

# state of SERVICE: prints "STATE PID"; STATE is running, not-answering, stopped or external
service_state() {
  local pid
  if ! needed "$1"; then
    echo "external -"
    return 0
  fi
  case $1 in
    postgres)
      resolve_pg_paths
      if pid=$(pg_pid); then
        if pg_probe; then echo "running $pid"; else echo "not-answering $pid"; fi
      else
        echo "stopped -"
      fi
      ;;
    kafka | mongo)
      if pid=$(jvm_pid "$1"); then
        if "${1}_probe"; then echo "running $pid"; else echo "not-answering $pid"; fi
      else
        echo "stopped -"
      fi
      ;;
  esac
}

# prints the table of servers; returns 1 if a needed one does not answer
print_table() {
  local service state pid rss note ok=0
  printf '%-9s %-14s %-8s %-8s %s\n' SERVICE STATE PID RSS ENDPOINT
  for service in "${SERVICES[@]}"; do
    read -r state pid < <(service_state "$service")
    rss=-
    if [[ $pid != - ]]; then
      rss=$(ps -o rss= -p "$pid" 2>/dev/null | awk '{ printf "%dM", $1 / 1024 }')
    fi
    note=
    [[ $state == external ]] && note=" (from the environment)"
    [[ $service == mongo && $state != external ]] && note=" ($MONGO_BACKEND backend)"
    printf '%-9s %-14s %-8s %-8s %s%s\n' "$service" "$state" "$pid" "${rss:--}" "$(endpoint "$service")" "$note"
    [[ $state == running || $state == external ]] || ok=1
  done
  return "$ok"
}

cmd_up() {
  local started=$SECONDS
  lock_infra
  # downloads first (nothing to do once cached), so that a failed one leaves nothing half-started
  if needed kafka || needed mongo; then require_java; fi
  needed mongo && ensure_mongo_server
  needed kafka && ensure_kafka_libs
  # the JVMs take a few seconds: launch both, then see to PostgreSQL while they boot
  needed mongo && launch_mongo
  needed kafka && launch_kafka
  needed postgres && start_postgres
  needed mongo && await_mongo
  needed kafka && await_kafka
  local service
  for service in "${SERVICES[@]}"; do
    needed "$service" || say "$service: not started, using $(endpoint "$service") from the environment"
  done
  write_env_file
  say "ready in $((SECONDS - started)) s; endpoints in $ENV_FILE, logs in $LOG_DIR"
  print_table
}

cmd_down() {
  lock_infra
  # both JVMs get SIGTERM at once, then PostgreSQL is stopped while they shut down
  local service pids=()
  for service in kafka mongo; do
    local pid
    if pid=$(jvm_pid "$service"); then
      say "stopping $service (pid $pid)..."
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$service:$pid")
    fi
  done
  stop_postgres fast
  local entry
  for entry in ${pids[@]+"${pids[@]}"}; do
    terminate "${entry%%:*}" "${entry#*:}"
    rm -f "$RUN_DIR/${entry%%:*}.pid"
  done
  say "stopped (data kept in $INFRA_DIR)"
}

cmd_reset() {
  cmd_down
  resolve_pg_paths
  if [[ $PG_HOME != "$INFRA_DIR/postgres" && -z ${CRM_PG_HOME:-} && -d $PG_HOME ]]; then
    rm -rf "$PG_HOME"
  fi
  rm -rf "$INFRA_DIR/postgres" "$KAFKA_DIR" "$MONGO_DIR" "$LOG_DIR" "$RUN_DIR" "$ENV_FILE" "$PG_HOME_POINTER"
  say "deleted the data and logs under $INFRA_DIR (download cache kept in $CACHE_DIR)"
}

cmd_status() {
  [[ -d $INFRA_DIR ]] || say "nothing started yet ($INFRA_DIR does not exist)"
  print_table
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "$ENV_FILE does not exist: run 'infra.sh up' first"
  cat "$ENV_FILE"
}

check_service() {
  case ${1:-} in
    postgres | kafka | mongo) ;;
    *) die "expected a service name: postgres, kafka or mongo" ;;
  esac
}

cmd_start() {
  check_service "${1:-}"
  lock_infra
  case $1 in
    postgres) start_postgres ;;
    kafka) launch_kafka && await_kafka ;;
    mongo) launch_mongo && await_mongo ;;
  esac
}

cmd_stop() {
  check_service "${1:-}"
  lock_infra
  case $1 in
    postgres) stop_postgres fast ;;
    kafka | mongo) stop_jvm "$1" ;;
  esac
}

cmd_kill() {
  check_service "${1:-}"
  lock_infra
  case $1 in
    postgres) stop_postgres immediate ;;
    kafka | mongo) stop_jvm "$1" KILL ;;
  esac
}

main() {
  local command=${1:-help}
  shift || true
  case $command in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    env) cmd_env ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    kill) cmd_kill "$@" ;;
    restart)
      cmd_stop "$@"
      cmd_start "$@"
      ;;
    restart-kafka)
      cmd_stop kafka
      cmd_start kafka
      ;;
    help | -h | --help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
