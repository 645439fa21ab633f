// Where the cases from the real world of ../shared/cases are (README.md there lists them with their
// right values), for the tests that read a case's input as it was handed over. A missing case
// fails the test under CI (CI=true), where it is always present, and skips it loudly elsewhere.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace encore::test {

// ../shared/cases/REL beside the repository, searched upward from the working directory (and
// beside the source tree); empty when absent.
inline std::filesystem::path SharedCasePath(const std::string& rel) {
  for (auto dir = std::filesystem::current_path();; dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "../shared/cases" / rel)) return dir / "../shared/cases" / rel;
    if (dir == dir.parent_path()) break;
  }
#ifdef ENCORE_SOURCE_DIR
  const std::filesystem::path beside =
      std::filesystem::path(ENCORE_SOURCE_DIR) / "../shared/cases" / rel;
  if (std::filesystem::exists(beside)) return beside;
#endif
  return {};
}

}  // namespace encore::test

// Declares `var` as the path of ../shared/cases/REL, or fails (CI) / skips (elsewhere) the test.
#define ENCORE_REQUIRE_SHARED_CASE(var, rel)                                             \
  const std::filesystem::path var = ::encore::test::SharedCasePath(rel);                 \
  if (var.empty()) {                                                                     \
    if (std::getenv("CI"))                                                               \
      FAIL() << "../shared/cases/" << (rel) << " is missing: real-world case cannot run"; \
    GTEST_SKIP() << "REAL-WORLD CASE MISSING: ../shared/cases/" << (rel)                 \
                 << " not found beside the repository";                                  \
  }
