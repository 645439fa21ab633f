#!/usr/bin/env bash
# The whole job on a play log encore did not make (issue 15), against DuckDB in the same run:
#   encore ingest --no-records FILE → encore chart compile spotify-daily (every day, global and
#   every country) → encore records fastest T
# against bench/duckdb_whole_job.mjs computing the same from the CSV. The log: 2M listeners played
# evenly, 1M tracks with Zipf(1) popularity, 70 markets weighted by size, 30 days, a quarter
# skipped, 2 % bots (nearly every (day, user, track, country) key distinct). Runs alternate; the
# answers must agree (chart entries per day and region, and every track's days to T).
#   bench/whole_job.sh ENCORE_BINARY [PLAYS (10000000)] [RUNS (3)] [T (plays / 1000)] [WORKDIR]
# Prints one line per run and tool (wall s, peak RSS MiB) and the medians and their ratio.
set -euo pipefail
encore=$1 plays=${2:-10000000} runs=${3:-3} threshold=${4:-$(( ${2:-10000000} / 1000 ))}
here=$(cd "$(dirname "$0")" && pwd)
work=${5:-$here/data}
mkdir -p "$work"
file=$work/whole-job-$plays.csv
if [[ ! -s "$file" ]]; then
  "$encore" simulate --plays "$plays" --days 30 --start 2024-01-01 --seed 15 --users 2000000 \
    --tracks 1000000 --popularity 1 --user-skew 1 --bots 0.02 --skips 0.25 --out "$file" >&2
fi
[[ -d "$here/node_modules/@duckdb" ]] || (cd "$here" && npm install --silent >&2)
store=$(mktemp -d)
trap 'rm -rf "$store" "$store.out"' EXIT
timed() {  # timed OUT CMD...: runs CMD, appends "seconds peak_kib" to $store.times
  /usr/bin/time -f "%e %M" -o "$store.t" "${@:2}" >"$1"
  cat "$store.t" >>"$store.times"
}
enc_s=() duck_s=() enc_rss=() duck_rss=()
for run in $(seq "$runs"); do
  rm -rf "$store"; : >"$store.times"
  timed /dev/null "$encore" ingest --no-records --no-progress "$file" --store "$store"
  timed "$store.out" "$encore" chart compile spotify-daily --from 2024-01-01 --to 2024-01-30 \
    --store "$store"
  entries=$(grep 'compiled in' "$store.out" | grep -o '[0-9,]* entries' | tr -d ', entries' | paste -sd+ | bc)
  timed "$store.fastest" "$encore" records fastest "$threshold" --top 100000000 --format json \
    --store "$store"
  read -r s rss < <(awk '{s += $1; if ($2 > m) m = $2} END {print s, int(m / 1024)}' "$store.times")
  enc_s+=("$s") enc_rss+=("$rss")
  echo "run $run encore: $s s, peak RSS $rss MiB, chart entries $entries"
  : >"$store.times"
  timed "$store.duck" node "$here/duckdb_whole_job.mjs" "$file" "$threshold"
  read -r s rss < <(awk '{print $1, int($2 / 1024)}' "$store.times")
  duck_s+=("$s") duck_rss+=("$rss")
  echo "run $run duckdb: $s s, peak RSS $rss MiB"
  python3 - "$store.fastest" "$store.duck" "$entries" <<'PY'
import json, sys
enc = json.load(open(sys.argv[1]))
duck = json.load(open(sys.argv[2]))
mine = sorted((s["id"], s["days"]) for s in enc["standings"])
theirs = sorted((t, d) for t, d in duck["crossings"])
if mine != theirs:
    sys.exit("whole_job: the crossings differ: encore %d, duckdb %d; first differences %s" % (
        len(mine), len(theirs), sorted(set(mine) ^ set(theirs))[:5]))
if int(sys.argv[3]) != duck["chart_entries"]:
    sys.exit("whole_job: chart entries differ: encore %s, duckdb %d" % (sys.argv[3], duck["chart_entries"]))
print("  answers agree: %d chart entries, %d tracks reached T" % (duck["chart_entries"], len(mine)))
PY
  rm -f "$store.fastest" "$store.duck"
done
python3 - "${enc_s[*]}" "${duck_s[*]}" "${enc_rss[*]}" "${duck_rss[*]}" "$plays" <<'PY'
import statistics, sys
e, d = [float(x) for x in sys.argv[1].split()], [float(x) for x in sys.argv[2].split()]
er, dr = [int(x) for x in sys.argv[3].split()], [int(x) for x in sys.argv[4].split()]
ratios = [b / a for a, b in zip(e, d)]
print("whole_job %s plays: encore median %.2f s (%.2fM rows/s, peak %d MiB), duckdb %.2f s (peak %d MiB);"
      " duckdb/encore median %.2fx (min %.2f, max %.2f)" % (
      sys.argv[5], statistics.median(e), int(sys.argv[5]) / statistics.median(e) / 1e6, max(er),
      statistics.median(d), max(dr), statistics.median(ratios), min(ratios), max(ratios)))
PY
