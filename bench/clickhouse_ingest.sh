#!/usr/bin/env bash
# Ingest into the ClickHouse store (issue 16) beside the local store and beside ClickHouse's own
# load of the same file, then the whole job on the cluster against the local store's answers.
#   bench/clickhouse_ingest.sh ENCORE_BINARY [PLAYS (10000000)] [RUNS (3)] [WORKDIR]
# The log is whole_job.sh's high-cardinality shape (2M listeners played evenly, 1M tracks with
# Zipf(1) popularity, 70 markets, 30 days, a quarter skipped, 2 % bots). Each run, alternating:
#   local     encore ingest --no-records into a fresh local store
#   cluster2  the same into a fresh database of a two-shard cluster (scripts/clickhouse-cluster.sh)
#   cluster1  the same into a one-shard cluster
#   chcsv     ClickHouse's own `INSERT INTO plays FORMAT CSVWithNames` of the file through curl,
#             into a Distributed table of String columns sharded by user on the two-shard cluster
#             (parsing nothing but CSV: the floor of getting the file into the cluster)
# Then, on the last run's stores: `chart compile spotify-daily` for every day and region and
# `records fastest T`, timed on both stores; their answers must be identical.
# Prints one line per run and tool (wall s, encore's peak RSS MiB), medians and ratios.
set -euo pipefail
encore=$(realpath "$1") plays=${2:-10000000} runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=${4:-$here/data}
mkdir -p "$work"
file=$work/whole-job-$plays.csv
if [[ ! -s "$file" ]]; then
  "$encore" simulate --plays "$plays" --days 30 --start 2024-01-01 --seed 15 --users 2000000 \
    --tracks 1000000 --popularity 1 --user-skew 1 --bots 0.02 --skips 0.25 --out "$file" >&2
fi
tmp=$(mktemp -d)
cluster=$here/../scripts/clickhouse-cluster.sh
cleanup() {
  bash "$cluster" stop "$tmp/c2" || true
  bash "$cluster" stop "$tmp/c1" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
url2=$(bash "$cluster" start "$tmp/c2")
url1=$(bash "$cluster" start "$tmp/c1" --shards 1)
export ENCORE_STATE_DIR=$tmp/state
port2=$(cat "$tmp/c2/shard1/http_port")
q() { curl -sS --fail-with-body "http://127.0.0.1:$port2/" --data-binary "$1"; }

timed() {  # timed NAME CMD...: wall seconds and peak RSS (MiB) of CMD, appended to $tmp/NAME
  /usr/bin/time -f "%e %M" -o "$tmp/t" "${@:2}" >/dev/null
  read -r s kib <"$tmp/t"
  echo "$s $((kib / 1024))" >>"$tmp/times.$1"
  echo "run $run $1: $s s, peak RSS $((kib / 1024)) MiB"
}

for run in $(seq "$runs"); do
  rm -rf "$tmp/local"
  timed local "$encore" ingest --no-records --no-progress "$file" --store "$tmp/local"
  timed cluster2 "$encore" ingest --no-records --no-progress "$file" --store "${url2/\/encore\?//run$run?}"
  timed cluster1 "$encore" ingest --no-records --no-progress "$file" --store "${url1/\/encore\?//run$run?}"
  for p in $(for s in "$tmp"/c2/shard*; do cat "$s/http_port"; done); do
    curl -sS "http://127.0.0.1:$p/" --data-binary "CREATE DATABASE IF NOT EXISTS raw"
    curl -sS "http://127.0.0.1:$p/" --data-binary "DROP TABLE IF EXISTS raw.plays_local"
    curl -sS "http://127.0.0.1:$p/" --data-binary "CREATE TABLE raw.plays_local (ts String, user String, track String, ms_played Int64, country String, tier String) ENGINE = MergeTree() ORDER BY tuple()"
  done
  q "CREATE TABLE IF NOT EXISTS raw.plays AS raw.plays_local ENGINE = Distributed(encore, raw, plays_local, cityHash64(user))"
  timed chcsv curl -sS --fail-with-body \
    "http://127.0.0.1:$port2/?insert_distributed_sync=1&query=INSERT%20INTO%20raw.plays%20FORMAT%20CSVWithNames" \
    -X POST -T "$file"  # streamed (--data-binary @file would hold the whole file in memory)
  [[ $(q "SELECT count() FROM raw.plays") == "$plays" ]] || { echo "chcsv: rows missing" >&2; exit 1; }
done

# The whole job on the last run's stores.
threshold=$((plays / 1000))
for where in local cluster2; do
  store=$tmp/local
  [[ $where == cluster2 ]] && store=${url2/\/encore\?//run$runs?}
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$encore" chart compile spotify-daily --from 2024-01-01 \
    --to 2024-01-30 --store "$store" >"$tmp/$where.charts"
  read -r c_s _ <"$tmp/t"
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$encore" records fastest "$threshold" --top 100000000 \
    --format json --store "$store" >"$tmp/$where.fastest"
  read -r f_s _ <"$tmp/t"
  for d in 2024-01-05 2024-01-20; do
    for c in GLOBAL US KR BR; do
      "$encore" chart spotify-daily --date "$d" --country "$c" --store "$store" >>"$tmp/$where.editions"
    done
  done
  echo "whole job on $where: chart compile $c_s s, records fastest $f_s s"
done
sed -E 's/ in [0-9.]+ m?s//' "$tmp/local.charts" >"$tmp/a"
sed -E 's/ in [0-9.]+ m?s//' "$tmp/cluster2.charts" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "chart compile answers differ" >&2; diff "$tmp/a" "$tmp/b" | head >&2; exit 1; }
cmp -s "$tmp/local.editions" "$tmp/cluster2.editions" || { echo "chart editions differ" >&2; exit 1; }
cmp -s "$tmp/local.fastest" "$tmp/cluster2.fastest" || { echo "records fastest differs" >&2; exit 1; }
echo "  answers agree: $(grep -c 'compiled' "$tmp/a") chart dates, 8 editions, records fastest $threshold"

python3 - "$tmp" "$plays" <<'PY'
import statistics, sys
tmp, plays = sys.argv[1], int(sys.argv[2])
med = {}
for name in ("local", "cluster2", "cluster1", "chcsv"):
    rows = [l.split() for l in open(f"{tmp}/times.{name}")]
    s = statistics.median(float(r[0]) for r in rows)
    rss = statistics.median(int(r[1]) for r in rows)
    med[name] = s
    print(f"median {name:8s} {s:7.2f} s  {plays / s / 1e6:5.2f}M plays/s  peak RSS {rss} MiB")
print(f"cluster2 / chcsv speed: {med['chcsv'] / med['cluster2']:.2f}x (>= 1: encore's ingest into the cluster is faster)")
print(f"cluster2 / cluster1 speed: {med['cluster1'] / med['cluster2']:.2f}x")
print(f"local / cluster2 speed: {med['cluster2'] / med['local']:.2f}x")
PY
