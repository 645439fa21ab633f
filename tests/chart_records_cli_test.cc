// The chart records journalists ask for, from the command line, on the real Hot 100: checked
// against an independent computation in Python over the raw file (tests/chart_records_expect.py),
// the first acts of a kind to top a chart (the demo catalog's attributes), and claims on them,
// every claim of a file checked and each failure reported in its row.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "shared_data.h"
#include "test_util.h"

namespace encore::test {
namespace {

using json = nlohmann::json;

const std::string kExpectPy = std::string(ENCORE_SOURCE_DIR) + "/tests/chart_records_expect.py";

json Records(const std::string& store, const std::string& args) {
  const RunResult r = RunEncore("records charts billboard-hot-100 " + args +
                                " --format json --store " + Quote(store));
  EXPECT_EQ(r.code, 0) << args << ": " << r.err;
  return r.code == 0 ? json::parse(r.out) : json();
}

std::set<std::string> TitlesWith(const json& rows, int value) {
  std::set<std::string> out;
  for (const auto& row : rows)
    if (row["value"] == value) out.insert(row["title"].get<std::string>());
  return out;
}

}  // namespace

TEST(ChartRecordsCli, TheHot100sRecordsAgreeWithPythonOverTheRawFile) {
  ENCORE_REQUIRE_SHARED_DATA(csv, "billboard-hot-100/hot100_all_weeks.csv");
  TempDir dir("chart-records");
  const std::string store = dir / "s";
  RunResult r = RunEncore("chart import " + Quote(csv.string()) + " --store " + Quote(store));
  ASSERT_EQ(r.code, 0) << r.err;
  // A store of imported charts alone is a store for every command.
  for (const char* cmd : {"status", "records fastest 1e9", "records most", "news", "export daily",
                          "rejects", "chart list"}) {
    const RunResult c = RunEncore(std::string(cmd) + " --store " + Quote(store));
    EXPECT_EQ(c.code, 0) << cmd << ": " << c.err;
  }
  const std::string out = dir / "expect.json";
  ASSERT_EQ(std::system(("python3 " + Quote(kExpectPy) + " " + Quote(csv.string()) + " >" +
                         Quote(out))
                            .c_str()),
            0);
  std::ifstream in(out);
  const json want = json::parse(in);

  // Most weeks at No. 1: the values of the first places, and who holds them (ties share a rank).
  const json at1 = Records(store, "--by weeks-at-1 --top 10")["songs"];
  ASSERT_GE(at1.size(), 5u);
  for (size_t i = 0; i < 3; ++i) {
    const int v = want["weeks_at_1"][i]["value"];
    EXPECT_EQ(at1[i]["value"], v) << i;
    EXPECT_TRUE(TitlesWith(at1, v).count(want["weeks_at_1"][i]["title"])) << i;
  }
  EXPECT_EQ(at1[0]["title"], "All I Want For Christmas Is You");
  EXPECT_EQ(at1[0]["value"], 22);
  EXPECT_EQ(at1[1]["rank"], 2);
  EXPECT_EQ(at1[2]["rank"], 2);  // Old Town Road and A Bar Song (Tipsy): 19 each

  // Most consecutive weeks at No. 1.
  const json row = Records(store, "--by consecutive-at-1 --top 5")["songs"];
  for (size_t i = 0; i < 3; ++i) {
    const int v = want["consecutive_at_1"][i]["value"];
    EXPECT_EQ(row[i]["value"], v) << i;
    EXPECT_TRUE(TitlesWith(row, v).count(want["consecutive_at_1"][i]["title"])) << i;
  }

  // The biggest climb from one edition to the next.
  const json climb = Records(store, "--by climb --top 3")["songs"];
  EXPECT_EQ(climb[0]["value"], want["climb"][0]["value"]);
  EXPECT_EQ(climb[0]["title"], want["climb"][0]["title"]);

  // Most entries on one edition, of an artist credited anywhere in the credit.
  for (const char* artist : {"Taylor Swift", "Morgan Wallen", "Drake", "The Beatles"}) {
    const json s = Records(store, std::string("--by simultaneous --artist \"") + artist + "\"");
    ASSERT_EQ(s["artists"].size(), 1u) << artist;
    EXPECT_EQ(s["artists"][0]["value"], want["simultaneous"][artist]) << artist;
  }

  // No. 1s as lead and as featured artist.
  const json lead = Records(store, "--by number-ones --artist Drake --credit primary");
  const json feat = Records(store, "--by number-ones --artist Drake --credit featured");
  const json any = Records(store, "--by number-ones --artist Drake");
  ASSERT_EQ(lead["artists"].size(), 1u);
  ASSERT_EQ(feat["artists"].size(), 1u);
  EXPECT_EQ(any["artists"][0]["value"].get<int>(),
            lead["artists"][0]["value"].get<int>() + feat["artists"][0]["value"].get<int>());
  EXPECT_NE(feat["artists"][0]["evidence"].get<std::string>().find("Work"), std::string::npos);

  // Claims on the records: every claim of the file is checked; a claim that does not parse, or
  // names nothing on the chart, is reported in its row and the others still are.
  const auto claims = dir / "claims.txt";
  std::ofstream(claims.c_str())
      << "# the Hot 100's records\n"
      << "weeks_at_no1(billboard-hot-100, song \"Mariah Carey - All I Want For Christmas Is You\")"
         " = 22\n"
      << "rank(chart_record(billboard-hot-100, weeks-at-1), song \"Shaboozey - A Bar Song "
         "(Tipsy)\") = 2\n"
      << "chart_record(billboard-hot-100, consecutive-at-1, song \"Lil Nas X - Old Town Road\") = "
         "19\n"
      << "not a claim\n"
      << "weeks_at_no1(billboard-hot-100, song \"Nobody - Nothing\") = 1\n"
      << "debut(billboard-hot-100, song \"Jung Kook - Seven\") = 2\n";
  r = RunEncore("check --format json --file " + Quote(claims) + " --store " +
                Quote(store));
  EXPECT_EQ(r.code, 2) << r.err;  // one claim does not parse
  const json checked = json::parse(r.out);
  EXPECT_EQ(checked["total"], 6);
  EXPECT_EQ(checked["hold"], 3);
  EXPECT_EQ(checked["do_not_hold"], 1);
  EXPECT_EQ(checked["errors"], 2);
  const json& rows = checked["claims"];
  ASSERT_EQ(rows.size(), 6u) << r.out;
  EXPECT_EQ(rows[0]["holds"], true) << rows[0];
  EXPECT_EQ(rows[1]["holds"], true) << rows[1];
  EXPECT_EQ(rows[2]["holds"], true) << rows[2];
  EXPECT_TRUE(rows[3]["holds"].is_null());
  EXPECT_EQ(rows[3]["where"], claims + ":5");
  EXPECT_TRUE(rows[4]["holds"].is_null());
  EXPECT_NE(rows[4]["error"].get<std::string>().find("not on billboard-hot-100"),
            std::string::npos);
  EXPECT_EQ(rows[5]["holds"], false);
  EXPECT_EQ(rows[5]["actual"], "1");
}

TEST(ChartRecordsCli, TheFirstActsOfAKindToTopAChart) {
  ENCORE_REQUIRE_SHARED_DATA(csv, "billboard-hot-100/hot100_all_weeks.csv");
  TempDir dir("chart-firsts");
  const std::string store = " --store " + Quote(dir / "s");
  ASSERT_EQ(RunEncore("catalog import " +
                      Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo") + store)
                .code,
            0);
  ASSERT_EQ(RunEncore("chart import " + Quote(csv.string()) + store).code, 0);
  RunResult r = RunEncore("records charts billboard-hot-100 --first 1 --where \"country = KR\" "
                          "--format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const json firsts = json::parse(r.out)["firsts"];
  ASSERT_GE(firsts.size(), 3u) << r.out;
  // BTS's Dynamite (2020-09-05), then Jimin's Like Crazy and Jung Kook's Seven (2023).
  EXPECT_EQ(firsts[0]["artist"], "BTS");
  EXPECT_EQ(firsts[0]["date"], "2020-09-05");
  EXPECT_EQ(firsts[0]["title"], "Dynamite");
  EXPECT_EQ(firsts[1]["artist"], "Jimin");
  EXPECT_EQ(firsts[2]["artist"], "Jung Kook");
  EXPECT_EQ(firsts[2]["date"], "2023-07-29");
  r = RunEncore("check 'first_on(billboard-hot-100, 1, \"country = KR and solo\") = artist "
                "\"Jimin\"'" + store);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("then Jung Kook (2023-07-29)"), std::string::npos) << r.out;
}

}  // namespace encore::test
