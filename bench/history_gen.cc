// The input of ingest_history_json: one listener's Spotify "Extended streaming history"
// (Streaming_History_Audio_*.json, doc/ingest.md) of a given size, generated deterministically.
//
// The layout of a real export: a JSON array of objects pretty-printed with a 4-space indent, the
// fields of a current export in their order, nulls included (ts, username, platform, ms_played,
// conn_country, ip_addr, the track's, the episode's and the audiobook's, reason_start,
// reason_end, shuffle, skipped, offline, offline_timestamp, incognito_mode). The mix: about 3%
// podcast episodes (the episode fields set, the track fields null), about 25% of the plays
// shorter than 30 s (skips), 2% null and 1.5% empty conn_country, the listener at home on most
// days and travelling on some, a library of many tracks (one per ten entries) played with
// Zipf-like popularity (the favourites reach the cap of 10 a day), names with UTF-8, apostrophes
// and escaped quotes. The plays span the four years 2021-2024 whatever the size; at 1 GB that is
// about 740 entries a day, so plays overlap in time (no listener plays that much: the size is a
// stress test, the layout is real). Starts (ts - ms_played) are strictly increasing, so no two
// entries are the same play.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Rng {
  uint64_t s;
  uint64_t Next() {  // splitmix64
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  uint64_t Below(uint64_t n) { return Next() % n; }
  bool Chance(double p) { return Uniform() < p; }
};

constexpr int64_t kStartMs = 1609459200000;            // 2021-01-01T00:00:00Z
constexpr int64_t kSpanMs = int64_t{1461} * 86400000;  // to 2025-01-01

const char* const kSyllables[] = {"la", "mo", "ri",   "ka",  "sun", "vel", "tor", "an", "mi",
                                  "ne", "so", "da",   "lux", "ber", "gon", "fi",  "ra", "zen",
                                  "ta", "lo", "mar",  "el",  "do",  "pa",  "shi", "ko", "nu",
                                  "va", "ro", "quin", "sa",  "te",  "wil", "ha",  "jo", "ly"};
const char* const kWords[] = {
    "Love",     "Night", "Summer", "Heart",  "Fire",    "Dream",   "Light", "Rain",
    "City",     "Gold",  "Blue",   "Wild",   "Forever", "Dance",   "Home",  "Stars",
    "Ocean",    "Ghost", "Time",   "Shadow", "Run",     "Feel",    "Young", "Lost",
    "Sweet",    "Storm", "Road",   "Angel",  "Paper",   "Fever",   "Echo",  "Silver",
    "Midnight", "Sugar", "Mirror", "Neon",   "Velvet",  "Thunder", "Honey", "Broken"};
// Names with what real ones have: accents, non-Latin scripts, apostrophes, quotes (escaped).
const char* const kOddNames[] = {"Beyonc\xc3\xa9",
                                 "Sigur R\xc3\xb3s",
                                 "M\xc3\xb8"
                                 "ller",
                                 "\xe5\xa4\x9c\xe3\x81\xab\xe9\xa7\x86\xe3\x81\x91\xe3\x82\x8b",
                                 "Don't Stop",
                                 "\\\"Weird\\\" Nights",
                                 "Caf\xc3\xa9 del Mar",
                                 "\xd0\x9a\xd0\xb8\xd0\xbd\xd0\xbe",
                                 "R\xc3\xbc"
                                 "ckenwind",
                                 "Ni\xc3\xb1"
                                 "a",
                                 "A&B",
                                 "\xed\x95\x9c\xea\xb8\x80 Song"};
const char* const kCountries[] = {"US", "GB", "FR", "ES", "IT", "NL", "JP", "SE",
                                  "NO", "PT", "AT", "CH", "PL", "DK", "CA", "MX"};
const char* const kPlatforms[] = {
    "android", "iOS 16.3.1 (iPhone14,5)",      "windows",
    "osx",     "web_player linux ;chrome 110", "Android OS 13 API 33 (Google, Pixel 7)",
    "cast_tv", "Partner sonos_one Sonos"};
const double kPlatformWeights[] = {0.40, 0.20, 0.15, 0.08, 0.07, 0.05, 0.03, 0.02};
const char* const kReasonStart[] = {"trackdone", "clickrow", "fwdbtn", "backbtn",
                                    "playbtn",   "appload",  "remote", "trackerror"};
const double kReasonStartWeights[] = {0.55, 0.15, 0.14, 0.04, 0.05, 0.04, 0.02, 0.01};
const char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

template <size_t N>
const char* Weighted(Rng& r, const char* const (&names)[N], const double (&w)[N]) {
  double u = r.Uniform();
  for (size_t i = 0; i < N; ++i) {
    if (u < w[i]) return names[i];
    u -= w[i];
  }
  return names[0];
}

std::string SpotifyId(Rng& r) {
  std::string s;
  for (int i = 0; i < 22; ++i) s += kBase62[r.Below(62)];
  return s;
}

std::string Capitalised(Rng& r, int syllables) {
  std::string s;
  for (int i = 0; i < syllables; ++i) s += kSyllables[r.Below(std::size(kSyllables))];
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string Title(Rng& r) {
  if (r.Chance(0.02)) return kOddNames[r.Below(std::size(kOddNames))];
  std::string s = kWords[r.Below(std::size(kWords))];
  const int words = static_cast<int>(r.Below(3));
  for (int i = 0; i < words; ++i) s += std::string(" ") + kWords[r.Below(std::size(kWords))];
  if (r.Chance(0.08)) s += " - Remastered " + std::to_string(1990 + r.Below(30));
  if (r.Chance(0.06)) s += " (feat. " + Capitalised(r, 2) + ")";
  if (r.Chance(0.03)) s += "'s";
  return s;
}

struct Track {
  std::string uri, name, artist, album;
  int ms;  // the track's length
};

struct Show {
  std::string name;
};

void Civil(int64_t days, int* y, unsigned* m, unsigned* d) {  // days since 1970-01-01
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

class Generator {
 public:
  Generator(uint64_t seed, size_t tracks) : rng_{seed} {
    Rng r{seed ^ 0x5eed};
    const size_t artists = std::max<size_t>(50, tracks / 8);
    std::vector<std::string> artist_names;
    // (One draw per statement: the order in which operands are evaluated is unspecified.)
    for (size_t i = 0; i < artists; ++i) {
      if (r.Chance(0.03)) {
        artist_names.emplace_back(kOddNames[r.Below(std::size(kOddNames))]);
        continue;
      }
      std::string name = Capitalised(r, 2 + static_cast<int>(r.Below(2)));
      if (r.Chance(0.4)) name.append(" ").append(Capitalised(r, 2));
      artist_names.push_back(std::move(name));
    }
    std::string album;
    for (size_t i = 0; i < tracks; ++i) {
      if (i % 10 == 0) album = Title(r);
      tracks_.push_back({"spotify:track:" + SpotifyId(r), Title(r),
                         artist_names[(i / 10) % artists], album,
                         90000 + static_cast<int>(r.Below(330000))});
    }
    for (int i = 0; i < 40; ++i)
      shows_.push_back({std::string("The ").append(Title(r)).append(" Podcast")});
    log_tracks_ = std::log(static_cast<double>(tracks) + 1);
  }

  // Appends one entry (pretty-printed, 4-space indent) for a play that starts at start_ms.
  void Entry(int64_t start_ms, std::string* out) {
    Rng& r = rng_;
    const bool podcast = r.Chance(0.03);
    const Track* t = nullptr;
    int64_t ms;
    const char* reason_end = "trackdone";
    bool skipped = false;
    if (podcast) {
      ms = r.Chance(0.2) ? static_cast<int64_t>(r.Below(30000))
                         : 60000 + static_cast<int64_t>(r.Below(3600000));
      reason_end = ms < 30000 ? "fwdbtn" : (r.Chance(0.5) ? "endplay" : "trackdone");
    } else {
      // Zipf-like (P(rank) ~ 1/rank): a log-uniform rank.
      const size_t rank = static_cast<size_t>(std::exp(r.Uniform() * log_tracks_)) - 1;
      t = &tracks_[std::min(rank, tracks_.size() - 1)];
      const double u = r.Uniform();
      if (u < 0.25) {  // a skip
        ms = r.Chance(0.1) ? 0 : static_cast<int64_t>(r.Below(30000));
        reason_end = r.Chance(0.8) ? "fwdbtn" : "endplay";
        skipped = true;
      } else if (u < 0.40) {  // stopped part way
        ms = 30000 + static_cast<int64_t>(r.Below(static_cast<uint64_t>(t->ms - 30000 + 1)));
        reason_end = r.Chance(0.5) ? "endplay" : "logout";
      } else {
        ms = t->ms;
      }
    }
    const int64_t end_s = (start_ms + ms + 999) / 1000;
    const int64_t day = DayOf(start_ms);
    if (day != day_) NewDay(day);
    int y;
    unsigned mo, d;
    const int64_t end_day = end_s / 86400;
    Civil(end_day, &y, &mo, &d);
    const int64_t sod = end_s - end_day * 86400;
    char ts[64];
    std::snprintf(ts, sizeof ts, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, mo, d,
                  static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                  static_cast<int>(sod % 60));
    const char* country_null = nullptr;
    if (r.Chance(0.02))
      country_null = "null";
    else if (r.Chance(0.015))
      country_null = "\"\"";
    auto str = [&](const char* key, const std::string& v, bool last = false) {
      out->append("        \"")
          .append(key)
          .append("\": \"")
          .append(v)
          .append(last ? "\"\n" : "\",\n");
    };
    auto raw = [&](const char* key, const std::string& v, bool last = false) {
      out->append("        \"").append(key).append("\": ").append(v).append(last ? "\n" : ",\n");
    };
    const std::string null = "null";
    out->append("    {\n");
    str("ts", ts);
    str("username", "bench_listener");
    str("platform", Weighted(r, kPlatforms, kPlatformWeights));
    raw("ms_played", std::to_string(ms));
    if (country_null)
      raw("conn_country", country_null);
    else
      str("conn_country", country_);
    str("ip_addr", ip_);
    if (t) {
      str("master_metadata_track_name", t->name);
      str("master_metadata_album_artist_name", t->artist);
      str("master_metadata_album_album_name", t->album);
      str("spotify_track_uri", t->uri);
      raw("episode_name", null);
      raw("episode_show_name", null);
      raw("spotify_episode_uri", null);
    } else {
      raw("master_metadata_track_name", null);
      raw("master_metadata_album_artist_name", null);
      raw("master_metadata_album_album_name", null);
      raw("spotify_track_uri", null);
      const Show& s = shows_[r.Below(shows_.size())];
      std::string episode = "#" + std::to_string(1 + r.Below(400));
      episode.append(" ").append(Title(r));
      str("episode_name", episode);
      str("episode_show_name", s.name);
      str("spotify_episode_uri", "spotify:episode:" + SpotifyId(r));
    }
    raw("audiobook_title", null);
    raw("audiobook_uri", null);
    raw("audiobook_chapter_uri", null);
    raw("audiobook_chapter_title", null);
    str("reason_start", Weighted(r, kReasonStart, kReasonStartWeights));
    str("reason_end", reason_end);
    raw("shuffle", r.Chance(0.45) ? "true" : "false");
    raw("skipped", skipped ? "true" : "false");
    const bool offline = r.Chance(0.06);
    raw("offline", offline ? "true" : "false");
    raw("offline_timestamp",
        offline ? std::to_string(end_s - 3600 * static_cast<int64_t>(1 + r.Below(48)))
                : std::to_string(start_ms / 1000));
    raw("incognito_mode", r.Chance(0.01) ? "true" : "false", true);
    out->append("    }");
  }

 private:
  static int64_t DayOf(int64_t ms) { return ms / 86400000; }
  void NewDay(int64_t day) {
    day_ = day;
    // At home (SE) on most days; away on some, a country for the day.
    country_ = rng_.Chance(0.9) ? "SE" : kCountries[rng_.Below(std::size(kCountries))];
    if (rng_.Chance(0.3) || ip_.empty()) {
      ip_ = std::to_string(10 + rng_.Below(200));
      for (int i = 0; i < 3; ++i) ip_.append(".").append(std::to_string(1 + rng_.Below(254)));
    }
  }

  Rng rng_;
  std::vector<Track> tracks_;
  std::vector<Show> shows_;
  double log_tracks_ = 0;
  int64_t day_ = -1;
  std::string country_ = "SE", ip_;
};

}  // namespace

// Writes about `bytes` bytes (ends after the entry that reaches it) to path; returns the number of
// entries, or -1 when the file cannot be written.
long long GenerateSpotifyHistory(const std::string& path, uint64_t bytes, uint64_t seed) {
  // The entries' mean size, from a sample, sets the mean gap between starts so that the plays
  // span the four years at any size.
  double mean_entry = 0;
  {
    Generator sample(seed + 1, 2000);
    std::string s;
    constexpr int kSample = 20000;
    for (int i = 0; i < kSample; ++i) sample.Entry(kStartMs + int64_t{i} * 60000, &s);
    mean_entry = static_cast<double>(s.size()) / kSample + 2;  // ",\n"
  }
  const double entries = std::max(1.0, static_cast<double>(bytes) / mean_entry);
  const double mean_gap = static_cast<double>(kSpanMs) / entries;  // ms
  Generator gen(seed, std::max<size_t>(2000, static_cast<size_t>(entries / 10)));
  Rng gaps{seed ^ 0x9a95};
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return -1;
  std::string buf = "[\n";
  buf.reserve(8 << 20);
  uint64_t written = 0;
  long long n = 0;
  int64_t start = kStartMs;
  while (written + buf.size() < bytes) {
    if (n > 0) buf += ",\n";
    gen.Entry(start, &buf);
    ++n;
    // The next start is at least 1 s later: ts is whole seconds, so ts - ms_played is then
    // strictly increasing.
    start += 1000 +
             static_cast<int64_t>(-std::log(1.0 - gaps.Uniform()) * std::max(0.0, mean_gap - 1000));
    if (buf.size() >= (4u << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) {
        std::fclose(f);
        return -1;
      }
      written += buf.size();
      buf.clear();
    }
  }
  buf += "\n]\n";
  const bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  return std::fclose(f) == 0 && ok ? n : -1;
}
