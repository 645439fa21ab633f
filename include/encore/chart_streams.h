// Chart streams: the streams printed on published Spotify charts, kept as counts of services of
// their own (doc/charts.md, "Chart streams"; doc/decisions/0008-chart-streams.md).
//
// Every imported edition of a chart named spotify-<region>-weekly or spotify-<region>-daily whose
// entries print streams becomes the counts of one (service, region, day): the service
// `spotify_charts_weekly` (a Friday–Thursday week's total, kept whole on the week's last day, the
// chart's date) or `spotify_charts_daily` (a day's streams), the region GLOBAL for `global` and the
// country otherwise, the track the entry's Spotify URI. An edition owns its (service, region, day)
// cells: syncing it again, or syncing a file that replaced it, replaces them (never adds), so the
// counts follow the chart history exactly. Which file each edition's counts came from is the
// chart history's (editions.source), and the store records each synced file as a source.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/date.h"
#include "encore/keys.h"
#include "encore/status.h"
#include "encore/store.h"

namespace encore {

inline constexpr std::string_view kChartStreamsWeekly = "spotify_charts_weekly";
inline constexpr std::string_view kChartStreamsDaily = "spotify_charts_daily";
// The kind of a store source that chart streams came from (SourceRecord::kind).
inline constexpr std::string_view kChartStreamsKind = "spotify-chart";

// Whether a store service holds chart streams (and not counts of plays or daily totals).
bool IsChartStreamsService(std::string_view service);
// The days one count of a service covers, ending on the day it is kept on: 7 for weekly chart
// streams (a week's total, dated by its last day), 1 for every other service.
int ServiceSpan(std::string_view service);

// Where a chart's streams go: its service and region. nullopt for a chart that holds no chart
// streams (not Spotify's, a viral chart, a compiled chart "NAME:REGION", an unknown region).
struct ChartStreamsTarget {
  std::string_view service;
  CountryCode region = kGlobalCountry;
};
std::optional<ChartStreamsTarget> ChartStreamsOf(std::string_view chart);

struct ChartStreamsOptions {
  // Rows held before a part of a file's days is committed (a file's days are committed in parts
  // of about this many rows, the last part recording the file as a source). Default: 2,000,000
  // (about 50 MB).
  size_t commit_rows = 2'000'000;
};

struct ChartStreamsReport {
  size_t files = 0;      // chart files synced (each a store source)
  size_t editions = 0;   // editions whose counts were written
  size_t rows = 0;       // counts written (a track on an edition)
  size_t days = 0;       // store days rewritten
  size_t commits = 0;    // store commits made
  size_t new_tracks = 0;
  size_t no_streams = 0;  // entries without streams printed (not counted)
  size_t no_id = 0;       // entries without a Spotify URI (not counted)
  size_t repeated = 0;    // an id listed twice on one edition: counted once (its first listing)
};

// Brings the store's chart streams up to date with the chart history: every edition of a chart
// with chart streams whose file is not yet a source of the store is written (its (service,
// region, day) cells replaced), a file at a time, files in import order. Idempotent: a second
// sync finds nothing to do; an interrupted one is finished by the next. Chart streams are never
// late and never seal: they are added to sealed days as daily totals are, and an open day keeps
// its cap state.
Result<ChartStreamsReport> SyncChartStreams(ChartHistory& history, CountStore* store,
                                            const ChartStreamsOptions& options = {});

// Teaches the catalog the Spotify URIs that the store's chart history linked to its tracks by
// name (ChartHistory::TrackLinks), so that a chart-streams track counts for its catalog track,
// song, release and artists. A store without a chart history adds nothing. What every reader of
// records does after loading the catalog (the catalog's digest, and so the records, include
// them). Returns how many were added.
Result<size_t> AddChartTrackLinks(const std::string& store_dir, Catalog* catalog);

}  // namespace encore
