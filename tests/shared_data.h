// Where the real data of ../shared/data is, for the tests that read it. Missing data fails the
// test under CI (CI=true), where it is always present, and skips it loudly elsewhere.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace encore::test {

// ../shared/data/REL beside the repository, searched upward from the working directory; empty
// when absent.
inline std::filesystem::path SharedDataPath(const std::string& rel) {
  for (auto dir = std::filesystem::current_path();; dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "../shared/data" / rel)) return dir / "../shared/data" / rel;
    if (dir == dir.parent_path()) return {};
  }
}

}  // namespace encore::test

// Declares `var` as the path of ../shared/data/REL, or fails (CI) / skips (elsewhere) the test.
#define ENCORE_REQUIRE_SHARED_DATA(var, rel)                                            \
  const std::filesystem::path var = ::encore::test::SharedDataPath(rel);                \
  if (var.empty()) {                                                                    \
    if (std::getenv("CI"))                                                              \
      FAIL() << "../shared/data/" << (rel) << " is missing: real-data test cannot run"; \
    GTEST_SKIP() << "REAL DATA MISSING: ../shared/data/" << (rel)                       \
                 << " not found beside the repository";                                 \
  }
