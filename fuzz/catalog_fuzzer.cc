// Fuzzes the catalog import: three CSV files (artists, releases, tracks) cut from one input at
// NUL bytes, validated and built. Any input must give a catalog or a list of problems.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "catalog/names.h"
#include "encore/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir =
      (std::filesystem::temp_directory_path() / ("encore-catalog-fuzz-" + std::to_string(::getpid()))).string();
  static const bool made = std::filesystem::create_directories(dir) || true;
  (void)made;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const char* names[] = {"artists.csv", "releases.csv", "tracks.csv"};
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    const size_t end = std::min(input.find('\0', start), input.size());
    std::ofstream(dir + "/" + names[i], std::ios::binary) << input.substr(start, end - start);
    start = std::min(end + 1, input.size());
  }
  std::vector<encore::CatalogIssue> issues;
  auto c = encore::Catalog::Load(dir, &issues);
  if (c.ok()) {
    for (const auto& t : c->tracks()) (void)encore::Resolve(*c, t.title);
  }
  (void)encore::SongKey(input, input);
  return 0;
}
