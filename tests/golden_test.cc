// Golden tests of record behaviour (tests/golden/records/<case>/): a catalog and daily totals as
// input, the encore commands of `commands` run on them, and their output compared with
// `expected`. ENCORE_UPDATE_GOLDEN=1 rewrites `expected` (review the diff before committing).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "test_util.h"

namespace encore::test {
namespace {

const std::string kGolden = std::string(ENCORE_SOURCE_DIR) + "/tests/golden/records";

std::string RunCase(const std::string& case_dir, const std::string& store) {
  std::string out;
  RunResult r = RunEncore("catalog import " + Quote(case_dir) + " --store " + Quote(store));
  EXPECT_EQ(r.code, 0) << r.err;
  r = RunEncore("ingest " + Quote(case_dir + "/daily.csv") + " --no-progress --store " +
                Quote(store));
  EXPECT_EQ(r.code, 0) << r.err;
  std::istringstream commands(ReadText(case_dir + "/commands"));
  std::string line;
  while (std::getline(commands, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("@ingest ", 0) == 0) {  // more input; its report has timings: not compared
      r = RunEncore("ingest " + Quote(case_dir + "/" + line.substr(8)) + " --no-progress --store " +
                    Quote(store));
      EXPECT_EQ(r.code, 0) << r.err;
      out += "@ingest " + line.substr(8) + "\n";
      continue;
    }
    r = RunEncore(line + " --store " + Quote(store));
    out += "$ encore " + line + "\n" + r.out;
    if (r.code != 0) out += "[exit " + std::to_string(r.code) + "] " + r.err;
    out += "\n";
  }
  return out;
}

TEST(Golden, Records) {
  size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kGolden)) {
    if (!entry.is_directory()) continue;
    ++cases;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    TempDir dir("golden-" + name);
    const std::string actual = RunCase(entry.path().string(), dir / "s");
    const std::string expected_path = entry.path().string() + "/expected";
    if (std::getenv("ENCORE_UPDATE_GOLDEN")) WriteText(expected_path, actual);
    const std::string expected = ReadText(expected_path);
    EXPECT_EQ(actual, expected) << "golden case " << name << " differs; to accept the new output "
                                << "run with ENCORE_UPDATE_GOLDEN=1 and review the diff";
  }
  EXPECT_GT(cases, 0u);
}

}  // namespace
}  // namespace encore::test
