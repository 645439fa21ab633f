#!/usr/bin/env bash
# A local two-shard ClickHouse cluster for encore's tests, its benchmark and a user trying the
# ClickHouse store (doc/decisions/0009-clickhouse-store.md): two `clickhouse-server` processes on
# loopback, their data, logs and configuration under DIR, no system service.
#
#   scripts/clickhouse-cluster.sh start DIR [--port BASE] [--shards N]
#   scripts/clickhouse-cluster.sh stop DIR
#   scripts/clickhouse-cluster.sh status DIR
#
# start on a DIR that holds a cluster starts the shards that are down, on their own ports.
# start prints the store URL (clickhouse://127.0.0.1:P1,127.0.0.1:P2/encore?cluster=encore: every
# shard's HTTP address, the coordinator first) on stdout and
# waits until every shard answers. Shard i (from 1) listens on BASE+10*(i-1) for HTTP, the next
# port for its native protocol (what the Distributed table uses between shards) and the one after
# for interserver HTTP. BASE defaults to a free range found from 18123 up. Needs Debian's
# clickhouse-server (`apt-get install clickhouse-server`); the cluster is named `encore`.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR [--port BASE] [--shards N]" >&2; exit 2; }
(($# >= 2)) || usage
cmd=$1
dir=$2
shift 2
base=""
shards=2
while (($#)); do
  case "$1" in
    --port) base=$2; shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    *) usage ;;
  esac
done

server=$(command -v clickhouse-server || true)
[[ -z "$server" && -x /usr/sbin/clickhouse-server ]] && server=/usr/sbin/clickhouse-server

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

answers() {  # HTTP port
  curl -sf --max-time 2 "http://127.0.0.1:$1/?query=SELECT%201" >/dev/null 2>&1
}

url_of() {
  local hosts="" s
  for s in "$dir"/shard*; do
    [[ -f "$s/http_port" ]] && hosts+="${hosts:+,}127.0.0.1:$(cat "$s/http_port")"
  done
  echo "clickhouse://$hosts/encore?cluster=encore"
}

case "$cmd" in
  start)
    if [[ -z "$server" ]]; then
      echo "clickhouse-cluster: no clickhouse-server binary (Debian: apt-get install clickhouse-server)" >&2
      exit 1
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    alive() { [[ -f "$1/pid" ]] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }
    launch() {  # launch SHARD_DIR: a server on the shard's own configuration
      (cd "$1" && exec setsid "$server" --config-file="$1/config.xml" >"$1/log/stdout.log" 2>&1 </dev/null) &
      echo $! >"$1/pid"
    }
    wait_for() {  # wait_for SHARD_DIR: a server that dies at once (a shard killed a moment ago
      local s=$1 tries=0  # may still hold what it held) is started again, ten times at most
      for _ in $(seq 1 600); do
        answers "$(cat "$s/http_port")" && return 0
        if ! kill -0 "$(cat "$s/pid")" 2>/dev/null; then
          if ((++tries <= 10)); then
            sleep 1
            launch "$s"
            continue
          fi
          echo "clickhouse-cluster: $(basename "$s") did not start; its log:" >&2
          { tail -n 20 "$s/log/server.err.log" "$s/log/stdout.log" 2>/dev/null || true; } >&2
          exit 1
        fi
        sleep 0.1
      done
      echo "clickhouse-cluster: $(basename "$s") does not answer" >&2
      exit 1
    }
    if [[ -f "$dir/shard1/config.xml" ]]; then
      # A cluster made before: start the shards that are down, on their own ports.
      for s in "$dir"/shard*; do alive "$s" || launch "$s"; done
      for s in "$dir"/shard*; do wait_for "$s"; done
      url_of
      exit 0
    fi
    if [[ -z "$base" ]]; then
      for try in $(seq 18123 100 28123); do
        ok=1
        for ((i = 0; i < shards; i++)); do
          for off in 0 1 2; do port_free $((try + 10 * i + off)) || ok=0; done
        done
        if ((ok)); then base=$try; break; fi
      done
      [[ -n "$base" ]] || { echo "clickhouse-cluster: no free port range" >&2; exit 1; }
    else
      for ((i = 0; i < shards; i++)); do
        for off in 0 1 2; do
          port_free $((base + 10 * i + off)) ||
            { echo "clickhouse-cluster: port $((base + 10 * i + off)) is in use" >&2; exit 1; }
        done
      done
    fi
    remote=""
    for ((i = 0; i < shards; i++)); do
      remote+="<shard><replica><host>127.0.0.1</host><port>$((base + 10 * i + 1))</port></replica></shard>"
    done
    for ((i = 1; i <= shards; i++)); do
      s="$dir/shard$i"
      http=$((base + 10 * (i - 1)))
      mkdir -p "$s/data" "$s/tmp" "$s/user_files" "$s/format_schemas" "$s/log"
      cat >"$s/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$s/log/server.log</log><errorlog>$s/log/server.err.log</errorlog><size>100M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$((http + 1))</tcp_port>
  <interserver_http_port>$((http + 2))</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>64</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$s/data/</path>
  <tmp_path>$s/tmp/</tmp_path>
  <user_files_path>$s/user_files/</user_files_path>
  <format_schema_path>$s/format_schemas/</format_schema_path>
  <users_config>$s/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <remote_servers><encore>$remote</encore></remote_servers>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
EOF
      cat >"$s/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
EOF
      echo "$http" >"$s/http_port"
      launch "$s"
    done
    for ((i = 1; i <= shards; i++)); do wait_for "$dir/shard$i"; done
    url_of
    ;;
  stop)
    [[ -d "$dir" ]] || exit 0
    for s in "$dir"/shard*; do
      [[ -f "$s/pid" ]] || continue
      pid=$(cat "$s/pid")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
      rm -f "$s/pid"
    done
    ;;
  status)
    up=0
    n=0
    for s in "$dir"/shard*; do
      [[ -f "$s/http_port" ]] || continue
      n=$((n + 1))
      port=$(cat "$s/http_port")
      if answers "$port"; then echo "$(basename "$s"): up on 127.0.0.1:$port"; up=$((up + 1));
      else echo "$(basename "$s"): down (127.0.0.1:$port)"; fi
    done
    ((n > 0)) || { echo "no cluster in $dir"; exit 1; }
    ((up == n)) && url_of
    ((up == n))
    ;;
  *) usage ;;
esac
