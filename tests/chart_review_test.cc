// What a fresh review of the published-chart features broke, each now a test: claims on values
// the data holds only a lower bound of, the version a song claim means, editions replaced with
// other printed columns, names that are not text, repeated rows, charts that print nothing to
// check, implausible dates, claims files with a byte-order mark and comments, and bad options.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace encore::test {
namespace {


// The data starts with "Long Run" at No. 2 printing 30 weeks and a peak of No. 1 (its weeks at
// No. 1 before the data are unknown); "Song" and its remix share a song key.
const char* kChart =
    "chart,date,position,title,artist,last_week,peak,weeks\n"
    "t,2024-01-06,1,Song,Ann,,1,1\n"
    "t,2024-01-06,2,Long Run,Lee,3,1,30\n"
    "t,2024-01-06,3,Song - Remix,Ann,,3,1\n"
    "t,2024-01-13,1,Song,Ann,1,1,2\n"
    "t,2024-01-13,2,Long Run,Lee,2,1,31\n"
    "t,2024-01-13,3,Other,Otto,,3,1\n";

}  // namespace

TEST(ChartReview, ClaimsOnLowerBoundsVersionsAndClaimFiles) {
  TempDir dir("chart-review-claims");
  const std::string store = " --store " + Quote(dir / "s");
  WriteText(dir / "chart.csv", kChart);
  ASSERT_EQ(RunEncore("chart import " + Quote(dir / "chart.csv") + store).code, 0);
  // At least 0 weeks at No. 1: "= 0" cannot be decided, ">= 0" holds, "< 0" fails.
  RunResult r = RunEncore("check 'weeks_at_no1(t, song \"Lee - Long Run\") = 0'" + store);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "cannot tell: the value is at least 0")) << r.out;
  EXPECT_TRUE(Has(r.err, "cannot be decided: the data holds only a lower bound")) << r.err;
  EXPECT_EQ(RunEncore("check 'weeks_at_no1(t, song \"Lee - Long Run\") >= 0'" + store).code, 0);
  EXPECT_EQ(RunEncore("check 'weeks_at_no1(t, song \"Lee - Long Run\") < 0'" + store).code, 1);
  // Its debut is before the data: unknown, whatever the claim.
  r = RunEncore("check 'debut(t, song \"Lee - Long Run\") = 2'" + store);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Has(r.out, "the debut is before the data")) << r.out;
  // "Ann - Song" is the song so titled, not its remix (one song key).
  r = RunEncore(
      "check --format json 'peak(t, song \"Ann - Song - Remix\") = 3' "
      "'weeks_on_chart(t, song \"Ann - Song\") = 2'" +
      store);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // A claims file with a byte-order mark and comments after claims.
  WriteText(dir / "claims.txt",
            "\xEF\xBB\xBFpeak(t, song \"Ann - Song\") = 1  # the original\n"
            "# a line of its own\n"
            "weeks_on_chart(t, song \"Otto - Other\") = 1 #1 debut\n");
  r = RunEncore("check --format json --file " + Quote(dir / "claims.txt") + store);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const auto rows = nlohmann::json::parse(r.out)["claims"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["where"], (dir / "claims.txt") + ":3");
  // Options that mean nothing are refused.
  EXPECT_EQ(RunEncore("records charts t --first 0" + store).code, 2);
  EXPECT_EQ(RunEncore("records charts t --first 1 --by weeks" + store).code, 2);
  EXPECT_EQ(RunEncore("records charts t --format xml" + store).code, 2);
}

TEST(ChartReview, ImportsRefuseWhatIsNotAChartRow) {
  TempDir dir("chart-review-import");
  const std::string store = " --store " + Quote(dir / "s");
  WriteText(dir / "a.csv", kChart);
  ASSERT_EQ(RunEncore("chart import " + Quote(dir / "a.csv") + store).code, 0);
  // The same editions printing another weeks-on-chart figure: a replacement, refused without
  // --replace, and said what changed.
  std::string other = kChart;
  other.replace(other.find("Otto,,3,1"), 9, "Otto,,3,2");
  WriteText(dir / "b.csv", other);
  RunResult r = RunEncore("chart import " + Quote(dir / "b.csv") + store);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Has(r.err, "1 printing another last week, peak or weeks")) << r.err;
  // Names that are not text, implausible dates, printed zeros: rejected with their line.
  WriteText(dir / "bad.csv", std::string("chart,date,position,title,artist,last_week,peak,weeks\n"
                                         "u,2024-01-06,1,Ok,Ann,,1,1\n"
                                         "u,2024-01-06,2,Bad \xff\xfe,Ann,,2,1\n"
                                         "u,2024-01-06,3,Nul,A") +
                                 std::string(1, '\0') + "B,,3,1\n" +
                                 "u,9999-12-31,1,Future,Ann,,1,1\n"
                                 "u,0001-01-01,1,Past,Ann,,1,1\n"
                                 "u,2024-01-06,4,Zero,Zed,,0,1\n");
  r = RunEncore("chart import " + Quote(dir / "bad.csv") + store);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "bad.csv:3: rejected: title or artist is not UTF-8 text")) << r.out;
  EXPECT_TRUE(Has(r.out, "bad.csv:4: rejected: title or artist is not UTF-8 text")) << r.out;
  EXPECT_TRUE(Has(r.out, "bad.csv:5: rejected: implausible chart date 9999-12-31")) << r.out;
  EXPECT_TRUE(Has(r.out, "bad.csv:6: rejected: implausible chart date")) << r.out;
  EXPECT_TRUE(Has(r.out, "bad.csv:7: rejected: peak is 0")) << r.out;
  r = RunEncore("chart u --format json" + store);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["entries"].size(), 1u) << r.out;
  // One edition listed twice in one file: its rows count once.
  std::string twice = "chart,date,position,title,artist,last_week,peak,weeks\n";
  for (int k = 0; k < 2; ++k) twice += "w,2024-01-06,1,One,Ann,,1,1\nw,2024-01-06,2,Two,Bob,,2,1\n";
  WriteText(dir / "twice.csv", twice);
  ASSERT_EQ(RunEncore("chart import " + Quote(dir / "twice.csv") + store).code, 0);
  r = RunEncore("records charts w --by simultaneous --artist Ann --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["artists"][0]["value"], 1) << r.out;
  // A chart whose files print no columns has nothing to check.
  WriteText(dir / "bare.csv",
            "chart,date,position,title,artist,last_week,peak,weeks\n"
            "v,2024-01-06,1,One,Ann,,,\nv,2024-01-13,1,Two,Bob,,,\n");
  ASSERT_EQ(RunEncore("chart import " + Quote(dir / "bare.csv") + store).code, 0);
  r = RunEncore("chart verify v" + store);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "nothing printed to check")) << r.out;
}

}  // namespace encore::test
