// What a chart file's name, folder and first edition say about its chart: the region, period and
// date in a Spotify file's name, the Billboard chart a path names, and the rule that tells the
// chart of a layout that several charts share (doc/charts.md, "Importing published charts").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "encore/charts.h"
#include "encore/date.h"

namespace encore {

// A Spotify Charts file name: "regional-global-weekly-2023-07-20.csv" (the current site),
// "regional-us-daily-2018-07-20.csv", "regional-global-weekly-2018-07-13--2018-07-20.csv" and
// "viral-global-daily-….csv" (the old site's downloads).
struct SpotifyFileName {
  bool viral = false;
  std::string region;       // "global" or a lower-case country code; empty when not named
  std::string period;       // "daily" or "weekly"; empty when not named
  std::optional<Day> date;  // the chart's date (a period "A--B" ends the day before B)
};
SpotifyFileName ParseSpotifyFileName(const std::string& path);

// A Spotify chart's name: spotify-[viral-]<region>-<period>, or spotify-<period> without a region.
std::string SpotifyChartName(bool viral, const std::string& region, const std::string& period);

// "Global", "United States", "Korea, Republic of" -> "global", "us", "kr"; empty when unknown.
std::string SpotifyRegionOfName(std::string_view name);

// The Billboard chart a path names in its file name or a folder (the nearest that names one):
// "hot-100" and "hot100" -> billboard-hot-100, "billboard-200" and "bb200" -> billboard-200,
// "billboard-global-200", "country-airplay", … -> billboard-<slug>. size: its number of positions
// where fixed (0: not known).
struct NamedChart {
  std::string chart;
  int size = 0;
  std::string where;  // the path component that names it
};
std::optional<NamedChart> BillboardChartOfPath(const std::string& path);
// A Billboard chart's slug as billboard.com and billboard.py spell it ("hot-100") to its name.
NamedChart BillboardChartOfSlug(std::string_view slug);

// Tells the chart of a file in a Billboard layout, from (first that applies) --chart, the name the
// file carries inside, the path, the layout's default, and the highest position of the file's
// first edition: exactly 100 is the Hot 100, exactly 200 the Billboard 200. A path or default
// whose chart has fewer positions than the first edition shows, or a first edition that is
// neither, is an error: the chart is never guessed.
struct ChartChoice {
  std::string chart;
  std::string from;  // how it was told, for people
};
Result<ChartChoice> ChooseBillboardChart(const std::string& path, const std::string& option,
                                         const std::string& named_inside,
                                         const std::string& layout_default, int first_max_position);

}  // namespace encore
