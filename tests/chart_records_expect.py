#!/usr/bin/env python3
"""Chart records over the raw Billboard Hot 100 CSV, computed independently of encore.

Usage: chart_records_expect.py HOT100_CSV
Prints JSON: weeks at No. 1 per song (title, artist as printed) and the longest run of
consecutive editions at No. 1, the biggest one-edition climb by positions, and the most entries
on one edition of credits naming a few artists. Only the raw positions are used: a song is its
(title, artist) as printed; consecutive means editions next to each other in the data.
"""
import collections
import csv
import json
import sys


def main(path):
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
    dates = sorted({r["chart_date"] for r in rows})
    index = {d: i for i, d in enumerate(dates)}
    at1 = collections.defaultdict(list)  # song -> edition indexes at No. 1
    pos = collections.defaultdict(dict)  # song -> {edition: position}
    per_date = collections.defaultdict(list)
    for r in rows:
        song = (r["song"], r["artist"])
        i = index[r["chart_date"]]
        p = int(r["this_week"])
        pos[song][i] = min(p, pos[song].get(i, p))
        if p == 1:
            at1[song].append(i)
        per_date[r["chart_date"]].append(r["artist"])
    weeks = {s: len(set(v)) for s, v in at1.items()}
    consecutive = {}
    for s, v in at1.items():
        v = sorted(set(v))
        best = run = 1
        for a, b in zip(v, v[1:]):
            run = run + 1 if b == a + 1 else 1
            best = max(best, run)
        consecutive[s] = best
    climb = {}
    for s, ps in pos.items():
        best = 0
        for i, p in ps.items():
            if i - 1 in ps:
                best = max(best, ps[i - 1] - p)
        if best > 0:
            climb[s] = best
    def top(d, n=5):
        return [{"title": s[0], "artist": s[1], "value": v}
                for s, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
    simultaneous = {}
    for name in ("Taylor Swift", "Drake", "Morgan Wallen", "The Beatles"):
        simultaneous[name] = max(sum(name in a for a in arts) for arts in per_date.values())
    json.dump({"weeks_at_1": top(weeks), "consecutive_at_1": top(consecutive),
               "climb": top(climb), "simultaneous": simultaneous}, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
