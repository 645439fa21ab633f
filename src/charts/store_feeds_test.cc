// The store feed readers (iTunes RSS, Apple Marketing Tools RSS), the list of No. 1s reader and
// its checks, the feeds' storage and the store-tops record, on small fixtures written here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "catalog/names.h"
#include "encore/store_feeds.h"
#include "shared_data.h"

namespace encore {
namespace {

class Dir {
 public:
  explicit Dir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("encore-feeds-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~Dir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

struct Collect final : SnapshotSink {
  Status Add(StoreSnapshot s) override {
    snapshots.push_back(std::move(s));
    return Status::Ok();
  }
  Status Reject(ChartReject r) override {
    rejects.push_back(std::move(r));
    return Status::Ok();
  }
  std::vector<StoreSnapshot> snapshots;
  std::vector<ChartReject> rejects;
};

std::string ItunesEntry(const std::string& name, const std::string& artist, const std::string& id) {
  return R"({"im:name":{"label":")" + name + R"("},"im:image":[{"label":"x","attributes":{"height":"55"}}],)"
         R"("im:artist":{"label":")" + artist + R"(","attributes":{"href":"h"}},"id":{"label":"https://music.apple.com/us/album/x/1?i=)" +
         id + R"(","attributes":{"im:id":")" + id +
         R"("}},"im:contentType":{"im:contentType":{"attributes":{"term":"Track","label":"Track"}},"attributes":{"term":"Music","label":"Music"}}})";
}

std::string ItunesFeed(const std::string& country, const std::string& updated,
                       const std::string& entries, const std::string& feed = "topsongs") {
  return R"({"feed":{"author":{"name":{"label":"iTunes Store"},"uri":{"label":"http://www.apple.com/itunes/"}},"entry":[)" +
         entries + R"(],)" +
         (updated.empty() ? "" : R"("updated":{"label":")" + updated + R"("},)") +
         R"("rights":{"label":"Copyright 2008 Apple Inc."},"title":{"label":"iTunes Store: Top Songs"},"link":[{"attributes":{"rel":"alternate","type":"text/html","href":"https://itunes.apple.com/WebObjects/MZStore.woa/wa/viewTop?cc=)" +
         country + R"(&id=1&popId=1"}},{"attributes":{"rel":"self","href":"https://itunes.apple.com/)" +
         country + "/rss/" + feed + R"(/limit=100/json"}}],"id":{"label":"https://itunes.apple.com/)" +
         country + "/rss/" + feed + R"(/limit=100/json"}}})";
}

TEST(StoreFeed, ItunesRssSnapshot) {
  Dir d("itunes");
  const std::string f = d.Write(
      "us.json", ItunesFeed("us", "2023-07-13T21:30:00-07:00",
                            ItunesEntry("Seven (feat. Latto)", "Jung Kook", "111") + ",\n" +
                                ItunesEntry("", "Nobody", "9") + ",\n" +
                                ItunesEntry("Vampire", "Olivia Rodrigo", "222")));
  EXPECT_EQ(SniffJsonFile(f), JsonKind::kStoreFeed);
  Collect c;
  std::vector<ChartIssue> issues;
  auto s = StreamStoreFeed(f, {}, &c, &issues);
  ASSERT_TRUE(s.ok()) << s.status().message() << (issues.empty() ? "" : issues[0].ToString());
  EXPECT_EQ(s->layout, FeedLayout::kItunesRss);
  ASSERT_EQ(c.snapshots.size(), 1u);
  const StoreSnapshot& snap = c.snapshots[0];
  EXPECT_EQ(snap.store, "itunes");
  EXPECT_EQ(snap.kind, "songs");
  EXPECT_EQ(snap.country, "US");
  EXPECT_EQ(snap.genre, "");
  EXPECT_EQ(FormatTimestamp(snap.taken), "2023-07-14T04:30:00Z");
  EXPECT_EQ(snap.taken_from, "feed");
  ASSERT_EQ(snap.entries.size(), 2u);
  EXPECT_EQ(snap.entries[0].position, 1);
  EXPECT_EQ(snap.entries[0].title, "Seven (feat. Latto)");
  EXPECT_EQ(snap.entries[0].artist, "Jung Kook");
  EXPECT_EQ(snap.entries[0].id, "111");
  EXPECT_EQ(snap.entries[1].position, 3);  // the rejected entry keeps its place
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].line, 2u);
  EXPECT_EQ(c.rejects[0].reason, "entry 2: no name");
}

TEST(StoreFeed, ItunesRssOneEntryGenreAlbumsAndTimeFromName) {
  Dir d("itunes2");
  // One entry: an object, not a list; no feed.updated: the file name's time.
  std::string one = ItunesFeed("gb", "", ItunesEntry("A", "B", "1"), "topalbums/genre=14");
  one.replace(one.find("\"entry\":[") + 8, 1, "");
  one.replace(one.find("}}}],") + 3, 1, "");
  const std::string f = d.Write("gb-topalbums-2024-01-05T10-30Z.json", one);
  Collect c;
  std::vector<ChartIssue> issues;
  auto s = StreamStoreFeed(f, {}, &c, &issues);
  ASSERT_TRUE(s.ok()) << (issues.empty() ? s.status().message() : issues[0].ToString());
  ASSERT_EQ(c.snapshots.size(), 1u);
  EXPECT_EQ(c.snapshots[0].kind, "albums");
  EXPECT_EQ(c.snapshots[0].genre, "14");
  EXPECT_EQ(c.snapshots[0].country, "GB");
  EXPECT_EQ(c.snapshots[0].taken_from, "file name");
  EXPECT_EQ(FormatTimestamp(c.snapshots[0].taken), "2024-01-05T10:30:00Z");
  // No time in the name either: the file's modification time, said.
  const std::string g = d.Write("gb.json", ItunesFeed("gb", "", ItunesEntry("A", "B", "1")));
  Collect c2;
  ASSERT_TRUE(StreamStoreFeed(g, {}, &c2, &issues).ok());
  EXPECT_EQ(c2.snapshots[0].taken_from, "file mtime");
}

TEST(StoreFeed, MarketingToolsSnapshot) {
  Dir d("mt");
  const std::string f = d.Write(
      "feed.json.gz.txt",
      R"~({"feed":{"title":"Top Songs","id":"https://rss.applemarketingtools.com/api/v2/kr/music/most-played/10/songs.json",)~"
      R"~("author":{"name":"Apple","url":"https://www.apple.com/"},"links":[{"self":"https://rss.applemarketingtools.com/api/v2/kr/music/most-played/10/songs.json"}],)~"
      R"~("copyright":"c","country":"kr","updated":"Fri, 4 Sep 2026 17:12:25 +0000","results":[)~"
      R"~({"artistName":"Jung Kook","id":"111","name":"Seven (feat. Latto)","kind":"songs"},)~"
      "\n"
      R"~({"artistName":"","id":"5","name":"X","kind":"songs"},{"artistName":"NewJeans","id":"7","name":"Super Shy","kind":"songs"}]}})~");
  Collect c;
  std::vector<ChartIssue> issues;
  auto s = StreamStoreFeed(f, {}, &c, &issues);
  ASSERT_TRUE(s.ok()) << (issues.empty() ? s.status().message() : issues[0].ToString());
  EXPECT_EQ(s->layout, FeedLayout::kMarketingTools);
  ASSERT_EQ(c.snapshots.size(), 1u);
  EXPECT_EQ(c.snapshots[0].store, "apple-music");
  EXPECT_EQ(c.snapshots[0].country, "KR");
  EXPECT_EQ(FormatTimestamp(c.snapshots[0].taken), "2026-09-04T17:12:25Z");
  ASSERT_EQ(c.snapshots[0].entries.size(), 2u);
  EXPECT_EQ(c.snapshots[0].entries[1].position, 3);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].reason, "entry 2: no artist");
  EXPECT_EQ(c.rejects[0].line, 2u);
}

TEST(StoreFeed, FeedsThatCannotBeToldFailWithTheReason) {
  Dir d("bad");
  std::vector<ChartIssue> issues;
  Collect c;
  // A podcast feed is not a chart of songs.
  std::string pods = ItunesFeed("us", "2023-07-13T21:30:00-07:00", ItunesEntry("A", "B", "1"),
                                "toppodcasts");
  EXPECT_FALSE(StreamStoreFeed(d.Write("p.json", pods), {}, &c, &issues).ok());
  ASSERT_FALSE(issues.empty());
  EXPECT_NE(issues.back().reason.find("toppodcasts"), std::string::npos);
  // No id, no title: the store is not told, unless --chart says it.
  const std::string anon =
      R"({"feed":{"updated":"2024-01-01T00:00:00Z","results":[{"name":"A","artistName":"B"}]}})";
  const std::string f = d.Write("anon.json", anon);
  EXPECT_FALSE(StreamStoreFeed(f, {}, &c, &issues).ok());
  EXPECT_NE(issues.back().reason.find("--chart"), std::string::npos);
  FeedReadOptions o;
  o.chart = "apple-music-songs-de";
  Collect c2;
  ASSERT_TRUE(StreamStoreFeed(f, o, &c2, &issues).ok());
  EXPECT_EQ(c2.snapshots[0].country, "DE");
  EXPECT_EQ(c2.snapshots[0].store, "apple-music");
  // A bad time, a bad country, deep nesting, JSON cut short: each fails, never crashes.
  EXPECT_FALSE(StreamStoreFeed(d.Write("t.json", ItunesFeed("us", "yesterday", ItunesEntry("A", "B", "1"))), {}, &c, &issues).ok());
  EXPECT_FALSE(StreamStoreFeed(d.Write("c.json", ItunesFeed("xq", "2023-07-13T21:30:00Z", ItunesEntry("A", "B", "1"))), {}, &c, &issues).ok());
  EXPECT_FALSE(StreamStoreFeed(d.Write("n.json", "{\"feed\":" + std::string(100, '[')), {}, &c, &issues).ok());
  EXPECT_FALSE(StreamStoreFeed(d.Write("cut.json", pods.substr(0, 200)), {}, &c, &issues).ok());
}

TEST(StoreFeed, Times) {
  EXPECT_EQ(FormatTimestamp(*ParseFeedTime("2019-05-27T01:42:09.000-07:00")), "2019-05-27T08:42:09Z");
  EXPECT_EQ(FormatTimestamp(*ParseFeedTime("Thu, 30 May 2024 16:48:02 +0000")), "2024-05-30T16:48:02Z");
  EXPECT_EQ(FormatTimestamp(*ParseFeedTime("30 May 2024 16:48:02 GMT")), "2024-05-30T16:48:02Z");
  EXPECT_EQ(FormatTimestamp(*ParseFeedTime("Fri, 4 Sep 2026 7:12:25 -0130")), "2026-09-04T08:42:25Z");
  EXPECT_FALSE(ParseFeedTime("Fri, 31 Feb 2026 17:12:25 +0000"));
  EXPECT_FALSE(ParseFeedTime("Fri, 4 Sep 2026 17:12 +0000 x"));
  EXPECT_EQ(FormatTimestamp(*TimestampOfFileName("a/us_20230714T043000Z.json")), "2023-07-14T04:30:00Z");
  EXPECT_EQ(FormatTimestamp(*TimestampOfFileName("us-2023-07-14_04-30.json")), "2023-07-14T04:30:00Z");
  EXPECT_EQ(FormatTimestamp(*TimestampOfFileName("us-20230714-0430.json.zst")), "2023-07-14T04:30:00Z");
  EXPECT_FALSE(TimestampOfFileName("us-2023-07-14.json"));
  EXPECT_FALSE(TimestampOfFileName("us-2023-13-14T04-30.json"));
  EXPECT_EQ(*ParseHours("2.5h"), 9000);
  EXPECT_EQ(*ParseHours("2h30m"), 9000);
  EXPECT_EQ(*ParseHours("150min"), 9000);
  EXPECT_EQ(*ParseHours("2.5"), 9000);
  EXPECT_FALSE(ParseHours("0h"));
  EXPECT_FALSE(ParseHours("soon"));
}

TEST(NumberOnes, ReaderStripsHtmlAndRejectsBadEntries) {
  Dir d("list");
  const std::string f = d.Write("uk-number-ones.json", R"(var data = [
    {"number": "1", "artist": "<a href=\"/wiki/Bill_Haley_%26_His_Comets\">Bill Haley &amp; His Comets</a>",
     "song": "\"<a href=\"/wiki/X\">Rock Around the Clock</a>\"", "date": "25 November 1955", "woc": "3", "appearances": [0]},
    {"number": "2", "artist": "<a href=\"/wiki/E\">The Everly Brothers</a>",
     "song": "\"<a href=\"/wiki/A\">All I Have to Do Is Dream</a>\" / \"<a href=\"/wiki/C\">Claudette</a>\"", "date": "16 December 1955", "woc": "2x"},
    {"number": "3", "artist": "Shakin&#39; Stevens", "song": "\"Green Door\"", "date": "31 Febtember 1955", "woc": "1"},
    {"number": "re", "artist": "Nobody", "song": "\"Gone\"", "date": "30 December 1955", "woc": "many"},
    {"number": "4", "artist": "Caf&#xE9; Tacvba", "song": "\"Eres\"", "date": "30 Dec 1955", "woc": "1"}
  ];)");
  EXPECT_EQ(SniffJsonFile(f), JsonKind::kNumberOnes);
  std::vector<ChartIssue> issues;
  auto list = ReadNumberOnesList(f, "", &issues);
  ASSERT_TRUE(list.ok()) << (issues.empty() ? list.status().message() : issues[0].ToString());
  EXPECT_EQ(list->chart, "uk-singles");
  ASSERT_EQ(list->entries.size(), 3u);
  EXPECT_EQ(list->entries[0].artist, "Bill Haley & His Comets");
  EXPECT_EQ(list->entries[0].title, "Rock Around the Clock");
  EXPECT_EQ(FormatDate(list->entries[0].date), "1955-11-25");
  EXPECT_EQ(list->entries[1].title, "All I Have to Do Is Dream / Claudette");
  EXPECT_EQ(list->entries[1].weeks, 2);
  EXPECT_TRUE(list->entries[1].shared);
  EXPECT_EQ(list->entries[2].artist, "Caf\xC3\xA9 Tacvba");
  ASSERT_EQ(list->rejects.size(), 2u);
  EXPECT_EQ(list->rejects[0].line, 6u);  // the line its object ends on
  EXPECT_NE(list->rejects[0].reason.find("entry 3: the date"), std::string::npos);
  EXPECT_NE(list->rejects[1].reason.find("entry 4: weeks at No. 1 'many'"), std::string::npos);
  EXPECT_EQ(HtmlText("a<b>b</b>&nbsp;&quot;c&quot; &bogus; &#0;"), "ab \"c\" &bogus; \xEF\xBF\xBD");
  const ListCheck c = CheckNumberOnesList(*list);
  EXPECT_EQ(c.weeks, 6);
  EXPECT_EQ(c.shared, 1u);
  EXPECT_EQ(c.gaps_agree, 2u);  // 25 Nov + 3 weeks = 16 Dec, + 2 weeks = 30 Dec
  EXPECT_TRUE(c.findings.empty());
  // A run one week short of the next date, a date out of order, a joint No. 1, a moved day.
  NumberOnesList l2 = *list;
  l2.entries[0].weeks = 2;
  l2.entries[1].shared = false;
  ListCheck c2 = CheckNumberOnesList(l2);
  ASSERT_EQ(c2.findings.size(), 1u);
  EXPECT_EQ(c2.findings[0].cls, "weeks and dates disagree");
  l2.entries[1].shared = true;
  EXPECT_EQ(CheckNumberOnesList(l2).findings[0].cls, "joint No. 1");
  l2.entries[1].shared = false;
  l2.entries[1].date += 1;
  EXPECT_EQ(CheckNumberOnesList(l2).findings[0].cls, "chart day moved");
  l2.entries[2].date = l2.entries[0].date;
  EXPECT_EQ(CheckNumberOnesList(l2).findings.back().cls, "date order");
}

ChartEdition Ed(const std::string& date, const std::vector<std::pair<std::string, std::string>>& top) {
  ChartEdition ed;
  ed.chart = "uk-singles";
  ed.date = *ParseDate(date);
  int p = 0;
  for (const auto& [artist, title] : top) {
    ChartEntry e;
    e.position = ++p;
    e.artist = artist;
    e.title = title;
    ed.entries.push_back(e);
  }
  return ed;
}

TEST(NumberOnes, ComparedWithTheChart) {
  NumberOnesList list;
  list.chart = "uk-singles";
  auto add = [&](const std::string& artist, const std::string& title, const std::string& date,
                 int weeks) {
    NumberOne n;
    n.artist = artist;
    n.title = title;
    n.date = *ParseDate(date);
    n.weeks = weeks;
    n.song = SongKey(artist, title);
    list.entries.push_back(n);
  };
  add("Early", "Before", "2024-12-13", 3);        // 2 weeks before the chart's data
  add("Ann", "Alpha", "2025-01-03", 2);           // agrees
  add("Bob", "Beta", "2025-01-17", 3);            // the chart lacks an edition in the run
  add("Cy", "Gamma", "2025-02-07", 1);            // the chart has another No. 1
  add("Dee", "Delta", "2025-02-14", 2);           // the chart counts it a week longer
  // The chart's editions are dated a day later (a Saturday), within the list's weeks.
  std::vector<ChartEdition> eds = {
      Ed("2024-12-28", {{"EARLY", "BEFORE"}}), Ed("2025-01-04", {{"ANN", "ALPHA"}}),
      Ed("2025-01-11", {{"Ann", "Alpha"}}),    Ed("2025-01-18", {{"Bob", "Beta"}}),
      Ed("2025-02-01", {{"Bob", "Beta"}}),     Ed("2025-02-08", {{"Zed", "Omega"}}),
      Ed("2025-02-15", {{"Dee", "Delta"}}),    Ed("2025-02-22", {{"Dee", "Delta"}})};
  NumberOnesReport r = CompareNumberOnes(list, eds);
  ASSERT_TRUE(r.overlap);
  EXPECT_EQ(FormatDate(r.overlap_from), "2024-12-28");
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_TRUE(r.rows[0].agree);
  EXPECT_NE(r.rows[0].cause.find("2 of its 3 weeks are outside"), std::string::npos);
  EXPECT_TRUE(r.rows[1].agree);
  EXPECT_EQ(r.rows[1].chart_weeks, 2);
  EXPECT_FALSE(r.rows[2].agree);
  EXPECT_EQ(r.rows[2].chart_weeks, 2);
  EXPECT_NE(r.rows[2].cause.find("lacks 1 edition"), std::string::npos);
  EXPECT_FALSE(r.rows[3].agree);
  EXPECT_NE(r.rows[3].cause.find("Zed - Omega"), std::string::npos);
  EXPECT_TRUE(r.rows[4].agree);  // 2 weeks, the data ends with its run
  EXPECT_EQ(r.agree, 3u);
  ASSERT_EQ(r.chart_only.size(), 1u);
  EXPECT_EQ(r.chart_only[0].second, "Zed - Omega");
  // No overlap: said, nothing compared.
  NumberOnesReport none = CompareNumberOnes(list, {Ed("2026-01-02", {{"A", "B"}})});
  EXPECT_FALSE(none.overlap);
  EXPECT_TRUE(none.rows.empty());
}

TEST(StoreTops, FirstNo1PerCountryWithinTheWindow) {
  Dir d("tops");
  auto feeds = OpenStoreFeeds(d.path(), true);
  ASSERT_TRUE(feeds.ok());
  auto snap = [](const std::string& country, const std::string& ts,
                 std::vector<std::pair<std::string, std::string>> songs) {
    StoreSnapshot s;
    s.store = "itunes";
    s.kind = "songs";
    s.country = country;
    s.taken = *ParseTimestamp(ts);
    s.taken_from = "feed";
    int p = 0;
    for (const auto& [artist, title] : songs) {
      SnapshotEntry e;
      e.position = ++p;
      e.artist = artist;
      e.title = title;
      e.id = title == "Seven (feat. Latto)" || title == "Seven" ? "111" : "";
      e.song = SongKey(artist, title);
      s.entries.push_back(e);
    }
    return s;
  };
  auto import = (*feeds)->Begin("f1", "fixture", false);
  ASSERT_TRUE(import.ok());
  const std::pair<std::string, std::string> seven{"Jung Kook", "Seven (feat. Latto)"},
      other{"Olivia Rodrigo", "vampire"}, renamed{"JK", "Seven"};
  for (const auto& s : {snap("US", "2023-07-14T04:00:00Z", {other}),
                        snap("US", "2023-07-14T04:10:00Z", {other, seven}),  // first listed
                        snap("US", "2023-07-14T05:10:00Z", {seven, other}),  // 1:00
                        snap("GB", "2023-07-14T05:10:00Z", {renamed}),       // by id: 1:00, tied
                        snap("DE", "2023-07-14T06:40:00Z", {seven}),         // 2:30: within
                        snap("FR", "2023-07-14T06:41:00Z", {seven}),         // beyond 2.5 h
                        snap("JP", "2023-07-13T00:00:00Z", {seven})}) {      // before the start
    ASSERT_TRUE((*import)->Add(s).ok());
  }
  ASSERT_TRUE((*import)->Add(snap("US", "2023-07-14T05:10:00Z", {seven, other})).ok());  // same
  auto report = (*import)->Commit();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->snapshots, 7u);
  EXPECT_EQ(report->same, 1u);
  StoreTopsOptions o;
  o.within = 9000;
  auto r = StoreTops(**feeds, nullptr, "Jung Kook - Seven", o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // JP's snapshot of the day before is the first listing: the start.
  EXPECT_EQ(FormatTimestamp(r->start), "2023-07-13T00:00:00Z");
  o.from = *ParseTimestamp("2023-07-14T04:10:00Z");
  r = StoreTops(**feeds, nullptr, "Jung Kook - Seven", o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->tops.size(), 4u);
  EXPECT_EQ(r->tops[0].country, "GB");
  EXPECT_EQ(r->tops[0].after, 3600);
  EXPECT_EQ(r->tops[1].country, "US");
  EXPECT_EQ(r->tops[1].before_position, 2);
  EXPECT_EQ(FormatTimestamp(r->tops[1].before), "2023-07-14T04:10:00Z");
  EXPECT_EQ(r->tops[2].country, "DE");
  EXPECT_EQ(r->CountWithin(9000), 3u);
  EXPECT_EQ(r->countries_seen, 3u);  // US GB DE; FR (a minute late) and JP have none within
  EXPECT_EQ(r->not_seen, (std::vector<std::string>{"FR", "JP"}));
  EXPECT_EQ(r->ids, std::vector<std::string>{"111"});
  EXPECT_EQ(StoreTops(**feeds, nullptr, "Nobody - Nothing", o).status().code(),
            StatusCode::kNotFound);
}

TEST(NumberOnes, RealUkList) {
  ENCORE_REQUIRE_SHARED_DATA(path, "uk/uk-number-ones.json");
  std::vector<ChartIssue> issues;
  auto list = ReadNumberOnesList(path.string(), "", &issues);
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(list->entries.size(), 1491u);
  EXPECT_TRUE(list->rejects.empty());
  const ListCheck c = CheckNumberOnesList(*list);
  EXPECT_EQ(c.weeks, 3717);
  EXPECT_EQ(c.reentries, 71u);
  EXPECT_EQ(c.gaps_agree, 1479u);
  EXPECT_EQ(c.findings.size(), 11u);
  EXPECT_EQ(list->entries[0].title, "Here in My Heart");
  EXPECT_EQ(list->entries[0].artist, "Al Martino");
}

}  // namespace
}  // namespace encore
