#include "ingest/input_format.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <vector>

#include "common/csv_scanner.h"
#include "common/strings.h"
#include "ingest/history_time.h"
#include "ingest/json_splitter.h"

namespace encore {
namespace {

std::string Lower(std::string_view s) {
  std::string out(Trim(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The keys of the first JSON object in `text`, which may be cut short: every string at depth 1
// followed by a colon. Good enough to tell formats apart; the entries are parsed properly later.
std::set<std::string> TopLevelKeys(std::string_view text) {
  std::set<std::string> keys;
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t start = i + 1;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      if (i >= text.size()) break;
      size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\n' || text[j] == '\r' ||
                                 text[j] == '\t')) {
        ++j;
      }
      if (depth == 1 && j < text.size() && text[j] == ':') {
        keys.emplace(text.substr(start, i - start));
      }
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) break;
    }
  }
  return keys;
}

// What a JSON entry with these keys is; nullopt when nothing encore reads has them.
std::optional<InputFormat> FormatOfKeys(const std::set<std::string>& k, bool* page) {
  auto has = [&](const char* key) { return k.count(key) > 0; };
  *page = false;
  if (has("ts") && has("ms_played") &&
      (has("spotify_track_uri") || has("master_metadata_track_name") || has("conn_country") ||
       has("episode_name") || has("spotify_episode_uri") || has("audiobook_title") ||
       has("platform") || has("username"))) {
    return InputFormat::kSpotifyExtended;
  }
  if (has("endTime") && has("msPlayed")) return InputFormat::kSpotifyAccount;
  if (has("header") && has("time") && (has("title") || has("titleUrl"))) {
    return InputFormat::kYouTubeTakeout;
  }
  if (has("listened_at") || has("track_metadata")) return InputFormat::kListenBrainz;
  if (has("payload")) {  // a ListenBrainz API answer: {"payload": {"listens": [...]}}
    *page = true;
    return InputFormat::kListenBrainz;
  }
  if (has("recenttracks") || (has("track") && has("@attr"))) {  // Last.fm API pages
    *page = true;
    return InputFormat::kLastfmJson;
  }
  if (has("name") && has("artist") && (has("date") || has("@attr"))) {  // Last.fm track objects
    return InputFormat::kLastfmJson;
  }
  if (has("ts") || has("user") || has("track") || has("ms_played")) return InputFormat::kPlaysJson;
  return std::nullopt;
}

std::string KeyList(const std::set<std::string>& keys) {
  std::string out;
  size_t n = 0;
  for (const auto& k : keys) {
    if (n++ == 8) {
      out += ", …";
      break;
    }
    out += (out.empty() ? "" : ", ") + k;
  }
  return out.empty() ? "none" : out;
}

constexpr char kKnownJson[] =
    "Spotify extended streaming history, Spotify account data, a Google Takeout YouTube Music "
    "history, ListenBrainz listens, Last.fm scrobbles, or plays (spec §1)";
constexpr char kKnownCsv[] =
    "plays (ts,user,track,ms_played,country,tier), daily totals (date,country,track,streams,"
    "tier), Apple Music Play Activity, or Last.fm scrobbles";

Result<InputShape> SniffJson(std::string_view head, bool whole, const std::string& path,
                             InputShape shape) {
  // The first entry: an array's first element, or the first value.
  JsonEntrySplitter splitter;
  std::vector<JsonEntrySplitter::Entry> entries;
  splitter.Scan(head.data(), head.size(), 0, &entries);
  std::string_view first;
  uint64_t line = 1;
  if (!entries.empty()) {
    first = head.substr(entries[0].begin, entries[0].end - entries[0].begin);
    line = entries[0].line;
  } else if (auto open = splitter.open_entry()) {
    first = head.substr(*open);  // cut short: its keys so far tell enough
  } else if (whole) {
    return Status::DataError(path + ": a JSON document with no entries (nothing to ingest)");
  }
  if (first.empty() || first.front() != '{') {
    return Status::DataError(path + ":" + std::to_string(line) +
                             ": a JSON document whose entries are not objects: not " + kKnownJson);
  }
  const std::set<std::string> keys = TopLevelKeys(first);
  bool page = false;
  std::optional<InputFormat> format = FormatOfKeys(keys, &page);
  // One broken entry must not decide the file: the first entries (up to kSniffEntries that the
  // head holds whole) vote, so a first entry that lacks a field is one reject, not a file read as
  // something else, and an extra key in one entry does not turn the file into another format.
  constexpr size_t kSniffEntries = 32;
  // (A first entry with Spotify Extended's keys, the biggest exports, is taken at its word: no
  // other format has them.)
  if (!page && entries.size() > 1 && format != InputFormat::kSpotifyExtended) {
    std::map<InputFormat, size_t> votes;
    for (size_t e = 0; e < entries.size() && e < kSniffEntries; ++e) {
      const std::string_view text =
          head.substr(entries[e].begin, entries[e].end - entries[e].begin);
      bool is_page = false;
      const auto f = FormatOfKeys(TopLevelKeys(text), &is_page);
      if (f && !is_page) ++votes[*f];
    }
    // The most votes; a tie goes to a history format (plain plays' keys are the fewest).
    std::optional<InputFormat> best;
    for (const auto& [f, n] : votes) {
      if (!best || n > votes[*best] ||
          (n == votes[*best] && *best == InputFormat::kPlaysJson)) {
        best = f;
      }
    }
    if (best) format = best;
  }
  if (!format) {
    return Status::DataError(path + ":" + std::to_string(line) + ": JSON entries with the keys " +
                             KeyList(keys) + ": not " + kKnownJson);
  }
  shape.format = *format;
  shape.entry_limit = page ? kMaxPageBytes : kMaxEntryBytes;
  // JSON Lines: the first value is an object that ends on its own line.
  shape.framing = Framing::kJsonDocument;
  if (!splitter.is_array() && !page && !entries.empty()) {
    const size_t nl = head.find('\n', entries[0].begin);
    if (nl == std::string_view::npos ? whole : nl >= entries[0].end) {
      shape.framing = Framing::kJsonLines;
    }
  }
  return shape;
}

// Last.fm's "31 Jan 2021 14:05" (UTC), the date column of its common CSV exporters.
bool LooksLikeLastfmDate(std::string_view s) { return ParseLastfmDate(s).has_value(); }

int Column(const std::vector<std::string>& names, std::initializer_list<const char*> options) {
  for (const char* o : options) {
    auto it = std::find(names.begin(), names.end(), o);
    if (it != names.end()) return static_cast<int>(it - names.begin());
  }
  return -1;
}

std::optional<CsvLayout> HistoryCsvLayout(std::string_view header, InputFormat* format) {
  std::vector<std::string_view> fields;
  std::string scratch;
  if (!SplitCsv(header, &fields, &scratch)) return std::nullopt;
  std::vector<std::string> names;
  for (auto f : fields) names.push_back(Lower(f));
  CsvLayout l;
  l.columns = names.size();
  // Apple Music Play Activity (Apple's privacy export); its columns vary with the year.
  l.ms_played = Column(names, {"play duration milliseconds"});
  l.title = Column(names, {"song name", "content name", "track name"});
  l.description = Column(names, {"track description"});
  l.start = Column(names, {"event start timestamp"});
  l.end = Column(names, {"event end timestamp", "event timestamp"});
  if (l.ms_played >= 0 && (l.title >= 0 || l.description >= 0) && (l.start >= 0 || l.end >= 0)) {
    l.artist = Column(names, {"artist name", "container artist name"});
    l.event_type = Column(names, {"event type"});
    l.media_type = Column(names, {"media type"});
    l.user = Column(names, {"apple id number"});
    l.country = Column(names, {"iso country", "country code"});
    l.track_id = Column(names, {"track identifier"});
    *format = InputFormat::kAppleMusic;
    return l;
  }
  // Last.fm scrobbles with a header (lastfm.ghan.nl: uts,utc_time,artist,...,track,...).
  CsvLayout f;
  f.columns = names.size();
  f.artist = Column(names, {"artist", "artist name", "artist_name"});
  f.title = Column(names, {"track", "track name", "track_name", "title", "name"});
  f.uts = Column(names, {"uts", "timestamp", "unix_timestamp"});
  f.when = Column(names, {"utc_time", "date", "date_utc", "time"});
  if (f.artist >= 0 && f.title >= 0 && (f.uts >= 0 || f.when >= 0)) {
    *format = InputFormat::kLastfmCsv;
    return f;
  }
  // Last.fm scrobbles without a header (benjaminbenben's exporter): artist,album,track,date.
  if (fields.size() == 4 && LooksLikeLastfmDate(fields[3]) && !Trim(fields[0]).empty()) {
    CsvLayout n;
    n.columns = 4;
    n.header = false;
    n.artist = 0;
    n.title = 2;
    n.when = 3;
    *format = InputFormat::kLastfmCsv;
    return n;
  }
  return std::nullopt;
}

}  // namespace

std::string_view FormatKind(InputFormat f) {
  switch (f) {
    case InputFormat::kPlaysCsv:
      return "plays-csv";
    case InputFormat::kTotalsCsv:
      return "daily-csv";
    case InputFormat::kPlaysJson:
      return "plays-jsonl";
    case InputFormat::kSpotifyExtended:
      return "spotify-extended";
    case InputFormat::kSpotifyAccount:
      return "spotify-account";
    case InputFormat::kYouTubeTakeout:
      return "youtube-music";
    case InputFormat::kAppleMusic:
      return "apple-music";
    case InputFormat::kLastfmCsv:
      return "lastfm-csv";
    case InputFormat::kLastfmJson:
      return "lastfm-json";
    case InputFormat::kListenBrainz:
      return "listenbrainz";
  }
  return "unknown";
}

std::string_view FormatService(InputFormat f) {
  switch (f) {
    case InputFormat::kSpotifyExtended:
    case InputFormat::kSpotifyAccount:
      return "spotify";
    case InputFormat::kYouTubeTakeout:
      return "youtube_music";
    case InputFormat::kAppleMusic:
      return "apple_music";
    case InputFormat::kLastfmCsv:
    case InputFormat::kLastfmJson:
      return "lastfm";
    case InputFormat::kListenBrainz:
      return "listenbrainz";
    default:
      return "";
  }
}

bool IsHistory(InputFormat f) { return !FormatService(f).empty(); }

Result<InputShape> SniffInput(std::string_view head, bool whole, const std::string& path) {
  InputShape shape;
  // UTF-16 (Windows tools save text so): a byte-order mark, or a NUL beside each ASCII byte.
  const bool utf16_bom = head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF";
  auto every_other_nul = [&](size_t nul) {  // nul: 1 little-endian, 0 big-endian
    if (head.size() < 8) return false;
    for (size_t i = 0; i + 1 < std::min<size_t>(head.size(), 64); i += 2) {
      if (head[i + nul] != 0 || head[i + 1 - nul] == 0) return false;
    }
    return true;
  };
  const bool utf16_nul = every_other_nul(1) || every_other_nul(0);
  if (utf16_bom || utf16_nul) {
    return Status::DataError(path +
                             ": UTF-16 text, not UTF-8: save it as UTF-8 (every export encore "
                             "reads is UTF-8) and ingest it again");
  }
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    shape.bom = 3;
    head.remove_prefix(3);
  }
  const size_t cr = head.find('\r');
  std::string translated;
  if (cr != std::string_view::npos && cr < head.find('\n') &&
      (cr + 1 < head.size() ? head[cr + 1] != '\n' : whole)) {
    shape.cr_only = true;
    translated.assign(head);
    std::replace(translated.begin(), translated.end(), '\r', '\n');
    head = translated;
  }
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\t')) ++i;
  if (i == head.size()) {
    if (whole) return Status::DataError(path + ": empty file (nothing to ingest)");
    return Status::DataError(path + ": no content in its first " +
                             std::to_string(head.size() >> 20) + " MiB (only white space)");
  }
  if (head[i] == '[' || head[i] == '{') return SniffJson(head, whole, path, shape);
  shape.framing = Framing::kCsv;
  shape.entry_limit = kMaxEntryBytes;
  const size_t nl = head.find('\n');
  if (nl == std::string_view::npos && !whole) {
    return Status::DataError(path + ":1: the first line is over " +
                             std::to_string(head.size() >> 20) +
                             " MiB long: not a CSV header nor a JSON document");
  }
  std::string_view header = head.substr(0, nl);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  std::string error;
  if (auto layout = ParseCsvHeader(header, &error)) {
    shape.csv = *layout;
    shape.format = layout->date >= 0 ? InputFormat::kTotalsCsv : InputFormat::kPlaysCsv;
    return shape;
  }
  InputFormat format = InputFormat::kPlaysCsv;
  if (auto layout = HistoryCsvLayout(header, &format)) {
    shape.csv = *layout;
    shape.format = format;
    return shape;
  }
  // A format without a header (Last.fm's artist,album,track,date) whose first row is broken (a
  // "now playing" row without a date): told by the rows after it; the first is then a reject.
  size_t at = nl;
  for (int row = 0; row < 32 && at != std::string_view::npos && at + 1 < head.size(); ++row) {
    const size_t end = head.find('\n', at + 1);
    if (end == std::string_view::npos && !whole) break;
    std::string_view next = head.substr(at + 1, (end == std::string_view::npos ? head.size() : end) - at - 1);
    if (!next.empty() && next.back() == '\r') next.remove_suffix(1);
    if (auto layout = HistoryCsvLayout(next, &format); layout && !layout->header) {
      shape.csv = *layout;
      shape.format = format;
      return shape;
    }
    at = end;
  }
  return Status::DataError(path + ":1: " + error + "; nor is it " + kKnownCsv);
}

std::optional<CsvLayout> ParseCsvHeader(std::string_view header, std::string* error) {
  if (header.size() >= 3 && header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);
  std::vector<std::string_view> names;
  std::string scratch;
  if (!SplitCsv(header, &names, &scratch)) {
    *error = "the header is not valid CSV";
    return std::nullopt;
  }
  CsvLayout l;
  l.columns = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string_view n = Trim(names[i]);
    int* slot = nullptr;
    if (n == "ts")
      slot = &l.ts;
    else if (n == "user")
      slot = &l.user;
    else if (n == "track")
      slot = &l.track;
    else if (n == "ms_played")
      slot = &l.ms_played;
    else if (n == "country")
      slot = &l.country;
    else if (n == "tier")
      slot = &l.tier;
    else if (n == "service")
      slot = &l.service;
    else if (n == "date")
      slot = &l.date;
    else if (n == "streams")
      slot = &l.streams;
    if (slot == nullptr) continue;  // extra columns are ignored
    if (*slot >= 0) {
      *error = "column '" + std::string(n) + "' appears twice in the header";
      return std::nullopt;
    }
    *slot = static_cast<int>(i);
  }
  std::string missing;
  auto need = [&](int col, const char* name) {
    if (col < 0) missing += missing.empty() ? name : std::string(", ") + name;
  };
  if (l.ts >= 0 || l.ms_played >= 0 || l.user >= 0) {
    l.date = l.streams = -1;
    need(l.ts, "ts");
    need(l.user, "user");
    need(l.track, "track");
    need(l.ms_played, "ms_played");
    need(l.country, "country");
    need(l.tier, "tier");
    if (!missing.empty()) *error = "a plays file needs the columns " + missing;
  } else if (l.date >= 0 || l.streams >= 0) {
    need(l.date, "date");
    need(l.country, "country");
    need(l.track, "track");
    need(l.streams, "streams");
    need(l.tier, "tier");
    if (!missing.empty()) *error = "a daily-totals file needs the columns " + missing;
  } else {
    *error =
        "the header names neither a plays file (ts,user,track,ms_played,country,tier) "
        "nor a daily-totals file (date,country,track,streams,tier)";
    return std::nullopt;
  }
  if (!missing.empty()) return std::nullopt;
  return l;
}

}  // namespace encore
