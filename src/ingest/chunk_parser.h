// Parses one chunk of an input file (a run of whole records or entries) into records, counters
// and rejects. One ChunkParser per thread and chunk; chunks are merged by the ingester in order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encore/date.h"
#include "encore/keys.h"
#include "common/reject_log.h"
#include "encore/source.h"
#include "ingest/input_format.h"
#include "ingest/interner.h"
#include "ingest/records.h"

namespace encore {

class TimeZone;
class TrackTable;

// A file fails without being read further when this many entries came first and none of them
// could be read (not a file of this kind at all: a binary file, a wrong export).
inline constexpr uint64_t kGiveUpAfter = 1000;

struct ParseRules {
  uint32_t min_ms = 30000;
  // CountingRules::every_play_listens: a play shorter than min_ms is kept as a listen-only
  // record (kListenOnly), which makes its user a listener and counts no stream.
  bool short_plays_listen = false;
  std::optional<Day> sealed_before;  // plays (not personal histories) before it are late
  std::string_view default_service;
  // Plausible times (epoch ms): a play that starts outside [earliest_ms, latest_ms] (a daily total
  // dated outside their days) is rejected as implausible_time and never moves the seal.
  int64_t earliest_ms = 946684800000;  // Default: 2000-01-01T00:00:00Z.
  int64_t latest_ms = INT64_MAX;       // The ingester sets now plus a margin.
  // What the chunk holds, and for personal histories whose plays they are.
  InputFormat format = InputFormat::kPlaysCsv;
  std::string_view history_user;  // --user; empty: the user each entry names
  Tier history_tier = Tier::kPremium;
  const TimeZone* zone = nullptr;  // local wall-clock times (Spotify account data); null: UTC
  // The store ids of the track names the file has shown so far (read only while parsing); null:
  // every name of a play or a daily total is pending (see ChunkParser::pending()).
  const TrackTable* tracks = nullptr;
};

// A play's or a daily total's cell whose track is not a store id yet but an index into its
// parser's pending() names: the ingester maps them when it merges the chunk.
inline constexpr uint64_t kPendingTrack = uint64_t{1} << 63;

struct PlayFields {
  std::string_view ts, user, track, ms_played, country, tier, service;
};

// What an entry of a personal history names, as its format's reader found it.
struct HistoryFields {
  int64_t start_ms = 0;
  int64_t ms_played = -1;  // -1: the format records no duration (a scrobble, a watch): a stream
  std::string_view id;     // a track id the entry names (a URI, an ISRC), or empty
  std::string_view artist, title;
  std::string_view country;  // ISO code; empty: unknown (ZZ)
  std::string_view user;     // the entry's own user, or empty
};

// The interned key of a history entry's track: the id and the names it gives, so that the
// ingester can match them to the catalog once per distinct track. `ident` hashes what names the
// track in the export (the id, else the names): the same in every export of the same account.
std::string HistoryTrackKey(std::string_view id, std::string_view artist, std::string_view title);
struct HistoryTrackParts {
  std::string_view id, artist, title;
};
HistoryTrackParts SplitHistoryTrackKey(std::string_view key);

class ChunkParser {
 public:
  explicit ChunkParser(const ParseRules& rules);
  ~ChunkParser();
  ChunkParser(const ChunkParser&) = delete;
  ChunkParser& operator=(const ChunkParser&) = delete;

  // Records of a CSV chunk (plays, daily totals, or a history in CSV), by `layout`.
  void ParseCsv(std::string_view chunk, uint64_t first_line, const CsvLayout& layout);
  // One JSON value a line; each line is an entry of rules.format.
  void ParseJsonLines(std::string_view chunk, uint64_t first_line);
  // One entry of a JSON document (SIMDJSON_PADDING readable bytes must follow it).
  void ParseJsonEntry(std::string_view entry, uint64_t line);

  // Validates one play and records it; returns false (and records the reject) when invalid.
  bool AddPlay(const PlayFields& f, uint64_t line, std::string_view raw);
  // Validates one play of a personal history and records it.
  void AddHistoryPlay(const HistoryFields& f, uint64_t line, std::string_view raw);
  void Skip(SkipKind kind);
  void Reject(RejectReason reason, uint64_t line, std::string_view raw);

  // Drops what the chunk produced (days, history, rejects, counters) once merged; keeps the
  // interned names, so that a parser can go on with the next chunk of the file.
  void ResetOutputs();

  // The tracks of personal histories, by their HistoryTrackKey (kept for the whole file).
  Interner& tracks() { return tracks_; }
  // The track names of plays and daily totals that ParseRules::tracks did not know, since the
  // last ResetOutputs (cells with kPendingTrack index them).
  const Interner& pending() const { return pending_; }
  Interner& services() { return services_; }
  DayBuckets& days() {
    FlushTracks();
    return days_;
  }
  std::vector<HistoryRec>& history() { return history_; }
  RejectBuffer& rejects() { return rejects_; }
  SourceSummary& summary() { return summary_; }
  // The first line of a history entry that names no user when no --user was given (0: none).
  uint64_t missing_user_line() const { return missing_user_line_; }
  // The second half of a block numbers its lines from 0 until the first half has counted its own.
  void ShiftMissingUserLine(uint64_t shift) {
    if (missing_user_line_) missing_user_line_ += shift;
  }
  // Whether the chunk has entries and none of them could be read (rejects other than `late` and
  // `implausible_time` only).
  bool NothingRead() const;
  // For the parser that reads the start of a file: once kGiveUpAfter entries were rejected and
  // none read, gave_up() is set and the rest of its chunk is not parsed (the file then fails, see
  // file_reader), so that a file that is not what it seems costs neither time nor memory for its
  // rejects. Only the start of a file decides: unreadable entries later on are rejects.
  void set_may_give_up(bool may) { may_give_up_ = may; }
  bool gave_up() const { return gave_up_; }

 private:
  void AddTotal(const std::vector<std::string_view>& fields, const CsvLayout& layout, uint64_t line,
                std::string_view raw);
  void AddCsvHistory(const std::vector<std::string_view>& fields, const CsvLayout& layout,
                     uint64_t line, std::string_view raw);
  void ParsePlaysObject(std::string_view raw, uint64_t line);
  void ParseSpotifyExtended(std::string_view raw, uint64_t line);
  void ParseSpotifyAccount(std::string_view raw, uint64_t line);
  void ParseYouTube(std::string_view raw, uint64_t line);
  void ParseListenBrainz(std::string_view raw, uint64_t line);
  void ParseLastfm(std::string_view raw, uint64_t line);
  // The entries of an array inside a page (Last.fm, ListenBrainz API answers): each is parsed by
  // `one` with its own line.
  template <typename Fn>
  void ForEachNested(std::string_view array_text, std::string_view page, uint64_t page_line,
                     Fn one);
  DayBucket& Bucket(Day day);
  // The track part of a cell: the name's store id, else kPendingTrack and its pending index.
  uint64_t TrackBits(std::string_view name, uint64_t hash);
  // Sets the track of the last record of `records` (plays or daily totals): later, in a run of
  // kDeferred whose table slots were prefetched, when the name lies in the chunk (it stays
  // readable until FlushTracks); at once when it was unescaped to scratch space or read from JSON.
  template <typename Rec>
  void SetTrackOfLast(std::vector<Rec>* records, std::string_view name);
  void FlushTracks();
  void ParseCsvRecord(std::string_view raw, uint64_t line, const CsvLayout& layout,
                      std::vector<std::string_view>* fields, std::string* scratch,
                      bool single_line);

  ParseRules rules_;
  Interner tracks_;
  Interner pending_;
  Interner services_;
  struct Deferred {
    std::vector<PlayRec>* plays;  // the record is a play's, or (null) a daily total's
    std::vector<TotalRec>* totals;
    size_t index;
    std::string_view name;
    uint64_t hash;
  };
  static constexpr size_t kDeferred = 16;
  Deferred deferred_[kDeferred];
  size_t n_deferred_ = 0;
  std::string_view chunk_;  // the CSV chunk being parsed: names inside it may be deferred
  DayBuckets days_;
  Day last_day_ = -1;
  DayBucket* last_bucket_ = nullptr;
  // Daily totals repeat the date, the country and the service of the row before: the last of
  // each, as text, with what it parsed to (a field is parsed again whenever it differs).
  struct TotalsCache {
    std::string date, country, service;
    Day day = 0;
    CountryCode code = 0;
    uint32_t service_id = 0;
    bool dated = false, placed = false, served = false, interned = false;
  } totals_cache_;
  std::vector<HistoryRec> history_;
  RejectBuffer rejects_;
  SourceSummary summary_;
  uint64_t missing_user_line_ = 0;
  bool may_give_up_ = false;
  bool gave_up_ = false;
  // simdjson's parsers, made on first use (ingest/json_parsers.h).
 public:
  struct JsonParsers;

 private:
  std::unique_ptr<JsonParsers> json_;
  JsonParsers& Json();
  std::string key_;              // scratch for HistoryTrackKey
  std::vector<uint64_t> idents_;  // a history track's identity, by its interned id
  std::string page_user_;  // the user of the API page whose entries are being read
  bool in_page_ = false;   // reading the entries of a page (which may not be pages again)
};

}  // namespace encore
