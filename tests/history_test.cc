// Personal listening histories end to end (doc/ingest.md, "Personal histories"): the encore binary
// driven as a user drives it, over exports written by the test from each format's documentation.
// Every count is checked against an independent computation: tests/history_expect.py reads the
// same raw files with Python's json and csv modules and applies the counting rule as the doc
// states it (start = end - ms_played where a format gives the end, UTC day of the start, 30 s,
// at most 10 a day per user, track and country, each play once per listener).
//
// Also here: the cases of ../shared/cases that concern inputs, with their right values; the same
// plays in two formats; overlapping re-exports in every order; whole-file failures that leave no
// trace; and memory that stays bounded on hostile inputs (peak RSS of the child measured).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/byte_source.h"
#include "shared_cases.h"
#include "test_util.h"

namespace encore::test {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;
using Counts = std::map<std::string, int64_t>;
using Daily = std::map<std::string, int64_t>;  // "DATE,COUNTRY,TRACK,TIER,SERVICE" -> streams

const std::string kExpectPy = std::string(ENCORE_SOURCE_DIR) + "/tests/history_expect.py";
const std::string kBom = "\xEF\xBB\xBF";


std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t c = s.find(',', start);
    out.push_back(s.substr(start, c == std::string::npos ? std::string::npos : c - start));
    if (c == std::string::npos) return out;
    start = c + 1;
  }
}

std::string Replace(const std::string& s, const std::string& from, const std::string& to) {
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  for (size_t at; (at = s.find(from, start)) != std::string::npos; start = at + from.size()) {
    out.append(s, start, at - start);
    out += to;
  }
  out.append(s, start, std::string::npos);
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t Ms(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  t.tm_sec = s;
  return static_cast<int64_t>(timegm(&t)) * 1000;
}

// "2023-03-02T00:02:00Z", or with milliseconds "2022-04-25T18:09:04.784Z".
std::string Iso(int64_t ms, bool millis = false) {
  const time_t s = static_cast<time_t>(ms / 1000);
  std::tm t{};
  gmtime_r(&s, &t);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  std::string out = buf;
  if (millis) {
    char f[8];
    std::snprintf(f, sizeof f, ".%03d", static_cast<int>(ms % 1000));
    out += f;
  }
  return out + "Z";
}

std::string Format(int64_t ms, const char* fmt) {
  const time_t s = static_cast<time_t>(ms / 1000);
  std::tm t{};
  gmtime_r(&s, &t);
  char buf[64];
  std::strftime(buf, sizeof buf, fmt, &t);
  return buf;
}

void WriteCompressed(const std::string& path, const std::string& text) {
  auto sink = OpenByteSink(path);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  ASSERT_TRUE((*sink)->Write(text.data(), text.size()).ok());
  ASSERT_TRUE((*sink)->Close().ok());
}

// ---- what encore says -------------------------------------------------------------------------

int64_t Num(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  return std::stoll(s);
}

// "podcast 2, audiobook 1" (numbers may carry thousands separators, never followed by a space).
Counts ParseCounts(const std::string& list) {
  Counts out;
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(", ", start);
    if (end == std::string::npos) end = list.size();
    const std::string item = list.substr(start, end - start);
    const size_t sp = item.rfind(' ');
    if (sp != std::string::npos) out[item.substr(0, sp)] = Num(item.substr(sp + 1));
    start = end + 2;
  }
  return out;
}

int64_t Get(const Counts& c, const std::string& key) {
  const auto it = c.find(key);
  return it == c.end() ? 0 : it->second;
}

// One file of `encore ingest`'s summary.
struct FileSummary {
  std::string path, state, kind, error;  // state: ingested, already, failed
  std::vector<std::string> warnings;
  int64_t lines = -1, plays = -1, counted = -1, capped = -1, short_plays = -1;
  int64_t duplicates = 0, blank = 0, rejected_total = 0, tracks = -1, not_in_catalog = -1;
  Counts skipped, rejected;
};

std::vector<FileSummary> Summaries(const std::string& out) {
  std::vector<FileSummary> all;
  for (const std::string& line : Lines(out)) {
    if (line.rfind("  ", 0) != 0) {
      size_t p;
      FileSummary s;
      if ((p = line.find(": ingested as ")) != std::string::npos) {
        s.path = line.substr(0, p);
        s.state = "ingested";
        const std::string rest = line.substr(p + 14);
        s.kind = rest.substr(0, rest.find(' '));
      } else if ((p = line.find(": FAILED: ")) != std::string::npos) {
        s.path = line.substr(0, p);
        s.state = "failed";
        s.error = line.substr(p + 10);
      } else if ((p = line.find(": already ingested")) != std::string::npos) {
        s.path = line.substr(0, p);
        s.state = "already";
      } else {
        continue;
      }
      all.push_back(s);
      continue;
    }
    if (all.empty()) continue;
    FileSummary& s = all.back();
    const std::string l = line.substr(2);
    if (l.rfind("warning: ", 0) == 0) {
      s.warnings.push_back(l.substr(9));
    } else if (l.rfind("lines read ", 0) == 0) {
      // lines read A, plays B, streams counted C, plays capped D, short plays E
      const Counts c = ParseCounts(l);
      s.lines = Get(c, "lines read");
      s.plays = Get(c, "plays");
      s.counted = Get(c, "streams counted");
      s.capped = Get(c, "plays capped");
      s.short_plays = Get(c, "short plays");
    } else if (l.rfind("streams already taken in", 0) == 0) {
      const size_t close = l.find(") ");
      s.duplicates = Num(l.substr(close + 2, l.find(':', close) - close - 2));
    } else if (l.rfind("skipped (not plays of music) ", 0) == 0) {
      const size_t colon = l.find(": ");
      if (colon != std::string::npos) s.skipped = ParseCounts(l.substr(colon + 2));
    } else if (l.rfind("blank lines ", 0) == 0) {
      s.blank = Num(l.substr(12));
    } else if (l.rfind("rejected lines ", 0) == 0) {
      std::string rest = l.substr(15);
      const size_t colon = rest.find(": ");
      s.rejected_total = Num(rest.substr(0, colon));
      if (colon != std::string::npos) {
        rest = rest.substr(colon + 2);
        rest = rest.substr(0, rest.find(" (encore rejects"));
        s.rejected = ParseCounts(rest);
      }
    } else if (l.rfind("tracks ", 0) == 0) {
      // tracks N, not in the catalog M[ (no catalog imported)][, days A..B]
      const std::string n = l.substr(7, l.find(", ") - 7);
      s.tracks = Num(n);
      const size_t at = l.find("not in the catalog ");
      if (at != std::string::npos) {
        const std::string rest = l.substr(at + 19);
        s.not_in_catalog = Num(rest.substr(0, rest.find_first_not_of("0123456789,")));
      }
    }
  }
  return all;
}

RunResult Ingest(const std::string& store, const std::vector<std::string>& files,
                 const std::string& extra = "") {
  std::string args = "ingest --no-progress --store " + Quote(store);
  if (!extra.empty()) args += " " + extra;
  for (const auto& f : files) args += " " + Quote(f);
  return RunEncore(args);
}

// Every row of `encore export daily`.
Daily ExportDaily(const std::string& store) {
  const RunResult r = RunEncore("export daily --store " + Quote(store));
  EXPECT_EQ(r.code, 0) << r.err;
  Daily d;
  const auto lines = Lines(r.out);
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return d;
  EXPECT_EQ(lines[0], "date,country,track,streams,tier,service");
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto f = SplitComma(lines[i]);
    EXPECT_EQ(f.size(), 6u) << lines[i];
    if (f.size() != 6) continue;
    d[f[0] + "," + f[1] + "," + f[2] + "," + f[4] + "," + f[5]] += std::stoll(f[3]);
  }
  return d;
}

// Streams per day (all countries, tracks and services), as ../shared/cases/check sums them.
std::map<std::string, int64_t> ByDay(const Daily& d) {
  std::map<std::string, int64_t> out;
  for (const auto& [k, v] : d) out[k.substr(0, 10)] += v;
  return out;
}

// ---- the independent computation --------------------------------------------------------------

Json Expect(const std::string& dir, Json config) {
  static int n = 0;
  if (!config.contains("now_ms")) config["now_ms"] = NowMs();
  const std::string cfg = dir + "/expect-" + std::to_string(n++) + ".json";
  WriteText(cfg, config.dump());
  const std::string cmd = "python3 " + Quote(kExpectPy) + " " + Quote(cfg) + " >" +
                          Quote(cfg + ".out") + " 2>" + Quote(cfg + ".err");
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << ReadText(cfg + ".err");
  Json j = Json::parse(ReadText(cfg + ".out"), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << ReadText(cfg + ".out") << ReadText(cfg + ".err");
  if (j.is_discarded()) return Json{{"files", Json::array()}, {"daily", Json::object()}};
  return j;
}

Counts CountsOf(const Json& j) {
  Counts c;
  for (const auto& [k, v] : j.items()) c[k] = v.get<int64_t>();
  return c;
}

Daily DailyOf(const Json& j) { return CountsOf(j["daily"]); }

void ExpectSameDaily(const Daily& got, const Daily& want, const std::string& what) {
  EXPECT_FALSE(want.empty()) << what << ": the expectation counts nothing";
  size_t shown = 0, wrong = 0;
  std::set<std::string> keys;
  for (const auto& [k, v] : got) keys.insert(k);
  for (const auto& [k, v] : want) keys.insert(k);
  for (const auto& k : keys) {
    const auto g = got.find(k), w = want.find(k);
    const int64_t gv = g == got.end() ? 0 : g->second, wv = w == want.end() ? 0 : w->second;
    if (gv != wv) {
      ++wrong;
      if (++shown <= 12) ADD_FAILURE() << what << ": " << k << ": encore " << gv << ", expected " << wv;
    }
  }
  EXPECT_EQ(wrong, 0u) << what << ": " << wrong << " of " << keys.size() << " cells differ";
}

// A file's summary line by line against the independent computation.
void ExpectFileMatches(const FileSummary& got, const Json& want, const std::string& what) {
  ASSERT_EQ(want["failed"].get<std::string>(), "") << what;
  ASSERT_EQ(got.state, "ingested") << what << ": " << got.error;
  EXPECT_EQ(got.plays, want["plays"].get<int64_t>()) << what;
  EXPECT_EQ(got.counted, want["counted"].get<int64_t>()) << what;
  EXPECT_EQ(got.capped, want["capped"].get<int64_t>()) << what;
  EXPECT_EQ(got.short_plays, want["short"].get<int64_t>()) << what;
  EXPECT_EQ(got.duplicates, want["duplicates"].get<int64_t>()) << what;
  EXPECT_EQ(got.skipped, CountsOf(want["skipped"])) << what;
  EXPECT_EQ(got.rejected, CountsOf(want["rejected"])) << what;
  EXPECT_EQ(got.tracks, want["tracks"].get<int64_t>()) << what;
  EXPECT_EQ(got.not_in_catalog, want["not_in_catalog"].get<int64_t>()) << what;
}

// The rejects kept for `source`: (line, reason) as the independent computation found them (the
// line only where it knows it: entries of API pages are counted by reason alone).
void ExpectRejectsMatch(const std::string& store, const std::string& source, const Json& want,
                        const std::string& what) {
  const RunResult r = RunEncore("rejects --format jsonl --source " + Quote(source) + " --store " +
                                Quote(store));
  ASSERT_EQ(r.code, 0) << what << ": " << r.err;
  bool lines_known = true;
  for (const auto& e : want["rejects"]) lines_known &= !e[0].is_null();
  std::multiset<std::pair<int64_t, std::string>> got, expected;
  for (const auto& line : Lines(r.out)) {
    const Json j = Json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(j["source"].get<std::string>(), source);
    got.insert({lines_known ? j["line"].get<int64_t>() : 0, j["reason"].get<std::string>()});
  }
  for (const auto& e : want["rejects"]) {
    expected.insert({lines_known ? e[0].get<int64_t>() : 0, e[1].get<std::string>()});
  }
  EXPECT_EQ(got, expected) << what << "\n" << r.out;
}

// Text that may reach a terminal: valid UTF-8 with no control character but line ends and tabs.
testing::AssertionResult TerminalSafe(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    auto context = [&] {
      return s.substr(i < 40 ? 0 : i - 40, 80);
    };
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return testing::AssertionFailure() << "control byte " << static_cast<int>(c) << " at " << i
                                         << " in: " << context();
    }
    if (c < 0x80) continue;
    const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || len > 4 || i + len > s.size()) {
      return testing::AssertionFailure() << "not UTF-8 at " << i << " in: " << context();
    }
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        return testing::AssertionFailure() << "not UTF-8 at " << i << " in: " << context();
      }
    }
    if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      return testing::AssertionFailure() << "C1 control at " << i << " in: " << context();
    }
    i += len - 1;
  }
  return testing::AssertionSuccess();
}

// ---- fixtures: what the exports hold ----------------------------------------------------------

struct Song {
  const char* title;
  const char* artist;
  const char* album;
  const char* uri;    // Spotify
  const char* isrc;   // ListenBrainz
  const char* video;  // YouTube Music
  const char* apple;  // Apple's Track Identifier
};

// Plain ASCII names: where an export names no id, the track is the song key of its names.
const Song kSongs[] = {
    {"Flowers", "Miley Cyrus", "Endless Summer Vacation", "spotify:track:0yLdNVWF3Srea0uzk55zFn",
     "USSM12209777", "G7KNmW9a75Y", "1663973562"},
    {"Seven", "Jung Kook", "Seven", "spotify:track:7x9aauaA9cu6tyfpHnqDLo", "USA2P2330135",
     "QU9c0053UAU", "1697335341"},
    {"Solar", "Sault", "Untitled (Rise)", "spotify:track:1a2B3c4D5e6F7g8H9i0JkL", "GBKPL2000123",
     "-e8Nfjl_AKk", "1523301234"},
    {"Wildfires", "Sault", "Untitled (Black Is)", "spotify:track:2bC3d4E5f6G7h8I9j0KlMn",
     "GBKPL2000456", "aB3dE5fG7hI", "1511234567"},
    {"Anti-Hero", "Taylor Swift", "Midnights", "spotify:track:0V3wPSX9ygBnCm8psDIegu",
     "USUG12205736", "b1kbLwvqugk", "1645937269"},
    {"Kill Bill", "SZA", "SOS", "spotify:track:1Qrg8KqiBpW07V7PNxwwwL", "USRC12204589",
     "MSRcC626prw", "1657869393"},
    {"As It Was", "Harry Styles", "Harry's House", "spotify:track:4Dvkj6JhhA12EX05fT7y2e",
     "USSM12200612", "H5v3kku4y6Q", "1615584999"},
    {"Cruel Summer", "Taylor Swift", "Lover", "spotify:track:1BxfuPKGuaTgP7aM0Bbdwr",
     "USUG11901473", "ic8j13piAhQ", "1468058171"},
    {"Spring Day", "BTS", "You Never Walk Alone", "spotify:track:0WNGsQ1oAuHzNTk8jivBKW",
     "KRA381701057", "xEeFrLSkMm8", "1210470455"},
    {"Carrion Flowers", "Chelsea Wolfe", "Abyss", "spotify:track:3cT5w1bKc0hUvWrC3m3wJt",
     "USSUB1436402", "Xr4c0n5hVxU", "1010234567"},
    {"Iron Moon", "Chelsea Wolfe", "Abyss", "spotify:track:6pQ7r8S9t0U1v2W3x4Y5zA",
     "USSUB1436403", "Yt5d1o6iWyV", "1010234568"},
    {"vampire", "Olivia Rodrigo", "GUTS", "spotify:track:1kuGVB7EU95pJObxwvfwKS", "USUG12303461",
     "RlPNh_PBZb4", "1694386825"},
};
constexpr size_t kSongCount = std::size(kSongs);

struct Listen {
  int64_t at_ms = 0;    // what the export records: Spotify the end, the others the start
  int64_t ms = 0;       // how long it played
  size_t song = 0;
  std::string country;  // "" empty, "null" JSON null
};

// A listener's plays over `days` days from `from_ms`: most played through, about a quarter
// skipped early, some exactly at the threshold (30000) or just under it, some just after midnight
// (so that a play's start falls on the day before its end), and a few days with one song on
// repeat, more times than the cap. `step_s`: times are whole multiples of it.
std::vector<Listen> MakeListens(uint64_t seed, int64_t from_ms, int days, int n,
                                const std::vector<std::string>& countries, int step_s = 1) {
  std::mt19937_64 rng(seed);
  std::vector<Listen> out;
  auto aligned = [&](int64_t ms) { return ms / (step_s * 1000) * (step_s * 1000); };
  for (int i = 0; i < n; ++i) {
    Listen l;
    if (rng() % 8 == 0) {  // just after midnight
      l.at_ms = from_ms + static_cast<int64_t>(rng() % days) * 86400000 +
                static_cast<int64_t>(rng() % 300) * 1000;
    } else {
      l.at_ms = from_ms + static_cast<int64_t>(rng() % (static_cast<uint64_t>(days) * 86400)) * 1000;
    }
    l.at_ms = aligned(l.at_ms);
    const auto r = static_cast<unsigned>(rng() % 100);
    l.ms = r < 22   ? 1000 + static_cast<int64_t>(rng() % 28999)
           : r < 25 ? 30000
           : r < 27 ? 29999
                    : 30001 + static_cast<int64_t>(rng() % 350000);
    l.song = rng() % kSongCount;
    l.country = countries[rng() % countries.size()];
    out.push_back(l);
  }
  for (int k = 0; k < 3; ++k) {  // on repeat
    const int64_t at = from_ms + static_cast<int64_t>(rng() % days) * 86400000 + 10 * 3600000;
    const size_t song = rng() % kSongCount;
    const int times = 11 + static_cast<int>(rng() % 5);
    for (int t = 0; t < times; ++t) {
      out.push_back({aligned(at + t * 240000), 200000 + static_cast<int64_t>(rng() % 20000), song,
                     countries[0]});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Listen& a, const Listen& b) { return a.at_ms < b.at_ms; });
  return out;
}

// A JSON array as the exports write it: pretty (each entry indented, 2 spaces) or one entry a line.
std::string JsonArray(const std::vector<std::string>& entries) {
  std::string out = "[\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    out += "  " + Replace(entries[i], "\n", "\n  ") + (i + 1 < entries.size() ? ",\n" : "\n");
  }
  return out + "]\n";
}

// ---- Spotify extended streaming history

// One entry. layout 0: 2023 export (ip_addr, audiobook fields); 1: 2021 export
// (ip_addr_decrypted, user_agent_decrypted, no audiobook fields); 2: the same fields in another
// order (a re-export). Without a uri (the older endsong layout) when `no_uri`.
OJson SpotifyEntry(const Listen& l, const std::string& username, int layout, bool no_uri = false) {
  const Song& s = kSongs[l.song];
  OJson o;
  o["ts"] = Iso(l.at_ms);
  if (!username.empty()) o["username"] = username;
  o["platform"] = layout == 1 ? "Android OS 9 API 28 (PHONE)" : "android";
  o["ms_played"] = l.ms;
  if (l.country == "null") {
    o["conn_country"] = nullptr;
  } else {
    o["conn_country"] = l.country;
  }
  if (layout == 1) {
    o["ip_addr_decrypted"] = "192.0.2.7";
    o["user_agent_decrypted"] = "unknown";
  } else {
    o["ip_addr"] = "192.0.2.1";
  }
  o["master_metadata_track_name"] = s.title;
  o["master_metadata_album_artist_name"] = s.artist;
  o["master_metadata_album_album_name"] = s.album;
  if (!no_uri) o["spotify_track_uri"] = s.uri;
  o["episode_name"] = nullptr;
  o["episode_show_name"] = nullptr;
  o["spotify_episode_uri"] = nullptr;
  if (layout != 1) {
    o["audiobook_title"] = nullptr;
    o["audiobook_uri"] = nullptr;
    o["audiobook_chapter_uri"] = nullptr;
    o["audiobook_chapter_title"] = nullptr;
  }
  o["reason_start"] = l.ms < 30000 ? "fwdbtn" : "trackdone";
  o["reason_end"] = l.ms < 30000 ? "fwdbtn" : "trackdone";
  o["shuffle"] = l.song % 2 == 0;
  o["skipped"] = l.ms < 30000;
  o["offline"] = false;
  o["offline_timestamp"] = (l.at_ms - l.ms) / 1000;
  o["incognito_mode"] = false;
  if (layout == 2) {
    OJson r;
    std::vector<std::pair<std::string, OJson>> items;
    for (const auto& [k, v] : o.items()) items.emplace_back(k, v);
    for (auto it = items.rbegin(); it != items.rend(); ++it) r[it->first] = it->second;
    return r;
  }
  return o;
}

// Entries of every other kind an extended history holds: podcasts (audio and video), an
// audiobook, entries that name nothing, broken ones, implausible times, control characters.
std::vector<std::string> SpotifySpecials(const std::string& username) {
  std::vector<std::string> out;
  auto base = [&](const std::string& ts, int64_t ms) {
    OJson o;
    o["ts"] = ts;
    if (!username.empty()) o["username"] = username;
    o["platform"] = "ios";
    o["ms_played"] = ms;
    o["conn_country"] = "US";
    o["ip_addr"] = "192.0.2.1";
    o["master_metadata_track_name"] = nullptr;
    o["master_metadata_album_artist_name"] = nullptr;
    o["master_metadata_album_album_name"] = nullptr;
    o["spotify_track_uri"] = nullptr;
    o["episode_name"] = nullptr;
    o["episode_show_name"] = nullptr;
    o["spotify_episode_uri"] = nullptr;
    o["audiobook_title"] = nullptr;
    o["audiobook_uri"] = nullptr;
    o["audiobook_chapter_uri"] = nullptr;
    o["audiobook_chapter_title"] = nullptr;
    o["reason_start"] = "clickrow";
    o["reason_end"] = "endplay";
    o["shuffle"] = false;
    o["skipped"] = false;
    o["offline"] = false;
    o["offline_timestamp"] = nullptr;
    o["incognito_mode"] = false;
    return o;
  };
  OJson pod = base("2023-01-09T07:45:12Z", 1800000);
  pod["episode_name"] = "Why the Moon Has Phases";
  pod["episode_show_name"] = "Science Friday";
  pod["spotify_episode_uri"] = "spotify:episode:4pNkTg3nuMvBYGfS1lDWOr";
  out.push_back(pod.dump(2));
  OJson video_pod = base("2023-02-11T20:01:00Z", 2400000);  // Streaming_History_Video_*
  video_pod["episode_name"] = "Episode 212 (video)";
  video_pod["episode_show_name"] = "A Video Podcast";
  video_pod["spotify_episode_uri"] = "spotify:episode:0aBcDeFgHiJkLmNoPqRsTu";
  out.push_back(video_pod.dump(2));
  OJson short_pod = base("2023-03-01T08:00:00Z", 12000);  // a podcast skipped at once: still one
  short_pod["episode_name"] = "Trailer";
  short_pod["episode_show_name"] = "Science Friday";
  out.push_back(short_pod.dump(2));
  OJson book = base("2023-01-20T22:10:00Z", 3100000);
  book["audiobook_title"] = "Project Hail Mary";
  book["audiobook_uri"] = "spotify:show:5Cx1qGkdYfVDxgGqm1MfCk";
  book["audiobook_chapter_uri"] = "spotify:episode:7mbz2kqpHXKhHb7cOW6gXQ";
  book["audiobook_chapter_title"] = "Chapter 3";
  out.push_back(book.dump(2));
  // Names nothing (no track, no episode, no audiobook): rejected, never skipped.
  out.push_back(base("2023-02-02T12:00:00Z", 120000).dump(2));
  OJson no_ms = base("2023-02-03T12:00:00Z", 0);
  no_ms.erase("ms_played");
  no_ms["spotify_track_uri"] = kSongs[0].uri;
  no_ms["master_metadata_track_name"] = kSongs[0].title;
  out.push_back(no_ms.dump(2));
  OJson bad_ts = base("2023-02-30T10:00:00Z", 200000);  // no such day
  bad_ts["spotify_track_uri"] = kSongs[1].uri;
  bad_ts["master_metadata_track_name"] = kSongs[1].title;
  out.push_back(bad_ts.dump(2));
  OJson text_ms = base("2023-02-04T10:00:00Z", 0);  // ms_played as a string
  text_ms["ms_played"] = "200000";
  text_ms["spotify_track_uri"] = kSongs[2].uri;
  text_ms["master_metadata_track_name"] = kSongs[2].title;
  out.push_back(text_ms.dump(2));
  OJson future = base("2140-06-06T00:00:00Z", 200000);  // a clock bug
  future["spotify_track_uri"] = kSongs[3].uri;
  future["master_metadata_track_name"] = kSongs[3].title;
  out.push_back(future.dump(2));
  OJson past = base("1999-12-31T12:00:00Z", 200000);
  past["spotify_track_uri"] = kSongs[3].uri;
  past["master_metadata_track_name"] = kSongs[3].title;
  out.push_back(past.dump(2));
  OJson esc = base("2023-02-05T10:00:00Z", 200000);  // a terminal escape in the id
  esc["spotify_track_uri"] = "spotify:track:\x1b[31mRED\x1b[0m";
  esc["master_metadata_track_name"] = "Red";
  out.push_back(esc.dump(2));
  OJson bell = base("2023-02-06T10:00:00Z", 200000);  // a control character in the title
  bell["master_metadata_track_name"] = "Bell\x07Song";
  bell["master_metadata_album_artist_name"] = "Someone";
  out.push_back(bell.dump(2));
  // Not JSON: a comma missing; an entry that is not an object.
  out.push_back(
      "{\"ts\": \"2023-02-07T10:00:00Z\", \"ms_played\": 200000, \"conn_country\": \"US\"\n"
      "  \"spotify_track_uri\": \"spotify:track:0yLdNVWF3Srea0uzk55zFn\"}");
  out.push_back("\"an entry that is a string\"");
  // Bytes that are not UTF-8 inside a name: not a JSON text.
  out.push_back(
      "{\"ts\": \"2023-02-08T10:00:00Z\", \"ms_played\": 200000, \"conn_country\": \"US\", "
      "\"master_metadata_track_name\": \"Caf\xC3\x28\", \"spotify_track_uri\": "
      "\"spotify:track:4Dvkj6JhhA12EX05fT7y2e\"}");
  return out;
}

// Plays at the edges of the rules: an offset and a fraction in `ts`, nothing played, durations
// out of range, a country in lower case, a user name too long, ids and names too long, an entry
// over 1 MiB.
std::vector<std::string> SpotifyEdges(const std::string& username) {
  auto play = [&](const std::string& ts, int64_t ms, size_t i) {
    OJson o;
    o["ts"] = ts;
    if (!username.empty()) o["username"] = username;
    o["ms_played"] = ms;
    o["conn_country"] = "US";
    o["master_metadata_track_name"] = kSongs[i].title;
    o["master_metadata_album_artist_name"] = kSongs[i].artist;
    o["spotify_track_uri"] = kSongs[i].uri;
    return o;
  };
  std::vector<std::string> out;
  out.push_back(play("2023-01-15T10:00:00.500+01:00", 200000, 4).dump(2));
  out.push_back(play("2023-01-16T00:30:00.000+01:00", 100000, 4).dump(2));  // 23:30Z the day before
  out.push_back(play("2023-01-17T10:00:00Z", 0, 5).dump(2));
  out.push_back(play("2023-01-18T10:00:00Z", -5, 5).dump(2));
  out.push_back(play("2023-01-20T10:00:00Z", 86400001, 5).dump(2));
  OJson lower = play("2023-01-21T10:00:00Z", 200000, 6);
  lower["conn_country"] = "us";
  out.push_back(lower.dump(2));
  OJson long_user = play("2023-01-22T10:00:00Z", 200000, 6);
  long_user["username"] = std::string(70, 'u');
  out.push_back(long_user.dump(2));
  OJson long_id = play("2023-01-23T10:00:00Z", 200000, 7);
  long_id["spotify_track_uri"] = "spotify:track:" + std::string(60, 'A');
  out.push_back(long_id.dump(2));
  OJson long_name = play("2023-01-24T10:00:00Z", 200000, 7);
  long_name.erase("spotify_track_uri");
  long_name["master_metadata_track_name"] = std::string(1100, 'a');
  out.push_back(long_name.dump(2));
  OJson huge = play("2023-01-25T10:00:00Z", 200000, 8);
  huge["master_metadata_album_album_name"] = std::string(1200000, 'z');
  out.push_back(huge.dump(2));
  return out;
}

// ---- the memory of a child --------------------------------------------------------------------

// Whether the encore binary runs under AddressSanitizer or ThreadSanitizer (which reserve terabytes
// of address space and so cannot run under an address-space limit): known at compile time (the
// tests are built with encore's flags) and checked in the binary itself.
bool EncoreIsSanitized() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return true;
#endif
#endif
  std::ifstream f(ENCORE_BINARY, std::ios::binary);
  std::string carry, buf(1 << 20, '\0');
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::string chunk = carry + buf.substr(0, static_cast<size_t>(f.gcount()));
    if (Has(chunk, "__asan_init") || Has(chunk, "__tsan_init")) return true;
    carry = chunk.substr(chunk.size() > 16 ? chunk.size() - 16 : 0);
  }
  return false;
}

struct Measured {
  int code = -1;
  long max_rss_kb = 0;
  double seconds = 0;
  bool timed_out = false;
  std::string out, err;
};

// Runs encore ARGS as a child (no shell), with an address-space limit when `as_limit` is not 0,
// and returns its exit code and peak resident memory (wait4).
Measured RunMeasured(const std::vector<std::string>& args, const std::string& dir,
                     rlim_t as_limit, int timeout_s) {
  Measured m;
  const std::string out = dir + "/child.out", err = dir + "/child.err";
  std::vector<std::string> argv_s = {ENCORE_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int fo = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fe = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || fo < 0 || fe < 0) _exit(126);
    dup2(in, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    if (as_limit != 0) {
      const rlimit rl{as_limit, as_limit};
      if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(125);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  for (;;) {
    const pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(timeout_s)) {
      kill(pid, SIGKILL);
      wait4(pid, &status, 0, &ru);
      m.timed_out = true;
      break;
    }
    usleep(20000);
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.max_rss_kb = ru.ru_maxrss;
  m.out = ReadText(out);
  m.err = ReadText(err);
  return m;
}

// Writes `head`, then `filler` repeated to about `bytes` bytes, then `tail`, through gzip or zstd
// (by the extension) without holding it: a decompression bomb of a few MB.
void WriteBomb(const std::string& path, const std::string& head, const std::string& filler,
               uint64_t bytes, const std::string& tail) {
  const bool gz = path.size() > 3 && path.substr(path.size() - 3) == ".gz";
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::string pattern;
  while (pattern.size() < (size_t{1} << 20)) pattern += filler;
  const std::vector<char> block(pattern.begin(), pattern.end());
  std::vector<char> out(1 << 20);
  if (gz) {
    z_stream z{};
    ASSERT_EQ(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    auto put = [&](const char* data, size_t n, int flush) {
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
      z.avail_in = static_cast<uInt>(n);
      do {
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        deflate(&z, flush);
        std::fwrite(out.data(), 1, out.size() - z.avail_out, f);
      } while (z.avail_out == 0);
    };
    put(head.data(), head.size(), Z_NO_FLUSH);
    for (uint64_t done = 0; done < bytes; done += block.size()) {
      put(block.data(), std::min<uint64_t>(block.size(), bytes - done), Z_NO_FLUSH);
    }
    put(tail.data(), tail.size(), Z_FINISH);
    deflateEnd(&z);
  } else {
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
    auto put = [&](const char* data, size_t n, ZSTD_EndDirective mode) {
      ZSTD_inBuffer in{data, n, 0};
      for (;;) {
        ZSTD_outBuffer o{out.data(), out.size(), 0};
        const size_t left = ZSTD_compressStream2(c, &o, &in, mode);
        std::fwrite(out.data(), 1, o.pos, f);
        if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
      }
    };
    put(head.data(), head.size(), ZSTD_e_continue);
    for (uint64_t done = 0; done < bytes; done += block.size()) {
      put(block.data(), std::min<uint64_t>(block.size(), bytes - done), ZSTD_e_continue);
    }
    put(tail.data(), tail.size(), ZSTD_e_end);
    ZSTD_freeCCtx(c);
  }
  std::fclose(f);
}

// Peak resident memory allowed to an ingest of a hostile file. What it reads is held a block
// (32 MiB) at a time and a rejected record is cut at 1 MiB; AddressSanitizer adds its shadow and
// quarantine on top. A 1 GiB or 4 GiB line held whole is far beyond either bound.
long PeakBoundKb(bool sanitized) { return sanitized ? 640L * 1024 : 300L * 1024; }

}  // namespace

// ================================================================================================
// The cases of ../shared/cases that concern inputs, each with its right value (README.md there).
// The small inputs are copied here as they were handed over.

TEST(HistoryCases, ByteOrderMarkIsSkipped) {
  TempDir dir("hist-bom");
  const std::string entry = R"(
    "username": "user0",
    "platform": "android",
    "ms_played": 200000,
    "conn_country": "KR",
    "ip_addr_decrypted": "192.0.2.1",
    "user_agent_decrypted": "unknown",)";
  const std::string file = dir / "Streaming_History_Audio_2023_bom.json";
  WriteText(file, kBom + "[\n  {\n    \"ts\": \"2023-03-01T10:00:00Z\"," + entry + R"J(
    "master_metadata_track_name": "Seven (feat. Latto) (Explicit Ver.)",
    "master_metadata_album_artist_name": "Jung Kook",
    "master_metadata_album_album_name": "Seven",
    "spotify_track_uri": "spotify:track:7x9aauaA9cu6tyfpHnqDLo",
    "episode_name": null,
    "episode_show_name": null,
    "spotify_episode_uri": null,
    "reason_start": "clickrow",
    "reason_end": "trackdone",
    "shuffle": false,
    "skipped": null,
    "offline": false,
    "offline_timestamp": 1677664800,
    "incognito_mode": false
  },
  {
    "ts": "2023-03-02T10:00:00Z",)J" + Replace(entry, "200000", "210000") + R"(
    "master_metadata_track_name": "방탄소년단 — 봄날",
    "master_metadata_album_artist_name": "BTS",
    "master_metadata_album_album_name": "You Never Walk Alone",
    "spotify_track_uri": "spotify:track:0WNGsQ1oAuHzNTk8jivBKW",
    "episode_name": null,
    "episode_show_name": null,
    "spotify_episode_uri": null,
    "reason_start": "clickrow",
    "reason_end": "trackdone",
    "shuffle": false,
    "skipped": null,
    "offline": false,
    "offline_timestamp": 1677664800,
    "incognito_mode": false
  }
]
)");
  const RunResult r = Ingest(dir / "s", {file}, "--user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u) << r.out;
  EXPECT_EQ(sums[0].kind, "spotify-extended");
  EXPECT_EQ(sums[0].plays, 2);
  EXPECT_EQ(sums[0].counted, 2);
  EXPECT_EQ(sums[0].rejected_total, 0);
  // Right value: 2 plays, 2 streams: 7x9a... 1 on 2023-03-01, 0WNG... 1 on 2023-03-02.
  EXPECT_EQ(ExportDaily(dir / "s"),
            (Daily{{"2023-03-01,KR,spotify:track:7x9aauaA9cu6tyfpHnqDLo,premium,spotify", 1},
                   {"2023-03-02,KR,spotify:track:0WNGsQ1oAuHzNTk8jivBKW,premium,spotify", 1}}));
}

TEST(HistoryCases, OlderLayoutWithoutTrackUriCountsItsMusic) {
  TempDir dir("hist-endsong");
  const std::string tail = R"(
    "episode_name": null,
    "episode_show_name": null,
    "reason_start": "trackdone",
    "reason_end": "trackdone",
    "shuffle": false,
    "skipped": null,
    "offline": false,
    "offline_timestamp": OFFLINE,
    "incognito_mode": false,
    "city": null,
    "region": null,
    "metro_code": null,
    "longitude": null,
    "latitude": null
  })";
  const std::string head = R"j(
    "username": "user0",
    "platform": "Android OS 9 API 28 (PHONE)",)j";
  const std::string file = dir / "endsong_0.json";
  WriteText(file, "[\n  {\n    \"ts\": \"2020-02-11T16:31:21Z\"," + head + R"(
    "ms_played": 290736,
    "conn_country": "DE",
    "ip_addr_decrypted": "192.0.2.7",
    "user_agent_decrypted": "unknown",
    "master_metadata_track_name": "Carrion Flowers",
    "master_metadata_album_artist_name": "Chelsea Wolfe",
    "master_metadata_album_album_name": "Abyss",)" +
                      Replace(tail, "OFFLINE", "1581438365846") + ",\n  {\n    \"ts\": \"2020-02-11T16:36:30Z\"," + head + R"(
    "ms_played": 250000,
    "conn_country": "DE",
    "ip_addr_decrypted": "192.0.2.7",
    "user_agent_decrypted": "unknown",
    "master_metadata_track_name": "Iron Moon",
    "master_metadata_album_artist_name": "Chelsea Wolfe",
    "master_metadata_album_album_name": "Abyss",)" +
                      Replace(tail, "OFFLINE", "1581438665846") + "\n]\n");
  const RunResult r = Ingest(dir / "s", {file}, "--user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u) << r.out;
  EXPECT_TRUE(sums[0].skipped.empty()) << r.out;  // music, not podcasts
  EXPECT_EQ(sums[0].plays, 2);
  // Right value: 2 music plays counted on 2020-02-11 in DE, keyed by what the entries name.
  EXPECT_EQ(ExportDaily(dir / "s"),
            (Daily{{"2020-02-11,DE,song:carrionflowers|chelseawolfe,premium,spotify", 1},
                   {"2020-02-11,DE,song:ironmoon|chelseawolfe,premium,spotify", 1}}));
  // Taken in once: the same file again changes nothing.
  const RunResult again = Ingest(dir / "s", {file}, "--user alice");
  EXPECT_EQ(again.code, 0);
  EXPECT_TRUE(Has(again.out, "already ingested")) << again.out;
}

TEST(HistoryCases, TsIsWhenTheStreamEnded) {
  TempDir dir("hist-tsend");
  const std::string file = dir / "Streaming_History_Audio_2023_0.json";
  WriteText(file,
            "[\n"
            R"(  {"ts": "2023-03-02T00:02:00Z", "platform": "ios", "ms_played": 240000, "conn_country": "US", "ip_addr": "192.0.2.1", "master_metadata_track_name": "Flowers", "master_metadata_album_artist_name": "Miley Cyrus", "master_metadata_album_album_name": "Endless Summer Vacation", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn", "episode_name": null, "episode_show_name": null, "spotify_episode_uri": null, "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": false, "skipped": false, "offline": false, "offline_timestamp": null, "incognito_mode": false})"
            "\n]\n");
  const RunResult r = Ingest(dir / "s", {file}, "--user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // Right value: the play started 2023-03-01T23:58:00Z: 1 stream on 2023-03-01, none on 03-02.
  EXPECT_EQ(ExportDaily(dir / "s"),
            (Daily{{"2023-03-01,US,spotify:track:0yLdNVWF3Srea0uzk55zFn,premium,spotify", 1}}));
  const RunResult s = RunEncore("streams --store " + Quote(dir / "s") +
                                " --track spotify:track:0yLdNVWF3Srea0uzk55zFn --format csv");
  EXPECT_EQ(s.out, "date,streams,premium,free,unknown,cumulative\n2023-03-01,1,1,0,0,1\n");
}

TEST(HistoryCases, AccountDataIsTakenIn) {
  TempDir dir("hist-account");
  const std::string file = dir / "StreamingHistory_music_0.json";
  WriteText(file, R"([
  {
    "endTime" : "2024-05-06 18:43",
    "artistName" : "Twenty One Pilots",
    "trackName" : "Oh Ms Believer",
    "msPlayed" : 216783
  },
  {
    "endTime" : "2024-05-06 18:46",
    "artistName" : "Twenty One Pilots",
    "trackName" : "Taxi Cab",
    "msPlayed" : 195373
  },
  {
    "endTime" : "2024-05-06 22:41",
    "artistName" : "Twenty One Pilots",
    "trackName" : "Jumpsuit",
    "msPlayed" : 379525
  }
]
)");
  // Right value: taken in, 3 plays (start = end - msPlayed, names as the track key); the times
  // are local and no zone was given, so the summary warns that UTC was assumed.
  const RunResult r = Ingest(dir / "s", {file}, "--user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u) << r.out;
  EXPECT_EQ(sums[0].kind, "spotify-account");
  EXPECT_EQ(sums[0].plays, 3);
  EXPECT_EQ(sums[0].counted, 3);
  EXPECT_TRUE(sums[0].skipped.empty()) << r.out;  // not podcasts
  ASSERT_EQ(sums[0].warnings.size(), 1u) << r.out;
  EXPECT_TRUE(Has(sums[0].warnings[0], "--timezone")) << r.out;
  EXPECT_EQ(ExportDaily(dir / "s"),
            (Daily{{"2024-05-06,ZZ,song:jumpsuit|twentyonepilots,premium,spotify", 1},
                   {"2024-05-06,ZZ,song:ohmsbeliever|twentyonepilots,premium,spotify", 1},
                   {"2024-05-06,ZZ,song:taxicab|twentyonepilots,premium,spotify", 1}}));
  // The doc's worked example: 08:43 in Seoul is 23:43 UTC the day before; the play started at
  // 23:39:23.217Z: one stream on 2024-05-06.
  const std::string seoul = dir / "StreamingHistory_music_1.json";
  WriteText(seoul,
            R"([{"endTime": "2024-05-07 08:43", "artistName": "Twenty One Pilots", "trackName": "Oh Ms Believer", "msPlayed": 216783}])");
  for (const char* zone : {"Asia/Seoul", "+09:00"}) {
    const std::string store = dir / (std::string("z") + (zone[0] == '+' ? "offset" : "iana"));
    const RunResult z = Ingest(store, {seoul}, std::string("--user alice --timezone ") + zone);
    ASSERT_EQ(z.code, 0) << zone << z.out << z.err;
    EXPECT_TRUE(Summaries(z.out)[0].warnings.empty()) << z.out;
    EXPECT_EQ(ExportDaily(store),
              (Daily{{"2024-05-06,ZZ,song:ohmsbeliever|twentyonepilots,premium,spotify", 1}}))
        << zone;
  }
}

TEST(HistoryCases, FarFuturePlayDoesNotCloseTheStore) {
  TempDir dir("hist-farfuture");
  const std::string pill = dir / "pill.csv", after = dir / "after.csv";
  WriteText(pill,
            "ts,user,track,ms_played,country,tier\n"
            "2024-02-01T10:00:00Z,u1,T1,40000,US,premium\n"
            "2149-06-06T00:00:00Z,u9,T1,40000,US,premium\n");
  WriteText(after,
            "ts,user,track,ms_played,country,tier\n"
            "2024-02-02T10:00:00Z,u1,T1,40000,US,premium\n"
            "2024-02-03T10:00:00Z,u2,T1,40000,US,premium\n");
  const RunResult r1 = Ingest(dir / "s", {pill});
  ASSERT_EQ(r1.code, 0) << r1.out << r1.err;
  const auto s1 = Summaries(r1.out);
  ASSERT_EQ(s1.size(), 1u);
  EXPECT_EQ(s1[0].rejected, (Counts{{"implausible_time", 1}})) << r1.out;
  const RunResult r2 = Ingest(dir / "s", {after});
  ASSERT_EQ(r2.code, 0) << r2.out << r2.err;
  const auto s2 = Summaries(r2.out);
  ASSERT_EQ(s2.size(), 1u);
  EXPECT_EQ(s2[0].counted, 2) << r2.out;
  EXPECT_EQ(s2[0].rejected_total, 0) << r2.out;  // nothing late
  // Right value: the absurd play is rejected with its reason, and after.csv's plays count.
  EXPECT_EQ(ByDay(ExportDaily(dir / "s")),
            (std::map<std::string, int64_t>{{"2024-02-01", 1}, {"2024-02-02", 1}, {"2024-02-03", 1}}));
  const RunResult rej = RunEncore("rejects --store " + Quote(dir / "s"));
  EXPECT_TRUE(Has(rej.out, "pill.csv:3: implausible_time: 2149-06-06T00:00:00Z")) << rej.out;
  // The seal follows the real plays (3 days behind the newest), not the year 2149.
  const RunResult st = RunEncore("status --store " + Quote(dir / "s"));
  EXPECT_TRUE(Has(st.out, "sealed before 2024-01-31")) << st.out;
}

// Edited and odd exports (a helper's review): an empty audiobook or episode field names nothing,
// a field named twice is bad_json in every reader, a broken first entry is one reject, a name of
// punctuation is a name. Right values: what doc/ingest.md says of each entry.
TEST(HistoryCases, EditedEntriesAreReadAsTheyAre) {
  TempDir dir("hist-edited");
  auto spotify = [](const std::string& ts, const std::string& more) {
    return "{\"ts\": \"" + ts + "\", \"ms_played\": 200000, \"conn_country\": \"US\"" + more + "}";
  };
  const std::string flowers =
      ", \"master_metadata_track_name\": \"Flowers\", \"master_metadata_album_artist_name\": "
      "\"Miley Cyrus\", \"spotify_track_uri\": \"spotify:track:0yLdNVWF3Srea0uzk55zFn\"";
  const std::string file = dir / "Streaming_History_Audio_2023.json";
  WriteText(file, JsonArray({
                      // No ms_played in the first entry: a reject, not a file of plain plays.
                      "{\"ts\": \"2023-05-01T09:00:00Z\", \"conn_country\": \"US\"" + flowers + "}",
                      spotify("2023-05-01T10:00:00Z", flowers + ", \"audiobook_title\": \"\""),
                      spotify("2023-05-01T11:00:00Z", flowers + ", \"episode_name\": \"\""),
                      spotify("2023-05-01T12:00:00Z", ", \"episode_name\": \"\""),
                      spotify("2023-05-01T13:00:00Z", flowers + ", \"audiobook_chapter_title\": false"),
                      spotify("2023-05-01T14:00:00Z", ", \"master_metadata_track_name\": \"  \""),
                      spotify("2023-05-01T15:00:00Z", flowers + ", \"ms_played\": 1000"),
                      spotify("2023-05-01T16:00:00Z", ", \"episode_name\": \"Ep 1\""),
                      spotify("2023-05-01T17:00:00Z",
                              ", \"master_metadata_track_name\": \"Other Song\", "
                              "\"master_metadata_album_artist_name\": \"!!!\""),
                      spotify("2023-05-01T18:00:00Z", ", \"master_metadata_track_name\": \"Other Song\""),
                  }));
  const RunResult r = Ingest(dir / "s", {file}, "--user u");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sum = Summaries(r.out);
  ASSERT_EQ(sum.size(), 1u) << r.out;
  EXPECT_EQ(sum[0].counted, 4) << r.out;  // 10:00, 11:00, and the two Other Songs
  EXPECT_EQ(sum[0].skipped, (Counts{{"podcast", 1}})) << r.out;
  EXPECT_EQ(sum[0].rejected, (Counts{{"missing_field", 3}, {"bad_json", 2}})) << r.out;
  const Daily d = ExportDaily(dir / "s");
  EXPECT_EQ(d.at("2023-05-01,US,spotify:track:0yLdNVWF3Srea0uzk55zFn,premium,spotify"), 2);
  // "!!!" is the artist's name: its song is not the song of no artist.
  EXPECT_EQ(d.at("2023-05-01,US,song:othersong|!!!,premium,spotify"), 1);
  EXPECT_EQ(d.at("2023-05-01,US,song:othersong|,premium,spotify"), 1);

  // Account data and a Takeout history whose first entry is broken; an account entry naming a
  // field twice.
  const std::string account = dir / "StreamingHistory_music_0.json";
  WriteText(account, JsonArray({
                         R"({"endTime": "2024-05-06 18:40", "artistName": "Sault", "trackName": "Solar"})",
                         R"({"endTime": "2024-05-06 18:43", "artistName": "Sault", "trackName": "Solar", "msPlayed": 216783})",
                         R"({"endTime": "2024-05-06 18:50", "artistName": "Sault", "trackName": "Solar", "msPlayed": 216783, "msPlayed": 1000})",
                         R"({"endTime": "2024-05-06 19:00", "artistName": "Sault", "trackName": "Solar", "msPlayed": 1000, "podcastName": ""})",
                     }));
  const std::string takeout = dir / "watch-history.json";
  WriteText(takeout,
            JsonArray({R"({"title": "Watched Solar", "titleUrl": "https://music.youtube.com/watch?v=-e8Nfjl_AKk", "time": "2022-04-25T18:09:04.784Z"})",
                       R"({"header": "YouTube Music", "title": "Watched Solar", "titleUrl": "https://music.youtube.com/watch?v=-e8Nfjl_AKk", "time": "2022-04-26T18:09:04.784Z"})"}));
  const std::string lastfm = dir / "scrobbles.csv";  // no header; a now-playing row first
  WriteText(lastfm, "Sault,Air,Solar,\nSault,Air,Solar,25 Apr 2022 18:00\nSault,Air,Solar,26 Apr 2022 18:00\n");
  for (const std::string& f : {account, takeout, lastfm}) {
    SCOPED_TRACE(f);
    const RunResult one = Ingest(dir / ("s-" + std::to_string(f.size())), {f}, "--user u");
    ASSERT_EQ(one.code, 0) << one.out << one.err;
    const auto s1 = Summaries(one.out);
    ASSERT_EQ(s1.size(), 1u) << one.out;
    EXPECT_EQ(s1[0].state, "ingested") << one.out;
    EXPECT_EQ(s1[0].counted, f == lastfm ? 2 : 1) << one.out;
    EXPECT_EQ(s1[0].rejected,
              f == account ? (Counts{{"missing_field", 1}, {"bad_json", 1}}) : (Counts{{"missing_field", 1}}))
        << one.out;
  }
}

// A key named twice anywhere in an entry (a nested object too, or past 64 keys) is bad_json; a
// name of non-ASCII punctuation keys as itself.
TEST(HistoryCases, KeysNamedTwiceAnywhereAreBadJson) {
  TempDir dir("hist-dupkeys");
  const std::string lb = dir / "listens.jsonl";
  WriteText(lb,
            R"({"listened_at": 1650909600, "track_metadata": {"artist_name": "A", "artist_name": "B", "track_name": "T"}, "user_name": "u"})"
            "\n"
            R"({"listened_at": 1650909660, "track_metadata": {"artist_name": "A", "track_name": "T", "additional_info": {"isrc": "X", "isrc": "Y"}}, "user_name": "u"})"
            "\n"
            R"({"listened_at": 1650909720, "track_metadata": {"artist_name": "A", "track_name": "T", "mbid_mapping": {"artists": [{"name": "A"}, {"name": "B"}]}}, "user_name": "u"})"
            "\n");
  RunResult r = Ingest(dir / "s", {lb});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto sum = Summaries(r.out);
  ASSERT_EQ(sum.size(), 1u);
  EXPECT_EQ(sum[0].counted, 1) << r.out;  // sibling objects may share key names
  EXPECT_EQ(sum[0].rejected, (Counts{{"bad_json", 2}})) << r.out;
  std::string many = R"({"ts": "2023-05-01T10:00:00Z", "conn_country": "US", "master_metadata_track_name": "S")";
  for (int i = 0; i < 70; ++i) many += ", \"extra_" + std::to_string(i) + "\": null";
  const std::string spotify = dir / "Streaming_History_Audio_2023.json";
  WriteText(spotify, "[" + many + R"(, "ms_played": 1000, "ms_played": 200000},)" + many +
                         R"(, "ms_played": 200000}])");
  r = Ingest(dir / "s2", {spotify}, "--user u");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  sum = Summaries(r.out);
  ASSERT_EQ(sum.size(), 1u);
  EXPECT_EQ(sum[0].counted, 1) << r.out;
  EXPECT_EQ(sum[0].rejected, (Counts{{"bad_json", 1}})) << r.out;
  const std::string lastfm = dir / "scrobbles.csv";
  WriteText(lastfm, "\u2020\u2021\u2020,Album,Trick,25 Apr 2022 18:00\n\u203c,Album,Trick,25 Apr 2022 18:05\n");
  ASSERT_EQ(Ingest(dir / "s3", {lastfm}, "--user u").code, 0);
  const Daily d = ExportDaily(dir / "s3");
  EXPECT_EQ(d.size(), 2u) << "two artists, two songs";
  EXPECT_EQ(d.count("2022-04-25,ZZ,song:trick|,premium,lastfm"), 0u);
}

// A personal history is held while it is read, and each listener's merged: past --memory the
// file fails whole, says what to do, and is not recorded; with more memory it goes in.
TEST(HistoryCases, HistoriesPastTheMemoryBoundFailWhole) {
  TempDir dir("hist-bound");
  std::string text;
  for (int i = 0; i < 60000; ++i) {
    text += "{\"listened_at\": " + std::to_string(1650909600 + i * 60) +
            ", \"track_metadata\": {\"artist_name\": \"Sault\", \"track_name\": \"Song " +
            std::to_string(i % 100) + "\"}, \"user_name\": \"alice\"}\n";
  }
  const std::string file = dir / "listens.jsonl";
  WriteText(file, text);
  // 60,000 listens of one listener merge in 7.3 MiB: --memory 4 is too little.
  const RunResult small = Ingest(dir / "s", {file}, "--memory 4");
  EXPECT_EQ(small.code, 1) << small.out << small.err;
  EXPECT_TRUE(Has(small.out + small.err, "give more --memory")) << small.out << small.err;
  const RunResult status = RunEncore("status --store " + Quote(dir / "s"));
  EXPECT_FALSE(Has(status.out, "listens.jsonl")) << status.out;
  const RunResult enough = Ingest(dir / "s", {file}, "--memory 16");
  ASSERT_EQ(enough.code, 0) << enough.out << enough.err;
  const auto sum = Summaries(enough.out);
  ASSERT_EQ(sum.size(), 1u);
  EXPECT_EQ(sum[0].plays, 60000) << enough.out;
  EXPECT_EQ(sum[0].counted + sum[0].capped, 60000) << enough.out;
  // The file's own streams and tracks: 60,000 listens of 60,000 tracks pass 4 MiB while read.
  std::string many;
  for (int i = 0; i < 60000; ++i) {
    many += "{\"listened_at\": " + std::to_string(1650909600 + i * 60) +
            ", \"track_metadata\": {\"artist_name\": \"Sault\", \"track_name\": \"Track " +
            std::to_string(i) + "\"}, \"user_name\": \"bob\"}\n";
  }
  WriteText(dir / "many.jsonl", many);
  const RunResult tracks = Ingest(dir / "s2", {dir / "many.jsonl"}, "--memory 4");
  EXPECT_EQ(tracks.code, 1) << tracks.out << tracks.err;
  EXPECT_TRUE(Has(tracks.out + tracks.err, "split the file")) << tracks.out << tracks.err;
}

// ================================================================================================
// Each history format, written from its documentation with realistic entries and every kind of
// entry that is not a play, against the independent computation.

TEST(HistoryFormats, SpotifyExtendedHistory) {
  TempDir dir("hist-spotify");
  const auto listens = MakeListens(101, Ms(2023, 1, 1), 75, 420,
                                   {"US", "US", "US", "DE", "GB", "KR", "", "null"});
  std::vector<std::string> entries;
  for (size_t i = 0; i < listens.size(); ++i) {
    // Mostly the 2023 layout; some entries of a local file or of the older layout have no uri.
    entries.push_back(SpotifyEntry(listens[i], "alice_sp", i % 3 == 0 ? 1 : 0, i % 17 == 5).dump(2));
  }
  size_t twice = 100;  // the same play (a stream) twice in one export
  while (listens[twice].ms < 30000) ++twice;
  const std::string repeated = entries[twice];
  entries.insert(entries.begin() + 200, repeated);
  auto specials = SpotifySpecials("alice_sp");
  for (const auto& e : SpotifyEdges("alice_sp")) specials.push_back(e);
  for (size_t k = 0; k < specials.size(); ++k) {
    entries.insert(entries.begin() + static_cast<long>(k * 15 + 7), specials[k]);
  }
  // As some exports are: a byte-order mark, and Windows line ends.
  const std::string text = kBom + Replace(JsonArray(entries), "\n", "\r\n");
  const std::string plain = dir / "Streaming_History_Audio_2023_0.json";
  WriteText(plain, text);
  const std::string gz = dir / "Streaming_History_Audio_2023_0.json.gz";
  WriteCompressed(gz, text);

  const Json want = Expect(dir.path(), {{"format", "spotify-extended"}, {"files", {plain}}});
  // No --user: the export names its account in every entry.
  const RunResult r = Ingest(dir / "s1", {plain});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u) << r.out;
  EXPECT_EQ(sums[0].kind, "spotify-extended");
  ExpectFileMatches(sums[0], want["files"][0], "spotify extended");
  // Every kind the doc names is there: the fixture is what it claims to be.
  EXPECT_EQ(sums[0].skipped, (Counts{{"audiobook", 1}, {"podcast", 3}})) << r.out;
  for (const char* reason : {"missing_field", "bad_timestamp", "bad_json", "implausible_time",
                             "bad_track", "bad_ms_played", "bad_country", "bad_user",
                             "record_too_long"}) {
    EXPECT_GT(sums[0].rejected.count(reason), 0u) << reason << "\n" << r.out;
  }
  EXPECT_EQ(sums[0].duplicates, 1) << r.out;
  EXPECT_GT(sums[0].capped, 0) << r.out;
  EXPECT_GT(sums[0].short_plays, 0) << r.out;
  const Daily daily = ExportDaily(dir / "s1");
  ExpectSameDaily(daily, DailyOf(want), "spotify extended");
  bool zz = false;
  for (const auto& [k, v] : daily) zz |= k.substr(11, 3) == "ZZ,";
  EXPECT_TRUE(zz) << "an empty or null conn_country is counted as ZZ";
  ExpectRejectsMatch(dir / "s1", plain, want["files"][0], "spotify extended rejects");

  // Nothing raw reaches the terminal: the summary and the rejects table escape control characters
  // and bytes that are not UTF-8; --format raw gives the text as it was.
  EXPECT_TRUE(TerminalSafe(r.out));
  const RunResult table = RunEncore("rejects --store " + Quote(dir / "s1"));
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_TRUE(TerminalSafe(table.out));
  EXPECT_TRUE(Has(table.out, "bad_track")) << table.out;
  EXPECT_TRUE(Has(table.out, "Streaming_History_Audio_2023_0.json:")) << table.out;
  const RunResult raw = RunEncore("rejects --format raw --reason bad_track --store " +
                                  Quote(dir / "s1"));
  EXPECT_TRUE(Has(raw.out, "\\u001b[31mRED")) << raw.out;  // the entry as it was

  // The same export compressed, into a new store with --user (which stands for every entry's
  // user, even one too long to be an id): the same counts and one play more.
  const Json want_alice = Expect(dir.path(), {{"format", "spotify-extended"},
                                              {"files", {plain}},
                                              {"user", "alice"}});
  const RunResult rz = Ingest(dir / "s2", {gz}, "--user alice");
  ASSERT_EQ(rz.code, 0) << rz.out << rz.err;
  ExpectFileMatches(Summaries(rz.out).at(0), want_alice["files"][0], "spotify extended .gz");
  EXPECT_EQ(Summaries(rz.out).at(0).plays, sums[0].plays + 1);
  ExpectSameDaily(ExportDaily(dir / "s2"), DailyOf(want_alice), "spotify extended .gz");

  // Cut short (a download that stopped): what is whole counts, the entry cut is rejected, and the
  // summary says the array was not closed.
  const std::string cut = dir / "Streaming_History_Audio_2023_cut.json";
  WriteText(cut, text.substr(0, text.size() * 3 / 5));
  const Json want_cut = Expect(dir.path(), {{"format", "spotify-extended"}, {"files", {cut}}});
  const RunResult rc = Ingest(dir / "s3", {cut});
  ASSERT_EQ(rc.code, 0) << rc.out << rc.err;
  const FileSummary sc = Summaries(rc.out).at(0);
  ExpectFileMatches(sc, want_cut["files"][0], "spotify extended, cut short");
  ASSERT_EQ(sc.warnings.size(), 1u) << rc.out;
  EXPECT_TRUE(Has(sc.warnings[0], "not closed")) << rc.out;
  ExpectSameDaily(ExportDaily(dir / "s3"), DailyOf(want_cut), "spotify extended, cut short");

  // The same plays as JSON Lines (one entry a line, no array).
  std::string lines;
  for (const Listen& l : listens) lines += SpotifyEntry(l, "alice_sp", 0).dump() + "\n";
  const std::string jsonl = dir / "Streaming_History_Audio_2023_lines.json";
  WriteText(jsonl, lines);
  const Json want_lines = Expect(dir.path(), {{"format", "spotify-extended"}, {"files", {jsonl}}});
  const RunResult rl = Ingest(dir / "s4", {jsonl});
  ASSERT_EQ(rl.code, 0) << rl.out << rl.err;
  EXPECT_EQ(Summaries(rl.out).at(0).kind, "spotify-extended");
  ExpectFileMatches(Summaries(rl.out).at(0), want_lines["files"][0], "spotify extended, lines");
  ExpectSameDaily(ExportDaily(dir / "s4"), DailyOf(want_lines), "spotify extended, lines");
  // The compressed copy of a file already taken in is that file.
  const RunResult again = Ingest(dir / "s1", {gz});
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(Summaries(again.out).at(0).state, "already") << again.out;
  EXPECT_EQ(ExportDaily(dir / "s1"), daily);
}

TEST(HistoryFormats, SpotifyAccountData) {
  TempDir dir("hist-account-fmt");
  // endTime is the account's local wall clock (Seoul, UTC+9) to the minute.
  const auto listens = MakeListens(202, Ms(2024, 4, 1), 50, 260, {""}, 60);
  auto entry = [](const std::string& end, const std::string& artist, const std::string& track,
                  const std::string& ms) {
    return "{\n  \"endTime\" : " + OJson(end).dump() + ",\n  \"artistName\" : " +
           OJson(artist).dump() + ",\n  \"trackName\" : " + OJson(track).dump() +
           ",\n  \"msPlayed\" : " + ms + "\n}";
  };
  std::vector<std::string> entries;
  for (const Listen& l : listens) {
    const Song& s = kSongs[l.song];
    entries.push_back(entry(Format(l.at_ms + 9 * 3600000, "%Y-%m-%d %H:%M"), s.artist, s.title,
                            std::to_string(l.ms)));
  }
  const std::vector<std::string> specials = {
      // A podcast in the music file (the podcast files name these keys).
      R"({
  "endTime" : "2024-04-03 07:12",
  "podcastName" : "Science Friday",
  "episodeName" : "Why the Moon Has Phases",
  "msPlayed" : 1500000
})",
      R"({
  "endTime" : "2024-04-04 07:12",
  "artistName" : "Sault",
  "msPlayed" : 200000
})",  // no trackName
      entry("2024-02-30 10:00", "Sault", "Solar", "200000"),    // no such day
      entry("2024-04-05T10:00", "Sault", "Solar", "200000"),    // not this export's format
      entry("2024-04-06 10:00", "Sault", "Solar", "\"200000\""),  // a string
      entry("2140-01-01 10:00", "Sault", "Solar", "200000"),    // a clock bug
      entry("2024-04-07 10:00", "\x1b]0;owned\x07", "Solar", "200000"),  // sets a terminal title
  };
  for (size_t k = 0; k < specials.size(); ++k) {
    entries.insert(entries.begin() + static_cast<long>(k * 31 + 3), specials[k]);
  }
  // Lone CR line ends, as a file saved by a classic Mac editor.
  const std::string text = Replace(JsonArray(entries), "\n", "\r");
  const std::string plain = dir / "StreamingHistory_music_0.json";
  WriteText(plain, text);
  const std::string zst = dir / "StreamingHistory_music_0.json.zst";
  WriteCompressed(zst, text);

  const Json seoul = Expect(dir.path(), {{"format", "spotify-account"},
                                         {"files", {plain}},
                                         {"user", "alice"},
                                         {"tz_minutes", 540}});
  const RunResult r = Ingest(dir / "s1", {zst}, "--user alice --timezone Asia/Seoul");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].kind, "spotify-account");
  EXPECT_TRUE(sums[0].warnings.empty()) << r.out;
  ExpectFileMatches(sums[0], seoul["files"][0], "account data, Asia/Seoul");
  EXPECT_EQ(sums[0].skipped, (Counts{{"podcast", 1}}));
  EXPECT_EQ(sums[0].rejected, (Counts{{"missing_field", 1},
                                      {"bad_timestamp", 2},
                                      {"bad_ms_played", 1},
                                      {"implausible_time", 1},
                                      {"bad_track", 1}}))
      << r.out;
  const Daily daily = ExportDaily(dir / "s1");
  ExpectSameDaily(daily, DailyOf(seoul), "account data, Asia/Seoul");
  ExpectRejectsMatch(dir / "s1", zst, seoul["files"][0], "account data rejects");
  EXPECT_TRUE(TerminalSafe(r.out));
  EXPECT_TRUE(TerminalSafe(RunEncore("rejects --store " + Quote(dir / "s1")).out));

  // The zone as an offset gives the same; no zone takes the times as UTC, with a warning.
  const RunResult off = Ingest(dir / "s2", {plain}, "--user alice --timezone +09:00");
  ASSERT_EQ(off.code, 0) << off.out << off.err;
  EXPECT_EQ(ExportDaily(dir / "s2"), daily);
  const Json utc = Expect(dir.path(),
                          {{"format", "spotify-account"}, {"files", {plain}}, {"user", "alice"}});
  const RunResult u = Ingest(dir / "s3", {plain}, "--user alice");
  ASSERT_EQ(u.code, 0) << u.out << u.err;
  ASSERT_EQ(Summaries(u.out).at(0).warnings.size(), 1u) << u.out;
  ExpectFileMatches(Summaries(u.out).at(0), utc["files"][0], "account data, UTC");
  ExpectSameDaily(ExportDaily(dir / "s3"), DailyOf(utc), "account data, UTC");
  EXPECT_NE(DailyOf(utc), DailyOf(seoul));  // the zone matters to these plays

  // A zone with summer time: a year of plays in Berlin (UTC+1 in winter, +2 in summer), none in
  // the hour that the changes skip or repeat.
  auto year = MakeListens(203, Ms(2023, 1, 1), 365, 400, {""}, 60);
  std::vector<std::string> berlin;
  for (const Listen& l : year) {
    const Song& s = kSongs[l.song];
    std::string local = Format(l.at_ms + 3600000, "%Y-%m-%d %H:%M");  // a wall-clock time
    if (local.substr(11, 2) == "02") local[12] = '3';
    berlin.push_back(entry(local, s.artist, s.title, std::to_string(l.ms)));
  }
  const std::string berlin_file = dir / "StreamingHistory_music_1.json";
  WriteText(berlin_file, JsonArray(berlin));
  const Json want_berlin = Expect(dir.path(), {{"format", "spotify-account"},
                                               {"files", {berlin_file}},
                                               {"user", "alice"},
                                               {"tz_name", "Europe/Berlin"}});
  const RunResult b = Ingest(dir / "s4", {berlin_file}, "--user alice --timezone Europe/Berlin");
  ASSERT_EQ(b.code, 0) << b.out << b.err;
  ExpectFileMatches(Summaries(b.out).at(0), want_berlin["files"][0], "account data, Berlin");
  ExpectSameDaily(ExportDaily(dir / "s4"), DailyOf(want_berlin), "account data, Berlin");
}

TEST(HistoryFormats, YouTubeMusicTakeout) {
  TempDir dir("hist-youtube");
  const auto listens = MakeListens(303, Ms(2022, 4, 1), 45, 300, {""});
  std::mt19937_64 rng(3);
  std::vector<std::string> entries;
  for (const Listen& l : listens) {
    const Song& s = kSongs[l.song];
    OJson o;
    const bool music = rng() % 6 != 0;
    o["header"] = music ? "YouTube Music" : "YouTube";
    o["title"] = std::string("Watched ") + s.title;
    std::string url = std::string(music ? "https://music.youtube.com" : "https://www.youtube.com") +
                      "/watch?v=" + s.video;
    if (rng() % 4 == 0) url += std::string("&list=RDAMVM") + s.video;
    o["titleUrl"] = url;
    o["subtitles"] = {{{"name", std::string(s.artist) + " - Topic"},
                       {"url", "https://www.youtube.com/channel/UCx" + std::to_string(l.song)}}};
    o["time"] = Iso(l.at_ms + l.ms % 1000, true);
    o["products"] = {"YouTube"};
    o["activityControls"] = {"YouTube watch history"};
    entries.push_back(o.dump(2));
  }
  std::reverse(entries.begin(), entries.end());  // Takeout lists the newest first
  const std::vector<std::string> specials = {
      // A removed video: no URL.
      R"({"header": "YouTube Music", "title": "Watched a video that has been removed", "time": "2022-04-10T10:00:00.000Z", "products": ["YouTube"], "activityControls": ["YouTube watch history"]})",
      // Not a watch: a visit, a search.
      R"({"header": "YouTube Music", "title": "Visited YouTube Music", "titleUrl": "https://music.youtube.com/", "time": "2022-04-11T10:00:00.000Z", "products": ["YouTube"]})",
      R"({"header": "YouTube", "title": "Searched for sault solar", "titleUrl": "https://www.youtube.com/results?search_query=sault+solar", "time": "2022-04-12T10:00:00.000Z", "products": ["YouTube"]})",
      // A YouTube watch named by its URL only.
      R"({"header": "YouTube", "title": "Watched https://www.youtube.com/watch?v=dQw4w9WgXcQ", "titleUrl": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "time": "2022-04-13T10:00:00.000Z", "products": ["YouTube"]})",
      R"({"header": "YouTube Music", "title": "Watched Solar", "titleUrl": "https://music.youtube.com/watch?v=-e8Nfjl_AKk", "subtitles": [{"name": "Sault - Topic"}], "time": "2022-04-31T10:00:00.000Z", "products": ["YouTube"]})",
      R"({"header": "YouTube Music", "title": "Watched Solar", "titleUrl": "https://music.youtube.com/watch?v=-e8Nfjl_AKk", "subtitles": [{"name": "Sault - Topic"}], "time": "2140-04-01T10:00:00.000Z", "products": ["YouTube"]})",
      R"({"header": "YouTube Music", "title": "Watched \u001b[2JSolar", "titleUrl": "https://music.youtube.com/watch?v=-e8Nfjl_AKk", "subtitles": [{"name": "Sault - Topic"}], "time": "2022-04-14T10:00:00.000Z", "products": ["YouTube"]})",
  };
  for (size_t k = 0; k < specials.size(); ++k) {
    entries.insert(entries.begin() + static_cast<long>(k * 37 + 11), specials[k]);
  }
  const std::string file = dir / "watch-history.json";
  WriteText(file, kBom + JsonArray(entries));
  const Json want = Expect(dir.path(),
                           {{"format", "youtube-music"}, {"files", {file}}, {"user", "alice"}});
  const RunResult r = Ingest(dir / "s", {file}, "--user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].kind, "youtube-music");
  ExpectFileMatches(sums[0], want["files"][0], "youtube");
  EXPECT_GT(Get(sums[0].skipped, "video"), 1) << r.out;
  EXPECT_EQ(sums[0].rejected, (Counts{{"missing_field", 3},
                                      {"bad_timestamp", 1},
                                      {"implausible_time", 1},
                                      {"bad_track", 1}}))
      << r.out;
  EXPECT_GT(sums[0].capped, 0) << r.out;
  EXPECT_EQ(sums[0].short_plays, 0) << r.out;  // no duration: every entry is a stream
  ExpectSameDaily(ExportDaily(dir / "s"), DailyOf(want), "youtube");
  ExpectRejectsMatch(dir / "s", file, want["files"][0], "youtube rejects");
  EXPECT_TRUE(TerminalSafe(r.out));
  EXPECT_TRUE(TerminalSafe(RunEncore("rejects --store " + Quote(dir / "s")).out));
  // The track is the video: youtube:VIDEOID.
  const RunResult s = RunEncore("streams --store " + Quote(dir / "s") +
                                " --track youtube:-e8Nfjl_AKk --service youtube_music --format csv");
  EXPECT_EQ(s.code, 0) << s.err;
}

TEST(HistoryFormats, AppleMusicPlayActivity) {
  TempDir dir("hist-apple");
  const std::vector<std::string> columns = {
      "Apple ID Number", "Apple Music Subscription", "Artist Name", "Build Version",
      "Client IP Address", "Content Name", "Content Provider", "Content Specific Type",
      "Device Identifier", "End Position In Milliseconds", "End Reason Type",
      "Event End Timestamp", "Event Reason Hint Type", "Event Received Timestamp",
      "Event Start Timestamp", "Event Type", "Feature Name", "Genre", "ISO Country",
      "Item Type", "Media Duration In Milliseconds", "Media Type", "Offline",
      "Play Duration Milliseconds", "Song Name", "Source Type", "Start Position In Milliseconds",
      "Track Identifier", "UTC Offset In Seconds"};
  auto csv_field = [](const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    return "\"" + Replace(v, "\"", "\"\"") + "\"";
  };
  auto row = [&](std::map<std::string, std::string> f) {
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_field(f[columns[i]]);
    return out;
  };
  const auto listens = MakeListens(404, Ms(2023, 6, 1), 40, 260, {"US", "US", "GB", ""});
  std::vector<std::string> rows;
  std::mt19937_64 rng(4);
  for (const Listen& l : listens) {
    const Song& s = kSongs[l.song];
    std::map<std::string, std::string> f = {
        {"Apple ID Number", "12345678901"}, {"Apple Music Subscription", "true"},
        {"Artist Name", s.artist}, {"Build Version", "Music/1.3.5 iPhone15,2"},
        {"Client IP Address", "192.0.2.44"}, {"Content Name", s.title},
        {"Content Provider", "Universal"}, {"Content Specific Type", "Song"},
        {"Device Identifier", "A1B2C3"}, {"Feature Name", "library / album-detail"},
        {"Genre", "Pop"}, {"ISO Country", l.country}, {"Item Type", "ITUNES_STORE_CONTENT"},
        {"Media Duration In Milliseconds", "240000"}, {"Media Type", "AUDIO"},
        {"Offline", "false"}, {"Song Name", s.title}, {"Source Type", "ORIGINATING_DEVICE"},
        {"Start Position In Milliseconds", "0"}, {"UTC Offset In Seconds", "-14400"},
        {"Track Identifier", rng() % 10 == 0 ? "" : s.apple}};
    // A play is a PLAY_START row and a PLAY_END row with the duration.
    auto start = f;
    start["Event Type"] = "PLAY_START";
    start["Event Start Timestamp"] = Iso(l.at_ms, true);
    start["Event Received Timestamp"] = Iso(l.at_ms + 500, true);
    rows.push_back(row(start));
    f["Event Type"] = "PLAY_END";
    f["End Reason Type"] = l.ms < 30000 ? "MANUALLY_SELECTED_PLAYBACK_OF_A_DIFF_ITEM"
                                        : "NATURAL_END_OF_TRACK";
    f["Play Duration Milliseconds"] = std::to_string(l.ms);
    f["End Position In Milliseconds"] = std::to_string(l.ms);
    f["Event End Timestamp"] = Iso(l.at_ms + l.ms, true);
    f["Event Received Timestamp"] = Iso(l.at_ms + l.ms + 800, true);
    // Some rows give only the end: the start is the end minus the duration.
    if (rng() % 5 != 0) f["Event Start Timestamp"] = Iso(l.at_ms, true);
    rows.push_back(row(f));
  }
  auto special = [&](std::map<std::string, std::string> f) {
    std::map<std::string, std::string> base = {
        {"Apple ID Number", "12345678901"}, {"Artist Name", "Sault"}, {"Song Name", "Solar"},
        {"Event Type", "PLAY_END"}, {"Media Type", "AUDIO"}, {"ISO Country", "US"},
        {"Event Start Timestamp", "2023-06-10T10:00:00.000Z"},
        {"Event End Timestamp", "2023-06-10T10:03:20.000Z"},
        {"Play Duration Milliseconds", "200000"}, {"Track Identifier", kSongs[2].apple}};
    for (auto& [k, v] : f) base[k] = v;
    return row(base);
  };
  const std::vector<std::string> specials = {
      special({{"Media Type", "VIDEO"}, {"Song Name", "Solar (Official Video)"}}),
      special({{"Event Type", "LYRIC_DISPLAY"}}),
      special({{"Event Type", "PLAY_START"}, {"Play Duration Milliseconds", ""}}),
      special({{"Play Duration Milliseconds", ""}}),  // a PLAY_END with no duration
      special({{"Event Start Timestamp", "2023-13-01T00:00:00.000Z"}}),
      special({{"Play Duration Milliseconds", "12.5"}}),
      special({{"Event Start Timestamp", "2140-06-10T10:00:00.000Z"}}),
      special({{"Song Name", "Solar\x1b[2J"}, {"Content Name", "Solar\x1b[2J"}}),
      special({{"Artist Name", "Caf\xff"}}),  // not UTF-8
      "12345678901,true,Sault,Music/1.3.5",    // a row cut short
      // A lead artist with a comma in the name, quoted, keyed by its id.
      special({{"Artist Name", "Tyler, The Creator"}, {"Song Name", "EARFQUAKE \"Live\""},
               {"Content Name", "EARFQUAKE"}, {"Track Identifier", "1463409338"}}),
  };
  for (size_t k = 0; k < specials.size(); ++k) {
    rows.insert(rows.begin() + static_cast<long>(k * 41 + 5), specials[k]);
  }
  std::string header;
  for (size_t i = 0; i < columns.size(); ++i) header += (i ? "," : "") + columns[i];
  std::string text = kBom + header + "\r\n";
  for (const auto& r : rows) text += r + "\r\n";
  const std::string plain = dir / "Apple Music Play Activity.csv";
  WriteText(plain, text);
  const std::string zst = dir / "Apple Music Play Activity.csv.zst";
  WriteCompressed(zst, text);
  // No --user: the export names the account (Apple ID Number).
  const Json want = Expect(dir.path(), {{"format", "apple-music"}, {"files", {plain}}});
  const RunResult r = Ingest(dir / "s", {zst});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].kind, "apple-music");
  ExpectFileMatches(sums[0], want["files"][0], "apple");
  EXPECT_EQ(Get(sums[0].skipped, "video"), 1) << r.out;
  EXPECT_GT(Get(sums[0].skipped, "not_a_play_event"), 200) << r.out;
  EXPECT_EQ(sums[0].rejected, (Counts{{"bad_csv", 1},
                                      {"missing_field", 1},
                                      {"bad_timestamp", 1},
                                      {"bad_ms_played", 1},
                                      {"implausible_time", 1},
                                      {"bad_track", 2}}))
      << r.out;
  ExpectSameDaily(ExportDaily(dir / "s"), DailyOf(want), "apple");
  ExpectRejectsMatch(dir / "s", zst, want["files"][0], "apple rejects");
  EXPECT_TRUE(TerminalSafe(r.out));
  EXPECT_TRUE(TerminalSafe(RunEncore("rejects --store " + Quote(dir / "s")).out));
  const RunResult tyler = RunEncore("streams --store " + Quote(dir / "s") +
                                    " --track apple:1463409338 --format csv");
  EXPECT_EQ(tyler.out, "date,streams,premium,free,unknown,cumulative\n2023-06-10,1,1,0,0,1\n");
}

TEST(HistoryFormats, LastfmScrobblesCsv) {
  TempDir dir("hist-lastfm-csv");
  const auto listens = MakeListens(505, Ms(2022, 1, 1), 60, 320, {""});
  std::vector<std::string> rows;
  for (const Listen& l : listens) {
    const Song& s = kSongs[l.song];
    rows.push_back(std::to_string(l.at_ms / 1000) + ",\"" + Format(l.at_ms, "%d %b %Y, %H:%M") +
                   "\"," + s.artist + ",," + s.album + ",," + s.title + ",");
  }
  std::reverse(rows.begin(), rows.end());  // newest first, as the exporter writes
  const std::vector<std::string> specials = {
      "1641900000,\"11 Jan 2022, 11:20\",,,Abyss,,Iron Moon,",  // no artist
      "yesterday,\"11 Jan 2022, 11:20\",Sault,,Untitled (Rise),,Solar,",
      "1641900000,\"11 Jan 2022, 11:20\",Sault,,Untitled (Rise),Solar,",  // a field short
      "1641900000,\"11 Jan 2022, 11:20\",Sault,,Untitled (Rise),,Sol\x1b[5mar,",
      "5000000000,\"11 Jun 2128, 08:53\",Sault,,Untitled (Rise),,Solar,",
      "900000000,\"09 Jul 1998, 16:00\",Sault,,Untitled (Rise),,Solar,",
  };
  for (size_t k = 0; k < specials.size(); ++k) {
    rows.insert(rows.begin() + static_cast<long>(k * 43 + 9), specials[k]);
  }
  std::string text = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\r";
  for (const auto& r : rows) text += r + "\r";  // lone CR line ends
  const std::string plain = dir / "alice.csv";
  WriteText(plain, text);
  const std::string gz = dir / "alice.csv.gz";
  WriteCompressed(gz, text);
  const Json want = Expect(dir.path(),
                           {{"format", "lastfm-csv"}, {"files", {plain}}, {"user", "alice"}});
  const RunResult r = Ingest(dir / "s", {gz}, "--user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].kind, "lastfm-csv");
  ExpectFileMatches(sums[0], want["files"][0], "lastfm csv");
  EXPECT_EQ(sums[0].rejected, (Counts{{"bad_csv", 1},
                                      {"missing_field", 1},
                                      {"bad_timestamp", 1},
                                      {"implausible_time", 2},
                                      {"bad_track", 1}}))
      << r.out;
  EXPECT_GT(sums[0].capped, 0) << r.out;
  ExpectSameDaily(ExportDaily(dir / "s"), DailyOf(want), "lastfm csv");
  ExpectRejectsMatch(dir / "s", gz, want["files"][0], "lastfm csv rejects");
  // A free account: the same plays, counted as free.
  const Json free = Expect(dir.path(), {{"format", "lastfm-csv"},
                                        {"files", {plain}},
                                        {"user", "alice"},
                                        {"tier", "free"}});
  const RunResult rf = Ingest(dir / "free", {plain}, "--user alice --tier free --no-records");
  ASSERT_EQ(rf.code, 0) << rf.out << rf.err;
  ExpectFileMatches(Summaries(rf.out).at(0), free["files"][0], "lastfm csv, free");
  ExpectSameDaily(ExportDaily(dir / "free"), DailyOf(free), "lastfm csv, free");
  // --earliest: scrobbles before it are implausible (a scrobbler's clock reset).
  const Json early = Expect(dir.path(), {{"format", "lastfm-csv"},
                                         {"files", {plain}},
                                         {"user", "alice"},
                                         {"earliest_ms", Ms(2022, 2, 1)}});
  const RunResult re = Ingest(dir / "early", {plain}, "--user alice --earliest 2022-02-01 --no-records");
  ASSERT_EQ(re.code, 0) << re.out << re.err;
  ExpectFileMatches(Summaries(re.out).at(0), early["files"][0], "lastfm csv, --earliest");
  EXPECT_GT(Get(Summaries(re.out).at(0).rejected, "implausible_time"), 100) << re.out;
  ExpectSameDaily(ExportDaily(dir / "early"), DailyOf(early), "lastfm csv, --earliest");
  EXPECT_TRUE(TerminalSafe(r.out));
  EXPECT_TRUE(TerminalSafe(RunEncore("rejects --store " + Quote(dir / "s")).out));
}

TEST(HistoryFormats, LastfmApiPages) {
  TempDir dir("hist-lastfm-json");
  const auto listens = MakeListens(606, Ms(2022, 3, 1), 40, 330, {""});
  auto track = [](const Listen& l) {
    const Song& s = kSongs[l.song];
    OJson t;
    t["artist"] = {{"mbid", ""}, {"#text", s.artist}};
    t["streamable"] = "0";
    t["image"] = {{{"size", "small"}, {"#text", "https://lastfm.freetls.fastly.net/i/u/34s/x.png"}}};
    t["mbid"] = "";
    t["album"] = {{"mbid", ""}, {"#text", s.album}};
    t["name"] = s.title;
    t["url"] = std::string("https://www.last.fm/music/") + Replace(s.artist, " ", "+") + "/_/" +
               Replace(s.title, " ", "+");
    t["date"] = {{"uts", std::to_string(l.at_ms / 1000)},
                 {"#text", Format(l.at_ms, "%d %b %Y, %H:%M")}};
    return t;
  };
  std::vector<OJson> tracks;
  for (auto it = listens.rbegin(); it != listens.rend(); ++it) tracks.push_back(track(*it));
  OJson now_playing = track(listens.back());
  now_playing.erase("date");
  now_playing["@attr"] = {{"nowplaying", "true"}};
  tracks.insert(tracks.begin(), now_playing);
  OJson nameless = track(listens[5]);
  nameless.erase("name");
  tracks.insert(tracks.begin() + 50, nameless);
  OJson undated = track(listens[6]);
  undated["date"] = {{"#text", "yesterday"}};
  tracks.insert(tracks.begin() + 120, undated);
  std::vector<std::string> pages;
  const size_t per_page = 200;
  for (size_t p = 0; p * per_page < tracks.size(); ++p) {
    OJson page;
    page["recenttracks"]["track"] = OJson::array();
    for (size_t i = p * per_page; i < std::min(tracks.size(), (p + 1) * per_page); ++i) {
      page["recenttracks"]["track"].push_back(tracks[i]);
    }
    page["recenttracks"]["@attr"] = {{"user", "alice_fm"},
                                     {"totalPages", std::to_string((tracks.size() + 199) / 200)},
                                     {"page", std::to_string(p + 1)},
                                     {"perPage", "200"},
                                     {"total", std::to_string(tracks.size())}};
    pages.push_back(page.dump());
  }
  const std::string file = dir / "recenttracks-alice_fm.json";
  WriteText(file, JsonArray(pages));
  // No --user: each page names its user.
  const Json want = Expect(dir.path(), {{"format", "lastfm-json"}, {"files", {file}}});
  const RunResult r = Ingest(dir / "s", {file});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].kind, "lastfm-json");
  ExpectFileMatches(sums[0], want["files"][0], "lastfm pages");
  EXPECT_EQ(sums[0].skipped, (Counts{{"now_playing", 1}})) << r.out;
  EXPECT_EQ(sums[0].rejected, (Counts{{"missing_field", 1}, {"bad_timestamp", 1}})) << r.out;
  ExpectSameDaily(ExportDaily(dir / "s"), DailyOf(want), "lastfm pages");
  ExpectRejectsMatch(dir / "s", file, want["files"][0], "lastfm pages rejects");
  // The tracks alone in an array, as some exporters save them (no page, so no user: --user).
  std::vector<std::string> bare;
  for (const auto& t : tracks) bare.push_back(t.dump());
  const std::string bare_file = dir / "scrobbles.json";
  WriteText(bare_file, JsonArray(bare));
  const Json want_bare = Expect(dir.path(), {{"format", "lastfm-json"},
                                             {"files", {bare_file}},
                                             {"user", "alice_fm"}});
  const RunResult rb = Ingest(dir / "s2", {bare_file}, "--user alice_fm --no-records");
  ASSERT_EQ(rb.code, 0) << rb.out << rb.err;
  EXPECT_EQ(Summaries(rb.out).at(0).kind, "lastfm-json") << rb.out;
  ExpectFileMatches(Summaries(rb.out).at(0), want_bare["files"][0], "lastfm track objects");
  ExpectRejectsMatch(dir / "s2", bare_file, want_bare["files"][0], "lastfm track objects rejects");
  EXPECT_EQ(ExportDaily(dir / "s2"), ExportDaily(dir / "s"));
  // The line of a rejected track is where it is inside its page (the pages are one a line).
  const RunResult rej = RunEncore("rejects --format jsonl --store " + Quote(dir / "s"));
  for (const auto& line : Lines(rej.out)) {
    const Json j = Json::parse(line);
    EXPECT_EQ(j["line"].get<int64_t>(), 2) << line;  // both are on the first page's line
  }
}

TEST(HistoryFormats, ListenBrainzListens) {
  TempDir dir("hist-listenbrainz");
  const auto listens = MakeListens(707, Ms(2022, 5, 1), 40, 300, {""});
  std::vector<OJson> objs;
  for (size_t i = 0; i < listens.size(); ++i) {
    const Listen& l = listens[i];
    const Song& s = kSongs[l.song];
    OJson info;
    if (i % 3 == 0) info["isrc"] = s.isrc;
    if (i % 3 != 2) info["spotify_id"] = std::string("https://open.spotify.com/track/") +
                                         std::string(s.uri).substr(14) + (i % 2 ? "?si=x" : "");
    info["listening_from"] = "spotify";
    info["submission_client"] = "ListenBrainz Spotify importer";
    OJson o;
    o["inserted_at"] = l.at_ms / 1000 + 300;
    o["listened_at"] = l.at_ms / 1000;
    o["recording_msid"] = "0b7e6fdf-1d5f-4a4f-9a9b-" + std::to_string(100000000000 + i);
    o["track_metadata"] = {{"additional_info", info},
                           {"artist_name", s.artist},
                           {"release_name", s.album},
                           {"track_name", s.title}};
    o["user_name"] = "alice_lb";
    objs.push_back(o);
  }
  std::vector<std::string> lines;
  for (const auto& o : objs) lines.push_back(o.dump());
  const std::vector<std::string> specials = {
      R"({"listened_at": 1651500000, "track_metadata": {"artist_name": "Sault", "track_name": "Solar"}, "user_name": "alice_lb")",
      R"({"listened_at": 1651500000, "user_name": "alice_lb"})",
      R"({"listened_at": "yesterday", "track_metadata": {"artist_name": "Sault", "track_name": "Solar"}, "user_name": "alice_lb"})",
      R"({"listened_at": 5000000000, "track_metadata": {"artist_name": "Sault", "track_name": "Solar"}, "user_name": "alice_lb"})",
      R"({"listened_at": 1651500000, "track_metadata": {"artist_name": "Sa\u0000ult", "track_name": "Solar"}, "user_name": "alice_lb"})",
  };
  for (size_t k = 0; k < specials.size(); ++k) {
    lines.insert(lines.begin() + static_cast<long>(k * 47 + 13), specials[k]);
  }
  lines.insert(lines.begin() + 100, "");  // blank lines: skipped and counted
  lines.insert(lines.begin() + 200, "");
  lines.insert(lines.begin() + 201, "   ");
  std::string text;
  for (const auto& l : lines) text += l + "\r\n";
  const std::string plain = dir / "listens-2022-5.jsonl";
  WriteText(plain, text);
  const std::string zst = dir / "listens-2022-5.jsonl.zst";
  WriteCompressed(zst, text);
  const Json want = Expect(dir.path(), {{"format", "listenbrainz"}, {"files", {plain}}});
  const RunResult r = Ingest(dir / "s", {zst});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].kind, "listenbrainz");
  ExpectFileMatches(sums[0], want["files"][0], "listenbrainz");
  EXPECT_EQ(sums[0].blank, 3) << r.out;
  EXPECT_EQ(sums[0].rejected, (Counts{{"bad_json", 1},
                                      {"missing_field", 1},
                                      {"bad_timestamp", 1},
                                      {"implausible_time", 1},
                                      {"bad_track", 1}}))
      << r.out;
  const Daily daily = ExportDaily(dir / "s");
  ExpectSameDaily(daily, DailyOf(want), "listenbrainz");
  ExpectRejectsMatch(dir / "s", zst, want["files"][0], "listenbrainz rejects");
  EXPECT_TRUE(TerminalSafe(RunEncore("rejects --store " + Quote(dir / "s")).out));

  // The same listens as an API answer, pretty-printed: the same counts.
  OJson answer;
  answer["payload"]["count"] = objs.size();
  answer["payload"]["latest_listen_ts"] = listens.back().at_ms / 1000;
  answer["payload"]["listens"] = objs;
  answer["payload"]["user_id"] = "alice_lb";
  const std::string api = dir / "listens-api.json";
  WriteText(api, answer.dump(4) + "\n");
  const Json want_api = Expect(dir.path(), {{"format", "listenbrainz"}, {"files", {api}}});
  const RunResult ra = Ingest(dir / "s2", {api});
  ASSERT_EQ(ra.code, 0) << ra.out << ra.err;
  ExpectFileMatches(Summaries(ra.out).at(0), want_api["files"][0], "listenbrainz api");
  EXPECT_EQ(ExportDaily(dir / "s2"), daily);
  // And as a JSON array of listens.
  std::vector<std::string> listed;
  for (const auto& o : objs) listed.push_back(o.dump(2));
  const std::string array = dir / "listens.json";
  WriteText(array, JsonArray(listed));
  const RunResult rr = Ingest(dir / "s3", {array}, "--no-records");
  ASSERT_EQ(rr.code, 0) << rr.out << rr.err;
  ExpectFileMatches(Summaries(rr.out).at(0), want_api["files"][0], "listenbrainz array");
  EXPECT_EQ(ExportDaily(dir / "s3"), daily);
}

// Files are read in blocks of 32 MiB and each block is parsed in two halves: exports of about
// 35 MiB put JSON entries and quoted CSV fields across both kinds of seam.
namespace {
std::vector<Listen> LargeListens() {
  return MakeListens(1111, Ms(2022, 1, 1), 365, 12000, {"US", "GB", "DE", ""});
}
}  // namespace

TEST(HistoryFormats, SpotifyHistoryLargerThanAReadBlock) {
  TempDir dir("hist-large-spotify");
  const auto listens = LargeListens();
  const std::string padding(2600, 'p');
  std::vector<std::string> entries;
  for (size_t i = 0; i < listens.size(); ++i) {
    OJson o = SpotifyEntry(listens[i], "", static_cast<int>(i % 3));
    o["master_metadata_album_album_name"] = std::string(kSongs[listens[i].song].album) + " " +
                                            padding.substr(0, 2000 + i % 600);
    entries.push_back(o.dump(2));
  }
  const std::string spotify = dir / "Streaming_History_Audio_2022.json";
  WriteText(spotify, Replace(JsonArray(entries), "\n", "\r\n"));
  ASSERT_GT(std::filesystem::file_size(spotify), size_t{33} << 20);
  const Json want = Expect(dir.path(),
                           {{"format", "spotify-extended"}, {"files", {spotify}}, {"user", "alice"}});
  const RunResult r = Ingest(dir / "s1", {spotify}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ExpectFileMatches(Summaries(r.out).at(0), want["files"][0], "large spotify history");
  ExpectSameDaily(ExportDaily(dir / "s1"), DailyOf(want), "large spotify history");
}

TEST(HistoryFormats, AppleExportLargerThanAReadBlock) {
  // Rows with a long quoted field full of commas and doubled quotes.
  TempDir dir("hist-large-apple");
  const auto listens = LargeListens();
  std::string csv =
      "Apple ID Number,Artist Name,Song Name,Genre,Event Start Timestamp,Event Type,Play Duration "
      "Milliseconds,Track Identifier,ISO Country\n";
  std::string genre;  // as it is; quoted below
  while (genre.size() < 1700) genre += "Pop, \"Dance\", ";
  for (size_t i = 0; i < listens.size(); ++i) {
    const Listen& l = listens[i];
    const Song& s = kSongs[l.song];
    const std::string quoted = "\"" + Replace(genre.substr(0, 1400 + i % 200), "\"", "\"\"") + "\"";
    csv += std::string("12345678901,") + s.artist + "," + s.title + "," + quoted + "," +
           Iso(l.at_ms, true) + ",PLAY_START,," + s.apple + "," + l.country + "\n";
    csv += std::string("12345678901,") + s.artist + "," + s.title + "," + quoted + "," +
           Iso(l.at_ms, true) + ",PLAY_END," + std::to_string(l.ms) + "," + s.apple + "," +
           l.country + "\n";
  }
  const std::string apple = dir / "Apple Music Play Activity.csv";
  WriteText(apple, csv);
  ASSERT_GT(std::filesystem::file_size(apple), size_t{33} << 20);
  const Json want_apple = Expect(dir.path(), {{"format", "apple-music"}, {"files", {apple}}});
  const RunResult ra = Ingest(dir / "s2", {apple}, "--no-records");
  ASSERT_EQ(ra.code, 0) << ra.out << ra.err;
  ExpectFileMatches(Summaries(ra.out).at(0), want_apple["files"][0], "large apple export");
  ExpectSameDaily(ExportDaily(dir / "s2"), DailyOf(want_apple), "large apple export");
}

TEST(HistoryTracks, AnEntryWithoutIdIsItsSongSharedByEverySpelling) {
  // The doc's rule for an entry that names no id: its song key song:<title>|<lead artist>, the
  // same for every spelling (case, punctuation, Latin diacritics) and version (parts in brackets,
  // after " - ") of the song and for every credit with the same lead artist.
  TempDir dir("hist-songkey");
  const std::vector<std::pair<std::string, std::string>> flowers = {
      {"Miley Cyrus", "Flowers"},           {"MILEY CYRUS", "flowers"},
      {"Miley Cyrus", "Flowers (Demo)"},    {"Miley Cyrus", "Flowers - Demo"},
      {"Miley Cyrus", "Flowers [Live]"},    {"Miley Cyrus feat. Someone", "Flowers"},
      {"Miley-Cyrus", "Flowers!"},          {"Miley Cyrus", "Flowers (Karaoke Version)"},
      {"miley cyrus", "FLOWERS"},           {"Miley Cyrus", "Flowers (Sped Up)"},
      {"Miley Cyrus", "Flowers (Acoustic)"}, {"Miley Cyrus", "Flowers (Remix)"},
  };
  std::string csv = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n";
  int64_t t = Ms(2023, 3, 10, 8) / 1000;
  for (const auto& [artist, title] : flowers) {
    csv += std::to_string(t) + ",," + artist + ",,,," + title + ",\n";
    t += 300;
  }
  csv += std::to_string(t) + ",,Beyonc\xC3\xA9,,,,Halo,\n" + std::to_string(t + 300) +
         ",,Beyonce,,,,Halo,\n";
  WriteText(dir / "scrobbles.csv", csv);
  const RunResult r = Ingest(dir / "s", {dir / "scrobbles.csv"}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const FileSummary s = Summaries(r.out).at(0);
  EXPECT_EQ(s.plays, 14);
  EXPECT_EQ(s.tracks, 2) << r.out;  // two songs
  EXPECT_EQ(s.counted, 12) << r.out;
  EXPECT_EQ(s.capped, 2) << r.out;  // 12 plays of one song in a day: 10 count
  EXPECT_EQ(ExportDaily(dir / "s"),
            (Daily{{"2023-03-10,ZZ,song:flowers|mileycyrus,premium,lastfm", 10},
                   {"2023-03-10,ZZ,song:halo|beyonce,premium,lastfm", 2}}));
}

// ================================================================================================
// The summary's "lines read" is the number of lines of the file, whatever its format and line
// ends, with or without a line end after the last line (as wc -l counts them, plus a last line
// that has no line end).

namespace {

int64_t CountLines(const std::string& text) {
  int64_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++n;
  }
  if (!text.empty() && text.back() != '\n' && text.back() != '\r') ++n;
  return n;
}

}  // namespace

TEST(HistorySummary, LinesReadIsTheNumberOfLinesOfTheFile) {
  TempDir dir("hist-lines");
  const std::string spotify =
      "[\n  {\"ts\": \"2023-03-02T00:02:00Z\", \"ms_played\": 240000, \"conn_country\": \"US\", "
      "\"spotify_track_uri\": \"spotify:track:0yLdNVWF3Srea0uzk55zFn\"},\n"
      "  {\"ts\": \"2023-03-03T00:02:00Z\", \"ms_played\": 240000, \"conn_country\": \"US\", "
      "\"spotify_track_uri\": \"spotify:track:0yLdNVWF3Srea0uzk55zFn\"}\n]";
  const std::string account =
      "[\r\n  {\r\n    \"endTime\" : \"2024-05-06 18:43\",\r\n    \"artistName\" : \"Sault\",\r\n"
      "    \"trackName\" : \"Solar\",\r\n    \"msPlayed\" : 216783\r\n  }\r\n]\r\n";
  const std::string youtube =
      "[{\n  \"header\": \"YouTube Music\",\n  \"title\": \"Watched Solar\",\n  \"titleUrl\": "
      "\"https://music.youtube.com/watch?v=-e8Nfjl_AKk\",\n  \"time\": \"2022-04-25T18:09:04.784Z\"\n}]\n";
  const std::string pages =
      "{\"recenttracks\": {\"track\": [\n{\"artist\": {\"#text\": \"Sault\"}, \"name\": \"Solar\", "
      "\"date\": {\"uts\": \"1650909600\"}}\n], \"@attr\": {\"user\": \"alice\"}}}\n";
  const std::string listens =
      "{\"listened_at\": 1650909600, \"track_metadata\": {\"artist_name\": \"Sault\", "
      "\"track_name\": \"Solar\"}}\n{\"listened_at\": 1650909900, \"track_metadata\": "
      "{\"artist_name\": \"Sault\", \"track_name\": \"Wildfires\"}}\n";
  const std::string apple =
      "Artist Name,Song Name,Event Start Timestamp,Play Duration Milliseconds,Event Type\r\n"
      "Sault,Solar,2022-04-25T18:09:04.784Z,200000,PLAY_END\r\n"
      "Sault,Wildfires,2022-04-25T18:19:04.784Z,200000,PLAY_END";
  const std::string lastfm =
      "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\r"
      "1650909600,\"25 Apr 2022, 18:00\",Sault,,Untitled (Rise),,Solar,\r";
  const std::vector<std::pair<std::string, std::string>> files = {
      {"spotify.json", spotify},      {"spotify-nl.json", spotify + "\n"},
      {"account.json", account},      {"youtube.json", youtube},
      {"pages.json", pages},          {"listens.jsonl", listens},
      {"apple.csv", apple},           {"apple-nl.csv", apple + "\r\n"},
      {"lastfm.csv", lastfm},
  };
  int n = 0;
  for (const auto& [name, text] : files) {
    WriteText(dir / name, text);
    const RunResult r =
        Ingest(dir / ("s" + std::to_string(n++)), {dir / name}, "--user alice --no-records");
    ASSERT_EQ(r.code, 0) << name << "\n" << r.out << r.err;
    const auto sums = Summaries(r.out);
    ASSERT_EQ(sums.size(), 1u) << r.out;
    EXPECT_EQ(sums[0].lines, CountLines(text)) << name << ": " << r.out;
  }
}

// ================================================================================================
// The same plays in two formats count the same.

TEST(HistorySamePlays, PlaysCsvAndSpotifyHistoryAgree) {
  TempDir dir("hist-same-spotify");
  // Spotify's ts is the end; the plays CSV's is the start (to the millisecond). An unknown
  // country is ZZ in a plays file and an empty conn_country in the history.
  const auto listens = MakeListens(808, Ms(2023, 8, 1), 30, 400, {"US", "DE", "KR", ""});
  std::string csv = "ts,user,track,ms_played,country,tier\n";
  std::vector<std::string> entries;
  for (const Listen& l : listens) {
    const Song& s = kSongs[l.song];
    csv += Iso(l.at_ms - l.ms, true) + ",alice," + s.uri + "," + std::to_string(l.ms) + "," +
           (l.country.empty() ? "ZZ" : l.country) + ",premium\n";
    entries.push_back(SpotifyEntry(l, "", 0).dump());
  }
  const std::string plays = dir / "plays.csv", history = dir / "Streaming_History_Audio_2023.json";
  WriteText(plays, csv);
  WriteText(history, JsonArray(entries));
  const RunResult a = Ingest(dir / "a", {plays}, "--no-records");
  ASSERT_EQ(a.code, 0) << a.out << a.err;
  const RunResult b = Ingest(dir / "b", {history}, "--no-records --user alice");
  ASSERT_EQ(b.code, 0) << b.out << b.err;
  const Daily da = ExportDaily(dir / "a"), db = ExportDaily(dir / "b");
  EXPECT_GT(da.size(), 100u);
  ExpectSameDaily(db, da, "the history against the plays file");
  const auto sa = Summaries(a.out), sb = Summaries(b.out);
  ASSERT_EQ(sa.size(), 1u);
  ASSERT_EQ(sb.size(), 1u);
  EXPECT_EQ(sa[0].plays, sb[0].plays);
  EXPECT_EQ(sa[0].counted, sb[0].counted);
  EXPECT_EQ(sa[0].capped, sb[0].capped);
  EXPECT_EQ(sa[0].short_plays, sb[0].short_plays);
  // And both against the independent computation.
  const Json want = Expect(dir.path(), {{"format", "spotify-extended"},
                                        {"files", {history}},
                                        {"user", "alice"}});
  ExpectSameDaily(db, DailyOf(want), "the history against Python");
}

TEST(HistorySamePlays, ScrobblesInThreeFormatsAgree) {
  TempDir dir("hist-same-scrobbles");
  // Scrobbles to the minute (the headerless Last.fm CSV has no seconds).
  const auto listens = MakeListens(909, Ms(2021, 1, 1), 30, 350, {""}, 60);
  std::string csv;
  std::vector<OJson> tracks;
  std::string jsonl;
  for (auto it = listens.rbegin(); it != listens.rend(); ++it) {
    const Song& s = kSongs[it->song];
    csv += std::string(s.artist) + "," + s.album + "," + s.title + "," +
           Format(it->at_ms, "%d %b %Y %H:%M") + "\n";
    tracks.push_back({{"artist", {{"#text", s.artist}}},
                      {"name", s.title},
                      {"date", {{"uts", std::to_string(it->at_ms / 1000)}}}});
    OJson lb = {{"listened_at", it->at_ms / 1000},
                {"track_metadata", {{"artist_name", s.artist}, {"track_name", s.title}}},
                {"user_name", "alice"}};
    jsonl += lb.dump() + "\n";
  }
  OJson page;
  page["recenttracks"]["track"] = tracks;
  page["recenttracks"]["@attr"] = {{"user", "alice"}, {"page", "1"}, {"totalPages", "1"}};
  const std::string f_csv = dir / "lastfm.csv", f_json = dir / "lastfm.json",
                    f_lb = dir / "listens.jsonl";
  WriteText(f_csv, csv);
  WriteText(f_json, page.dump(2));
  WriteText(f_lb, jsonl);
  const RunResult a = Ingest(dir / "a", {f_csv}, "--no-records --user alice");
  ASSERT_EQ(a.code, 0) << a.out << a.err;
  EXPECT_EQ(Summaries(a.out).at(0).kind, "lastfm-csv");
  const RunResult b = Ingest(dir / "b", {f_json}, "--no-records");
  ASSERT_EQ(b.code, 0) << b.out << b.err;
  EXPECT_EQ(Summaries(b.out).at(0).kind, "lastfm-json");
  const RunResult c = Ingest(dir / "c", {f_lb}, "--no-records");
  ASSERT_EQ(c.code, 0) << c.out << c.err;
  EXPECT_EQ(Summaries(c.out).at(0).kind, "listenbrainz");
  const Daily da = ExportDaily(dir / "a");
  EXPECT_GT(da.size(), 50u);
  ExpectSameDaily(ExportDaily(dir / "b"), da, "Last.fm pages against the Last.fm CSV");
  // ListenBrainz counts under its own service; otherwise the same cells.
  Daily dc;
  for (const auto& [k, v] : ExportDaily(dir / "c")) {
    EXPECT_EQ(k.substr(k.rfind(',') + 1), "listenbrainz") << k;
    dc[k.substr(0, k.rfind(',')) + ",lastfm"] = v;
  }
  ExpectSameDaily(dc, da, "ListenBrainz against the Last.fm CSV");
  const Json want = Expect(dir.path(),
                           {{"format", "lastfm-csv"}, {"files", {f_csv}}, {"user", "alice"}});
  ExpectSameDaily(da, DailyOf(want), "the Last.fm CSV against Python");
}

// ================================================================================================
// Exports that overlap: each play once, whatever the order.

namespace {

// One account's plays of a year, and three exports of it: Jan to Jul 1 noon, Apr to Sep, and the
// whole year; each a different layout (a re-export), some compressed. A day with one song on
// repeat (more than the cap) falls on Jul 1, its plays split between the first export and the
// others, so that the cap must hold across exports.
struct ThreeExports {
  std::vector<std::string> files;  // as ingested
  std::vector<std::string> plain;  // the same, uncompressed, for the independent computation
};

ThreeExports WriteThreeExports(const TempDir& dir) {
  auto listens = MakeListens(1234, Ms(2023, 1, 1), 365, 700, {"US", "US", "GB", "DE", ""});
  for (int t = 0; t < 14; ++t) {  // Seven on repeat on Jul 1: 6 times before noon, 8 after
    listens.push_back({Ms(2023, 7, 1, 6) + t * 3600000, 215000, 1, "US"});
  }
  std::stable_sort(listens.begin(), listens.end(),
                   [](const Listen& a, const Listen& b) { return a.at_ms < b.at_ms; });
  const int64_t a_end = Ms(2023, 7, 1, 12), b_from = Ms(2023, 4, 1), b_end = Ms(2023, 10, 1);
  std::vector<std::string> a, b, c;
  for (size_t i = 0; i < listens.size(); ++i) {
    const Listen& l = listens[i];
    if (l.at_ms < a_end) a.push_back(SpotifyEntry(l, "", 0).dump(2));
    if (l.at_ms >= b_from && l.at_ms < b_end) b.push_back(SpotifyEntry(l, "", 1).dump());
    c.push_back(SpotifyEntry(l, "", 2).dump(2));
  }
  const auto specials = SpotifySpecials("");
  a.insert(a.begin() + 10, specials[0]);  // a podcast in two of them
  c.insert(c.begin() + 10, specials[0]);
  ThreeExports e;
  e.plain = {dir / "Streaming_History_Audio_2023_H1.json", dir / "Streaming_History_Audio_2023_Q23.json",
             dir / "Streaming_History_Audio_2023_all.json"};
  WriteText(e.plain[0], JsonArray(a));
  WriteText(e.plain[1], JsonArray(b));
  WriteText(e.plain[2], JsonArray(c));
  e.files = {e.plain[0], dir / "Streaming_History_Audio_2023_Q23.json.gz",
             dir / "Streaming_History_Audio_2023_all.json.zst"};
  WriteCompressed(e.files[1], ReadText(e.plain[1]));
  WriteCompressed(e.files[2], ReadText(e.plain[2]));
  return e;
}

}  // namespace

TEST(HistoryExports, OverlappingExportsInAnyOrderGiveTheUnion) {
  TempDir dir("hist-overlap");
  const ThreeExports e = WriteThreeExports(dir);
  // The union, taken in once: the whole-year export alone.
  const Json union_once = Expect(dir.path(), {{"format", "spotify-extended"},
                                              {"files", {e.plain[2]}},
                                              {"user", "alice"}});
  const Daily want = DailyOf(union_once);
  // Every order, each counted from scratch by the independent computation (one run of Python).
  std::vector<std::vector<size_t>> orders;
  Json runs = Json::array();
  for (std::vector<size_t> o = {0, 1, 2};;) {
    orders.push_back(o);
    Json files = Json::array();
    for (size_t i : o) files.push_back(e.plain[i]);
    runs.push_back(files);
    if (!std::next_permutation(o.begin(), o.end())) break;
  }
  ASSERT_EQ(orders.size(), 6u);
  const Json expected_runs =
      Expect(dir.path(), {{"format", "spotify-extended"}, {"runs", runs}, {"user", "alice"}});
  ASSERT_EQ(expected_runs["runs"].size(), 6u);
  for (size_t run = 0; run < orders.size(); ++run) {
    const std::vector<size_t>& order = orders[run];
    const Json& expected = expected_runs["runs"][run];
    const std::string store = dir / ("s" + std::to_string(run));
    std::string what = "order";
    for (size_t i : order) what += " " + std::to_string(i);
    std::vector<FileSummary> sums;
    if (run % 2 == 0) {  // one run of encore per file
      for (size_t i : order) {
        const RunResult r = Ingest(store, {e.files[i]}, "--no-records --user alice");
        ASSERT_EQ(r.code, 0) << what << r.out << r.err;
        sums.push_back(Summaries(r.out).at(0));
      }
    } else {  // all three in one run, in this order
      std::vector<std::string> files;
      for (size_t i : order) files.push_back(e.files[i]);
      const RunResult r = Ingest(store, files, "--no-records --user alice");
      ASSERT_EQ(r.code, 0) << what << r.out << r.err;
      sums = Summaries(r.out);
    }
    ASSERT_EQ(sums.size(), 3u) << what;
    int64_t repeated = 0;
    for (size_t k = 0; k < 3; ++k) {
      ExpectFileMatches(sums[k], expected["files"][k], what + ", file " + std::to_string(order[k]));
      repeated += sums[k].duplicates;
    }
    EXPECT_GT(repeated, 300) << what << ": the repeated streams are reported";
    // Whatever the order: the counts of the union taken in once.
    ExpectSameDaily(ExportDaily(store), want, what);
  }
  // Every export again, in a store that has them all: nothing is counted.
  const RunResult again = Ingest(dir / "s0", {e.plain[1], e.plain[2]}, "--no-records --user alice");
  ASSERT_EQ(again.code, 0) << again.out;
  for (const auto& s : Summaries(again.out)) EXPECT_EQ(s.state, "already") << again.out;
  // The same plays in a file never seen (another layout): all already taken in.
  std::string relaid = ReadText(e.plain[0]);
  relaid = Replace(relaid, "\"platform\": \"android\"", "\"platform\": \"web_player\"");
  WriteText(dir / "relaid.json", relaid);
  const RunResult r = Ingest(dir / "s0", {dir / "relaid.json"}, "--no-records --user alice");
  ASSERT_EQ(r.code, 0) << r.out;
  const FileSummary s = Summaries(r.out).at(0);
  EXPECT_EQ(s.state, "ingested");
  EXPECT_EQ(s.counted, 0) << r.out;
  EXPECT_EQ(s.duplicates, s.plays - s.short_plays) << r.out;  // every stream already counted
  ExpectSameDaily(ExportDaily(dir / "s0"), want, "after a relaid copy");
}

TEST(HistoryExports, AFileThatDiffersOnlyInItsMiddleIsRead) {
  // A re-export the same size as the first, the same in its first and last 64 KiB (what a quick
  // look compares), with one play changed in the middle (ms_played, so its start) and one play's
  // country: it is a new file; the changed play is new, the other one is not.
  TempDir dir("hist-middle");
  const auto listens = MakeListens(2468, Ms(2023, 5, 1), 60, 700, {"US", "GB"});
  std::vector<std::string> entries;
  for (const Listen& l : listens) entries.push_back(SpotifyEntry(l, "", 0).dump(2));
  const std::string first = JsonArray(entries);
  ASSERT_GT(first.size(), size_t{400} << 10);
  std::string second = first;
  // A stream (six digits of ms_played) in the middle.
  size_t at = second.size() / 2;
  for (;; ++at) {
    at = second.find("\"ms_played\": ", at);
    ASSERT_NE(at, std::string::npos);
    if (second.compare(at + 13, 1, "1") >= 0 && std::isdigit(second[at + 18]) &&
        second[at + 19] == ',') {
      break;
    }
  }
  second[at + 16] = second[at + 16] == '9' ? '8' : static_cast<char>(second[at + 16] + 1);
  const size_t country = second.find("\"conn_country\": \"US\"", second.size() / 2 + 5000);
  ASSERT_NE(country, std::string::npos);
  second.replace(country + 17, 2, "GB");
  ASSERT_EQ(second.size(), first.size());
  ASSERT_EQ(second.substr(0, 64 << 10), first.substr(0, 64 << 10));
  ASSERT_EQ(second.substr(second.size() - (64 << 10)), first.substr(first.size() - (64 << 10)));
  const std::string a = dir / "Streaming_History_Audio_2023_0.json";
  const std::string b = dir / "Streaming_History_Audio_2023_0 (1).json";
  WriteText(a, first);
  WriteText(b, second);
  const Json want =
      Expect(dir.path(), {{"format", "spotify-extended"}, {"files", {a, b}}, {"user", "alice"}});
  RunResult r = Ingest(dir / "s", {a}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Ingest(dir / "s", {b}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const FileSummary s = Summaries(r.out).at(0);
  ASSERT_EQ(s.state, "ingested") << r.out;
  ExpectFileMatches(s, want["files"][1], "the re-export");
  EXPECT_EQ(s.duplicates, s.plays - s.short_plays - 1) << r.out;  // all but the changed play
  ExpectSameDaily(ExportDaily(dir / "s"), DailyOf(want), "two exports that differ in the middle");
}

TEST(HistoryExports, LaterExportAfterACatalogImport) {
  TempDir dir("hist-catalog");
  const ThreeExports e = WriteThreeExports(dir);
  std::filesystem::create_directories(dir / "catalog");
  WriteText(dir / "catalog/artists.csv",
            "artist_id,name,kind,country,aliases,member_of,persona_of,tags,begin\n"
            "miley,Miley Cyrus,person,US,,,,pop,2008-01-01\n"
            "sault,Sault,group,GB,,,,soul,2019-01-01\n");
  WriteText(dir / "catalog/releases.csv",
            "release_id,title,type,date,artists\n"
            "esv,Endless Summer Vacation,album,2023-03-10,miley\n"
            "rise,Untitled (Rise),album,2020-09-18,sault\n");
  WriteText(dir / "catalog/tracks.csv",
            "track_id,isrc,title,release_id,duration_ms,primary,featured\n"
            "miley-flowers,USSM12209777,Flowers,esv,200455,miley,\n"
            "sault-solar,,Solar,rise,263000,sault,\n");
  const std::string store = dir / "s";
  RunResult r = Ingest(store, {e.files[0]}, "--no-records --user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = RunEncore("catalog import " + Quote(dir / "catalog") + " --store " + Quote(store));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Ingest(store, {e.files[2]}, "--no-records --user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // The plays of the first export are not counted again although the catalog now names their
  // track; the new ones are counted under the catalog's track.
  const Json want = Expect(dir.path(),
                           {{"format", "spotify-extended"},
                            {"files", {e.plain[0], e.plain[2]}},
                            {"user", "alice"},
                            {"catalog", {{"Miley Cyrus|Flowers", "miley-flowers"},
                                         {"Sault|Solar", "sault-solar"}}},
                            {"catalog_from", 1}});
  const FileSummary s = Summaries(r.out).at(0);
  ExpectFileMatches(s, want["files"][1], "the later export");
  EXPECT_EQ(s.duplicates, want["files"][0]["streams"].get<int64_t>() -
                              want["files"][0]["duplicates"].get<int64_t>());
  const Daily daily = ExportDaily(store);
  ExpectSameDaily(daily, DailyOf(want), "after a catalog import");
  int64_t flowers_before = 0, flowers_after = 0;
  for (const auto& [k, v] : daily) {
    if (Has(k, ",miley-flowers,")) (k < "2023-07" ? flowers_before : flowers_after) += v;
  }
  EXPECT_GT(flowers_after, 0);
  EXPECT_EQ(flowers_before, 0) << "plays of January to June were counted before the import";
}

TEST(HistoryExports, HistoriesAreNeverLateAndNeverSeal) {
  TempDir dir("hist-seal");
  const std::string store = dir / "s";
  // Raw plays seal days behind them; an explicit seal closes more.
  WriteText(dir / "raw.csv",
            "ts,user,track,ms_played,country,tier\n"
            "2024-03-01T10:00:00Z,u1,raw-track,40000,US,premium\n"
            "2024-03-10T10:00:00Z,u1,raw-track,40000,US,premium\n");
  RunResult r = Ingest(store, {dir / "raw.csv"}, "--no-records");
  ASSERT_EQ(r.code, 0) << r.out;
  r = RunEncore("seal --before 2024-03-09 --store " + Quote(store));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(RunEncore("status --store " + Quote(store)).out, "sealed before 2024-03-09"));
  // A history of 2023 and of March and June 2024, before and after the seal: every play counts.
  auto listens = MakeListens(4242, Ms(2023, 11, 1), 30, 150, {"US", "GB"});
  const auto march = MakeListens(4343, Ms(2024, 3, 1), 15, 150, {"US", "GB"});
  const auto june = MakeListens(4444, Ms(2024, 6, 1), 10, 80, {"US"});
  listens.insert(listens.end(), march.begin(), march.end());
  std::vector<std::string> first, second;
  for (const Listen& l : listens) first.push_back(SpotifyEntry(l, "", 0).dump());
  for (const Listen& l : june) second.push_back(SpotifyEntry(l, "", 0).dump());
  WriteText(dir / "h1.json", JsonArray(first));
  WriteText(dir / "h2.json", JsonArray(second));
  r = Ingest(store, {dir / "h1.json"}, "--no-records --user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Summaries(r.out).at(0).rejected.count("late"), 0u) << r.out;
  EXPECT_TRUE(Has(RunEncore("status --store " + Quote(store)).out, "sealed before 2024-03-09"))
      << "a history does not move the seal";
  r = Ingest(store, {dir / "h2.json"}, "--no-records --user alice");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(RunEncore("status --store " + Quote(store)).out, "sealed before 2024-03-09"))
      << "a history of later days does not move the seal";
  const Json want = Expect(dir.path(), {{"format", "spotify-extended"},
                                        {"files", {dir / "h1.json", dir / "h2.json"}},
                                        {"user", "alice"}});
  Daily history;
  for (const auto& [k, v] : ExportDaily(store)) {
    if (!Has(k, ",raw-track,")) history[k] = v;
  }
  ExpectSameDaily(history, DailyOf(want), "histories across the seal");
  // Raw plays are still late on sealed days.
  WriteText(dir / "late.csv",
            "ts,user,track,ms_played,country,tier\n"
            "2024-03-02T10:00:00Z,u2,raw-track,40000,US,premium\n"
            "2024-03-12T10:00:00Z,u2,raw-track,40000,US,premium\n");
  r = Ingest(store, {dir / "late.csv"}, "--no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Summaries(r.out).at(0).rejected, (Counts{{"late", 1}})) << r.out;
}

// ================================================================================================
// Whole files that cannot be taken in fail, naming the file, and leave no trace: once mended, the
// same file is taken in.

TEST(HistoryFailures, WholeFileFailuresAreNotRecorded) {
  TempDir dir("hist-fail");
  const std::string store = dir / "s";
  struct Bad {
    std::string name, text, extra, says;
  };
  const std::string apple_header =
      "Apple ID Number,Artist Name,Content Name,Event End Timestamp,Event Start Timestamp,Event "
      "Type,Play Duration Milliseconds,Song Name,Track Identifier\r\n";
  std::string many_bad = "[\n";
  for (int i = 0; i < 3000; ++i) {
    many_bad += std::string(i ? ",\n" : "") +
                R"(  {"ts": "2023-02-30T10:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"})";
  }
  many_bad += "\n]\n";
  const std::vector<Bad> bad = {
      {"unknown.json", "[\n  {\"id\": 1, \"name\": \"x\"}\n]\n", "--user alice", "unknown.json:2:"},
      {"empty.json", "[]\n", "--user alice", "empty.json"},
      {"Apple Music Play Activity.csv", apple_header, "", "Apple Music Play Activity.csv"},
      {"lastfm.csv", "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n",
       "--user alice", "lastfm.csv"},
      {"Streaming_History_Audio_2023_1.json",
       "[\n"
       R"(  {"ts": "2023-02-30T10:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"},)"
       "\n"
       R"(  {"ts": "2023-02-31T10:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"})"
       "\n]\n",
       "--user alice", "Streaming_History_Audio_2023_1.json:2:"},
      {"Streaming_History_Audio_2023_2.json", many_bad, "--user alice",
       "Streaming_History_Audio_2023_2.json:2:"},
      // Named as compressed, and not.
      {"Streaming_History_Audio_2023_3.json.gz",
       R"([{"ts": "2023-03-02T00:02:00Z", "ms_played": 240000, "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"}])",
       "--user alice", "Streaming_History_Audio_2023_3.json.gz"},
      // A history that names no user, and no --user.
      {"watch-history.json",
       R"([{"header": "YouTube Music", "title": "Watched Solar", "titleUrl": "https://music.youtube.com/watch?v=-e8Nfjl_AKk", "subtitles": [{"name": "Sault - Topic"}], "time": "2022-04-25T18:09:04.784Z", "products": ["YouTube"]}])",
       "", "watch-history.json:1:"},
  };
  std::vector<std::string> paths;
  for (const Bad& b : bad) {
    const std::string path = dir / b.name;
    paths.push_back(path);
    WriteText(path, b.text);
    const RunResult r = Ingest(store, {path}, b.extra + " --no-records");
    EXPECT_EQ(r.code, 1) << b.name << "\n" << r.out << r.err;
    const auto sums = Summaries(r.out);
    ASSERT_EQ(sums.size(), 1u) << r.out;
    EXPECT_EQ(sums[0].state, "failed") << r.out;
    EXPECT_TRUE(Has(sums[0].error, b.says)) << "the reason names the file (and line): " << r.out;
    if (b.name == "watch-history.json") {
      EXPECT_TRUE(Has(sums[0].error, "--user")) << r.out;
    }
  }
  // Nothing of them is recorded: not even the store each run made (it is removed again).
  EXPECT_FALSE(std::filesystem::exists(store));
  // Into a store that holds something, likewise: no source, no rejects, no counts.
  const std::string held = dir / "held";
  WriteText(dir / "one.csv",
            "ts,user,track,ms_played,country,tier\n2023-03-02T00:02:00Z,u,t,40000,US,free\n");
  ASSERT_EQ(Ingest(held, {dir / "one.csv"}, "--no-records").code, 0);
  for (const Bad& b : bad) {
    EXPECT_EQ(Ingest(held, {dir / b.name}, b.extra + " --no-records").code, 1) << b.name;
  }
  const RunResult st0 = RunEncore("status --store " + Quote(held));
  for (const Bad& b : bad) EXPECT_FALSE(Has(st0.out, b.name)) << st0.out;
  EXPECT_TRUE(Has(st0.out, "sources 1")) << st0.out;
  EXPECT_EQ(RunEncore("rejects --store " + Quote(held)).out, "");
  EXPECT_NE(RunEncore("rejects --source " + Quote(paths[4]) + " --store " + Quote(held)).code, 0);
  EXPECT_EQ(RunEncore("export daily --store " + Quote(held)).out,
            "date,country,track,streams,tier,service\n2023-03-02,US,t,1,free,spotify\n");
  // Tried again unchanged, all in one run, each fails again (none is "already ingested").
  const RunResult again = Ingest(store, paths, "--user alice --no-records");
  EXPECT_EQ(again.code, 1) << again.out;
  const auto again_sums = Summaries(again.out);
  ASSERT_EQ(again_sums.size(), bad.size()) << again.out;
  for (size_t i = 0; i + 1 < bad.size(); ++i) EXPECT_EQ(again_sums[i].state, "failed") << again.out;
  // ... but the last, which only lacked --user: given it now, the very same bytes are taken in.
  EXPECT_EQ(again_sums.back().state, "ingested") << again.out;
  // A failed file among good ones: the others are taken in, the run exits 1.
  WriteText(dir / "good.json",
            R"([{"ts": "2023-03-02T00:02:00Z", "ms_played": 240000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"}])");
  RunResult r = Ingest(store, {dir / "empty.json", dir / "good.json"}, "--user alice --no-records");
  EXPECT_EQ(r.code, 1) << r.out;
  ASSERT_EQ(Summaries(r.out).size(), 2u) << r.out;
  EXPECT_EQ(Summaries(r.out)[1].state, "ingested") << r.out;
  EXPECT_EQ(ExportDaily(store),
            (Daily{{"2022-04-25,ZZ,youtube:-e8Nfjl_AKk,premium,youtube_music", 1},
                   {"2023-03-01,US,spotify:track:0yLdNVWF3Srea0uzk55zFn,premium,spotify", 1}}));
  // Mended, a file is taken in: the history with bad dates corrected.
  const std::string mended = dir / "Streaming_History_Audio_2023_1.json";
  WriteText(mended, Replace(Replace(ReadText(mended), "02-30", "02-27"), "02-31", "02-28"));
  r = Ingest(store, {mended}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Summaries(r.out).at(0).counted, 2) << r.out;
  const RunResult st = RunEncore("status --store " + Quote(store));
  EXPECT_TRUE(Has(st.out, "Streaming_History_Audio_2023_1.json")) << st.out;
  EXPECT_TRUE(Has(st.out, "watch-history.json")) << st.out;
  EXPECT_TRUE(Has(st.out, "youtube-music")) << st.out;  // each source with its kind
  EXPECT_TRUE(Has(st.out, "spotify-extended")) << st.out;
  EXPECT_FALSE(Has(st.out, "empty.json")) << st.out;
  const Daily d = ExportDaily(store);
  EXPECT_EQ(ByDay(d), (std::map<std::string, int64_t>{
                          {"2022-04-25", 1}, {"2023-02-27", 1}, {"2023-02-28", 1},
                          {"2023-03-01", 1}}));
}

TEST(HistoryFailures, ARunOfUnreadableEntriesAfterGoodOnesLosesNothing) {
  // Only a file whose FIRST 1,000 entries are all unreadable is given up on (doc/ingest.md,
  // "Bounded memory"). A file that starts well and has a long run of broken entries in its middle
  // (a device that wrote broken times for a while) is read to its end: every broken entry is
  // rejected and kept, every good play after the run is counted.
  TempDir dir("hist-run");
  const auto good = MakeListens(5151, Ms(2023, 1, 1), 20, 2000, {"US"});
  const auto later = MakeListens(5252, Ms(2023, 2, 1), 20, 2000, {"US"});
  std::vector<std::string> entries;
  for (const Listen& l : good) entries.push_back(SpotifyEntry(l, "", 0).dump());
  for (int i = 0; i < 4000; ++i) {
    Listen l = good[static_cast<size_t>(i) % good.size()];
    OJson o = SpotifyEntry(l, "", 0);
    o["ts"] = "0000-00-00T00:00:00Z";  // a clock that was not set
    entries.push_back(o.dump());
  }
  for (const Listen& l : later) entries.push_back(SpotifyEntry(l, "", 0).dump());
  const std::string spotify = dir / "Streaming_History_Audio_2023_0.json";
  WriteText(spotify, JsonArray(entries));
  const Json want = Expect(dir.path(),
                           {{"format", "spotify-extended"}, {"files", {spotify}}, {"user", "alice"}});
  ASSERT_EQ(want["files"][0]["rejected"]["bad_timestamp"].get<int64_t>(), 4000);
  RunResult r = Ingest(dir / "s1", {spotify}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ExpectFileMatches(Summaries(r.out).at(0), want["files"][0], "a history with a broken run");
  ExpectSameDaily(ExportDaily(dir / "s1"), DailyOf(want), "a history with a broken run");

  // The same in a CSV history (Last.fm) and in a raw plays log.
  std::string lastfm = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n";
  std::string plays = "ts,user,track,ms_played,country,tier\n";
  auto add = [&](const Listen& l, bool broken) {
    const Song& s = kSongs[l.song];
    lastfm += (broken ? std::string("-1") : std::to_string(l.at_ms / 1000)) + ",," + s.artist +
              ",,,," + s.title + ",\n";
    plays += (broken ? std::string("0000-00-00T00:00:00Z") : Iso(l.at_ms)) + ",alice," + s.uri +
             "," + std::to_string(l.ms) + ",US,premium\n";
  };
  for (const Listen& l : good) add(l, false);
  for (int i = 0; i < 4000; ++i) add(good[static_cast<size_t>(i) % good.size()], true);
  for (const Listen& l : later) add(l, false);
  WriteText(dir / "lastfm.csv", lastfm);
  const Json want_fm = Expect(dir.path(), {{"format", "lastfm-csv"},
                                           {"files", {dir / "lastfm.csv"}},
                                           {"user", "alice"}});
  r = Ingest(dir / "s2", {dir / "lastfm.csv"}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ExpectFileMatches(Summaries(r.out).at(0), want_fm["files"][0], "scrobbles with a broken run");
  const int64_t lines = static_cast<int64_t>(1 + good.size() + 4000 + later.size());
  EXPECT_EQ(Summaries(r.out).at(0).lines, lines) << r.out;
  ExpectSameDaily(ExportDaily(dir / "s2"), DailyOf(want_fm), "scrobbles with a broken run");
  WriteText(dir / "plays.csv", plays);
  r = Ingest(dir / "s3", {dir / "plays.csv"}, "--no-records --seal-lag -1");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const FileSummary s = Summaries(r.out).at(0);
  EXPECT_EQ(s.lines, lines) << r.out;
  EXPECT_EQ(s.plays, static_cast<int64_t>(good.size() + later.size())) << r.out;
  EXPECT_EQ(s.rejected, (Counts{{"bad_timestamp", 4000}})) << r.out;
  std::map<std::string, int64_t> months;
  for (const auto& [k, v] : ExportDaily(dir / "s3")) months[k.substr(0, 7)] += v;
  EXPECT_GT(months["2023-02"], 0) << "the plays after the broken run are counted";
}

// ================================================================================================
// Memory stays bounded on hostile inputs: peak RSS of the child measured (wait4), and, when the
// binary is not sanitized, an address-space limit of 2 GB besides.

TEST(HistoryMemory, EndlessLineFromTheRealWorldStaysBounded) {
  ENCORE_REQUIRE_SHARED_CASE(bomb, "input-endless-line/bomb.csv.zst");
  TempDir dir("hist-endless");
  const bool sanitized = EncoreIsSanitized();
  const Measured m = RunMeasured({"ingest", "--store", dir / "s", "--no-progress", "--no-records",
                                  bomb.string()},
                                 dir.path(), sanitized ? 0 : rlim_t{2} << 30, 120);
  ASSERT_FALSE(m.timed_out);
  // A header and one 4 GiB line: the record is rejected as too long; the file has nothing else,
  // so it fails as a whole (exit 1), naming the reason.
  EXPECT_EQ(m.code, 1) << m.out << m.err;
  EXPECT_TRUE(Has(m.out, "record_too_long")) << m.out << m.err;
  EXPECT_FALSE(Has(m.err, "bad_alloc")) << m.err;
  EXPECT_LT(m.max_rss_kb, PeakBoundKb(sanitized))
      << "peak RSS " << m.max_rss_kb << " KB (sanitized: " << sanitized << ")";
  std::printf("endless line: exit %d, peak RSS %ld KB, %.1f s%s\n", m.code, m.max_rss_kb,
              m.seconds, sanitized ? " (sanitized; no address-space limit)" : " (limit 2 GB)");
}

TEST(HistoryMemory, DecompressionBombsStayBounded) {
  TempDir dir("hist-bombs");
  const bool sanitized = EncoreIsSanitized();
  const uint64_t kFill = (uint64_t{1} << 30) + (uint64_t{64} << 20);  // 1.06 GiB without a line end
  {
    // A plays file: a header, one good play, then a record of 1 GiB with no line end (gzip).
    const std::string bomb = dir / "bomb.csv.gz";
    WriteBomb(bomb,
              "ts,user,track,ms_played,country,tier\n"
              "2024-01-01T10:00:00Z,u1,t1,40000,US,premium\n"
              "2024-01-01T11:00:00Z,u1,",
              "x", kFill, "");
    const Measured m = RunMeasured({"ingest", "--store", dir / "s1", "--no-progress",
                                    "--no-records", bomb},
                                   dir.path(), sanitized ? 0 : rlim_t{2} << 30, 120);
    ASSERT_FALSE(m.timed_out);
    EXPECT_EQ(m.code, 0) << m.out << m.err;
    const auto sums = Summaries(m.out);
    ASSERT_EQ(sums.size(), 1u) << m.out << m.err;
    EXPECT_EQ(sums[0].counted, 1) << m.out;
    EXPECT_EQ(sums[0].rejected, (Counts{{"record_too_long", 1}})) << m.out;
    EXPECT_LT(m.max_rss_kb, PeakBoundKb(sanitized)) << "peak RSS " << m.max_rss_kb << " KB";
    std::printf("gzip bomb: exit %d, peak RSS %ld KB, %.1f s\n", m.code, m.max_rss_kb, m.seconds);
    // Of the record, its first 1 MiB is kept, not more.
    const RunResult raw = RunEncore("rejects --format raw --store " + Quote(dir / "s1"));
    EXPECT_GE(raw.out.size(), size_t{1} << 20);
    EXPECT_LE(raw.out.size(), (size_t{1} << 20) + 2);
    EXPECT_EQ(raw.out.rfind("2024-01-01T11:00:00Z,u1,xxxx", 0), 0u);
  }
  {
    // A Spotify history whose second entry holds a name of 1 GiB (zstd): the entry is rejected,
    // read past without being held, and the entry after it is counted.
    const std::string bomb = dir / "Streaming_History_Audio_2023_0.json.zst";
    WriteBomb(bomb,
              "[\n"
              R"(  {"ts": "2023-03-01T10:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"},)"
              "\n"
              R"(  {"ts": "2023-03-01T11:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:7x9aauaA9cu6tyfpHnqDLo", "master_metadata_album_album_name": ")",
              "y", kFill,
              "\"},\n"
              R"(  {"ts": "2023-03-02T10:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:7x9aauaA9cu6tyfpHnqDLo"})"
              "\n]\n");
    const Measured m = RunMeasured({"ingest", "--store", dir / "s2", "--no-progress",
                                    "--no-records", "--user", "alice", bomb},
                                   dir.path(), sanitized ? 0 : rlim_t{2} << 30, 120);
    ASSERT_FALSE(m.timed_out);
    EXPECT_EQ(m.code, 0) << m.out << m.err;
    const auto sums = Summaries(m.out);
    ASSERT_EQ(sums.size(), 1u) << m.out << m.err;
    EXPECT_EQ(sums[0].counted, 2) << m.out;
    EXPECT_EQ(sums[0].rejected, (Counts{{"record_too_long", 1}})) << m.out;
    EXPECT_LT(m.max_rss_kb, PeakBoundKb(sanitized)) << "peak RSS " << m.max_rss_kb << " KB";
    std::printf("json bomb: exit %d, peak RSS %ld KB, %.1f s\n", m.code, m.max_rss_kb, m.seconds);
    const RunResult rej = RunEncore("rejects --format jsonl --store " + Quote(dir / "s2"));
    const Json j = Json::parse(Lines(rej.out).at(0));
    EXPECT_EQ(j["line"].get<int64_t>(), 3);
    EXPECT_EQ(j["reason"].get<std::string>(), "record_too_long");
    EXPECT_LE(j["text"].get<std::string>().size(), size_t{1} << 20);
    EXPECT_EQ(ExportDaily(dir / "s2"),
              (Daily{{"2023-03-01,US,spotify:track:0yLdNVWF3Srea0uzk55zFn,premium,spotify", 1},
                     {"2023-03-02,US,spotify:track:7x9aauaA9cu6tyfpHnqDLo,premium,spotify", 1}}));
  }
}

TEST(HistoryMemory, AnUnreadableFileIsGivenUpOnAtOnce) {
  // A Spotify history of 1 GiB (zstd) none of whose entries can be read: it fails after its first
  // entries, without reading on and without keeping millions of rejects.
  TempDir dir("hist-unreadable");
  const bool sanitized = EncoreIsSanitized();
  const std::string bomb = dir / "Streaming_History_Audio_2023_0.json.zst";
  WriteBomb(bomb, "[\n",
            R"(  {"ts": "2023-02-30T10:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"},)"
            "\n",
            uint64_t{1} << 30,
            R"(  {"ts": "2023-02-30T10:00:00Z", "ms_played": 200000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"})"
            "\n]\n");
  const Measured m = RunMeasured({"ingest", "--store", dir / "s", "--no-progress", "--no-records",
                                  "--user", "alice", bomb},
                                 dir.path(), sanitized ? 0 : rlim_t{2} << 30, 120);
  ASSERT_FALSE(m.timed_out);
  EXPECT_EQ(m.code, 1) << m.out << m.err;
  const auto sums = Summaries(m.out);
  ASSERT_EQ(sums.size(), 1u) << m.out << m.err;
  EXPECT_EQ(sums[0].state, "failed");
  EXPECT_TRUE(Has(sums[0].error, "Streaming_History_Audio_2023_0.json.zst:2:")) << m.out;
  EXPECT_TRUE(Has(sums[0].error, "bad_timestamp")) << m.out;
  EXPECT_LT(m.max_rss_kb, PeakBoundKb(sanitized)) << "peak RSS " << m.max_rss_kb << " KB";
  // Given up at once: far less time than reading 1 GiB of entries would take.
  EXPECT_LT(m.seconds, 15.0) << m.out;
  std::printf("unreadable: exit %d, peak RSS %ld KB, %.1f s\n", m.code, m.max_rss_kb, m.seconds);
  EXPECT_FALSE(Has(RunEncore("status --store " + Quote(dir / "s")).out, "Streaming_History"));
}

}  // namespace encore::test

// ================================================================================================
// What a review found, each kept as it was found.

namespace encore::test {

TEST(HistoryReview, OneSpotifyPlayInTheOldAndTheNewLayoutIsOnePlay) {
  // endsong_N.json (about 2020) names no URI; a later Streaming_History_Audio export names it.
  // Both hold the whole history: the same play in both is taken in once.
  TempDir dir("hist-layouts");
  WriteText(dir / "endsong_0.json",
            R"([{"ts": "2020-02-11T16:31:21Z", "username": "u", "ms_played": 290736, "conn_country": "DE", "master_metadata_track_name": "Carrion Flowers", "master_metadata_album_artist_name": "Chelsea Wolfe", "episode_name": null}])");
  WriteText(dir / "Streaming_History_Audio_2020-2023_0.json",
            R"([{"ts": "2020-02-11T16:31:21Z", "username": "u", "ms_played": 290736, "conn_country": "DE", "master_metadata_track_name": "Carrion Flowers", "master_metadata_album_artist_name": "Chelsea Wolfe", "spotify_track_uri": "spotify:track:1abc", "episode_name": null},
                {"ts": "2023-01-01T10:00:00Z", "username": "u", "ms_played": 200000, "conn_country": "DE", "master_metadata_track_name": "Iron Moon", "master_metadata_album_artist_name": "Chelsea Wolfe", "spotify_track_uri": "spotify:track:2def", "episode_name": null}])");
  const RunResult r = Ingest(dir / "s", {dir / "endsong_0.json", dir / "Streaming_History_Audio_2020-2023_0.json"},
                             "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto sums = Summaries(r.out);
  ASSERT_EQ(sums.size(), 2u) << r.out;
  EXPECT_EQ(sums[1].duplicates, 1) << r.out;
  EXPECT_EQ(sums[1].counted, 1) << r.out;
  int64_t total = 0;
  for (const auto& [k, v] : ExportDaily(dir / "s")) total += v;
  EXPECT_EQ(total, 2);
}

TEST(HistoryReview, ALastfmPageOfOneTrackGivesItAsAnObject) {
  TempDir dir("hist-onetrack");
  WriteText(dir / "page.json",
            R"({"recenttracks": {"track": {"artist": {"#text": "Sault"}, "name": "Solar", "date": {"uts": "1650909600"}}, "@attr": {"user": "alice", "total": "1"}}})");
  const RunResult r = Ingest(dir / "s", {dir / "page.json"}, "--no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Summaries(r.out).at(0).counted, 1) << r.out;
}

TEST(HistoryReview, ASpotifyEntryThatIsNotJsonIsBadJsonWhateverFieldHoldsIt) {
  TempDir dir("hist-notjson");
  const std::string good =
      R"({"ts": "2023-03-02T10:00:00Z", "ms_played": 100000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn")";
  WriteText(dir / "h.json", "[\n" + good + "},\n" + good + ", \"platform\": tru},\n" + good +
                                ", \"offline_timestamp\": 01},\n" + good + ", \"x\": [1,2,}},\n" +
                                good + ", \"x\": \"\\q\"}\n]");
  const RunResult r = Ingest(dir / "s", {dir / "h.json"}, "--user alice --no-records");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto s = Summaries(r.out).at(0);
  EXPECT_EQ(s.plays, 1) << r.out;
  EXPECT_EQ(s.rejected, (Counts{{"bad_json", 4}})) << r.out;
}

TEST(HistoryReview, TheLineOfAHistoryThatNamesNoUserIsTheRightOne) {
  TempDir dir("hist-nouser");
  std::string text;
  for (int i = 1; i <= 1000; ++i) {
    text += "{\"listened_at\": " + std::to_string(1650909600 + i * 300) +
            ", \"track_metadata\": {\"artist_name\": \"Sault\", \"track_name\": \"Solar\"}" +
            (i == 700 ? std::string() : std::string(", \"user_name\": \"alice\"")) + "}\n";
  }
  WriteText(dir / "listens.jsonl", text);
  const RunResult r = Ingest(dir / "s", {dir / "listens.jsonl"}, "--no-records");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "listens.jsonl:700: this history does not say whose it is")) << r.out;
}

TEST(HistoryReview, AHistoryFromAPipeIsRead) {
  TempDir dir("hist-pipe");
  WriteText(dir / "l.jsonl",
            "{\"listened_at\": 1650909600, \"track_metadata\": {\"artist_name\": \"Sault\", "
            "\"track_name\": \"Solar\"}, \"user_name\": \"alice\"}\n");
  const std::string cmd = std::string("cat ") + Quote(dir / "l.jsonl") + " | " + ENCORE_BINARY +
                          " ingest --no-progress --no-records --store " + Quote(dir / "s") +
                          " /dev/stdin > " + Quote(dir / "out") + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << ReadText(dir / "out");
  EXPECT_EQ(Summaries(ReadText(dir / "out")).at(0).counted, 1) << ReadText(dir / "out");
}

TEST(HistoryReview, AUserThatCannotBeOneIsAUsageError) {
  TempDir dir("hist-baduser");
  WriteText(dir / "l.jsonl",
            "{\"listened_at\": 1650909600, \"track_metadata\": {\"artist_name\": \"Sault\", "
            "\"track_name\": \"Solar\"}}\n");
  EXPECT_EQ(Ingest(dir / "s", {dir / "l.jsonl"}, "--user " + std::string(65, 'u')).code, 2);
  EXPECT_EQ(Ingest(dir / "s", {dir / "l.jsonl"}, "--user \"$(printf 'a\\033[31m')\"").code, 2);
}

TEST(HistoryReview, MillionsOfTinyRejectsFromASmallFileStayBounded) {
  // 6 MB of "{}," entries, each rejected, zstd-compressed to a few KB: the rejects are held
  // compressed, so memory does not grow with their number.
  TempDir dir("hist-tiny");
  const bool sanitized = EncoreIsSanitized();
  const std::string good =
      R"({"ts": "2023-03-02T10:00:00Z", "ms_played": 100000, "conn_country": "US", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn"})";
  const std::string bomb = dir / "Streaming_History_Audio_2023_0.json.zst";
  WriteBomb(bomb, "[\n" + good + ",\n", "{},", uint64_t{6} << 20, good + "]\n");
  const Measured m = RunMeasured({"ingest", "--store", dir / "s", "--no-progress", "--no-records",
                                  "--user", "alice", bomb},
                                 dir.path(), sanitized ? 0 : rlim_t{2} << 30, 120);
  ASSERT_FALSE(m.timed_out);
  EXPECT_EQ(m.code, 0) << m.out << m.err;
  const auto s = Summaries(m.out).at(0);
  EXPECT_EQ(s.rejected, (Counts{{"missing_field", int64_t{2} << 20}})) << m.out;
  EXPECT_LT(m.max_rss_kb, PeakBoundKb(sanitized)) << "peak RSS " << m.max_rss_kb << " KB";
  std::printf("tiny rejects: peak RSS %ld KB, %.1f s\n", m.max_rss_kb, m.seconds);
  // Listed one at a time, not all held.
  const Measured list = RunMeasured({"rejects", "--store", dir / "s", "--format", "raw"},
                                    dir.path(), sanitized ? 0 : rlim_t{2} << 30, 120);
  EXPECT_EQ(list.code, 0);
  EXPECT_LT(list.max_rss_kb, PeakBoundKb(sanitized)) << "peak RSS " << list.max_rss_kb << " KB";
}

}  // namespace encore::test
