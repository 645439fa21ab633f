// Chart runs from positions, repairs of defective editions, the check against printed columns,
// and reading every supported chart file format.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "encore/charts.h"

namespace encore {
namespace {

// An edition from "song@position" pairs; printed columns as given ("-" none), lws/peaks/weeks.
ChartEdition Ed(Day date, std::vector<std::pair<std::string, int>> entries) {
  ChartEdition ed{"test", date, {}};
  for (auto& [song, pos] : entries) {
    ChartEntry e;
    e.position = pos;
    e.title = song;
    e.artist = "A";
    e.song = EntryKey("A", song);
    e.line = static_cast<uint64_t>(pos + 1);
    ed.entries.push_back(e);
  }
  return ed;
}

// Fills the printed columns with the ones computed, as a faithful publisher would.
void PrintComputed(std::vector<ChartEdition>* eds) {
  const auto runs = ComputeRuns(*eds);
  for (size_t i = 0; i < eds->size(); ++i) {
    for (size_t j = 0; j < (*eds)[i].entries.size(); ++j) {
      ChartEntry& e = (*eds)[i].entries[j];
      e.last_week = runs[i][j].last;
      e.peak = runs[i][j].peak;
      e.weeks = runs[i][j].weeks;
    }
  }
}

}  // namespace

TEST(ChartRuns, LastPeakWeeksStreakAndMovement) {
  const Day d = DayFromCivil(2024, 1, 6);
  std::vector<ChartEdition> eds = {
      Ed(d, {{"a", 1}, {"b", 2}, {"c", 3}}),
      Ed(d + 7, {{"b", 1}, {"a", 2}, {"d", 3}}),   // c drops out, d debuts
      Ed(d + 14, {{"b", 1}, {"c", 2}, {"a", 3}}),  // c re-enters; d drops
      Ed(d + 21, {{"c", 1}, {"b", 2}, {"d", 3}}),  // d re-enters
  };
  const auto runs = ComputeRuns(eds);
  // Week 2: b up one, a down one, d new.
  EXPECT_EQ(Movement(runs[1][0], 1), "+1");
  EXPECT_EQ(Movement(runs[1][1], 2), "-1");
  EXPECT_EQ(Movement(runs[1][2], 3), "NEW");
  // Week 3: c is a re-entry with cumulative weeks 2 and a streak of 1.
  const RunStats& c3 = runs[2][1];
  EXPECT_TRUE(c3.reentry);
  EXPECT_FALSE(c3.last.has_value());
  EXPECT_EQ(Movement(c3, 2), "RE");
  EXPECT_EQ(c3.weeks, 2);
  EXPECT_EQ(c3.streak, 1);
  EXPECT_EQ(c3.peak, 2);
  // b: three weeks, two at its peak of 1 in week 3, streak 3.
  EXPECT_EQ(runs[2][0].weeks, 3);
  EXPECT_EQ(runs[2][0].weeks_at_peak, 2);
  EXPECT_EQ(runs[2][0].streak, 3);
  EXPECT_EQ(Movement(runs[2][0], 1), "=");
  // Week 4: c climbs to 1 (new peak, one week there); d re-enters.
  EXPECT_EQ(runs[3][0].peak, 1);
  EXPECT_EQ(runs[3][0].weeks_at_peak, 1);
  EXPECT_EQ(runs[3][0].weeks, 3);
  EXPECT_EQ(runs[3][0].streak, 2);
  EXPECT_TRUE(runs[3][2].reentry);
  EXPECT_EQ(runs[3][2].weeks, 2);
}

TEST(ChartRuns, VerifyAgreesWithAFaithfulPublisherAndClassifiesTheRest) {
  const Day d = DayFromCivil(2024, 1, 6);
  std::vector<ChartEdition> eds;
  for (int w = 0; w < 10; ++w) {
    std::vector<std::pair<std::string, int>> e;
    for (int p = 1; p <= 30; ++p) e.push_back({"s" + std::to_string((p + w) % 40), p});
    eds.push_back(Ed(d + 7 * w, e));
  }
  PrintComputed(&eds);
  VerifyReport r = VerifyChart("test", eds, {});
  EXPECT_EQ(r.rows, 300u);
  EXPECT_EQ(r.agree, 300u);
  EXPECT_TRUE(r.classes.empty());
  // A publisher that restarts a song's count: a re-release.
  eds[9].entries[0].weeks = 1;
  // One that printed a peak one off: a tie.
  eds[5].entries[3].peak = *eds[5].entries[3].peak - 1;
  r = VerifyChart("test", eds, {});
  EXPECT_EQ(r.agree, 298u);
  EXPECT_EQ(r.classes["re-release (the publisher counted a new run)"], 1u);
  EXPECT_EQ(r.classes["tie or renumbered position"], 1u);
  ASSERT_EQ(r.disagreements.size(), 2u);
  EXPECT_EQ(r.disagreements[0].date, d + 35);
}

TEST(ChartRuns, AShortEditionIsRepairedFromTheNextOnesLastWeek) {
  const Day d = DayFromCivil(1976, 11, 27);
  std::vector<ChartEdition> eds;
  for (int w = 0; w < 4; ++w) {
    std::vector<std::pair<std::string, int>> e;
    for (int p = 1; p <= 20; ++p) e.push_back({"s" + std::to_string(p), p});
    eds.push_back(Ed(d + 7 * w, e));
  }
  PrintComputed(&eds);
  // The source lost No. 8 of week 2 and renumbered the entries below it.
  ChartEdition& short_ed = eds[1];
  short_ed.entries.erase(short_ed.entries.begin() + 7);
  for (size_t j = 7; j < short_ed.entries.size(); ++j) --short_ed.entries[j].position;
  VerifyOptions no_repair;
  no_repair.repair = false;
  EXPECT_LT(VerifyChart("test", eds, no_repair).agree, 70u);
  const VerifyReport r = VerifyChart("test", eds, {});
  ASSERT_EQ(r.repairs.size(), 1u);
  EXPECT_EQ(r.repairs[0].date, d + 7);
  EXPECT_NE(r.repairs[0].what.find("positions from 8 down restored"), std::string::npos)
      << r.repairs[0].what;
  EXPECT_NE(r.repairs[0].what.find("No. 8 put back"), std::string::npos) << r.repairs[0].what;
  EXPECT_EQ(r.rows, 79u);
  EXPECT_EQ(r.agree, 79u);
}

TEST(ChartRuns, AMissingEditionIsReconstructedAndAStartMidHistoryCarriesIn) {
  const Day d = DayFromCivil(2017, 12, 9);
  std::vector<ChartEdition> eds;
  for (int w = 0; w < 6; ++w) {
    std::vector<std::pair<std::string, int>> e;
    for (int p = 1; p <= 25; ++p) e.push_back({"s" + std::to_string((p * 7 + w * 3) % 31), p});
    eds.push_back(Ed(d + 7 * w, e));
  }
  PrintComputed(&eds);
  // The data starts at week 2 (its songs print earlier weeks), and week 4 is missing.
  eds.erase(eds.begin() + 3);
  eds.erase(eds.begin());
  VerifyReport r = VerifyChart("test", eds, {});
  ASSERT_EQ(r.repairs.size(), 1u);
  EXPECT_EQ(r.repairs[0].date, d + 21);
  // Rows of the first edition carry in their printed history and are classed so; rows after
  // the reconstructed edition agree.
  EXPECT_EQ(r.rows, 100u);
  EXPECT_GE(r.classes["history before the data starts"], 20u);
  EXPECT_EQ(r.rows - r.agree, r.classes["history before the data starts"]);
}

TEST(ChartFiles, EveryFormatIsReadAndBadRowsAreRejectedWithTheirLine) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("encore-chartfiles-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return (dir / name).string();
  };
  std::vector<ChartIssue> issues;
  // Shared spec §6, two charts in one file, a bad position and a bad date rejected.
  auto f = ReadChartFile(write("chart.csv",
                               "chart,date,position,title,artist,last_week,peak,weeks\n"
                               "hot,2024-01-06,1,Song,Artist,,1,1\n"
                               "hot,2024-01-06,x,Song2,Artist,,1,1\n"
                               "hot,2024-13-06,2,Song3,Artist,,2,1\n"
                               "other,2024-01-06,1,Song,Artist,2,1,5\n"),
                         "", &issues);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->format, ChartFileFormat::kSpec);
  EXPECT_EQ(f->rows, 2u);
  ASSERT_EQ(f->editions.size(), 2u);
  EXPECT_EQ(f->editions[0].chart, "hot");
  EXPECT_EQ(f->editions[1].entries[0].last_week, 2);
  ASSERT_EQ(f->rejects.size(), 2u);
  EXPECT_EQ(f->rejects[0].line, 3u);
  EXPECT_EQ(f->rejects[0].reason, "position is not a number from 1: 'x'");
  EXPECT_EQ(f->rejects[1].line, 4u);
  EXPECT_EQ(f->rejects[1].reason, "not a date");
  // Spotify weekly: byte-order mark, date and chart from the file name, -1 = new, streams.
  f = ReadChartFile(write("regional-global-weekly-2023-07-20.csv",
                          "\xEF\xBB\xBFrank,uri,artist_names,track_name,source,peak_rank,"
                          "previous_rank,weeks_on_chart,streams\n"
                          "1,\"spotify:track:x\",\"Jung Kook, Latto\",\"Seven (feat. Latto) "
                          "(Explicit Ver.)\",\"BIGHIT MUSIC\",1,-1,1,\"89748171\"\n"),
                    "", &issues);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->editions.size(), 1u);
  EXPECT_EQ(f->editions[0].chart, "spotify-global-weekly");
  EXPECT_EQ(f->editions[0].date, DayFromCivil(2023, 7, 20));
  const ChartEntry& seven = f->editions[0].entries[0];
  EXPECT_EQ(seven.metric, 89748171);
  EXPECT_FALSE(seven.last_week.has_value());
  EXPECT_EQ(seven.id, "spotify:track:x");
  // UK: "Number1" positions, "New" last week, the stray "New" glued to a new title.
  f = ReadChartFile(
      write("uk_albums.csv",
            "chart_date,position,title,artist,last_week,peak_position,weeks_on_chart\n"
            "2025-08-01,Number1,NewPRETTY ON THE INTERNET,K'S,New,1,1\n"
            "2025-08-01,Number2,NEW MOON,X,1,1,3\n"),
      "", &issues);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->editions[0].chart, "uk-albums");
  EXPECT_EQ(f->editions[0].entries[0].title, "PRETTY ON THE INTERNET");
  EXPECT_EQ(f->editions[0].entries[1].title, "NEW MOON");
  // Billboard 200, both eras.
  f = ReadChartFile(write("b200-old.csv",
                          "date,title,artist,current,previous,peak,weeks,new\n"
                          "2020-12-26,\"Evermore\",\"Taylor Swift\",1,0,1,1,True\n"
                          "1986-08-09,'Misdemeanor\",\"UFO\",186,169,106,19,False\n"
                          "2020-12-26,\"Folklore\",\"Taylor Swift\",3,11,1,21,False\n"),
                    "", &issues);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->format, ChartFileFormat::kBillboard200Old);
  EXPECT_EQ(f->rows, 2u);  // the stray quote costs its own line only
  ASSERT_EQ(f->rejects.size(), 1u);
  EXPECT_EQ(f->rejects[0].line, 3u);
  EXPECT_FALSE(f->editions[0].entries[0].last_week.has_value());  // previous 0: new
  f = ReadChartFile(
      write("b200-new.csv",
            "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart\n"
            "2021-01-02,2,McCartney III,Paul McCartney,-,2,1\n"),
      "", &issues);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->editions[0].chart, "billboard-200");
  EXPECT_FALSE(f->editions[0].entries[0].last_week.has_value());
  // Not a chart file: a clear error naming the file and the headers it knows.
  issues.clear();
  f = ReadChartFile(write("plays.csv", "ts,user,track\n1,2,3\n"), "", &issues);
  EXPECT_EQ(f.status().code(), StatusCode::kDataError);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].file, "plays.csv");
  EXPECT_NE(issues[0].reason.find("not a chart file"), std::string::npos);
  EXPECT_NE(issues[0].reason.find("chart_date,this_week,song"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace encore
