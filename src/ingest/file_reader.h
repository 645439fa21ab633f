// Reads one input file into a FileBatch: its shape told from its content, every record or entry
// parsed and validated, track and service ids mapped to the store's, ready to be counted and
// committed. Memory stays bounded whatever the input: blocks of a fixed size, no record held past
// its limit, a JSON document streamed entry by entry.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/byte_source.h"
#include "common/reject_log.h"
#include "encore/ingest.h"
#include "encore/store.h"
#include "ingest/interner.h"
#include "ingest/records.h"
#include "ingest/spill.h"
#include "common/track_table.h"

namespace encore {

class TimeZone;

// Track and service ids: the store's, then new ones in first-seen order.
class IdMap {
 public:
  IdMap(const CountStore& store, const Catalog* catalog);
  // The store id of a play's or a daily total's track; `first` is set when the file had not
  // named it before.
  uint32_t Track(std::string_view name, bool* first = nullptr);
  // The store id of a personal history's track (a HistoryTrackKey): the catalog track its names
  // resolve to; else the id it names; else its song key ("song:" + SongKey(artist, title)).
  uint32_t HistoryTrack(std::string_view key);
  Result<uint32_t> Service(std::string_view name);
  std::vector<std::string> new_tracks;
  std::vector<std::string> new_services;
  // The names the file has shown and their store ids (what the parsers look up).
  const TrackTable& table() const { return table_; }

 private:
  uint32_t StoreId(std::string_view name);
  const CountStore& store_;
  const Catalog* catalog_;
  TrackTable table_;                                    // every track name met in this file
  Interner history_keys_;                               // every history track key met
  std::vector<uint32_t> history_ids_;                   // its store id, by Interner index
  std::unordered_map<std::string, uint32_t> services_;  // all
  size_t store_tracks_;
};

struct FileBatch {
  std::string kind;  // see SourceRecord::kind
  std::string fingerprint;
  SourceSummary summary;  // counted and capped are filled in by counting
  std::map<Day, DayBucket> days;
  std::vector<HistoryRec> history;    // personal histories: streams with store ids
  RejectLog rejects;                  // in line order
  std::vector<uint32_t> track_ids;    // distinct store track ids seen
  uint64_t unmatched_tracks = 0;      // of those, not in the catalog
  std::vector<std::string> warnings;  // said to the user, not failures
  std::unique_ptr<SpillFile> spill;   // where runs of days were set aside (null: none were)
};

// Puts a day's runs, held and spilled, into its `plays` and `totals` (each sized once).
// `spill`: the FileBatch's. Safe on several days at once from several threads.
Status GatherDay(DayBucket* bucket, const SpillFile* spill);

// The probe of a file (see SourceRecord::probe).
Result<std::string> ProbeFile(const std::string& path);
// The content fingerprint of a file, reading (and decompressing) it without parsing.
Result<std::string> FingerprintFile(const std::string& path);

// Reads and parses `path`. kDataError for a file that cannot be read as any input format, whose
// entries could none be read, or (strict mode) for its first bad line. `zone`: the time zone of
// local times (null: UTC).
Result<FileBatch> ReadInputFile(const std::string& path, const CountStore& store, IdMap* ids,
                                const IngestOptions& options, const TimeZone* zone);
// The same from any source of bytes (what the fuzzers drive); `path` names it in messages.
Result<FileBatch> ReadInput(ByteSource* src, const std::string& path, const CountStore& store,
                            IdMap* ids, const IngestOptions& options, const TimeZone* zone);

}  // namespace encore
