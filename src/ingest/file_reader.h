// Reads one input file into a FileBatch: every record parsed and validated, track and service
// ids mapped to the store's, ready to be counted and committed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "encore/ingest.h"
#include "encore/store.h"
#include "ingest/interner.h"
#include "ingest/records.h"

namespace encore {

// Track and service ids: the store's, then new ones in first-seen order.
class IdMap {
 public:
  IdMap(const CountStore& store);
  uint32_t Track(std::string_view name);
  Result<uint32_t> Service(std::string_view name);
  std::vector<std::string> new_tracks;
  std::vector<std::string> new_services;

 private:
  const CountStore& store_;
  Interner seen_;                                       // every track name met in this file
  std::vector<uint32_t> seen_ids_;                      // its store id, by Interner index
  std::unordered_map<std::string, uint32_t> services_;  // all
  size_t store_tracks_;
};

struct FileBatch {
  std::string kind;  // see SourceRecord::kind
  std::string fingerprint;
  SourceSummary summary;  // counted and capped are filled in by counting
  std::map<Day, DayBucket> days;
  std::vector<RejectRecord> rejects;  // sorted by line
  std::vector<uint32_t> track_ids;    // distinct store track ids seen
  uint64_t unmatched_tracks = 0;      // of those, not in the catalog
};

// The probe of a file (see SourceRecord::probe).
Result<std::string> ProbeFile(const std::string& path);
// The content fingerprint of a file, reading (and decompressing) it without parsing.
Result<std::string> FingerprintFile(const std::string& path);

// Reads and parses `path`. kDataError for a file that cannot be read as any input format,
// and in strict mode for its first bad line.
Result<FileBatch> ReadInputFile(const std::string& path, const CountStore& store, IdMap* ids,
                                const IngestOptions& options);

}  // namespace encore
