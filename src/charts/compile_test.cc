// Charts compiled from counts: golden scenarios for each rule (ties, regions, era switches of the
// weights, versions combined, the three-track rule, album units, recurrent removal), and the
// Spotify-style chart cross-checked against SQLite SQL over the same input.
#include "encore/compile.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "encore/ingest.h"
#include "encore/sales.h"

namespace encore {
namespace {

class CompileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("encore-compile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Counts daily totals (shared spec §4) into a fresh store.
  std::unique_ptr<CountStore> Store(const std::string& daily) {
    const std::string path = (dir_ / ("daily-" + std::to_string(++files_) + ".csv")).string();
    std::ofstream(path) << "date,country,track,streams,tier\n" << daily;
    StoreOptions so;
    so.sync = false;
    auto store = OpenLocalStore((dir_ / "store").string(), so);
    EXPECT_TRUE(store.ok()) << store.status().message();
    IngestOptions io;
    io.seal_lag_days = -1;
    auto r = IngestFiles(store->get(), {path}, io);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return std::move(*store);
  }

  Catalog LoadCatalog(const std::string& artists, const std::string& releases,
                      const std::string& tracks) {
    const auto c = dir_ / "catalog";
    std::filesystem::create_directories(c);
    std::ofstream(c / "artists.csv") << "artist_id,name,kind,country\n" << artists;
    std::ofstream(c / "releases.csv") << "release_id,title,type,date,artists\n" << releases;
    std::ofstream(c / "tracks.csv")
        << "track_id,isrc,title,release_id,duration_ms,primary,featured\n"
        << tracks;
    std::vector<CatalogIssue> issues;
    auto cat = Catalog::Load(c.string(), &issues);
    EXPECT_TRUE(cat.ok()) << (issues.empty() ? cat.status().message() : issues[0].ToString());
    return std::move(*cat);
  }

  static std::vector<std::string> Titles(const CompiledChart& c) {
    std::vector<std::string> out;
    for (const auto& e : c.edition.entries) out.push_back(e.title);
    return out;
  }

  std::filesystem::path dir_;
  int files_ = 0;
};

ChartMethod Method(const std::string& text) {
  std::vector<MethodologyIssue> issues;
  auto m = ParseMethodology("test.chart", text, &issues);
  EXPECT_TRUE(m.ok()) << (issues.empty() ? "" : issues[0].ToString());
  return m->front();
}

}  // namespace

TEST_F(CompileTest, SpotifyDailyRegionsAndTies) {
  const ChartMethod* m = FindMethodology("spotify-daily");
  ASSERT_NE(m, nullptr);
  // d: GLOBAL rows win over the sum of countries; c and e tie on streams, c has more premium;
  // f and g tie exactly and are ordered by id.
  auto store = Store(
      "2024-03-01,US,a,500,premium\n"
      "2024-03-01,GB,a,100,free\n"
      "2024-03-01,US,b,300,premium\n"
      "2024-03-01,KR,b,350,free\n"
      "2024-03-01,US,c,200,premium\n"
      "2024-03-01,US,e,100,premium\n"
      "2024-03-01,GB,e,100,free\n"
      "2024-03-01,KR,d,10,premium\n"
      "2024-03-01,GLOBAL,d,900,\n"
      "2024-03-01,US,g,50,free\n"
      "2024-03-01,US,f,50,free\n");
  const Day day = DayFromCivil(2024, 3, 1);
  auto global = CompileChart(*store, nullptr, *m, day, "global");
  ASSERT_TRUE(global.ok()) << global.status().message();
  EXPECT_EQ(Titles(*global), (std::vector<std::string>{"d", "b", "a", "c", "e", "f", "g"}));
  EXPECT_EQ(global->edition.entries[0].metric, 900);
  auto us = CompileChart(*store, nullptr, *m, day, "US");
  ASSERT_TRUE(us.ok());
  EXPECT_EQ(Titles(*us), (std::vector<std::string>{"a", "b", "c", "e", "f", "g"}));
  EXPECT_EQ(CompileChart(*store, nullptr, *m, day, "XX").status().code(),
            StatusCode::kInvalidArgument);
  // Weekly: Friday..Thursday, dated the Thursday; a Friday is not a chart date.
  const ChartMethod* w = FindMethodology("spotify-weekly");
  EXPECT_EQ(ChartDateOnOrBefore(*w, day), DayFromCivil(2024, 2, 29));
  auto period = ChartPeriod(*w, DayFromCivil(2024, 3, 7));
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(period->first, day);
  EXPECT_FALSE(ChartPeriod(*w, day).ok());
}

// The Hot 100-style weights change with the charts dated 2018-07-14 and 2026-01-17: a free-heavy
// song beats a premium-heavy one before the first switch and not after it.
TEST_F(CompileTest, Hot100EraSwitches) {
  const ChartMethod* m = FindMethodology("hot-100-style");
  ASSERT_NE(m, nullptr);
  std::string daily;
  for (const char* d : {"2018-06-22", "2018-06-29", "2026-01-02"}) {
    daily += std::string(d) + ",US,premium-song,1000,premium\n";
    daily += std::string(d) + ",US,free-song,1400,free\n";
    daily += std::string(d) + ",US,free-song,1,premium\n";
  }
  auto store = Store(daily);
  // Tracking week 2018-06-22..28 -> chart dated 2018-07-07 (old weights: every stream 1).
  auto before = CompileChart(*store, nullptr, *m, DayFromCivil(2018, 7, 7), "US");
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(Titles(*before), (std::vector<std::string>{"free-song", "premium-song"}));
  EXPECT_DOUBLE_EQ(before->points[0].points, 1401);
  // 2018-06-29..07-05 -> chart dated 2018-07-14: free streams weigh a third.
  auto after = CompileChart(*store, nullptr, *m, DayFromCivil(2018, 7, 14), "US");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Titles(*after), (std::vector<std::string>{"premium-song", "free-song"}));
  EXPECT_NEAR(after->points[1].points, 1 + 1400 * 0.333333, 1e-6);
  // 2026-01-02..08 -> chart dated 2026-01-17: free streams weigh 0.4 (1 : 2.5).
  auto y2026 = CompileChart(*store, nullptr, *m, DayFromCivil(2026, 1, 17), "US");
  ASSERT_TRUE(y2026.ok());
  EXPECT_NEAR(y2026->points[1].points, 1 + 1400 * 0.4, 1e-6);
  EXPECT_EQ(y2026->points[1].lines.size(), 2u);
  EXPECT_NE(y2026->points[1].lines[1].find("free streams 1,400 x 0.4"), std::string::npos)
      << y2026->points[1].lines[1];
}

// UK-style: versions combined into one song; an artist's fourth song as lead is not eligible,
// while a featured credit does not count towards the three.
TEST_F(CompileTest, UkVersionsCombinedAndTheThreeTrackRule) {
  const ChartMethod* m = FindMethodology("uk-singles-style");
  ASSERT_NE(m, nullptr);
  const Catalog catalog = LoadCatalog(
      "a,Ann,person,GB\nb,Bob,person,US\n",
      "r1,One,single,2024-01-01,a\nr2,Two,single,2024-01-01,b\n",
      "s1,,Song One,r1,,a,\ns1-remix,,Song One (Club Remix),r1,,a,\ns2,,Song Two,r1,,a,\n"
      "s3,,Song Three,r1,,a,\ns4,,Song Four,r1,,a,\nb1,,Bob Song (feat. Ann),r2,,b,a\n");
  std::string daily;
  const std::pair<const char*, int> streams[] = {{"s1", 5000}, {"s1-remix", 4000}, {"s2", 6000},
                                                 {"s3", 5500}, {"s4", 5200},       {"b1", 5100}};
  for (const auto& [t, n] : streams)
    daily += "2024-03-01,GB," + std::string(t) + "," + std::to_string(n) + ",premium\n";
  auto store = Store(daily);
  // Friday 2024-03-01 .. Thursday 03-07, dated Friday 03-08.
  auto c = CompileChart(*store, &catalog, *m, DayFromCivil(2024, 3, 8), "GB");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(Titles(*c),
            (std::vector<std::string>{"Song One", "Song Two", "Song Three", "Bob Song"}));
  EXPECT_DOUBLE_EQ(c->points[0].points, 90);  // (5,000 + 4,000) premium streams / 100
  EXPECT_EQ(c->points[0].tracks, (std::vector<std::string>{"s1", "s1-remix"}));
  bool noted = false;
  for (const auto& n : c->notes) noted = noted || n.find("Song Four by Ann") != std::string::npos;
  EXPECT_TRUE(noted);
  // The rule took effect in July 2017: a chart dated before it keeps the fourth song.
  const ChartMethod rule = *m;
  EXPECT_EQ(rule.Number("max-per-lead-artist", DayFromCivil(2017, 6, 30), 0), 0);
  EXPECT_EQ(rule.Number("max-per-lead-artist", DayFromCivil(2017, 7, 7), 0), 3);
}

// Billboard 200-style album units: streams of an album's tracks at 1,250 premium / 3,750 free
// per unit from 2018-07-14, and 1,000 / 2,500 from 2026-01-17.
TEST_F(CompileTest, AlbumUnitsByEra) {
  const ChartMethod* m = FindMethodology("billboard-200-style");
  ASSERT_NE(m, nullptr);
  const Catalog catalog = LoadCatalog("a,Ann,person,GB\n", "al,Album,album,2020-01-01,a\n",
                                      "t1,,One,al,,a,\nt2,,Two,al,,a,\n");
  auto store = Store(
      "2025-01-03,US,t1,2500,premium\n2025-01-03,US,t2,7500,free\n"
      "2026-01-02,US,t1,2500,premium\n2026-01-02,US,t2,7500,free\n");
  auto y2025 = CompileChart(*store, &catalog, *m, DayFromCivil(2025, 1, 18), "US");
  ASSERT_TRUE(y2025.ok()) << y2025.status().message();
  ASSERT_EQ(y2025->edition.entries.size(), 1u);
  EXPECT_EQ(y2025->edition.entries[0].title, "Album");
  EXPECT_NEAR(y2025->points[0].points, 2500.0 / 1250 + 7500.0 / 3750, 1e-3);
  auto y2026 = CompileChart(*store, &catalog, *m, DayFromCivil(2026, 1, 17), "US");
  ASSERT_TRUE(y2026.ok());
  EXPECT_NEAR(y2026->points[0].points, 2500.0 / 1000 + 7500.0 / 2500, 1e-3);
  EXPECT_EQ(CompileChart(*store, nullptr, *m, DayFromCivil(2026, 1, 17), "US").status().code(),
            StatusCode::kFailedPrecondition);  // album units need the catalog
}

// Recurrent removal (a small methodology for the test: below No. 2 after 3 weeks): a song that
// has been on for 3 weeks and falls below No. 2 while descending leaves the chart.
TEST_F(CompileTest, RecurrentRemoval) {
  const ChartMethod m = Method(
      "chart tiny\n period week\n week-starts friday\n chart-date end\n size 3\n regions US\n"
      " weight premium 1\n recurrent 2 3\n");
  std::string daily;
  // Friday weeks from 2024-03-01. "old" leads for 3 weeks then fades; "x", "y", "z" steady.
  const int old_streams[] = {900, 800, 700, 100, 90};
  for (int w = 0; w < 5; ++w) {
    const Day d = DayFromCivil(2024, 3, 1) + 7 * w;
    daily += FormatDate(d) + ",US,old," + std::to_string(old_streams[w]) + ",premium\n";
    daily += FormatDate(d) + ",US,x,500,premium\n";
    daily += FormatDate(d) + ",US,y,400,premium\n";
    daily += FormatDate(d) + ",US,z," + std::to_string(50 + w) + ",premium\n";
  }
  auto store = Store(daily);
  auto series = CompileSeries(*store, nullptr, m, DayFromCivil(2024, 4, 4), "US");
  ASSERT_TRUE(series.ok()) << series.status().message();
  ASSERT_EQ(series->size(), 5u);
  EXPECT_EQ(Titles((*series)[0]), (std::vector<std::string>{"old", "x", "y"}));
  // Week 4: "old" (3 weeks on) drops to No. 3, below No. 2, descending: removed; z comes in.
  EXPECT_EQ(Titles((*series)[3]), (std::vector<std::string>{"x", "y", "z"}));
  bool noted = false;
  for (const auto& n : (*series)[3].notes)
    noted = noted || n.find("recurrent") != std::string::npos;
  EXPECT_TRUE(noted);
  EXPECT_EQ((*series)[3].runs[2].weeks, 1);
  EXPECT_TRUE((*series)[3].runs[2].debut);
  EXPECT_EQ((*series)[4].runs[0].weeks, 5);
  // The built-in Hot 100-style rules by era.
  const ChartMethod* hot = FindMethodology("hot-100-style");
  EXPECT_EQ(hot->All("recurrent", DayFromCivil(2024, 1, 6)).size(), 2u);
  EXPECT_EQ(hot->All("recurrent", DayFromCivil(2025, 10, 18)).size(), 3u);
}

// The Spotify-style daily chart of every country and the world against SQLite SQL over the
// same daily totals: the same entries in the same order.
TEST_F(CompileTest, SpotifyDailyAgreesWithSql) {
  std::ostringstream daily;
  uint64_t x = 12345;
  auto next = [&] { return x = x * 6364136223846793005ULL + 1442695040888963407ULL; };
  const char* countries[] = {"US", "GB", "KR", "BR"};
  for (int t = 0; t < 400; ++t) {
    for (const char* c : countries) {
      if (next() % 3 == 0) continue;
      daily << "2024-03-01," << c << ",t" << t << "," << (next() >> 33) % 5000 << ",premium\n";
      daily << "2024-03-01," << c << ",t" << t << "," << (next() >> 33) % 5000 << ",free\n";
    }
  }
  const std::string text = daily.str();
  auto store = Store(text);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE d(country TEXT, track TEXT, streams INT, tier TEXT)", nullptr,
               nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO d VALUES(?, ?, ?, ?)", -1, &ins, nullptr);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string v; std::getline(ls, v, ',');) f.push_back(v);
    sqlite3_bind_text(ins, 1, f[1].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, f[2].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 3, std::stoll(f[3]));
    sqlite3_bind_text(ins, 4, f[4].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  const ChartMethod* m = FindMethodology("spotify-daily");
  // Every region at once (one pass over the counts) gives the same charts as one by one.
  auto all = CompileAllRegions(*store, nullptr, *m, DayFromCivil(2024, 3, 1));
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 5u);  // global and the four countries
  for (const CompiledChart& c : *all) {
    auto one = CompileChart(*store, nullptr, *m, DayFromCivil(2024, 3, 1), c.region);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(Titles(c), Titles(*one)) << c.region;
    for (size_t i = 0; i < c.points.size(); ++i)
      EXPECT_EQ(c.points[i].points, one->points[i].points) << c.region << " " << i;
  }
  for (const std::string region : {"global", "US", "GB", "KR", "BR"}) {
    const std::string where = region == "global" ? "" : " WHERE country = '" + region + "'";
    const std::string sql =
        "SELECT track, SUM(streams) s, SUM(CASE tier WHEN 'premium' THEN streams ELSE 0 END) p "
        "FROM d" +
        where + " GROUP BY track HAVING s > 0 ORDER BY s DESC, p DESC, track LIMIT 200";
    std::vector<std::string> expected;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      expected.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    auto c = CompileChart(*store, nullptr, *m, DayFromCivil(2024, 3, 1), region);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(Titles(*c), expected) << region;
    EXPECT_EQ(expected.size(), 200u);
  }
  sqlite3_close(db);
}

// Sales and airplay weigh in where the methodology says: Hot 100-style track sales and airplay
// (Monday-Sunday), Billboard 200-style album sales, and the hourly iTunes-style store chart.
TEST_F(CompileTest, SalesAndAirplayComponents) {
  const Catalog catalog = LoadCatalog("a,Ann,person,GB\n", "al,Album,album,2020-01-01,a\n",
                                      "t1,,One,al,,a,\nt2,,Two,al,,a,\n");
  // Tracking week Friday 2024-03-01 .. Thursday 03-07 (chart dated Saturday 03-16); the airplay
  // week Monday 03-04 .. Sunday 03-10.
  auto store = Store("2024-03-01,US,t1,1000,premium\n2024-03-01,US,t2,1200,premium\n");
  const std::string sales_path = (dir_ / "sales.csv").string();
  std::ofstream(sales_path) << "ts,store,country,item,format,units\n"
                               "2024-03-02T10:00:00Z,itunes,US,t1,track,150\n"
                               "2024-03-02T10:30:00Z,amazon,US,t1,track,100\n"
                               "2024-03-02T11:00:00Z,itunes,GB,t1,track,999\n"  // not US
                               "2024-03-08T11:00:00Z,itunes,US,t1,track,999\n"  // next week
                               "2024-03-03T09:00:00Z,physical,US,al,album,7\n"
                               "2024-03-03T09:00:00Z,itunes,US,t2,track,-1\n";  // rejected
  const std::string air_path = (dir_ / "airplay.csv").string();
  std::ofstream(air_path) << "date,country,track,audience\n"
                             "2024-03-10,US,t2,1000000\n"   // Sunday: in the airplay week
                             "2024-03-03,US,t2,5000000\n";  // before it
  auto sr = IngestExtraInput((dir_ / "store").string(), sales_path, false);
  ASSERT_TRUE(sr.ok()) << sr.status().message();
  EXPECT_EQ(sr->rows, 5u);
  ASSERT_EQ(sr->rejects.size(), 1u);
  EXPECT_EQ(sr->rejects[0].line, 7u);
  EXPECT_EQ(sr->rejects[0].reason, "bad_units");
  ASSERT_TRUE(IngestExtraInput((dir_ / "store").string(), air_path, false).ok());
  EXPECT_TRUE(IngestExtraInput((dir_ / "store").string(), sales_path, false)->already_ingested);
  auto sales = OpenSalesData((dir_ / "store").string());
  ASSERT_TRUE(sales.ok() && *sales);

  const ChartMethod* hot = FindMethodology("hot-100-style");
  auto c =
      CompileChart(*store, &catalog, *hot, DayFromCivil(2024, 3, 16), "US", false, sales->get());
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(Titles(*c), (std::vector<std::string>{"Two", "One"}));
  EXPECT_NEAR(c->points[0].points, 1200 + 1000000 * 1e-4, 1e-9);  // streams + airplay
  EXPECT_NEAR(c->points[1].points, 1000 + 250, 1e-9);             // streams + track sales
  EXPECT_TRUE(c->notes.empty());
  const ChartMethod* b200 = FindMethodology("billboard-200-style");
  auto albums =
      CompileChart(*store, &catalog, *b200, DayFromCivil(2024, 3, 16), "US", false, sales->get());
  ASSERT_TRUE(albums.ok()) << albums.status().message();
  ASSERT_EQ(albums->edition.entries.size(), 1u);
  // 7 album sales + 250 track sales x 0.1 + 2,200 premium streams / 1,250.
  EXPECT_NEAR(albums->points[0].points, 7 + 25 + 2200.0 / 1250, 1e-3);

  // Hourly store chart: the 24 hours up to 2024-03-02 10:59 UTC in the US, iTunes only.
  const ChartMethod* itunes = FindMethodology("itunes-style");
  ASSERT_NE(itunes, nullptr);
  auto hour =
      CompileStoreChart(**sales, &catalog, *itunes, *ParseTimestamp("2024-03-02T10:00:00Z"), "US");
  ASSERT_TRUE(hour.ok()) << hour.status().message();
  ASSERT_EQ(hour->edition.entries.size(), 1u);
  EXPECT_EQ(hour->edition.entries[0].metric, 150);  // amazon does not count
  auto before =
      CompileStoreChart(**sales, &catalog, *itunes, *ParseTimestamp("2024-03-02T09:00:00Z"), "US");
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->edition.entries.empty());
}

// The UK accelerated chart ratio (a small methodology for the test: after 2 weeks and 2 declines
// against the market): triggered, kept, and reset by a rise of more than 25% above the market.
TEST_F(CompileTest, AcceleratedChartRatioTriggerAndReset) {
  const ChartMethod m = Method(
      "chart tiny-uk\n period week\n week-starts friday\n chart-date end+1\n size 5\n"
      " regions GB\n weight premium 0.01\n acr-ratio 0.5\n acr-after-weeks 2\n"
      " acr-declines 2\n acr-reset-rise 25\n");
  const int fading[] = {1000, 900, 800, 700, 2000};
  std::string daily;
  for (int w = 0; w < 5; ++w) {
    const std::string d = FormatDate(DayFromCivil(2024, 3, 1) + 7 * w);
    daily += d + ",GB,fading," + std::to_string(fading[w]) + ",premium\n";
    daily += d + ",GB,a,5000,premium\n" + d + ",GB,b,600,premium\n" + d + ",GB,c,500,premium\n";
  }
  auto store = Store(daily);
  auto series = CompileSeries(*store, nullptr, m, DayFromCivil(2024, 4, 5), "GB");
  ASSERT_TRUE(series.ok()) << series.status().message();
  ASSERT_EQ(series->size(), 5u);
  auto place = [&](size_t week) {
    const auto t = Titles((*series)[week]);
    return std::find(t.begin(), t.end(), "fading") - t.begin() + 1;
  };
  auto points = [&](size_t week) {
    const auto& c = (*series)[week];
    for (size_t i = 0; i < c.edition.entries.size(); ++i)
      if (c.edition.entries[i].title == "fading") return c.points[i].points;
    return -1.0;
  };
  EXPECT_EQ(place(1), 2);  // week 2: one decline, standard ratio: 9 points
  EXPECT_DOUBLE_EQ(points(1), 9);
  EXPECT_EQ(place(2), 4);  // week 3: 2 weeks on, 2 declines: ACR, 4 points
  EXPECT_DOUBLE_EQ(points(2), 4);
  EXPECT_DOUBLE_EQ(points(3), 3.5);  // week 4: still on the ACR
  EXPECT_EQ(place(4), 2);            // week 5: up 186% against a flat market: reset
  EXPECT_DOUBLE_EQ(points(4), 20);
  bool reset = false;
  for (const auto& n : (*series)[4].notes)
    reset = reset || n.find("back on the standard") != std::string::npos;
  EXPECT_TRUE(reset);
}

// A song released more than acr-age-years before the chart is on the ACR from its first week.
TEST_F(CompileTest, AcceleratedChartRatioForOldSongs) {
  const ChartMethod m = Method(
      "chart tiny-uk\n period week\n week-starts friday\n chart-date end+1\n size 5\n"
      " regions GB\n weight premium 0.01\n acr-ratio 0.5\n acr-age-years 3\n");
  const Catalog catalog =
      LoadCatalog("a,Ann,person,GB\n", "old,Old,single,2020-01-10,a\nnew,New,single,2024-02-23,a\n",
                  "t-old,,Oldie,old,,a,\nt-new,,Newbie,new,,a,\n");
  auto store = Store("2024-03-01,GB,t-old,1000,premium\n2024-03-01,GB,t-new,1000,premium\n");
  auto series = CompileSeries(*store, &catalog, m, DayFromCivil(2024, 3, 8), "GB");
  ASSERT_TRUE(series.ok()) << series.status().message();
  const CompiledChart& c = series->back();
  ASSERT_EQ(Titles(c), (std::vector<std::string>{"Newbie", "Oldie"}));
  EXPECT_DOUBLE_EQ(c.points[0].points, 10);
  EXPECT_DOUBLE_EQ(c.points[1].points, 5);
  EXPECT_NE(c.points[1].lines.back().find("released over 3 years ago"), std::string::npos)
      << c.points[1].lines.back();
}

TEST(Methodology, TheBuiltInFilesParseAndBadOnesAreNamedByLine) {
  EXPECT_GE(BuiltinMethodologies().size(), 8u);
  for (const char* name :
       {"spotify-daily", "spotify-weekly", "hot-100-style", "billboard-200-style",
        "global-200-style", "global-200-excl-us-style", "uk-singles-style"}) {
    EXPECT_NE(FindMethodology(name), nullptr) << name;
  }
  std::vector<MethodologyIssue> issues;
  auto m = ParseMethodology("bad.chart",
                            "size 3\n"
                            "chart x\n"
                            "  period fortnight\n"
                            "  weight premium one\n"
                            "  weight vinyl 1\n"
                            "  colour blue\n"
                            "  size 3 from 2024-02-30\n",
                            &issues);
  EXPECT_EQ(m.status().code(), StatusCode::kDataError);
  std::vector<std::string> got;
  for (const auto& i : issues) got.push_back(i.ToString());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "bad.chart:1: a setting before any `chart NAME` line",
                     "bad.chart:3: period is day, week or hour, not 'fortnight'",
                     "bad.chart:4: 'weight premium' takes numbers",
                     "bad.chart:5: unknown weight 'vinyl' (premium, free, unknown, track-sale, "
                     "album-sale, airplay)",
                     "bad.chart:6: unknown setting 'colour'",
                     "bad.chart:7: 'from' takes a date YYYY-MM-DD, not '2024-02-30'",
                     "bad.chart:2: chart x has no period"}));
}

}  // namespace encore

namespace encore {

// Compiled editions are kept one row per edition (a blob of entries): what is kept reads back
// entry for entry; compiling a date again replaces every region of it; a store whose compiled
// rows were kept as entries (before compiled_editions) still reads, and a recompile replaces them.
TEST(ChartHistoryCompiled, KeptReadBackAndReplaced) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("encore-compiled-keep-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto history = OpenChartHistory(dir.string(), true);
  ASSERT_TRUE(history.ok()) << history.status().message();
  const Day d = DayFromCivil(2024, 1, 2);
  auto edition = [&](const std::string& region, int n, int64_t base) {
    ChartEdition ed{"fam:" + region, d, {}};
    for (int i = 1; i <= n; ++i) {
      ChartEntry e;
      e.position = i;
      e.title = "Title ☆ " + std::to_string(i);
      e.artist = i % 2 ? "" : "Artist, \"quoted\"";
      e.song = "song:" + region + std::to_string(i);
      if (i != 3) e.metric = base - i;  // one without a metric
      ed.entries.push_back(e);
    }
    return ed;
  };
  ChartHistory::CompiledDate cd{d, "token-1", {edition("GLOBAL", 200, 1000000), edition("SE", 5, 10)}};
  ASSERT_TRUE((*history)->StoreCompiled("fam", {cd}).ok());
  auto back = (*history)->Editions("fam:GLOBAL", d, d);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  const auto& want = cd.editions[0].entries;
  ASSERT_EQ((*back)[0].entries.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const ChartEntry& e = (*back)[0].entries[i];
    EXPECT_EQ(e.position, want[i].position);
    EXPECT_EQ(e.title, want[i].title);
    EXPECT_EQ(e.artist, want[i].artist);
    EXPECT_EQ(e.song, want[i].song);
    EXPECT_EQ(e.metric, want[i].metric);
  }
  auto charts = (*history)->Charts();
  ASSERT_TRUE(charts.ok());
  ASSERT_EQ(charts->size(), 2u);
  EXPECT_EQ((*charts)[0].chart, "fam:GLOBAL");
  EXPECT_EQ((*charts)[0].entries, 200u);
  EXPECT_EQ((*charts)[0].editions, 1u);
  EXPECT_EQ(*(*history)->CompiledInputs("fam", d), "token-1");

  // An import of the same chart and date is a replacement like any other: refused without
  // --replace (saying what it would change), done with it; never a second edition of the date.
  {
    ChartEdition printed{"fam:SE", d, {}};
    ChartEntry e;
    e.position = 1;
    e.title = "Imported";
    e.artist = "Someone";
    e.song = EntryKey("Someone", "Imported");
    printed.entries.push_back(e);
    for (const bool replace : {false, true}) {
      ChartImportOptions io;
      io.replace = replace;
      auto import = (*history)->BeginImport(replace ? "fp-2" : "fp-1", "printed.csv", io);
      ASSERT_TRUE(import.ok()) << import.status().message();
      ASSERT_TRUE((*import)->Add(printed).ok());
      auto report = (*import)->Commit(1);
      ASSERT_TRUE(report.ok()) << report.status().message();
      EXPECT_EQ(report->refused, !replace);
      ASSERT_EQ(report->changes.size(), 1u);
      EXPECT_EQ(report->changes[0].added, 1);
      EXPECT_EQ(report->changes[0].removed, 5);
      auto now = (*history)->Editions("fam:SE", d, d);
      ASSERT_TRUE(now.ok());
      ASSERT_EQ(now->size(), 1u);
      EXPECT_EQ(now->at(0).entries.size(), replace ? 1u : 5u);
    }
    // The compiled date is compiled again below: its regions are the compile's again.
  }

  // Again for the date: a region gone from the counts goes from the history.
  ChartHistory::CompiledDate again{d, "token-2", {edition("GLOBAL", 3, 7)}};
  ASSERT_TRUE((*history)->StoreCompiled("fam", {again}).ok());
  EXPECT_TRUE((*history)->Editions("fam:SE", d, d)->empty());  // (the import's too)
  EXPECT_EQ((*history)->Editions("fam:GLOBAL", d, d)->at(0).entries.size(), 3u);

  // A row of the old layout (compiled entries kept in `entries`) for the next day reads too.
  history->reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "charts.sqlite").string().c_str(), &db), SQLITE_OK);
    const std::string sql =
        "INSERT INTO entries(chart, date, position, title, artist, id, song, line) VALUES("
        "'fam:GLOBAL', " + std::to_string(d + 1) + ", 1, 'Old', '', '', 'song:old', 0)";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  history = OpenChartHistory(dir.string(), false);
  ASSERT_TRUE(history.ok());
  auto both = (*history)->Editions("fam:GLOBAL", std::nullopt, std::nullopt);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].date, d);
  EXPECT_EQ((*both)[1].date, d + 1);
  EXPECT_EQ((*both)[1].entries.at(0).title, "Old");
  ChartHistory::CompiledDate next{d + 1, "token-3", {edition("GLOBAL", 2, 5)}};
  ASSERT_TRUE((*history)->StoreCompiled("fam", {next}).ok());
  auto replaced = (*history)->Editions("fam:GLOBAL", d + 1, d + 1);
  ASSERT_EQ(replaced->size(), 1u);
  EXPECT_EQ(replaced->at(0).entries.size(), 2u);
  EXPECT_EQ(replaced->at(0).entries.at(0).title, "Title ☆ 1");
  history->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace encore
