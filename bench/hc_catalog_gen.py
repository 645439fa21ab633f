#!/usr/bin/env python3
"""A catalog for the high-cardinality play log's synthetic tracks (bench/bench_main.cc, --shape
high-cardinality): so that its listeners can be counted per artist, as for a real catalog.

    hc_catalog_gen.py TRACKS ARTISTS OUT_DIR

Track k (encore simulate's k-th synthetic track, QZENC<20 + k / 100000><k % 100000>, the k-th
most played) is by artist k % ARTISTS, on that artist's album; every 20th track features artist
(k + 1) % ARTISTS. So each artist has tracks of every popularity, and a featured credit rolls a
track up into two artists. Writes artists.csv, releases.csv and tracks.csv (doc/catalog.md).
"""
import os
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tracks, artists, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "artists.csv"), "w") as f:
        f.write("artist_id,name,kind,country,aliases,member_of,persona_of,tags,begin\n")
        for a in range(artists):
            f.write(f"hca{a},HC Artist {a},person,KR,,,,k-pop,2010-01-01\n")
    with open(os.path.join(out, "releases.csv"), "w") as f:
        f.write("release_id,title,type,date,artists\n")
        for a in range(artists):
            f.write(f"hcr{a},HC Album {a},album,2020-01-01,hca{a}\n")
    with open(os.path.join(out, "tracks.csv"), "w") as f:
        f.write("track_id,isrc,title,release_id,duration_ms,primary,featured\n")
        for k in range(tracks):
            tid = "QZENC%02d%05d" % (20 + k // 100000, k % 100000)
            a = k % artists
            feat = f"hca{(k + 1) % artists}" if k % 20 == 0 else ""
            f.write(f"{tid},,HC Song {k},hcr{a},200000,hca{a},{feat}\n")


if __name__ == "__main__":
    main()
