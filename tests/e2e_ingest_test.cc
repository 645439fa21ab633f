// End to end: a simulated world split into files of every input format, with corrupted lines,
// ingested in shuffled order by the encore binary; every daily count is checked against SQLite
// SQL over the same lines, and every corrupted line must be found again among the rejects.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "common/byte_source.h"
#include "encore/simulate.h"
#include "sql_util.h"
#include "test_util.h"

namespace encore::test {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  return lines;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t c = s.find(',', start);
    out.push_back(s.substr(start, c == std::string::npos ? std::string::npos : c - start));
    if (c == std::string::npos) return out;
    start = c + 1;
  }
}

std::string ToJson(const std::vector<std::string>& f) {
  return "{\"ts\":\"" + f[0] + "\",\"user\":\"" + f[1] + "\",\"track\":\"" + f[2] +
         "\",\"ms_played\":" + f[3] + ",\"country\":\"" + f[4] + "\",\"tier\":\"" + f[5] + "\"}";
}

void WriteCompressed(const std::string& path, const std::string& text) {
  auto sink = OpenByteSink(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(text.data(), text.size()).ok());
  ASSERT_TRUE((*sink)->Close().ok());
}

}  // namespace

TEST(EndToEnd, CountsAgreeWithSqliteAndEveryBadLineIsKept) {
  TempDir dir("e2e");
  SimulateOptions so;
  so.plays = 240000;
  so.days = 12;
  so.seed = 99;
  so.out = dir / "world.csv";
  ASSERT_TRUE(Simulate(so).ok());
  std::vector<std::string> lines = SplitLines(ReadText(so.out));
  lines.erase(lines.begin());  // header

  // Corrupt about 0.4% of lines, each in one of several ways; remember them.
  std::mt19937_64 rng(11);
  const size_t kParts = 5;
  std::vector<std::vector<std::vector<std::string>>> parts(kParts);  // fields per line
  std::vector<std::vector<bool>> corrupt(kParts);
  for (const auto& line : lines) {
    auto f = SplitComma(line);
    bool bad = rng() % 250 == 0;
    if (bad) {
      switch (rng() % 7) {
        case 0:
          f.pop_back();
          break;  // a field short
        case 1:
          f[0][10] = ' ';
          break;  // no T in the timestamp
        case 2:
          f[3] = "-1";
          break;  // negative ms_played
        case 3:
          f[3] = "abc";
          break;
        case 4:
          f[4] = "u" + f[4].substr(1);
          break;  // lower-case country
        case 5:
          f[5] = "family";
          break;  // unknown tier
        case 6:
          f[0] = "2024-02-30T10:00:00Z";
          break;  // no such date
      }
    }
    const size_t p = rng() % kParts;
    parts[p].push_back(f);
    corrupt[p].push_back(bad);
  }
  const std::vector<std::string> names = {"a.csv", "b.csv.gz", "c.csv.zst", "d.jsonl",
                                          "e.jsonl.zst"};
  std::multiset<std::string> corrupted_texts;
  Sql sql;
  sql.Exec(
      "CREATE TABLE csv(file, line, nfields, ts, user, track, ms_played, country, tier);"
      "CREATE TABLE jsonl(file, line, doc);");
  sqlite3_stmt* ins_csv = sql.Prepare("INSERT INTO csv VALUES(?,?,?,?,?,?,?,?,?)");
  sqlite3_stmt* ins_json = sql.Prepare("INSERT INTO jsonl VALUES(?,?,?)");
  sql.Exec("BEGIN");
  uint64_t total_lines = 0;
  for (size_t p = 0; p < kParts; ++p) {
    const bool json = names[p].find(".jsonl") != std::string::npos;
    const std::string eol = p == 0 ? "\r\n" : "\n";  // one file with CRLF line ends
    std::string text = json ? "" : "ts,user,track,ms_played,country,tier" + eol;
    for (size_t i = 0; i < parts[p].size(); ++i) {
      const auto& f = parts[p][i];
      std::string line;
      if (json) {
        line = f.size() == 6 ? ToJson(f) : "{\"ts\":\"" + f[0] + "\",\"user\":\"" + f[1] + "\"";
      } else {
        for (size_t k = 0; k < f.size(); ++k) line += (k ? "," : "") + f[k];
      }
      text += line + eol;
      ++total_lines;
      if (corrupt[p][i]) corrupted_texts.insert(line);
      if (json) {
        sqlite3_bind_text(ins_json, 1, names[p].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins_json, 2, static_cast<int64_t>(i));
        sqlite3_bind_text(ins_json, 3, line.c_str(), -1, SQLITE_TRANSIENT);
        ASSERT_EQ(sqlite3_step(ins_json), SQLITE_DONE);
        sqlite3_reset(ins_json);
      } else {
        sqlite3_bind_text(ins_csv, 1, names[p].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins_csv, 2, static_cast<int64_t>(i));
        sqlite3_bind_int64(ins_csv, 3, static_cast<int64_t>(f.size()));
        for (int k = 0; k < 6; ++k) {
          if (static_cast<size_t>(k) < f.size()) {
            sqlite3_bind_text(ins_csv, 4 + k, f[static_cast<size_t>(k)].c_str(), -1,
                              SQLITE_TRANSIENT);
          } else {
            sqlite3_bind_null(ins_csv, 4 + k);
          }
        }
        ASSERT_EQ(sqlite3_step(ins_csv), SQLITE_DONE);
        sqlite3_reset(ins_csv);
      }
    }
    WriteCompressed(dir / names[p], text);
  }
  sql.Exec("COMMIT");
  sqlite3_finalize(ins_csv);
  sqlite3_finalize(ins_json);

  // The counting rule, written independently in SQL: validate, take the UTC day, cap each
  // (day, user, track, country) at 10 streams, premium first.
  sql.Exec(R"(
    CREATE TABLE jrows AS
      SELECT json_extract(doc, '$.ts') AS ts, json_extract(doc, '$.user') AS user,
             json_extract(doc, '$.track') AS track,
             CAST(json_extract(doc, '$.ms_played') AS TEXT) AS ms_played,
             json_extract(doc, '$.country') AS country, json_extract(doc, '$.tier') AS tier,
             json_type(doc, '$.ms_played') = 'integer' AS shape_ok
      FROM jsonl WHERE json_valid(doc);
    CREATE VIEW rows AS
      SELECT ts, user, track, ms_played, country, tier, nfields = 6 AS shape_ok FROM csv
      UNION ALL SELECT * FROM jrows;
    CREATE VIEW valid AS SELECT * FROM rows WHERE shape_ok
      AND ts GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'
      AND (substr(ts, 20) = 'Z' OR substr(ts, 20) GLOB '[+-][0-9][0-9]:[0-9][0-9]')
      AND date(julianday(substr(ts, 1, 10))) = substr(ts, 1, 10)
      AND length(user) BETWEEN 1 AND 64 AND length(track) BETWEEN 1 AND 64
      AND ms_played NOT GLOB '*[^0-9]*' AND ms_played <> '' AND CAST(ms_played AS INTEGER) <= 86400000
      AND country GLOB '[A-Z][A-Z]' AND tier IN ('premium', 'free');
    CREATE VIEW listener AS
      SELECT date(julianday(ts)) AS day, user, track, country,
             SUM(tier = 'premium') AS p, SUM(tier = 'free') AS f
      FROM valid WHERE CAST(ms_played AS INTEGER) >= 30000 GROUP BY 1, 2, 3, 4;
    CREATE VIEW capped AS
      SELECT day, track, country, MIN(p, 10) AS cp, MIN(f, 10 - MIN(p, 10)) AS cf FROM listener;
    CREATE VIEW expected AS
      SELECT day, country, track, 'premium' AS tier, SUM(cp) AS streams FROM capped
        GROUP BY 1, 2, 3 HAVING SUM(cp) > 0
      UNION ALL
      SELECT day, country, track, 'free', SUM(cf) FROM capped GROUP BY 1, 2, 3 HAVING SUM(cf) > 0;
  )");

  std::vector<std::string> order = {dir / names[0], dir / names[1], dir / names[2], dir / names[3],
                                    dir / names[4]};
  std::shuffle(order.begin(), order.end(), rng);
  std::string args = "ingest --no-progress --store " + Quote(dir / "store");
  for (const auto& f : order) args += " " + Quote(f);
  const RunResult ingest = RunEncore(args);
  ASSERT_EQ(ingest.code, 0) << ingest.out << ingest.err;

  const RunResult exported = RunEncore("export daily --store " + Quote(dir / "store"));
  ASSERT_EQ(exported.code, 0) << exported.err;
  std::map<std::string, int64_t> got;
  auto export_lines = SplitLines(exported.out);
  ASSERT_FALSE(export_lines.empty());
  EXPECT_EQ(export_lines[0], "date,country,track,streams,tier,service");
  for (size_t i = 1; i < export_lines.size(); ++i) {
    const auto f = SplitComma(export_lines[i]);
    ASSERT_EQ(f.size(), 6u);
    EXPECT_EQ(f[5], "spotify");
    got[f[0] + "," + f[1] + "," + f[2] + "," + f[4]] = std::stoll(f[3]);
    const auto key = std::make_tuple(f[0], f[1], f[2], f[4], f[5]);  // sorted by these columns
    if (i > 1) {
      const auto p = SplitComma(export_lines[i - 1]);
      EXPECT_LT(std::make_tuple(p[0], p[1], p[2], p[4], p[5]), key) << export_lines[i];
    }
  }
  std::map<std::string, int64_t> want;
  sqlite3_stmt* q = sql.Prepare("SELECT day, country, track, tier, streams FROM expected");
  while (sqlite3_step(q) == SQLITE_ROW) {
    std::string key;
    for (int c = 0; c < 4; ++c)
      key += std::string(c ? "," : "") + reinterpret_cast<const char*>(sqlite3_column_text(q, c));
    want[key] = sqlite3_column_int64(q, 4);
  }
  sqlite3_finalize(q);
  ASSERT_GT(want.size(), 10000u);
  EXPECT_EQ(got.size(), want.size());
  size_t mismatches = 0;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end() || it->second != v) {
      if (++mismatches <= 5)
        ADD_FAILURE() << k << ": encore " << (it == got.end() ? -1 : it->second) << ", SQLite "
                      << v;
    }
  }
  EXPECT_EQ(mismatches, 0u);

  // Lose nothing: every line is either valid or rejected, and the rejects are the corrupted lines.
  sqlite3_stmt* n = sql.Prepare("SELECT COUNT(*) FROM valid");
  ASSERT_EQ(sqlite3_step(n), SQLITE_ROW);
  const auto valid = static_cast<uint64_t>(sqlite3_column_int64(n, 0));
  sqlite3_finalize(n);
  EXPECT_EQ(valid + corrupted_texts.size(), total_lines);
  const RunResult rejects = RunEncore("rejects --format raw --store " + Quote(dir / "store"));
  ASSERT_EQ(rejects.code, 0) << rejects.err;
  const auto reject_lines = SplitLines(rejects.out);
  EXPECT_EQ(std::multiset<std::string>(reject_lines.begin(), reject_lines.end()), corrupted_texts);
  const RunResult table = RunEncore("rejects --store " + Quote(dir / "store"));
  EXPECT_NE(table.out.find("c.csv.zst:"), std::string::npos);  // file:line: reason: text
  // One file's rejects by its file name alone (what the HTTP API's status gives).
  const RunResult by_name = RunEncore("rejects --source c.csv.zst --store " + Quote(dir / "store"));
  ASSERT_EQ(by_name.code, 0) << by_name.err;
  EXPECT_NE(by_name.out.find("c.csv.zst:"), std::string::npos);

  // Exactly once: the same files again change nothing.
  const RunResult again = RunEncore(args);
  ASSERT_EQ(again.code, 0);
  EXPECT_EQ(std::count(again.out.begin(), again.out.end(), '\n') >= 5, true);
  EXPECT_NE(again.out.find("already ingested"), std::string::npos);
  EXPECT_EQ(RunEncore("export daily --store " + Quote(dir / "store")).out, exported.out);

  // An export re-ingested into a new store gives the same counts.
  WriteText(dir / "export.csv", exported.out);
  const RunResult reimport = RunEncore("ingest --no-progress --store " + Quote(dir / "store2") +
                                       " " + Quote(dir / "export.csv"));
  ASSERT_EQ(reimport.code, 0) << reimport.err;
  EXPECT_EQ(RunEncore("export daily --store " + Quote(dir / "store2")).out, exported.out);
}

TEST(EndToEnd, StreamsQueryMatchesTheExport) {
  TempDir dir("streams");
  WriteText(
      dir / "t.csv",
      "date,country,track,streams,tier\n"
      "2024-01-01,US,song,100,premium\n2024-01-01,US,song,50,free\n2024-01-01,GB,song,7,\n"
      "2024-01-02,US,song,10,premium\n2024-01-02,GLOBAL,song,1000,\n2024-01-03,KR,other,5,free\n");
  ASSERT_EQ(
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "t.csv"))
          .code,
      0);
  const RunResult csv =
      RunEncore("streams --store " + Quote(dir / "s") + " --track song --cumulative --format csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  // Worldwide: the sum over countries, unless GLOBAL rows exist for the day.
  EXPECT_EQ(csv.out,
            "date,streams,premium,free,unknown,cumulative\n"
            "2024-01-01,157,100,50,7,157\n"
            "2024-01-02,1000,0,0,1000,1157\n");
  const RunResult us =
      RunEncore("streams --store " + Quote(dir / "s") + " --track song --country US --format json");
  const auto us_view = nlohmann::json::parse(us.out);
  EXPECT_EQ(us_view["streams"], nlohmann::json::array({150, 10})) << us.out;
  EXPECT_EQ(us_view["country"], "US");
  EXPECT_EQ(RunEncore("streams --store " + Quote(dir / "s") + " --track nope").code, 4);

  // Counts are kept per service: plays of two services, one cap each.
  WriteText(dir / "p.csv",
            "ts,user,track,ms_played,country,tier,service\n"
            "2024-01-05T10:00:00Z,u1,song,40000,US,free,spotify\n"
            "2024-01-05T10:00:00Z,u1,song,40000,US,free,apple_music\n"
            "2024-01-05T10:00:00Z,u1,song,40000,US,free,\n");
  ASSERT_EQ(
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "p.csv"))
          .code,
      0);
  EXPECT_EQ(RunEncore("streams --store " + Quote(dir / "s") +
                      " --track song --from 2024-01-05 --service apple_music --format csv")
                .out,
            "date,streams,premium,free,unknown,cumulative\n2024-01-05,1,0,1,0,1\n");
  EXPECT_EQ(RunEncore("streams --store " + Quote(dir / "s") +
                      " --track song --from 2024-01-05 --format csv")
                .out,
            // The running total counts from the first day, not from --from: 1,157 before.
            "date,streams,premium,free,unknown,cumulative\n2024-01-05,3,0,3,0,1160\n");
  EXPECT_EQ(RunEncore("streams --store " + Quote(dir / "s") + " --track song --service tidal").code,
            4);
}

TEST(EndToEnd, StreamingHistoryCountsOneListener) {
  TempDir dir("history");
  WriteText(dir / "Streaming_History_Audio_2023.json", R"([
  {"ts": "2023-05-01T10:00:00Z", "ms_played": 200000, "conn_country": "DE", "spotify_track_uri": "spotify:track:abc", "master_metadata_track_name": "Song"},
  {"ts": "2023-05-01T10:05:00Z", "ms_played": 10000, "conn_country": "DE", "spotify_track_uri": "spotify:track:abc"},
  {"ts": "2023-05-01T11:00:00Z", "ms_played": 1800000, "conn_country": "DE", "spotify_track_uri": null, "episode_name": "A podcast"},
  {"ts": "2023-05-01 12:00", "ms_played": 200000, "conn_country": "DE", "spotify_track_uri": "spotify:track:abc"}
])");
  const RunResult no_user = RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " +
                                      Quote(dir / "Streaming_History_Audio_2023.json"));
  EXPECT_EQ(no_user.code, 1);
  EXPECT_NE(no_user.out.find("--user"), std::string::npos);
  const RunResult r = RunEncore("ingest --no-progress --user me --store " + Quote(dir / "s") + " " +
                                Quote(dir / "Streaming_History_Audio_2023.json"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("skipped (not plays of music) 1: podcast 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad_timestamp 1"), std::string::npos) << r.out;
  const RunResult s =
      RunEncore("streams --store " + Quote(dir / "s") + " --track spotify:track:abc --format csv");
  EXPECT_EQ(s.out, "date,streams,premium,free,unknown,cumulative\n2023-05-01,1,1,0,0,1\n");
}

}  // namespace encore::test

namespace encore::test {

TEST(EndToEnd, DemoTellsItsStoryFromTheData) {
  TempDir dir("demo");
  const RunResult r = RunEncore("demo --no-serve --plays 30000 --store " + Quote(dir / "demo"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("late-and-broken.csv:9: late: 2024-01-02T12:00:00Z"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("already ingested, nothing changed"), std::string::npos);
  EXPECT_NE(r.out.find("== 10. The store: 31 days"), std::string::npos);
  // The demo world is played and matched: Jung Kook's profile has stream totals, per track and
  // per song (every version of "Seven" together).
  EXPECT_NE(r.out.find("not in the catalog"), std::string::npos);
  EXPECT_NE(r.out.find("songs (all versions):"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    Seven                                  6 tracks"), std::string::npos);
  EXPECT_NE(r.out.find("streams counted as primary artist: "), std::string::npos);
  EXPECT_NE(r.out.find("Spotify-style Weekly Top 200, global, week 2024-01-19..2024-01-25"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Jung Kook (jungkook): person from KR (Asia), debut 2013-06-13"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("-> jk-seven-band (song \"Seven\", version band, 6 versions known)"),
            std::string::npos);
  std::filesystem::remove_all(dir / "demo-input");
}

}  // namespace encore::test
