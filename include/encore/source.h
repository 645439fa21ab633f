// What one ingested input file contributed: its counters, and the lines it rejected.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace encore {

// Why a line was not counted. Names (RejectReasonName) are stable: they appear in summaries, in
// the rejects listing and in doc/ingest.md.
enum class RejectReason : uint8_t {
  kBadCsv = 0,     // wrong number of fields, stray quote, unterminated quote
  kBadJson,        // not a JSON object, or a key of the wrong type
  kMissingField,   // a required field is absent or empty
  kBadTimestamp,   // ts is not ISO-8601 with a zone, or outside 1970..2149
  kBadUser,        // user not 1..64 bytes
  kBadTrack,       // track not 1..64 bytes
  kBadMsPlayed,    // ms_played not an integer 0..86,400,000
  kBadCountry,     // not an assigned ISO 3166-1 alpha-2 code in upper case (or ZZ)
  kBadTier,        // tier not premium/free (plays) or premium/free/empty (totals)
  kBadService,     // service not [a-z0-9_]{1,32}, or more than 32 services in one store
  kBadDate,        // date not a real YYYY-MM-DD in 1970..2149
  kBadStreams,     // streams not an integer 0..10^15
  kLate,           // a play for a day already sealed
  kRecordTooLong,  // a record over 1 MiB (a runaway quote, an endless line): cut at the next
                   // line end (JSON documents: at the end of the entry); its text is kept up to
                   // 1 MiB
  kImplausibleTime,  // a time before the earliest plausible one or after now plus a margin
  kCount
};
inline constexpr size_t kRejectReasonCount = static_cast<size_t>(RejectReason::kCount);
std::string_view RejectReasonName(RejectReason r);
std::optional<RejectReason> ParseRejectReason(std::string_view name);

// Why an entry of a personal history was skipped by rule (it is not a play of music). Names
// (SkipKindName) are stable: they appear in summaries and in doc/ingest.md.
enum class SkipKind : uint8_t {
  kPodcast = 0,  // a podcast episode (Spotify: an entry naming an episode)
  kAudiobook,    // an audiobook chapter (Spotify: an entry naming an audiobook)
  kVideo,        // a video: YouTube (not YouTube Music) in a Google Takeout history; Apple
                 // Music's video items
  kNotPlayEvent, // a row that records no finished play (Apple Music: an event other than PLAY_END)
  kNowPlaying,   // a track still playing when the page was fetched (Last.fm API), with no time
  kCount
};
inline constexpr size_t kSkipKindCount = static_cast<size_t>(SkipKind::kCount);
std::string_view SkipKindName(SkipKind k);
std::optional<SkipKind> ParseSkipKind(std::string_view name);

// Counters for one input file (or a sum of them).
struct SourceSummary {
  uint64_t lines = 0;        // physical lines read (records for JSON arrays)
  uint64_t blank_lines = 0;  // empty lines, skipped
  uint64_t plays = 0;        // valid play records (or valid totals rows)
  uint64_t streams = 0;      // plays at or over the stream threshold, before the cap
  uint64_t counted = 0;      // streams that counted, after the cap (totals: sum of streams)
  uint64_t capped = 0;       // streams over the per-day cap, not counted
  uint64_t short_plays = 0;  // plays under the threshold
  uint64_t skipped = 0;      // entries skipped by rule (personal histories: not a play of music)
  std::array<uint64_t, kSkipKindCount> skipped_by{};  // by kind
  // Personal histories: streams an earlier export (or an earlier entry of this file) already took
  // in; counted once, not again.
  uint64_t duplicates = 0;
  uint64_t rejected = 0;     // lines rejected, all reasons
  std::array<uint64_t, kRejectReasonCount> rejected_by{};  // by reason
  uint64_t tracks = 0;                                     // distinct track ids seen
  uint64_t unmatched_tracks = 0;                           // of which not in the catalog
  int32_t first_day = -1;  // first and last UTC day counted, -1 when none
  int32_t last_day = -1;

  void Add(const SourceSummary& o);
};

// Whether a source kind is a personal listening history (exactly once per play, never late).
bool IsHistoryKind(std::string_view kind);

// One rejected line, kept unchanged.
struct RejectRecord {
  uint64_t line = 0;  // 1-based physical line where the record starts
  RejectReason reason = RejectReason::kBadCsv;
  std::string text;  // the record as it was in the file, without its line end
};

// An input file the store has taken in, exactly once, by content fingerprint.
struct SourceRecord {
  std::string fingerprint;  // 32 hex digits: XXH3-128 of the decompressed content
  // A cheap look at the file as stored: its size and XXH3-64 of its first and last 64 KiB. A new
  // file with a known probe is fingerprinted (no parsing) to tell a re-ingest fast.
  std::string probe;
  std::string path;         // as given on the command line
  // "plays-csv", "plays-jsonl", "daily-csv", or a personal history (IsHistoryKind): see
  // doc/ingest.md
  std::string kind;
  std::string ingested_at;  // UTC timestamp of the commit
  uint64_t generation = 0;  // the store generation that committed it
  SourceSummary summary;
};

}  // namespace encore
