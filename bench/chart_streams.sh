#!/usr/bin/env bash
# Chart streams at scale: the Spotify Charts dataset's layout (title,rank,date,artist,url,region,
# chart,trend,streams) with REGIONS regions' daily Top 200 over DAYS days, imported with
# `encore chart import` (the chart history, then the chart streams written to the count store),
# reporting the import, the conversion to counts and the peak RSS.
#   bench/chart_streams.sh ENCORE_BINARY [REGIONS (default 200)] [DAYS (default 730)] [WORKDIR]
# Regions: Global and then countries by code, named as the dataset names them (the names of
# src/common/country_names.cc). Songs repeat across days and regions, as on the real charts.
set -euo pipefail
encore=$1 regions=${2:-200} days=${3:-730} work=${4:-}
if [[ -z "$work" ]]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
here=$(cd "$(dirname "$0")/.." && pwd)
file=$work/charts-$regions-$days.csv
if [[ ! -s "$file" ]]; then
  python3 - "$file" "$regions" "$days" "$here/src/common/country_names.cc" <<'PY'
import datetime, random, re, sys
path, regions, days, names_src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
text = "".join(re.findall(r'"([^"]*)"', open(names_src).read().split("kNames =", 1)[1].split(";\n\n")[0]))
names = ["Global"] + [entry.split("=", 1)[1].split("|")[0] for entry in text.split(";")
                      if "=" in entry and entry.split("=")[0] not in ("ZZ", "XK")]
names = names[:regions]
rnd = random.Random(13)
songs = [("Song %d" % i, "Artist %d" % (i % 5000), "https://open.spotify.com/track/%022d" % i)
         for i in range(100000)]
day = datetime.date(2021, 1, 1)
with open(path, "w", newline="") as f:
    f.write("title,rank,date,artist,url,region,chart,trend,streams\n")
    for _ in range(days):
        d = day.isoformat()
        for region in names:
            base = rnd.randrange(0, 90000)
            region_field = '"%s"' % region if "," in region else region
            f.write("".join("%s,%d,%s,%s,%s,%s,top200,SAME_POSITION,%d\n" %
                            (songs[(base + r * 7) % len(songs)][0], r, d, songs[(base + r * 7) % len(songs)][1],
                             songs[(base + r * 7) % len(songs)][2], region_field,
                             2000000 // r + rnd.randrange(1000)) for r in range(1, 201)))
        day += datetime.timedelta(days=1)
PY
fi
rows=$(($(wc -l <"$file") - 1))
rm -rf "$work/store"
/usr/bin/time -f '%e s, peak RSS %M KB' -o "$work/time" "$encore" chart import "$file" --store "$work/store" >"$work/out"
echo "file: $(du -m "$file" | cut -f1) MB, $rows rows ($regions regions x $days days x top 200)"
grep -E "^chart streams|files:" "$work/out" || true
secs=$(cut -d' ' -f1 "$work/time")
echo "import + conversion: $(cat "$work/time"); $(python3 -c "print(f'{$rows / $secs:,.0f}')") rows/s"
"$encore" status --store "$work/store" | sed -n 3,4p
