#!/usr/bin/env python3
"""Writes the widely shared single-file Spotify Charts dataset's shape (title,rank,date,artist,url,
region,chart,trend,streams: Top 200 with streams and Viral 50 without, per region and day, regions
as country names, songs repeating across days) at the size asked.
Usage: chart_dataset_gen.py FILE MEGABYTES"""
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
