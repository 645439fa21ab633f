// End-to-end: store feed snapshots (both layouts) and lists of No. 1s through `encore chart
// import`, `encore records store-tops`, `encore check` and `encore chart verify --number-ones`. The
// "No. 1 in N countries within T hours" answer is checked against tests/store_tops_expect.py, and
// the real UK list against tests/number_ones_expect.py, both written independently of encore.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "served.h"
#include "shared_data.h"
#include "test_util.h"

namespace encore::test {
namespace {

using nlohmann::json;

const std::string kSource = ENCORE_SOURCE_DIR;


json RunPython(const std::string& args) {
  const std::string cmd = "python3 " + args;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while (p && (n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) ::pclose(p);
  return json::parse(out, nullptr, false);
}

std::string Two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v % 100);
  return b;
}

// 2023-07-14 at 04:00 UTC plus `minutes`.
std::string Iso(int minutes, bool pacific = false) {
  int m = 4 * 60 + minutes;
  if (pacific) m -= 7 * 60;  // the same moment written at -07:00
  const int day = 14 + (m < 0 ? -1 : m / (24 * 60));
  m = (m % (24 * 60) + 24 * 60) % (24 * 60);
  return "2023-07-" + Two(day) + "T" + Two(m / 60) + ":" + Two(m % 60) + ":00" +
         (pacific ? "-07:00" : "Z");
}

std::string ItunesEntry(const std::string& name, const std::string& artist, const std::string& id) {
  return "{\"im:name\":{\"label\":\"" + name + "\"},\"im:artist\":{\"label\":\"" + artist +
         "\"},\"id\":{\"label\":\"https://music.apple.com/x?i=" + id +
         "\",\"attributes\":{\"im:id\":\"" + id + "\"}}}";
}

// The charts of the fixture: the song at `position` (0: not listed) among fillers.
std::vector<std::string> Entries(int position, bool renamed) {
  std::vector<std::string> out;
  for (int p = 1; p <= 4; ++p) {
    if (p == position) {
      out.push_back(renamed ? ItunesEntry("Seven", "JK", "111")
                            : ItunesEntry("Seven (feat. Latto)", "Jung Kook", "111"));
    } else {
      out.push_back(ItunesEntry("Filler " + std::to_string(p), "Band " + std::to_string(p),
                                std::to_string(900 + p)));
    }
  }
  return out;
}

std::string ItunesFeed(const std::string& cc, const std::string& updated,
                       const std::vector<std::string>& entries) {
  std::string list;
  for (const auto& e : entries) list += (list.empty() ? "" : ",\n") + e;
  return "{\"feed\":{\"author\":{\"name\":{\"label\":\"iTunes Store\"}},\"entry\":[\n" + list +
         "],\n" + (updated.empty() ? "" : "\"updated\":{\"label\":\"" + updated + "\"},") +
         "\"title\":{\"label\":\"iTunes Store: Top Songs\"},\"id\":{\"label\":"
         "\"https://itunes.apple.com/" +
         cc + "/rss/topsongs/limit=100/json\"}}}\n";
}

std::string MarketingFeed(const std::string& cc, const std::string& updated, int position) {
  std::string list;
  for (int p = 1; p <= 3; ++p) {
    list +=
        std::string(p > 1 ? "," : "") +
        (p == position ? "{\"artistName\":\"Jung Kook\",\"id\":\"111\",\"name\":\"Seven (feat. "
                         "Latto)\",\"kind\":\"songs\"}"
                       : "{\"artistName\":\"Band\",\"id\":\"9" + std::to_string(p) +
                             "\",\"name\":\"Other " + std::to_string(p) + "\",\"kind\":\"songs\"}");
  }
  return "{\"feed\":{\"title\":\"Top Songs\",\"id\":\"https://rss.applemarketingtools.com/api/v2/" +
         cc + "/music/most-played/100/songs.json\",\"country\":\"" + cc + "\",\"updated\":\"" +
         updated + "\",\"results\":[" + list + "]}}\n";
}

TEST(StoreFeedsCli, CountriesAtNo1WithinHoursAgreesWithPython) {
  TempDir dir("store-feeds");
  const std::string feeds = dir / "feeds";
  std::filesystem::create_directories(feeds + "/itunes");
  std::filesystem::create_directories(feeds + "/apple");
  // country, minutes after 04:00 UTC, the song's position (0: not listed).
  struct Shot {
    const char* cc;
    int minutes, position;
  };
  const Shot shots[] = {
      {"us", 0, 0},  {"us", 20, 3},  {"us", 50, 1},  {"us", 90, 1},  // first listed 04:20
      {"gb", 10, 0}, {"gb", 40, 2},  {"gb", 100, 1},                 // 1:20 after
      {"de", 30, 0}, {"de", 80, 1},                                  // 1:00, tied with jp
      {"jp", 20, 0}, {"jp", 80, 1},                                  // by the renamed entry
      {"fr", 60, 4}, {"fr", 170, 1},                                 // 2:30: within
      {"br", 50, 2}, {"br", 171, 1},                                 // 2:31: beyond
      {"kr", 30, 0}, {"kr", 120, 2}, {"kr", 200, 0},                 // never No. 1
  };
  for (const Shot& s : shots) {
    const bool renamed = std::string(s.cc) == "jp";
    std::string name = std::string(s.cc) + "-" + std::to_string(s.minutes) + ".json";
    std::string updated = Iso(s.minutes, s.minutes % 20 == 0);
    if (std::string(s.cc) == "fr" && s.minutes == 170) {
      // No feed.updated: the time from the file name.
      updated.clear();
      name = "fr-2023-07-14T06-50Z.json";
    }
    WriteText(feeds + "/itunes/" + name, ItunesFeed(s.cc, updated, Entries(s.position, renamed)));
  }
  // The same snapshot again under another name and spacing; an entry without a name; notes.
  WriteText(feeds + "/itunes/copy-of-us-50.json",
            "\n" + ItunesFeed("us", Iso(50, false), Entries(1, false)));
  std::vector<std::string> bad = Entries(2, false);
  bad[0] = ItunesEntry("", "Nobody", "5");
  WriteText(feeds + "/itunes/es-60.json", ItunesFeed("es", Iso(60), bad));
  WriteText(feeds + "/notes.txt", "fetched every 10 minutes\n");
  // Apple Music: another store, other answers.
  WriteText(feeds + "/apple/us.json", MarketingFeed("us", "Fri, 14 Jul 2023 04:05:00 +0000", 2));
  WriteText(feeds + "/apple/us2.json", MarketingFeed("us", "Fri, 14 Jul 2023 05:05:00 +0000", 1));
  WriteText(feeds + "/apple/mx.json", MarketingFeed("mx", "Fri, 14 Jul 2023 08:00:00 +0000", 1));

  const std::string store = " --store " + Quote(dir / "store");
  // A play first: `encore ingest` takes no store directory that holds charts only.
  WriteText(dir / "plays.csv",
            "ts,user,track,ms_played,country,tier\n"
            "2023-07-14T10:00:00Z,u1,t1,200000,US,premium\n");
  ASSERT_EQ(RunEncore("ingest " + Quote(dir / "plays.csv") + store).code, 0);
  RunResult r = RunEncore("chart import " + Quote(feeds) + store);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "store feeds: 22 snapshots")) << r.out;
  EXPECT_TRUE(Has(r.out, "(1 the same as kept before, 0 replaced)")) << r.out;
  EXPECT_TRUE(Has(r.out, "es-60.json:2: rejected: entry 1: no name")) << r.out;
  EXPECT_TRUE(Has(r.out, "notes.txt: not a .csv or .json file")) << r.out;
  EXPECT_TRUE(Has(r.out, "itunes songs             19 snapshots of 8 countries")) << r.out;
  EXPECT_TRUE(Has(r.out, "time from the file name")) << r.out;
  r = RunEncore("chart import " + Quote(feeds) + store);  // once per content
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(Has(r.out, "23 files already imported")) << r.out;
  // The store's feeds are listed beside its charts, and their rejected entries beside theirs.
  r = RunEncore("chart list" + store);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "store feeds (snapshots of top songs by country):")) << r.out;
  EXPECT_TRUE(Has(r.out, "itunes songs                   19 snapshots")) << r.out;
  r = RunEncore("chart rejects" + store);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "es-60.json:2: ")) << r.out;

  for (const std::string within : {"2.5h", "1h", "20m"}) {
    r = RunEncore("records store-tops \"Jung Kook - Seven\" --within " + within + " --format json" +
                  store);
    ASSERT_EQ(r.code, 0) << r.err;
    const json got = json::parse(r.out);
    const int64_t seconds = within == "2.5h" ? 9000 : within == "1h" ? 3600 : 1200;
    const json want = RunPython(kSource + "/tests/store_tops_expect.py " + Quote(feeds) +
                                " 'Jung Kook' 'Seven' " + std::to_string(seconds));
    ASSERT_FALSE(want.is_discarded());
    EXPECT_EQ(got["countries_within"], want["countries_within"]) << within;
    std::map<std::string, int64_t> tops;
    for (const auto& t : got["tops"]) tops[t["country"]] = t["after_seconds"];
    std::map<std::string, int64_t> expected = want["tops"].get<std::map<std::string, int64_t>>();
    EXPECT_EQ(tops, expected) << within;
  }
  r = RunEncore("records store-tops \"Jung Kook - Seven\" --format json" + store);
  const json got = json::parse(r.out);
  EXPECT_EQ(got["countries_within"], 5);  // US 0:30, DE and JP 1:00, GB 1:20, FR 2:30
  EXPECT_EQ(got["start"], "2023-07-14T04:20:00Z");
  EXPECT_EQ(got["start_from"], "first listed: US 2023-07-14T04:20:00Z at No. 3");
  for (const auto& t : got["tops"]) {
    if (t["country"] == "DE") {
      EXPECT_TRUE(t["tied"].get<bool>());
    }
    if (t["country"] == "GB") {
      EXPECT_EQ(t["before"]["snapshot"], "2023-07-14T04:40:00Z");
      EXPECT_EQ(t["before"]["position"], 2);
    }
    if (t["country"] == "FR") {
      EXPECT_EQ(t["time_from"], "file name");
    }
    if (t["country"] == "JP") {
      EXPECT_EQ(t["as_printed"], "JK - Seven");  // by the store id
    }
  }
  // The table shows the work; --from moves the start; the other store answers for itself.
  r = RunEncore("records store-tops \"Jung Kook - Seven\"" + store);
  EXPECT_TRUE(Has(r.out, "No. 1 in 5 countries within 2.5h of 2023-07-14T04:20:00Z")) << r.out;
  EXPECT_TRUE(Has(r.out, "-- after 2.5h --")) << r.out;
  EXPECT_TRUE(Has(r.out, "GB      2023-07-14T05:40:00Z     1:20   2023-07-14T04:40:00Z No. 2"))
      << r.out;
  r = RunEncore(
      "records store-tops \"Jung Kook - Seven\" --from 2023-07-14T05:00:00Z --within 1h --format "
      "json" +
      store);
  EXPECT_EQ(json::parse(r.out)["countries_within"], 4);  // DE, JP 0:20, US 0:30, GB 0:40
  r = RunEncore("records store-tops \"Jung Kook - Seven\" --store-name apple-music --format json" +
                store);
  const json apple = json::parse(r.out);
  const json apple_want = RunPython(kSource + "/tests/store_tops_expect.py " + Quote(feeds) +
                                    " 'Jung Kook' 'Seven' 9000 apple-music");
  EXPECT_EQ(apple["countries_within"], apple_want["countries_within"]);
  EXPECT_EQ(apple["countries_within"], 1);
  EXPECT_EQ(apple["countries_at_no1"], 2);
  // The API answers the same question with the same view.
  {
    Served s({"--store", dir / "store"});
    auto [code, body] = s.Get("/api/v1/records/store-tops?song=Jung%20Kook%20-%20Seven&within=2.5h");
    ASSERT_EQ(code, 200) << body.dump();
    EXPECT_EQ(body, got);
    auto [apple_code, apple_body] =
        s.Get("/api/v1/records/store-tops?song=Jung%20Kook%20-%20Seven&store_name=apple-music");
    EXPECT_EQ(apple_code, 200);
    EXPECT_EQ(apple_body, apple);
    EXPECT_EQ(s.Get("/api/v1/records/store-tops?song=Nobody%20-%20Nothing").first, 404);
    EXPECT_EQ(s.Get("/api/v1/records/store-tops?song=Jung%20Kook%20-%20Seven&within=soon").first, 400);
    EXPECT_EQ(s.Get("/api/v1/records/store-tops").first, 400);
  }
  r = RunEncore("records store-tops \"Nobody - Nothing\"" + store);
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_EQ(RunEncore("records store-tops \"Jung Kook - Seven\" --within soon" + store).code, 2);

  // The claim (encore check reads the counts too: the store has a play, ingested first).
  r = RunEncore(
      "check 'feed_countries_no1(song \"Jung Kook - Seven\", 2.5h) >= 5' "
      "'feed_countries_no1(song \"Jung Kook - Seven\", 1h) = 100'" +
      store);
  EXPECT_EQ(r.code, 1) << r.out << r.err;  // the second does not hold
  EXPECT_TRUE(Has(r.out, "TRUE  feed_countries_no1(song \"Jung Kook - Seven\", 2.5h) >= 5"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "actual: 3 countries")) << r.out;
}

TEST(StoreFeedsCli, RealUkNumberOnesAgreeWithPython) {
  ENCORE_REQUIRE_SHARED_DATA(list, "uk/uk-number-ones.json");
  ENCORE_REQUIRE_SHARED_DATA(singles, "uk/uk_singles_2025_2026.csv");
  TempDir dir("uk-number-ones");
  const std::string store = " --store " + Quote(dir / "store");
  RunResult r =
      RunEncore("chart import " + Quote(list.string()) + " " + Quote(singles.string()) + store);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const json want = RunPython(kSource + "/tests/number_ones_expect.py " + Quote(list.string()));
  ASSERT_FALSE(want.is_discarded());
  r = RunEncore("chart verify --number-ones --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const json got = json::parse(r.out);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["entries"], want["entries"]);  // 1,491
  EXPECT_EQ(got[0]["weeks"], want["weeks"]);      // 3,717
  EXPECT_EQ(got[0]["returns"], want["returns"]);
  EXPECT_EQ(got[0]["first"], want["first"]);
  EXPECT_EQ(got[0]["last"], want["last"]);
  EXPECT_EQ(got[0]["gaps_agree"], 1479);
  EXPECT_FALSE(
      got[0]["overlap"].get<bool>());  // the list ends in 2023, the chart file starts 2025-08
  r = RunEncore("chart verify uk-singles" + store);
  EXPECT_TRUE(Has(r.out,
                  "against the chart: no overlap: the list covers 1952-11-14..2024-01-10, "
                  "the chart's 33 editions 2025-08-01..2026-03-13; nothing compared"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "uk-singles: 33 editions")) << r.out;  // the chart's own check still runs
}

TEST(StoreFeedsCli, NumberOnesListAgainstAnOverlappingChart) {
  TempDir dir("number-ones-overlap");
  WriteText(dir / "uk_singles.csv",
            "chart_date,position,title,artist,last_week,peak_position,weeks_on_chart\n"
            "2025-01-03,Number1,ALPHA,ANN,New,1,1\n2025-01-03,Number2,BETA,BOB,New,2,1\n"
            "2025-01-10,Number1,ALPHA,ANN,1,1,2\n2025-01-10,Number2,BETA,BOB,2,2,2\n"
            "2025-01-17,Number1,BETA,BOB,2,1,3\n2025-01-17,Number2,ALPHA,ANN,1,1,3\n"
            "2025-01-24,Number1,GAMMA,CY,New,1,1\n2025-01-24,Number2,BETA,BOB,1,1,4\n");
  WriteText(dir / "uk-number-ones.json",
            "var data = [\n"
            "{\"number\": \"1\", \"artist\": \"<a href=\\\"/wiki/Ann\\\">Ann</a>\", \"song\": "
            "\"\\\"<a href=\\\"/wiki/A\\\">Alpha</a>\\\"\", \"date\": \"3 January 2025\", \"woc\": "
            "\"2\"},\n"
            "{\"number\": \"2\", \"artist\": \"Bob\", \"song\": \"\\\"Beta\\\"\", \"date\": "
            "\"17 January 2025\", \"woc\": \"2\"},\n"
            "{\"number\": \"3\", \"artist\": \"Cy\", \"song\": \"\\\"Gamma\\\"\", \"date\": "
            "\"31 January 2025\", \"woc\": \"1\"}\n];\n");
  const std::string store = " --store " + Quote(dir / "store");
  RunResult r = RunEncore("chart import " + Quote(dir.path()) + store);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "list of No. 1s: uk-singles: 3 No. 1s (0 returns)")) << r.out;
  r = RunEncore("chart verify uk-singles --number-ones" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "2 of 2 runs last exactly until the next No. 1's date")) << r.out;
  EXPECT_TRUE(Has(r.out, "1 of 2 runs agree on their weeks at No. 1")) << r.out;
  EXPECT_TRUE(Has(r.out,
                  "2025-01-17 Bob - Beta: list 2 weeks, chart 1: another No. 1 on the chart "
                  "within the run: 2025-01-24: CY - GAMMA"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "2025-01-24 CY - GAMMA: No. 1 on the chart, not in the list")) << r.out;
}

}  // namespace
}  // namespace encore::test
