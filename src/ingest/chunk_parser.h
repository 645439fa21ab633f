// Parses one chunk of an input file (a run of whole records) into records, counters and
// rejects. One ChunkParser per thread and chunk; chunks are merged by the ingester in order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encore/date.h"
#include "encore/keys.h"
#include "encore/source.h"
#include "ingest/interner.h"
#include "ingest/records.h"

namespace encore {

// Which field is in which CSV column (-1: absent). Filled from the header.
struct CsvLayout {
  enum class Kind { kPlays, kTotals } kind = Kind::kPlays;
  int ts = -1, user = -1, track = -1, ms_played = -1, country = -1, tier = -1, service = -1;
  int date = -1, streams = -1;
  size_t columns = 0;
};

struct ParseRules {
  uint32_t min_ms = 30000;
  std::optional<Day> sealed_before;
  std::string_view default_service;
};

struct PlayFields {
  std::string_view ts, user, track, ms_played, country, tier, service;
};

class ChunkParser {
 public:
  explicit ChunkParser(const ParseRules& rules) : rules_(rules) {}

  void ParseCsv(std::string_view chunk, uint64_t first_line, const CsvLayout& layout);
  void ParseJsonLines(std::string_view chunk, uint64_t first_line);

  // Validates one play and records it; returns false (and records the reject) when invalid.
  bool AddPlay(const PlayFields& f, uint64_t line, std::string_view raw);
  void Reject(RejectReason reason, uint64_t line, std::string_view raw);

  Interner& tracks() { return tracks_; }
  Interner& services() { return services_; }
  DayBuckets& days() { return days_; }
  std::vector<RejectRecord>& rejects() { return rejects_; }
  SourceSummary& summary() { return summary_; }

 private:
  void AddTotal(const std::vector<std::string_view>& fields, const CsvLayout& layout, uint64_t line,
                std::string_view raw);
  DayBucket& Bucket(Day day);
  void ParseCsvRecord(std::string_view raw, uint64_t line, const CsvLayout& layout,
                      std::vector<std::string_view>* fields, std::string* scratch,
                      bool single_line);

  ParseRules rules_;
  Interner tracks_;
  Interner services_;
  DayBuckets days_;
  Day last_day_ = -1;
  DayBucket* last_bucket_ = nullptr;
  std::vector<RejectRecord> rejects_;
  SourceSummary summary_;
};

// Parses a CSV header into a layout; an error message naming what is missing otherwise.
std::optional<CsvLayout> ParseCsvHeader(std::string_view header, std::string* error);

}  // namespace encore
