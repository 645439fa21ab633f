// Chart records over every real chart of ../shared/data: every leaderboard runs, and what it
// says holds together (weeks at No. 1 within weeks on the chart, a peak no worse than the
// debut, ranks that count places, a climb that the positions show).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "encore/charts.h"
#include "encore/records.h"
#include "shared_data.h"

namespace encore {
namespace {

// Every chart file under `dir` (.csv), its editions by chart and date.
std::map<std::string, std::vector<ChartEdition>> ReadCharts(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir))
    if (f.is_regular_file() && f.path().extension() == ".csv") files.push_back(f.path().string());
  std::sort(files.begin(), files.end());
  std::map<std::string, std::map<Day, ChartEdition>> by_chart;
  for (const auto& f : files) {
    std::vector<ChartIssue> issues;
    auto read = ReadChartFile(f, "", &issues);
    EXPECT_TRUE(read.ok()) << f << ": " << read.status().message();
    if (!read.ok()) continue;
    for (auto& ed : read->editions) by_chart[ed.chart][ed.date] = std::move(ed);
  }
  std::map<std::string, std::vector<ChartEdition>> out;
  for (auto& [chart, eds] : by_chart)
    for (auto& [d, ed] : eds) out[chart].push_back(std::move(ed));
  return out;
}

}  // namespace

TEST(ChartRecords, EveryRecordOnEveryRealChartHoldsTogether) {
  ENCORE_REQUIRE_SHARED_DATA(data, "billboard-hot-100");
  std::map<std::string, std::vector<ChartEdition>> charts;
  for (const char* dir : {"billboard-hot-100", "billboard-200", "spotify-charts", "uk"})
    for (auto& [chart, eds] : ReadCharts(data.parent_path() / dir)) charts[chart] = std::move(eds);
  ASSERT_GE(charts.size(), 6u);
  static const char* kKinds[] = {"weeks-at-1", "consecutive-at-1", "weeks",        "debut",
                                 "peak",       "climb",            "climb-to-1",   "simultaneous",
                                 "number-ones"};
  for (auto& [chart, stored] : charts) {
    SCOPED_TRACE(chart);
    const auto editions = RepairEditions(LinkIdentities(std::move(stored)), nullptr);
    const auto runs = ComputeRuns(editions);
    // Runs: weeks at No. 1 within weeks, in a row within in all, the peak no worse than the
    // first position, positions in date order.
    const auto song_runs = SongRuns(editions, runs);
    ASSERT_FALSE(song_runs.empty());
    for (const ChartRun& r : song_runs) {
      ASSERT_LE(r.weeks_at_1, r.weeks) << r.song;
      ASSERT_LE(r.longest_at_1, r.weeks_at_1) << r.song;
      ASSERT_LE(r.longest_streak, r.weeks) << r.song;
      ASSERT_LE(r.peak, r.first_position) << r.song;
      ASSERT_GE(r.peak, 1) << r.song;
      ASSERT_TRUE(r.carried_in || r.debut_in_data) << r.song;
      ASSERT_EQ(r.positions.front().first, r.first) << r.song;
      ASSERT_EQ(r.positions.back().first, r.last) << r.song;
      if (r.weeks_at_1) {
        ASSERT_EQ(r.peak, 1) << r.song;
      }
    }
    // Every record: ranks count places (1, 2, 2, 4), values in order.
    ChartRecordOptions o;
    for (const char* name : kKinds) {
      SCOPED_TRACE(name);
      const ChartRecordKind kind = *ParseChartRecordKind(name);
      const auto places = ChartRecordsOver(editions, runs, kind, o);
      const bool low_first = kind == ChartRecordKind::kDebut || kind == ChartRecordKind::kPeak;
      for (size_t i = 0; i < places.size(); ++i) {
        const ChartRecordPlace& p = places[i];
        ASSERT_FALSE(p.evidence.empty());
        if (i == 0) {
          ASSERT_EQ(p.rank, 1);
          continue;
        }
        const ChartRecordPlace& q = places[i - 1];
        ASSERT_TRUE(low_first ? q.value <= p.value : q.value >= p.value) << p.song;
        ASSERT_EQ(p.rank, p.value == q.value ? q.rank : static_cast<int>(i + 1)) << p.song;
      }
      if (kind == ChartRecordKind::kClimb || kind == ChartRecordKind::kClimbTo1 ||
          kind == ChartRecordKind::kWeeksAt1) {
        ASSERT_FALSE(places.empty());
      }
    }
  }
}

// Where the data starts: a run under way carries in its printed peak and weeks (the Spotify
// global weekly data starts again on 2022-12-29, with As It Was 39 weeks in, peak No. 1).
TEST(ChartRecords, ARunUnderWayWhereTheRealDataResumesIsMarked) {
  ENCORE_REQUIRE_SHARED_DATA(data, "spotify-charts");
  auto charts = ReadCharts(data);
  auto& stored = charts["spotify-global-weekly"];
  ASSERT_FALSE(stored.empty());
  const auto editions = RepairEditions(LinkIdentities(std::move(stored)), nullptr);
  const auto runs = ComputeRuns(editions);
  for (const ChartRun& r : SongRuns(editions, runs)) {
    if (r.title != "As It Was" || r.artist != "Harry Styles") continue;
    EXPECT_TRUE(r.carried_in);
    EXPECT_FALSE(r.debut_in_data);
    EXPECT_EQ(r.first, DayFromCivil(2022, 12, 29));
    EXPECT_EQ(r.peak, 1);  // as printed: its peak is before the data
    EXPECT_FALSE(r.peak_date.has_value());
    EXPECT_TRUE(r.weeks_at_1_before);
    EXPECT_EQ(r.weeks, 86);  // 39 printed on 2022-12-29, then 47 weeks in the data
    return;
  }
  FAIL() << "As It Was is not on the Spotify global weekly chart";
}

}  // namespace encore
