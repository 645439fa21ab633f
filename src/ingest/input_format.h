// What an input file is, told from its first bytes (never from its name): plays, daily totals, or
// a personal listening history of one of the services whose exports people have. doc/ingest.md
// lists every format with its fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "encore/status.h"

namespace encore {

enum class InputFormat : uint8_t {
  kPlaysCsv,         // shared spec §1, CSV
  kTotalsCsv,        // shared spec §4
  kPlaysJson,        // shared spec §1, JSON Lines (or a JSON array of the same objects)
  kSpotifyExtended,  // Spotify "Extended streaming history": Streaming_History_Audio_*, endsong_*
  kSpotifyAccount,   // Spotify "Account data": StreamingHistory_music_N, StreamingHistoryN
  kYouTubeTakeout,   // Google Takeout watch-history.json (its YouTube Music entries)
  kAppleMusic,       // Apple's privacy export: Apple Music Play Activity.csv
  kLastfmCsv,        // Last.fm scrobbles as exporters write them (with or without a header)
  kLastfmJson,       // Last.fm API user.getRecentTracks pages
  kListenBrainz,     // ListenBrainz listens (an export's JSON Lines, or a JSON array)
};

// The source kind recorded for a format ("plays-csv", "spotify-extended", ...).
std::string_view FormatKind(InputFormat f);
// The service a personal history's plays are counted under; empty for plays and totals (their
// rows, or --service, say).
std::string_view FormatService(InputFormat f);
bool IsHistory(InputFormat f);

// How entries are delimited.
enum class Framing : uint8_t {
  kCsv,           // RFC 4180 records, one a line (quoted line ends allowed)
  kJsonLines,     // one JSON value a line
  kJsonDocument,  // one JSON document: the elements of its top-level array, or its top-level values
};

// Which field is in which CSV column (-1: absent), from the header.
struct CsvLayout {
  size_t columns = 0;
  bool header = true;  // false: the first line is already a record (Last.fm exports without one)
  // Plays and totals (spec §1, §4).
  int ts = -1, user = -1, track = -1, ms_played = -1, country = -1, tier = -1, service = -1;
  int date = -1, streams = -1;
  // Personal histories.
  int artist = -1, title = -1, description = -1;  // description: "Artist - Title" in one column
  int start = -1, end = -1, uts = -1, when = -1;  // when: Last.fm's "31 Jan 2021 14:05"
  int event_type = -1, media_type = -1, track_id = -1;
};

struct InputShape {
  InputFormat format = InputFormat::kPlaysCsv;
  Framing framing = Framing::kCsv;
  CsvLayout csv;           // kCsv only
  size_t bom = 0;          // bytes of a UTF-8 byte-order mark before the content
  bool cr_only = false;    // lines end in a lone CR (classic Mac): read as if they ended in LF
  size_t entry_limit = 0;  // bytes one entry may have (a larger one is rejected as too long)
};

inline constexpr size_t kMaxEntryBytes = size_t{1} << 20;  // one play: a line or a JSON entry
// A Last.fm or ListenBrainz API page (at most 1,000 plays in one object, about 1 MiB).
inline constexpr size_t kMaxPageBytes = size_t{16} << 20;

// Tells the shape of a file from its first bytes `head` (decompressed; `whole` when that is the
// entire file). kDataError naming the file and what was found when nothing is recognised.
Result<InputShape> SniffInput(std::string_view head, bool whole, const std::string& path);

// The layout of a CSV header of plays or daily totals (spec §1, §4); an error message naming
// what is missing otherwise.
std::optional<CsvLayout> ParseCsvHeader(std::string_view header, std::string* error);

}  // namespace encore
