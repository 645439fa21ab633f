// Sales (shared spec §2) and airplay (§3): the inputs charts need besides plays. Ingested with
// the guarantees of plays — every line validated, a bad one rejected with file, line and reason
// and kept, each file counted exactly once (by content), one atomic commit per file — and kept
// in the store directory (sales.sqlite), summed per hour, store, country, item and format (sales)
// and per day, country and track (airplay). See doc/charts.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "encore/date.h"
#include "encore/status.h"

namespace encore {

enum class ExtraInput { kSales, kAirplay };

// kSales or kAirplay when the file's header (after decompression) is that of §2 or §3;
// nullopt for any other file.
Result<std::optional<ExtraInput>> DetectExtraInput(const std::string& path);

struct ExtraReject {
  uint64_t line = 0;
  std::string reason, text;
};

struct ExtraInputReport {
  std::string path;
  ExtraInput kind = ExtraInput::kSales;
  bool already_ingested = false;
  uint64_t lines = 0, rows = 0;              // data lines read; rows taken in
  uint64_t units = 0;                        // sales units or airplay audience taken in
  std::vector<ExtraReject> rejects;          // every rejected line (also kept in the store)
  std::optional<int64_t> first_ts, last_ts;  // UTC seconds of the first and last row taken
};

// Reads, validates and commits one sales or airplay file into store_dir/sales.sqlite. A file
// whose content was taken in before is a no-op. In strict mode the first bad line stops the file
// (kDataError naming it) and nothing of it is kept.
Result<ExtraInputReport> IngestExtraInput(const std::string& store_dir, const std::string& path,
                                          bool strict);

// Reading sales and airplay back, for charts.
class SalesData {
 public:
  virtual ~SalesData() = default;
  // Units per item sold in [from, to] (UTC seconds, inclusive) of a format (`track` or `album`),
  // in a country (empty: every country) at a store (empty: every store).
  virtual Result<std::map<std::string, int64_t>> Units(int64_t from, int64_t to,
                                                       const std::string& format,
                                                       const std::string& country,
                                                       const std::string& store) = 0;
  // Audience per track on the days [from, to], in a country (empty: every country).
  virtual Result<std::map<std::string, int64_t>> Audience(Day from, Day to,
                                                          const std::string& country) = 0;
  // The countries with sales at a store (empty: any) in [from, to].
  virtual Result<std::vector<std::string>> Countries(int64_t from, int64_t to,
                                                     const std::string& store) = 0;
  // The rejected lines of every file taken in: (path, reject).
  virtual Result<std::vector<std::pair<std::string, ExtraReject>>> Rejects() = 0;
};
// nullptr (not an error) when the store has never taken in sales or airplay.
Result<std::unique_ptr<SalesData>> OpenSalesData(const std::string& store_dir);

}  // namespace encore
