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
  // The shape of the log (issue 15: shapes encore did not make). Defaults give the log the
  // benchmarks in doc/performance.md were first measured on.
  uint64_t users = 0;         // listeners; 0: plays / 25, within 200..4,000,000
  uint64_t tracks = 0;        // synthetic tracks; 0: plays / 2,000, within 50..200,000; at most 7.9M
  double popularity = 0.9;    // Zipf exponent s: the k-th track's base weight is 1 / k^s
  double user_skew = 2.0;     // listener of a play: n * u^skew for uniform u (1: every one alike)
  double bot_share = 0.015;   // plays by bots (a few accounts replaying one track each)
  double skip_share = 0.245;  // plays under 30 s (not streams)
};

struct SimulateReport {
  uint64_t plays = 0;
  uint64_t tracks = 0;  // synthetic and world tracks
  uint64_t users = 0;
  uint64_t bots = 0;
  uint64_t bytes = 0;  // uncompressed bytes written
};

Result<SimulateReport> Simulate(const SimulateOptions& options);

// Daily totals at scale (issue 15's records job): `tracks` tracks of `tracks / 10` artists, each
// artist's tracks in releases of five with release dates spread over the year before `start` and
// the period, and a catalog of them; one `GLOBAL` row per track and day from its release (or
// `start`) to the end of the period. A track's daily streams follow its popularity (the k-th
// track has 2e7 / k^0.9 at release), a decay with age, a weekly swing and noise, so that the top
// tracks and artists cross many thresholds and most none. Artists: one in five a group, one in
// eight from KR (tagged k-pop), the rest from ten other markets. The same options give the same
// bytes.
struct SimulateTotalsOptions {
  uint64_t tracks = 100000;              // Default: 100,000 tracks.
  int days = 730;                        // Default: 730 days.
  Day start = DayFromCivil(2024, 1, 1);  // Default: 2024-01-01.
  uint64_t seed = 1;
  std::string out;          // the daily totals: .csv, optionally .gz/.zst
  std::string catalog_out;  // a folder for artists.csv, releases.csv and tracks.csv ("": none)
};

struct SimulateTotalsReport {
  uint64_t rows = 0;
  uint64_t artists = 0;
  uint64_t releases = 0;
  uint64_t bytes = 0;
};

Result<SimulateTotalsReport> SimulateDailyTotals(const SimulateTotalsOptions& options);

}  // namespace encore

namespace encore {

// Stories the world's daily totals must tell (the demo's are catalog/demo/stories.csv): the
// simulator shapes each track's trajectory so that the numbers come out of the data.
struct TrackStory {
  std::string track;
  std::vector<int64_t> first_days;  // streams on the release day and the days after it
  // (days since release, running total): the total first reaches it on that day.
  std::vector<std::pair<int, int64_t>> reach;
};
struct ArtistStory {
  std::string artist;               // for messages
  std::vector<std::string> tracks;  // the tracks credited to the artist
  int year = 0;
  int day_of_year = 0;  // 1 January = 1: the artist's streams within the year first reach...
  int64_t streams = 0;  // ...this total on that day
};
// A launch at a store: in each country the track sells enough to top the hourly store chart
// (a `window`-hour rolling chart) in a given hour after the launch, against steady sales of the
// world's other tracks.
struct LaunchStory {
  std::string track;
  int64_t ts = 0;              // the launch, UTC seconds (an hour start)
  std::vector<int> countries;  // countries first at No. 1 in hour 0, 1, 2, … of the launch
  int never = 0;               // countries where it sells but never tops the chart
  int window = 24;             // the store chart's window in hours
};

// A song of the rest of the market (the demo world's long tail, sim/world.h DemoMarket): its
// daily streams rise over its first days to 1.15 times `level`, ease to 0.7 times it over `life`
// days, then halve every 3 weeks for 90 days, with a weekly swing (Fridays up).
struct MarketTrack {
  std::string id;
  Day release = 0;
  double level = 0;  // streams a day
  int life = 0;      // days
};
struct WorldDailyOptions {
  std::vector<WorldTrack> world;
  std::vector<MarketTrack> market;  // written from the world's first release day on
  Day to = DayFromCivil(2024, 12, 31);  // Default: through 2024 (from the first release).
  std::vector<TrackStory> tracks;
  std::vector<ArtistStory> artists;
  std::vector<LaunchStory> launches;
  uint64_t seed = 1;
  std::string daily_out;  // daily totals (spec §4): date,country,track,streams,tier (GLOBAL rows)
  std::string sales_out;  // sales (spec §2) of the launches; "" = none
};
struct WorldDailyReport {
  uint64_t rows = 0, sales_rows = 0;
  Day from = 0, to = 0;
};
// Writes worldwide daily totals for every world track from its release day, shaped by a launch
// spike and a slow decay, fitted to the stories (kInvalidArgument when a story cannot hold, e.g.
// a total already passed before its day).
Result<WorldDailyReport> SimulateWorldDaily(const WorldDailyOptions& options);

}  // namespace encore
