#!/usr/bin/env bash
# The records job over daily totals (issue 15), against DuckDB in the same run:
#   encore catalog import → encore ingest (the first records update: every milestone, leaderboard
#   and news item) → encore records milestones (every 100M of every track, CSV) → records fastest
#   1e9 → records race YEAR 1e9 --kind artist → records first 1e9 --year YEAR --where "country = KR"
# against bench/duckdb_records_job.mjs loading the same files and computing the same. The input:
# `encore simulate --daily-totals` (one GLOBAL row per track and day from its release, a catalog
# of tracks/10 artists). Runs alternate; the answers must agree.
#   bench/records_job.sh ENCORE_BINARY [TRACKS (100000)] [DAYS (730)] [RUNS (3)] [WORKDIR]
# Prints one line per run and tool (wall s, peak RSS MiB), the encore steps, and the medians.
set -euo pipefail
encore=$1 tracks=${2:-100000} days=${3:-730} runs=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=${5:-$here/data}
threshold=1000000000 step=100000000
mkdir -p "$work"
file=$work/totals-${tracks}x${days}.csv catalog=$work/totals-${tracks}x${days}-catalog
if [[ ! -s "$file" || ! -s "$catalog/tracks.csv" ]]; then
  "$encore" simulate --daily-totals --tracks "$tracks" --days "$days" --start 2024-01-01 --seed 1 \
    --out "$file" --catalog-out "$catalog" >&2
fi
rows=$(($(wc -l <"$file") - 1))
first_year=2024 last_year=$(date -u -d "2024-01-01 + $((days - 1)) days" +%Y)
[[ -d "$here/node_modules/@duckdb" ]] || (cd "$here" && npm install --silent >&2)
store=$(mktemp -d)
trap 'rm -rf "$store" "$store".*' EXIT
timed() {  # timed OUT NAME CMD...: runs CMD, appends "name seconds peak_kib" to $store.times
  /usr/bin/time -f "$2 %e %M" -o "$store.t" "${@:3}" >"$1"
  cat "$store.t" >>"$store.times"
}
enc_s=() duck_s=() enc_rss=() duck_rss=()
for run in $(seq "$runs"); do
  rm -rf "$store"; : >"$store.times"
  timed /dev/null catalog "$encore" catalog import "$catalog" --store "$store"
  timed /dev/null ingest "$encore" ingest --no-progress "$file" --store "$store"
  timed "$store.milestones" milestones "$encore" records milestones --kind track --counted all \
    --format csv --store "$store"
  timed "$store.fastest" fastest "$encore" records fastest "$threshold" --kind track \
    --top 100000000 --format json --store "$store"
  for y in $(seq "$first_year" "$last_year"); do
    timed "$store.race-$y" race "$encore" records race "$y" "$threshold" --kind artist \
      --top 100000000 --format json --store "$store"
    timed "$store.first-$y" first "$encore" records first "$threshold" --year "$y" --kind artist \
      --where "country = KR" --top 1 --format json --store "$store"
  done
  read -r s rss < <(awk '{s += $2; if ($3 > m) m = $3} END {print s, int(m / 1024)}' "$store.times")
  steps=$(awk '{t[$1] += $2} END {for (k in t) printf "%s %.2f s, ", k, t[k]}' "$store.times")
  enc_s+=("$s") enc_rss+=("$rss")
  echo "run $run encore: $s s, peak RSS $rss MiB ($steps)"
  : >"$store.times"
  timed "$store.duck" duckdb node "$here/duckdb_records_job.mjs" "$file" "$catalog" "$threshold" "$step"
  read -r s rss < <(awk '{print $2, int($3 / 1024)}' "$store.times")
  duck_s+=("$s") duck_rss+=("$rss")
  echo "run $run duckdb: $s s, peak RSS $rss MiB"
  python3 - "$store" "$first_year" "$last_year" <<'PY'
import csv, json, sys
store, y0, y1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
duck = json.load(open(store + ".duck"))
def fail(what, a, b):
    sys.exit("records_job: %s differ: encore %d, duckdb %d; first differences %s" % (
        what, len(a), len(b), sorted(set(a) ^ set(b))[:5]))
mine = sorted((r["id"], int(r["threshold"]), r["date"])
              for r in csv.DictReader(open(store + ".milestones")))
theirs = sorted(tuple(m) for m in duck["milestones"])
if mine != theirs: fail("milestones", mine, theirs)
fast = sorted((s["id"], s["days"]) for s in json.load(open(store + ".fastest"))["standings"])
if fast != sorted(tuple(f) for f in duck["fastest"]): fail("fastest", fast, duck["fastest"])
races = 0
for y in range(y0, y1 + 1):
    race = sorted((s["id"], s["day"]) for s in json.load(open("%s.race-%d" % (store, y)))["standings"])
    want = sorted(tuple(r) for r in duck["race"].get(str(y), []))
    if race != want: fail("race %d" % y, race, want)
    races += len(race)
    first = json.load(open("%s.first-%d" % (store, y)))["standings"]
    got = [first[0]["id"], first[0]["date"]] if first else None
    if got != duck["first_kr"].get(str(y)):
        sys.exit("records_job: first KR artist in %d differs: encore %s, duckdb %s" % (
            y, got, duck["first_kr"].get(str(y))))
print("  answers agree: %d milestones, %d tracks to 1B, %d artist-years to 1B, first KR artist of each year" % (
    len(mine), len(fast), races))
PY
done
python3 - "${enc_s[*]}" "${duck_s[*]}" "${enc_rss[*]}" "${duck_rss[*]}" "$rows" "$tracks" "$days" <<'PY'
import statistics, sys
e, d = [float(x) for x in sys.argv[1].split()], [float(x) for x in sys.argv[2].split()]
er, dr = [int(x) for x in sys.argv[3].split()], [int(x) for x in sys.argv[4].split()]
rows = int(sys.argv[5])
ratios = [b / a for a, b in zip(e, d)]
print("records_job %s tracks x %s days (%d rows): encore median %.2f s (%.0f ns/row, peak %d MiB), "
      "duckdb %.2f s (peak %d MiB); duckdb/encore median %.2fx (min %.2f, max %.2f)" % (
      sys.argv[6], sys.argv[7], rows, statistics.median(e), statistics.median(e) / rows * 1e9,
      max(er), statistics.median(d), max(dr), statistics.median(ratios), min(ratios), max(ratios)))
PY
