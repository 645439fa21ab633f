#!/usr/bin/env python3
"""Chart streams computed independently of encore, from the raw Spotify weekly chart CSVs.

Reads every regional-<region>-weekly-YYYY-MM-DD.csv under the folders given (Python's csv module,
nothing of encore's) and applies doc/charts.md, "Chart streams", as written:
  - a track is its Spotify URI; an edition's figure for it is the `streams` column of its row
    (a URI listed twice on one edition counts once, its first row by rank);
  - a weekly file is the Friday-Thursday week ending on the date in its name; one file per date
    (a later file of the same date replaces the earlier one);
  - a track's chart streams are the sum of its figures over the editions it is on;
  - crossing N: the first edition (week ending D) after which the running total is >= N;
    day 0 is the first day (Friday) of the track's first week on the chart, and the days to N
    are D - day 0 (an upper bound: the week's figure does not say which day).

Prints JSON: {"totals": {uri: total}, "fastest": [[uri, days, "YYYY-MM-DD"], ...] sorted by
(days, date, uri), "figure": {"uri|date": streams}, "editions": n, "rows": n, "repeats": n}.

usage: chart_streams_expect.py N FOLDER...
"""
import csv
import datetime
import json
import os
import re
import sys


def main():
    n = int(float(sys.argv[1]))
    files = {}
    for folder in sys.argv[2:]:
        for root, _, names in os.walk(folder):
            for name in sorted(names):
                m = re.match(r"regional-global-weekly-(\d{4}-\d{2}-\d{2})\.csv$", name)
                if m:
                    files[m.group(1)] = os.path.join(root, name)
    totals, first, crossed, figure = {}, {}, {}, {}
    rows = repeats = 0
    for date in sorted(files):
        with open(files[date], newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            seen = set()
            entries = sorted(reader, key=lambda r: int(r["rank"]))
        for r in entries:
            uri, streams = r["uri"], r["streams"]
            if not uri or streams == "":
                continue
            if uri in seen:
                repeats += 1
                continue
            seen.add(uri)
            rows += 1
            v = int(streams)
            figure[uri + "|" + date] = v
            if uri not in first:
                first[uri] = date
            before = totals.get(uri, 0)
            totals[uri] = before + v
            if before < n <= totals[uri]:
                crossed[uri] = date

    def day(s):
        return datetime.date.fromisoformat(s)

    fastest = []
    for uri, date in crossed.items():
        day0 = day(first[uri]) - datetime.timedelta(days=6)
        fastest.append([uri, (day(date) - day0).days, date])
    fastest.sort(key=lambda x: (x[1], x[2], x[0]))
    json.dump({"totals": totals, "fastest": fastest, "figure": figure, "editions": len(files),
               "rows": rows, "repeats": repeats}, sys.stdout)


if __name__ == "__main__":
    main()
