// `encore serve` on loopback, driven over HTTP: the API against the CLI's own JSON and against
// SQLite over the same daily totals, the error envelope, paging, cache headers, the limits, the
// token-guarded writes, and reads while another process ingests.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "served.h"
#include "sql_util.h"
#include "test_util.h"

namespace encore::test {
namespace {

using nlohmann::json;

// The demo store the fixture Serve.DemoStore made (tests/CMakeLists.txt).
const std::string kDemo = ENCORE_DEMO_STORE;

std::string Enc(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

json Cli(const std::string& args) {
  const RunResult r = RunEncore(args + " --format json --store " + Quote(kDemo));
  EXPECT_EQ(r.code, 0) << args << ": " << r.err;
  return json::parse(r.out, nullptr, false);
}

// One view (views/views.h): the API's answer and the CLI's JSON are the same object, paging
// fields and all, when the CLI's --top is the API's limit.
void ExpectSameChart(const json& api, const json& cli) {
  ASSERT_TRUE(api.contains("entries")) << api.dump();
  ASSERT_FALSE(api["entries"].empty()) << api.dump();
  EXPECT_EQ(api, cli) << "API: " << api.dump().substr(0, 2000) << "\nCLI: " << cli.dump().substr(0, 2000);
}

TEST(Serve, ChartsAgreeWithTheCli) {
  Served s({"--store", kDemo});
  {
    auto [code, api] = s.Get("/api/v1/charts/spotify-weekly?date=2023-07-20&limit=1000");
    ASSERT_EQ(code, 200) << api.dump();
    ExpectSameChart(api, Cli("chart spotify-weekly --date 2023-07-20 --top 1000"));
    // Cut by --top, the table says how many it left out (and the JSON's paging fields).
    const RunResult cut = RunEncore("chart spotify-weekly --date 2023-07-20 --top 3 --store " + Quote(kDemo));
    EXPECT_NE(cut.out.find("(3 of " + std::to_string(api["total"].get<size_t>()) + " entries: --top "),
              std::string::npos) << cut.out;
    EXPECT_EQ(Cli("chart spotify-weekly --date 2023-07-20 --top 3")["total"], api["total"]);
    EXPECT_EQ(api["previous"], "2023-07-13");
    EXPECT_EQ(api["next"], "2023-07-27");
  }
  {
    auto [code, api] = s.Get("/api/v1/charts/global-200-style?limit=1000");
    ASSERT_EQ(code, 200) << api.dump();
    ExpectSameChart(api, Cli("chart global-200-style --top 1000"));
  }
  {
    auto [code, api] = s.Get("/api/v1/charts/spotify-weekly:global?date=2024-06-01&limit=1000");
    ASSERT_EQ(code, 200) << api.dump();
    ExpectSameChart(api, Cli("chart spotify-weekly:global --date 2024-06-01 --top 1000"));
  }
  {
    // The demo's US streams end with its month of plays: without a date, the latest edition
    // with streams in the US, and the note that says so, as the CLI gives.
    auto [code, api] = s.Get("/api/v1/charts/hot-100-style?limit=1000");
    ASSERT_EQ(code, 200) << api.dump();
    const json cli = Cli("chart hot-100-style --top 1000");
    EXPECT_EQ(api["date"], cli["date"]);
    EXPECT_FALSE(api["entries"].empty());
    ExpectSameChart(api, cli);
    ASSERT_FALSE(api["notes"].empty());
    EXPECT_EQ(api["notes"][0].get<std::string>().rfind("the latest edition with streams in US", 0), 0u)
        << api["notes"];
    auto [late_code, late] = s.Get("/api/v1/charts/hot-100-style?date=2024-06-01");
    ASSERT_EQ(late_code, 200) << late.dump();
    EXPECT_TRUE(late["entries"].empty());
    EXPECT_EQ(late["notes"][0].get<std::string>().rfind("no track has streams in US", 0), 0u) << late["notes"];
  }
  {
    // An hourly store chart: region= as the CLI's --region.
    auto [code, api] = s.Get("/api/v1/charts/itunes-style?hour=2023-07-14T04&region=US&limit=1000");
    ASSERT_EQ(code, 200) << api.dump();
    ExpectSameChart(api, Cli("chart itunes-style --date 2023-07-14T04 --region US --top 1000"));
  }
  auto [code, list] = s.Get("/api/v1/charts");
  ASSERT_EQ(code, 200);
  EXPECT_EQ(list, Cli("chart list"));
  // --format csv is the table of the same view, as the API's format=csv gives it.
  auto c = s.Client();
  for (const auto& [path, args] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/charts/spotify-weekly?date=2023-07-20&limit=1000&format=csv",
            "chart spotify-weekly --date 2023-07-20 --top 1000"},
           {"/api/v1/charts?format=csv&table=kept", "chart list --table kept"},
           {"/api/v1/releases/golden?format=csv&table=tracks", "release golden --table tracks"}}) {
    auto api_csv = c.Get(path);
    ASSERT_TRUE(api_csv) << path;
    EXPECT_EQ(api_csv->status, 200) << path << " " << api_csv->body;
    const RunResult cli_csv = RunEncore(args + " --format csv --store " + Quote(kDemo));
    EXPECT_EQ(cli_csv.code, 0) << args << ": " << cli_csv.err;
    EXPECT_GT(std::count(cli_csv.out.begin(), cli_csv.out.end(), '\n'), 1) << args;
    EXPECT_EQ(cli_csv.out, api_csv->body) << args;
  }
  // A table that is not there is refused with the ones that are (exit 2).
  const RunResult none = RunEncore("artist jungkook --format csv --table nope --store " + Quote(kDemo));
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("no table 'nope'"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("songs"), std::string::npos) << none.err;
  EXPECT_GE(list["compiled"].size(), 8u);
  EXPECT_EQ(list["kept"][0]["chart"], "spotify-weekly:global");
}

TEST(Serve, PagesAgreeWithTheCli) {
  Served s({"--store", kDemo});
  auto streams_of = [](const json& list) {
    std::map<std::string, int64_t> m;
    for (const auto& t : list) m[t.at("id").get<std::string>()] = t.value("streams", int64_t{-1});
    return m;
  };
  auto [c1, artist] = s.Get("/api/v1/artists/jungkook");
  ASSERT_EQ(c1, 200) << artist.dump();
  const json ca = Cli("artist jungkook");
  EXPECT_EQ(artist.at("streams"), ca.at("streams"));
  EXPECT_EQ(streams_of(artist.at("tracks")), streams_of(ca.at("tracks")));
  EXPECT_EQ(streams_of(artist.at("featured_on")), streams_of(ca.at("featured_on")));
  auto [c2, release] = s.Get("/api/v1/releases/golden");
  ASSERT_EQ(c2, 200) << release.dump();
  const json cr = Cli("release golden");
  EXPECT_EQ(streams_of(release.at("tracks")), streams_of(cr.at("tracks")));
  // The release's series sums its tracks' streams.
  int64_t sum = 0;
  for (const auto& t : cr.at("tracks")) sum += t.value("streams", int64_t{0});
  EXPECT_EQ(release.at("series").at("total").get<int64_t>(), sum);
}

// The demo's daily totals (GLOBAL rows every day) in SQLite.
void LoadDaily(Sql* sql) {
  sql->Exec("CREATE TABLE daily(date TEXT, country TEXT, track TEXT, streams INTEGER, tier TEXT)");
  std::istringstream in(ReadText(kDemo + "-input/world-daily.csv"));
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    f.resize(5);
    rows.push_back(f);
  }
  ASSERT_GT(rows.size(), 10000u);
  sql->Insert("daily", rows, 5);
}

TEST(Serve, TrackSeriesAndMilestonesAgreeWithSqlite) {
  Sql sql;
  LoadDaily(&sql);
  Served s({"--store", kDemo});
  for (const char* id : {"jk-seven", "harry-as-it-was", "jimin-like-crazy"}) {
    SCOPED_TRACE(id);
    auto [code, t] = s.Get(std::string("/api/v1/tracks/") + id);
    ASSERT_EQ(code, 200) << t.dump();
    const auto want = sql.Query(std::string("SELECT date, SUM(streams), SUM(SUM(streams)) OVER "
                                            "(ORDER BY date) FROM daily WHERE track = '") +
                                id + "' GROUP BY date ORDER BY date");
    const json& series = t["series"];
    ASSERT_EQ(series["dates"].size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(series["dates"][i], want[i][0]);
      ASSERT_EQ(series["streams"][i].get<int64_t>(), std::stoll(want[i][1])) << want[i][0];
      ASSERT_EQ(series["cumulative"][i].get<int64_t>(), std::stoll(want[i][2]));
    }
    // Every multiple of 100,000,000 reached, on the first day the running total reached it.
    std::vector<std::pair<int64_t, std::string>> expect, got;
    const int64_t total = std::stoll(want.back()[2]);
    for (int64_t n = 100'000'000; n <= total; n += 100'000'000) {
      const auto day = sql.Query(
          "SELECT MIN(date) FROM (SELECT date, SUM(SUM(streams)) OVER (ORDER BY date) AS cum "
          "FROM daily WHERE track = '" +
          std::string(id) + "' GROUP BY date) WHERE cum >= " + std::to_string(n));
      expect.emplace_back(n, day[0][0]);
    }
    for (const auto& m : t["milestones"])
      if (!m.contains("year")) got.emplace_back(m["threshold"], m["date"]);
    EXPECT_EQ(got, expect);
    EXPECT_FALSE(expect.empty());
  }
  // format=csv: the daily series as rows, equal to SQLite's; another table by name; refusals.
  auto c = s.Client();
  auto csv = c.Get("/api/v1/tracks/jk-seven?format=csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  std::string want_csv = "date,streams,premium,free,unknown,cumulative\n";
  for (const auto& row : sql.Query(
           "SELECT date, SUM(streams), SUM(CASE WHEN tier = 'premium' THEN streams ELSE 0 END), "
           "SUM(CASE WHEN tier = 'free' THEN streams ELSE 0 END), "
           "SUM(CASE WHEN COALESCE(tier, '') NOT IN ('premium', 'free') THEN streams ELSE 0 END), "
           "SUM(SUM(streams)) OVER (ORDER BY date) FROM daily WHERE track = 'jk-seven' "
           "GROUP BY date ORDER BY date")) {
    want_csv += row[0] + "," + row[1] + "," + row[2] + "," + row[3] + "," + row[4] + "," + row[5] + "\n";
  }
  EXPECT_EQ(csv->body, want_csv);
  auto runs = c.Get("/api/v1/tracks/jk-seven?format=csv&table=chart_runs");
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->status, 200);
  EXPECT_EQ(runs->body.substr(0, 13), "title,artist,") << runs->body.substr(0, 200);
  auto [bad_table, bt] = s.Get("/api/v1/tracks/jk-seven?format=csv&table=nope");
  EXPECT_EQ(bad_table, 400);
  EXPECT_NE(bt.dump().find("it has: artists, chart_runs"), std::string::npos) << bt.dump();
  auto [bad_format, bf] = s.Get("/api/v1/charts?format=xml");
  EXPECT_EQ(bad_format, 400);
  EXPECT_NE(bf.dump().find("format is json or csv"), std::string::npos) << bf.dump();
  auto [json_too, jt] = s.Get("/api/v1/tracks/jk-seven?format=json");
  EXPECT_EQ(json_too, 200);
  EXPECT_EQ(jt["id"], "jk-seven");

  auto [code, seven] = s.Get("/api/v1/tracks/jk-seven");
  ASSERT_EQ(code, 200);
  ASSERT_FALSE(seven["chart_runs"].empty());
  EXPECT_EQ(seven["chart_runs"][0]["chart"], "spotify-weekly:global");
  EXPECT_EQ(seven["chart_runs"][0]["peak"], 1);
  // The same runs as `encore chart run --track`.
  EXPECT_EQ(seven["chart_runs"], Cli("chart run --track jk-seven"));
}

// Names from anyone's exports reach spreadsheets: a cell a spreadsheet would read as a formula is
// led by a quote; a signed number stays a number; commas and quotes are quoted (RFC 4180).
TEST(Serve, CsvCellsAreNeverFormulas) {
  TempDir dir("csv-cells");
  WriteText(dir / "p.csv",
            "ts,user,track,ms_played,country,tier\n"
            "2024-01-10T00:00:00Z,u1,=1+2,40000,US,premium\n"
            "2024-01-10T00:00:00Z,u2,=1+2,40000,US,premium\n"
            "2024-01-10T00:00:00Z,u1,@SUM(A1),40000,US,premium\n"
            "2024-01-10T00:00:00Z,u1,\"a,\"\"b\"\"\",40000,US,premium\n");
  ASSERT_EQ(RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "p.csv")).code, 0);
  Served s({"--store", dir / "s"});
  auto res = s.Client().Get("/api/v1/records/most?format=csv");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find(",'=1+2,"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find(",'@SUM(A1),"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find(",\"a,\"\"b\"\"\","), std::string::npos) << res->body;
  EXPECT_EQ(res->body.find(",=1"), std::string::npos) << res->body;
}

// Embedding: by default pages of the same origin only; --frame-ancestors names who else may; a
// value that is no source list is refused before anything is served.
TEST(Serve, FrameAncestorsSetWhoMayEmbed) {
  {
    Served s({"--store", kDemo});
    auto res = s.Client().Get("/");
    ASSERT_TRUE(res);
    EXPECT_NE(res->get_header_value("Content-Security-Policy").find("frame-ancestors 'self'"),
              std::string::npos);
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "SAMEORIGIN");
  }
  {
    Served s({"--store", kDemo, "--frame-ancestors", "https://news.example.com https://*.example.org"});
    auto res = s.Client().Get("/");
    ASSERT_TRUE(res);
    EXPECT_NE(res->get_header_value("Content-Security-Policy")
                  .find("frame-ancestors https://news.example.com https://*.example.org"),
              std::string::npos);
    EXPECT_FALSE(res->has_header("X-Frame-Options"));
  }
  for (const char* bad : {"'self'; script-src *", "javascript:alert(1)", "", "'none' 'self'"}) {
    const RunResult r = RunEncore("serve --port 0 --frame-ancestors " + Quote(bad) + " --store " + Quote(kDemo));
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_TRUE(Has(r.err, "frame-ancestors")) << r.err;
  }
}

// The demo's charts have a market-sized long tail (issue 18): every weekly global edition holds
// 200 songs, its No. 1 and No. 200 in the range of Spotify's global weekly chart (about 45M-100M
// and 5M-7M streams a week), each edition the top 200 of the daily totals summed in SQLite; the
// market's songs (unranked acts) are charted but make no records or news; Seven debuts at No. 1
// (as it did, 20 July 2023) and no song of the world's holds No. 1 for 44 weeks.
TEST(Serve, DemoChartsHaveAMarketSizedTail) {
  Sql sql;
  LoadDaily(&sql);
  Served s({"--store", kDemo});
  for (const char* date : {"2020-12-24", "2021-07-22", "2022-06-16", "2023-07-20", "2024-06-13",
                           "2024-12-26"}) {
    SCOPED_TRACE(date);
    auto [code, chart] = s.Get(std::string("/api/v1/charts/spotify-weekly?limit=200&date=") + date);
    ASSERT_EQ(code, 200) << chart.dump().substr(0, 300);
    const json& e = chart["entries"];
    ASSERT_EQ(e.size(), 200u);
    EXPECT_GT(e[0]["value"].get<int64_t>(), 35'000'000);
    EXPECT_LT(e[0]["value"].get<int64_t>(), 110'000'000);
    EXPECT_GT(e[199]["value"].get<int64_t>(), 3'000'000);
    EXPECT_LT(e[199]["value"].get<int64_t>(), 9'000'000);
    // The week Friday..Thursday ending on the chart date, summed by SQLite.
    const auto top = sql.Query(std::string("SELECT track, SUM(streams) AS n FROM daily WHERE date "
                                           "BETWEEN date('") + date + "', '-6 days') AND '" + date +
                               "' GROUP BY track ORDER BY n DESC LIMIT 200");
    ASSERT_EQ(top.size(), 200u);
    for (size_t i = 0; i < 200; ++i) {
      EXPECT_EQ(std::to_string(e[i]["value"].get<int64_t>()), top[i][1]) << "No. " << i + 1;
    }
    EXPECT_TRUE(e[0]["in_catalog"]);
  }
  auto [c2, debut] = s.Get("/api/v1/charts/spotify-weekly?limit=1&date=2023-07-20");
  ASSERT_EQ(c2, 200);
  EXPECT_EQ(debut["entries"][0]["track"], "jk-seven");
  EXPECT_EQ(debut["entries"][0]["movement"], "NEW");
  // No records or news of the market's songs; its acts' releases make no news either.
  auto [c3, news] = s.Get("/api/v1/news?limit=1000");
  ASSERT_EQ(c3, 200) << news.dump();
  EXPECT_LE(news["total"].get<size_t>(), 1000u);
  EXPECT_EQ(news.dump().find("Market "), std::string::npos);
  const json most = Cli("records most --top 1000");
  EXPECT_EQ(most.dump().find("Market Song"), std::string::npos);
  EXPECT_FALSE(most["standings"].empty());
  // A market song is counted and totalled, but crosses no milestone and says why.
  auto [c6, last] = s.Get("/api/v1/charts/spotify-weekly?limit=1&date=2024-12-26");
  ASSERT_EQ(c6, 200);
  const std::string market = last["entries"][0]["track"];  // the market's No. 1 at the end
  ASSERT_EQ(market.rfind("mkt-", 0), 0u) << market;
  auto [c4, song] = s.Get("/api/v1/tracks/" + market);
  ASSERT_EQ(c4, 200) << song.dump().substr(0, 300);
  EXPECT_TRUE(song["entity"]["unranked"]);
  EXPECT_EQ(song["entity"]["streams"], song["series"]["total"]);
  EXPECT_GT(song["series"]["total"].get<int64_t>(), 100'000'000);
  EXPECT_TRUE(song["milestones"].empty());
  EXPECT_TRUE(song["news"].empty());
  auto [c5, seven] = s.Get("/api/v1/tracks/jk-seven");
  ASSERT_EQ(c5, 200);
  EXPECT_FALSE(seven["entity"]["unranked"]);
  // The world's songs share No. 1 with the market's: none holds it for 44 weeks.
  const json feats = Cli("records charts spotify-weekly:global --top 5");
  ASSERT_FALSE(feats["songs"].empty());
  EXPECT_LT(feats["songs"][0]["value"].get<int64_t>(), 44) << feats.dump().substr(0, 400);
  // A member named with their group in a title ("feat. Jung Kook of BTS") is the member: one
  // artist, counted once.
  const json together = Cli("records charts spotify-weekly:global --by simultaneous --top 1000");
  EXPECT_EQ(together.dump().find(" of BTS"), std::string::npos);
  // The market's songs are charted, but their acts take no chart record either.
  for (const char* by : {"weeks-at-1", "debut", "climb", "simultaneous", "number-ones"}) {
    const json board = Cli(std::string("records charts spotify-weekly:global --top 1000 --by ") + by);
    EXPECT_EQ(board.dump().find("Market "), std::string::npos) << by;
  }
  EXPECT_EQ(RunEncore("records charts spotify-weekly:global --first 1 --store " + Quote(kDemo))
                .out.find("Market "),
            std::string::npos);
}

// One view of an entity's streams, milestones and forecast, and of a claim: the CLI's JSON is
// what the API's track and artist pages and /check hold.
TEST(Serve, EntityViewsAgreeWithTheCli) {
  Served s({"--store", kDemo});
  auto [code, track] = s.Get("/api/v1/tracks/jk-seven?from=2024-06-01");
  ASSERT_EQ(code, 200) << track.dump().substr(0, 500);
  // The running total counts from the first day, not from `from`, in both.
  const json series = Cli("streams --track jk-seven --from 2024-06-01");
  EXPECT_EQ(track["series"], series);
  EXPECT_GT(series["before"].get<int64_t>(), 1'000'000'000);
  EXPECT_EQ(series["cumulative"][0].get<int64_t>(),
            series["before"].get<int64_t>() + series["streams"][0].get<int64_t>());
  const json milestones = Cli("records milestones jk-seven");
  EXPECT_EQ(track["milestones"], milestones["milestones"]);
  EXPECT_EQ(milestones["entity"], "track:jk-seven");
  EXPECT_FALSE(milestones["milestones"].empty());
  EXPECT_EQ(track["forecast"], Cli("records forecast jk-seven"));
  auto [artist_code, artist] = s.Get("/api/v1/artists/jungkook");
  ASSERT_EQ(artist_code, 200);
  EXPECT_EQ(artist["milestones"], Cli("records milestones jungkook --kind artist")["milestones"]);
  EXPECT_EQ(artist["forecast"], Cli("records forecast jungkook --kind artist"));
  const std::string claim = "days_to(streams, 1e9, track \"Seven\") = 108";
  auto [check_code, check] = s.Get("/api/v1/check?claim=" + Enc(claim));
  ASSERT_EQ(check_code, 200) << check.dump();
  json cli = Cli("check " + Quote(claim));
  ASSERT_EQ(cli["claims"].size(), 1u);
  EXPECT_EQ(cli["hold"], 1);
  cli["claims"][0].erase("where");
  EXPECT_EQ(check, cli["claims"][0]);
  // The pages of a track, a release and an artist: the CLI's JSON is the API's, and so is the
  // CSV of each (the daily series, by default).
  for (const auto& [path, args] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/tracks/jk-seven", "track jk-seven"},
           {"/api/v1/releases/golden", "release golden"},
           {"/api/v1/artists/jungkook", "artist jungkook"}}) {
    auto [page_code, page] = s.Get(path);
    ASSERT_EQ(page_code, 200) << path;
    EXPECT_EQ(page, Cli(args)) << path;
    auto api_csv = s.Client().Get(path + "?format=csv");
    ASSERT_TRUE(api_csv);
    EXPECT_EQ(api_csv->body, RunEncore(args + " --format csv --store " + Quote(kDemo)).out) << path;
    EXPECT_EQ(api_csv->body.substr(0, 13), "date,streams,") << path;
  }
  // Chart records and a store launch: one view each.
  auto [cr_code, records] = s.Get("/api/v1/records/charts?chart=spotify-weekly:global&by=weeks-at-1&limit=5");
  ASSERT_EQ(cr_code, 200) << records.dump();
  EXPECT_EQ(records, Cli("records charts spotify-weekly:global --by weeks-at-1 --top 5"));
  EXPECT_EQ(records["songs"].size(), 5u);
  // The chart's firsts and its running-points milestones, and their refusals: the same in both.
  auto [fi_code, firsts] = s.Get("/api/v1/records/charts?chart=spotify-weekly:global&first=1&limit=4");
  ASSERT_EQ(fi_code, 200) << firsts.dump();
  EXPECT_EQ(firsts, Cli("records charts spotify-weekly:global --first 1 --top 4"));
  EXPECT_EQ(firsts["firsts"][0]["place"], 1);
  EXPECT_EQ(firsts["firsts"][1]["place"], 1);  // The Kid LAROI and Justin Bieber, with Stay
  EXPECT_EQ(firsts["firsts"][2]["place"], 3);
  EXPECT_EQ(s.Get("/api/v1/records/charts?chart=spotify-weekly:global&first=201").first, 400);
  // A step too small for the chart's totals is refused before it takes the memory.
  EXPECT_EQ(s.Get("/api/v1/records/charts?chart=spotify-weekly:global&milestones=1000").first, 400);
  EXPECT_EQ(RunEncore("records charts spotify-weekly:global --milestones 1 --store " + Quote(kDemo)).code, 2);
  // Songs on the data's first edition were charted before it: their milestones say so.
  const json carried = Cli("records charts spotify-weekly:global --milestones 1e9 --top 1000");
  for (const json& m : carried["milestones"]) {
    EXPECT_TRUE(m.contains("carried_in"));
    EXPECT_EQ(m["artist"].get<std::string>().find("Market Act"), std::string::npos) << m.dump();
  }
  auto [mi_code, ms] = s.Get("/api/v1/records/charts?chart=spotify-weekly:global&milestones=1e9&limit=3");
  ASSERT_EQ(mi_code, 200) << ms.dump();
  EXPECT_EQ(ms, Cli("records charts spotify-weekly:global --milestones 1e9 --top 3"));
  EXPECT_EQ(ms["milestones"].size(), 3u);
  EXPECT_GT(ms["total"].get<size_t>(), 3u);
  for (const auto& [query, args] : std::vector<std::pair<std::string, std::string>>{
           {"artist=Jung%20Kok", "--artist 'Jung Kok'"},
           {"first=1&by=peak", "--first 1 --by peak"},
           {"first=1&artist=BTS", "--first 1 --artist BTS"},
           {"where=solo", "--where solo"},
           {"milestones=0", "--milestones 0"},
           {"first=1&credit=primary", "--first 1 --credit primary"},
           {"milestones=1e9&credit=any", "--milestones 1e9 --credit any"},
           {"milestones=", "--milestones ''"}}) {
    auto [refused, why] = s.Get("/api/v1/records/charts?chart=spotify-weekly:global&" + query);
    EXPECT_GE(refused, 400) << query << why.dump();
    const RunResult r = RunEncore("records charts spotify-weekly:global " + args + " --store " + Quote(kDemo));
    EXPECT_NE(r.code, 0) << args;
    EXPECT_FALSE(r.err.empty()) << args;
  }
  auto [typo, near] = s.Get("/api/v1/records/charts?chart=spotify-weekly:global&artist=Jung%20Kok");
  EXPECT_EQ(typo, 404);
  EXPECT_NE(near.dump().find("did you mean 'Jung Kook'"), std::string::npos) << near.dump();
  // Why a track has its place on a compiled chart: one view, and the same refusals.
  auto [ex_code, ex] = s.Get("/api/v1/charts/hot-100-style/explain?track=jk-seven");
  ASSERT_EQ(ex_code, 200) << ex.dump();
  EXPECT_EQ(ex, Cli("chart explain hot-100-style --track jk-seven"));
  EXPECT_FALSE(ex["components"].empty());
  EXPECT_EQ(ex["tracks"][0], "jk-seven");
  EXPECT_EQ(s.Get("/api/v1/charts/itunes-style/explain?track=jk-seven").first, 400);
  EXPECT_EQ(RunEncore("chart explain itunes-style --track jk-seven --store " + Quote(kDemo)).code, 2);
  auto [unknown_code, unknown] = s.Get("/api/v1/charts/hot-100-style/explain?track=nothing-at-all");
  EXPECT_EQ(unknown_code, 404);
  EXPECT_NE(unknown.dump().find("no track 'nothing-at-all' in the catalog"), std::string::npos) << unknown.dump();
  // Large figures are written out, never in scientific notation.
  auto [big_code, big] = s.Get("/api/v1/charts/spotify-weekly/explain?track=jk-seven&date=2023-07-20");
  ASSERT_EQ(big_code, 200) << big.dump();
  EXPECT_EQ(big.dump().find("e+0"), std::string::npos) << big.dump();
  EXPECT_EQ(RunEncore("chart explain hot-100-style --track nothing-at-all --store " + Quote(kDemo)).code, 4);
  EXPECT_EQ(s.Get("/api/v1/charts/hot-100-style/explain?track=jk-seven&region=ZZ").first, 400);
  // A parameter given twice is refused, not settled by taking one.
  EXPECT_EQ(s.Get("/api/v1/records/charts?chart=spotify-weekly:global&by=peak&by=weeks").first, 400);
  auto [sf_code, launch] = s.Get("/api/v1/records/store?track=jk-seven&within=2.5&countries=100");
  ASSERT_EQ(sf_code, 200) << launch.dump();
  EXPECT_EQ(launch, Cli("records store jk-seven --within 2.5 --countries 100"));
  EXPECT_EQ(launch["countries_within"], 100);  // "No. 1 on iTunes in 100 countries within 2.5 hours"
  // Without a track: the board of every catalog track's launch, the same in both.
  auto [lb_code, board] = s.Get("/api/v1/records/store?within=2.5&countries=100&limit=5");
  ASSERT_EQ(lb_code, 200) << board.dump();
  EXPECT_EQ(board, Cli("records store --within 2.5 --countries 100 --top 5"));
  ASSERT_FALSE(board["launches"].empty());
  EXPECT_EQ(board["launches"][0]["track"], "jk-seven");
  EXPECT_EQ(board["launches"][0]["countries_within"], launch["countries_within"]);
  EXPECT_EQ(s.Get("/api/v1/records/store?launch=2023-07-14T04:00:00Z").first, 400);
  EXPECT_EQ(s.Get("/api/v1/records/store?track=jk-seven&limit=3").first, 400);
  EXPECT_EQ(RunEncore("records store jk-seven --top 3 --store " + Quote(kDemo)).code, 2);
  // A country is taken as people type it, in the CLI as in the API; a typo is refused.
  auto [kr_code, kr] = s.Get("/api/v1/tracks/jk-seven?country=kr");
  ASSERT_EQ(kr_code, 200) << kr.dump().substr(0, 300);
  EXPECT_EQ(kr["series"]["country"], "KR");
  EXPECT_EQ(kr["series"], Cli("streams --track jk-seven --country 'south korea'"));
  EXPECT_EQ(s.Get("/api/v1/tracks/jk-seven?country=Narnia").first, 400);
  EXPECT_EQ(s.Get("/api/v1/tracks/jk-seven?from=2024-02-01&to=2024-01-01").first, 400);
  EXPECT_EQ(s.Get("/api/v1/news?entity=track:nope").first, 404);
  EXPECT_EQ(s.Get("/api/v1/news?entity=jungkook").first, 400);
  EXPECT_EQ(s.Get("/api/v1/news?entity=artist:jungkook").first, 200);
  // Hours of charts fewer than the window counted, or a launch within an hour: refused by both.
  for (const auto& [query, args] : std::vector<std::pair<std::string, std::string>>{
           {"within=2.5&hours=1", "--within 2.5 --hours 1"},
           {"launch=2023-07-14T04:59:59Z", "--launch 2023-07-14T04:59:59Z"},
           {"countries=0", "--countries 0"}}) {
    auto [refused, why] = s.Get("/api/v1/records/store?track=jk-seven&" + query);
    EXPECT_EQ(refused, 400) << query << why.dump();
    EXPECT_EQ(RunEncore("records store jk-seven " + args + " --store " + Quote(kDemo)).code, 2) << args;
  }
  auto [bad_by, bb] = s.Get("/api/v1/records/charts?chart=spotify-weekly:global&by=wekks");
  EXPECT_EQ(bad_by, 400);
  EXPECT_NE(bb.dump().find("weeks-at-1"), std::string::npos) << bb.dump();
  // The CSV of a view is its table, in the CLI as in the API.
  auto csv = s.Client().Get("/api/v1/tracks/jk-seven?from=2024-06-01&format=csv&table=milestones");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->body, RunEncore("records milestones jk-seven --format csv --store " + Quote(kDemo)).out);
  EXPECT_EQ(csv->body.substr(0, 30), "date,counted,threshold,days,ye");
}

TEST(Serve, LeaderboardsAgreeWithTheCliAndTheRacePlotWithTheRanks) {
  Served s({"--store", kDemo});
  const std::string where = "tag = k-pop and solo";
  auto [code, race] =
      s.Get("/api/v1/records/race?year=2023&n=1e9&kind=artist&limit=100&where=" + Enc(where));
  ASSERT_EQ(code, 200) << race.dump();
  const json cli = Cli("records race 2023 1e9 --kind artist --top 100 --where " + Quote(where));
  ASSERT_EQ(race["standings"].size(), cli["standings"].size());
  ASSERT_GE(race["standings"].size(), 3u);
  const json& plot = race["race"];
  for (size_t i = 0; i < cli["standings"].size(); ++i) {
    const json& a = race["standings"][i];
    EXPECT_EQ(a["id"], cli["standings"][i]["id"]);
    EXPECT_EQ(a.at("day"), cli["standings"][i].at("day"));
    // The plotted running total crosses N on the ranked day.
    const json& values = plot["series"][i]["values"];
    const json& days = plot["day_of_year"];
    EXPECT_EQ(plot["series"][i]["id"], a["id"]);
    for (size_t d = 0; d < days.size(); ++d) {
      if (days[d] == a["day"]) {
        EXPECT_GE(values[d].get<int64_t>(), 1'000'000'000);
        ASSERT_GT(d, 0u);
        EXPECT_LT(values[d - 1].get<int64_t>(), 1'000'000'000);
      }
    }
  }
  // One view of a board (views::BoardJson): the CLI's JSON is the API's, less the race plot.
  for (const auto& [path, args] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/records/fastest?n=1e9&limit=100&history=1", "records fastest 1e9 --top 100 --history"},
           {"/api/v1/records/race?year=2023&n=1e9&kind=artist&limit=100&where=" + Enc(where),
            "records race 2023 1e9 --kind artist --top 100 --where " + Quote(where)},
           {"/api/v1/records/first?n=1e9&year=2024&kind=artist&limit=5&where=" + Enc("country = KR and solo"),
            "records first 1e9 --year 2024 --kind artist --top 5 --where 'country = KR and solo'"},
           {"/api/v1/records/most?kind=artist&limit=7", "records most --kind artist --top 7"},
           {"/api/v1/listeners?kind=artist&limit=20", "listeners --kind artist --top 20"},
           {"/api/v1/listeners?kind=track&window=7d&country=KR&limit=5",
            "listeners --kind track --window 7d --country KR --top 5"},
           {"/api/v1/listeners?kind=artist&reached=100&limit=6", "listeners --kind artist --reached 100 --top 6"}}) {
    auto [board_code, api_board] = s.Get(path);
    ASSERT_EQ(board_code, 200) << path << api_board.dump();
    api_board.erase("race");
    const json cli_board = Cli(args);
    EXPECT_EQ(api_board, cli_board) << path << "\nAPI: " << api_board.dump().substr(0, 1500)
                                    << "\nCLI: " << cli_board.dump().substr(0, 1500);
    EXPECT_FALSE(cli_board["standings"].empty()) << args;
  }
  // An entity's listener milestones: one view too.
  auto [lm_code, lm] = s.Get("/api/v1/listeners/artist/jungkook?milestones=100");
  ASSERT_EQ(lm_code, 200) << lm.dump();
  EXPECT_EQ(lm, Cli("listeners jungkook --milestones 100"));
  EXPECT_FALSE(lm["milestones"].empty());
  EXPECT_EQ(s.Get("/api/v1/listeners/artist/jungkook?milestones=100&from=2024-01-01").first, 400);
  EXPECT_EQ(s.Get("/api/v1/listeners?reached=lots").first, 400);
  EXPECT_EQ(s.Get("/api/v1/listeners?reached=1.5").first, 400);  // not quietly 2
  auto [kr_code, kr_firsts] = s.Get("/api/v1/listeners?reached=10&country=kr&limit=3");
  ASSERT_EQ(kr_code, 200) << kr_firsts.dump();
  EXPECT_EQ(kr_firsts["country"], "KR");
  EXPECT_EQ(kr_firsts, Cli("listeners --reached 10 --country 'South Korea' --top 3"));
  EXPECT_EQ(s.Get("/api/v1/records/charts?chart=spotify-weekly:global&artist=%00BTS").first, 400);
  auto [c2, fastest] = s.Get("/api/v1/records/fastest?n=1e9&limit=100&history=1");
  ASSERT_EQ(c2, 200);
  const json cf = Cli("records fastest 1e9 --top 100");
  ASSERT_EQ(fastest["standings"].size(), cf["standings"].size());
  for (size_t i = 0; i < cf["standings"].size(); ++i) {
    EXPECT_EQ(fastest["standings"][i]["id"], cf["standings"][i]["id"]);
    EXPECT_EQ(fastest["standings"][i]["days"], cf["standings"][i]["days"]);
  }
  EXPECT_FALSE(fastest["history"].empty());
  auto [c3, check] =
      s.Get("/api/v1/check?claim=" + Enc("days_to(streams, 1e9, track \"Seven\") = 108"));
  ASSERT_EQ(c3, 200) << check.dump();
  EXPECT_TRUE(check["holds"]);
  auto [c4, news] = s.Get("/api/v1/news?limit=1000");
  ASSERT_EQ(c4, 200);
  const json cn =
      json::parse(RunEncore("news --format json --limit 100000 --store " + Quote(kDemo)).out);
  EXPECT_EQ(news["total"], cn["total"]);
  // One view of the feed: the CLI's JSON is the API's page, newest first.
  EXPECT_EQ(news, Cli("news --limit 1000"));
  // A filter's period counts only its days, in the API as in the CLI.
  auto [c5, year] = s.Get("/api/v1/records/most?kind=artist&limit=5&where=" + Enc("year = 2024 and country = KR"));
  ASSERT_EQ(c5, 200) << year.dump();
  const json cy = Cli("records most --kind artist --top 5 --where 'year = 2024 and country = KR'");
  ASSERT_EQ(year["standings"].size(), cy["standings"].size());
  for (size_t i = 0; i < cy["standings"].size(); ++i) {
    EXPECT_EQ(year["standings"][i]["id"], cy["standings"][i]["id"]);
    EXPECT_EQ(year["standings"][i]["streams"], cy["standings"][i]["streams"]);
  }
  // Each kind the CLI lists, the API lists alike (listener and release news included).
  for (const std::string kind : {"milestone", "record", "listeners", "release"}) {
    auto [kind_code, some] = s.Get("/api/v1/news?limit=1000&kind=" + kind);
    ASSERT_EQ(kind_code, 200) << kind << " " << some.dump();
    const json of_kind = json::parse(
        RunEncore("news --format json --limit 100000 --kind " + kind + " --store " + Quote(kDemo)).out);
    EXPECT_EQ(some["total"], of_kind["total"]) << kind;
    if (kind == "listeners") {
      EXPECT_GT(of_kind["total"].get<size_t>(), 0u) << "the demo store has listener news";
    }
  }
}

// Search finds what people type (issue 18): several words across title and artist, a typo,
// a native name, an alias; a one-letter query only whole.
TEST(Serve, SearchFindsWordsAcrossTitleAndArtistTyposAndNativeNames) {
  Served s({"--store", kDemo});
  auto first = [&](const std::string& q) {
    auto [code, r] = s.Get("/api/v1/search?limit=20&q=" + Enc(q));
    EXPECT_EQ(code, 200) << q;
    EXPECT_FALSE(r["results"].empty()) << q;
    return r["results"].empty() ? json() : r["results"][0];
  };
  EXPECT_EQ(first("seven jung kook")["id"], "jk-seven");
  EXPECT_EQ(first("Jung Kook Seven")["id"], "jk-seven");
  EXPECT_EQ(first("jungkok")["id"], "jungkook");
  EXPECT_EQ(first("정국")["id"], "jungkook");
  EXPECT_EQ(first("JK")["id"], "jungkook");
  EXPECT_EQ(first("dynamite bts")["id"], "bts-dynamite");
  json flowers = first("flowrs");
  EXPECT_EQ(flowers["name"], "Flowers") << flowers;
  auto [code, v] = s.Get("/api/v1/search?limit=100&q=v");
  ASSERT_EQ(code, 200);
  ASSERT_FALSE(v["results"].empty());
  EXPECT_EQ(v["results"][0]["id"], "v");
  for (const auto& r : v["results"]) {
    EXPECT_EQ(r["detail"].get<std::string>().find("Guetta"), std::string::npos) << r;
    EXPECT_EQ(r["name"].get<std::string>().find("Guetta"), std::string::npos) << r;
  }
  auto [none_code, none] = s.Get("/api/v1/search?q=" + Enc("zzzz qqqq"));
  ASSERT_EQ(none_code, 200);
  EXPECT_TRUE(none["results"].empty());
}

TEST(Serve, ErrorsPagingCacheHeadersAndLimits) {
  Served s({"--store", kDemo});
  auto c = s.Client();
  auto expect_error = [&](httplib::Result res, int status, const std::string& words) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    const json j = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(j.contains("error")) << res->body;
    EXPECT_EQ(j["error"]["status"], status);
    EXPECT_NE(j["error"]["message"].get<std::string>().find(words), std::string::npos) << res->body;
  };
  expect_error(c.Get("/api/v1/tracks/no-such-track"), 404, "no track 'no-such-track'");
  expect_error(c.Get("/api/v1/charts/spotify-weekly?dat=2024-01-01"), 400,
               "unknown parameter 'dat'");
  expect_error(c.Get("/api/v1/charts/spotify-weekly?date=2024-13-01"), 400, "date must be a date");
  expect_error(c.Get("/api/v1/records/fastest?where=" + Enc("solo and nonsense = 3")), 400,
               "offset");
  expect_error(c.Get("/api/v1/records/fastest?n=-5"), 400, "positive count");
  expect_error(c.Get("/api/v1/news?limit=100000"), 400, "limit");
  expect_error(c.Delete("/api/v1/status"), 405, "read-only");
  expect_error(c.Post("/api/v1/ingest?name=x.csv", "a,b\n", "text/csv"), 404, "--token");
  expect_error(c.Post("/api/v1/check", std::string(100 * 1024, 'x'), "application/json"), 413,
               "larger");
  {
    httplib::Headers h = {{"Host", "attacker.example"}};
    expect_error(c.Get("/api/v1/status", h), 403, "localhost");
  }
  for (const char* path : {"/assets/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                           "/assets/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"}) {
    auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("root:"), std::string::npos);
  }
  // Paging: two pages are the first ten.
  auto [a1, all] = s.Get("/api/v1/news?limit=10");
  auto [a2, p1] = s.Get("/api/v1/news?limit=5");
  auto [a3, p2] = s.Get("/api/v1/news?limit=5&offset=5");
  ASSERT_EQ(a1 + a2 + a3, 600);
  EXPECT_EQ(p1["next_offset"], 5);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(all["items"][i], p1["items"][i]);
    EXPECT_EQ(all["items"][5 + i], p2["items"][i]);
  }
  // Cache headers: a chart of sealed days may be kept; an open day must be revalidated; the ETag
  // answers 304.
  auto sealed = c.Get("/api/v1/charts/spotify-weekly?date=2023-07-20");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->get_header_value("Cache-Control"), "public, max-age=86400");
  auto open = c.Get("/api/v1/charts/spotify-daily?date=2024-12-31");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 200);
  EXPECT_EQ(open->get_header_value("Cache-Control"), "no-cache");
  const std::string etag = sealed->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = c.Get("/api/v1/charts/spotify-weekly?date=2023-07-20", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_EQ(again->get_header_value("X-Cache"), "hit");
  // The dashboard's files are built in.
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("/assets/app.js"), std::string::npos);
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  auto uplot = c.Get("/assets/uplot.js");
  ASSERT_TRUE(uplot);
  EXPECT_EQ(uplot->status, 200);
  EXPECT_GT(uplot->body.size(), 20000u);
}

// A small store of its own: a catalog and a day of daily totals.
std::string MakeStore(const TempDir& dir) {
  const std::string store = dir / "s";
  EXPECT_EQ(RunEncore("catalog import " + Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo") +
                      " --store " + Quote(store))
                .code,
            0);
  WriteText(dir / "d1.csv", "date,country,track,streams,tier\n2024-03-01,GLOBAL,jk-seven,5000,\n");
  EXPECT_EQ(
      RunEncore("ingest --no-progress " + Quote(dir / "d1.csv") + " --store " + Quote(store)).code,
      0);
  return store;
}

TEST(Serve, WritesNeedTheTokenAndShowUpInReads) {
  TempDir dir("serve-write");
  const std::string store = MakeStore(dir);
  const std::string token = "0123456789abcdef-test-token";
  Served s({"--store", store, "--token", token});
  auto c = s.Client();
  const std::string body = "date,country,track,streams,tier\n2024-03-02,GLOBAL,jk-seven,7000,\n";
  auto res = c.Post("/api/v1/ingest?name=d2.csv", body, "text/csv");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = c.Post("/api/v1/ingest?name=d2.csv", {{"Authorization", "Bearer wrong-token-wrong-token"}},
               body, "text/csv");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  res = c.Post("/api/v1/ingest?name=../../d2.csv", auth, body, "text/csv");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;  // kept under its base name
  json j = json::parse(res->body);
  EXPECT_EQ(j["state"], "ingested");
  EXPECT_EQ(j["summary"]["counted"], 7000);
  EXPECT_TRUE(std::filesystem::exists(store + "/uploads/" + j["kept_as"].get<std::string>()));
  auto [code, t] = s.Get("/api/v1/tracks/jk-seven");
  ASSERT_EQ(code, 200);
  EXPECT_EQ(t["series"]["total"], 12000);
  res = c.Post("/api/v1/ingest?name=d2-again.csv", auth, body, "text/csv");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["state"], "already_ingested");
  // An upload over 8 KiB with curl's default content type (a form, to httplib) is its body.
  std::string big = "date,country,track,streams,tier\n";
  for (int d = 1; big.size() < 12000; ++d)
    big += "2023-" + std::string(d / 28 < 9 ? "0" : "") + std::to_string(d / 28 + 1) + "-" +
           (d % 28 + 1 < 10 ? "0" : "") + std::to_string(d % 28 + 1) + ",GLOBAL,jk-seven,1,\n";
  res = c.Post("/api/v1/ingest?name=big.csv", auth, big, "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  // A file refused whole is not kept, nor one ingested before; answers never name the store.
  res = c.Post("/api/v1/ingest?name=junk.csv", auth, std::string("\x01\x02 not a table\n", 16),
               "text/csv");
  ASSERT_TRUE(res);
  EXPECT_GE(res->status, 400) << res->body;
  EXPECT_EQ(res->body.find(store), std::string::npos) << res->body;
  std::vector<std::string> kept;
  for (const auto& e : std::filesystem::directory_iterator(store + "/uploads"))
    kept.push_back(e.path().filename().string());
  ASSERT_EQ(kept.size(), 2u) << "kept: " << ::testing::PrintToString(kept);
  for (const auto& k : kept)
    EXPECT_TRUE(k.ends_with("-d2.csv") || k.ends_with("-big.csv")) << k;
  // A broken catalog is refused with every problem; nothing changes.
  res = c.Put("/api/v1/catalog", auth,
              json{{"artists", "artist_id,name,kind,country\nx,X,robot,KR\n"}}.dump(),
              "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422) << res->body;
  const json refused = json::parse(res->body);
  ASSERT_EQ(refused["error"]["details"].size(), 1u) << res->body;
  EXPECT_NE(refused["error"]["details"][0].get<std::string>().find("artists.csv:2:"),
            std::string::npos);
  EXPECT_EQ(refused["error"]["message"].get<std::string>().find(store), std::string::npos);
  EXPECT_EQ(refused["error"]["request"], "PUT /api/v1/catalog");
  for (const auto& e : std::filesystem::directory_iterator(store + "/uploads"))
    EXPECT_FALSE(e.path().string().ends_with("catalog.d")) << "a refused catalog was kept";
  res = c.Put("/api/v1/catalog", json{{"artists", "id,name,kind,country\n"}}.dump(),
              "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  auto [c2, st] = s.Get("/api/v1/status");
  EXPECT_EQ(st["catalog"]["artists"].get<size_t>(), 43u);
  EXPECT_EQ(st["sources"].size(), 3u);  // the first store file, d2.csv, big.csv
}

TEST(Serve, ReadsStayCorrectWhileAnotherProcessIngests) {
  TempDir dir("serve-concurrent");
  const std::string store = MakeStore(dir);
  Served s({"--store", store});
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, bad{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&, i] {
      auto c = s.Client();
      const char* paths[] = {"/api/v1/status",
                             "/api/v1/tracks/jk-seven",
                             "/api/v1/charts/spotify-daily",
                             "/api/v1/records/most",
                             "/api/v1/news",
                             "/api/v1/artists/jungkook"};
      for (int n = 0; !stop || n < 20; ++n) {
        auto res = c.Get(paths[(n + i) % 6]);
        if (res && (res->status == 200 || res->status == 404)) {
          ++ok;
        } else {
          ++bad;
          ADD_FAILURE() << paths[(n + i) % 6] << ": " << (res ? res->body : "no response");
        }
      }
    });
  }
  for (int d = 2; d <= 9; ++d) {
    std::string name = "c";  // appended, not "c" + ...: GCC 12's -Wrestrict false positive
    name += std::to_string(d);
    const std::string f = dir / (name + ".csv");
    WriteText(f, "date,country,track,streams,tier\n2024-03-0" + std::to_string(d) +
                     ",GLOBAL,jk-seven,1000,\n");
    EXPECT_EQ(RunEncore("ingest --no-progress " + Quote(f) + " --store " + Quote(store)).code, 0);
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ok, 80);
  // The last ingest is what the server reads now.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto [code, t] = s.Get("/api/v1/tracks/jk-seven");
  ASSERT_EQ(code, 200);
  EXPECT_EQ(t["series"]["total"], 5000 + 8 * 1000);
}

TEST(Serve, WebRootFilesCannotEscapeTheFolder) {
  TempDir dir("serve-webroot");
  std::filesystem::create_directories(dir / "web");
  WriteText(dir / "web/index.html", "<p>mine</p>");
  WriteText(dir / "secret.txt", "secret");
  std::filesystem::create_symlink(dir / "secret.txt", dir / "web/link.txt");
  Served s({"--store", kDemo, "--web-root", dir / "web"});
  auto c = s.Client();
  auto res = c.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "<p>mine</p>");
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/link.txt", "/a/../link.txt",
                           "/nothing/../link.txt"}) {
    res = c.Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_NE(res->body, "secret");
  }
}

}  // namespace
TEST(Serve, OriginFramingTokenBeforeBodyAndABusyPort) {
  Served s({"--store", kDemo, "--token", "a-token-of-16-chars-or-more"});
  const int port = s.port();
  auto get = [&](const std::string& headers) {
    return RawStatusLine(port, "GET /api/v1/charts HTTP/1.1\r\n" + headers + "\r\n");
  };
  // The Host names the loopback exactly (DNS rebinding: another name that starts like it).
  EXPECT_EQ(get("Host: localhost:" + std::to_string(port) + "\r\n"), "HTTP/1.1 200 OK");
  EXPECT_EQ(get("Host: 127.0.0.1\r\n"), "HTTP/1.1 200 OK");
  EXPECT_EQ(get("Host: [::1]:" + std::to_string(port) + "\r\n"), "HTTP/1.1 200 OK");
  EXPECT_EQ(get("Host: 127.0.0.1.evil.com\r\n"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(get("Host: localhost.evil.com\r\n"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(get("Host: 127.0.0.1:80x\r\n"), "HTTP/1.1 403 Forbidden");
  // Framing a proxy could read another way: refused.
  EXPECT_EQ(get("Host: localhost\r\nHost: evil.com\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(RawStatusLine(port,
                          "POST /api/v1/ingest HTTP/1.1\r\nHost: localhost\r\n"
                          "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcd"),
            "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(RawStatusLine(port,
                          "POST /api/v1/ingest HTTP/1.1\r\nHost: localhost\r\n"
                          "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
            "HTTP/1.1 400 Bad Request");
  // A space or tab before the colon (RFC 9112 §5.1: 400): a proxy that reads "Content-Length :"
  // as the length would see one request where this server saw two.
  {
    const std::string hidden = "GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\n\r\n";
    RawConn c(port);
    c.Send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length : " +
           std::to_string(hidden.size()) + "\r\n\r\n" + hidden);
    EXPECT_EQ(c.Reply().first, 400);
    EXPECT_EQ(c.Reply(1000).first, 0) << "the hidden request was answered";
  }
  EXPECT_EQ(RawStatusLine(port,
                          "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding\t: chunked"
                          "\r\nContent-Length: 3\r\n\r\nabc"),
            "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(get("Host: localhost\r\nX-A: a\x01b\r\n"), "HTTP/1.1 400 Bad Request");
  // Without the token, a write is refused before its body: a 1 GB body announced and never sent
  // is answered at once.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(RawStatusLine(port,
                          "POST /api/v1/ingest HTTP/1.1\r\nHost: localhost\r\n"
                          "Content-Length: 1000000000\r\n\r\n"),
            "HTTP/1.1 401 Unauthorized");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  // A second server on the same port is an error (exit 5), never a shared listen.
  const RunResult again =
      RunEncore("serve --quiet --port " + std::to_string(port) + " --store " + Quote(kDemo));
  EXPECT_EQ(again.code, 5) << again.out << again.err;
  EXPECT_NE(again.err.find("cannot listen"), std::string::npos) << again.err;
  EXPECT_EQ(get("Host: localhost\r\n"), "HTTP/1.1 200 OK");  // the first one still answers
}

}  // namespace encore::test
