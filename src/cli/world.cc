// The worlds `encore simulate --world` plays: the demo world built into the binary, or any catalog
// directory.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "catalog/names.h"
#include "cli/commands.h"
#include "cli/demo_catalog.h"

namespace encore::cli {

Status WriteDemoCatalog(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (const auto& [name, text] :
       {std::pair{"artists.csv", kDemoArtists}, std::pair{"releases.csv", kDemoReleases},
        std::pair{"tracks.csv", kDemoTracks}}) {
    const std::string path = dir + "/" + name;
    std::ofstream f(path, std::ios::binary);
    f << text;
    f.close();
    if (!f) return Status::IoError("cannot write " + path);
  }
  return Status::Ok();
}

Result<Catalog> LoadWorld(const std::string& world) {
  std::vector<CatalogIssue> issues;
  if (world != "demo") {
    auto c = Catalog::Load(world, &issues);
    if (!c.ok() && !issues.empty()) {
      std::string all;
      for (const auto& i : issues) all += "\n  " + i.ToString();
      return Status::DataError(c.status().message() + ":" + all);
    }
    return c;
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("encore-world-" + std::to_string(::getpid())))
          .string();
  ENCORE_RETURN_IF_ERROR(WriteDemoCatalog(dir));
  auto c = Catalog::Load(dir, &issues);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return c;
}

std::vector<WorldTrack> WorldTracks(const Catalog& c) {
  // Songs rank by their order in the catalog; a song's first original (or explicit) track takes
  // its popularity, every other version or reissue a tenth of it.
  std::vector<WorldTrack> out;
  std::set<std::string> songs;
  int rank = 0;
  for (const Track& t : c.tracks()) {
    const ParsedTitle title = ParseTitle(t.title);
    const bool original =
        title.kind == VersionKind::kOriginal || title.kind == VersionKind::kExplicit;
    const bool first = songs.insert(c.SongKeyOf(t)).second && original;
    const Release* r = c.ReleaseById(t.release_id);
    WorldTrack w;
    w.id = t.id;
    w.release = r ? r->date : 0;
    w.duration_ms = t.duration_ms && *t.duration_ms > 30000 ? *t.duration_ms : 200000;
    w.weight = 2.0 / std::pow(static_cast<double>(rank + 1), 0.9) * (first ? 1.0 : 0.1);
    if (first) ++rank;
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace encore::cli
