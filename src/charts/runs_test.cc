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
  // Rows of the first edition carry in their printed history and are not checked; rows after
  // the reconstructed edition agree.
  EXPECT_EQ(r.rows + r.carried_in, 100u);
  EXPECT_GE(r.carried_in, 20u);
  // What still disagrees is a song whose first appearance in the data is the reconstructed
  // edition (it prints no columns to carry in): history before the data, or the gap itself.
  EXPECT_EQ(r.rows - r.agree, r.classes["history before the data starts"] +
                                  r.classes["gap in the data (an edition missing or repeated)"]);
  EXPECT_LE(r.rows - r.agree, 6u);
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

namespace encore {
namespace {

// An entry with printed columns: song@position printing last week, peak and weeks.
ChartEntry Printed(const std::string& song, int pos, std::optional<int> last, int peak, int weeks) {
  ChartEntry e;
  e.position = pos;
  e.title = song;
  e.artist = "A";
  e.song = EntryKey("A", song);
  e.line = static_cast<uint64_t>(pos + 1);
  e.last_week = last;
  e.peak = peak;
  e.weeks = weeks;
  return e;
}

}  // namespace

// Golden: Spotify's global weekly data has no weeks between 2020-12-31 and 2022-12-29. Nothing
// links across the gap: the first edition after it takes each song's printed last week, peak
// and weeks, marks them carried in, and streaks restart there.
TEST(ChartRuns, NothingLinksAcrossAGapInTheData) {
  const Day d = DayFromCivil(2020, 12, 17);
  std::vector<ChartEdition> eds = {
      {"t", d, {Printed("xmas", 1, 2, 1, 40), Printed("lights", 2, 1, 1, 54)}},
      {"t", d + 7, {Printed("lights", 1, 2, 1, 55), Printed("xmas", 4, 1, 1, 41)}},
      // Two years later.
      {"t",
       d + 7 + 728,
       {Printed("xmas", 1, 1, 1, 49), Printed("lights", 2, std::nullopt, 1, 104)}},
      {"t", d + 14 + 728, {Printed("lights", 1, 2, 1, 105), Printed("xmas", 2, 1, 1, 50)}},
  };
  EXPECT_TRUE(IsGap(eds[1].date, eds[2].date, ChartPeriod(eds)));
  const auto runs = ComputeRuns(eds);
  const RunStats& xmas = runs[2][0];
  EXPECT_TRUE(xmas.carried_in);
  ASSERT_TRUE(xmas.last.has_value());
  EXPECT_EQ(*xmas.last, 1);  // as printed, not its position (4) before the gap
  EXPECT_EQ(xmas.weeks, 49);
  EXPECT_EQ(xmas.streak, 2);  // the printed last week: one edition before, not 3
  const RunStats& lights = runs[2][1];
  EXPECT_TRUE(lights.carried_in);
  EXPECT_FALSE(lights.last.has_value());
  EXPECT_TRUE(lights.reentry);
  EXPECT_EQ(lights.streak, 1);
  // The edition after counts on from the printed figures.
  EXPECT_EQ(runs[3][0].weeks, 105);
  EXPECT_EQ(runs[3][0].streak, 2);
  EXPECT_FALSE(runs[3][0].carried_in);
  // The check: the carried-in rows (where the data starts, and after the gap) are not checked,
  // the rest agree.
  const VerifyReport r = VerifyChart("t", eds, {});
  EXPECT_EQ(r.carried_in, 4u);
  EXPECT_EQ(r.rows, 4u);
  EXPECT_EQ(r.agree, 4u) << (r.disagreements.empty() ? "" : r.disagreements[0].cls);
  // Runs: the longest streak does not span the gap (3 before it: the printed last week of the
  // first edition, and two in the data; 6 across it).
  const auto song_runs = SongRuns(eds, runs);
  ASSERT_EQ(song_runs.size(), 2u);
  const ChartRun& l = song_runs[0].song == EntryKey("A", "lights") ? song_runs[0] : song_runs[1];
  EXPECT_EQ(l.longest_streak, 3);
  EXPECT_EQ(l.weeks, 105);
  EXPECT_EQ(l.weeks_at_1, 2);
  EXPECT_EQ(l.longest_at_1, 1);
  EXPECT_TRUE(l.carried_in);
}

// Golden: a run already under way where the data starts (As It Was on Spotify's global chart of
// 2022-12-29: 86 weeks printed, peak No. 1) takes its printed peak and weeks together; its debut
// and its weeks at No. 1 before the data are unknown and said so.
TEST(ChartRuns, ARunUnderWayWhereTheDataStartsCarriesInPeakAndWeeksTogether) {
  const Day d = DayFromCivil(2022, 12, 29);
  std::vector<ChartEdition> eds = {
      {"t", d, {Printed("new", 1, std::nullopt, 1, 1), Printed("asitwas", 15, 12, 1, 86)}},
      {"t", d + 7, {Printed("new", 1, 1, 1, 2), Printed("asitwas", 3, 15, 1, 87)}},
  };
  const auto runs = ComputeRuns(eds);
  EXPECT_TRUE(runs[0][1].carried_in);
  EXPECT_EQ(runs[0][1].peak, 1);
  EXPECT_EQ(runs[0][1].weeks, 86);
  EXPECT_FALSE(runs[0][0].carried_in);  // a debut prints one week: nothing to carry in
  EXPECT_TRUE(runs[0][0].debut);
  const auto song_runs = SongRuns(eds, runs);
  ASSERT_EQ(song_runs.size(), 2u);
  const ChartRun& r = song_runs[1];
  EXPECT_FALSE(r.debut_in_data);
  EXPECT_EQ(r.peak, 1);
  EXPECT_FALSE(r.peak_date.has_value());  // reached before the data
  EXPECT_EQ(r.weeks, 87);
  EXPECT_EQ(r.weeks_at_1, 0);
  EXPECT_TRUE(r.weeks_at_1_before);
  EXPECT_TRUE(song_runs[0].debut_in_data);
  EXPECT_EQ(song_runs[0].weeks_at_1, 2);
  EXPECT_EQ(song_runs[0].longest_at_1, 2);
  EXPECT_FALSE(song_runs[0].weeks_at_1_before);
  // A row that prints weeks but no peak carries in nothing (one rule: both, or none).
  eds[0].entries[1].peak = std::nullopt;
  const auto bare = ComputeRuns(eds);
  EXPECT_FALSE(bare[0][1].carried_in);
  EXPECT_EQ(bare[0][1].weeks, 1);
}

// A song back after being off that the publisher prints as new (one week, no last week) starts
// a new run, as the publisher counts it; a daily chart's gap is more than one day.
TEST(ChartRuns, APublishersNewRunAndADailyChartsGap) {
  const Day d = DayFromCivil(1970, 8, 1);
  std::vector<ChartEdition> eds = {
      {"t", d, {Printed("mash", 1, std::nullopt, 1, 1)}},
      {"t", d + 7, {Printed("mash", 2, 1, 1, 2)}},
      {"t", d + 14, {Printed("other", 1, std::nullopt, 1, 1)}},
      {"t", d + 21, {Printed("mash", 1, std::nullopt, 1, 1), Printed("other", 2, 1, 1, 2)}},
  };
  // Printed as new at No. 1 with a peak of 1: equal to its position, so a new run.
  const auto runs = ComputeRuns(eds);
  EXPECT_TRUE(runs[3][0].new_run);
  EXPECT_EQ(runs[3][0].weeks, 1);
  EXPECT_EQ(VerifyChart("t", eds, {}).agree, VerifyChart("t", eds, {}).rows);
  const auto song_runs = SongRuns(eds, runs);
  EXPECT_EQ(song_runs[0].new_runs, std::vector<Day>{d + 21});
  EXPECT_EQ(song_runs[0].exits, std::vector<Day>{d + 7});
  // Daily: one day apart is no gap, two days apart is.
  EXPECT_FALSE(IsGap(d, d + 1, 1));
  EXPECT_TRUE(IsGap(d, d + 2, 1));
  std::vector<ChartEdition> daily;
  for (int k = 0; k < 5; ++k) daily.push_back({"t", d + k, {Printed("s", 1, std::nullopt, 1, 1)}});
  daily.push_back({"t", d + 7, {Printed("s", 1, std::nullopt, 1, 1)}});
  for (auto& ed : daily)
    ed.entries[0].last_week = ed.entries[0].peak = ed.entries[0].weeks = std::nullopt;
  EXPECT_EQ(ChartPeriod(daily), 1);
  const auto daily_runs = ComputeRuns(daily);
  EXPECT_EQ(daily_runs[4][0].streak, 5);
  EXPECT_EQ(daily_runs[5][0].streak, 1);  // after a gap of two days
  EXPECT_FALSE(daily_runs[5][0].last.has_value());
}

}  // namespace encore

namespace encore {
namespace {

// Twenty songs at their places for `n` weeks, printed faithfully.
std::vector<ChartEdition> Steady(Day d, int n, int size = 20) {
  std::vector<ChartEdition> eds;
  for (int w = 0; w < n; ++w) {
    std::vector<std::pair<std::string, int>> e;
    for (int p = 1; p <= size; ++p) e.push_back({"s" + std::to_string((p + w) % size), p});
    eds.push_back(Ed(d + 7 * w, e));
  }
  PrintComputed(&eds);
  return eds;
}

}  // namespace

TEST(ChartRuns, RepeatedRowsAreDroppedAndTheLostBottomPutBack) {
  // A source's join listed No. 3 three times and cut the chart at its usual size: the last two
  // entries of week 2 are lost; the next edition's last-week column says where they were.
  std::vector<ChartEdition> eds = Steady(DayFromCivil(1983, 6, 4), 4);
  ChartEdition& ed = eds[1];
  const ChartEntry third = ed.entries[2];
  ed.entries.pop_back();
  ed.entries.pop_back();
  ed.entries.insert(ed.entries.begin() + 3, {third, third});
  ASSERT_EQ(ed.entries.size(), 20u);
  VerifyOptions no_repair;
  no_repair.repair = false;
  EXPECT_LT(VerifyChart("test", eds, no_repair).agree, 80u);
  const VerifyReport r = VerifyChart("test", eds, {});
  ASSERT_EQ(r.repairs.size(), 2u);
  EXPECT_NE(r.repairs[0].what.find("repeated rows: 2 rows"), std::string::npos)
      << r.repairs[0].what;
  EXPECT_NE(r.repairs[1].what.find("No. 19 put back"), std::string::npos) << r.repairs[1].what;
  EXPECT_EQ(r.rows, 78u);  // the two put back are not printed rows
  EXPECT_EQ(r.agree, r.rows);
}

TEST(ChartRuns, AnEntryOnePlaceOffIsTiedWhereTheNextEditionSaysSo) {
  // The publisher printed a tie at No. 5 (two songs), the source numbered them 5 and 6 and the
  // rest down one. Its own columns say so: the debut at "6" prints a peak of 5, and the next
  // edition prints 5 as its last week.
  std::vector<ChartEdition> eds = Steady(DayFromCivil(1958, 8, 4), 3);
  ChartEdition& ed = eds[1];
  for (auto& e : ed.entries) {
    if (e.position == 6) {
      e.peak = 5;
      e.weeks = 1;
      e.last_week = std::nullopt;
      e.song = e.title = "tie";
      e.song = EntryKey("A", "tie");
    }
  }
  // Week 3 lists the tied song at 7, printing 5 as its last week (and peak).
  for (auto& e : eds[2].entries) {
    if (e.position == 7) {
      e.title = "tie";
      e.song = EntryKey("A", "tie");
      e.last_week = 5;
      e.peak = 5;
      e.weeks = 2;
    }
  }
  const VerifyReport r = VerifyChart("test", eds, {});
  ASSERT_GE(r.repairs.size(), 1u);
  EXPECT_NE(r.repairs[0].what.find("one place off: 1 entries moved"), std::string::npos)
      << r.repairs[0].what;
  EXPECT_NE(r.repairs[0].what.find("No. 6 → 5"), std::string::npos) << r.repairs[0].what;
  const auto fixed = RepairEditions(eds, nullptr);
  const auto runs = ComputeRuns(fixed);
  size_t at5 = 0;
  for (const auto& e : fixed[1].entries) at5 += e.position == 5;
  EXPECT_EQ(at5, 2u);  // a tie
  for (size_t j = 0; j < fixed[2].entries.size(); ++j)
    if (fixed[2].entries[j].title == "tie") {
      EXPECT_EQ(runs[2][j].last, 5);
    }
  // The peak printed at the data's position contradicts a move up: nothing moves.
  eds[1].entries[5].peak = 6;
  std::vector<ChartRepair> repairs;
  RepairEditions(eds, &repairs);
  for (const auto& rp : repairs) EXPECT_EQ(rp.what.find("one place off"), std::string::npos);
}

TEST(ChartRuns, APublisherThatResumesAnEarlierCountAfterARestart) {
  // Tom Petty's Greatest Hits on the Billboard 200: 3 weeks, off, back printed as new (1 week,
  // a restart), off, and back printing 4 weeks: the count before the restart, resumed.
  const Day d = DayFromCivil(1993, 12, 4);
  auto week = [&](int w, std::vector<std::pair<std::string, int>> e) { return Ed(d + 7 * w, e); };
  std::vector<ChartEdition> eds = {
      week(0, {{"gh", 5}, {"x", 6}}),  week(1, {{"gh", 8}, {"x", 6}}),
      week(2, {{"gh", 9}, {"x", 6}}),  week(3, {{"x", 6}}),
      week(4, {{"x", 6}, {"gh", 16}}), week(5, {{"x", 6}}),
      week(6, {{"x", 6}, {"gh", 12}}), week(7, {{"x", 6}, {"gh", 11}}),
  };
  PrintComputed(&eds);
  // What the publisher printed: the restart at week 4, then the earlier count resumed.
  eds[4].entries[1].weeks = 1;
  eds[4].entries[1].peak = 16;
  eds[6].entries[1].weeks = 4;
  eds[6].entries[1].peak = 5;
  eds[7].entries[1].weeks = 5;
  eds[7].entries[1].peak = 5;
  const auto runs = ComputeRuns(eds);
  EXPECT_TRUE(runs[4][1].new_run);
  EXPECT_TRUE(runs[6][1].resumed);
  EXPECT_EQ(runs[6][1].weeks, 4);
  EXPECT_EQ(runs[6][1].peak, 5);
  EXPECT_EQ(runs[7][1].weeks, 5);
  const auto song = SongRuns(eds, runs);
  for (const ChartRun& s : song)
    if (s.title == "gh") {
      EXPECT_EQ(s.weeks, 5);
    }
  const VerifyReport r = VerifyChart("test", eds, {});
  EXPECT_EQ(r.agree, r.rows);
  // A printed peak that is not the earlier run's: not a resumed count.
  eds[6].entries[1].peak = 12;
  EXPECT_FALSE(ComputeRuns(eds)[6][1].resumed);
}

TEST(ChartRuns, AWeekOnAMissingEditionCountsWhenTheSongComesBack) {
  // Week 3 is missing; the songs that left right before or at it are not in its
  // reconstruction. One of them was on it (the publisher prints one week more when it comes
  // back): that week counts, its place stays unknown.
  std::vector<ChartEdition> eds = Steady(DayFromCivil(2017, 12, 16), 6);
  // "xmas" on weeks 1-2, (on the missing week 3), off, back on week 6.
  eds[1].entries.back().song = EntryKey("A", "xmas");
  eds[1].entries.back().title = "xmas";
  eds[0].entries.back().song = EntryKey("A", "xmas");
  eds[0].entries.back().title = "xmas";
  PrintComputed(&eds);
  ChartEntry back = eds[0].entries.back();
  back.position = 20;
  back.last_week = std::nullopt;
  back.peak = 20;
  back.weeks = 4;  // 2 + the missing week + this one
  eds[5].entries.back() = back;
  eds.erase(eds.begin() + 2);  // the missing week: week 4's columns still count it
  std::vector<ChartRepair> repairs;
  const auto fixed = RepairEditions(eds, &repairs);
  ASSERT_EQ(fixed.size(), 6u);
  ASSERT_TRUE(fixed[2].reconstructed);
  const auto runs = ComputeRuns(fixed);
  EXPECT_EQ(runs[5].back().weeks, 4);
  EXPECT_TRUE(runs[5].back().reentry);
}

TEST(ChartRuns, AnIdentityNeverSeenThatPrintsEarlierWeeksCarriesThemIn) {
  // Years into the data, an album first seen under this spelling prints 41 weeks and a peak of
  // 10 (Pet Sounds on the Billboard 200 of 1990): its history is taken in as printed.
  std::vector<ChartEdition> eds = Steady(DayFromCivil(1988, 1, 2), 120);
  ChartEntry& e = eds[100].entries[5];
  e.title = "Pet Sounds";
  e.song = EntryKey("A", "Pet Sounds");
  e.last_week = std::nullopt;
  e.peak = 10;
  e.weeks = 41;
  ChartEntry& next = eds[101].entries[6];
  next.title = "Pet Sounds";
  next.song = EntryKey("A", "Pet Sounds");
  next.last_week = e.position;
  next.peak = 6;
  next.weeks = 42;
  const auto runs = ComputeRuns(eds);
  EXPECT_TRUE(runs[100][5].carried_in);
  EXPECT_EQ(runs[101][6].weeks, 42);
  EXPECT_EQ(runs[101][6].peak, 6);
}

}  // namespace encore

namespace encore {

// Identities without a title|lead shape (a compiled chart's track ids, "release:…") next to an
// imported edition that prints last week: linking them is skipped, not a crash (it threw
// out_of_range when a compiled edition and an imported one shared a chart).
TEST(ChartRuns, IdentitiesWithoutTitleAndLeadAreLeftAlone) {
  ChartEdition a{"test", 100, {}}, b{"test", 101, {}};
  ChartEntry x;
  x.position = 1;
  x.title = "Song 0";
  x.song = "T0000000";  // compiled
  a.entries.push_back(x);
  ChartEntry y;
  y.position = 1;
  y.title = "Other";
  y.artist = "Someone";
  y.song = EntryKey("Someone", "Other");  // imported, printing a last week
  y.last_week = 1;
  b.entries.push_back(y);
  const auto linked = LinkIdentities({a, b});
  ASSERT_EQ(linked.size(), 2u);
  EXPECT_EQ(linked[0].entries[0].song, "T0000000");
  EXPECT_EQ(linked[1].entries[0].song, EntryKey("Someone", "Other"));
}

}  // namespace encore
