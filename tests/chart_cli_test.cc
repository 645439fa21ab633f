// `encore chart` from the command line: import (rejected rows kept, exactly once), an edition
// with its movements, chart runs, the check against the printed columns, and the errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "shared_cases.h"
#include "shared_data.h"
#include "test_util.h"

namespace encore::test {
namespace {


// Three weekly editions in the shared spec §6 format, printed faithfully, and one bad row.
const char* kChart =
    "chart,date,position,title,artist,last_week,peak,weeks\n"
    "test-hot,2024-01-06,1,Alpha,Ann,,1,1\n"
    "test-hot,2024-01-06,2,Beta,Bob feat. Cy,,2,1\n"
    "test-hot,2024-01-06,3,Gamma,Gus,,3,1\n"
    "test-hot,2024-01-13,1,Beta,Bob feat. Cy,2,1,2\n"
    "test-hot,2024-01-13,2,Alpha,Ann,1,1,2\n"
    "test-hot,2024-01-13,3,Delta,Dee & Ann,,3,1\n"
    "test-hot,2024-01-13,x,Broken,Row,,1,1\n"
    "test-hot,2024-01-20,1,Beta,Bob feat. Cy,1,1,3\n"
    "test-hot,2024-01-20,2,Gamma,Gus,,2,2\n"
    "test-hot,2024-01-20,3,Alpha,Ann,2,1,3\n";

}  // namespace

TEST(ChartCli, ImportShowRunVerifyAndErrors) {
  TempDir dir("chart-cli");
  const std::string store = " --store " + Quote(dir / "s");
  WriteText(dir / "chart.csv", kChart);
  RunResult r = RunEncore("chart import " + Quote(dir / "chart.csv") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "chart.csv:8: rejected: position is not a number from 1: 'x'")) << r.out;
  EXPECT_TRUE(Has(r.out, "3 editions, 9 entries imported")) << r.out;
  EXPECT_TRUE(Has(RunEncore("chart rejects" + store).out, "chart.csv:8: position is not a number"));
  r = RunEncore("chart import " + Quote(dir / "chart.csv") + store);
  EXPECT_TRUE(Has(r.out, "1 files already imported")) << r.out;
  EXPECT_TRUE(Has(RunEncore("chart list" + store).out, "test-hot"));

  // The edition of 2024-01-20: movements, re-entry, last week, peak, weeks and streak.
  r = RunEncore("chart test-hot --date 2024-01-20" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "test-hot dated 2024-01-20")) << r.out;
  r = RunEncore("chart test-hot --date 2024-01-20 --format json" + store);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["entries"].size(), 3u);
  EXPECT_EQ(j["entries"][0]["movement"], "=");
  EXPECT_EQ(j["entries"][1]["movement"], "RE");
  EXPECT_EQ(j["entries"][1]["weeks"], 2);
  EXPECT_EQ(j["entries"][1]["streak"], 1);
  EXPECT_EQ(j["entries"][2]["movement"], "-1");
  EXPECT_EQ(j["entries"][2]["peak"], 1);
  // A date between editions shows the last one before it.
  EXPECT_TRUE(Has(RunEncore("chart test-hot --date 2024-01-16" + store).out,
                  "the last edition on or before 2024-01-16"));

  // Runs: a song in any spelling, an artist as lead or featured.
  r = RunEncore("chart run \"Bob - Beta\" --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto run = nlohmann::json::parse(r.out);
  ASSERT_EQ(run.size(), 1u);
  EXPECT_EQ(run[0]["debut"]["date"], "2024-01-06");
  EXPECT_EQ(run[0]["debut"]["position"], 2);
  EXPECT_EQ(run[0]["peak"], 1);
  EXPECT_EQ(run[0]["weeks_at_1"], 2);
  EXPECT_EQ(run[0]["weeks"], 3);
  r = RunEncore("chart run --artist Ann --format json" + store);
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 2u) << r.out;    // Alpha, and Delta (Dee & Ann)
  EXPECT_EQ(RunEncore("chart run --artist Cy" + store).code, 0);  // featured

  // The printed columns agree with the positions.
  r = RunEncore("chart verify test-hot" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "all printed columns agree on 9 rows (100.00%)")) << r.out;

  // Errors: unknown chart (the known ones listed), a date outside the data, a bad date, not a
  // chart file, a store without charts.
  r = RunEncore("chart no-such-chart" + store);
  EXPECT_EQ(r.code, 4);
  EXPECT_TRUE(Has(r.err, "no chart 'no-such-chart'") && Has(r.err, "test-hot")) << r.err;
  r = RunEncore("chart test-hot --date 2023-01-01" + store);
  EXPECT_EQ(r.code, 4);
  EXPECT_TRUE(Has(r.err, "no test-hot edition on or before 2023-01-01: the first is dated 2024-01-06"))
      << r.err;
  // A date past the data gets the last edition, and says so.
  r = RunEncore("chart test-hot --date 2030-01-01" + store);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "test-hot dated 2024-01-20 (the last edition on or before 2030-01-01)")) << r.out;
  EXPECT_TRUE(Has(r.out, "note: the last edition kept is dated 2024-01-20 (the data runs 2024-01-06..2024-01-20)"))
      << r.out;
  EXPECT_EQ(RunEncore("chart test-hot --date 2024-02-30" + store).code, 2);
  WriteText(dir / "plays.csv", "ts,user,track,ms_played,country,tier\n");
  r = RunEncore("chart import " + Quote(dir / "plays.csv") + store);
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(Has(r.err, "plays.csv:1: not a chart file")) << r.err;
  r = RunEncore("chart verify --store " + Quote(dir / "empty"));
  EXPECT_EQ(r.code, 4);
  EXPECT_TRUE(Has(r.err, "no chart history")) << r.err;
}

// 100 or 200 rows of utdata's weekly layout (the Hot 100's files have the Billboard 200's header).
std::string RwdWeek(const std::string& date, int rows, const std::string& prefix = "Title ") {
  std::string s = "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart\n";
  for (int i = 1; i <= rows; ++i)
    s += date + "," + std::to_string(i) + "," + prefix + std::to_string(i) + ",Artist " +
         std::to_string(i) + ",-," + std::to_string(i) + ",1\n";
  return s;
}

// The Hot 100 week in utdata's layout no longer lands on the Billboard 200 and replaces its week
// (exit 0, "1 editions replaced"): the chart is told by the path or the rows, ambiguity is an
// error, and replacing a week with different entries needs --replace and says what changed.
TEST(ChartCli, SharedBillboardLayoutNeverReplacesAnotherChartUnasked) {
  TempDir dir("chart-cli-shared-layout");
  const std::string store = " --store " + Quote(dir / "s");
  std::filesystem::create_directories(dir / "billboard-200");
  std::filesystem::create_directories(dir / "hot100-scraped");
  std::filesystem::create_directories(dir / "mixed");
  WriteText(dir / "billboard-200/2022-01-08.csv", RwdWeek("2022-01-08", 200, "Album "));
  WriteText(dir / "hot100-scraped/2022-01-08.csv", RwdWeek("2022-01-08", 100, "Song "));
  RunResult r = RunEncore("chart import " + Quote(dir / "billboard-200") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  r = RunEncore("chart import " + Quote(dir / "hot100-scraped") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "0 editions replaced")) << r.out;
  EXPECT_TRUE(Has(r.out, "chart from the path ('hot100-scraped') names")) << r.out;
  r = RunEncore("chart billboard-200 --date 2022-01-08 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["entries"][0]["title"], "Album 1");
  r = RunEncore("chart billboard-hot-100 --date 2022-01-08 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["entries"][0]["title"], "Song 1");

  // Nothing in the path, 150 positions: neither chart, an error naming --chart.
  WriteText(dir / "mixed/2022-01-15.csv", RwdWeek("2022-01-15", 150));
  r = RunEncore("chart import " + Quote(dir / "mixed/2022-01-15.csv") + store);
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(Has(r.err, "shared by the Billboard 200 and the Hot 100")) << r.err;
  EXPECT_TRUE(Has(r.err, "--chart")) << r.err;

  // --chart billboard-200 on the Hot 100 week: it would replace the real Billboard 200 week with
  // different entries; refused (exit 3), what would change listed, nothing imported.
  // (Another export of that week: the same content would be skipped as imported already.)
  WriteText(dir / "mixed/hot-week.csv", RwdWeek("2022-01-08", 100, "Song ") + "\n");
  r = RunEncore("chart import " + Quote(dir / "mixed/hot-week.csv") +
                " --chart billboard-200" + store);
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(Has(r.err, "refused")) << r.err;
  EXPECT_TRUE(Has(r.err, "billboard-200 2022-01-08: 100 entries added, 200 removed, 0 moved"))
      << r.err;
  EXPECT_TRUE(Has(r.err, "--replace")) << r.err;
  r = RunEncore("chart billboard-200 --date 2022-01-08 --top 300 --format json" + store);
  EXPECT_EQ(nlohmann::json::parse(r.out)["entries"].size(), 200u);
  // Asked: replaced, and the report says which edition and how.
  r = RunEncore("chart import " + Quote(dir / "mixed/hot-week.csv") +
                " --chart billboard-200 --replace" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "replaced billboard-200 2022-01-08: 100 entries added, 200 removed"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "1 editions replaced, 0 of them unchanged")) << r.out;
  r = RunEncore("chart billboard-200 --date 2022-01-08 --top 300 --format json" + store);
  EXPECT_EQ(nlohmann::json::parse(r.out)["entries"].size(), 100u);
}

// ../shared/cases/chart-spotifycharts-2017: the old site's download, with or without its note
// line. The case's text says "2018-07-20 (the Thursday that ends the period)", but 2018-07-20 is
// a Friday: the old site's "A--B" runs Friday A to Thursday B-1, as its first week
// "2016-12-23--2016-12-30" is the chart the current site dates 2016-12-29 (Starboy, 25,286,465
// streams in both). The Thursday that ends this period is 2018-07-19.
TEST(ChartCli, CaseSpotifyChartsOldSite) {
  ENCORE_REQUIRE_SHARED_CASE(src, "chart-spotifycharts-2017/regional-global-weekly-2018-07-13--2018-07-20.csv");
  TempDir dir("chart-cli-spotify-old");
  const std::string text = ReadText(src.string());
  const size_t header = text.find("Position,");
  ASSERT_NE(header, std::string::npos);
  for (const std::string& variant : {std::string("with-note"), std::string("without-note")}) {
    std::filesystem::create_directories(dir / variant);
    const std::string file = dir / (variant + "/regional-global-weekly-2018-07-13--2018-07-20.csv");
    WriteText(file, variant == "with-note" ? text : text.substr(header));
    const std::string store = " --store " + Quote(dir / ("s-" + variant));
    RunResult r = RunEncore("chart import " + Quote(file) + store);
    ASSERT_EQ(r.code, 0) << r.err;
    r = RunEncore("chart spotify-global-weekly --format json" + store);
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["date"], "2018-07-19");
    ASSERT_EQ(j["entries"].size(), 2u);
    EXPECT_EQ(j["entries"][0]["title"], "In My Feelings");
    EXPECT_EQ(j["value_name"], "streams");
    EXPECT_EQ(j["entries"][0]["value"], 43950715);
    EXPECT_EQ(j["entries"][1]["value"], 33681056);
  }
}

// ../shared/cases/chart-billboard-date-json: mhollingshead's date/YYYY-MM-DD.json, alone and as a
// folder; a folder with nothing importable says so and fails.
TEST(ChartCli, CaseBillboardDateJson) {
  ENCORE_REQUIRE_SHARED_CASE(src, "chart-billboard-date-json/date");
  TempDir dir("chart-cli-bb-json");
  const std::string store = " --store " + Quote(dir / "s");
  RunResult r = RunEncore("chart import " + Quote(src.string()) + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(Has(r.out + r.err, "empty")) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "1 files: 1 editions, 2 entries imported")) << r.out;
  r = RunEncore("chart billboard-hot-100 --date 2023-07-29 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["date"], "2023-07-29");
  ASSERT_EQ(j["entries"].size(), 2u);
  EXPECT_EQ(j["entries"][0]["title"], "Seven");
  EXPECT_EQ(j["entries"][1]["title"], "Last Night");
  // --chart overrides.
  r = RunEncore("chart import " + Quote((src / "2023-07-29.json").string()) +
                " --chart my-hot" + " --store " + Quote(dir / "s2"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(RunEncore("chart my-hot --date 2023-07-29 --store " + Quote(dir / "s2")).code, 0);
  // Nothing importable: said, non-zero, never "0 files" with exit 0.
  std::filesystem::create_directories(dir / "notes");
  WriteText(dir / "notes/README.md", "# charts\n");
  r = RunEncore("chart import " + Quote(dir / "notes") + store);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Has(r.err, "nothing importable")) << r.err;
  EXPECT_TRUE(Has(r.out, "README.md: not a .csv or .json file")) << r.out;
  std::filesystem::create_directories(dir / "empty");
  r = RunEncore("chart import " + Quote(dir / "empty") + store);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Has(r.err, "nothing importable")) << r.err;
  // A folder mixing a chart file and others: what was taken and what was skipped, and why.
  std::filesystem::create_directories(dir / "mixed");
  std::filesystem::copy_file(src / "2023-07-29.json", dir / "mixed/2023-07-29.json");
  WriteText(dir / "mixed/notes.txt", "x");
  r = RunEncore("chart import " + Quote(dir / "mixed") + " --store " + Quote(dir / "s3"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "took 1 file: Billboard JSON")) << r.out;
  EXPECT_TRUE(Has(r.out, "skipped 1 file")) << r.out;
}

// Charts compiled from counts: plays of the demo world, its catalog imported.
TEST(ChartCli, CompiledFromCountsExplainedAndKept) {
  TempDir dir("chart-cli-compiled");
  const std::string store = " --store " + Quote(dir / "s");
  const std::string plays = dir / "plays.csv";
  ASSERT_EQ(RunEncore("simulate --plays 40000 --days 14 --start 2024-01-05 --world demo --out " +
                      Quote(plays))
                .code,
            0);
  ASSERT_EQ(
      RunEncore("catalog import " + Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo") + store)
          .code,
      0);
  ASSERT_EQ(RunEncore("ingest --no-progress " + Quote(plays) + store).code, 0);
  EXPECT_TRUE(Has(RunEncore("chart list" + store).out, "spotify-weekly"));

  // The latest weekly chart fully counted: Friday 2024-01-12 .. Thursday 01-18.
  RunResult r = RunEncore("chart spotify-weekly --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["date"], "2024-01-18");
  EXPECT_EQ(j["period"], nlohmann::json::array({"2024-01-12", "2024-01-18"}));
  bool seven = false;
  for (const auto& e : j["entries"]) {
    if (e["tracks"] != nlohmann::json::array({"jk-seven"})) continue;
    seven = true;
    EXPECT_EQ(e["weeks"], 2);
    EXPECT_EQ(e["title"], "Seven (feat. Latto) (Explicit Ver.)");
    EXPECT_EQ(e["artist"], "Jung Kook feat. Latto");
  }
  EXPECT_TRUE(seven) << r.out;
  for (size_t i = 1; i < j["entries"].size(); ++i)  // ranked by streams
    EXPECT_GE(j["entries"][i - 1]["value"].get<double>(),
              j["entries"][i]["value"].get<double>());
  r = RunEncore("chart spotify-weekly --date 2024-01-11 --country KR" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "spotify-weekly (Spotify-style Weekly Top 200), KR, dated 2024-01-11"))
      << r.out;

  // Explain: the streams of each tier times its weight.
  r = RunEncore("chart explain spotify-weekly --track jk-seven" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Seven (feat. Latto) (Explicit Ver.) by Jung Kook feat. Latto: No. "))
      << r.out;
  EXPECT_TRUE(Has(r.out, "premium streams ") && Has(r.out, " x 1 = ")) << r.out;

  // Compile and keep; again is a no-op; the kept editions read like any other.
  r = RunEncore("chart compile spotify-daily --from 2024-01-05 --to 2024-01-07" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "spotify-daily 2024-01-07 (2024-01-07..2024-01-07):")) << r.out;
  r = RunEncore("chart compile spotify-daily --from 2024-01-05 --to 2024-01-07" + store);
  EXPECT_TRUE(Has(r.out, "spotify-daily 2024-01-06: unchanged since it was compiled")) << r.out;
  r = RunEncore("chart spotify-daily:global --date 2024-01-07 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["entries"][0]["weeks"], 3);
  // UK-style: versions combined, the three-track rule noted.
  r = RunEncore("chart uk-singles-style" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "not eligible (more than 3 songs as lead artist)")) << r.out;

  // Errors: a date before the counts, a region the chart is not compiled for.
  r = RunEncore("chart spotify-weekly --date 2023-06-01" + store);
  EXPECT_EQ(r.code, 4);
  EXPECT_TRUE(Has(r.err, "the counts run 2024-01-05..2024-01-18")) << r.err;
  r = RunEncore("chart hot-100-style --country KR" + store);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "compiled for US, not 'KR'")) << r.err;
}

// Sales and airplay through `encore ingest`: validated, rejected lines kept and listed, exactly
// once, strict mode; and the hourly iTunes-style chart of every country.
TEST(ChartCli, SalesAndAirplayIngestedAndStoreCharts) {
  TempDir dir("chart-cli-sales");
  const std::string store = " --store " + Quote(dir / "s");
  std::string sales = "ts,store,country,item,format,units\n";
  // Seven leads in 3 countries within the first hours; another song leads in JP.
  for (const char* c : {"US", "GB", "KR"}) {
    sales += std::string("2023-07-14T04:10:00Z,itunes,") + c + ",jk-seven,track,50\n";
    sales += std::string("2023-07-14T04:20:00Z,itunes,") + c + ",miley-flowers,track,10\n";
  }
  sales += "2023-07-14T04:30:00Z,itunes,JP,miley-flowers,track,20\n";
  sales += "2023-07-14T04:31:00Z,itunes,JP,jk-seven,track,5\n";
  sales += "2023-07-14 04:32:00,itunes,JP,jk-seven,track,5\n";    // bad timestamp
  sales += "2023-07-14T04:33:00Z,itunes,XX,jk-seven,track,5\n";   // bad country
  sales += "2023-07-14T04:34:00Z,itunes,JP,jk-seven,single,5\n";  // bad format
  WriteText(dir / "sales.csv", sales);
  WriteText(dir / "airplay.csv", "date,country,track,audience\n2023-07-17,US,jk-seven,12000\n");
  RunResult r = RunEncore("ingest --no-progress " + Quote(dir / "sales.csv") + " " +
                          Quote(dir / "airplay.csv") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "sales, 11 lines, 8 rows taken in, 205 units, 3 rejected")) << r.out;
  EXPECT_TRUE(Has(r.out, "airplay, 1 lines, 1 rows taken in, 12,000 audience, 0 rejected"))
      << r.out;
  r = RunEncore("rejects" + store);
  EXPECT_TRUE(Has(r.out, "sales.csv:10: bad_timestamp: 2023-07-14 04:32:00")) << r.out;
  EXPECT_TRUE(Has(r.out, "sales.csv:11: bad_country:")) << r.out;
  EXPECT_TRUE(Has(r.out, "sales.csv:12: bad_format:")) << r.out;
  EXPECT_TRUE(Has(RunEncore("rejects --reason bad_format" + store).out, "single"));
  // The same content again, even compressed under another name: nothing changes.
  ASSERT_EQ(
      std::system(
          ("gzip -c " + Quote(dir / "sales.csv") + " > " + Quote(dir / "copy.csv.gz")).c_str()),
      0);
  r = RunEncore("ingest --no-progress " + Quote(dir / "copy.csv.gz") + store);
  EXPECT_TRUE(Has(r.out, "already ingested")) << r.out;
  // Strict: the first bad line stops the file, nothing of it is kept.
  WriteText(dir / "bad.csv",
            "ts,store,country,item,format,units\n"
            "2023-07-15T00:00:00Z,itunes,US,jk-seven,track,1000\n"
            "2023-07-15T00:00:00Z,itunes,US,jk-seven,track,0\n");
  r = RunEncore("ingest --strict --no-progress " + Quote(dir / "bad.csv") + store);
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(Has(r.err, "bad.csv:3: bad_units (strict mode)")) << r.err;

  // The store chart: No. 1 per country at 05:00 UTC, and one country's chart.
  r = RunEncore("chart itunes-style --date 2023-07-14T05 --all-regions --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["number_ones"].size(), 2u) << r.out;
  EXPECT_EQ(j["number_ones"][0]["item"], "jk-seven");
  EXPECT_EQ(j["number_ones"][0]["countries"], nlohmann::json::array({"GB", "KR", "US"}));
  EXPECT_EQ(j["number_ones"][1]["countries"], nlohmann::json::array({"JP"}));
  r = RunEncore("chart itunes-style --date 2023-07-14T05 --country JP" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "   1  miley-flowers")) << r.out;  // no catalog here: the item ids
  EXPECT_EQ(RunEncore("chart itunes-style --date 2023-07-14T03 --country US" + store).code, 0);
  EXPECT_EQ(RunEncore("chart itunes-style --country US" + store).code, 2);  // hourly: needs --date
}

// The whole Hot 100 history through the command line: imported, verified, and Seven's run.
TEST(ChartCli, Hot100HistoryImportedAndVerified) {
  ENCORE_REQUIRE_SHARED_DATA(path, "billboard-hot-100");
  TempDir dir("chart-cli-hot100");
  const std::string store = " --store " + Quote(dir / "s");
  ASSERT_EQ(
      RunEncore("catalog import " + Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo") + store)
          .code,
      0);
  RunResult r = RunEncore("chart import " + Quote(path) + store);
  ASSERT_EQ(r.code, 0) << r.err;
  // Chart songs matched to the demo catalog by name (Seven, 3D, Dynamite, Butter, Flowers, As It
  // Was, Stay, Like Crazy, ...); every other is kept as a chart song of its own.
  const size_t at = r.out.find("of which ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_GE(std::atoi(r.out.c_str() + at + 9), 8) << r.out;
  EXPECT_TRUE(Has(r.out, "billboard-hot-100        3,549 editions, 1958-08-04..2026-08-08"))
      << r.out;
  r = RunEncore("chart verify billboard-hot-100 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto v = nlohmann::json::parse(r.out)[0];
  EXPECT_EQ(v["rows"].get<int>() + v["carried_in"].get<int>(), 354887);
  EXPECT_GE(v["agree_percent"].get<double>(), 99.5);
  r = RunEncore("chart run \"Jung Kook - Seven\" --chart billboard-hot-100 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto run = nlohmann::json::parse(r.out);
  ASSERT_EQ(run.size(), 1u) << r.out;
  EXPECT_EQ(run[0]["debut"]["date"], "2023-07-29");
  EXPECT_EQ(run[0]["debut"]["position"], 1);
  EXPECT_EQ(run[0]["weeks"], 15);
  EXPECT_EQ(run[0]["reentries"], nlohmann::json::array({"2023-11-18"}));
  // The same run asked by catalog track: any version of the song.
  r = RunEncore("chart run --track jk-seven-band --chart billboard-hot-100 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)[0]["weeks"], 15) << r.out;
  r = RunEncore("chart billboard-hot-100 --date 2023-07-29 --top 1" + store);
  EXPECT_TRUE(Has(r.out, "   1   NEW  Seven")) << r.out;
}

}  // namespace encore::test
