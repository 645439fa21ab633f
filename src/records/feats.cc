// Names to entities, counts in words, store No. 1s after a launch, and chart runs per song.
#include <algorithm>
#include <cmath>
#include <map>

#include "catalog/names.h"
#include "common/strings.h"
#include "encore/charts.h"
#include "encore/compile.h"
#include "encore/methodology.h"
#include "encore/records.h"
#include "encore/sales.h"

namespace encore {

std::optional<int64_t> ParseCount(std::string_view s) {
  std::string t;
  for (char c : Trim(s)) {
    if (c != ',' && c != '_') t += c;
  }
  if (t.empty()) return std::nullopt;
  double scale = 1;
  switch (t.back()) {
    case 'K':
    case 'k':
      scale = 1e3;
      break;
    case 'M':
    case 'm':
      scale = 1e6;
      break;
    case 'B':
    case 'b':
      scale = 1e9;
      break;
    default:
      break;
  }
  if (scale != 1) t.pop_back();
  if (auto i = ParseInt64(t); i && scale == 1) return *i >= 0 ? i : std::nullopt;
  // Decimal digits, a point and an exponent only: strtod would also take hex (0x10), inf and nan.
  if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
      }))
    return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  const double n = v * scale, whole = std::round(n);
  // A count is whole: 1.4B is (within the product's rounding), 1.5 is not (it was taken as 2).
  if (whole > 9e18 || std::fabs(n - whole) > 1e-9 * std::max(1.0, n)) return std::nullopt;
  return static_cast<int64_t>(whole);
}

namespace {

// A chart song of its own (a store track the catalog has no track for, named as a chart printed
// it: Catalog::AddChartSongs) by its title or "Artist - Title": among the versions of one song
// (Spotify lists a song under several URIs), the first the store counted. nullopt: none.
std::optional<Result<uint32_t>> FindChartSong(const RecordsUniverse& u, const Catalog& c,
                                              std::string_view name, const std::string& what) {
  const size_t dash = name.find(" - ");
  const std::string title_key = NormalizeName(ParseTitle(name).base);
  const std::string song_key =
      dash == std::string_view::npos ? "" : SongKey(name.substr(0, dash), name.substr(dash + 3));
  std::optional<uint32_t> best;
  std::vector<std::string> songs;
  for (const Catalog::ChartSong& s : c.chart_songs()) {
    if (c.TrackById(s.id)) continue;
    const bool match = dash == std::string_view::npos
                           ? NormalizeName(ParseTitle(s.title).base) == title_key
                           : SongKey(s.artist, s.title) == song_key;
    if (!match) continue;
    const auto e = u.Find(EntityKind::kTrack, s.id);
    if (!e) continue;
    const std::string key = SongKey(s.artist, s.title);
    if (std::find(songs.begin(), songs.end(), key) == songs.end()) songs.push_back(key);
    if (!best || *e < *best) best = *e;
  }
  if (songs.size() > 1) {
    return Result<uint32_t>(Status::InvalidArgument(
        what + " is ambiguous: " + std::to_string(songs.size()) +
        " chart songs have that title (write \"Artist - Title\" or the Spotify URI)"));
  }
  if (!best) return std::nullopt;
  return Result<uint32_t>(*best);
}

}  // namespace

Result<uint32_t> FindEntity(const RecordsUniverse& u, EntityKind kind, std::string_view name) {
  const Catalog* c = u.catalog();
  const std::string what = std::string(EntityKindName(kind)) + " '" + std::string(name) + "'";
  if (auto e = u.Find(kind, name)) return *e;
  if (!c) return Status::NotFound("no " + what + " (the store has no catalog)");
  if (kind == EntityKind::kArtist) {
    const auto found = c->FindArtists(name);
    if (found.size() > 1) return Status::InvalidArgument(what + " is ambiguous");
    if (found.empty()) return Status::NotFound("no " + what + " in the catalog");
    return *u.Find(kind, found[0]->id);
  }
  if (kind == EntityKind::kRelease) {
    std::vector<const Release*> found;
    for (const Release& r : c->releases()) {
      if (NormalizeName(r.title) == NormalizeName(name) ||
          NormalizeName(ParseTitle(r.title).base) == NormalizeName(name)) {
        found.push_back(&r);
      }
    }
    // As charts print it: "FACE (EP)", "GOLDEN (Deluxe)", or "Jimin - FACE (EP)".
    if (found.empty() && name.find(" - ") != std::string_view::npos) {
      found = Resolve(*c, name).releases;
    } else if (found.empty()) {
      const std::string want = NormalizeName(ParseAlbumTitle(name).base);
      for (const Release& r : c->releases())
        if (NormalizeName(ParseAlbumTitle(r.title).base) == want) found.push_back(&r);
    }
    if (found.size() > 1) return Status::InvalidArgument(what + " is ambiguous");
    if (found.empty()) return Status::NotFound("no " + what + " in the catalog");
    return *u.Find(kind, found[0]->id);
  }
  // Tracks and songs: "Artist - Title", or a title.
  std::vector<const Track*> versions;
  if (name.find(" - ") != std::string_view::npos) {
    const Resolution r = Resolve(*c, name);
    if (r.match) versions.push_back(r.match);
    for (const Track* t : r.versions) versions.push_back(t);
  } else {
    const std::string key = NormalizeName(name);
    std::vector<std::string> songs;
    for (const Track& t : c->tracks()) {
      if (NormalizeName(ParseTitle(t.title).base) != key) continue;
      versions.push_back(&t);
      if (std::find(songs.begin(), songs.end(), c->SongKeyOf(t)) == songs.end())
        songs.push_back(c->SongKeyOf(t));
    }
    if (songs.size() > 1) {
      return Status::InvalidArgument(what + " is ambiguous: " + std::to_string(songs.size()) +
                                     " songs have that title (write \"Artist - Title\")");
    }
  }
  if (versions.empty() && kind == EntityKind::kTrack) {
    if (auto found = FindChartSong(u, *c, name, what)) return *found;
  }
  if (versions.empty()) return Status::NotFound("no " + what + " in the catalog");
  if (kind == EntityKind::kSong) {
    if (auto e = u.Find(kind, c->SongKeyOf(*versions[0]))) return *e;
    return Status::NotFound("no " + what);
  }
  // A track: the version named, else the first original (or explicit) version with streams.
  std::stable_sort(versions.begin(), versions.end(), [](const Track* a, const Track* b) {
    auto rank = [](const Track* t) {
      const VersionKind k = ParseTitle(t->title).kind;
      return k == VersionKind::kOriginal || k == VersionKind::kExplicit ? 0 : 1;
    };
    return rank(a) < rank(b);
  });
  if (name.find(" - ") != std::string_view::npos) {
    if (auto e = u.Find(kind, versions[0]->id)) return *e;
  }
  for (const Track* t : versions) {
    if (auto e = u.Find(kind, t->id)) return *e;
  }
  return Status::NotFound(what + " has no streams in the store");
}

size_t StoreFeat::CountWithin(int64_t seconds) const {
  return static_cast<size_t>(std::count_if(tops.begin(), tops.end(),
                                           [&](const StoreTop& t) { return t.after <= seconds; }));
}

std::optional<int64_t> StoreFeat::TimeTo(size_t countries) const {
  if (countries == 0 || tops.size() < countries) return std::nullopt;
  return tops[countries - 1].after;
}

namespace {

// The tracks sold in each hour, read once per hour however many launches look at it.
using HourSales = std::map<int64_t, std::map<std::string, int64_t>>;

// The store a methodology counts ("" for all of them).
std::string StoreOf(const ChartMethod& m) {
  const auto* stores = m.Get("stores", 0);
  return stores && stores->size() == 1 ? (*stores)[0] : "";
}

// The first hour with a sale of `track` at `store`, from the day before its release to 2 days
// after: its launch. kNotFound when it sold nothing then.
Result<int64_t> FindLaunch(SalesData& sales, const Catalog* catalog, const std::string& store,
                           const std::string& track, HourSales* cache) {
  const Track* t = catalog ? catalog->TrackById(track) : nullptr;
  const Release* r = t ? catalog->ReleaseById(t->release_id) : nullptr;
  if (!r) {
    return Status::InvalidArgument("the catalog has no release date for " + track +
                                   ": give the launch time");
  }
  const int64_t from = static_cast<int64_t>(r->date - 1) * 86400;
  for (int64_t h = from; h < from + 4 * 86400; h += 3600) {
    auto it = cache->find(h);
    if (it == cache->end()) {
      ENCORE_ASSIGN_OR_RETURN(auto u, sales.Units(h, h + 3599, "track", "", store));
      it = cache->emplace(h, std::move(u)).first;
    }
    if (it->second.count(track)) return h;
  }
  return Status::NotFound("no store sales of " + track + " around its release");
}

Result<StoreFeat> NumberOnesFrom(SalesData& sales, const Catalog* catalog, const ChartMethod& m,
                                 const std::string& track, int64_t launch, int hours) {
  const std::string store = StoreOf(m);
  StoreFeat out;
  out.track = track;
  out.launch = launch - ((launch % 3600) + 3600) % 3600;
  ENCORE_ASSIGN_OR_RETURN(auto countries,
                          sales.Countries(out.launch, out.launch + hours * 3600LL - 1, store));
  for (const std::string& country : countries) {
    for (int h = 0; h < hours; ++h) {
      const int64_t hour = out.launch + h * 3600LL;
      ENCORE_ASSIGN_OR_RETURN(CompiledChart c, CompileStoreChart(sales, catalog, m, hour, country));
      if (!c.points.empty() && !c.points[0].tracks.empty() && c.points[0].tracks[0] == track) {
        out.tops.push_back({country, hour, hour + 3600 - out.launch});
        break;
      }
    }
  }
  std::sort(out.tops.begin(), out.tops.end(), [](const StoreTop& a, const StoreTop& b) {
    return a.after != b.after ? a.after < b.after : a.country < b.country;
  });
  return out;
}

}  // namespace

Result<StoreFeat> StoreNumberOnes(SalesData& sales, const Catalog* catalog, const ChartMethod& m,
                                  const std::string& track, std::optional<int64_t> launch,
                                  int hours) {
  if (!launch) {
    HourSales cache;
    ENCORE_ASSIGN_OR_RETURN(launch, FindLaunch(sales, catalog, StoreOf(m), track, &cache));
  }
  return NumberOnesFrom(sales, catalog, m, track, *launch, hours);
}

Result<std::vector<StoreFeat>> StoreLaunches(SalesData& sales, const Catalog& catalog,
                                             const ChartMethod& m, int hours, int64_t within,
                                             size_t countries) {
  // Tracks by release date, so that the hours read stay those of the releases at hand: the
  // cache holds the 4 days around one release date at most.
  std::vector<std::pair<Day, const Track*>> by_date;
  for (const Track& t : catalog.tracks()) {
    const Release* r = catalog.ReleaseById(t.release_id);
    if (r) by_date.emplace_back(r->date, &t);
  }
  std::stable_sort(by_date.begin(), by_date.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  HourSales cache;
  const std::string store = StoreOf(m);
  std::vector<StoreFeat> out;
  for (const auto& [date, track] : by_date) {
    const Track& t = *track;
    cache.erase(cache.begin(), cache.lower_bound(static_cast<int64_t>(date - 1) * 86400));
    auto launch = FindLaunch(sales, &catalog, store, t.id, &cache);
    if (!launch.ok()) {
      // A track without a release date, or unsold then, has no launch; a failed read fails all.
      if (launch.status().code() == StatusCode::kNotFound ||
          launch.status().code() == StatusCode::kInvalidArgument)
        continue;
      return launch.status();
    }
    ENCORE_ASSIGN_OR_RETURN(StoreFeat feat, NumberOnesFrom(sales, &catalog, m, t.id, *launch, hours));
    if (!feat.tops.empty()) out.push_back(std::move(feat));
  }
  std::stable_sort(out.begin(), out.end(), [&](const StoreFeat& x, const StoreFeat& y) {
    const size_t cx = x.CountWithin(within), cy = y.CountWithin(within);
    if (cx != cy) return cx > cy;
    return x.TimeTo(countries).value_or(INT64_MAX) < y.TimeTo(countries).value_or(INT64_MAX);
  });
  return out;
}

Result<std::vector<ChartFeat>> ChartFeats(ChartHistory& history, const std::string& chart) {
  ENCORE_ASSIGN_OR_RETURN(auto editions, history.Editions(chart));
  if (editions.empty()) return Status::NotFound("no editions of chart '" + chart + "'");
  editions = RepairEditions(LinkIdentities(std::move(editions)), nullptr);
  const auto runs = ComputeRuns(editions);
  const int period = ChartPeriod(editions);
  std::vector<ChartFeat> out;
  for (ChartRun& r : SongRuns(editions, runs)) {
    ChartFeat f;
    f.song = std::move(r.song);
    f.title = std::move(r.title);
    f.artist = std::move(r.artist);
    f.debut = r.first_position;
    f.peak = r.peak;
    f.weeks = r.weeks;
    f.weeks_at_1 = r.weeks_at_1;
    f.longest_at_1 = r.longest_at_1;
    f.first = r.first;
    f.last = r.last;
    f.debut_in_data = r.debut_in_data;
    f.weeks_at_1_before = r.weeks_at_1_before;
    f.period = period;
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(),
            [](const ChartFeat& a, const ChartFeat& b) { return a.song < b.song; });
  return out;
}

Result<std::vector<MetricMilestone>> ChartMetricMilestones(ChartHistory& history,
                                                           const std::string& chart, int64_t step,
                                                           const Catalog* catalog) {
  if (step <= 0) return Status::InvalidArgument("the step must be positive");
  ENCORE_ASSIGN_OR_RETURN(auto editions, history.Editions(chart));
  if (editions.empty()) return Status::NotFound("no editions of chart '" + chart + "'");
  editions = LinkIdentities(std::move(editions));
  struct Running {
    int64_t total = 0;
    int weeks = 0;
    bool carried_in = false, unranked = false;
  };
  std::map<std::string, Running> by_song;
  std::vector<MetricMilestone> out;
  bool any_metric = false;
  int64_t largest = 0;
  for (size_t i = 0; i < editions.size(); ++i) {
    const ChartEdition& ed = editions[i];
    for (const ChartEntry& e : ed.entries) {
      auto [it, fresh] = by_song.try_emplace(e.song);
      Running& r = it->second;
      if (fresh) {
        r.carried_in = i == 0;
        r.unranked = catalog && UnrankedCredit(*catalog, e.artist);
      }
      ++r.weeks;
      if (!e.metric) continue;
      any_metric = true;
      const int64_t before = r.total;
      r.total += *e.metric;
      largest = std::max(largest, r.total);
      if (r.unranked) continue;
      for (int64_t t = (before / step + 1) * step; t <= r.total; t += step) {
        if (out.size() == kMaxChartMilestones) {
          return Status::InvalidArgument(
              "a step of " + Thousands(step) + " gives more than " + Thousands(kMaxChartMilestones) +
              " milestones on " + chart + " (running totals reach " + Thousands(largest) +
              " by " + FormatDate(ed.date) + "): give a larger step");
        }
        out.push_back({e.title, e.artist, t, ed.date, r.weeks, r.total, r.carried_in});
      }
    }
  }
  if (!any_metric) {
    return Status::NotFound("chart '" + chart + "' keeps no points, units or streams");
  }
  return out;
}

}  // namespace encore
