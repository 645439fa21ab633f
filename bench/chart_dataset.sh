#!/usr/bin/env bash
# Import of the widely shared single-file Spotify Charts dataset (title,rank,date,artist,url,
# region,chart,trend,streams: Top 200 and Viral 50 of every region, ~3 GB, 26M rows), generated
# in its shape at the size asked, reporting rows/s and the importer's peak RSS.
#   bench/chart_dataset.sh ENCORE_BINARY [MEGABYTES (default 1024)] [WORKDIR (default: a temp dir)]
# The generated rows follow the real file: editions of 200 (Top 200, with streams) and 50 (Viral
# 50, no streams) per region and day, regions as country names, songs repeating across days.
set -euo pipefail
encore=$1 megabytes=${2:-1024} work=${3:-}
if [[ -z "$work" ]]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
file=$work/charts.csv
if [[ ! -s "$file" ]]; then
  python3 - "$file" "$megabytes" <<'PY'
import random, sys, datetime
path, megabytes = sys.argv[1], int(sys.argv[2])
regions = ["Global", "United States", "United Kingdom", "Argentina", "Brazil", "Mexico", "Germany",
           "France", "Japan", "South Korea", "Spain", "Italy", "Canada", "Australia", "Sweden",
           "Netherlands", "Poland", "Turkey", "Indonesia", "Philippines", "Czech Republic",
           "Hong Kong", "Taiwan", "Chile", "Colombia", "Peru", "India", "Norway", "Denmark",
           "Finland", "Belgium", "Austria", "Switzerland", "Portugal", "Ireland", "New Zealand"]
trends = ["MOVE_UP", "MOVE_DOWN", "SAME_POSITION", "NEW_ENTRY"]
rnd = random.Random(13)
songs = [("Song %d (feat. Guest %d)" % (i, i % 97), "Artist %d, Other %d" % (i % 5000, i % 31),
          "https://open.spotify.com/track/%022d" % i) for i in range(60000)]
limit = megabytes << 20
day = datetime.date(2017, 1, 1)
with open(path, "w", newline="") as f:
    f.write("title,rank,date,artist,url,region,chart,trend,streams\n")
    written = 0
    while written < limit:
        d = day.isoformat()
        for region in regions:
            base = rnd.randrange(0, 50000)
            for chart, size in (("top200", 200), ("viral50", 50)):
                rows = []
                for rank in range(1, size + 1):
                    t, a, u = songs[(base + rank * 7 + (0 if chart == "top200" else 3)) % len(songs)]
                    streams = str(2000000 // rank + rnd.randrange(1000)) if chart == "top200" else ""
                    title = '"%s"' % t if "," in t else t
                    rows.append('%s,%d,%s,"%s",%s,%s,%s,%s,%s\n' %
                                (title, rank, d, a, u, region, chart, rnd.choice(trends), streams))
                s = "".join(rows)
                f.write(s)
                written += len(s)
        day += datetime.timedelta(days=1)
PY
fi
rows=$(($(wc -l <"$file") - 1))
rm -rf "$work/store"
/usr/bin/time -f '%e s, peak RSS %M KB' -o "$work/time" "$encore" chart import "$file" --store "$work/store" >"$work/out"
echo "file: $(du -m "$file" | cut -f1) MB, $rows rows"
tail -3 "$work/out"
secs=$(cut -d' ' -f1 "$work/time")
echo "import: $(cat "$work/time"); $(python3 -c "print(f'{$rows / $secs:,.0f}')") rows/s"
