// The ClickHouse store (doc/decisions/0009-clickhouse-store.md) against the local store: the same
// inputs ingested into both give the same answers, command by command. Each test starts its own
// two-shard cluster on loopback with scripts/clickhouse-cluster.sh (data under a temporary
// directory) and stops it at the end. Without Debian's clickhouse-server the tests are skipped,
// loudly; CI installs it.
#include <gtest/gtest.h>

#include <cstring>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <filesystem>
#include <cctype>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include <unistd.h>

#include "encore/keys.h"
#include "test_util.h"

namespace encore::test {
namespace {

bool HaveClickHouse() {
  return std::filesystem::exists("/usr/sbin/clickhouse-server") ||
         std::system("command -v clickhouse-server >/dev/null 2>&1") == 0;
}

// A shell command's exit code and outputs.
RunResult RunShell(const std::string& cmd, const std::string& dir) {
  const int status = std::system((cmd + " >" + dir + "/shell.out 2>" + dir + "/shell.err").c_str());
  RunResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadText(dir + "/shell.out");
  r.err = ReadText(dir + "/shell.err");
  return r;
}

std::string Script() { return std::string(ENCORE_SOURCE_DIR) + "/scripts/clickhouse-cluster.sh"; }

// A two-shard cluster under `dir`, stopped by the destructor.
class Cluster {
 public:
  explicit Cluster(std::string dir) : dir_(std::move(dir)) {
    // Ports of this process's own choosing, below Linux's ephemeral range (32768 up) where
    // outgoing connections take theirs. Tests run side by side and two may pick the same range
    // (or one whose servers are still going down): the script then refuses a port in use, or a
    // server fails to bind, and the cluster is made again on another range, in a new directory.
    std::mt19937 pick(static_cast<unsigned>(::getpid()) ^
                      static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
    for (int attempt = 0; attempt < 6 && url_.empty(); ++attempt) {
      if (attempt > 0) {
        std::system(("bash " + Quote(Script()) + " stop " + Quote(this->dir())).c_str());
        std::error_code ec;
        std::filesystem::remove_all(this->dir(), ec);
      }
      const int base = 20000 + static_cast<int>(pick() % 120) * 100;
      const std::string out = dir_ + "/url.txt";
      const int rc = std::system(("bash " + Quote(Script()) + " start " + Quote(this->dir()) + " --port " +
                                  std::to_string(base) + " >" + Quote(out) + " 2>" +
                                  Quote(dir_ + "/start.err"))
                                     .c_str());
      url_ = rc == 0 ? ReadText(out) : std::string();
      while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r')) url_.pop_back();
    }
  }
  ~Cluster() {
    std::system(("bash " + Quote(Script()) + " stop " + Quote(dir_ + "/cluster")).c_str());
  }
  const std::string& url() const { return url_; }
  std::string error() const { return ReadText(dir_ + "/start.err"); }
  std::string dir() const { return dir_ + "/cluster"; }

 private:
  std::string dir_, url_;
};

#define REQUIRE_CLICKHOUSE()                                                                   \
  do {                                                                                         \
    if (!HaveClickHouse()) {                                                                   \
      std::fprintf(stderr,                                                                     \
                   "\n*** SKIPPED: no clickhouse-server on this machine (Debian: apt-get install " \
                   "clickhouse-server); the ClickHouse store is NOT tested ***\n\n");          \
      GTEST_SKIP() << "no clickhouse-server binary";                                           \
    }                                                                                          \
  } while (0)

// A command's output without what differs by nature: the lines naming the store and its side
// directory, its bytes on disk, and timings. (Plain string scanning: std::regex trips GCC 12's -Wmaybe-uninitialized
// under the sanitizer build.)
std::string Answer(const RunResult& r) {
  std::istringstream in(r.out);
  std::string out, line;
  auto is_num = [](char c) { return (c >= '0' && c <= '9') || c == '.'; };
  while (std::getline(in, line)) {
    if (line.rfind("store ", 0) == 0) line = "store";
    if (line.rfind("  side data ", 0) == 0) continue;  // a ClickHouse store's side directory
    // Listener sets: a local store's files and their bytes, the cluster's plays (decision 0010).
    if (line.rfind("  listener sets: ", 0) == 0) line = "  listener sets";
    // ", 12.3 MB on disk" -> ""
    for (size_t at = line.find(" on disk"); at != std::string::npos; at = line.find(" on disk")) {
      size_t b = at;
      if (b > 0 && line[b - 1] == 'B') --b;
      if (b > 0 && std::string("KMGT").find(line[b - 1]) != std::string::npos) --b;
      if (b > 0 && line[b - 1] == ' ') --b;
      size_t n = b;
      while (n > 0 && is_num(line[n - 1])) --n;
      if (n == b || n < 2 || line.compare(n - 2, 2, ", ") != 0) break;
      line.erase(n - 2, at + 8 - (n - 2));
    }
    // " in 12.3 ms" / " in 4 s" -> " in T"
    for (size_t at = line.find(" in "); at != std::string::npos; at = line.find(" in ", at + 1)) {
      size_t n = at + 4, e = n;
      while (e < line.size() && is_num(line[e])) ++e;
      if (e == n) continue;
      size_t u = e < line.size() && line[e] == ' ' ? e + 1 : std::string::npos;
      if (u == std::string::npos) continue;
      size_t ue = line.compare(u, 2, "ms") == 0 ? u + 2 : (line.compare(u, 1, "s") == 0 ? u + 1 : u);
      if (ue == u || (ue < line.size() && std::isalnum(static_cast<unsigned char>(line[ue])))) continue;
      line.replace(at, ue - at, " in T");
    }
    // "(0.1 ms)" -> "(T)": a chart kept unchanged says how long it looked
    for (size_t at = line.find('('); at != std::string::npos; at = line.find('(', at + 1)) {
      size_t e = at + 1;
      while (e < line.size() && is_num(line[e])) ++e;
      if (e == at + 1) continue;
      for (const char* unit : {" ms)", " s)"}) {
        if (line.compare(e, std::strlen(unit), unit) == 0) {
          line.replace(at, e + std::strlen(unit) - at, "(T)");
          break;
        }
      }
    }
    out += line;
    out += '\n';
  }
  if (!r.out.empty() && r.out.back() != '\n') out.pop_back();
  return out;
}

class ClickHouseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_CLICKHOUSE();
    dir_ = std::make_unique<TempDir>("clickhouse");
    cluster_ = std::make_unique<Cluster>(dir_->path());
    ASSERT_FALSE(cluster_->url().empty()) << cluster_->error();
    // The ClickHouse store's side directory goes under the test's own.
    ::setenv("ENCORE_STATE_DIR", (*dir_ / "state").c_str(), 1);
  }
  void TearDown() override {
    cluster_.reset();
    dir_.reset();
  }
  // `encore ARGS --store STORE` on both stores; the two answers must be the same. Returns the
  // local store's exit code.
  int Same(const std::string& args) {
    const RunResult l = RunEncore(args + " --store " + Quote(*dir_ / "local"));
    const RunResult c = RunEncore(args + " --store " + Quote(cluster_->url()));
    EXPECT_EQ(l.code, c.code) << args << "\nlocal: " << l.err << "\nclickhouse: " << c.err;
    EXPECT_EQ(Answer(l), Answer(c)) << args << "\nclickhouse stderr: " << c.err;
    return l.code;
  }
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Cluster> cluster_;
};

TEST_F(ClickHouseStoreTest, SameAnswersAsTheLocalStore) {
  // A simulated month of the demo world's plays, its daily totals and sales, a second log that
  // overlaps it, and a file of broken and late lines.
  const std::string w = *dir_ / "world.csv";
  ASSERT_EQ(RunEncore("simulate --world demo --plays 200000 --days 30 --start 2024-03-01 --out " +
                      Quote(w))
                .code,
            0);
  const std::string more = *dir_ / "more.csv";
  ASSERT_EQ(RunEncore("simulate --plays 50000 --days 10 --start 2024-03-25 --seed 7 --out " +
                      Quote(more))
                .code,
            0);
  const std::string broken = *dir_ / "broken.csv";
  WriteText(broken,
            "ts,user,track,ms_played,country,tier\n"
            "2024-04-03T10:00:00Z,u00000042,QZENC2000000,181000,US,premium\n"
            "2024-04-03 10:05:00,u00000042,QZENC2000002,181000,US,premium\n"
            "2024-04-03T10:06:00Z,u00000042,QZENC2000002,-5,US,premium\n"
            "2024-04-03T10:07:00Z,u00000042,QZENC2000002,181000,usa,premium\n"
            "2024-03-02T12:00:00Z,u00000042,QZENC2000000,181000,US,premium\n");
  // One listener over the cap with both tiers in one cell (premium counts first), one with a
  // dozen premium plays; then a later play that seals their day.
  const std::string mixed = *dir_ / "mixed.csv";
  std::string text = "ts,user,track,ms_played,country,tier\n";
  for (int i = 0; i < 13; ++i) {
    text += "2024-04-02T1" + std::to_string(i % 10) + ":0" + std::to_string(i / 10) +
            ":00Z,u-mixed,QZENC2000000,181000,US," + (i < 7 ? "premium" : "free") + "\n";
    text += "2024-04-02T1" + std::to_string(i % 10) + ":1" + std::to_string(i / 10) +
            ":00Z,u-many,QZENC2000000,181000,US,premium\n";
  }
  WriteText(mixed, text);
  const std::string later = *dir_ / "later.csv";
  WriteText(later,
            "ts,user,track,ms_played,country,tier\n2024-04-10T10:00:00Z,u1,QZENC2000001,181000,KR,free\n");
  // A listener's personal history (Spotify's extended streaming history), in two exports: the
  // second repeats the first and adds plays, to a day the first left open and to one sealed
  // since (histories are never late), with a listener over the cap on the sealed day.
  auto entry = [](const std::string& ts, const std::string& uri, const char* country) {
    return "{\"ts\": \"" + ts + "\", \"username\": \"fan1\", \"platform\": \"android\", "
           "\"ms_played\": 200000, \"conn_country\": \"" + country + "\", "
           "\"master_metadata_track_name\": \"Song\", \"master_metadata_album_artist_name\": "
           "\"Artist\", \"master_metadata_album_album_name\": \"Album\", "
           "\"spotify_track_uri\": \"spotify:track:" + uri + "\", \"episode_name\": null, "
           "\"spotify_episode_uri\": null, \"reason_end\": \"trackdone\", \"skipped\": null, "
           "\"incognito_mode\": false}";
  };
  std::vector<std::string> entries;
  for (int i = 0; i < 13; ++i) {
    entries.push_back(entry("2024-03-05T1" + std::to_string(i % 10) + ":0" + std::to_string(i / 10) +
                                ":00Z", "7x9aauaA9cu6tyfpHnqDLo", "KR"));
  }
  for (int i = 0; i < 3; ++i) {
    entries.push_back(entry("2024-04-09T1" + std::to_string(i) + ":00:00Z", "0WNGsQ1oAuHzNTk8jivBKW",
                            i == 2 ? "GB" : "US"));
  }
  auto json_array = [&](size_t from, size_t to) {
    std::string t = "[\n";
    for (size_t i = from; i < to; ++i) t += entries[i] + (i + 1 < to ? ",\n" : "\n");
    return t + "]\n";
  };
  const std::string history1 = *dir_ / "Streaming_History_Audio_2024_0.json";
  WriteText(history1, json_array(4, 15));
  const std::string history2 = *dir_ / "Streaming_History_Audio_2024_1.json";
  WriteText(history2, json_array(0, entries.size()));
  // The demo world's catalog (album units, versions, artists) and its launch sales.
  EXPECT_EQ(Same("catalog import " + Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo")), 0);
  for (const std::string& f : {w, *dir_ / "world-daily.csv", *dir_ / "world-sales.csv", more, broken,
                               mixed, history1, later, history2}) {
    Same("ingest --no-records " + Quote(f));
  }
  // Exactly once: the same files again change nothing.
  Same("ingest --no-records " + Quote(w) + " " + Quote(broken));
  // A published chart's streams for a day whose plays are still open (2024-04-10): the day takes
  // them beside its plays, which stay open.
  const std::string chart_file = *dir_ / "regional-global-weekly-2024-04-10.csv";
  WriteText(chart_file,
            "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams\n"
            "1,spotify:track:7x9aauaA9cu6tyfpHnqDLo,Jung Kook;Latto,Seven (feat. Latto),BIGHIT MUSIC,1,1,20,50000000\n"
            "2,spotify:track:0WNGsQ1oAuHzNTk8jivBKW,BTS,Spring Day,BIGHIT MUSIC,1,3,5,40000000\n");
  EXPECT_EQ(Same("chart import " + Quote(chart_file)), 0);
  // Charts compiled, then the days sealed: a seal leaves the counts as they read, so the charts
  // are unchanged, as on the local store.
  EXPECT_EQ(Same("chart compile spotify-daily --from 2024-04-05 --to 2024-04-10"), 0);
  EXPECT_EQ(Same("seal --before 2024-04-11"), 0);
  EXPECT_EQ(Same("chart compile spotify-daily --from 2024-04-05 --to 2024-04-10"), 0);
  Same("status");
  Same("rejects");
  Same("export daily --out -");
  Same("streams QZENC2000000");
  Same("streams QZENC2000001 --country KR");
  for (const std::string chart : {"spotify-daily", "spotify-weekly", "global-200-style"}) {
    Same("chart compile " + chart + " --from 2024-03-01 --to 2024-04-03");
  }
  Same("chart spotify-daily --date 2024-03-20");
  Same("chart spotify-daily --date 2024-03-20 --country KR");
  Same("chart spotify-weekly --date 2024-03-28 --country US");
  Same("records fastest 100000");
  Same("records most");
  Same("records forecast Seven");
  Same("records forecast --backtest");
  Same("news");
  // Every methodology (album units with the catalog, the world less the US, the UK's and the
  // Hot 100's series), chart runs, the chart history's check, claims and catalog views.
  for (const std::string chart : {"billboard-200-style", "global-200-excl-us-style"}) {
    EXPECT_EQ(Same("chart compile " + chart + " --from 2024-03-09 --to 2024-03-30"), 0) << chart;
  }
  EXPECT_EQ(Same("chart hot-100-style --date 2024-03-23"), 0);
  // The UK's accelerated chart ratio over its series since 2020 (the daily totals' first day):
  // the cluster reads the weeks many to a query.
  EXPECT_EQ(Same("chart uk-singles-style --date 2024-03-29 --country GB"), 0);
  EXPECT_EQ(Same("chart run --artist Jungkook"), 0);
  EXPECT_EQ(Same("chart verify"), 0);
  Same("check 'days_to(streams, 1e6, track \"Seven\") = 10' 'rank(streams, track \"Seven\") = 1'");
  EXPECT_EQ(Same("artist Jungkook"), 0);
  EXPECT_EQ(Same("track jk-seven"), 0);
  // Listeners, from the plays on the shards, the days counted in this process (sealed as they
  // came) and the personal histories' streams given as totals: boards with their changes and
  // peaks, series, places, milestones and claims.
  EXPECT_EQ(Same("listeners --kind artist --date 2024-03-20 --top 30"), 0);
  EXPECT_EQ(Same("listeners --kind track --window day --date 2024-04-09 --format csv"), 0);
  EXPECT_EQ(Same("listeners --kind track --window 7d --date 2024-03-10 --country KR --top 40"), 0);
  EXPECT_EQ(Same("listeners --kind song --window month --date 2024-03-31 --service spotify --top 40"), 0);
  EXPECT_EQ(Same("listeners Jungkook --from 2024-03-01 --to 2024-04-10 --format json"), 0);
  EXPECT_EQ(Same("listeners Seven --kind track --window day --from 2024-03-01 --to 2024-04-10"), 0);
  EXPECT_EQ(Same("listeners Jungkook --milestones 500"), 0);
  EXPECT_EQ(Same("listeners --kind artist --reached 2000 --date 2024-04-10"), 0);
  Same("check 'monthly_listeners(artist \"Jungkook\", 2024-03-28) >= 100'");
}

// Listeners on the cluster equal ClickHouse's own exact distinct count (uniqExact) over the
// committed plays and listener rows of each window: the tracks of each board, for windows of a
// day, 7 and 28 days, worldwide and in one country, on a day whose plays are open and on one
// sealed as it came (counted in this process, its plays kept nowhere but their listeners).
TEST_F(ClickHouseStoreTest, ListenersEqualTheClustersUniqExact) {
  const std::string log = *dir_ / "plays.csv";
  ASSERT_EQ(RunEncore("simulate --plays 120000 --days 40 --start 2024-05-01 --seed 5 --out " +
                      Quote(log))
                .code,
            0);
  const std::string url = cluster_->url();
  const RunResult in = RunEncore("ingest --no-records " + Quote(log) + " --store " + Quote(url));
  ASSERT_EQ(in.code, 0) << in.err;
  // The coordinator's HTTP address: clickhouse://HOST:PORT,.../encore?...
  const std::string host = url.substr(13, url.find_first_of(",/", 13) - 13);
  auto sql = [&](const std::string& query) {
    const std::string file = *dir_ / "query.sql";
    WriteText(file, query);
    const RunResult r = RunShell("curl -sS --fail http://" + host + "/ --data-binary @" + Quote(file), dir_->path());
    EXPECT_EQ(r.code, 0) << query << "\n" << r.err << r.out;
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  };
  const std::string committed = "attempt GLOBAL IN (SELECT min(attempt) FROM encore.commits GROUP BY generation)";
  int compared = 0;
  for (const std::string date : {"2024-05-20", "2024-06-09"}) {
    for (const auto& [window, days] : std::vector<std::pair<std::string, int>>{{"day", 1}, {"7d", 7}, {"28d", 28}}) {
      for (const std::string country : {"", "KR"}) {
        const RunResult board =
            RunEncore("listeners --kind track --window " + window + " --date " + date + " --top 6 --format csv" +
                      (country.empty() ? "" : " --country " + country) + " --store " + Quote(url));
        ASSERT_EQ(board.code, 0) << board.err;
        std::istringstream rows(board.out);
        std::string line;
        std::getline(rows, line);  // the header names the columns (rank, name, id, ..., listeners, ...)
        std::map<std::string, size_t> col;
        {
          std::stringstream cells(line);
          size_t i = 0;
          for (std::string c; std::getline(cells, c, ',');) col[c] = i++;
        }
        ASSERT_TRUE(col.count("id") && col.count("listeners") && col.count("before") && col.count("name")) << line;
        int n = 0;
        while (std::getline(rows, line)) {
          std::vector<std::string> f;
          std::stringstream cells(line);
          for (std::string c; std::getline(cells, c, ',');) f.push_back(c);
          ASSERT_EQ(f.size(), col.size()) << line;  // (no name here holds a comma)
          const std::string id = sql("SELECT id FROM encore.tracks WHERE name = '" + f[col["id"]] + "' AND " + committed);
          ASSERT_FALSE(id.empty()) << f[col["id"]];
          // The window ending on the board's day, and the one ending the day before.
          for (const auto& [end, want] : {std::pair{"toDate('" + date + "')", f[col["listeners"]]},
                                          std::pair{"toDate('" + date + "') - 1", f[col["before"]]}}) {
            std::string where = " WHERE day BETWEEN " + end + " - " + std::to_string(days - 1) + " AND " + end +
                                " AND bitAnd(bitShiftRight(cell, 10), 4294967295) = " + id + " AND " + committed;
            if (!country.empty()) where += " AND bitAnd(cell, 1023) = " + std::to_string(*ParseCountry(country, false));
            const std::string got =
                sql("SELECT uniqExact(bitShiftRight(cell, 42), user) FROM (SELECT cell, user FROM encore.plays" + where +
                    " UNION ALL SELECT cell, user FROM encore.listeners" + where + ")");
            EXPECT_EQ(got, want) << f[col["name"]] << " " << window << " " << end << " " << country;
            ++compared;
          }
          ++n;
        }
        EXPECT_GT(n, 0) << window << " " << date << " " << country;
      }
    }
  }
  EXPECT_GE(compared, 40);
  // Both paths were taken: listener rows of days counted here, and plays on the shards.
  EXPECT_NE(sql("SELECT count() FROM encore.listeners WHERE " + committed), "0");
  EXPECT_NE(sql("SELECT count() FROM encore.plays WHERE " + committed), "0");
}

// The cluster cuts each region's chart to its best rows and keeps the rows tied with the last
// (CountStore::PeriodChartStreams); encore breaks the ties by name. A long tail of tracks with a
// stream or two in each country makes ties at No. 200 the rule, not the exception.
TEST_F(ClickHouseStoreTest, ChartsCutOnTheClusterWithTiesAsTheLocalStore) {
  const std::string f = *dir_ / "tail.csv";
  ASSERT_EQ(RunEncore("simulate --plays 150000 --tracks 6000 --popularity 0.4 --days 8 --start "
                      "2024-03-01 --seed 5 --out " + Quote(f))
                .code,
            0);
  Same("ingest --no-records " + Quote(f));
  // A track played in the US only: nothing of it is left on the world less the US.
  const std::string us_only = *dir_ / "us-only.csv";
  WriteText(us_only, "date,country,track,streams,tier,service\n2024-03-04,US,QZENC2999999,500,premium,spotify\n");
  Same("ingest --no-records " + Quote(us_only));
  for (const std::string chart : {"spotify-daily", "spotify-weekly", "global-200-style",
                                  "global-200-excl-us-style", "hot-100-style"}) {
    // Daily: every day; weekly: the one full week (the latest chart).
    const std::string dates = chart == "spotify-daily" ? " --from 2024-03-01 --to 2024-03-08" : "";
    EXPECT_EQ(Same("chart compile " + chart + dates), 0) << chart;
  }
  for (const std::string region : {"", " --country US", " --country GB", " --country KR",
                                    " --country BR", " --country SE"}) {
    EXPECT_EQ(Same("chart spotify-daily --date 2024-03-05" + region), 0) << region;
    EXPECT_EQ(Same("chart spotify-weekly --date 2024-03-07" + region), 0) << region;
  }
  EXPECT_EQ(Same("chart global-200-excl-us-style"), 0);
  const RunResult excl = RunEncore("chart global-200-excl-us-style --store " + Quote(*dir_ / "local"));
  EXPECT_FALSE(Has(excl.out, "QZENC2999999")) << excl.out;
  EXPECT_EQ(Same("chart hot-100-style"), 0);
  EXPECT_EQ(Same("records fastest 1000"), 0);
}

// The store URL of another database on the same cluster.
std::string WithDatabase(const std::string& url, const std::string& db) {
  std::string out = url;
  size_t at = out.find("/encore?");
  if (at != std::string::npos) out.replace(at, 8, "/" + db + "?");
  return out;
}

TEST_F(ClickHouseStoreTest, KillNineAtRandomMomentsThenARerunIsIdentical) {
  // Three overlapping play logs (the last one seals days the first ones opened), daily totals
  // and broken lines: five commits and a seal for a kill to land in.
  std::vector<std::string> files;
  for (int i = 0; i < 3; ++i) {
    const std::string f = *dir_ / ("plays" + std::to_string(i) + ".csv");
    ASSERT_EQ(RunEncore("simulate --plays 60000 --days 6 --start 2024-05-0" + std::to_string(1 + 2 * i) +
                        " --seed " + std::to_string(11 + i) + " --out " + Quote(f))
                  .code,
              0);
    files.push_back(f);
  }
  const std::string daily = *dir_ / "daily.csv";
  WriteText(daily,
            "date,country,track,streams,tier,service\n"
            "2024-05-02,US,QZENC2000000,1000,premium,spotify\n"
            "2024-05-02,GLOBAL,QZENC2000001,25000,,spotify\n"
            "2024-05-09,KR,QZENC2000002,700,free,spotify\n"
            "not-a-date,US,QZENC2000000,5,premium,spotify\n");
  files.push_back(daily);
  std::string args;
  for (const auto& f : files) args += " " + Quote(f);

  const std::string clean = Quote(WithDatabase(cluster_->url(), "clean"));
  const auto started = std::chrono::steady_clock::now();
  const RunResult once = RunEncore("ingest --no-records --store " + clean + args);
  ASSERT_EQ(once.code, 0) << once.err;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::mt19937 rng(20261130);
  std::uniform_real_distribution<double> when(0.02, seconds);
  std::map<std::string, std::string> want;
  for (const std::string what : {"export daily --out -", "rejects", "status"}) {
    const RunResult r = RunEncore(what + " --store " + clean);
    ASSERT_EQ(r.code, 0) << what << ": " << r.err;
    want[what] = Answer(r);
  }
  // 20 rounds, each into a database of its own: one run killed at a random moment, then the same
  // command again, which must finish the job with the clean run's answers.
  int killed = 0;
  for (int round = 0; round < 20; ++round) {
    const std::string crash = Quote(WithDatabase(cluster_->url(), "crash" + std::to_string(round)));
    char t[32];
    std::snprintf(t, sizeof t, "%.3f", when(rng));
    const int rc = std::system(("timeout -s KILL " + std::string(t) + " " + ENCORE_BINARY +
                                " ingest --no-records --store " + crash + args +
                                " >/dev/null 2>&1")
                                   .c_str());
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 137) ++killed;  // timeout: 128 + SIGKILL
    // timeout returns once it has sent the signal; the killed process may still be exiting (and
    // holding its LOCK) for a moment under load. Wait until it is gone.
    const std::string gone = "pgrep -f -- '/crash" + std::to_string(round) + "[?]cluster' >/dev/null";
    for (int i = 0; i < 500 && std::system(gone.c_str()) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    RunResult rerun = RunEncore("ingest --no-records --store " + crash + args);
    // Under load a killed process can take a while to leave the kernel (its LOCK goes with it):
    // while the pid that the message names is still there, wait for it and run again.
    const std::string in_use = "in use by another encore process (pid ";
    if (rerun.code != 0 && Has(rerun.err, in_use)) {
      const std::string pid = rerun.err.substr(rerun.err.find(in_use) + in_use.size());
      const std::string proc = "/proc/" + pid.substr(0, pid.find(';'));
      for (int i = 0; i < 1000 && std::filesystem::exists(proc); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      ASSERT_FALSE(std::filesystem::exists(proc)) << "round " << round << ": the killed ingest lives on";
      rerun = RunEncore("ingest --no-records --store " + crash + args);
    }
    ASSERT_EQ(rerun.code, 0) << "round " << round << " (killed after " << t << " s): " << rerun.err;
    for (const auto& [what, answer] : want) {
      const RunResult r = RunEncore(what + " --store " + crash);
      ASSERT_EQ(r.code, 0) << what << ": " << r.err;
      EXPECT_EQ(answer, Answer(r)) << what << " after round " << round << " (killed after " << t
                                   << " s)";
    }
  }
  EXPECT_GE(killed, 10) << "too few runs were killed before they ended";
}

TEST_F(ClickHouseStoreTest, AShardDownIsAnErrorNotAWrongAnswer) {
  const std::string f = *dir_ / "plays.csv";
  ASSERT_EQ(RunEncore("simulate --plays 20000 --days 3 --out " + Quote(f)).code, 0);
  const std::string url = Quote(cluster_->url());
  ASSERT_EQ(RunEncore("ingest --no-records --store " + url + " " + Quote(f)).code, 0);
  const RunResult before = RunEncore("export daily --out - --store " + url);
  ASSERT_EQ(before.code, 0) << before.err;
  // A server on the store, while every shard is up: its status names the store by its database
  // (never its hosts) and counts the bytes of every shard.
  const std::string log = *dir_ / "serve.out";
  ASSERT_EQ(std::system((std::string(ENCORE_BINARY) + " serve --port 0 --store " + url + " >" +
                         Quote(log) + " 2>&1 & echo $! >" + Quote(*dir_ / "serve.pid"))
                            .c_str()),
            0);
  std::string api;
  for (int i = 0; i < 100 && api.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string text = ReadText(log);
    const size_t at = text.find("the API at ");
    if (at != std::string::npos) api = text.substr(at + 11, text.find(' ', at + 11) - at - 11);
  }
  ASSERT_FALSE(api.empty()) << ReadText(log);
  const std::string body = *dir_ / "body.json";
  const std::string code = *dir_ / "code.txt";
  std::system(("curl -s -o " + Quote(body) + " '" + api + "/status'").c_str());
  const std::string status = ReadText(body);
  EXPECT_TRUE(Has(status, "\"store\":\"encore\"")) << status.substr(0, 300);
  EXPECT_FALSE(Has(status, "127.0.0.1")) << status.substr(0, 300);
  const auto status_json = nlohmann::json::parse(status, nullptr, false);
  ASSERT_FALSE(status_json.is_discarded()) << status.substr(0, 300);
  EXPECT_GT(status_json.value("bytes", int64_t{0}), 0) << status.substr(0, 300);

  // Stop the second shard only.
  const std::string pid = ReadText(cluster_->dir() + "/shard2/pid");
  ASSERT_FALSE(pid.empty());
  ASSERT_EQ(std::system(("kill -9 " + pid).c_str()), 0);
  const RunResult during = RunEncore("export daily --out - --store " + url);
  EXPECT_NE(during.code, 0) << "a shard down must not give an answer:\n" << during.out.substr(0, 500);
  EXPECT_TRUE(Has(during.err, "cannot reach a shard")) << during.err;
  EXPECT_FALSE(Has(during.err, "SELECT")) << "no SQL in the message: " << during.err;
  EXPECT_LT(during.out.size(), before.out.size());
  const RunResult chart = RunEncore("chart spotify-daily --date 2024-01-02 --store " + url);
  EXPECT_NE(chart.code, 0) << chart.out;
  EXPECT_TRUE(Has(chart.err, "cannot reach a shard")) << chart.err;

  // The HTTP API answers 503 (the store cannot be read now), with no SQL in the message.
  std::system(("curl -s -o " + Quote(body) + " -w '%{http_code}' '" + api +
               "/charts/spotify-daily?date=2024-01-02' >" + Quote(code))
                  .c_str());
  std::system(("kill " + ReadText(*dir_ / "serve.pid")).c_str());
  EXPECT_EQ(ReadText(code), "503") << ReadText(body);
  EXPECT_TRUE(Has(ReadText(body), "cannot reach a shard")) << ReadText(body);
  EXPECT_FALSE(Has(ReadText(body), "SELECT")) << ReadText(body);
  EXPECT_FALSE(Has(ReadText(body), "127.0.0.1")) << "no host in the answer: " << ReadText(body);
  EXPECT_TRUE(Has(ReadText(log), "cannot reach a shard")) << "the server's log says which";
}

// Runs `sql` on the URL's first host (the coordinator), over HTTP with curl.
int CoordinatorQuery(const std::string& url, const std::string& sql) {
  const size_t host = url.find("://") + 3;
  const size_t end = url.find_first_of(",/", host);
  return std::system(("curl -sS --fail 'http://" + url.substr(host, end - host) + "/' --data-binary " +
                      Quote(sql) + " >/dev/null")
                         .c_str());
}

TEST_F(ClickHouseStoreTest, OneWriterAtATimeHoweverTheUrlIsSpelledOrWhereItRuns) {
  std::vector<std::string> f;
  for (int i = 0; i < 3; ++i) {
    f.push_back(*dir_ / ("plays" + std::to_string(i) + ".csv"));
    ASSERT_EQ(RunEncore("simulate --plays 5000 --days 2 --seed " + std::to_string(i + 1) +
                        " --out " + Quote(f.back()))
                  .code,
              0);
  }
  const std::string url = cluster_->url();
  // The same store named another way: each spelling has a side directory (and LOCK) of its own.
  std::string other = url;
  for (size_t at; (at = other.find("127.0.0.1")) != std::string::npos;) other.replace(at, 9, "localhost");
  ASSERT_NE(other, url);
  ASSERT_EQ(RunEncore("ingest --no-records --store " + Quote(url) + " " + Quote(f[0])).code, 0);

  // A writer on another machine holds the store (its claim, heartbeat now).
  const std::string claim =
      "INSERT INTO encore.writers (claim, host, pid, since, beat, released) SELECT 77, "
      "'elsewhere/boot', 4242, now(), now(), ";
  ASSERT_EQ(CoordinatorQuery(url, claim + "0"), 0);
  for (const std::string& store : {url, other}) {
    const RunResult r = RunEncore("ingest --no-records --store " + Quote(store) + " " + Quote(f[1]));
    EXPECT_NE(r.code, 0) << store;
    EXPECT_TRUE(Has(r.err, "in use by another encore process (elsewhere, pid 4242")) << r.err;
  }
  RunResult status = RunEncore("status --store " + Quote(other));
  ASSERT_EQ(status.code, 0) << status.err;  // readers are not writers: they go on
  // Both spellings keep their side data (catalog, chart history, sales) in one directory.
  auto side = [](const std::string& out) {
    const size_t at = out.find("  side data ");
    return at == std::string::npos ? std::string("?") : out.substr(at, out.find('\n', at) - at);
  };
  EXPECT_EQ(side(status.out), side(RunEncore("status --store " + Quote(url)).out));
  EXPECT_TRUE(Has(status.out, "plays0.csv") && !Has(status.out, "plays1.csv")) << status.out;

  // Released, it is the other spelling's turn.
  ASSERT_EQ(CoordinatorQuery(url, claim + "1"), 0);
  RunResult r = RunEncore("ingest --no-records --store " + Quote(other) + " " + Quote(f[1]));
  EXPECT_EQ(r.code, 0) << r.err;
  // A claim whose heartbeat stopped long ago (a writer that died elsewhere) holds nothing.
  ASSERT_EQ(CoordinatorQuery(url, "INSERT INTO encore.writers (claim, host, pid, since, beat, "
                                  "released) SELECT 78, 'elsewhere/boot', 4243, now() - 600, "
                                  "now() - 300, 0"),
            0);
  r = RunEncore("ingest --no-records --store " + Quote(url) + " " + Quote(f[2]));
  EXPECT_EQ(r.code, 0) << r.err;
  status = RunEncore("status --store " + Quote(url));
  for (const auto& name : {"plays0.csv", "plays1.csv", "plays2.csv"}) {
    EXPECT_TRUE(Has(status.out, name)) << status.out;
  }

  // A writer sends a seal to every host it is given: one server named twice (its part would
  // count twice, the other shard's not at all), or the hosts in another order, is refused.
  const size_t scheme = url.find("://") + 3, comma = url.find(',', scheme),
               slash = url.find('/', comma);
  const std::string first = url.substr(scheme, comma - scheme),
                    second = url.substr(comma + 1, slash - comma - 1);
  std::string twice = url, local_first = first;
  local_first.replace(0, local_first.find(':'), "localhost");
  twice.replace(comma + 1, second.size(), local_first);
  RunResult bad = RunEncore("ingest --no-records --store " + Quote(twice) + " " + Quote(f[0]));
  EXPECT_EQ(bad.code, 2) << twice << ": " << bad.err;
  EXPECT_TRUE(Has(bad.err, "names one server twice")) << bad.err;
  std::string swapped = url;
  swapped.replace(scheme, slash - scheme, second + "," + first);
  bad = RunEncore("ingest --no-records --store " + Quote(swapped) + " " + Quote(f[0]));
  EXPECT_EQ(bad.code, 2) << swapped << ": " << bad.err;
  EXPECT_TRUE(Has(bad.err, "has its coordinator at " + first)) << bad.err;
}

}  // namespace
}  // namespace encore::test
