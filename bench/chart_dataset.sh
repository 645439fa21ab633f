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
  python3 "$(dirname "$0")/chart_dataset_gen.py" "$file" "$megabytes"
fi
rows=$(($(wc -l <"$file") - 1))
rm -rf "$work/store"
/usr/bin/time -f '%e s, peak RSS %M KB' -o "$work/time" "$encore" chart import "$file" --store "$work/store" >"$work/out"
echo "file: $(du -m "$file" | cut -f1) MB, $rows rows"
tail -3 "$work/out"
secs=$(cut -d' ' -f1 "$work/time")
echo "import: $(cat "$work/time"); $(python3 -c "print(f'{$rows / $secs:,.0f}')") rows/s"
