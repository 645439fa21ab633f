// Applies the counting rule to one day: merges the day's new plays with its saved cap state,
// caps each listener's streams per cell, and turns the change into the day's new counts.
//
// The rule (doc/ingest.md): per (day, service, user, track, country) at most `cap` streams count;
// premium streams are counted before free ones, so the result does not depend on the order in
// which plays or files arrive.
#pragma once

#include <vector>

#include "encore/store.h"
#include "ingest/records.h"

namespace encore {

struct DayCountResult {
  std::vector<CountRow> counts;  // the day's new counts
  std::vector<CapEntry> state;   // the day's new cap state (empty unless keep_state)
  // The (cell, listener) pairs of the new plays that the saved cap state did not hold, sorted:
  // the listeners they add to the day (DayUpdate::listeners).
  std::vector<ListenerPair> listeners;
  uint64_t counted = 0;          // streams of the new plays that counted
  uint64_t capped = 0;           // streams of the new plays over the cap
  int64_t totals = 0;            // streams added by daily totals
};

// `plays` and `totals` carry store ids and are consumed (sorted in place).
DayCountResult CountDay(std::vector<PlayRec>* plays, std::vector<TotalRec>* totals,
                        const std::vector<CountRow>& old_counts,
                        const std::vector<CapEntry>& old_state, uint32_t cap, bool keep_state);

// Sorts play records by (cell, user). Exposed for the benchmark and tests.
void SortPlays(std::vector<PlayRec>* plays);

}  // namespace encore
