#!/usr/bin/env python3
"""A list of No. 1s (`var data = [...]`, {"number", "artist", "song", "date", "woc"}) counted
independently of encore, for tests/store_feeds_cli_test.cc: prints
{"entries", "returns", "weeks", "first", "last"} (weeks: "8x" counts 8)."""
import datetime
import json
import sys

text = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(text[text.index("["):].rstrip().rstrip(";"))
dates = [datetime.datetime.strptime(d["date"], "%d %B %Y").date() for d in data]
print(json.dumps({"entries": len(data),
                  "returns": sum(1 for d in data if d["number"] == "re"),
                  "weeks": sum(int(d["woc"].rstrip("x")) for d in data),
                  "first": dates[0].isoformat(), "last": dates[-1].isoformat()}))
