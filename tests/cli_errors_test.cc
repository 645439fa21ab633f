// Every documented bad-input case gives its documented error: what, where, and the exit code of
// doc/cli.md.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace encore::test {
namespace {

// A store of the demo world's catalog and `days` days of its simulated plays from 2024-03-01
// (dir/p.csv), with `more` files ingested beside them: " --store DIR/s".
std::string DemoWorldStore(const TempDir& dir, int plays, int days, const std::string& more = "") {
  const std::string store = " --store " + Quote(dir / "s");
  EXPECT_EQ(RunEncore("simulate --world demo --plays " + std::to_string(plays) + " --days " +
                      std::to_string(days) + " --start 2024-03-01 --out " + Quote(dir / "p.csv"))
                .code,
            0);
  EXPECT_EQ(RunEncore("catalog import " + Quote(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo") + store).code, 0);
  EXPECT_EQ(RunEncore("ingest --no-progress " + Quote(dir / "p.csv") + more + store).code, 0);
  return store;
}

}  // namespace

TEST(CliErrors, MissingFileIsNamedAndTheRestIsIngested) {
  TempDir dir("missing");
  WriteText(dir / "ok.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-01T00:00:00Z,u,t,40000,US,free\n");
  const RunResult r = RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " +
                                Quote(dir / "nope.csv") + " " + Quote(dir / "ok.csv"));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Has(r.out, "nope.csv: FAILED: cannot open")) << r.out;
  EXPECT_TRUE(Has(r.out, "ok.csv: ingested")) << r.out;
  EXPECT_TRUE(Has(r.err, "1 of 2 files could not be ingested")) << r.err;
}

TEST(CliErrors, HeaderWithoutRequiredColumns) {
  TempDir dir("header");
  WriteText(dir / "h.csv", "ts,user,track,country,tier\n");
  const RunResult r =
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "h.csv"));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Has(r.out, "h.csv:1: a plays file needs the columns ms_played")) << r.out;
  WriteText(dir / "empty.csv", "");
  EXPECT_TRUE(Has(
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "empty.csv"))
          .out,
      "empty file"));
}

TEST(CliErrors, StrictModeStopsAtTheFirstBadLine) {
  TempDir dir("strict");
  WriteText(dir / "b.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-01T00:00:00Z,u,t,40000,US,free\n"
            "2024-01-01T00:00:00Z,u,t,40000,USA,free\n2024-01-01T00:00:00Z,u,t,-1,US,free\n");
  const RunResult r = RunEncore("ingest --strict --no-progress --store " + Quote(dir / "s") + " " +
                                Quote(dir / "b.csv"));
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(Has(r.err, "b.csv:3: bad_country (strict mode)")) << r.err;
  EXPECT_TRUE(Has(r.err, "without --strict")) << r.err;  // not "run the same command again"
  EXPECT_FALSE(Has(r.err, "run the same command again")) << r.err;
  // Nothing was committed: the store the run made is gone again.
  EXPECT_FALSE(std::filesystem::exists(dir / "s"));
}

TEST(CliErrors, CorruptCompressedInput) {
  TempDir dir("gz");
  WriteText(dir / "x.csv.gz", "this is not gzip data at all");
  const RunResult r =
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "x.csv.gz"));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Has(r.out, "x.csv.gz: FAILED: ")) << r.out;
  EXPECT_TRUE(Has(r.out, "gzip")) << r.out;
  WriteText(dir / "x.csv.zst", "\x28\xb5\x2f\xfd garbage");
  EXPECT_TRUE(Has(
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "x.csv.zst"))
          .out,
      "zstd"));
}

TEST(CliErrors, BadArgumentsAreUsageErrors) {
  TempDir dir("args");
  const RunResult r = RunEncore("simulate --start 2024-13-01 --out " + Quote(dir / "x.csv"));
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Has(r.err, "--start takes a date YYYY-MM-DD, not '2024-13-01'")) << r.err;
  EXPECT_EQ(RunEncore("frobnicate").code, 2);
  EXPECT_EQ(RunEncore("streams").code, 2);  // --track is required
  EXPECT_EQ(RunEncore("streams --store " + Quote(dir / "none") + " --track t").code,
            4);  // no store
}

TEST(CliErrors, LatePlaysAreRejectedAndKept) {
  TempDir dir("late");
  WriteText(dir / "a.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-10T00:00:00Z,u,t,40000,US,free\n");
  WriteText(dir / "b.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-02T00:00:00Z,u,t,40000,US,free\n");
  ASSERT_EQ(
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "a.csv"))
          .code,
      0);
  const RunResult r =
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "b.csv"));
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(Has(r.out, "late 1")) << r.out;
  const RunResult rej = RunEncore("rejects --reason late --store " + Quote(dir / "s"));
  EXPECT_TRUE(Has(rej.out, "b.csv:2: late: 2024-01-02T00:00:00Z,u,t,40000,US,free")) << rej.out;
  // An explicit seal works the same way.
  EXPECT_EQ(RunEncore("seal --before 2024-01-11 --store " + Quote(dir / "s")).code, 0);
  WriteText(dir / "c.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-10T05:00:00Z,u,t,40000,US,free\n");
  EXPECT_TRUE(
      Has(RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "c.csv"))
              .out,
          "late 1"));
}

TEST(CliErrors, CorruptStoreFileIsReported) {
  TempDir dir("corrupt");
  WriteText(dir / "a.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-10T00:00:00Z,u,t,40000,US,free\n");
  ASSERT_EQ(
      RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " + Quote(dir / "a.csv"))
          .code,
      0);
  for (const auto& e : std::filesystem::directory_iterator(dir / "s/data")) {
    if (e.path().extension() == ".seg") {
      std::string bytes = ReadText(e.path().string());
      bytes[bytes.size() / 2] ^= 0x55;
      WriteText(e.path().string(), bytes);
    }
  }
  const RunResult r = RunEncore("streams --track t --store " + Quote(dir / "s"));
  EXPECT_EQ(r.code, 5);
  EXPECT_TRUE(Has(r.err, "checksum mismatch")) << r.err;
}

TEST(CliErrors, TheCountingRuleOfAStoreCannotChange) {
  TempDir dir("rule");
  WriteText(dir / "a.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-10T00:00:00Z,u,t,40000,US,free\n");
  ASSERT_EQ(RunEncore("ingest --no-progress --cap 5 --store " + Quote(dir / "s") + " " +
                      Quote(dir / "a.csv"))
                .code,
            0);
  const RunResult r = RunEncore("ingest --no-progress --cap 20 --store " + Quote(dir / "s") + " " +
                                Quote(dir / "a.csv"));
  EXPECT_EQ(r.code, 5);
  EXPECT_TRUE(Has(r.err, "cap 5")) << r.err;
}

}  // namespace encore::test

#include "common/byte_source.h"

namespace encore::test {

TEST(ExactlyOnce, ReingestIsANoOpUnderAnyNameOrCompression) {
  TempDir dir("once");
  const std::string text =
      "ts,user,track,ms_played,country,tier\n2024-01-10T00:00:00Z,u,t,40000,US,free\n";
  WriteText(dir / "a.csv", text);
  WriteText(dir / "copy.csv", text);
  auto sink = OpenByteSink(dir / "a.csv.zst");
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(text.data(), text.size()).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  const std::string store = " --no-progress --store " + Quote(dir / "s") + " ";
  ASSERT_EQ(RunEncore("ingest" + store + Quote(dir / "a.csv")).code, 0);
  for (const char* name : {"a.csv", "copy.csv", "a.csv.zst"}) {
    const RunResult r = RunEncore("ingest" + store + Quote(dir / name));
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(Has(r.out, "already ingested")) << name << ": " << r.out;
  }
  EXPECT_TRUE(Has(RunEncore("status --store " + Quote(dir / "s")).out, "sources 1"));
  EXPECT_EQ(RunEncore("streams --format csv --track t --store " + Quote(dir / "s")).out,
            "date,streams,premium,free,unknown,cumulative\n2024-01-10,1,0,1,0,1\n");
}

}  // namespace encore::test

namespace encore::test {

// A store made by an ingest into which nothing went is taken away again; one given sales stays.
TEST(CliErrors, AnIngestThatTookNothingLeavesNoNewStore) {
  TempDir dir("unmake");
  const RunResult r = RunEncore("ingest --no-progress --store " + Quote(dir / "typo") + " " +
                                Quote(dir / "missing.csv"));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(Has(r.err, "removed again")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "typo"));
  WriteText(dir / "sales.csv",
            "ts,store,country,item,format,units\n2024-01-01T00:00:00Z,itunes,US,t1,track,5\n");
  ASSERT_EQ(RunEncore("ingest --no-progress --store " + Quote(dir / "s") + " " +
                      Quote(dir / "sales.csv"))
                .code,
            0);
  EXPECT_TRUE(std::filesystem::exists(dir / "s/MANIFEST"));
}

TEST(CliErrors, AStoreIsNotCreatedInsideADirectoryOfOtherFiles) {
  TempDir dir("notastore");
  WriteText(dir / "precious.txt", "keep me");
  WriteText(dir / "a.csv", "ts,user,track,ms_played,country,tier\n");
  const RunResult r =
      RunEncore("ingest --no-progress --store " + Quote(dir.path()) + " " + Quote(dir / "a.csv"));
  EXPECT_EQ(r.code, 5);
  EXPECT_TRUE(Has(r.err, "is not empty and is not an encore store")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "MANIFEST"));
}

}  // namespace encore::test

namespace encore::test {

TEST(Cli, ProgressBarOnlyOnATerminal) {
  TempDir dir("progress");
  WriteText(dir / "a.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-10T00:00:00Z,u,t,40000,US,free\n");
  const RunResult piped =
      RunEncore("ingest --store " + Quote(dir / "s1") + " " + Quote(dir / "a.csv"));
  EXPECT_EQ(piped.code, 0);
  // Not a terminal: no progress at all, only the note that the store is new.
  EXPECT_EQ(piped.err, "encore: " + (dir / "s1") + " held no store: a new one is made there\n");
  const RunResult again = RunEncore("ingest --store " + Quote(dir / "s1") + " " + Quote(dir / "a.csv"));
  EXPECT_EQ(again.err, "");
  // script(1) gives the command a pseudo-terminal and records what it draws. A machine without
  // pseudo-terminals (a chroot without /dev/pts) cannot show this: say so and skip.
  if (std::system("script -qfec true /dev/null >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no pseudo-terminal can be had here (script(1) failed): progress bar untested";
  }
  const std::string cmd = std::string(ENCORE_BINARY) + " ingest --store " + Quote(dir / "s2") +
                          " " + Quote(dir / "a.csv");
  const std::string run =
      "script -qfec " + Quote(cmd) + " " + Quote(dir / "tty.log") + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(run.c_str()), 0);
  const std::string drawn = ReadText(dir / "tty.log");
  EXPECT_TRUE(Has(drawn, "] 100% ")) << drawn;
  EXPECT_TRUE(Has(drawn, "\r\033[K")) << drawn;  // and cleared before the summary
}

}  // namespace encore::test

namespace encore::test {

// A store named like a URL of another scheme (or a ClickHouse URL that does not parse) is a usage
// error, for every command, before anything is written: not a local directory of that name.
TEST(CliErrors, AStoreUrlOfAnotherSchemeIsRefusedNotMadeADirectory) {
  TempDir dir("scheme");
  const std::string cd = "cd " + Quote(dir.path()) + " && ";
  for (const std::string store : {"http://127.0.0.1:8123/encore", "clickhouse:/127.0.0.1:8123/x",
                                  "clickhouse://127.0.0.1:notaport/x"}) {
    for (const std::string& cmd : {std::string("status"), "catalog import " + std::string(ENCORE_SOURCE_DIR) +
                                                "/catalog/demo"}) {
      const int rc = std::system((cd + ENCORE_BINARY + " " + cmd + " --store " + Quote(store) +
                                  " >/dev/null 2>" + Quote(dir / "err.txt"))
                                     .c_str());
      EXPECT_EQ(WEXITSTATUS(rc), 2) << cmd << " --store " << store;
      const std::string err = ReadText(dir / "err.txt");
      EXPECT_TRUE(Has(err, "clickhouse://HOST:PORT")) << err;
    }
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())
                  || (std::filesystem::exists(dir / "err.txt") &&
                      std::distance(std::filesystem::directory_iterator(dir.path()),
                                    std::filesystem::directory_iterator()) == 1))
      << "a directory was made for a URL";
}

// A ClickHouse store whose server does not answer: every command fails (exit 5, unavailable)
// before anything is written, the commands that keep only side data (catalog import) too.
TEST(CliErrors, AClickHouseStoreThatDoesNotAnswerChangesNothing) {
  TempDir dir("ch-down");
  const std::string state = dir / "state";
  const std::string env = "ENCORE_STATE_DIR=" + Quote(state) + " ";
  // Port 1 on loopback: nothing listens there.
  const std::string store = "clickhouse://127.0.0.1:1/encore";
  for (const std::string& cmd :
       {std::string("status"), "catalog import " + std::string(ENCORE_SOURCE_DIR) + "/catalog/demo",
        std::string("export daily --out -")}) {
    const int rc = std::system((env + ENCORE_BINARY + " " + cmd + " --store " + Quote(store) +
                                " >/dev/null 2>" + Quote(dir / "err.txt"))
                                   .c_str());
    EXPECT_EQ(WEXITSTATUS(rc), 5) << cmd;
    const std::string err = ReadText(dir / "err.txt");
    EXPECT_TRUE(Has(err, "127.0.0.1:1 does not answer, so nothing was done")) << cmd << ": " << err;
  }
  EXPECT_FALSE(std::filesystem::exists(state)) << "side data was kept for a server not there";
}

}  // namespace encore::test

namespace encore::test {

// A damaged listener set: the ingest that needs it fails, commits nothing, and does not advise
// running it again (it would fail the same way); reading it fails naming the file.
TEST(CliErrors, ADamagedListenerSetIsNamedAndNotRetried) {
  TempDir dir("damaged-lis");
  const std::string store = " --store " + Quote(dir / "s");
  WriteText(dir / "a.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-01T00:00:00Z,u1,t,40000,US,free\n");
  WriteText(dir / "b.csv",
            "ts,user,track,ms_played,country,tier\n2024-01-01T01:00:00Z,u2,t,40000,US,free\n");
  ASSERT_EQ(RunEncore("ingest --no-progress --seal-lag -1 " + Quote(dir / "a.csv") + store).code, 0);
  std::string lis;
  for (const auto& f : std::filesystem::directory_iterator(dir / "s/data")) {
    if (f.path().extension() == ".lis") lis = f.path().string();
  }
  ASSERT_FALSE(lis.empty());
  std::string bytes = ReadText(lis);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
  WriteText(lis, bytes);
  RunResult r = RunEncore("ingest --no-progress --seal-lag -1 " + Quote(dir / "b.csv") + store);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Has(r.err, ".lis: checksum mismatch")) << r.err;
  EXPECT_TRUE(Has(r.err, "nothing of this ingest was committed")) << r.err;
  EXPECT_TRUE(Has(r.err, "running again will fail the same way")) << r.err;
  EXPECT_FALSE(Has(r.err, "run the same command again")) << r.err;
  r = RunEncore("listeners" + store);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Has(r.err, ".lis: checksum mismatch")) << r.err;
}

}  // namespace encore::test

namespace encore::test {

// Issue 18: a mistyped command, option or listed value gets the nearest known ones, at exit 2.
TEST(CliErrors, MistypedCommandsOptionsAndValuesGetTheNearestKnown) {
  TempDir dir("mistyped");
  const std::string store = " --store " + Quote(dir / "s");
  struct Case {
    std::string args, says;
  };
  for (const Case& c : std::vector<Case>{
           {"statsu" + store, "unknown command 'statsu' (did you mean 'status'?)"},
           {"records fastst 1e9" + store, "encore records: unknown command 'fastst' (did you mean 'fastest'?)"},
           {"chart compil spotify-daily" + store, "unknown command 'compil' (did you mean 'compile'?)"},
           {"status --stor " + Quote(dir / "s"), "unknown option --stor (did you mean '--store'?)"},
           {"listeners --windw 7d" + store, "encore listeners: unknown option --windw (did you mean '--window'?)"},
           {"news --kind relase" + store, "relase not in {"},
           {"news --kind relase" + store, "(did you mean 'release'?)"},
           {"xyzzy", "unknown command 'xyzzy'; encore --help lists the commands"}}) {
    const RunResult r = RunEncore(c.args);
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_TRUE(Has(r.err, c.says)) << c.args << "\n" << r.err;
  }
  // Nothing was made of the store by a command that never ran.
  ASSERT_FALSE(std::filesystem::exists(dir / "s"));
  // A country named rather than coded filters as its code does.
  ASSERT_EQ(DemoWorldStore(dir, 20000, 3), store);
  const RunResult by_code = RunEncore("records most --kind artist --format json --where 'country = KR'" + store);
  const RunResult by_name = RunEncore("records most --kind artist --format json --where 'country = korea'" + store);
  ASSERT_EQ(by_code.code, 0) << by_code.err;
  ASSERT_EQ(by_name.code, 0) << by_name.err;
  EXPECT_TRUE(Has(by_code.out, "Jung Kook")) << by_code.out;
  auto standings = [](const std::string& out) {  // the title repeats the filter as given
    const size_t at = out.find("standings");
    return out.substr(at, out.find("\"title\"") - at);
  };
  EXPECT_EQ(standings(by_code.out), standings(by_name.out));
  const RunResult bad = RunEncore("records most --kind artist --where 'country = koreaa'" + store);
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(Has(bad.err, "not a country")) << bad.err;
  const RunResult service = RunEncore("records most --service spotfy" + store);
  EXPECT_EQ(service.code, 2);
  EXPECT_TRUE(Has(service.err, "(did you mean 'spotify'?); it has: spotify")) << service.err;
  // Mistyped values of --kind, --window and --tier get the nearest known one.
  for (const auto& [cmd, want] : std::vector<std::pair<std::string, std::string>>{
           {"records fastest 1e9 --kind trak", "(did you mean 'track'?)"},
           {"listeners --window mnth", "(did you mean 'month'?)"},
           {"ingest --no-progress --tier fre x.csv", "(did you mean 'free'?)"}}) {
    const RunResult typo = RunEncore(cmd + store);
    EXPECT_EQ(typo.code, 2) << cmd;
    EXPECT_TRUE(Has(typo.err, want)) << cmd << ": " << typo.err;
  }
  // A period in a filter of a command that counts none is refused, never ignored.
  for (const char* cmd : {"records fastest 1e6 --where 'year = 2024'",
                          "records milestones --where 'year = 2024 and solo'",
                          "listeners --kind artist --where 'year = 2024'"}) {
    const RunResult period = RunEncore(cmd + store);
    EXPECT_EQ(period.code, 2) << cmd;
    EXPECT_TRUE(Has(period.err, "sets the period of records most")) << cmd << ": " << period.err;
  }
  const RunResult claim =
      RunEncore("check 'rank(fastest_to(streams, 1e9, \"year = 2019\"), track \"Seven\") = 1'" + store);
  EXPECT_NE(claim.code, 0) << claim.out;
  EXPECT_TRUE(Has(claim.out + claim.err, "sets the period of records most")) << claim.out << claim.err;
  // Options before a chart subcommand are refused, never dropped; a mistyped subcommand that is
  // no chart either gets the subcommand meant.
  const RunResult before = RunEncore("chart --date 2024-01-07 run --track jk-seven" + store);
  EXPECT_EQ(before.code, 2);
  EXPECT_TRUE(Has(before.err, "--date came before 'run': a chart's name and options go after the subcommand")) << before.err;
  const RunResult lst = RunEncore("chart lst" + store);
  EXPECT_EQ(lst.code, 2);
  EXPECT_TRUE(Has(lst.err, "did you mean 'list'?")) << lst.err;
  // An output format that is not known is refused with the known ones; csv is the JSON's table.
  const RunResult xml = RunEncore("status --format xml" + store);
  EXPECT_EQ(xml.code, 2);
  EXPECT_TRUE(Has(xml.err, "xml not in {table,json,csv}")) << xml.err;
  const RunResult status_json = RunEncore("status --format json" + store);
  ASSERT_EQ(status_json.code, 0) << status_json.err;
  const auto st = nlohmann::json::parse(status_json.out);
  const RunResult status_csv = RunEncore("status --format csv" + store);
  ASSERT_EQ(status_csv.code, 0) << status_csv.err;
  EXPECT_EQ(std::count(status_csv.out.begin(), status_csv.out.end(), '\n'), 1 + st["sources"].size())
      << status_csv.out;
  // A chart name mistyped gets the nearest chart, kept or compiled; --table wants --format csv;
  // --top counts from 1.
  const RunResult wekly = RunEncore("chart spotify-wekly" + store);
  EXPECT_EQ(wekly.code, 4);
  EXPECT_TRUE(Has(wekly.err, "no chart 'spotify-wekly' (did you mean 'spotify-weekly'?)")) << wekly.err;
  const RunResult table = RunEncore("artist jungkook --table songs" + store);
  EXPECT_EQ(table.code, 2);
  EXPECT_TRUE(Has(table.err, "give --format csv too")) << table.err;
  const RunResult top0 = RunEncore("records most --top 0" + store);
  EXPECT_EQ(top0.code, 2);
  EXPECT_TRUE(Has(top0.err, "not in range 1")) << top0.err;
  const RunResult not_table = RunEncore("status --format csv --table rule" + store);
  EXPECT_EQ(not_table.code, 2);
  // A region that names no country is refused, not charted empty (ZZ is "unknown").
  for (const char* region : {"ZZ", "XX", "Narnia"}) {
    const RunResult r = RunEncore(std::string("chart spotify-weekly --date 2024-03-07 --region ") + region + store);
    EXPECT_EQ(r.code, 2) << region << r.out;
    EXPECT_TRUE(Has(r.err, "no region '")) << r.err;
  }
  EXPECT_EQ(RunEncore("chart spotify-weekly --date 2024-03-07 --region 'south korea'" + store).code, 0);
  // An empty table says so on standard error (with why, where the view says).
  const RunResult empty = RunEncore("news --kind withdrawn --format csv" + store);
  EXPECT_EQ(empty.code, 0) << empty.err;
  EXPECT_TRUE(empty.out.empty()) << empty.out;
  EXPECT_TRUE(Has(empty.err, "the table is empty")) << empty.err;
  // --help still exits 0.
  EXPECT_EQ(RunEncore("status --help").code, 0);
}

}  // namespace encore::test

namespace encore::test {

// Issue 18: `streams --track NAME` resolves a catalog name (a name of several tracks lists
// them), and --cumulative counts from the first day, not from --from.
TEST(Cli, StreamsTakeANameAndTheRunningTotalCountsFromTheFirstDay) {
  TempDir dir("streams-name");
  const std::string store = DemoWorldStore(dir, 30000, 6);
  const RunResult by_id = RunEncore("streams --track jk-3d --format csv" + store);
  const RunResult by_name = RunEncore("streams --track 'Jung Kook - 3D' --format csv" + store);
  ASSERT_EQ(by_id.code, 0) << by_id.err;
  ASSERT_EQ(by_name.code, 0) << by_name.err;
  EXPECT_GT(std::count(by_id.out.begin(), by_id.out.end(), '\n'), 3);
  EXPECT_EQ(by_id.out, by_name.out);
  EXPECT_TRUE(Has(by_name.err, "'Jung Kook - 3D' is jk-3d (3D")) << by_name.err;
  const RunResult many = RunEncore("streams --track Seven" + store);
  EXPECT_EQ(many.code, 2);
  EXPECT_TRUE(Has(many.err, "'Seven' names ")) << many.err;
  EXPECT_TRUE(Has(many.err, "jk-seven (")) << many.err;
  // The running total on each day from --from is the sum of every day up to it.
  std::istringstream all(by_id.out);
  std::string line;
  std::getline(all, line);
  std::map<std::string, long long> upto;
  long long sum = 0;
  while (std::getline(all, line)) {
    sum += std::stoll(line.substr(11, line.find(',', 11) - 11));
    upto[line.substr(0, 10)] = sum;
  }
  const std::string from = std::next(upto.begin(), 2)->first;
  const RunResult cum = RunEncore("streams --track jk-3d --cumulative --format csv --from " + from + store);
  ASSERT_EQ(cum.code, 0) << cum.err;
  std::istringstream c(cum.out);
  std::getline(c, line);
  int rows = 0;
  while (std::getline(c, line)) {
    EXPECT_EQ(std::stoll(line.substr(line.rfind(',') + 1)), upto.at(line.substr(0, 10))) << line;
    ++rows;
  }
  EXPECT_EQ(rows, static_cast<int>(upto.size()) - 2);
  // What is left out is said; a format the command does not write is refused, nothing written.
  const RunResult news = RunEncore("news --limit 1" + store);
  ASSERT_EQ(news.code, 0) << news.err;
  EXPECT_TRUE(Has(news.out, "(the latest 1 of ")) << news.out;
  const RunResult parquet = RunEncore("export daily --out " + Quote(dir / "x.parquet") + store);
  EXPECT_EQ(parquet.code, 2);
  EXPECT_TRUE(Has(parquet.err, "encore export writes CSV")) << parquet.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.parquet"));
}

}  // namespace encore::test

namespace encore::test {

// Issue 18: a chart with nothing in its region says where the region's streams end; without
// --date it shows the latest edition that has any.
TEST(Cli, AnEmptyChartSaysWhereItsRegionsStreamsEnd) {
  TempDir dir("empty-chart");
  // Worldwide totals a month after the plays: the store's counts run on without KR's.
  WriteText(dir / "later.csv",
            "date,country,track,streams,tier,service\n2024-04-10,GLOBAL,jk-seven,5000000,,spotify\n");
  const std::string store = DemoWorldStore(dir, 30000, 6, " " + Quote(dir / "later.csv"));
  // The last day with streams in KR, from the log: plays of 30 s or more (UTC dates: the log's
  // offsets move a play a day at most, so the answer is one of the log's last two days).
  const RunResult latest = RunEncore("chart spotify-weekly --country KR --format json" + store);
  ASSERT_EQ(latest.code, 0) << latest.err;
  EXPECT_TRUE(Has(latest.out, "the latest edition with streams in KR: they end on 2024-03-0")) << latest.out;
  EXPECT_TRUE(Has(latest.out, "\"position\": 1")) << latest.out;
  const RunResult dated = RunEncore("chart spotify-weekly --country KR --date 2024-04-10" + store);
  ASSERT_EQ(dated.code, 0) << dated.err;
  // (The edition on or before 2024-04-10: Friday 03-29 to Thursday 04-04.)
  EXPECT_TRUE(Has(dated.out, "note: no track has streams in KR in 2024-03-29..2024-04-04")) << dated.out;
  EXPECT_TRUE(Has(dated.out, "the last day with streams in KR is 2024-03-0")) << dated.out;
  // `chart explain` likewise: the latest edition with streams, or where they end; the track by
  // any name the catalog knows, the country by name.
  const RunResult explain = RunEncore("chart explain spotify-weekly --country KR --track jk-seven" + store);
  ASSERT_EQ(explain.code, 0) << explain.err;
  EXPECT_TRUE(Has(explain.out, ": No. ")) << explain.out;
  const RunResult by_name =
      RunEncore("chart explain spotify-weekly --country korea --track 'Jung Kook - 3D'" + store);
  ASSERT_EQ(by_name.code, 0) << by_name.err;
  EXPECT_TRUE(Has(by_name.out, "3D (feat. Jack Harlow) by Jung Kook feat. Jack Harlow: No. ")) << by_name.out;
  const RunResult too_late =
      RunEncore("chart explain spotify-weekly --country KR --track jk-seven --date 2024-04-10" + store);
  EXPECT_EQ(too_late.code, 4);
  EXPECT_TRUE(Has(too_late.err, "(the last day with streams in KR is 2024-03-0")) << too_late.err;
}

}  // namespace encore::test
