#include "ingest/chunk_parser.h"

#include "ingest/json_parsers.h"

#include <algorithm>
#include <type_traits>

#include "catalog/names.h"
#include "common/csv_scanner.h"
#include "common/hash.h"
#include "common/strings.h"
#include "common/text.h"
#include "common/track_table.h"

namespace encore {
namespace {

// Parses a non-negative decimal integer of at most 18 digits, no sign, no spaces.
bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    const unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

bool ValidService(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

constexpr uint64_t kMaxStreams = 1000000000000000ULL;  // 10^15 a row
constexpr size_t kMaxNameBytes = 1024;                 // an artist or a title of a history entry

}  // namespace

std::string HistoryTrackKey(std::string_view id, std::string_view artist, std::string_view title) {
  std::string key;
  key.reserve(3 + id.size() + artist.size() + title.size());
  key += '\x1e';
  key += id;
  key += '\x1f';
  key += artist;
  key += '\x1f';
  key += title;
  return key;
}

HistoryTrackParts SplitHistoryTrackKey(std::string_view key) {
  HistoryTrackParts p;
  if (key.empty() || key[0] != '\x1e') {
    p.id = key;
    return p;
  }
  key.remove_prefix(1);
  const size_t a = key.find('\x1f');
  const size_t b = a == std::string_view::npos ? a : key.find('\x1f', a + 1);
  if (b == std::string_view::npos) {
    p.id = key;
    return p;
  }
  p.id = key.substr(0, a);
  p.artist = key.substr(a + 1, b - a - 1);
  p.title = key.substr(b + 1);
  return p;
}

ChunkParser::ChunkParser(const ParseRules& rules) : rules_(rules) {}
ChunkParser::~ChunkParser() = default;

ChunkParser::JsonParsers& ChunkParser::Json() {
  if (!json_) json_ = std::make_unique<JsonParsers>();
  return *json_;
}

void ChunkParser::ResetOutputs() {
  FlushTracks();
  pending_.Clear();
  days_.clear();
  last_day_ = -1;
  last_bucket_ = nullptr;
  history_.clear();
  rejects_.Clear();
  summary_ = SourceSummary{};
}

DayBucket& ChunkParser::Bucket(Day day) {
  if (day != last_day_) {
    last_bucket_ = &days_[day];
    last_day_ = day;
  }
  return *last_bucket_;
}

uint64_t ChunkParser::TrackBits(std::string_view name, uint64_t hash) {
  if (rules_.tracks != nullptr) {
    const uint32_t id = rules_.tracks->Find(name, hash);
    if (id != TrackTable::kNone) return uint64_t{id} << kCountryBits;
  }
  return kPendingTrack | (uint64_t{pending_.Intern(name, hash)} << kCountryBits);
}

template <typename Rec>
void ChunkParser::SetTrackOfLast(std::vector<Rec>* records, std::string_view name) {
  const uint64_t hash = Hash64(name);
  const bool in_chunk = name.data() >= chunk_.data() && name.data() < chunk_.data() + chunk_.size();
  if (!in_chunk) {
    records->back().cell |= TrackBits(name, hash);
    return;
  }
  if (rules_.tracks != nullptr) rules_.tracks->Prefetch(hash);
  Deferred& d = deferred_[n_deferred_++];
  d = {nullptr, nullptr, records->size() - 1, name, hash};
  if constexpr (std::is_same_v<Rec, PlayRec>) {
    d.plays = records;
  } else {
    d.totals = records;
  }
  if (n_deferred_ == kDeferred) FlushTracks();
}

void ChunkParser::FlushTracks() {
  for (size_t i = 0; i < n_deferred_; ++i) {
    const Deferred& d = deferred_[i];
    uint64_t& cell = d.plays ? (*d.plays)[d.index].cell : (*d.totals)[d.index].cell;
    cell |= TrackBits(d.name, d.hash);
  }
  n_deferred_ = 0;
}

void ChunkParser::Reject(RejectReason reason, uint64_t line, std::string_view raw) {
  ++summary_.rejected;
  ++summary_.rejected_by[static_cast<size_t>(reason)];
  rejects_.Add(line, reason, raw.substr(0, kMaxRecordBytes));
  if (may_give_up_ && summary_.rejected >= kGiveUpAfter && NothingRead()) gave_up_ = true;
}

bool ChunkParser::NothingRead() const {
  const uint64_t readable =
      summary_.rejected_by[static_cast<size_t>(RejectReason::kLate)] +
      summary_.rejected_by[static_cast<size_t>(RejectReason::kImplausibleTime)];
  return summary_.plays + summary_.skipped == 0 && summary_.rejected > readable;
}

void ChunkParser::Skip(SkipKind kind) {
  ++summary_.skipped;
  ++summary_.skipped_by[static_cast<size_t>(kind)];
}

bool ChunkParser::AddPlay(const PlayFields& f, uint64_t line, std::string_view raw) {
  if (f.ts.empty() || f.user.empty() || f.track.empty() || f.ms_played.empty() ||
      f.country.empty() || f.tier.empty()) {
    Reject(RejectReason::kMissingField, line, raw);
    return false;
  }
  const std::optional<int64_t> ts = ParseTimestamp(f.ts);
  const Day day = ts ? DayOfEpochSecond(*ts) : -1;
  if (!ts || day < 0 || day > kMaxStoredDay) {
    Reject(RejectReason::kBadTimestamp, line, raw);
    return false;
  }
  if (f.user.size() > 64 || !CleanText(f.user)) {
    Reject(RejectReason::kBadUser, line, raw);
    return false;
  }
  if (f.track.size() > 64 || !CleanText(f.track)) {
    Reject(RejectReason::kBadTrack, line, raw);
    return false;
  }
  uint64_t ms;
  if (!ParseUint(f.ms_played, &ms) || ms > 86400000) {
    Reject(RejectReason::kBadMsPlayed, line, raw);
    return false;
  }
  const std::optional<CountryCode> country = ParseCountry(f.country, false);
  if (!country) {
    Reject(RejectReason::kBadCountry, line, raw);
    return false;
  }
  uint64_t tier_bit;
  if (f.tier == "premium") {
    tier_bit = 0;
  } else if (f.tier == "free") {
    tier_bit = 1;
  } else {
    Reject(RejectReason::kBadTier, line, raw);
    return false;
  }
  const std::string_view service = f.service.empty() ? rules_.default_service : f.service;
  if (!ValidService(service)) {
    Reject(RejectReason::kBadService, line, raw);
    return false;
  }
  if (rules_.sealed_before && day < *rules_.sealed_before) {
    Reject(RejectReason::kLate, line, raw);
    return false;
  }
  if (*ts < rules_.earliest_ms / 1000 || *ts > rules_.latest_ms / 1000) {
    Reject(RejectReason::kImplausibleTime, line, raw);
    return false;
  }
  ++summary_.plays;
  uint64_t listen_only = 0;
  if (ms < rules_.min_ms) {
    ++summary_.short_plays;
    if (!rules_.short_plays_listen) return true;
    listen_only = kListenOnly;
  } else {
    ++summary_.streams;
  }
  const uint32_t service_id = services_.Intern(service);
  std::vector<PlayRec>& plays = Bucket(day).plays;
  plays.push_back({MakeCell(service_id, 0, *country) | listen_only,
                   (Hash64(f.user) & ~uint64_t{1}) | tier_bit});
  SetTrackOfLast(&plays, f.track);
  return true;
}

void ChunkParser::AddHistoryPlay(const HistoryFields& f, uint64_t line, std::string_view raw) {
  const std::string_view user = rules_.history_user.empty() ? f.user : rules_.history_user;
  if (user.empty()) {  // the whole file fails: see missing_user_line()
    if (missing_user_line_ == 0) missing_user_line_ = line;
    return;
  }
  if (Trim(f.id).empty() && Trim(f.title).empty()) {  // spaces name no track
    Reject(RejectReason::kMissingField, line, raw);
    return;
  }
  // In doc/ingest.md's order, but for ms_played first: the start is computed from it.
  if (f.ms_played > 86400000) {
    Reject(RejectReason::kBadMsPlayed, line, raw);
    return;
  }
  const Day day = DayOfEpochMillis(f.start_ms);
  if (day < 0 || day > kMaxStoredDay) {
    Reject(RejectReason::kBadTimestamp, line, raw);
    return;
  }
  if (user.size() > 64 || !CleanText(user)) {
    Reject(RejectReason::kBadUser, line, raw);
    return;
  }
  if (f.id.size() > 64 || f.artist.size() > kMaxNameBytes || f.title.size() > kMaxNameBytes ||
      !CleanText(f.id) || !CleanText(f.artist) || !CleanText(f.title)) {
    Reject(RejectReason::kBadTrack, line, raw);
    return;
  }
  const std::optional<CountryCode> country =
      f.country.empty() ? ParseCountry("ZZ", false) : ParseCountry(f.country, false);
  if (!country) {
    Reject(RejectReason::kBadCountry, line, raw);
    return;
  }
  if (f.start_ms < rules_.earliest_ms || f.start_ms > rules_.latest_ms) {
    Reject(RejectReason::kImplausibleTime, line, raw);
    return;
  }
  ++summary_.plays;
  bool listen_only = false;
  if (f.ms_played >= 0 && static_cast<uint64_t>(f.ms_played) < rules_.min_ms) {
    ++summary_.short_plays;
    if (!rules_.short_plays_listen) return;
    listen_only = true;
  } else {
    ++summary_.streams;
  }
  key_ = HistoryTrackKey(f.id, f.artist, f.title);
  HistoryRec r;
  r.track = tracks_.Intern(key_);
  if (r.track == idents_.size()) {
    // What the play is of, the same in every export and layout of the account: its song key
    // (catalog/names.h: spelling, case, spaces and version parts do not matter) where the entry
    // names the track, else its id. Spotify's old layout names no URI and the new one does; a
    // play of the same start in both is one play.
    idents_.push_back(f.artist.empty() && f.title.empty()
                          ? Hash64(f.id)
                          : Hash64("\x1f" + SongKey(f.artist, f.title)));
  }
  r.start_ms = f.start_ms;
  r.ident = idents_[r.track];
  r.user = Hash64(user) & ~uint64_t{1};
  r.country = *country;
  r.service = static_cast<uint8_t>(services_.Intern(FormatService(rules_.format)));
  r.tier = rules_.history_tier == Tier::kFree ? 1 : 0;
  r.listen_only = listen_only ? 1 : 0;
  history_.push_back(r);
}

void ChunkParser::AddTotal(const std::vector<std::string_view>& fields, const CsvLayout& l,
                           uint64_t line, std::string_view raw) {
  const std::string_view date = fields[static_cast<size_t>(l.date)];
  const std::string_view country_s = fields[static_cast<size_t>(l.country)];
  const std::string_view track = fields[static_cast<size_t>(l.track)];
  const std::string_view streams_s = fields[static_cast<size_t>(l.streams)];
  const std::string_view tier_s = fields[static_cast<size_t>(l.tier)];
  const std::string_view service_s = l.service >= 0 ? fields[static_cast<size_t>(l.service)] : "";
  if (date.empty() || country_s.empty() || track.empty() || streams_s.empty()) {
    Reject(RejectReason::kMissingField, line, raw);
    return;
  }
  TotalsCache& cache = totals_cache_;
  if (!cache.dated || date != cache.date) {
    cache.dated = false;
    const std::optional<Day> day = ParseDate(date);
    if (!day || *day < 0 || *day > kMaxStoredDay) {
      Reject(RejectReason::kBadDate, line, raw);
      return;
    }
    const int64_t day_ms = int64_t{*day} * 86400000;  // the day is plausible if any of it is
    if (day_ms + 86400000 <= rules_.earliest_ms || day_ms > rules_.latest_ms) {
      Reject(RejectReason::kImplausibleTime, line, raw);
      return;
    }
    cache.date.assign(date);
    cache.day = *day;
    cache.dated = true;
  }
  const Day day = cache.day;
  if (!cache.placed || country_s != cache.country) {
    cache.placed = false;
    const std::optional<CountryCode> country = ParseCountry(country_s, true);
    if (!country) {
      Reject(RejectReason::kBadCountry, line, raw);
      return;
    }
    cache.country.assign(country_s);
    cache.code = *country;
    cache.placed = true;
  }
  const CountryCode country = cache.code;
  if (track.size() > 64 || !CleanText(track)) {
    Reject(RejectReason::kBadTrack, line, raw);
    return;
  }
  uint64_t streams;
  if (!ParseUint(streams_s, &streams) || streams > kMaxStreams) {
    Reject(RejectReason::kBadStreams, line, raw);
    return;
  }
  Tier tier;
  if (tier_s == "premium")
    tier = Tier::kPremium;
  else if (tier_s == "free")
    tier = Tier::kFree;
  else if (tier_s.empty())
    tier = Tier::kUnknown;
  else {
    Reject(RejectReason::kBadTier, line, raw);
    return;
  }
  const std::string_view service = service_s.empty() ? rules_.default_service : service_s;
  if (!cache.served || service != cache.service) {
    cache.served = false;
    if (!ValidService(service)) {
      Reject(RejectReason::kBadService, line, raw);
      return;
    }
    cache.service.assign(service);
    cache.served = true;
    cache.interned = false;
  }
  ++summary_.plays;
  summary_.streams += streams;
  if (streams == 0) return;
  // A service is known to the store only once it has streams.
  if (!cache.interned) {
    cache.service_id = services_.Intern(cache.service);
    cache.interned = true;
  }
  std::vector<TotalRec>& totals = Bucket(day).totals;
  totals.push_back({MakeCell(cache.service_id, 0, country), static_cast<int64_t>(streams),
                    static_cast<uint8_t>(tier)});
  SetTrackOfLast(&totals, track);
}

void ChunkParser::ParseCsv(std::string_view chunk, uint64_t first_line, const CsvLayout& layout) {
  chunk_ = chunk;
  CsvRecordReader reader(chunk, first_line, true);
  CsvRecordReader::Record rec;
  std::vector<std::string_view> fields;
  std::string scratch;
  while (!gave_up_ && reader.Next(&rec)) {
    const bool multi_line = rec.lines > 1;
    summary_.lines += rec.lines;
    if (multi_line && (rec.too_long || !SplitCsv(rec.raw, &fields, &scratch) ||
                       fields.size() != layout.columns)) {
      // A stray quote opened a field that swallowed the following lines: take the lines one by
      // one instead, so that only the broken one is rejected.
      std::string_view rest = rec.raw;
      for (uint64_t line = rec.line; !rest.empty() || line == rec.line; ++line) {
        const size_t nl = rest.find('\n');
        std::string_view one = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (!one.empty() && one.back() == '\r') one.remove_suffix(1);
        ParseCsvRecord(one, line, layout, &fields, &scratch, /*single_line=*/true);
        if (nl == std::string_view::npos) break;
      }
      continue;
    }
    if (rec.too_long) {
      Reject(RejectReason::kRecordTooLong, rec.line, rec.raw);
      continue;
    }
    ParseCsvRecord(rec.raw, rec.line, layout, &fields, &scratch, false);
  }
  FlushTracks();
  chunk_ = {};
}

void ChunkParser::ParseCsvRecord(std::string_view raw, uint64_t line, const CsvLayout& layout,
                                 std::vector<std::string_view>* fields_ptr, std::string* scratch,
                                 bool single_line) {
  std::vector<std::string_view>& fields = *fields_ptr;
  if (raw.empty()) {
    ++summary_.blank_lines;
    return;
  }
  if (raw.size() > kMaxRecordBytes) {
    Reject(RejectReason::kRecordTooLong, line, raw);
    return;
  }
  // A single line cut out of a broken multi-line record may not open a quote it cannot close.
  if (!SplitCsv(raw, &fields, scratch) || fields.size() != layout.columns ||
      (single_line && raw.find('\n') != std::string_view::npos)) {
    Reject(RejectReason::kBadCsv, line, raw);
    return;
  }
  if (IsHistory(rules_.format)) {
    AddCsvHistory(fields, layout, line, raw);
    return;
  }
  if (layout.date >= 0) {  // daily totals (ParseCsvHeader gave them their columns)
    AddTotal(fields, layout, line, raw);
    return;
  }
  PlayFields f;
  f.ts = fields[static_cast<size_t>(layout.ts)];
  f.user = fields[static_cast<size_t>(layout.user)];
  f.track = fields[static_cast<size_t>(layout.track)];
  f.ms_played = fields[static_cast<size_t>(layout.ms_played)];
  f.country = fields[static_cast<size_t>(layout.country)];
  f.tier = fields[static_cast<size_t>(layout.tier)];
  if (layout.service >= 0) f.service = fields[static_cast<size_t>(layout.service)];
  AddPlay(f, line, raw);
}

void ChunkParser::ParseJsonLines(std::string_view chunk, uint64_t first_line) {
  // The ingester guarantees SIMDJSON_PADDING readable bytes after every chunk.
  CsvRecordReader reader(chunk, first_line, false);
  CsvRecordReader::Record rec;
  while (!gave_up_ && reader.Next(&rec)) {
    ++summary_.lines;
    std::string_view raw = rec.raw;
    if (Trim(raw).empty()) {
      ++summary_.blank_lines;
      continue;
    }
    if (rec.too_long) {
      Reject(RejectReason::kRecordTooLong, rec.line, raw);
      continue;
    }
    ParseJsonEntry(raw, rec.line);
  }
}

void ChunkParser::ParsePlaysObject(std::string_view raw, uint64_t line) {
  PlayFields f;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (!Json().OnDemand(raw, &doc, &obj)) return Reject(RejectReason::kBadJson, line, raw);
  bool bad = false;
  int64_t ms = -1;
  std::string ms_text;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) {
      bad = true;
      break;
    }
    simdjson::ondemand::value v;
    if (field.value().get(v)) {
      bad = true;
      break;
    }
    std::string_view* target = nullptr;
    if (key == "ts")
      target = &f.ts;
    else if (key == "user")
      target = &f.user;
    else if (key == "track")
      target = &f.track;
    else if (key == "country")
      target = &f.country;
    else if (key == "tier")
      target = &f.tier;
    else if (key == "service")
      target = &f.service;
    else if (key == "ms_played") {
      simdjson::ondemand::json_type t;
      if (v.type().get(t)) {
        bad = true;
        break;
      }
      if (t != simdjson::ondemand::json_type::number || v.get_int64().get(ms) || ms < 0) {
        ms_text.assign(1, 'x');  // present but not a non-negative integer
      } else {
        ms_text = std::to_string(ms);
      }
      continue;
    } else {
      continue;  // extra keys are ignored (their values are still validated as JSON)
    }
    std::string_view sv;
    if (v.get_string().get(sv)) {
      simdjson::ondemand::json_type t;
      if (v.type().get(t)) {
        bad = true;
        break;
      }
      if (t == simdjson::ondemand::json_type::null) continue;  // null: as if absent
      *target = "\x01";                                        // a value no validator accepts
      continue;
    }
    // Each string is unescaped to its own place in the parser's buffer, valid until the parser
    // takes the next document: no copy is needed.
    *target = sv;
  }
  const char* trailing = nullptr;
  if (bad || !doc.current_location().get(trailing)) {  // anything after the object is an error
    Reject(RejectReason::kBadJson, line, raw);
    return;
  }
  f.ms_played = ms_text;
  AddPlay(f, line, raw);
}

}  // namespace encore
