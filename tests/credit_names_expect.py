#!/usr/bin/env python3
"""Credits whose lead artist's name contains a comma, in the real Billboard files, classified
independently of encore's code, for src/catalog/chart_names_test.cc to check encore's lead keys
against (and for a person to read: python3 credit_names_expect.py HOT100_CSV B200_DIR --summary).

python3 credit_names_expect.py HOT100_CSV B200_DIR prints one line, tab-separated,

  CHART  CLASS  ROWS  LEAD  CREDIT        (CHART: hot100 or b200)

for every distinct credit ("artist" / "performer" column) whose primary part contains a comma.
`class` is "comma-lead" (the lead's name contains the comma; "co" appended when other artists
are credited besides: "comma-lead-co"), or "list" (the comma separates artists). `lead` is the
lead artist's name lower-cased with everything but letters and digits dropped (Latin letters
folded to ASCII).

Which names contain a comma is judged by hand from the data (ACTS below: every comma credit of
both charts was read), plus the suffixes "Jr.", "Sr.", "Inc.", "Ltd.", "Etc.", "I" to "IV", and digit groups.
Nothing here is taken from encore's code.
"""
import csv
import glob
import json
import os
import re
import sys
import unicodedata

# Acts whose names contain a comma, as read in the Hot 100 and the Billboard 200.
ACTS = """Tyler, The Creator|Earth, Wind & Fire|Blood, Sweat & Tears|Crosby, Stills & Nash|
Crosby, Stills, Nash & Young|Peter, Paul & Mary|Emerson, Lake & Palmer|Emerson, Lake & Powell|
Hamilton, Joe Frank & Reynolds|Hamilton, Joe Frank & Dennison|Dino, Desi & Billy|
Ray, Goodman & Brown|Ashton, Gardner & Dyke|Cotton, Lloyd & Christian|McGuinn, Clark & Hillman|
Ecstasy, Passion & Pain|Faith, Hope And Charity|Dancer, Prancer And Nervous|Isley, Jasper, Isley|
Hagar, Schon, Aaronson, Shrieve|Dave Dee, Dozy, Beaky, Mick And Tich|Hodges, James And Smith|
The Souther, Hillman, Furay Band|Souther,Hillman,Furay Band|Artists Of Then, Now & Forever|
Joiner, Arkansas Junior High School Band|Anderson, Bruford, Wakeman, Howe|
Benedictines Of Mary, Queen Of Apostles|Black Country, New Road|Chunk! No, Captain Chunk!|
Drop Dead, Gorgeous|Invent, Animate|Oh, Sleeper|Phantom, Rocker & Slick|Phillips, Craig & Dean|
The Good, The Bad & The Queen|West, Bruce & Laing|Whenever, If Ever|Woe, Is Me|
JP, Chrissie & The Fairground Boys"""
ACTS = [a.strip() for a in ACTS.replace("\n", "").split("|")]
SUFFIX = r"(?:Jr|Sr|Inc|Ltd|Etc|I|II|III|IV)\.?"

FEATURE = re.compile(r"\s+\(?(?:featuring|feat\.?|ft\.?|duet with|with)\s+", re.I)
# "/" joins artists between longer words ("Show/Grover"), not in "HUNTR/X" or "AC/DC".
SEPARATOR = re.compile(r"\s*(?:,|&|\band\b|(?<=\w{3})/(?=\w{3})|:\s)\s*", re.I)


def key(name):
    folded = unicodedata.normalize("NFKD", name)
    return "".join(c for c in folded.lower() if c.isalnum() and ord(c) < 128)


def act_pattern(act):
    # "&" and "And" alike; any spacing after a comma.
    parts = re.split(r"\s*(?:,|&|\band\b)\s*", act, flags=re.I)
    return r"\s*(?:,|&|\band\b)\s*".join(re.escape(p) for p in parts)


ACT_RE = re.compile(
    r"^(?:(?P<act>" + "|".join(act_pattern(a) for a in sorted(ACTS, key=len, reverse=True)) +
    r")|(?P<suffixed>(?:(?!\s(?:and|x)\s)[^,&:/])+?,\s*" + SUFFIX + r")|(?P<digits>\d+,\d+[^,&]*?))" +
    r"(?=$|\s*(?:,|&|\band\b|/)\s*)", re.I)


def classify(credit):
    m = FEATURE.search(credit)
    primary = credit[:m.start()] if m else credit
    if "," not in primary:
        return None
    a = ACT_RE.match(primary)
    if a:
        lead = a.group(0)
        co = bool(m) or bool(primary[a.end():].strip())
        return ("comma-lead-co" if co else "comma-lead"), key(lead)
    # A parenthesised part is one name's ("MOUNT WESTMORE (Snoop Dogg, Ice Cube, …)").
    first = SEPARATOR.split(re.sub(r"\s*\([^)]*\)", "", primary), maxsplit=1)[0]
    return "list", key(first)


def rows(hot100, b200):
    with open(hot100, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield "hot100", r["artist"]
    for path in sorted(glob.glob(os.path.join(b200, "1967-2020", "*.csv"))):
        with open(path, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                yield "b200", r["artist"]
    for path in sorted(glob.glob(os.path.join(b200, "2021-2026", "*", "*.csv"))):
        with open(path, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                yield "b200", r["performer"]


def main():
    credits = {}
    for chart, credit in rows(sys.argv[1], sys.argv[2]):
        c = classify(credit)
        if not c:
            continue
        k = chart + "\t" + credit
        if k not in credits:
            credits[k] = {"chart": chart, "credit": credit, "rows": 0, "class": c[0], "lead": c[1]}
        credits[k]["rows"] += 1
    if "--summary" in sys.argv:
        for chart in ("hot100", "b200"):
            by = {}
            for v in credits.values():
                if v["chart"] == chart:
                    by[v["class"]] = by.get(v["class"], 0) + v["rows"]
            print(chart, json.dumps(by, sort_keys=True))
        return
    for v in credits.values():
        print("\t".join([v["chart"], v["class"], str(v["rows"]), v["lead"], v["credit"]]))


if __name__ == "__main__":
    main()
