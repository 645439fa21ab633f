// Reading counts back: a track's daily streams, and every daily count as daily totals.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encore/date.h"
#include "encore/status.h"
#include "encore/store.h"

namespace encore {

struct StreamsQuery {
  std::string track;
  std::optional<std::string> country;  // an alpha-2 code or GLOBAL; Default: worldwide
  std::optional<std::string> service;  // Default: all services
  std::optional<Day> from, to;         // inclusive; Default: every day with counts
};

struct DailyStreams {
  Day day = 0;
  // The days the figure covers, ending on `day`: 7 for weekly chart streams (a Friday–Thursday
  // week's total, dated by its Thursday), else 1.
  int span = 1;
  int64_t streams = 0;
  int64_t premium = 0, free = 0, unknown = 0;
};

// One entry per day in [from, to] that has streams for the track (days without are omitted).
// Worldwide figures: for each day and service, the GLOBAL rows of daily totals when there are
// any, otherwise the sum over countries. kNotFound for a track the store has never counted.
// Without a service: every service but chart streams (encore/chart_streams.h), which are read
// only when named.
Result<std::vector<DailyStreams>> QueryStreams(const CountStore& store, const StreamsQuery& q);

// The last store day (on or before `on_or_before`, when given) with streams counted in `country`
// (a country's rows; nullopt: any row), looking back over at most `max_days` store days: what
// an empty chart says of where its region's data ends. nullopt when none is found.
Result<std::optional<Day>> LastDayWithStreams(const CountStore& store, std::optional<CountryCode> country,
                                              std::optional<Day> on_or_before = std::nullopt,
                                              size_t max_days = 400);

// Writes every non-zero count in [from, to] as daily totals (shared spec §4):
// `date,country,track,streams,tier,service`, one row per cell and tier, sorted by those columns
// in that order. Re-ingesting the output into an empty store reproduces the counts.
Status ExportDaily(const CountStore& store, std::optional<Day> from, std::optional<Day> to,
                   const std::function<Status(std::string_view)>& write);

}  // namespace encore

namespace encore {

struct TrackTotal {
  std::string track;
  int64_t streams = 0;
};
// The n tracks with the most worldwide streams in [from, to], most first (ties by track id);
// chart streams aside.
Result<std::vector<TrackTotal>> TopTracks(const CountStore& store, std::optional<Day> from,
                                          std::optional<Day> to, size_t n);

}  // namespace encore
