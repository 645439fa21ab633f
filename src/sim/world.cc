// The worlds `encore simulate --world` and `encore demo` play (sim/world.h).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "catalog/names.h"
#include "common/byte_source.h"
#include "common/strings.h"
#include "sim/demo_catalog.h"
#include "sim/world.h"

namespace encore {

const std::vector<MarketSong>& DemoMarket() {
  static const std::vector<MarketSong> songs = [] {
    constexpr int kSlots = 200, kActs = 300;
    const Day from = DayFromCivil(2020, 5, 22), to = DayFromCivil(2024, 12, 31);
    uint64_t state = 0x5DEECE66Dull;
    auto next = [&state] {  // splitmix64
      uint64_t z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    auto uniform = [&next](int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); };
    std::vector<MarketSong> out;
    // Each slot of the market is held by one song after another; the first began before the data.
    for (int slot = 1; slot <= kSlots; ++slot) {
      const double level = 7e6 * std::pow(static_cast<double>(slot), -0.42);
      Day start = from - uniform(0, 240);
      while (start <= to) {
        const size_t n = out.size() + 1;
        char id[32], title[48], act[32], act_name[48];
        const int a = static_cast<int>((n * 7919) % kActs) + 1;
        std::snprintf(id, sizeof id, "mkt-%04zu", n);
        std::snprintf(title, sizeof title, "Market Song %04zu", n);
        std::snprintf(act, sizeof act, "mkt-act-%03d", a);
        std::snprintf(act_name, sizeof act_name, "Market Act %03d", a);
        MarketSong s;
        s.track.id = id;
        s.track.release = start;
        s.track.level = level * (0.85 + 0.3 * static_cast<double>(next() % 1000) / 1000.0);
        // The biggest hold for less time: a No. 1 lasts weeks, not a year.
        s.track.life = static_cast<int>(uniform(90, 330) * std::min(1.0, std::sqrt(slot / 8.0)));
        s.title = title;
        s.act_id = act;
        s.act_name = act_name;
        start += s.track.life;
        out.push_back(std::move(s));
      }
    }
    return out;
  }();
  return songs;
}

std::vector<MarketTrack> WorldMarket(const std::string& world) {
  std::vector<MarketTrack> out;
  if (world != "demo") return out;
  for (const MarketSong& s : DemoMarket()) out.push_back(s.track);
  return out;
}

Status WriteDemoCatalog(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  // The market's acts, singles and songs after the world's own rows.
  std::string acts, singles, songs;
  std::set<std::string> seen;
  for (const MarketSong& s : DemoMarket()) {
    // Acts from the markets that fill the global chart, the US most.
    static const char* kCountries[] = {"US", "US", "US", "US", "GB", "GB", "CA", "AU", "DE", "FR",
                                       "BR", "MX", "ES", "CO", "PR", "JP", "IN", "NG", "SE", "IT"};
    if (seen.insert(s.act_id).second) {
      acts += s.act_id + "," + s.act_name + ",group," +
              kCountries[std::stoul(s.act_id.substr(8)) % std::size(kCountries)] +
              ",,,,unranked,\n";
    }
    singles += s.track.id + "," + s.title + ",single," + FormatDate(s.track.release) + "," +
               s.act_id + "\n";
    songs += s.track.id + ",," + s.title + "," + s.track.id + ",180000," + s.act_id + ",\n";
  }
  for (const auto& [name, text, more] :
       {std::tuple{"artists.csv", kDemoArtists, &acts}, std::tuple{"releases.csv", kDemoReleases, &singles},
        std::tuple{"tracks.csv", kDemoTracks, &songs},
        std::tuple{"stories.csv", kDemoStories, static_cast<std::string*>(nullptr)}}) {
    const std::string path = dir + "/" + name;
    std::ofstream f(path, std::ios::binary);
    f << text;
    if (more && !more->empty()) {
      if (std::string_view(text).empty() || std::string_view(text).back() != '\n') f << "\n";
      f << *more;
    }
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
    // Unranked acts' songs (the demo's market, DemoMarket) are written on their own, not played
    // by popularity.
    if (c.AllUnranked(t.primary)) continue;
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

namespace {

std::vector<std::string> SplitOn(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t at = 0;
  while (true) {
    const size_t next = s.find(sep, at);
    out.emplace_back(Trim(s.substr(at, next == std::string_view::npos ? next : next - at)));
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  return out;
}

}  // namespace

Result<WorldStories> ParseStories(std::string_view text, const std::string& file,
                                  const Catalog& c) {
  WorldStories out;
  uint64_t line_no = 0;
  std::map<std::string, size_t> track_story;
  for (const std::string& raw : SplitOn(text, '\n')) {
    ++line_no;
    if (raw.empty() || raw[0] == '#' || line_no == 1) continue;
    const auto f = SplitOn(raw, ',');
    auto bad = [&](const std::string& why) {
      return Status::DataError(file + ":" + std::to_string(line_no) + ": " + why);
    };
    if (f.size() != 5) return bad("expected kind,subject,when,day,value");
    const std::string& kind = f[0];
    if (kind == "first-days" || kind == "reach") {
      if (!c.TrackById(f[1])) return bad("unknown track '" + f[1] + "'");
      auto [it, added] = track_story.emplace(f[1], out.tracks.size());
      if (added) out.tracks.push_back(TrackStory{f[1], {}, {}});
      TrackStory& t = out.tracks[it->second];
      if (kind == "first-days") {
        for (const auto& v : SplitOn(f[4], ';')) {
          const auto n = ParseInt64(v);
          if (!n || *n <= 0) return bad("streams must be positive integers, not '" + v + "'");
          t.first_days.push_back(*n);
        }
      } else {
        const auto day = ParseInt64(f[3]);
        const auto total = ParseInt64(f[4]);
        if (!day || *day < 0 || !total || *total <= 0) return bad("reach needs a day and a total");
        t.reach.emplace_back(static_cast<int>(*day), *total);
      }
    } else if (kind == "year") {
      const auto found = c.FindArtists(f[1]);
      if (found.size() != 1) return bad("unknown artist '" + f[1] + "'");
      ArtistStory a;
      a.artist = found[0]->name;
      for (const Track* t : c.TracksOf(*found[0], false)) a.tracks.push_back(t->id);
      for (const Track* t : c.TracksOf(*found[0], true)) a.tracks.push_back(t->id);
      const auto year = ParseInt64(f[2]);
      const auto day = ParseInt64(f[3]);
      const auto total = ParseInt64(f[4]);
      if (!year || !day || *day < 1 || *day > 366 || !total || *total <= 0)
        return bad("year needs a year, a day of the year and a total");
      a.year = static_cast<int>(*year);
      a.day_of_year = static_cast<int>(*day);
      a.streams = *total;
      out.artists.push_back(std::move(a));
    } else if (kind == "launch") {
      if (!c.TrackById(f[1])) return bad("unknown track '" + f[1] + "'");
      LaunchStory l;
      l.track = f[1];
      const auto ts = ParseTimestamp(f[2]);
      if (!ts || *ts % 3600 != 0) return bad("a launch needs the timestamp of an hour's start");
      l.ts = *ts;
      for (const auto& v : SplitOn(f[3], ';')) {
        const auto n = ParseInt64(v);
        if (!n || *n < 0) return bad("countries per hour must be integers, not '" + v + "'");
        l.countries.push_back(static_cast<int>(*n));
      }
      l.never = static_cast<int>(ParseInt64(f[4]).value_or(0));
      out.launches.push_back(std::move(l));
    } else {
      return bad("unknown kind '" + kind + "' (first-days, reach, year, launch)");
    }
  }
  return out;
}

Result<WorldStories> LoadStories(const std::string& world, const Catalog& c) {
  if (world == "demo") return ParseStories(kDemoStories, "stories.csv (demo)", c);
  const std::string path = world + "/stories.csv";
  if (!std::filesystem::exists(path)) return WorldStories{};
  ENCORE_ASSIGN_OR_RETURN(std::string text, ReadDecompressed(path));
  return ParseStories(text, path, c);
}

}  // namespace encore
