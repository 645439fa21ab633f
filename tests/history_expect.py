#!/usr/bin/env python3
"""The counting of personal listening histories, written independently of encore from
doc/ingest.md alone, for tests/history_test.cc to check encore's counts against.

python3 history_expect.py CONFIG.json prints one JSON object:

  {"files": [per file, in the order given: {"failed": "" or why, "lines", "plays", "streams",
             "short", "duplicates", "counted", "capped", "tracks", "not_in_catalog",
             "skipped": {kind: n}, "rejected": {reason: n}, "rejects": [[line or null, reason]]}],
   "daily": {"DATE,COUNTRY,TRACK,TIER,SERVICE": streams}}

CONFIG: {"format": "spotify-extended" | "spotify-account" | "youtube-music" | "apple-music" |
         "lastfm-csv" | "lastfm-json" | "listenbrainz",
         "files": [paths, uncompressed, in ingest order] (or "runs": [[paths], ...], each
         counted into a store of its own; then {"runs": [one result a run]} is printed),
         "user": "--user or empty",
         "tz_minutes": offset of account-data local times (or "tz_name": an IANA zone),
         "now_ms": the moment of the ingest,
         "tier": "premium", "cap": 10, "min_ms": 30000,
         "catalog": {"ARTIST|TITLE": catalog track id}, "catalog_from": index of the first file
         ingested after the catalog was imported}

Nothing here is taken from encore's code: the JSON documents are split by a scanner of their own,
CSV is read by Python's csv module, dates by datetime.
"""
import calendar
import csv
import datetime
import io
import json
import re
import sys

cfg = json.load(open(sys.argv[1]))
FMT = cfg["format"]
USER = cfg.get("user") or ""
TZ_MIN = int(cfg.get("tz_minutes", 0))
TZ_NAME = cfg.get("tz_name", "")  # an IANA zone instead of a fixed offset
NOW_MS = int(cfg["now_ms"])
TIER = cfg.get("tier", "premium")
CAP = int(cfg.get("cap", 10))
MIN_MS = int(cfg.get("min_ms", 30000))
CATALOG = cfg.get("catalog", {})
CATALOG_FROM = int(cfg.get("catalog_from", 1 << 30))
EARLIEST_MS = int(cfg.get("earliest_ms", 946684800000))  # --earliest, 2000-01-01 by default
MAX_FUTURE_MS = 48 * 3600 * 1000  # --max-future 48 hours
SERVICE = {"spotify-extended": "spotify", "spotify-account": "spotify",
           "youtube-music": "youtube_music", "apple-music": "apple_music",
           "lastfm-csv": "lastfm", "lastfm-json": "lastfm", "listenbrainz": "listenbrainz"}[FMT]
DAY_MS = 86400000
MAX_ENTRY = 1 << 20  # a record: a line, a JSON entry
MAX_PAGE = 16 << 20  # an API page of Last.fm or ListenBrainz
csv.field_size_limit(1 << 30)
LAST_DAY = (datetime.date(2149, 12, 31) - datetime.date(1970, 1, 1)).days


class NoUser(Exception):
    pass


# ---- text ---------------------------------------------------------------------------------------

def read_text(path):
    """The file as text: UTF-8 (bytes that are not UTF-8 kept as surrogate escapes), a BOM
    dropped, every line end (CRLF, LF, lone CR) made LF."""
    data = open(path, "rb").read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.decode("utf-8", "surrogateescape")


def clean(s):
    """Valid UTF-8 without control characters (C0, DEL, C1)."""
    for ch in s:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF:
            return False
    return True


def nbytes(s):
    return len(s.encode("utf-8", "surrogateescape"))


def norm(s):
    """The song key's name part for plain ASCII names: lower case letters and digits."""
    if not s.isascii():
        raise SystemExit("history_expect.py: song keys are only computed for ASCII names: %r" % s)
    return "".join(c.lower() for c in s if c.isalnum())


# ---- times --------------------------------------------------------------------------------------

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def civil_ms(y, mo, d, h, mi, s):
    if not 1970 <= y <= 2149:
        return None
    try:
        dt = datetime.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    return calendar.timegm(dt.timetuple()) * 1000


def iso_ms(s):
    if not isinstance(s, str):
        return None
    m = ISO.match(s)
    if not m:
        return None
    ms = civil_ms(*map(int, m.groups()[:6]))
    if ms is None:
        return None
    if m.group(7):
        ms += int((m.group(7)[1:] + "000")[:3])
    z = m.group(8)
    if z != "Z":
        sign = 1 if z[0] == "+" else -1
        ms -= sign * (int(z[1:3]) * 60 + int(z[4:6])) * 60000
    return ms


def lastfm_date_s(s):
    for f in ("%d %b %Y %H:%M", "%d %b %Y, %H:%M"):
        try:
            return calendar.timegm(datetime.datetime.strptime(s.strip(), f).timetuple())
        except ValueError:
            pass
    return None


def integer(v):
    """An integer written as a JSON number or a string of digits."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and re.fullmatch(r"\d{1,18}", v):
        return int(v)
    return None


# ---- JSON documents -----------------------------------------------------------------------------

STRUCTURAL = re.compile(r'["{}\[\]]')
IN_STRING = re.compile(r'["\\]')


def string_end(t, j):
    """Where the string whose opening quote is at t[j] ends (exclusive)."""
    j += 1
    while True:
        m = IN_STRING.search(t, j)
        if not m:
            return len(t)
        if m.group() == "\\":
            j = m.end() + 1
            continue
        return m.end()


def value_end(t, i):
    """Where the JSON value starting at t[i] ends (exclusive); brackets counted outside strings."""
    c = t[i]
    if c in "{[":
        depth, j = 0, i
        while True:
            m = STRUCTURAL.search(t, j)
            if not m:
                return len(t)
            ch = m.group()
            if ch == '"':
                j = string_end(t, m.start())
                continue
            depth += 1 if ch in "{[" else -1
            j = m.end()
            if depth == 0:
                return j
    if c == '"':
        return string_end(t, i)
    j = i
    while j < len(t) and t[j] not in " \n\t,]}[{\"":
        j += 1
    return j


def json_entries(t):
    """(line, text) of each element of a top-level array, or of each top-level value."""
    out, i, n = [], 0, len(t)
    line, counted = 1, 0  # the line at offset `counted`
    while i < n and t[i] in " \n\t":
        i += 1
    in_array = i < n and t[i] == "["
    if in_array:
        i += 1
    while i < n:
        c = t[i]
        if c in " \n\t" or (in_array and c == ","):
            i += 1
            continue
        if in_array and c == "]":
            in_array = False
            i += 1
            continue
        e = value_end(t, i)
        line += t.count("\n", counted, i)
        counted = i
        out.append((line, t[i:e]))
        i = e
    return out


def too_long(text, limit=MAX_ENTRY):
    return nbytes(text) > limit


def loads(text):
    """The entry as Python values; None when it is not JSON (nor UTF-8)."""
    try:
        return json.loads(text.encode("utf-8", "surrogateescape"))
    except ValueError:
        return None


# ---- one file, format by format -----------------------------------------------------------------
# Each reader yields (line, event): ("skip", kind), ("reject", reason) or ("play", fields).

def play(start_ms, ms, tid, artist, title, country, user):
    return ("play", {"start": start_ms, "ms": ms, "id": tid or "", "artist": artist or "",
                     "title": title or "", "country": country or "", "user": user or ""})


def spotify_extended(t):
    for line, text in json_entries(t):
        if too_long(text):
            yield line, ("reject", "record_too_long")
            continue
        o = loads(text)
        if not isinstance(o, dict):
            yield line, ("reject", "bad_json")
            continue
        has = lambda k: o.get(k) is not None
        uri, name = o.get("spotify_track_uri"), o.get("master_metadata_track_name")
        if any(has(k) for k in ("audiobook_title", "audiobook_uri", "audiobook_chapter_uri",
                                "audiobook_chapter_title")):
            yield line, ("skip", "audiobook")
        elif any(has(k) for k in ("episode_name", "episode_show_name", "spotify_episode_uri")) \
                and not uri and not name:
            yield line, ("skip", "podcast")
        elif not has("ts") or not has("ms_played") or (not uri and not name):
            yield line, ("reject", "missing_field")
        elif not isinstance(o["ms_played"], int) or isinstance(o["ms_played"], bool) or \
                o["ms_played"] < 0:
            yield line, ("reject", "bad_ms_played")
        elif iso_ms(o["ts"]) is None:
            yield line, ("reject", "bad_timestamp")
        else:
            ms = o["ms_played"]
            yield line, play(iso_ms(o["ts"]) - ms, ms, uri, o.get("master_metadata_album_artist_name"),
                             name, o.get("conn_country"), o.get("username"))


def spotify_account(t):
    for line, text in json_entries(t):
        if too_long(text):
            yield line, ("reject", "record_too_long")
            continue
        o = loads(text)
        if not isinstance(o, dict):
            yield line, ("reject", "bad_json")
            continue
        if o.get("podcastName") is not None or o.get("episodeName") is not None:
            yield line, ("skip", "podcast")
            continue
        end, title, ms = o.get("endTime"), o.get("trackName"), o.get("msPlayed")
        if not end or not title or ms is None:
            yield line, ("reject", "missing_field")
            continue
        if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
            yield line, ("reject", "bad_ms_played")
            continue
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})", end)
        local = civil_ms(*map(int, m.groups()), 0) if m else None
        if local is None:
            yield line, ("reject", "bad_timestamp")
            continue
        if TZ_NAME:
            import zoneinfo
            dt = datetime.datetime(*map(int, m.groups()), tzinfo=zoneinfo.ZoneInfo(TZ_NAME))
            utc = int(dt.timestamp()) * 1000
        else:
            utc = local - TZ_MIN * 60000
        yield line, play(utc - ms, ms, "", o.get("artistName"), title, "", "")


def youtube(t):
    for line, text in json_entries(t):
        if too_long(text):
            yield line, ("reject", "record_too_long")
            continue
        o = loads(text)
        if not isinstance(o, dict):
            yield line, ("reject", "bad_json")
            continue
        url = o.get("titleUrl") or ""
        if o.get("header") != "YouTube Music":
            yield line, ("skip", "video") if "watch?v=" in url else ("reject", "missing_field")
            continue
        title, when = o.get("title"), o.get("time")
        if not title or not when or "watch?v=" not in url:
            yield line, ("reject", "missing_field")
            continue
        video = url.split("watch?v=", 1)[1].split("&")[0]
        if title.startswith("Watched "):
            title = title[len("Watched "):]
        subs = o.get("subtitles") or []
        artist = subs[0].get("name", "") if subs else ""
        if artist.endswith(" - Topic"):
            artist = artist[:-len(" - Topic")]
        start = iso_ms(when)
        if start is None:
            yield line, ("reject", "bad_timestamp")
            continue
        yield line, play(start, None, "youtube:" + video, artist, title, "", "")


def csv_rows(t):
    """(line, fields) of each record, the line where it starts."""
    reader = csv.reader(io.StringIO(t, newline=""))
    prev = 0
    for row in reader:
        yield prev + 1, row
        prev = reader.line_num


def apple(t):
    rows = csv_rows(t)
    _, header = next(rows)
    col = {name.strip().lower(): i for i, name in enumerate(header)}
    for line, row in rows:
        if row == [] or row == [""]:
            continue
        if nbytes(",".join(row)) > MAX_ENTRY:
            yield line, ("reject", "record_too_long")
            continue
        if len(row) != len(header):
            yield line, ("reject", "bad_csv")
            continue
        get = lambda *names: next((row[col[n]].strip() for n in names
                                   if n in col and row[col[n]].strip()), "")
        event = get("event type")
        if event and event != "PLAY_END":
            yield line, ("skip", "not_a_play_event")
            continue
        if get("media type").upper() == "VIDEO":
            yield line, ("skip", "video")
            continue
        title, artist = get("song name", "content name"), get("artist name", "container artist name")
        if not title:
            desc = get("track description")
            if " - " in desc and not artist:
                artist, title = [x.strip() for x in desc.split(" - ", 1)]
            else:
                title = desc
        ms_s, start_s, end_s = get("play duration milliseconds"), get("event start timestamp"), \
            get("event end timestamp", "event timestamp")
        if not title or not ms_s or not (start_s or end_s):
            yield line, ("reject", "missing_field")
            continue
        if not re.fullmatch(r"\d{1,18}", ms_s):
            yield line, ("reject", "bad_ms_played")
            continue
        ms, when = int(ms_s), iso_ms(start_s or end_s)
        if when is None:
            yield line, ("reject", "bad_timestamp")
            continue
        tid = get("track identifier")
        yield line, play(when if start_s else when - ms, ms, "apple:" + tid if tid else "",
                         artist, title, get("iso country"), get("apple id number"))


def lastfm_csv(t):
    rows = list(csv_rows(t))
    first = [f.strip().lower() for f in rows[0][1]]
    if "artist" in first and "track" in first:
        header, rows = first, rows[1:]
        ncol = len(header)
        a, tr = header.index("artist"), header.index("track")
        uts = header.index("uts") if "uts" in header else -1
        when = next((header.index(n) for n in ("utc_time", "date") if n in header), -1)
    else:
        ncol, a, tr, uts, when = 4, 0, 2, -1, 3
    for line, row in rows:
        if row == [] or row == [""]:
            continue
        if nbytes(",".join(row)) > MAX_ENTRY:
            yield line, ("reject", "record_too_long")
            continue
        if len(row) != ncol:
            yield line, ("reject", "bad_csv")
            continue
        artist, title = row[a].strip(), row[tr].strip()
        u = row[uts].strip() if uts >= 0 else ""
        w = row[when].strip() if when >= 0 else ""
        if not artist or not title or not (u or w):
            yield line, ("reject", "missing_field")
            continue
        start = integer(u) if u else lastfm_date_s(w)
        if start is None or start > 6000000000:
            yield line, ("reject", "bad_timestamp")
            continue
        yield line, play(start * 1000, None, "", artist, title, "", "")


def lastfm_track(tr, user):
    attr = tr.get("@attr") if isinstance(tr.get("@attr"), dict) else {}
    if attr.get("nowplaying") == "true":
        return ("skip", "now_playing")
    name, artist, date = tr.get("name"), tr.get("artist"), tr.get("date")
    if isinstance(artist, dict):
        artist = artist.get("#text") or artist.get("name")
    if not name or not artist or date is None:
        return ("reject", "missing_field")
    start = None
    if isinstance(date, dict):
        start = integer(date.get("uts"))
        if start is None and isinstance(date.get("#text"), str):
            start = lastfm_date_s(date["#text"])
    else:
        start = integer(date)
    if start is None or start > 6000000000:
        return ("reject", "bad_timestamp")
    return play(start * 1000, None, "", artist, name, "", user)


def lastfm_json(t):
    for line, text in json_entries(t):
        if too_long(text, MAX_PAGE):
            yield line, ("reject", "record_too_long")
            continue
        o = loads(text)
        if not isinstance(o, dict):
            yield line, ("reject", "bad_json")
            continue
        page = o.get("recenttracks") if isinstance(o.get("recenttracks"), dict) else o
        if isinstance(page.get("track"), list):
            user = (page.get("@attr") or {}).get("user", "")
            for tr in page["track"]:
                yield None, lastfm_track(tr, user) if isinstance(tr, dict) else ("reject", "bad_json")
        else:
            yield line, lastfm_track(o, "")


def listen(o):
    meta = o.get("track_metadata")
    if not isinstance(meta, dict):
        return ("reject", "missing_field")
    artist, title, at = meta.get("artist_name"), meta.get("track_name"), o.get("listened_at")
    if not artist or not title or at is None:
        return ("reject", "missing_field")
    at = integer(at)
    if at is None or at > 6000000000:
        return ("reject", "bad_timestamp")
    info = meta.get("additional_info") or {}
    isrc, sp = info.get("isrc") or "", info.get("spotify_id") or ""
    if len(isrc) == 12:
        tid = isrc
    elif "/track/" in sp:
        tid = "spotify:track:" + sp.split("/track/", 1)[1].split("?")[0]
    else:
        tid = ""
    return play(at * 1000, None, tid, artist, title, "", o.get("user_name"))


def listenbrainz(t):
    lines = t.split("\n")
    first = next((l for l in lines if l.strip()), "")
    if isinstance(loads(first), dict):  # JSON Lines: each line one listen (or one API answer)
        entries = [(i + 1, l) for i, l in enumerate(lines) if l.strip()]
    else:  # a JSON array, or a pretty-printed API answer
        entries = json_entries(t)
    for line, text in entries:
        if too_long(text, MAX_PAGE if '"payload"' in text[:100] else MAX_ENTRY):
            yield line, ("reject", "record_too_long")
            continue
        o = loads(text)
        if not isinstance(o, dict):
            yield line, ("reject", "bad_json")
        elif "payload" in o:
            for l in o["payload"]["listens"]:
                yield None, listen(l)
        else:
            yield line, listen(o)


READERS = {"spotify-extended": spotify_extended, "spotify-account": spotify_account,
           "youtube-music": youtube, "apple-music": apple, "lastfm-csv": lastfm_csv,
           "lastfm-json": lastfm_json, "listenbrainz": listenbrainz}


# ---- the rules common to every history ----------------------------------------------------------

def validate(p):
    """A play's reject reason, or None."""
    user = USER or p["user"]
    if not user:
        raise NoUser()
    p["user"] = user
    # The doc's order of reasons, ms_played first (the start is computed from it) and
    # implausible_time last.
    if p["ms"] is not None and p["ms"] > 86400000:
        return "bad_ms_played"
    day = p["start"] // DAY_MS
    if day < 0 or day > LAST_DAY:
        return "bad_timestamp"
    if nbytes(user) > 64 or not clean(user):
        return "bad_user"
    if nbytes(p["id"]) > 64 or nbytes(p["artist"]) > 1024 or nbytes(p["title"]) > 1024 or \
            not clean(p["id"]) or not clean(p["artist"]) or not clean(p["title"]):
        return "bad_track"
    if p["country"] and not re.fullmatch(r"[A-Z]{2}", p["country"]):
        return "bad_country"
    if p["start"] < EARLIEST_MS or p["start"] > NOW_MS + MAX_FUTURE_MS:
        return "implausible_time"
    return None


def count(paths):
    kept = set()  # identities of the streams taken in: (service, user, start, what names the track)
    cells = {}  # (day, service, user, track, country, tier) -> streams taken in
    daily = {}
    files = []
    for index, path in enumerate(paths):
        f = {"failed": "", "plays": 0, "streams": 0, "short": 0, "duplicates": 0, "counted": 0,
             "capped": 0, "tracks": 0, "not_in_catalog": 0, "skipped": {}, "rejected": {},
             "rejects": []}
        files.append(f)
        streams = []
        text = read_text(path)
        f["lines"] = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
        try:
            for line, (what, v) in READERS[FMT](text):
                if what == "skip":
                    f["skipped"][v] = f["skipped"].get(v, 0) + 1
                    continue
                if what == "play":
                    reason = validate(v)
                    if reason is None:
                        f["plays"] += 1
                        if v["ms"] is not None and v["ms"] < MIN_MS:
                            f["short"] += 1
                        else:
                            f["streams"] += 1
                            streams.append(v)
                        continue
                    v = reason
                f["rejected"][v] = f["rejected"].get(v, 0) + 1
                f["rejects"].append([line, v])
        except NoUser:
            f["failed"] = "no user"
            continue
        readable = f["rejected"].get("implausible_time", 0) + f["rejected"].get("late", 0)
        nrej = sum(f["rejected"].values())
        if f["plays"] + sum(f["skipped"].values()) == 0 and nrej > readable:
            f["failed"] = "no entry could be read"
        elif f["plays"] + sum(f["skipped"].values()) + nrej == 0:
            f["failed"] = "no entries"
        if f["failed"]:
            continue
        new = {}
        tracks = set()
        for p in streams:
            key = p["artist"] + "|" + p["title"]
            if index >= CATALOG_FROM and key in CATALOG:
                track = CATALOG[key]
            elif p["id"]:
                track = p["id"]
            else:
                track = "song:" + norm(p["title"]) + "|" + norm(p["artist"])
            tracks.add(track)
            ident = (SERVICE, p["user"], p["start"], p["id"] or (p["artist"], p["title"]))
            if ident in kept:
                f["duplicates"] += 1
                continue
            kept.add(ident)
            cell = (p["start"] // DAY_MS, SERVICE, p["user"], track, p["country"] or "ZZ", TIER)
            new[cell] = new.get(cell, 0) + 1
        f["tracks"] = len(tracks)
        f["not_in_catalog"] = len([t for t in tracks
                                   if index < CATALOG_FROM or t not in CATALOG.values()])
        for cell, n in new.items():
            before = cells.get(cell, 0)
            counted = max(0, min(n, CAP - before))
            cells[cell] = before + n
            f["counted"] += counted
            f["capped"] += n - counted
            day = (datetime.date(1970, 1, 1) + datetime.timedelta(days=cell[0])).isoformat()
            k = ",".join([day, cell[4], cell[3], cell[5], cell[1]])
            if counted:
                daily[k] = daily.get(k, 0) + counted
    return {"files": files, "daily": daily}


if "runs" in cfg:  # several runs (such as every order of the same files), each from scratch
    print(json.dumps({"runs": [count(run) for run in cfg["runs"]]}, sort_keys=True))
else:
    print(json.dumps(count(cfg["files"]), sort_keys=True))
