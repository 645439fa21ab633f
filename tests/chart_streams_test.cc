// Chart streams end to end (doc/charts.md, "Chart streams"; doc/decisions/0008): the streams
// printed on Spotify's charts as counts of their own, checked against an independent computation
// (tests/chart_streams_expect.py reads the raw CSVs with Python's csv module) on the real global
// weekly files, and the rules: idempotent re-imports and replacements, never late, weekly figures
// kept apart from daily ones and from play counts, a store of charts only.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "shared_data.h"
#include "test_util.h"

namespace encore::test {
namespace {

using Json = nlohmann::json;

const std::string kExpectPy = std::string(ENCORE_SOURCE_DIR) + "/tests/chart_streams_expect.py";
const std::string kSeven = "spotify:track:7x9aauaA9cu6tyfpHnqDLo";  // Jung Kook feat. Latto
const std::string kHeader =
    "\xEF\xBB\xBFrank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,"
    "streams\n";

Json Expect(const std::string& n, const std::vector<std::string>& folders, const std::string& tmp) {
  std::string cmd = "python3 " + Quote(kExpectPy) + " " + n;
  for (const auto& f : folders) cmd += " " + Quote(f);
  cmd += " >" + Quote(tmp + "/expect.json") + " 2>" + Quote(tmp + "/expect.err");
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << ReadText(tmp + "/expect.err");
  Json j = Json::parse(ReadText(tmp + "/expect.json"), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << ReadText(tmp + "/expect.err");
  return j;
}

Json RunJson(const std::string& args) {
  const RunResult r = RunEncore(args);
  EXPECT_EQ(r.code, 0) << args << "\n" << r.out << r.err;
  Json j = Json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << args << "\n" << r.out << r.err;
  return j;
}

// Per track (its id: the Spotify URI of a chart song the catalog does not know): chart streams.
std::map<std::string, int64_t> Totals(const std::string& store) {
  std::map<std::string, int64_t> out;
  const Json j = RunJson("records most --chart-streams --top 1000000 --format json --store " +
                         Quote(store));
  for (const auto& s : j["standings"]) out[s["id"].get<std::string>()] = s["streams"];
  return out;
}

int64_t WeekFigure(const std::string& store, const std::string& track, const std::string& date) {
  const Json j = RunJson("streams --chart-streams --track " + Quote(track) + " --from " + date +
                         " --to " + date + " --format json --store " + Quote(store));
  return j["streams"].size() == 1 ? j["streams"][0].get<int64_t>() : -1;
}

std::string WeekFile(const std::string& dir, const std::string& name,
                     const std::vector<std::pair<std::string, int64_t>>& rows) {
  std::string text = kHeader;
  // A daily file (regional-…-daily-…) prints days on chart where a weekly one prints weeks.
  if (name.find("-daily-") != std::string::npos)
    text.replace(text.find("weeks_on_chart"), 14, "days_on_chart");
  int rank = 1;
  for (const auto& [uri, streams] : rows) {
    text += std::to_string(rank) + ",\"" + uri + "\",\"Artist " + uri.substr(14) + "\",\"Song " +
            uri.substr(14) + "\",\"Label\"," + std::to_string(rank) + ",-1,1,\"" +
            std::to_string(streams) + "\"\n";
    ++rank;
  }
  const std::string path = dir + "/" + name;
  WriteText(path, text);
  return path;
}

TEST(ChartStreams, RealGlobalWeeklyAgainstPython) {
  ENCORE_REQUIRE_SHARED_DATA(old_files, "spotify-charts/global-weekly-2016-2020");
  ENCORE_REQUIRE_SHARED_DATA(new_files, "spotify-charts/global-weekly-2022-2023");
  TempDir tmp("chart-streams-real");
  const std::string store = tmp / "store";
  const RunResult imp = RunEncore("chart import " + Quote(old_files.string()) + " " +
                                  Quote(new_files.string()) + " --store " + Quote(store));
  ASSERT_EQ(imp.code, 0) << imp.out << imp.err;
  EXPECT_NE(imp.out.find("chart streams: 258 editions of 258 files"), std::string::npos) << imp.out;

  const Json want = Expect("5e8", {old_files.string(), new_files.string()}, tmp.path());
  ASSERT_EQ(want["editions"], 258);
  ASSERT_EQ(want["rows"], 51581);

  // Every track's cumulative chart streams, exactly.
  const auto got = Totals(store);
  std::map<std::string, int64_t> expected;
  for (const auto& [uri, v] : want["totals"].items()) expected[uri] = v.get<int64_t>();
  EXPECT_EQ(got.size(), expected.size());
  size_t differ = 0;
  for (const auto& [uri, v] : expected) {
    auto it = got.find(uri);
    if (it == got.end() || it->second != v) {
      if (++differ <= 10) ADD_FAILURE() << uri << ": python " << v << ", encore "
                                        << (it == got.end() ? -1 : it->second);
    }
  }
  EXPECT_EQ(differ, 0u);

  // Fastest to 500M: the same tracks, days (at most: the week's) and weeks, in the same order.
  const Json fastest = RunJson("records fastest 5e8 --chart-streams --top 100000 --format json "
                               "--store " + Quote(store));
  ASSERT_EQ(fastest["standings"].size(), want["fastest"].size());
  ASSERT_GT(want["fastest"].size(), 100u);
  for (size_t i = 0; i < want["fastest"].size(); ++i) {
    const Json& w = want["fastest"][i];
    const Json& g = fastest["standings"][i];
    EXPECT_EQ(g["days"], w[1]) << "place " << i + 1 << ": " << g.dump();
    EXPECT_EQ(g["date"], w[2]) << "place " << i + 1 << ": " << g.dump();
    // Ties (equal days and week) are listed by name in encore, by URI in Python.
    const bool tied = (i + 1 < want["fastest"].size() && want["fastest"][i + 1][1] == w[1]) ||
                      (i > 0 && want["fastest"][i - 1][1] == w[1]);
    if (!tied) {
      EXPECT_EQ(g["id"], w[0]) << "place " << i + 1;
    }
  }
  EXPECT_EQ(fastest["chart_streams"]["span_days"], 7);
  // The spot fact: Seven, 89,748,171 streams in the week ending 2023-07-20, its first.
  EXPECT_EQ(want["figure"][kSeven + "|2023-07-20"], 89748171);
  EXPECT_EQ(WeekFigure(store, kSeven, "2023-07-20"), 89748171);
  EXPECT_EQ(got.at(kSeven), want["totals"][kSeven].get<int64_t>());
  // Seven: second fastest to 500M in the data, within the week ending 2023-09-07.
  const RunResult claim = RunEncore(
      "check --store " + Quote(store) +
      " 'rank(fastest_to(chart_streams, 5e8), track \"Jung Kook - Seven\") = 2'"
      " 'date_to(chart_streams, 5e8, track \"" + kSeven + "\") = 2023-09-07'"
      " 'streams(track \"Jung Kook - Seven\") >= " + std::to_string(got.at(kSeven)) + "'");
  EXPECT_EQ(claim.code, 0) << claim.out << claim.err;
  // Chart streams are a lower bound (only the weeks on the chart count): "=" cannot be decided.
  const RunResult exact =
      RunEncore("check --store " + Quote(store) + " 'streams(track \"Jung Kook - Seven\") = " +
                std::to_string(got.at(kSeven)) + "'");
  EXPECT_EQ(exact.code, 1) << exact.out << exact.err;
  EXPECT_NE(exact.out.find("cannot tell"), std::string::npos) << exact.out;
  EXPECT_NE(claim.out.find("at least"), std::string::npos) << claim.out;
  EXPECT_NE(claim.out.find("the week ending 2023-09-07"), std::string::npos) << claim.out;

  // Importing the same files again changes nothing.
  const RunResult again = RunEncore("chart import " + Quote(new_files.string()) + " --store " +
                                    Quote(store));
  EXPECT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("chart streams: up to date"), std::string::npos) << again.out;
  EXPECT_EQ(Totals(store), got);
}

TEST(ChartStreams, ReplacedEditionsNeverDoubleCount) {
  TempDir tmp("chart-streams-replace");
  const std::string store = tmp / "store";
  std::filesystem::create_directories(tmp / "a");
  std::filesystem::create_directories(tmp / "b");
  const std::string a = "spotify:track:aaaaaaaaaaaaaaaaaaaaaa", b = "spotify:track:bbbbbbbbbbbbbbbbbbbbbb";
  WeekFile(tmp / "a", "regional-global-weekly-2023-07-20.csv", {{a, 1000}, {b, 500}});
  WeekFile(tmp / "a", "regional-global-weekly-2023-07-27.csv", {{a, 900}, {b, 600}});
  ASSERT_EQ(RunEncore("chart import " + Quote(tmp / "a") + " --store " + Quote(store)).code, 0);
  EXPECT_EQ(Totals(store), (std::map<std::string, int64_t>{{a, 1900}, {b, 1100}}));

  // Another export of the same week, the same entries with a corrected figure: replaces it.
  WeekFile(tmp / "b", "regional-global-weekly-2023-07-20.csv", {{a, 1001}, {b, 500}});
  RunResult r = RunEncore("chart import " + Quote(tmp / "b") + " --store " + Quote(store));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Totals(store), (std::map<std::string, int64_t>{{a, 1901}, {b, 1100}}));

  // A file replacing an edition with other entries (--replace): b is gone from that week.
  const std::string c = "spotify:track:cccccccccccccccccccccc";
  std::filesystem::remove(tmp / "b/regional-global-weekly-2023-07-20.csv");
  WeekFile(tmp / "b", "regional-global-weekly-2023-07-27.csv", {{a, 900}, {c, 300}});
  r = RunEncore("chart import " + Quote(tmp / "b") + " --store " + Quote(store));
  EXPECT_EQ(r.code, 3) << "refused without --replace: " << r.out << r.err;
  EXPECT_EQ(Totals(store), (std::map<std::string, int64_t>{{a, 1901}, {b, 1100}}));
  r = RunEncore("chart import " + Quote(tmp / "b") + " --replace --store " + Quote(store));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Totals(store), (std::map<std::string, int64_t>{{a, 1901}, {b, 500}, {c, 300}}));
  // A sync with nothing new is a no-op; the store knows each file a count came from.
  r = RunEncore("chart streams --store " + Quote(store));
  EXPECT_NE(r.out.find("up to date"), std::string::npos) << r.out;
  r = RunEncore("status --store " + Quote(store));
  EXPECT_NE(r.out.find("sources 4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("spotify-chart"), std::string::npos) << r.out;
}

TEST(ChartStreams, NeverLateDailyApartAndPlaysApart) {
  TempDir tmp("chart-streams-rules");
  const std::string store = tmp / "store";
  const std::string a = "spotify:track:aaaaaaaaaaaaaaaaaaaaaa";
  // Plays of the same track as daily totals, and a seal far past the charts' dates.
  WriteText(tmp / "totals.csv",
            "date,country,track,streams,tier,service\n2023-07-20,GLOBAL," + a +
                ",7,premium,spotify\n");
  ASSERT_EQ(RunEncore("ingest " + Quote(tmp / "totals.csv") + " --store " + Quote(store)).code,
            0);
  ASSERT_EQ(RunEncore("seal --before 2024-06-01 --store " + Quote(store)).code, 0);
  std::filesystem::create_directories(tmp / "charts");
  WeekFile(tmp / "charts", "regional-global-weekly-2023-07-20.csv", {{a, 1000}});
  WeekFile(tmp / "charts", "regional-us-weekly-2023-07-20.csv", {{a, 400}});
  WeekFile(tmp / "charts", "regional-global-daily-2023-07-20.csv", {{a, 150}});
  RunResult r = RunEncore("chart import " + Quote(tmp / "charts") + " --store " + Quote(store));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // Weekly: the global figure (GLOBAL wins over the US one), on the week's last day.
  EXPECT_EQ(WeekFigure(store, a, "2023-07-20"), 1000);
  // Daily chart streams are a service of their own.
  Json j = RunJson("streams --service spotify_charts_daily --track " + Quote(a) +
                   " --format json --store " + Quote(store));
  ASSERT_EQ(j["streams"].size(), 1u);
  EXPECT_EQ(j["streams"][0], 150);
  j = RunJson("streams --service spotify_charts_weekly --country US --track " + Quote(a) +
              " --format json --store " + Quote(store));
  ASSERT_EQ(j["streams"].size(), 1u);
  EXPECT_EQ(j["streams"][0], 400);
  // Without a service: the plays only, never chart streams added to them.
  j = RunJson("streams --track " + Quote(a) + " --format json --store " + Quote(store));
  ASSERT_EQ(j["streams"].size(), 1u);
  EXPECT_EQ(j["streams"][0], 7);
  j = RunJson("records most --format json --store " + Quote(store));
  ASSERT_EQ(j["standings"].size(), 1u);
  EXPECT_EQ(j["standings"][0]["streams"], 7);
}

TEST(ChartStreams, StoreOfChartsOnly) {
  TempDir tmp("chart-streams-only");
  const std::string store = tmp / "store";
  std::filesystem::create_directories(tmp / "charts");
  const std::string a = "spotify:track:aaaaaaaaaaaaaaaaaaaaaa", b = "spotify:track:bbbbbbbbbbbbbbbbbbbbbb";
  WeekFile(tmp / "charts", "regional-global-weekly-2023-07-20.csv", {{a, 60'000'000}, {b, 10}});
  WeekFile(tmp / "charts", "regional-global-weekly-2023-07-27.csv", {{a, 50'000'000}});
  ASSERT_EQ(RunEncore("chart import " + Quote(tmp / "charts") + " --store " + Quote(store)).code,
            0);
  // Every records command reads the chart streams, saying so; dates are week endings.
  for (const std::string& cmd : std::vector<std::string>{
           "records most", "records fastest 1e8", "records first 1e8 --kind track",
        "records race 2023 1e8 --kind track", "records milestones 'Artist aaaaaaaaaaaaaaaaaaaaaa - "
                                              "Song aaaaaaaaaaaaaaaaaaaaaa'",
        "news", "streams --track " + a}) {
    const RunResult r = RunEncore(cmd + " --store " + Quote(store));
    EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("chart streams only"), std::string::npos) << cmd << "\n" << r.err;
  }
  const RunResult m = RunEncore("records milestones " + Quote(a) + " --store " + Quote(store));
  EXPECT_NE(m.out.find("at least 110,000,000 chart streams"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("2023-07-27"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("day 0 2023-07-14 (the first day of its first chart week)"),
            std::string::npos)
      << m.out;
  const RunResult f = RunEncore("records fastest 1e8 --store " + Quote(store));
  EXPECT_NE(f.out.find("<= 13"), std::string::npos) << f.out;
  EXPECT_NE(f.out.find("in the week ending 2023-07-27"), std::string::npos) << f.out;
  const RunResult c =
      RunEncore("check --store " + Quote(store) + " " +
                Quote("days_to(streams, 1e8, track \"" + a + "\") <= 13"));
  EXPECT_EQ(c.code, 0) << c.out << c.err;
}

}  // namespace
}  // namespace encore::test
