// Listeners end to end: `encore listeners` (series and boards) against SQLite's
// COUNT(DISTINCT service, user) over the same raw plays, for random entities of every kind,
// every window, worldwide, per country and per service, with personas and groups rolled up;
// listener sets built over several commits (one day's plays in three files, two services).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "sql_util.h"
#include "test_util.h"

namespace encore::test {
namespace {

using nlohmann::json;

std::vector<std::string> SplitLine(const std::string& line, char sep) {
  std::vector<std::string> f;
  std::stringstream in(line);
  std::string x;
  while (std::getline(in, x, sep)) f.push_back(x);
  if (!line.empty() && line.back() == sep) f.emplace_back();
  return f;
}

class ListenersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("listeners");
    const std::string d = dir_->path();
    store_ = " --store " + Quote(d + "/s");
    ASSERT_EQ(RunEncore("simulate --world demo --plays 60000 --days 45 --users 1500 --user-skew 1 "
                        "--start 2024-03-10 --out " + Quote(d + "/p.csv"))
                  .code,
              0);
    every_play_store_ = " --store " + Quote(d + "/every");
    for (const std::string& store : {store_, every_play_store_}) {
      ASSERT_EQ(RunEncore("catalog import " +
                          Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo") + store)
                    .code,
                0);
    }
    // The log in three files: every third line each. The first two are one service's, so that
    // their days' listener sets are unions over commits; the third another service's, whose
    // users are other listeners though their ids are the same.
    std::istringstream in(ReadText(d + "/p.csv"));
    std::string header, line;
    std::getline(in, header);
    std::string part[3] = {header + "\n", header + "\n", header + "\n"};
    sql_ = new Sql();
    sql_->Exec(
        "CREATE TABLE plays(service TEXT, user TEXT, track TEXT, ms INTEGER, country TEXT, "
        "day TEXT)");
    std::vector<std::vector<std::string>> rows;
    for (size_t n = 0; std::getline(in, line); ++n) {
      part[n % 3] += line + "\n";
      const auto f = SplitLine(line, ',');
      ASSERT_EQ(f.size(), 6u) << line;
      rows.push_back({n % 3 == 2 ? "apple" : "spotify", f[1], f[2], f[3], f[4], f[0]});
    }
    sql_->Insert("plays", rows, 6);
    // The UTC day of each play (SQLite's date() takes the offsets the log carries).
    sql_->Exec("UPDATE plays SET day = date(day)");
    // The same plays also into a store whose listeners are the users of every play, however
    // short (--listeners plays).
    for (int i = 0; i < 3; ++i) {
      const std::string file = d + "/part" + std::to_string(i) + ".csv";
      WriteText(file, part[i]);
      const std::string service = i == 2 ? "apple" : "spotify";
      RunResult r = RunEncore("ingest --no-progress --seal-lag -1 --service " + service + " " +
                              Quote(file) + store_);
      ASSERT_EQ(r.code, 0) << r.err;
      ASSERT_NE(r.out.find("rejected lines 0"), std::string::npos) << r.out;
      r = RunEncore("ingest --no-progress --no-records --listeners plays --seal-lag -1 --service " +
                    service + " " + Quote(file) + every_play_store_);
      ASSERT_EQ(r.code, 0) << r.err;
    }
    // The catalog: each track's release and credits, and the roll-ups.
    const std::string demo = std::string(ENCORE_SOURCE_DIR) + "/catalog/demo/";
    sql_->Exec(
        "CREATE TABLE track(id TEXT, release TEXT); CREATE TABLE credit(track TEXT, artist TEXT);"
        "CREATE TABLE artist(id TEXT, person TEXT, grp TEXT)");
    std::vector<std::vector<std::string>> tracks, credits, artists;
    std::istringstream tr(ReadText(demo + "tracks.csv"));
    std::getline(tr, line);
    while (std::getline(tr, line)) {
      const auto f = SplitLine(line, ',');
      tracks.push_back({f[0], f[3]});
      for (size_t col : {5u, 6u}) {
        if (col >= f.size()) continue;
        for (const auto& id : SplitLine(f[col], ';')) {
          if (!id.empty()) credits.push_back({f[0], id});
        }
      }
    }
    std::istringstream ar(ReadText(demo + "artists.csv"));
    std::getline(ar, line);
    while (std::getline(ar, line)) {
      const auto f = SplitLine(line, ',');
      const std::string member = f.size() > 5 ? f[5].substr(0, f[5].find('@')) : "";
      artists.push_back({f[0], f.size() > 6 ? f[6] : "", member});
    }
    sql_->Insert("track", tracks, 2);
    sql_->Insert("credit", credits, 2);
    sql_->Insert("artist", artists, 3);
    // Streams only (30 s or more), with every entity each counts for.
    sql_->Exec(
        "CREATE VIEW s AS SELECT service || '/' || user AS who, track, country, day FROM plays "
        "WHERE ms >= 30000;"
        "CREATE VIEW every_play AS SELECT service || '/' || user AS who, track, country, day "
        "FROM plays;"
        "CREATE VIEW of_track AS SELECT DISTINCT track AS id, track FROM s;"
        "CREATE VIEW of_release AS SELECT DISTINCT t.release AS id, t.id AS track FROM track t;"
        "CREATE VIEW of_artist AS SELECT artist AS id, track FROM credit;"
        // Personas count for their person; a group also for its members' (and their personas')
        // credits.
        "CREATE VIEW of_artist_person AS SELECT artist AS id, track FROM credit UNION "
        "SELECT a.person, c.track FROM credit c JOIN artist a ON a.id = c.artist WHERE a.person "
        "<> '';"
        "CREATE VIEW of_artist_group AS SELECT artist AS id, track FROM credit UNION "
        "SELECT g.grp, c.track FROM credit c JOIN artist a ON a.id = c.artist JOIN artist g ON "
        "g.id = (CASE WHEN a.person <> '' THEN a.person ELSE a.id END) WHERE g.grp <> ''");
  }
  static void TearDownTestSuite() {
    delete sql_;
    delete dir_;
  }

  // COUNT(DISTINCT listener) of an entity over from..to.
  static std::string Want(const std::string& view, const std::string& id, const std::string& from,
                          const std::string& to, const std::string& where) {
    const auto r = sql_->Query("SELECT COUNT(DISTINCT who) FROM s JOIN " + view +
                               " e ON e.track = s.track WHERE e.id = '" + id + "' AND s.day BETWEEN '" +
                               from + "' AND '" + to + "'" + where);
    return r.at(0).at(0);
  }

  static TempDir* dir_;
  static Sql* sql_;
  static std::string store_;
  static std::string every_play_store_;
};

TempDir* ListenersTest::dir_ = nullptr;
Sql* ListenersTest::sql_ = nullptr;
std::string ListenersTest::store_;
std::string ListenersTest::every_play_store_;

// --listeners plays: a listener is a user with any play, however short; the streams are the same.
TEST_F(ListenersTest, EveryPlaysUsersAreListenersUnderThatRule) {
  const auto shorter = sql_->Query("SELECT COUNT(*) FROM plays WHERE ms < 30000");
  ASSERT_GT(std::stoll(shorter.at(0).at(0)), 1000) << "the log has short plays to count";
  struct Case {
    std::string args, view, from, to;
  };
  const Case cases[] = {
      {"--kind artist --window 28d --date 2024-04-20", "of_artist", "2024-03-24", "2024-04-20"},
      {"--kind track --window day --date 2024-04-10", "of_track", "2024-04-10", "2024-04-10"},
      {"--kind artist --rollup group --window month --date 2024-03-31", "of_artist_group",
       "2024-03-01", "2024-03-31"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    for (const bool every : {true, false}) {
      RunResult r = RunEncore("listeners " + c.args + " --top 100000 --format json" +
                              (every ? every_play_store_ : store_));
      ASSERT_EQ(r.code, 0) << r.err;
      std::map<std::string, std::string> got, want;
      const json j = json::parse(r.out);
      for (const auto& s : j["standings"]) {
        got[s["id"]] = std::to_string(s["listeners"].get<uint64_t>());
      }
      const std::string view = c.view == "of_track"
                                   ? std::string(every ? "(SELECT DISTINCT track AS id, track FROM "
                                                         "every_play)"
                                                       : "of_track")
                                   : c.view;
      for (const auto& row : sql_->Query("SELECT e.id, COUNT(DISTINCT who) FROM " +
                                         std::string(every ? "every_play" : "s") + " p JOIN " +
                                         view + " e ON e.track = p.track WHERE p.day BETWEEN '" +
                                         c.from + "' AND '" + c.to + "' GROUP BY e.id")) {
        want[row[0]] = row[1];
      }
      EXPECT_GT(want.size(), 3u);
      EXPECT_EQ(got, want) << (every ? "every play" : "streams");
    }
  }
  // The streams do not change with the listener rule.
  const std::string streams = "export daily";
  RunResult a = RunEncore(streams + store_), b = RunEncore(streams + every_play_store_);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  // The rule is the store's: said by status, and fixed.
  RunResult st = RunEncore("status" + every_play_store_);
  EXPECT_NE(st.out.find("a listener is a user with any play"), std::string::npos) << st.out;
  RunResult change = RunEncore("ingest --no-progress --listeners streams " +
                               Quote(dir_->path() + "/part0.csv") + every_play_store_);
  EXPECT_NE(change.code, 0);
  EXPECT_NE(change.err.find("cannot change"), std::string::npos) << change.err;
  // A personal history's short plays too (a play's listener, not kept as a stream of it).
  const std::string history = dir_->path() + "/Streaming_History_Audio_2024.json";
  WriteText(history,
            R"([{"ts":"2024-03-01T10:00:10Z","ms_played":10000,"conn_country":"KR",)"
            R"("master_metadata_track_name":"Seven","master_metadata_album_artist_name":"Jung Kook",)"
            R"("spotify_track_uri":"spotify:track:a","episode_name":null,"audiobook_title":null},)"
            R"({"ts":"2024-03-01T11:00:10Z","ms_played":100000,"conn_country":"KR",)"
            R"("master_metadata_track_name":"3D","master_metadata_album_artist_name":"Jung Kook",)"
            R"("spotify_track_uri":"spotify:track:b","episode_name":null,"audiobook_title":null}])");
  // A re-export of it (other bytes, the same plays).
  WriteText(dir_->path() + "/Streaming_History_Audio_2024-1.json", ReadText(history) + "\n\n");
  for (const std::string rule : {"plays", "streams"}) {
    const std::string store = " --store " + Quote(dir_->path() + "/history-" + rule);
    RunResult in = RunEncore("ingest --no-progress --no-records --user me --listeners " + rule + " " +
                             Quote(history) + store);
    ASSERT_EQ(in.code, 0) << in.err;
    // The re-export: the short play adds no second listener, the stream no second stream.
    in = RunEncore("ingest --no-progress --no-records --user me " +
                   Quote(dir_->path() + "/Streaming_History_Audio_2024-1.json") + store);
    ASSERT_EQ(in.code, 0) << in.err;
    RunResult board = RunEncore("listeners --kind track --window day --date 2024-03-01 --format json" +
                                store);
    ASSERT_EQ(board.code, 0) << board.err;
    const json j = json::parse(board.out);
    ASSERT_EQ(j["standings"].size(), rule == "plays" ? 2u : 1u) << board.out;
    for (const auto& x : j["standings"]) EXPECT_EQ(x["listeners"], 1) << board.out;
    RunResult daily = RunEncore("export daily" + store);
    EXPECT_EQ(std::count(daily.out.begin(), daily.out.end(), '\n'), 2) << daily.out;
  }
  // A day of short plays only keeps its listeners (its day holds no streams, only a set).
  const std::string gap = dir_->path() + "/gap.csv";
  WriteText(gap,
            "ts,user,track,ms_played,country,tier\n2024-05-01T10:00:00Z,a,T1,40000,US,premium\n"
            "2024-05-02T10:00:00Z,b,T1,1000,US,premium\n2024-05-02T11:00:00Z,c,T1,2000,US,premium\n"
            "2024-05-03T10:00:00Z,a,T1,40000,US,premium\n");
  const std::string gap_store = " --store " + Quote(dir_->path() + "/gap");
  ASSERT_EQ(RunEncore("ingest --no-progress --no-records --listeners plays " + Quote(gap) + gap_store).code, 0);
  RunResult days = RunEncore("listeners T1 --kind track --window day --format csv" + gap_store);
  EXPECT_EQ(days.out,
            "date,from,listeners,days_without_sets\n2024-05-01,2024-05-01,1,0\n"
            "2024-05-02,2024-05-02,2,0\n2024-05-03,2024-05-03,1,0\n");
  RunResult week = RunEncore("listeners T1 --kind track --window 7d --from 2024-05-03 --to 2024-05-03 "
                             "--format csv" + gap_store);
  EXPECT_EQ(week.out, "date,from,listeners,days_without_sets\n2024-05-03,2024-04-27,3,0\n");
  RunResult bad = RunEncore("ingest --no-progress --listeners all " +
                            Quote(dir_->path() + "/part0.csv") + " --store " +
                            Quote(dir_->path() + "/never"));
  EXPECT_EQ(bad.code, 2) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir_->path() + "/never/MANIFEST"));
}

TEST_F(ListenersTest, SeriesEqualCountDistinctForRandomEntitiesWindowsAndCountries) {
  std::mt19937 rng(17);
  struct Kind {
    const char* kind;
    const char* view;
    const char* rollup;
  };
  const Kind kinds[] = {{"track", "of_track", "none"},
                        {"release", "of_release", "none"},
                        {"artist", "of_artist", "none"},
                        {"artist", "of_artist_person", "person"},
                        {"artist", "of_artist_group", "group"}};
  const char* windows[] = {"day", "7d", "28d", "month", "year"};
  const char* countries[] = {"", "KR", "US", "BR"};
  const char* services[] = {"", "spotify", "apple"};
  size_t points = 0;
  for (const Kind& k : kinds) {
    // Entities with streams, in SQL's own order: a few picked at random, the busiest first.
    auto ids = sql_->Query(std::string("SELECT e.id FROM s JOIN ") + k.view +
                           " e ON e.track = s.track GROUP BY e.id ORDER BY COUNT(*) DESC, e.id");
    ASSERT_GE(ids.size(), 3u) << k.view;
    std::vector<std::string> picked = {ids[0][0]};
    for (int i = 0; i < 2; ++i) picked.push_back(ids[rng() % ids.size()][0]);
    if (std::string(k.rollup) == "group") picked = {"bts", "blackpink", ids[rng() % ids.size()][0]};
    if (std::string(k.rollup) == "person") picked = {"suga", ids[rng() % ids.size()][0]};
    for (const auto& id : picked) {
      const std::string window = windows[rng() % 5];
      const std::string country = countries[rng() % 4];
      const std::string service = services[rng() % 3];
      SCOPED_TRACE(std::string(k.view) + " " + id + " " + window + " " + country + " " + service);
      RunResult r = RunEncore("listeners " + Quote(id) + " --kind " + k.kind + " --rollup " +
                              k.rollup + " --window " + window + " --from 2024-03-12 --to 2024-04-30" +
                              (country.empty() ? "" : " --country " + country) +
                              (service.empty() ? "" : " --service " + service) + " --format json" +
                              store_);
      ASSERT_EQ(r.code, 0) << r.err;
      const json j = json::parse(r.out);
      const std::string where = (country.empty() ? "" : " AND s.country = '" + country + "'") +
                                (service.empty() ? "" : " AND s.who LIKE '" + service + "/%'");
      ASSERT_FALSE(j["points"].empty());
      for (const auto& p : j["points"]) {
        EXPECT_EQ(std::to_string(p["listeners"].get<uint64_t>()),
                  Want(k.view, id, p["from"], p["date"], where))
            << p.dump();
        ++points;
      }
    }
  }
  EXPECT_GT(points, 200u);
}

TEST_F(ListenersTest, BoardsEqualCountDistinctWithTheDayBefore) {
  struct Case {
    std::string args, view, from, to, before_from, before_to, where;
  };
  const Case cases[] = {
      {"--kind artist --window 28d --date 2024-04-20", "of_artist", "2024-03-24", "2024-04-20",
       "2024-03-23", "2024-04-19", ""},
      {"--kind artist --rollup group --window 7d --date 2024-04-02 --country KR", "of_artist_group",
       "2024-03-27", "2024-04-02", "2024-03-26", "2024-04-01", " AND s.country = 'KR'"},
      {"--kind track --window month --date 2024-04-01 --service apple", "of_track", "2024-04-01",
       "2024-04-01", "2024-03-01", "2024-03-31", " AND s.who LIKE 'apple/%'"},
      {"--kind release --window day --date 2024-04-10", "of_release", "2024-04-10", "2024-04-10",
       "2024-04-09", "2024-04-09", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    RunResult r = RunEncore("listeners " + c.args + " --top 100000 --format json" + store_);
    ASSERT_EQ(r.code, 0) << r.err;
    const json j = json::parse(r.out);
    auto count = [&](const std::string& from, const std::string& to) {
      std::map<std::string, std::string> m;
      for (const auto& row : sql_->Query("SELECT e.id, COUNT(DISTINCT who) FROM s JOIN " + c.view +
                                         " e ON e.track = s.track WHERE s.day BETWEEN '" + from +
                                         "' AND '" + to + "'" + c.where + " GROUP BY e.id")) {
        m[row[0]] = row[1];
      }
      return m;
    };
    const auto now = count(c.from, c.to), before = count(c.before_from, c.before_to);
    std::map<std::string, std::string> got_now, got_before;
    for (const auto& s : j["standings"]) {
      const std::string id = s["id"];
      got_now[id] = std::to_string(s["listeners"].get<uint64_t>());
      if (s["before"].get<uint64_t>() > 0 || before.count(id)) {
        got_before[id] = std::to_string(s["before"].get<uint64_t>());
      }
    }
    EXPECT_GT(now.size(), 3u);
    EXPECT_EQ(got_now, now);
    // The day before, for the entities on today's board.
    std::map<std::string, std::string> want_before;
    for (const auto& [id, n] : before) {
      if (now.count(id)) want_before[id] = n;
    }
    EXPECT_EQ(got_before, want_before);
    if (&c != &cases[0]) continue;
    // The peak: the most listeners in a 28-day window ending on any day to the board's, and the
    // first day of it.
    std::map<std::string, std::pair<std::string, std::string>> want_peak, got_peak;
    for (const auto& row : sql_->Query(
             "WITH RECURSIVE d(day) AS (SELECT MIN(day) FROM s UNION ALL SELECT date(day, '+1 "
             "day') FROM d WHERE day < '" + c.to + "'), w AS (SELECT d.day AS end_day, e.id, "
             "COUNT(DISTINCT s.who) AS n FROM d JOIN s ON s.day BETWEEN date(d.day, '-27 days') "
             "AND d.day JOIN " + c.view + " e ON e.track = s.track GROUP BY d.day, e.id) "
             "SELECT id, n, MIN(end_day) FROM w WHERE (id, n) IN (SELECT id, MAX(n) FROM w GROUP "
             "BY id) GROUP BY id")) {
      if (now.count(row[0])) want_peak[row[0]] = {row[1], row[2]};
    }
    for (const auto& x : j["standings"]) {
      got_peak[x["id"]] = {std::to_string(x["peak"].get<uint64_t>()), x["peak_date"]};
    }
    EXPECT_EQ(got_peak, want_peak);
  }
}

// Every day's 28-day listeners of each artist, from the first day of plays to `to`, in SQL.
std::string DailyWindows(const std::string& view, const std::string& to) {
  return "WITH RECURSIVE d(day) AS (SELECT MIN(day) FROM s UNION ALL SELECT date(day, '+1 day') "
         "FROM d WHERE day < '" + to + "'), w AS (SELECT d.day AS end_day, e.id, COUNT(DISTINCT "
         "s.who) AS n FROM d JOIN s ON s.day BETWEEN date(d.day, '-27 days') AND d.day JOIN " +
         view + " e ON e.track = s.track GROUP BY d.day, e.id) ";
}

TEST_F(ListenersTest, MilestonesAndTheFirstToNEqualSql) {
  // Who first had 300 monthly listeners, and when.
  RunResult r = RunEncore("listeners --reached 300 --top 1000 --date 2024-04-20 --format json" + store_);
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(r.out);
  std::set<std::vector<std::string>> got, want;
  for (const auto& x : j["standings"]) {
    got.insert({x["id"].get<std::string>(), x["date"].get<std::string>()});
  }
  for (const auto& row : sql_->Query(DailyWindows("of_artist", "2024-04-20") +
                                     "SELECT id, MIN(end_day) FROM w WHERE n >= 300 GROUP BY id")) {
    want.insert(row);
  }
  EXPECT_GE(want.size(), 3u);
  EXPECT_EQ(got, want);
  // One artist's milestones every 100 monthly listeners.
  r = RunEncore("listeners jungkook --milestones 100 --to 2024-04-20 --format json" + store_);
  ASSERT_EQ(r.code, 0) << r.err;
  const json m = json::parse(r.out);
  std::vector<std::vector<std::string>> got_m;
  for (const auto& x : m["milestones"]) {
    got_m.push_back({std::to_string(x["threshold"].get<uint64_t>()), x["date"].get<std::string>()});
  }
  const auto want_m = sql_->Query(
      DailyWindows("of_artist", "2024-04-20") +
      ", k(t) AS (SELECT 100 UNION ALL SELECT t + 100 FROM k WHERE t < (SELECT MAX(n) FROM w "
      "WHERE id = 'jungkook')) SELECT k.t, MIN(w.end_day) FROM k JOIN w ON w.id = 'jungkook' AND "
      "w.n >= k.t GROUP BY k.t ORDER BY k.t");
  EXPECT_GE(want_m.size(), 3u);
  EXPECT_EQ(got_m, want_m);
}

// The UTC day of a log line's timestamp ("2024-03-01T00:00:02Z", "2024-02-29T21:00:15-03:00").
std::chrono::sys_days UtcDay(const std::string& line) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  std::sscanf(line.c_str(), "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi);
  const std::string ts = line.substr(0, line.find(','));
  int offset = 0;
  if (ts.back() != 'Z' && ts.size() > 19 && (ts[19] == '+' || ts[19] == '-')) {
    int oh = 0, om = 0;
    std::sscanf(ts.c_str() + 20, "%d:%d", &oh, &om);
    offset = (oh * 60 + om) * (ts[19] == '-' ? -1 : 1);
  }
  const int minutes = h * 60 + mi - offset;
  return std::chrono::sys_days{std::chrono::year{y} / mo / d} +
         std::chrono::days{minutes < 0 ? -1 : (minutes >= 1440 ? 1 : 0)};
}

// Listener news: each artist's first day at 1,000, 2,000, 5,000 … monthly listeners, said once,
// the same whether the days came in one commit or in several (the update reads only the new
// days then), and equal to SQL over the plays.
TEST_F(ListenersTest, ListenerNewsIsEachArtistsFirstDayAtEachMilestone) {
  const std::string last = sql_->Query("SELECT MAX(day) FROM s").at(0).at(0);
  std::set<std::vector<std::string>> want;
  for (const auto& row : sql_->Query(
           DailyWindows("of_artist", last) +
           ", k(t) AS (VALUES (1000), (2000), (5000), (10000)) SELECT w.id, k.t, MIN(w.end_day) "
           "FROM k JOIN w ON w.n >= k.t GROUP BY w.id, k.t")) {
    want.insert(row);
  }
  ASSERT_GE(want.size(), 2u);
  auto news_of = [](const std::string& store) {
    const RunResult r = RunEncore("news --kind listeners --format json" + store);
    EXPECT_EQ(r.code, 0) << r.err;
    std::set<std::vector<std::string>> got;
    size_t items = 0;
    const json feed = json::parse(r.out);
    for (const auto& x : feed.at("items")) {
      std::string id = x["entity"].get<std::string>();
      EXPECT_EQ(id.rfind("artist:", 0), 0u) << id;
      got.insert({id.substr(7), std::to_string(x["threshold"].get<int64_t>()), x["date"].get<std::string>()});
      ++items;
    }
    EXPECT_EQ(items, got.size()) << "an item said twice";
    return got;
  };
  EXPECT_EQ(news_of(store_), want);
  // The same plays by day: the days before 2024-03-16, then the rest, each in one file (with a
  // service column): the second update reads only the new days.
  const std::string d = dir_->path();
  const std::string by_day = " --store " + Quote(d + "/by-day");
  ASSERT_EQ(RunEncore("catalog import " + Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo") + by_day).code, 0);
  std::string half[2];
  for (int i = 0; i < 3; ++i) {
    std::istringstream in(ReadText(d + "/part" + std::to_string(i) + ".csv"));
    std::string header, line;
    std::getline(in, header);
    if (i == 0) half[0] = half[1] = header + ",service\n";
    while (std::getline(in, line)) {
      half[UtcDay(line) < std::chrono::sys_days{std::chrono::year{2024} / 3 / 16} ? 0 : 1] +=
          line + (i == 2 ? ",apple\n" : ",spotify\n");
    }
  }
  for (int h = 0; h < 2; ++h) {
    const std::string file = d + "/by-day-" + std::to_string(h) + ".csv";
    WriteText(file, half[h]);
    const RunResult r = RunEncore("ingest --no-progress --seal-lag -1 " + Quote(file) + by_day);
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_NE(r.out.find("rejected lines 0"), std::string::npos) << r.out;
    if (h == 1) {
      EXPECT_TRUE(Has(r.out, "(incremental)") && !Has(r.out, " 0 news items")) << r.out;
    }
  }
  EXPECT_EQ(news_of(by_day), want);
}

// A store's listener sets, from its manifest: day → file.
std::map<std::string, std::string> ListenerFiles(const std::string& store) {
  const std::string text = ReadText(store + "/MANIFEST");
  const json m = json::parse(text.substr(text.find('\n') + 1));
  std::map<std::string, std::string> files;
  for (const auto& [day, d] : m["days"].items()) {
    if (d.contains("listeners")) files[day] = d["listeners"];
  }
  return files;
}

TEST_F(ListenersTest, ANewDayChangesOnlyTheSetsItTouches) {
  TempDir d("listeners-incremental");
  const std::string store = " --store " + Quote(d / "s");
  RunResult r = RunEncore("ingest --no-progress --seal-lag -1 " + Quote(dir_->path() + "/part0.csv") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto before = ListenerFiles(d / "s");
  ASSERT_GT(before.size(), 40u);
  auto day_listeners = [&] {
    RunResult q = RunEncore("listeners jk-seven --kind track --window day --from 2024-03-20 "
                            "--to 2024-03-21 --format json" + store);
    EXPECT_EQ(q.code, 0) << q.err;
    std::vector<uint64_t> v;
    const json j = json::parse(q.out);
    for (const auto& p : j["points"]) v.push_back(p["listeners"]);
    return v;
  };
  const auto counts_before = day_listeners();
  ASSERT_EQ(counts_before.size(), 2u);
  // One play on a day the store has, one on a new day, one too short to count.
  WriteText(d / "more.csv",
            "ts,user,track,ms_played,country,tier\n"
            "2024-03-20T10:00:00Z,newcomer,jk-seven,184000,KR,premium\n"
            "2024-05-02T10:00:00Z,newcomer,jk-seven,184000,KR,premium\n"
            "2024-03-21T10:00:00Z,newcomer,jk-seven,1000,KR,premium\n");
  r = RunEncore("ingest --no-progress --seal-lag -1 " + Quote(d / "more.csv") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto after = ListenerFiles(d / "s");
  for (const auto& [day, file] : before) {
    if (day == "2024-03-20") {
      EXPECT_NE(after.at(day), file) << day;  // rewritten with the newcomer
    } else {
      EXPECT_EQ(after.at(day), file) << day;  // untouched
    }
  }
  EXPECT_EQ(after.size(), before.size() + 1);
  EXPECT_TRUE(after.count("2024-05-02"));
  // The newcomer counts on the day it streamed, not on the day of its short play.
  const auto counts_after = day_listeners();
  ASSERT_EQ(counts_after.size(), 2u);
  EXPECT_EQ(counts_after[0], counts_before[0] + 1);
  EXPECT_EQ(counts_after[1], counts_before[1]);
}

TEST_F(ListenersTest, StoresWithoutUsersSayTheyHaveNoListeners) {
  TempDir d("listeners-totals");
  WriteText(d / "t.csv", "date,country,track,streams,tier\n2024-01-01,GLOBAL,T1,100,\n");
  const std::string store = " --store " + Quote(d / "s");
  ASSERT_EQ(RunEncore("ingest --no-progress " + Quote(d / "t.csv") + store).code, 0);
  RunResult r = RunEncore("listeners" + store);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("holds no listeners"), std::string::npos) << r.err;
  r = RunEncore("listeners --window fortnight" + store_);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--window is day, 7d, 28d, month or year"), std::string::npos) << r.err;
  r = RunEncore("listeners --service tidal" + store_);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("it has: spotify, apple"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace encore::test

namespace encore::test {
namespace {

// A day's set is partial once the day holds streams whose users it lacks: daily totals added to
// a day of plays, or plays of a day counted before (here: totals first, then plays). Windows
// over such days say "at least"; the others do not; the counts are the sets' all the same.
TEST(ListenersPartial, DaysWithStreamsOfUnknownUsersMakeCountsAtLeast) {
  TempDir d("listeners-partial");
  const std::string store = " --store " + Quote(d / "s");
  std::string plays = "ts,user,track,ms_played,country,tier\n";
  for (int day = 1; day <= 9; ++day) {
    for (int u = 0; u < 5 + day; ++u) {
      plays += "2024-05-0" + std::to_string(day) + "T12:00:00Z,u" + std::to_string(u) + ",T1,200000,US,premium\n";
    }
  }
  // Totals on day 3 (after its plays: added to a day with a set) and day 7 (before its plays).
  WriteText(d / "t3.csv", "date,country,track,streams,tier\n2024-05-03,US,T1,1000,premium\n");
  WriteText(d / "t7.csv", "date,country,track,streams,tier\n2024-05-07,US,T1,1000,premium\n");
  std::string early, late;
  std::istringstream in(plays);
  std::string line;
  std::getline(in, line);
  early = late = line + "\n";
  while (std::getline(in, line)) (line.compare(0, 10, "2024-05-07") < 0 ? early : late) += line + "\n";
  WriteText(d / "early.csv", early);
  WriteText(d / "late.csv", late);
  for (const char* f : {"t7.csv", "early.csv", "t3.csv", "late.csv"}) {
    const RunResult r = RunEncore("ingest --no-progress --seal-lag -1 " + Quote(d / f) + store);
    ASSERT_EQ(r.code, 0) << f << r.err;
  }
  RunResult r = RunEncore("listeners T1 --kind track --window day --from 2024-05-01 --to 2024-05-09 --format csv" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  // date,from,listeners,days_without_sets: the users of each day, at least on days 3 and 7.
  std::string want = "date,from,listeners,days_without_sets\n";
  for (int day = 1; day <= 9; ++day) {
    const std::string date = "2024-05-0" + std::to_string(day);
    want += date + "," + date + "," + std::to_string(5 + day) + "," + (day == 3 || day == 7 ? "1" : "0") + "\n";
  }
  EXPECT_EQ(r.out, want);
  r = RunEncore("listeners --kind track --window 7d --date 2024-05-09 --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["days_without_sets"], 2);  // days 3 and 7 (of 3..9)
  r = RunEncore("listeners --kind track --window 7d --date 2024-05-09" + store);
  EXPECT_TRUE(Has(r.out, "2 days of the window hold streams of no known users")) << r.out;
}

}  // namespace
}  // namespace encore::test
