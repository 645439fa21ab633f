// Charts compiled from encore's own counts by a methodology (encore/methodology.h): the period a
// chart date covers, the points of every entry by component, ranking with a documented tie rule,
// the three-track rule, versions combined, album units, and recurrent removal. See doc/charts.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/methodology.h"
#include "encore/sales.h"
#include "encore/store.h"

namespace encore {

// The period [from, to] a chart dated `date` counts; kInvalidArgument when `date` is not one of
// the methodology's chart dates (a weekly chart is dated one weekday).
Result<std::pair<Day, Day>> ChartPeriod(const ChartMethod& m, Day date);
// The latest chart date on or before `date`.
Day ChartDateOnOrBefore(const ChartMethod& m, Day date);
// The chart date following `date` (a chart date).
Day NextChartDate(const ChartMethod& m, Day date);

// Why an entry has its points: one line per component ("premium streams 1,234 x 1").
struct PointsBreakdown {
  double points = 0;
  double stream_points = 0;                    // the part of points from streams
  int64_t premium = 0, free = 0, unknown = 0;  // streams counted in the period
  std::vector<std::string> tracks;             // the store tracks combined into the entry
  std::vector<std::string> lines;              // component by component, with the weights
};

struct CompiledChart {
  std::string chart, region;  // "spotify-daily", "global"
  Day date = 0, from = 0, to = 0;
  ChartEdition edition;                 // entries ranked; metric = points rounded
  std::vector<PointsBreakdown> points;  // parallel to edition.entries
  std::vector<RunStats> runs;           // parallel to edition.entries (CompileSeries)
  std::vector<std::string> notes;       // rules applied: removals, components with no input
};

// Compiles the chart dated `date` (a chart date) for `region` ("global", "global-excl-us" or a
// country code, as the methodology allows). The catalog names the entries and is needed for
// combined versions, album units and the three-track rule; without it entries are store tracks.
// `all`: every entry with streams, ranked, not only the chart's size. A methodology whose rules
// need the chart's own history (recurrent removal, the ACR) is compiled as the series up to
// `date` (CompileSeries), its last chart, cut to size.
// `sales`: sales and airplay for the components that use them (none: they add nothing).
Result<CompiledChart> CompileChart(const CountStore& store, const Catalog* catalog,
                                   const ChartMethod& m, Day date, const std::string& region,
                                   bool all = false, SalesData* sales = nullptr);

// Every region's chart of one chart date — the global one and each country with counts, or the
// regions the methodology names — reading the period's counts once. Entries carry their points
// (no component lines: CompileChart explains one entry).
Result<std::vector<CompiledChart>> CompileAllRegions(const CountStore& store,
                                                     const Catalog* catalog, const ChartMethod& m,
                                                     Day date, SalesData* sales = nullptr);

// Every chart from the first chart date covering the store's first day up to `last` (a chart
// date), in order, with runs (last week, peak, weeks, streak) and recurrent removal applied.
Result<std::vector<CompiledChart>> CompileSeries(const CountStore& store, const Catalog* catalog,
                                                 const ChartMethod& m, Day last,
                                                 const std::string& region,
                                                 SalesData* sales = nullptr);

// A store chart (period `hour`, iTunes-style): items of `format track` ranked by units sold at
// the methodology's stores in the `window` hours up to and including the hour starting at
// `hour_ts` (UTC seconds), in `country`. Ties: more units, then the item id.
Result<CompiledChart> CompileStoreChart(SalesData& sales, const Catalog* catalog,
                                        const ChartMethod& m, int64_t hour_ts,
                                        const std::string& country);

}  // namespace encore
