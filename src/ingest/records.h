// The compact records that parsing produces and counting consumes.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "encore/date.h"
#include "encore/store.h"  // PlayRec, TotalRec

namespace encore {

// A play's cell with this bit is a listen-only record: a play shorter than the store's minimum
// length, kept only when the store counts every play's user as a listener
// (CountingRules::every_play_listens). CountDay adds its listener and counts nothing.
inline constexpr uint64_t kListenOnly = uint64_t{1} << 62;

// Records of a day set aside in a file's SpillFile: `count` records from byte `offset`.
struct SpilledRun {
  uint64_t offset;
  uint64_t count;
};

// A day's records. A chunk's parser fills `plays` and `totals`; a file's reader keeps each
// chunk's as a run of its own (no copy as the file grows), and spilled runs on disk, until
// GatherDay (ingest/file_reader.h) puts them together to be counted.
struct DayBucket {
  std::vector<PlayRec> plays;
  std::vector<TotalRec> totals;
  std::vector<std::vector<PlayRec>> play_runs;
  std::vector<std::vector<TotalRec>> total_runs;
  std::vector<SpilledRun> spilled_plays, spilled_totals;
  bool empty() const {
    return plays.empty() && totals.empty() && play_runs.empty() && total_runs.empty() &&
           spilled_plays.empty() && spilled_totals.empty();
  }
};

using DayBuckets = std::unordered_map<Day, DayBucket>;

// A stream of a personal history, as parsed. Track and service ids are chunk-local until the
// ingester maps them; the ingester keeps it only if the listener's history does not hold it yet
// (same start and ident).
struct HistoryRec {
  int64_t start_ms;  // UTC epoch milliseconds
  uint64_t ident;    // XXH3-64 of what names the track in the export
  uint64_t user;     // XXH3-64 of the user id, bit 0 cleared
  uint32_t track;
  uint16_t country;
  uint8_t service;
  uint8_t tier : 1;  // 0 premium, 1 free
  // A play shorter than the store's minimum length, kept because the store counts every play's
  // user as a listener (CountingRules::every_play_listens): it adds its listener only, and is
  // not kept in the listener's history (a listener added twice is one listener). (Bit fields:
  // the record stays 32 bytes, a million of them a 1 GB history.)
  uint8_t listen_only : 1;
};
static_assert(sizeof(HistoryRec) == 32);

}  // namespace encore
