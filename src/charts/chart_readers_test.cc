// The chart files people have, each reader on a small file in the real layout: Spotify Charts
// daily, the old site's downloads and the all-regions dataset; Billboard JSON weeks; the UK's
// glued markers; the chart of a layout that two charts share; streaming in parts; and the
// history's refusal to replace an edition with different entries unless told to.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "encore/charts.h"
#include "encore/keys.h"

namespace encore {
namespace {

class ChartReaders : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("encore-readers-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& rel, const std::string& text) {
    const auto p = dir_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  Result<ChartFile> Read(const std::string& path, const std::string& chart = "") {
    issues_.clear();
    return ReadChartFile(path, chart, &issues_);
  }
  std::string Issues() const {
    std::string s;
    for (const auto& i : issues_) s += i.ToString() + "\n";
    return s;
  }
  std::filesystem::path dir_;
  std::vector<ChartIssue> issues_;
};

// 100 or 200 rows of utdata's weekly layout, as its Hot 100 and Billboard 200 files have.
std::string RwdWeek(const std::string& date, int rows) {
  std::string s = "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart\n";
  for (int i = 1; i <= rows; ++i)
    s += date + "," + std::to_string(i) + ",Title " + std::to_string(i) + ",Artist " +
         std::to_string(i) + ",-," + std::to_string(i) + ",1\n";
  return s;
}

TEST(CountryNames, NamesAsDatasetsPrintThem) {
  EXPECT_EQ(CountryOfName("Global"), kGlobalCountry);
  EXPECT_EQ(CountryName(*CountryOfName("United States")), "US");
  EXPECT_EQ(CountryName(*CountryOfName("united kingdom")), "GB");
  EXPECT_EQ(CountryName(*CountryOfName("Korea, Republic of")), "KR");
  EXPECT_EQ(CountryName(*CountryOfName("South Korea")), "KR");
  EXPECT_EQ(CountryName(*CountryOfName("Türkiye")), "TR");
  EXPECT_EQ(CountryName(*CountryOfName("Czech Republic")), "CZ");
  EXPECT_EQ(CountryName(*CountryOfName("Hong Kong")), "HK");
  EXPECT_FALSE(CountryOfName("Atlantis").has_value());
}

TEST_F(ChartReaders, SpotifyDailyOfTheCurrentSite) {
  auto f = Read(Write("regional-us-daily-2023-07-20.csv",
                      "\xEF\xBB\xBFrank,uri,artist_names,track_name,source,peak_rank,"
                      "previous_rank,days_on_chart,streams\n"
                      "1,spotify:track:a,\"Jung Kook, Latto\",Seven (feat. Latto),BIGHIT MUSIC,1,"
                      "-1,1,\"4890123\"\n"
                      "2,spotify:track:b,Olivia Rodrigo,vampire,Olivia Rodrigo PS,1,2,21,3012345\n"));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->format, ChartFileFormat::kSpotifyDaily);
  ASSERT_EQ(f->editions.size(), 1u);
  EXPECT_EQ(f->editions[0].chart, "spotify-us-daily");
  EXPECT_EQ(f->editions[0].date, DayFromCivil(2023, 7, 20));
  EXPECT_EQ(f->editions[0].entries[0].metric, 4890123);
  EXPECT_FALSE(f->editions[0].entries[0].last_week.has_value());
  EXPECT_EQ(f->editions[0].entries[1].weeks, 21);  // days on chart, in the weeks column
}

TEST_F(ChartReaders, SpotifyOldSiteWithAndWithoutTheNoteLine) {
  const std::string rows =
      "Position,\"Track Name\",Artist,Streams,URL\n"
      "1,\"In My Feelings\",Drake,43950715,https://open.spotify.com/track/0bAkKNCQfWkexHFn7fIKns\n"
      "2,\"Don’t Matter To Me\",Drake,33681056,"
      "https://open.spotify.com/track/36ONiya0OANYknz0GgJmwB\n";
  const std::string note =
      ",,,\"Note that these figures are generated using a formula that protects against any "
      "artificial inflation of chart positions.\",\n";
  for (const std::string& text : {note + rows, rows}) {
    // The period "A--B" runs Friday A to Thursday B-1: the chart of the Thursday.
    auto f = Read(Write("regional-global-weekly-2018-07-13--2018-07-20.csv", text));
    ASSERT_TRUE(f.ok()) << Issues();
    EXPECT_EQ(f->format, ChartFileFormat::kSpotifyLegacy);
    ASSERT_EQ(f->editions.size(), 1u);
    EXPECT_EQ(f->editions[0].chart, "spotify-global-weekly");
    EXPECT_EQ(f->editions[0].date, DayFromCivil(2018, 7, 19));
    ASSERT_EQ(f->editions[0].entries.size(), 2u);
    EXPECT_EQ(f->editions[0].entries[0].metric, 43950715);
    EXPECT_EQ(f->editions[0].entries[1].metric, 33681056);
    EXPECT_EQ(f->editions[0].entries[0].id, "spotify:track:0bAkKNCQfWkexHFn7fIKns");
    EXPECT_EQ(f->rows, 2u);
    EXPECT_TRUE(f->rejects.empty());
  }
  // Daily, and the viral chart (no streams).
  auto f = Read(Write("regional-de-daily-2019-03-01.csv", note + rows));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "spotify-de-daily");
  EXPECT_EQ(f->editions[0].date, DayFromCivil(2019, 3, 1));
  f = Read(Write("viral-global-daily-2019-03-01.csv",
                 "Position,\"Track Name\",Artist,URL\n1,Song,Someone,"
                 "https://open.spotify.com/track/x\n"));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "spotify-viral-global-daily");
  EXPECT_FALSE(f->editions[0].entries[0].metric.has_value());
  // A name without its date or period: a clear error.
  EXPECT_FALSE(Read(Write("regional-global-daily-latest.csv", rows)).ok());
  EXPECT_NE(Issues().find("named by its date"), std::string::npos) << Issues();
  EXPECT_FALSE(Read(Write("download-2019-03-01.csv", rows)).ok());
  EXPECT_NE(Issues().find("daily or weekly"), std::string::npos) << Issues();
  EXPECT_TRUE(Read(Write("download-2019-03-01.csv", rows), "spotify-fr-daily").ok());
}

TEST_F(ChartReaders, SpotifyDatasetOfAllRegionsAndDates) {
  auto f = Read(Write(
      "charts.csv",
      "title,rank,date,artist,url,region,chart,trend,streams\n"
      "Chantaje (feat. Maluma),1,2017-01-01,Shakira,https://open.spotify.com/track/6mICuAdrwEjh6Y6lroV2Kg,"
      "Argentina,top200,SAME_POSITION,253019\n"
      "\"Safari\",2,2017-01-01,\"J Balvin, Pharrell Williams, BIA, Sky\","
      "https://open.spotify.com/track/6rQSrBHf7HlZjtcMZ4S4bO,Argentina,top200,MOVE_UP,173865.0\n"
      "Starboy,1,2017-01-01,The Weeknd,https://open.spotify.com/track/5aAx2yezTd8zXrkmtKl66Z,"
      "Global,top200,NEW_ENTRY,3135625\n"
      "Some Viral,1,2017-01-01,Someone,https://open.spotify.com/track/v,United States,viral50,"
      "MOVE_DOWN,\n"
      "Lost,1,2017-01-01,Someone,https://open.spotify.com/track/l,Atlantis,top200,MOVE_UP,10\n"
      "Odd,1,2017-01-01,Someone,https://open.spotify.com/track/o,Global,top50,MOVE_UP,10\n"
      "Starboy,1,2017-01-02,The Weeknd,https://open.spotify.com/track/5aAx2yezTd8zXrkmtKl66Z,"
      "Global,top200,SAME_POSITION,2000000\n"));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->format, ChartFileFormat::kSpotifyDataset);
  std::map<std::string, size_t> by_chart;
  for (const auto& ed : f->editions) by_chart[ed.chart] += ed.entries.size();
  EXPECT_EQ(by_chart["spotify-ar-daily"], 2u);
  EXPECT_EQ(by_chart["spotify-global-daily"], 2u);
  EXPECT_EQ(by_chart["spotify-viral-us-daily"], 1u);
  const ChartEdition& ar = f->editions[0];
  EXPECT_EQ(ar.chart, "spotify-ar-daily");
  EXPECT_EQ(ar.entries[1].metric, 173865);  // a whole number written as a decimal
  EXPECT_FALSE(ar.entries[0].last_week.has_value());  // trend is not last week
  ASSERT_EQ(f->rejects.size(), 2u);
  EXPECT_EQ(f->rejects[0].line, 6u);
  EXPECT_EQ(f->rejects[0].reason, "unknown region 'Atlantis'");
  EXPECT_EQ(f->rejects[1].reason, "unknown chart 'top50' (top200, viral50)");
}

TEST_F(ChartReaders, BillboardJsonWeeks) {
  // mhollingshead/billboard-hot-100's date/YYYY-MM-DD.json.
  const std::string week =
      "{\"date\": \"2023-07-29\", \"data\": [{\"song\": \"Seven\", \"artist\": \"Jung Kook "
      "Featuring Latto\", \"this_week\": 1, \"last_week\": null, \"peak_position\": 1, "
      "\"weeks_on_chart\": 1}, {\"song\": \"Last Night\", \"artist\": \"Morgan Wallen\", "
      "\"this_week\": 2, \"last_week\": 1, \"peak_position\": 1, \"weeks_on_chart\": 26}]}";
  auto f = Read(Write("date/2023-07-29.json", week));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->format, ChartFileFormat::kBillboardJson);
  ASSERT_EQ(f->editions.size(), 1u);
  EXPECT_EQ(f->editions[0].chart, "billboard-hot-100");
  EXPECT_EQ(f->editions[0].date, DayFromCivil(2023, 7, 29));
  ASSERT_EQ(f->editions[0].entries.size(), 2u);
  EXPECT_FALSE(f->editions[0].entries[0].last_week.has_value());
  EXPECT_EQ(f->editions[0].entries[1].last_week, 1);
  EXPECT_EQ(f->editions[0].entries[1].weeks, 26);
  // A path naming another chart, or --chart, overrides.
  f = Read(Write("billboard-global-200/date/2023-07-29.json", week));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-global-200");
  f = Read(Write("date/2023-07-29.json", week), "my-chart");
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "my-chart");
  // all.json: an array of weeks, one entry bad (rejected with its line), one week's date bad.
  f = Read(Write("all.json",
                 "[\n{\"date\": \"1958-08-04\", \"data\": [\n"
                 "{\"song\": \"Poor Little Fool\", \"artist\": \"Ricky Nelson\", \"this_week\": 1,"
                 " \"last_week\": null, \"peak_position\": 1, \"weeks_on_chart\": 1},\n"
                 "{\"song\": \"\", \"artist\": \"Nobody\", \"this_week\": 2}]},\n"
                 "{\"date\": \"1958-08-11\", \"data\": [{\"song\": \"Poor Little Fool\", "
                 "\"artist\": \"Ricky Nelson\", \"this_week\": \"1\", \"last_week\": \"1\"}]},\n"
                 "{\"date\": \"someday\", \"data\": [{\"song\": \"X\", \"artist\": \"Y\", "
                 "\"this_week\": 1}]}\n]\n"));
  ASSERT_TRUE(f.ok()) << Issues();
  ASSERT_EQ(f->editions.size(), 2u);
  EXPECT_EQ(f->editions[1].entries[0].last_week, 1);
  ASSERT_EQ(f->rejects.size(), 2u);
  EXPECT_EQ(f->rejects[0].line, 4u);
  EXPECT_EQ(f->rejects[0].reason, "entry 2: empty title");
  EXPECT_NE(f->rejects[1].reason.find("not a date"), std::string::npos);
  // billboard.py's ChartData.json(): the chart named inside, lastPos 0 for new.
  f = Read(Write("chart.json",
                 "{\"date\": \"2023-07-29\", \"entries\": [{\"artist\": \"Morgan Wallen\", "
                 "\"image\": null, \"isNew\": false, \"lastPos\": 1, \"peakPos\": 1, \"rank\": 1, "
                 "\"title\": \"Last Night\", \"weeks\": 26}, {\"artist\": \"X\", \"isNew\": true,"
                 " \"lastPos\": 0, \"peakPos\": 2, \"rank\": 2, \"title\": \"New One\", "
                 "\"weeks\": 1}], \"name\": \"country-airplay\", \"previousDate\": "
                 "\"2023-07-22\"}"));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-country-airplay");
  EXPECT_FALSE(f->editions[0].entries[1].last_week.has_value());
  // Not JSON to the end, not a chart, too deep: the file fails with a reason, nothing crashes.
  EXPECT_FALSE(Read(Write("broken.json", week.substr(0, 120))).ok());
  EXPECT_NE(Issues().find("not valid JSON"), std::string::npos) << Issues();
  EXPECT_FALSE(Read(Write("history.json", "[{\"ts\": \"2023-01-01T00:00:00Z\"}]")).ok());
  EXPECT_NE(Issues().find("without chart weeks"), std::string::npos) << Issues();
  EXPECT_FALSE(Read(Write("deep.json", std::string(100000, '[') + std::string(100000, ']'))).ok());
  EXPECT_FALSE(Read(Write("long.json", "{\"date\": \"" + std::string(3 << 20, 'x') + "\"}")).ok());
  EXPECT_NE(Issues().find("1 MiB"), std::string::npos) << Issues();
}

TEST_F(ChartReaders, UkReEntryAndNewMarkersGluedToTitles) {
  auto f = Read(Write("uk_singles_2025_2026.csv",
                      "chart_date,position,title,artist,last_week,peak_position,weeks_on_chart\n"
                      "2025-08-01,Number17,REIN ME IN,SAM FENDER & OLIVIA DEAN,15,6,7\n"
                      "2025-08-01,Number45,REMAMA I'M COMING HOME,OZZY OSBOURNE,RE,45,3\n"
                      "2025-08-01,Number50,RESOMEONE YOU LOVED,LEWIS CAPALDI,RE,1,300\n"
                      "2025-08-01,Number60,NewPRETTY ON THE INTERNET,K'S,New,60,1\n"
                      "2025-08-01,Number61,Reborn,X,RE,61,2\n"));
  ASSERT_TRUE(f.ok()) << Issues();
  const auto& e = f->editions[0].entries;
  EXPECT_EQ(e[0].title, "REIN ME IN");  // a title of its own: last week 15
  EXPECT_EQ(e[1].title, "MAMA I'M COMING HOME");
  EXPECT_EQ(e[2].title, "SOMEONE YOU LOVED");
  EXPECT_EQ(e[2].song, EntryKey("LEWIS CAPALDI", "SOMEONE YOU LOVED"));
  EXPECT_EQ(e[3].title, "PRETTY ON THE INTERNET");
  EXPECT_EQ(e[4].title, "Reborn");  // not upper case: no glued marker
}

TEST_F(ChartReaders, SharedBillboardLayoutIsToldByPathOrRowsNeverGuessed) {
  // utdata's Hot 100 week has the Billboard 200's header.
  auto f = Read(Write("data-download/hot100-scraped/2022/2022-01-08.csv", RwdWeek("2022-01-08", 100)));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-hot-100");
  f = Read(Write("billboard200-scraped/2021/2021-01-02.csv", RwdWeek("2021-01-02", 200)));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-200");
  // Nothing in the path: 100 positions are the Hot 100, 200 the Billboard 200.
  f = Read(Write("x/2022-01-08.csv", RwdWeek("2022-01-08", 100)));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-hot-100");
  f = Read(Write("x/2021-01-02.csv", RwdWeek("2021-01-02", 200)));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-200");
  // Neither: an error, unless --chart says.
  EXPECT_FALSE(Read(Write("x/2021-01-09.csv", RwdWeek("2021-01-09", 150))).ok());
  EXPECT_NE(Issues().find("give the chart with --chart"), std::string::npos) << Issues();
  f = Read(Write("x/2021-01-09.csv", RwdWeek("2021-01-09", 150)), "billboard-200");
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-200");
  // The path names the Hot 100 but the week has 200 positions: an error.
  EXPECT_FALSE(Read(Write("hot-100/2021-01-02.csv", RwdWeek("2021-01-02", 200))).ok());
  EXPECT_NE(Issues().find("names billboard-hot-100 (100 positions)"), std::string::npos) << Issues();
  // Longer chart names win over the ones they contain.
  f = Read(Write("bubbling-under-hot-100/2022-01-08.csv", RwdWeek("2022-01-08", 25)));
  ASSERT_TRUE(f.ok()) << Issues();
  EXPECT_EQ(f->editions[0].chart, "billboard-bubbling-under-hot-100");
}

// Collects what a stream hands over, part by part.
class Parts final : public ChartSink {
 public:
  Status Add(ChartEdition part) override {
    parts.push_back(std::move(part));
    return Status::Ok();
  }
  Status Reject(ChartReject r) override {
    rejects.push_back(std::move(r));
    return Status::Ok();
  }
  std::vector<ChartEdition> parts;
  std::vector<ChartReject> rejects;
};

TEST_F(ChartReaders, EditionsAreHandedOverAsTheyComeInBoundedParts) {
  std::string text = "chart,date,position,title,artist,last_week,peak,weeks\n";
  for (int d = 1; d <= 9; ++d)
    for (int p = 1; p <= 10; ++p)
      text += "c,2024-01-0" + std::to_string(d) + "," + std::to_string(p) + ",T" +
              std::to_string(p) + ",A,,,\n";
  text += "c,2024-01-01,11,Late,A,,,\n";  // an edition listed again further on
  Parts parts;
  ChartReadOptions options;
  options.flush_rows = 25;
  std::vector<ChartIssue> issues;
  auto s = StreamChartFile(Write("chart.csv", text), options, &parts, &issues);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rows, 91u);
  size_t rows = 0, parts_of_first = 0;
  for (const auto& p : parts.parts) {
    rows += p.entries.size();
    parts_of_first += p.date == DayFromCivil(2024, 1, 1);
    EXPECT_LE(p.entries.size(), 25u);
  }
  EXPECT_EQ(rows, 91u);
  EXPECT_EQ(parts_of_first, 2u);
  EXPECT_EQ(s->fingerprint, *ChartFileFingerprint((dir_ / "chart.csv").string()));
  // ReadChartFile joins the parts.
  auto f = Read((dir_ / "chart.csv").string());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->editions.size(), 9u);
  EXPECT_EQ(f->editions[0].entries.size(), 11u);
}

TEST_F(ChartReaders, ReplacingAnEditionWithDifferentEntriesNeedsToBeAsked) {
  auto history = OpenChartHistory((dir_ / "store").string(), true);
  ASSERT_TRUE(history.ok());
  auto import = [&](const std::string& path, bool replace) {
    auto f = Read(path);
    EXPECT_TRUE(f.ok()) << Issues();
    ChartImportOptions o;
    o.replace = replace;
    auto im = (*history)->BeginImport(f->fingerprint, path, o);
    EXPECT_TRUE(im.ok());
    for (const auto& ed : f->editions) EXPECT_TRUE((*im)->Add(ed).ok());
    auto r = (*im)->Commit(f->rows);
    EXPECT_TRUE(r.ok());
    return *r;
  };
  const std::string b200 = Write("billboard-200/2021-01-02.csv", RwdWeek("2021-01-02", 200));
  EXPECT_EQ(import(b200, false).entries, 200u);
  // The same week again from another file, the same entries: unchanged, no flag needed.
  const std::string again = Write("copy/billboard-200-2021-01-02.csv",
                                  RwdWeek("2021-01-02", 200) + "\n");
  ChartImportReport r = import(again, false);
  EXPECT_FALSE(r.refused);
  EXPECT_EQ(r.replaced, 1u);
  EXPECT_EQ(r.unchanged, 1u);
  // 100 entries for that Billboard 200 week: refused, and what would change said.
  std::string short_week = RwdWeek("2021-01-02", 100);
  short_week.replace(short_week.find("Title 1,"), 8, "Title X,");
  const std::string hot = Write("misnamed/billboard-200-2021-01-02-short.csv", short_week);
  r = import(hot, false);
  EXPECT_TRUE(r.refused);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].chart, "billboard-200");
  EXPECT_EQ(r.changes[0].added, 1u);
  EXPECT_EQ(r.changes[0].removed, 101u);
  EXPECT_EQ((*(*history)->Editions("billboard-200"))[0].entries.size(), 200u);  // untouched
  EXPECT_FALSE(*(*history)->Imported(*ChartFileFingerprint(hot)));
  r = import(hot, true);
  EXPECT_FALSE(r.refused);
  EXPECT_EQ(r.changes.size(), 1u);
  EXPECT_EQ((*(*history)->Editions("billboard-200"))[0].entries.size(), 100u);
}

}  // namespace
}  // namespace encore
