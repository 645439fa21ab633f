// Apple's per-country top songs and albums feeds as JSON, in both layouts (doc/charts.md, "Store
// feed snapshots"): the old iTunes RSS ({"feed": {"entry": [{"im:name": {"label"}, "im:artist":
// {"label"}, "id": {"attributes": {"im:id"}}}], "updated": {"label"}, "id": {"label": URL}}}) and
// the Apple Marketing Tools RSS ({"feed": {"results": [{"name", "artistName", "id", "kind"}],
// "country", "updated", "id": URL}}). Streamed through nlohmann's SAX parser: memory holds one
// feed's entries (at most kMaxEntries), and no value over 1 MiB.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "catalog/names.h"
#include "charts/json_stream.h"
#include "common/strings.h"
#include "encore/keys.h"
#include "encore/store_feeds.h"

namespace encore {
namespace {

constexpr size_t kMaxDepth = 32;
constexpr size_t kMaxEntries = 10000;
constexpr size_t kMaxFields = 256;  // scalars kept of one entry
constexpr size_t kMaxFeedFields = 256;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> PathSegments(std::string_view url) {
  // The path of a URL (after the host), split at '/'; the query cut.
  size_t at = url.find("://");
  at = at == std::string_view::npos ? 0 : at + 3;
  const size_t slash = url.find('/', at);
  std::vector<std::string> out;
  if (slash == std::string_view::npos) return out;
  std::string_view path = url.substr(slash + 1);
  path = path.substr(0, path.find_first_of("?#"));
  while (!path.empty()) {
    const size_t s = path.find('/');
    out.emplace_back(path.substr(0, s));
    if (s == std::string_view::npos) break;
    path.remove_prefix(s + 1);
  }
  return out;
}

// What a feed's URL says: store, kind, genre, country. `error` when it names a feed that is not a
// top songs or albums chart.
struct FeedFacts {
  std::string store, kind, genre, country, error;
};

FeedFacts FactsOfUrl(std::string_view url_in) {
  FeedFacts f;
  const std::string url = Lower(url_in);
  const std::vector<std::string> seg = PathSegments(url);
  for (size_t i = 0; i < seg.size(); ++i) {
    if (seg[i] == "rss" && i + 1 < seg.size() && i >= 1) {  // itunes.apple.com/us/rss/topsongs/…
      f.country = seg[i - 1];
      const std::string& feed = seg[i + 1];
      f.store = "itunes";
      if (feed == "topsongs") f.kind = "songs";
      else if (feed == "topalbums") f.kind = "albums";
      else f.error = "a feed of " + feed + ", not top songs or albums";
      for (size_t j = i + 2; j < seg.size(); ++j)
        if (seg[j].rfind("genre=", 0) == 0) f.genre = seg[j].substr(6);
      return f;
    }
    if (seg[i] == "api" && i + 4 < seg.size() && seg[i + 1] == "v1") {
      // rss.itunes.apple.com/api/v1/us/itunes-music/top-songs/all/100/explicit.json
      f.country = seg[i + 2];
      const std::string& media = seg[i + 3];
      const std::string& feed = seg[i + 4];
      if (media == "itunes-music") f.store = "itunes";
      else if (media == "apple-music") f.store = "apple-music";
      else f.error = "a feed of " + media + ", not music";
      if (feed == "top-songs") f.kind = "songs";
      else if (feed == "top-albums") f.kind = "albums";
      else if (f.error.empty()) f.error = "a feed of " + media + " " + feed + ", not top songs or albums";
      if (i + 5 < seg.size() && seg[i + 5] != "all") f.genre = seg[i + 5];
      return f;
    }
    if (seg[i] == "api" && i + 5 < seg.size() && seg[i + 1] == "v2") {
      // rss.applemarketingtools.com/api/v2/us/music/most-played/100/songs.json
      f.country = seg[i + 2];
      const std::string& media = seg[i + 3];
      const std::string& feed = seg[i + 4];
      const std::string last = seg.back();
      if (media != "music") {
        f.error = "a feed of " + media + ", not music";
      } else if (feed != "most-played") {
        f.error = "a feed of music " + feed + ", not the most played";
      }
      f.store = "apple-music";
      if (last.rfind("songs", 0) == 0) f.kind = "songs";
      else if (last.rfind("albums", 0) == 0) f.kind = "albums";
      else if (f.error.empty()) f.error = "a feed of " + last + ", not songs or albums";
      return f;
    }
  }
  return f;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "Fri, 4 Sep 2026 17:12:25 +0000" (the weekday optional, "GMT"/"UTC"/"Z" for +0000).
std::optional<int64_t> ParseRfc2822(std::string_view s) {
  s = Trim(s);
  if (const size_t comma = s.find(','); comma != std::string_view::npos) s = Trim(s.substr(comma + 1));
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    const size_t sp = s.find(' ');
    parts.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s = Trim(s.substr(sp + 1));
  }
  if (parts.size() != 5) return std::nullopt;
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  const auto day = ParseInt64(parts[0]);
  const auto year = ParseInt64(parts[2]);
  int month = 0;
  for (int m = 0; m < 12; ++m)
    if (Lower(parts[1]).substr(0, 3) == kMonths[m] && parts[1].size() >= 3) month = m + 1;
  if (!day || !year || !month || *day < 1 || *day > 31 || *year < 1970 || *year > 2149)
    return std::nullopt;
  // H:MM:SS or HH:MM:SS (seconds optional).
  std::string_view t = parts[3];
  const size_t c1 = t.find(':');
  if (c1 == std::string_view::npos || c1 == 0 || c1 > 2) return std::nullopt;
  const auto hh = ParseInt64(t.substr(0, c1));
  t.remove_prefix(c1 + 1);
  const size_t c2 = t.find(':');
  const auto mm = ParseInt64(t.substr(0, c2));
  const std::optional<int64_t> ss =
      c2 == std::string_view::npos ? std::optional<int64_t>(0) : ParseInt64(t.substr(c2 + 1));
  if (!hh || !mm || !ss || *hh < 0 || *hh > 23 || *mm < 0 || *mm > 59 || *ss < 0 || *ss > 60 ||
      (c2 != std::string_view::npos && c2 != 2) || t.size() > 5 || (c2 == std::string_view::npos && t.size() != 2))
    return std::nullopt;
  const std::string_view z = parts[4];
  int64_t offset = 0;
  if (z == "GMT" || z == "UTC" || z == "Z" || z == "UT") {
    offset = 0;
  } else if (z.size() == 5 && (z[0] == '+' || z[0] == '-') && IsDigits(z.substr(1))) {
    const int64_t h = (z[1] - '0') * 10 + (z[2] - '0'), m = (z[3] - '0') * 10 + (z[4] - '0');
    if (h > 23 || m > 59) return std::nullopt;
    offset = (h * 60 + m) * 60 * (z[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(*year), month,
                static_cast<int>(*day));
  const auto d = ParseDate(buf);  // a real calendar date
  if (!d) return std::nullopt;
  return static_cast<int64_t>(*d) * 86400 + *hh * 3600 + *mm * 60 + std::min<int64_t>(*ss, 59) -
         offset;
}

// A scalar as read.
struct Field {
  std::string path, text;
};

const std::string* FieldOf(const std::vector<Field>& fields, std::string_view path) {
  for (const Field& f : fields)
    if (f.path == path) return &f.text;
  return nullptr;
}

class FeedReader : public TextSax<FeedReader> {
 public:
  FeedReader(JsonCursor* cursor, const std::string& path, const FeedReadOptions& options,
             SnapshotSink* sink)
      : TextSax(cursor), path_(path), options_(options), sink_(sink) {}

  FeedFileSummary& summary() { return summary_; }
  uint64_t feeds() const { return feeds_; }
  std::optional<FeedLayout> layout() const { return layout_; }

 private:
  friend class TextSax<FeedReader>;
  void Key(const std::string& k) {
    if (!stack_.empty()) stack_.back().key = k;
  }
  enum Role { kOther, kDocList, kDoc, kFeed, kEntryList, kEntry };
  struct Frame {
    bool object;
    Role role;
    std::string key;
  };

  // The nearest frame of a role: its index, or -1.
  int Find(Role role) const {
    for (size_t i = stack_.size(); i-- > 0;)
      if (stack_[i].role == role) return static_cast<int>(i);
    return -1;
  }
  // The path of the current value from frame `from` (its key and each object's below).
  std::string PathFrom(int from) const {
    std::string p;
    for (size_t i = static_cast<size_t>(from); i < stack_.size(); ++i) {
      if (!stack_[i].object) continue;
      if (!p.empty()) p += '.';
      p += stack_[i].key;
    }
    return p;
  }

  bool Open(bool object) {
    cursor_->Event();
    if (stack_.size() >= kMaxDepth) return Fail("nested deeper than " + std::to_string(kMaxDepth));
    Role role = kOther;
    const Role parent = stack_.empty() ? kOther : stack_.back().role;
    const std::string& key = stack_.empty() ? kNone : stack_.back().key;
    if (stack_.empty()) {
      role = object ? kDoc : kDocList;
    } else if (parent == kDocList && object) {
      role = kDoc;
    } else if (parent == kDoc && object && key == "feed") {
      role = kFeed;
      StartFeed();
    } else if (parent == kFeed && (key == "entry" || key == "results")) {
      const FeedLayout l = key == "entry" ? FeedLayout::kItunesRss : FeedLayout::kMarketingTools;
      feed_layout_ = l;
      role = object ? kEntry : kEntryList;  // one entry: an object, not a list of one
      if (object) StartEntry();
    } else if (parent == kEntryList && object) {
      role = kEntry;
      StartEntry();
    }
    stack_.push_back({object, role, ""});
    return true;
  }

  bool Value(std::string text) {
    cursor_->Event();
    if (const int e = Find(kEntry); e >= 0) {
      if (entry_.size() < kMaxFields) entry_.push_back({PathFrom(e), std::move(text)});
    } else if (const int f = Find(kFeed); f >= 0) {
      if (feed_fields_.size() < kMaxFeedFields) feed_fields_.push_back({PathFrom(f), std::move(text)});
    }
    return true;
  }

  bool Close() {
    cursor_->Event();
    if (stack_.empty()) return true;
    const Role role = stack_.back().role;
    stack_.pop_back();
    if (role == kEntry) return EndEntry();
    if (role == kFeed) return EndFeed();
    return true;
  }

  void StartFeed() {
    entries_.clear();
    entry_rejects_.clear();
    feed_fields_.clear();
    feed_layout_.reset();
    ordinal_ = 0;
    feed_line_ = cursor_->line();
    kinds_.clear();
  }
  void StartEntry() {
    entry_.clear();
    ++ordinal_;
  }

  bool EndEntry() {
    const bool itunes = feed_layout_ == FeedLayout::kItunesRss;
    SnapshotEntry e;
    e.position = static_cast<int>(ordinal_);
    e.line = cursor_->line();
    auto get = [&](const char* a) -> std::string {
      const std::string* v = FieldOf(entry_, a);
      return v ? std::string(Trim(*v)) : std::string();
    };
    e.title = get(itunes ? "im:name.label" : "name");
    e.artist = get(itunes ? "im:artist.label" : "artistName");
    e.id = get(itunes ? "id.attributes.im:id" : "id");
    const std::string kind =
        Lower(get(itunes ? "im:contentType.im:contentType.attributes.term" : "kind"));
    if (!kind.empty()) kinds_.push_back(kind);
    const std::string at = "entry " + std::to_string(ordinal_) + ": ";
    if (ordinal_ > kMaxEntries) {
      if (ordinal_ == kMaxEntries + 1)
        return Reject({e.line, at + "more than " + std::to_string(kMaxEntries) +
                                   " entries in one feed: the rest are not read", ""});
      ++summary_.rejects;
      return true;
    }
    if (e.title.empty() || e.artist.empty()) {
      nlohmann::json text = nlohmann::json::object();
      for (const Field& f : entry_)
        if (f.path.find("image") == std::string::npos) text[f.path] = f.text;
      entry_rejects_.push_back(
          {e.line, at + (e.title.empty() ? "no name" : "no artist"),
           text.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 4096)});
      return true;
    }
    e.song = SongKey(e.artist, e.title);
    entries_.push_back(std::move(e));
    return true;
  }

  bool EndFeed() {
    ++feeds_;
    const bool itunes = feed_layout_ == FeedLayout::kItunesRss;
    auto get = [&](const char* a) -> std::string {
      const std::string* v = FieldOf(feed_fields_, a);
      return v ? std::string(Trim(*v)) : std::string();
    };
    StoreSnapshot s;
    s.layout = feed_layout_.value_or(FeedLayout::kItunesRss);
    if (!layout_) layout_ = s.layout;
    s.feed_id = itunes ? get("id.label") : get("id");
    if (s.feed_id.empty()) s.feed_id = get(itunes ? "id" : "id.label");
    s.title = itunes ? get("title.label") : get("title");
    if (s.title.empty()) s.title = get(itunes ? "title" : "title.label");
    // The store, kind and genre: the feed's id, else its links.
    std::vector<std::string> urls = {s.feed_id};
    for (const Field& f : feed_fields_)
      if (f.path == "link.attributes.href" || f.path == "links.self" || f.path == "links.alternate")
        urls.push_back(f.text);
    FeedFacts facts;
    std::string told;
    for (const std::string& u : urls) {
      FeedFacts f = FactsOfUrl(u);
      if (!f.error.empty()) return FailFeed("not a top songs or albums feed: " + f.error + " (" + u + ")");
      if (!f.store.empty()) {
        facts = f;
        told = u == s.feed_id ? "the feed's id" : "the feed's links";
        break;
      }
    }
    if (facts.store.empty()) {
      const std::string t = Lower(s.title);
      if (t.rfind("itunes store: top songs", 0) == 0) facts.store = "itunes", facts.kind = "songs";
      if (t.rfind("itunes store: top albums", 0) == 0) facts.store = "itunes", facts.kind = "albums";
      if (!facts.store.empty()) told = "the feed's title '" + s.title + "'";
      if (t.find(" in ") != std::string::npos && !facts.store.empty())
        return FailFeed("a genre chart (" + s.title + ") whose genre the feed's id does not name");
    }
    // What the feed does not say, --chart says: itunes-songs[-us].
    std::string chart_store, chart_kind, chart_country;
    if (!options_.chart.empty()) {
      std::string c = Lower(options_.chart);
      for (const char* st : {"apple-music", "itunes"}) {
        if (c.rfind(st, 0) == 0) {
          chart_store = st;
          c = c.substr(std::string(st).size());
        }
      }
      for (const char* k : {"-songs", "-albums"}) {
        if (c.rfind(k, 0) == 0) {
          chart_kind = std::string(k).substr(1);
          c = c.substr(std::string(k).size());
        }
      }
      if (c.size() == 3 && c[0] == '-') chart_country = c.substr(1);
      if (chart_store.empty() || chart_kind.empty() || (!c.empty() && chart_country.empty()))
        return FailFeed("--chart '" + options_.chart +
                        "' names no store feed (itunes-songs, itunes-albums, apple-music-songs, "
                        "apple-music-albums, a country may follow: itunes-songs-us)");
    }
    if (facts.store.empty() && !chart_store.empty()) {
      facts.store = chart_store;
      facts.kind = chart_kind;
      told = "--chart";
    }
    if (facts.kind.empty()) {  // the entries say: Track/Album, songs/albums
      for (const std::string& k : kinds_) {
        if (k == "track" || k == "song" || k == "songs") facts.kind = "songs";
        if (k == "album" || k == "albums") facts.kind = "albums";
        if (!facts.kind.empty()) break;
      }
    }
    if (facts.store.empty() || facts.kind.empty())
      return FailFeed(
          "the store is not told: neither the feed's id, its links nor its title name it (" +
          (s.feed_id.empty() ? std::string("no id") : "id '" + s.feed_id + "'") +
          "); --chart itunes-songs (or itunes-albums, apple-music-songs, apple-music-albums) "
          "names it");
    // The country: the feed's own (Marketing Tools), its id's, its author's address, --chart.
    std::string country = get("country");
    std::string country_from = "the feed's country";
    if (country.empty()) {
      country = facts.country;
      country_from = "the feed's id";
    }
    if (country.empty()) {
      const auto seg = PathSegments(get("author.uri.label"));  // http://www.apple.com/mx/itunes/
      if (seg.size() >= 2 && seg[1] == "itunes") country = seg[0];
      country_from = "the feed's author address";
    }
    if (country.empty()) {
      country = chart_country;
      country_from = "--chart";
    }
    std::string upper = country;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper.empty())
      return FailFeed("the country is not told (no feed.country, no country in the feed's id); "
                      "--chart itunes-songs-us names it");
    if (!ParseCountry(upper, false))
      return FailFeed("the country '" + country + "' (" + country_from +
                      ") is not an ISO 3166-1 alpha-2 code");
    s.store = facts.store;
    s.kind = facts.kind;
    s.genre = facts.genre;
    s.country = upper;
    s.how = s.store + " " + s.kind + " from " + told + ", country from " + country_from;
    // The time: feed.updated, else the file's name, else its modification time.
    const std::string updated = itunes ? get("updated.label") : get("updated");
    const std::string updated_any = updated.empty() ? get(itunes ? "updated" : "updated.label") : updated;
    if (!updated_any.empty()) {
      const auto t = ParseFeedTime(updated_any);
      if (!t) return FailFeed("feed.updated '" + updated_any + "' is not a time");
      s.taken = *t;
      s.taken_from = "feed";
    } else if (const auto t = TimestampOfFileName(path_)) {
      s.taken = *t;
      s.taken_from = "file name";
    } else {
      std::error_code ec;
      const auto ft = std::filesystem::last_write_time(path_, ec);
      if (ec) return FailFeed("no time: no feed.updated, none in the file name, no file time");
      // The file clock's epoch is not the system clock's everywhere: through "now" on both.
      const auto sys = std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(
                           ft - std::filesystem::file_time_type::clock::now());
      s.taken = std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
      s.taken_from = "file mtime";
    }
    for (ChartReject& r : entry_rejects_) {
      if (!Reject(std::move(r))) return false;
    }
    entry_rejects_.clear();
    if (entries_.empty()) {
      return Reject({feed_line_, "a feed without entries (" + s.store + " " + s.kind + " " +
                                     s.country + " " + FormatTimestamp(s.taken) + "): nothing kept",
                     ""});
    }
    s.entries = std::move(entries_);
    entries_.clear();
    ++summary_.snapshots;
    summary_.entries += s.entries.size();
    Status st = sink_->Add(std::move(s));
    return st.ok() || Fail(st.message());
  }

  bool Reject(ChartReject r) {
    ++summary_.rejects;
    Status s = sink_->Reject(std::move(r));
    return s.ok() || Fail(s.message());
  }

  bool FailFeed(std::string why) {
    if (error_.empty()) {
      error_ = std::move(why);
      error_line_ = feed_line_;
    }
    return false;
  }
  bool Fail(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_line_ = cursor_->line();
    }
    return false;
  }

  static inline const std::string kNone;
  const std::string& path_;
  const FeedReadOptions& options_;
  SnapshotSink* sink_;
  std::vector<Frame> stack_;
  std::vector<Field> entry_, feed_fields_;
  std::vector<SnapshotEntry> entries_;
  std::vector<ChartReject> entry_rejects_;
  std::vector<std::string> kinds_;
  std::optional<FeedLayout> feed_layout_, layout_;
  uint64_t ordinal_ = 0, feeds_ = 0, feed_line_ = 0;
  FeedFileSummary summary_;
};

// Up to `max` bytes of a file's decompressed start.
std::string FileStart(const std::string& path, size_t max) {
  auto src = OpenByteSource(path);
  if (!src.ok()) return "";
  std::string out(max, '\0');
  size_t got = 0;
  while (got < max) {
    auto n = (*src)->Read(out.data() + got, max - got);
    if (!n.ok() || *n == 0) break;
    got += *n;
  }
  out.resize(got);
  return out;
}

}  // namespace

std::string FeedLayoutName(FeedLayout layout) {
  return layout == FeedLayout::kItunesRss ? "iTunes RSS feed" : "Apple Marketing Tools RSS feed";
}

std::optional<int64_t> ParseFeedTime(std::string_view s) {
  s = Trim(s);
  if (auto t = ParseTimestamp(s)) return t;
  return ParseRfc2822(s);
}

std::optional<int64_t> TimestampOfFileName(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  // Digits of the name with their separators: find YYYY[-]MM[-]DD[T_ -]HH[-:]MM([-:]SS)?
  for (size_t i = 0; i + 8 <= name.size(); ++i) {
    if (i > 0 && std::isdigit(static_cast<unsigned char>(name[i - 1]))) continue;
    size_t p = i;
    auto digits = [&](size_t n) -> std::optional<int> {
      if (p + n > name.size()) return std::nullopt;
      int v = 0;
      for (size_t k = 0; k < n; ++k) {
        const char c = name[p + k];
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        v = v * 10 + (c - '0');
      }
      p += n;
      return v;
    };
    auto sep = [&](const char* allowed) {
      if (p < name.size() && std::strchr(allowed, name[p]) && name[p] != '\0') ++p;
    };
    const auto y = digits(4);
    if (!y) continue;
    sep("-");
    const auto mo = digits(2);
    if (!mo) continue;
    sep("-");
    const auto d = digits(2);
    if (!d) continue;
    if (p >= name.size() || !std::strchr("T_- t", name[p])) continue;
    ++p;
    const auto h = digits(2);
    if (!h) continue;
    sep("-:");
    const auto mi = digits(2);
    if (!mi) continue;
    int sec = 0;
    const size_t before_sec = p;
    sep("-:");
    if (const auto ss = digits(2)) sec = *ss;
    else p = before_sec;
    if (p < name.size() && std::isdigit(static_cast<unsigned char>(name[p]))) continue;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", *y, *mo, *d);
    const auto day = ParseDate(buf);
    if (!day || *h > 23 || *mi > 59 || sec > 59) continue;
    return static_cast<int64_t>(*day) * 86400 + *h * 3600 + *mi * 60 + sec;
  }
  return std::nullopt;
}

JsonKind SniffJsonFile(const std::string& path) {
  const std::string head = FileStart(path, 64 << 10);
  std::string_view s = head;
  if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.remove_prefix(3);
  auto skip_ws = [&] {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) s.remove_prefix(1);
  };
  skip_ws();
  // A script: `var data = [`.
  for (const char* kw : {"var ", "let ", "const "}) {
    if (s.rfind(kw, 0) == 0) {
      const size_t eq = s.find('=');
      if (eq == std::string_view::npos || eq > 80) return JsonKind::kOther;
      s.remove_prefix(eq + 1);
      skip_ws();
      if (s.empty() || s[0] != '[') return JsonKind::kOther;
      const size_t close = s.find('}');
      return s.substr(0, close).find("\"woc\"") != std::string_view::npos ? JsonKind::kNumberOnes
                                                                          : JsonKind::kOther;
    }
  }
  if (s.empty()) return JsonKind::kOther;
  const bool array = s[0] == '[';
  if (array) {
    s.remove_prefix(1);
    skip_ws();
  }
  if (s.empty() || s[0] != '{') return JsonKind::kOther;
  s.remove_prefix(1);
  skip_ws();
  if (s.rfind("\"feed\"", 0) == 0) return JsonKind::kStoreFeed;
  if (array && s.substr(0, s.find('}')).find("\"woc\"") != std::string_view::npos)
    return JsonKind::kNumberOnes;
  return JsonKind::kOther;
}

Result<FeedFileSummary> StreamStoreFeed(const std::string& path, const FeedReadOptions& options,
                                        SnapshotSink* sink, std::vector<ChartIssue>* issues) {
  const std::string name = std::filesystem::path(path).filename().string();
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  Fingerprinter fp;
  JsonCursor cursor(src.get(), &fp);
  FeedReader reader(&cursor, path, options, sink);
  const bool ok = nlohmann::json::sax_parse(JsonIterator{&cursor}, JsonIterator{}, &reader);
  if (!ok || !reader.error().empty()) {
    issues->push_back({name, reader.error_line(), reader.error()});
    return Status::DataError("not a readable store feed: " + path);
  }
  if (reader.feeds() == 0) {
    issues->push_back({name, 0,
                       "not a store feed: a JSON document without {\"feed\": {\"entry\": […]}} "
                       "or {\"feed\": {\"results\": […]}}"});
    return Status::DataError("not a store feed: " + path);
  }
  if (reader.summary().snapshots == 0) {
    issues->push_back({name, 0, "no feed with entries"});
    return Status::DataError("no feed entries in " + path);
  }
  ENCORE_RETURN_IF_ERROR(cursor.Drain());
  FeedFileSummary summary = std::move(reader.summary());
  summary.layout = reader.layout().value_or(FeedLayout::kItunesRss);
  summary.fingerprint = fp.Hex();
  return summary;
}

}  // namespace encore
