// A deterministic generator of play logs (shared spec §1) for demos, tests and benchmarks.
//
// The synthetic world: tracks with Zipf-like popularity and release dates spread over the period
// (a launch spike, then decay; most of the catalog released before it); listeners with home
// countries weighted by market size and a fixed tier; about a quarter of plays under 30 s and a
// few at exactly 30 s; and a few bot listeners who replay one track hundreds of times a day, so
// that the per-day cap matters. The same options give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "encore/date.h"
#include "encore/status.h"

namespace encore {

// A track of a given world (a catalog) for the simulator to play.
struct WorldTrack {
  std::string id;        // written as the play's track (1-64 bytes)
  Day release = 0;       // no plays before this day
  uint32_t duration_ms;  // > 30,000
  double weight = 1;     // popularity; the most popular synthetic track weighs 1
};

struct SimulateOptions {
  uint64_t plays = 1000000;              // Default: one million plays.
  int days = 30;                         // Default: 30 days.
  Day start = DayFromCivil(2024, 1, 1);  // Default: 2024-01-01.
  uint64_t seed = 1;                     // Default: 1.
  std::string out;                       // .csv or .jsonl, optionally .gz/.zst; "-" = stdout CSV
  // Tracks played besides the synthetic ones (`--world`), which then rank below them. Default:
  // none.
  std::vector<WorldTrack> world;
};

struct SimulateReport {
  uint64_t plays = 0;
  uint64_t tracks = 0;  // synthetic and world tracks
  uint64_t users = 0;
  uint64_t bots = 0;
  uint64_t bytes = 0;  // uncompressed bytes written
};

Result<SimulateReport> Simulate(const SimulateOptions& options);

}  // namespace encore
