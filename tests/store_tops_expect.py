#!/usr/bin/env python3
""""No. 1 in N countries within T hours" over a folder of store feed snapshots, written
independently of encore from doc/charts.md and doc/records.md alone, for
tests/store_feeds_cli_test.cc to check `encore records store-tops` against.

python3 store_tops_expect.py DIR ARTIST TITLE WITHIN_SECONDS [STORE] prints one JSON object:
  {"start": epoch seconds, "countries_within": n, "tops": {country: seconds after the start}}

A snapshot: every *.json under DIR holding {"feed": …} (iTunes RSS: feed.entry, feed.updated.label,
the country in feed.id.label's path; Marketing Tools: feed.results, feed.updated, feed.country).
Its time: feed.updated, else the file name's YYYY-MM-DDTHH-MMZ. The song: an entry whose title
(lower case, "(feat. …)" dropped) is TITLE's and whose artist starts with ARTIST's lead, or whose
store id is one of those entries' ids.
"""
import datetime
import email.utils
import json
import os
import re
import sys

root, artist, title, within = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = sys.argv[5] if len(sys.argv) > 5 else "itunes"


def norm_title(t):
    return re.sub(r"\s*[\(\[].*?[\)\]]", "", t).strip().lower()


def when(updated, path):
    if updated:
        try:
            return int(datetime.datetime.fromisoformat(updated.replace("Z", "+00:00")).timestamp())
        except ValueError:
            return int(email.utils.parsedate_to_datetime(updated).timestamp())
    m = re.search(r"(\d{4})-(\d\d)-(\d\d)T(\d\d)-(\d\d)Z", os.path.basename(path))
    y, mo, d, h, mi = map(int, m.groups())
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=datetime.timezone.utc).timestamp())


snapshots = {}  # (country, time) -> [(position, title, artist, id)]
for dirpath, _, files in os.walk(root):
    for name in sorted(files):
        if not name.endswith(".json"):
            continue
        path = os.path.join(dirpath, name)
        try:
            doc = json.load(open(path, encoding="utf-8"))
        except ValueError:
            continue
        if not isinstance(doc, dict) or "feed" not in doc:
            continue
        feed = doc["feed"]
        if "entry" in feed:
            url = feed["id"]["label"]
            if "/rss/topsongs" not in url or store != "itunes":
                continue
            country = url.split("/")[3].upper()
            t = when(feed.get("updated", {}).get("label"), path)
            entries = feed["entry"] if isinstance(feed["entry"], list) else [feed["entry"]]
            rows = [(i + 1, e.get("im:name", {}).get("label", ""), e.get("im:artist", {}).get("label", ""),
                     e.get("id", {}).get("attributes", {}).get("im:id", "")) for i, e in enumerate(entries)]
        else:
            if "most-played" not in feed["id"] or not feed["id"].endswith("songs.json") or store != "apple-music":
                continue
            country = feed["country"].upper()
            t = when(feed.get("updated"), path)
            rows = [(i + 1, e.get("name", ""), e.get("artistName", ""), e.get("id", ""))
                    for i, e in enumerate(feed["results"])]
        rows = [r for r in rows if r[1] and r[2]]
        snapshots[(country, t)] = rows

lead = artist.lower()
ids = set()
for rows in snapshots.values():
    for pos, t, a, i in rows:
        if norm_title(t) == norm_title(title) and a.lower().startswith(lead) and i:
            ids.add(i)


def position(rows):
    best = None
    for pos, t, a, i in rows:
        if (norm_title(t) == norm_title(title) and a.lower().startswith(lead)) or (i and i in ids):
            best = pos if best is None else min(best, pos)
    return best


listed = sorted(k[1] for k, rows in snapshots.items() if position(rows) is not None)
start = listed[0]
tops = {}
for (country, t) in sorted(snapshots, key=lambda k: (k[1], k[0])):
    if t < start or country in tops:
        continue
    if position(snapshots[(country, t)]) == 1:
        tops[country] = t - start
print(json.dumps({"start": start, "countries_within": sum(1 for v in tops.values() if v <= within),
                  "tops": tops}))
