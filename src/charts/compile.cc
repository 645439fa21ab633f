// Compiling charts from stored counts by a methodology.
#include "encore/compile.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "catalog/names.h"
#include "common/strings.h"

namespace encore {
namespace {

constexpr const char* kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                     "friday", "saturday", "sunday"};

int Weekday(Day d) { return static_cast<int>(((d % 7) + 7 + 3) % 7); }  // 0 = Monday

int WeekStart(const ChartMethod& m, Day date) {
  const std::string w = m.Word("week-starts", date, "friday");
  for (int i = 0; i < 7; ++i)
    if (w == kWeekdays[i]) return i;
  return 4;
}

int ChartDateOffset(const ChartMethod& m, Day date) {
  const std::string w = m.Word("chart-date", date, "end");
  return w.size() > 4 ? std::atoi(w.c_str() + 4) : 0;
}

bool Weekly(const ChartMethod& m, Day date) { return m.Word("period", date, "day") == "week"; }

// A weight or points in an explanation line: whole numbers with thousands separators
// (89,748,171), fractions to at most 6 significant digits (0.333333, 23.3333), never in
// scientific notation.
std::string Num(double v) {
  if (std::fabs(v) >= 1e6 || v == std::floor(v)) {
    const auto whole = static_cast<int64_t>(std::llround(v));
    return (whole < 0 ? "-" : "") + Thousands(whole < 0 ? -whole : whole);
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  if (std::strchr(buf, 'e')) std::snprintf(buf, sizeof buf, "%.10f", v);  // below 1e-4
  return buf;
}

// What an entry is on a chart: its identity, title, credit and lead artist.
struct Identity {
  std::string key, title, artist, lead;
};

Identity ReleaseIdentity(const Catalog& c, const Release& r) {
  return {"release:" + r.id, r.title, c.NamesOf(r.artists),
          r.artists.empty() ? "" : r.artists.front()};
}

// The entry a store track or a sold item counts for: the catalog track, or its song with versions
// combined, or its release for album units; a name the catalog does not know stands for itself
// (nullopt for album units: it is on no release).
std::optional<Identity> IdentityOf(const Catalog* catalog, const std::string& name, bool album,
                                   bool combine) {
  const Track* t = catalog ? catalog->TrackById(name) : nullptr;
  if (album) {
    const Release* r = t ? catalog->ReleaseById(t->release_id) : nullptr;
    if (!r) return std::nullopt;
    return ReleaseIdentity(*catalog, *r);
  }
  if (!t) return Identity{name, name, "", ""};
  Identity id{t->id, t->title, catalog->CreditOf(*t), t->primary.empty() ? "" : t->primary.front()};
  if (combine) {
    id.key = "song:" + catalog->SongKeyOf(*t);
    id.title = ParseTitle(t->title).base;
  }
  return id;
}

// An empty chart of a methodology for a region and date, counting [from, to].
CompiledChart NewChart(const ChartMethod& m, const std::string& region, Day date, Day from,
                       Day to) {
  CompiledChart c;
  c.chart = m.name;
  c.region = region;
  c.date = date;
  c.from = from;
  c.to = to;
  c.edition.chart = m.name + ":" + region;
  c.edition.date = date;
  return c;
}

// A chart entry for a store track, named from the catalog where it knows the track.
ChartEntry TrackEntry(const Catalog* catalog, const std::string& track, int position,
                      int64_t metric) {
  const Identity id = *IdentityOf(catalog, track, false, false);
  ChartEntry e;
  e.position = position;
  e.song = id.key;
  e.title = id.title;
  e.artist = id.artist;
  e.metric = metric;
  return e;
}

// Streams per store track and tier over the period, for the region.
struct TrackStreams {
  int64_t tier[3] = {0, 0, 0};
};

using PeriodTrackStreams = std::vector<std::pair<uint32_t, TrackStreams>>;

// The services a methodology counts on `date`: a flag per store service id.
std::vector<char> WantedServices(const CountStore& store, const ChartMethod& m, Day date) {
  std::vector<char> wanted(store.services().size());
  const auto* services = m.Get("services", date);
  for (size_t s = 0; s < wanted.size(); ++s) {
    wanted[s] = !services || std::find(services->begin(), services->end(), store.services()[s]) !=
                                 services->end();
  }
  return wanted;
}

// A chart region as PeriodStreams takes it: a country, or the world (with or without the US).
Status ParseRegion(const std::string& region, std::optional<CountryCode>* country, bool* excl_us) {
  *excl_us = region == "global-excl-us";
  if (region == "global" || *excl_us) return Status::Ok();
  *country = ParseCountry(region, false);
  if (!*country) return Status::InvalidArgument("not a region: '" + region + "'");
  return Status::Ok();
}

// On a store that runs queries (a cluster): the periods' sums, made there in one query
// (CountStore::PeriodChartStreams), each sorted by track.
Result<std::vector<PeriodTrackStreams>> QueriedPeriodStreams(
    const CountStore& store, const std::vector<char>& wanted,
    const std::vector<std::pair<Day, Day>>& periods, const std::string& region) {
  ChartStreamsQuery q;
  ENCORE_RETURN_IF_ERROR(ParseRegion(region, &q.country, &q.excl_us));
  q.periods = periods;
  q.services = wanted;
  q.global = !q.country;
  ENCORE_ASSIGN_OR_RETURN(auto rows, store.PeriodChartStreams(q));
  std::sort(rows.begin(), rows.end(), [](const RegionTrackStreams& a, const RegionTrackStreams& b) {
    return a.period != b.period ? a.period < b.period : a.track < b.track;
  });
  std::vector<PeriodTrackStreams> out(periods.size());
  for (const auto& r : rows) {
    if (r.period >= out.size()) return Status::Corruption("a chart row of period " + std::to_string(r.period));
    TrackStreams ts;
    for (size_t t = 0; t < 3; ++t) ts.tier[t] = r.tier[t];
    out[r.period].emplace_back(r.track, ts);
  }
  return out;
}

Result<PeriodTrackStreams> PeriodStreams(const CountStore& store, const ChartMethod& m, Day from,
                                         Day to, const std::string& region) {
  const std::vector<char> wanted = WantedServices(store, m, to);
  std::optional<CountryCode> country;
  bool excl_us = false;
  ENCORE_RETURN_IF_ERROR(ParseRegion(region, &country, &excl_us));
  if (store.RunsQueries()) {
    ENCORE_ASSIGN_OR_RETURN(auto one, QueriedPeriodStreams(store, wanted, {{from, to}}, region));
    return std::move(one.front());
  }
  const CountryCode us = *ParseCountry("US", false);
  // Dense by track id: the days' rows come sorted by (service, track, country).
  std::vector<TrackStreams> by_track(store.tracks().size());
  std::vector<char> seen(store.tracks().size());
  for (Day d : store.Days()) {
    if (d < from || d > to) continue;
    uint64_t group = UINT64_MAX;
    int64_t countries[3] = {0, 0, 0}, glob[3] = {0, 0, 0}, us_sum[3] = {0, 0, 0};
    bool has_global = false;
    auto flush = [&] {
      if (group == UINT64_MAX || country) return;
      const uint32_t track = static_cast<uint32_t>(group & 0xffffffffULL);
      for (size_t t = 0; t < 3; ++t) {
        const int64_t base = has_global ? glob[t] : countries[t];
        by_track[track].tier[t] += excl_us ? std::max<int64_t>(0, base - us_sum[t]) : base;
        countries[t] = glob[t] = us_sum[t] = 0;
      }
      seen[track] = 1;
      has_global = false;
    };
    ENCORE_RETURN_IF_ERROR(store.ScanCounts(d, [&](const CountRow* rows, size_t n) {
      for (size_t i = 0; i < n; ++i) {
        const CountRow& r = rows[i];
        if (!wanted[CellService(r.cell)]) continue;
        const CountryCode c = CellCountry(r.cell);
        const size_t t = static_cast<size_t>(r.tier);
        if (country) {
          if (c != *country) continue;
          by_track[CellTrack(r.cell)].tier[t] += r.streams;
          seen[CellTrack(r.cell)] = 1;
          continue;
        }
        // Worldwide, per (service, track): the GLOBAL rows where the day has them, else the sum
        // over countries (the rule of QueryStreams); without the US where asked.
        const uint64_t g = r.cell >> kCountryBits;
        if (g != group) {
          flush();
          group = g;
        }
        if (c == kGlobalCountry) {
          glob[t] += r.streams;
          has_global = true;
        } else {
          countries[t] += r.streams;
          if (c == us) us_sum[t] += r.streams;
        }
      }
      return Status::Ok();
    }));
    flush();
  }
  // A track with nothing left (all its streams in the US, on the world less the US) is not on
  // the chart.
  std::vector<std::pair<uint32_t, TrackStreams>> out;
  for (uint32_t t = 0; t < by_track.size(); ++t) {
    const TrackStreams& ts = by_track[t];
    if (seen[t] && (ts.tier[0] || ts.tier[1] || ts.tier[2])) out.emplace_back(t, ts);
  }
  return out;
}

// Ranks every identity of the period (no size cut): edition entries with their points.
// `given`: the period's streams, read already (a series on a cluster reads its weeks together).
Result<CompiledChart> RankAll(const CountStore& store, const Catalog* catalog, const ChartMethod& m,
                              Day date, const std::string& region, SalesData* sales,
                              PeriodTrackStreams* given = nullptr) {
  ENCORE_ASSIGN_OR_RETURN(auto period, ChartPeriod(m, date));
  const auto* regions = m.Get("regions", date);
  bool allowed = !regions;
  if (regions) {
    for (const auto& r : *regions) {
      allowed = allowed || r == region ||
                (r == "countries" && region != "global" && region != "global-excl-us");
    }
  }
  if (!allowed) {
    std::string list;
    for (const auto& r : *regions) list += (list.empty() ? "" : ", ") + r;
    return Status::InvalidArgument(m.name + " is compiled for " + list + ", not '" + region + "'");
  }
  CompiledChart c = NewChart(m, region, date, period.first, period.second);
  PeriodTrackStreams streams;
  if (given) {
    streams = std::move(*given);
  } else {
    ENCORE_ASSIGN_OR_RETURN(streams, PeriodStreams(store, m, c.from, c.to, region));
  }

  const bool album = m.Word("unit", date, "track") == "album";
  const bool combine = m.Word("combine-versions", date, "no") == "yes";
  if ((album || combine) && !catalog) {
    return Status::FailedPrecondition(m.name + " needs the catalog (" +
                                      (album ? "album units" : "versions combined") +
                                      "): encore catalog import");
  }
  const double w[3] = {m.Number("weight premium", date, 0), m.Number("weight free", date, 0),
                       m.Number("weight unknown", date, 0)};
  struct Group {
    std::string key, title, artist, lead;
    PointsBreakdown p;
  };
  std::unordered_map<std::string, Group> groups;
  size_t no_album = 0;
  for (const auto& [track, ts] : streams) {
    const std::string& name = store.tracks()[track];
    const auto id = IdentityOf(catalog, name, album, combine);
    if (!id) {
      ++no_album;
      continue;
    }
    const std::string& key = id->key;
    Group& g = groups[key];
    if (g.key.empty()) g = {key, id->title, id->artist, id->lead, {}};
    g.p.premium += ts.tier[0];
    g.p.free += ts.tier[1];
    g.p.unknown += ts.tier[2];
    g.p.tracks.push_back(name);
  }
  if (no_album) {
    c.notes.push_back(std::to_string(no_album) +
                      " tracks with streams are on no catalog release: they count for no album");
  }
  // Sales and airplay, for the methodologies that weigh them.
  struct Extra {
    const char* component;  // the weight's name
    const char* label;
    std::map<std::string, int64_t> per_item;
  };
  std::vector<Extra> extras;
  const double w_track_sale = m.Number("weight track-sale", date, 0);
  const double w_album_sale = m.Number("weight album-sale", date, 0);
  const double w_airplay = m.Number("weight airplay", date, 0);
  if (sales && (w_track_sale > 0 || w_album_sale > 0 || w_airplay > 0)) {
    const std::string country = region == "global" || region == "global-excl-us" ? "" : region;
    const int64_t from = static_cast<int64_t>(c.from) * 86400,
                  to = static_cast<int64_t>(c.to) * 86400 + 86399;
    auto units = [&](const std::string& format) -> Result<std::map<std::string, int64_t>> {
      ENCORE_ASSIGN_OR_RETURN(auto all, sales->Units(from, to, format, country, ""));
      if (region == "global-excl-us") {
        ENCORE_ASSIGN_OR_RETURN(auto us, sales->Units(from, to, format, "US", ""));
        for (const auto& [item, n] : us) all[item] -= n;
      }
      return all;
    };
    if (w_track_sale > 0) {
      ENCORE_ASSIGN_OR_RETURN(auto u, units("track"));
      extras.push_back({"track-sale", "track sales", std::move(u)});
    }
    if (w_album_sale > 0) {
      ENCORE_ASSIGN_OR_RETURN(auto u, units("album"));
      extras.push_back({"album-sale", "album sales", std::move(u)});
    }
    if (w_airplay > 0) {
      // Airplay weeks may end later than the tracking week (Billboard: Monday to Sunday).
      const std::string ends = m.Word("airplay-week", date, "end");
      const int shift = ends.size() > 4 ? std::atoi(ends.c_str() + 4) : 0;
      ENCORE_ASSIGN_OR_RETURN(auto a, sales->Audience(c.from + shift, c.to + shift, country));
      if (region == "global-excl-us") {
        ENCORE_ASSIGN_OR_RETURN(auto us, sales->Audience(c.from + shift, c.to + shift, "US"));
        for (const auto& [item, n] : us) a[item] -= n;
      }
      extras.push_back({"airplay", "airplay audience", std::move(a)});
    }
  }
  for (const Extra& x : extras) {
    const double weight = m.Number(std::string("weight ") + x.component, date, 0);
    for (const auto& [item, n] : x.per_item) {
      if (n <= 0) continue;
      // The item's entry: as for streams (a release for album sales, on album charts only).
      std::optional<Identity> id;
      if (std::string(x.component) == "album-sale") {
        const Release* r = album && catalog ? catalog->ReleaseById(item) : nullptr;
        if (r) id = ReleaseIdentity(*catalog, *r);
      } else {
        id = IdentityOf(catalog, item, album, combine);
      }
      if (!id) continue;  // on no catalog release, or an album sale on a chart of songs
      const std::string& key = id->key;
      Group& g = groups[key];
      if (g.key.empty()) g = {key, id->title, id->artist, id->lead, {}};
      const double pts = static_cast<double>(n) * weight;
      g.p.points += pts;
      g.p.lines.push_back(std::string(x.label) + " " + Thousands(n) + " (" + item + ") x " +
                          Num(weight) + " = " + Num(pts));
    }
  }
  std::vector<Group*> ranked;
  ranked.reserve(groups.size());
  for (auto& [key, g] : groups) {
    std::sort(g.p.tracks.begin(), g.p.tracks.end());
    const int64_t tiers[3] = {g.p.premium, g.p.free, g.p.unknown};
    const char* names[3] = {"premium", "free", "unknown-tier"};
    for (size_t t = 0; t < 3; ++t) {
      if (!tiers[t]) continue;
      const double pts = static_cast<double>(tiers[t]) * w[t];
      g.p.points += pts;
      g.p.stream_points += pts;
      g.p.lines.push_back(std::string(names[t]) + " streams " + Thousands(tiers[t]) + " x " +
                          Num(w[t]) + " = " + Num(pts));
    }
    ranked.push_back(&g);
  }
  // Ties: more points first; on equal points more premium streams, then the identity's key.
  std::sort(ranked.begin(), ranked.end(), [](const Group* a, const Group* b) {
    if (a->p.points != b->p.points) return a->p.points > b->p.points;
    if (a->p.premium != b->p.premium) return a->p.premium > b->p.premium;
    return a->key < b->key;
  });
  for (const char* comp : {"track-sale", "album-sale", "airplay"}) {
    if (m.Number(std::string("weight ") + comp, date, 0) > 0 && !sales) {
      c.notes.push_back(std::string(comp) +
                        " is a component of this methodology; the store has no sales or airplay "
                        "(encore ingest sales.csv / airplay.csv), so it adds nothing");
    }
  }
  for (Group* g : ranked) {
    ChartEntry e;
    e.title = g->title;
    e.artist = g->artist;
    e.song = g->key;
    e.id = g->lead;  // the lead artist id, for the three-track rule
    e.metric = static_cast<int64_t>(std::llround(g->p.points));
    c.edition.entries.push_back(std::move(e));
    c.points.push_back(std::move(g->p));
  }
  return c;
}

// Keeps the entries for which keep(i) holds, in order.
void Filter(CompiledChart* c, const std::function<bool(size_t)>& keep) {
  std::vector<ChartEntry> entries;
  std::vector<PointsBreakdown> points;
  for (size_t i = 0; i < c->edition.entries.size(); ++i) {
    if (!keep(i)) continue;
    entries.push_back(std::move(c->edition.entries[i]));
    points.push_back(std::move(c->points[i]));
  }
  c->edition.entries = std::move(entries);
  c->points = std::move(points);
}

// The three-track rule, then the size; positions 1..n.
void Finish(const ChartMethod& m, CompiledChart* c, bool all = false) {
  const int max_per_lead = static_cast<int>(m.Number("max-per-lead-artist", c->date, 0));
  const size_t size = static_cast<size_t>(m.Number("size", c->date, 100));
  if (max_per_lead > 0) {
    std::unordered_map<std::string, int> per_lead;
    size_t kept = 0;
    Filter(c, [&](size_t i) {
      const ChartEntry& e = c->edition.entries[i];
      if (!e.id.empty() && ++per_lead[e.id] > max_per_lead) {
        if (kept < size) {
          c->notes.push_back("not eligible (more than " + std::to_string(max_per_lead) +
                             " songs as lead artist): " + e.title + " by " + e.artist);
        }
        return false;
      }
      ++kept;
      return true;
    });
  }
  if (!all) Filter(c, [&](size_t i) { return i < size; });
  for (size_t i = 0; i < c->edition.entries.size(); ++i) {
    c->edition.entries[i].position = static_cast<int>(i + 1);
    c->edition.entries[i].id.clear();
  }
}

}  // namespace

Result<std::pair<Day, Day>> ChartPeriod(const ChartMethod& m, Day date) {
  if (!Weekly(m, date)) return std::pair<Day, Day>{date, date};
  const Day end = date - ChartDateOffset(m, date);
  if (Weekday(end + 1) != WeekStart(m, date)) {
    return Status::InvalidArgument(FormatDate(date) + " is not a " + m.name + " chart date (" +
                                   kWeekdays[Weekday(ChartDateOnOrBefore(m, date))] +
                                   "s; the last before it is " +
                                   FormatDate(ChartDateOnOrBefore(m, date)) + ")");
  }
  return std::pair<Day, Day>{end - 6, end};
}

Day ChartDateOnOrBefore(const ChartMethod& m, Day date) {
  if (!Weekly(m, date)) return date;
  const int off = ChartDateOffset(m, date);
  const int wd = Weekday(date - off + 1);
  return date - (wd - WeekStart(m, date) + 7) % 7;
}

Day NextChartDate(const ChartMethod& m, Day date) { return date + (Weekly(m, date) ? 7 : 1); }

Result<CompiledChart> CompileChart(const CountStore& store, const Catalog* catalog,
                                   const ChartMethod& m, Day date, const std::string& region,
                                   bool all, SalesData* sales) {
  if (!m.All("recurrent", date).empty() || m.Number("acr-ratio", date, 0) > 0) {
    // Rules that need the chart's own history (recurrent removal, the ACR): the last chart of
    // the series up to this date.
    ENCORE_ASSIGN_OR_RETURN(auto series, CompileSeries(store, catalog, m, date, region, sales));
    return std::move(series.back());
  }
  ENCORE_ASSIGN_OR_RETURN(CompiledChart c, RankAll(store, catalog, m, date, region, sales));
  Finish(m, &c, all);
  return c;
}

Result<CompiledChart> CompileStoreChart(SalesData& sales, const Catalog* catalog,
                                        const ChartMethod& m, int64_t hour_ts,
                                        const std::string& country) {
  const Day day = static_cast<Day>(hour_ts >= 0 ? hour_ts / 86400 : (hour_ts - 86399) / 86400);
  if (m.Word("period", day) != "hour")
    return Status::InvalidArgument(m.name + " is not an hourly store chart");
  if (!ParseCountry(country, false))
    return Status::InvalidArgument("a store chart is per country, not '" + country + "'");
  const int64_t hour = hour_ts - ((hour_ts % 3600) + 3600) % 3600;
  const int64_t window = static_cast<int64_t>(m.Number("window", day, 24));
  const auto* stores = m.Get("stores", day);
  std::map<std::string, int64_t> units;
  for (const std::string& store : stores ? *stores : std::vector<std::string>{""}) {
    ENCORE_ASSIGN_OR_RETURN(
        auto u, sales.Units(hour - (window - 1) * 3600, hour + 3599, "track", country, store));
    for (const auto& [item, n] : u) units[item] += n;
  }
  std::vector<std::pair<std::string, int64_t>> ranked(units.begin(), units.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  const size_t size = static_cast<size_t>(m.Number("size", day, 100));
  if (ranked.size() > size) ranked.resize(size);
  CompiledChart c =
      NewChart(m, country, day, static_cast<Day>((hour - (window - 1) * 3600) / 86400), day);
  for (size_t i = 0; i < ranked.size(); ++i) {
    c.edition.entries.push_back(
        TrackEntry(catalog, ranked[i].first, static_cast<int>(i + 1), ranked[i].second));
    PointsBreakdown p;
    p.points = static_cast<double>(ranked[i].second);
    p.tracks = {ranked[i].first};
    p.lines = {"track sales " + Thousands(ranked[i].second) + " in the " + std::to_string(window) +
               " hours to " + FormatDate(day) + " " +
               std::to_string((hour % 86400 + 86400) % 86400 / 3600) + ":59 UTC"};
    c.points.push_back(std::move(p));
  }
  return c;
}

Result<std::vector<CompiledChart>> CompileAllRegions(const CountStore& store,
                                                     const Catalog* catalog, const ChartMethod& m,
                                                     Day date, SalesData* sales) {
  ENCORE_ASSIGN_OR_RETURN(auto period, ChartPeriod(m, date));
  const auto* regions = m.Get("regions", date);
  bool by_country = !regions, global = !regions;
  std::vector<std::string> fixed;
  if (regions) {
    for (const auto& r : *regions) {
      if (r == "countries")
        by_country = true;
      else if (r == "global")
        global = true;
      else
        fixed.push_back(r);
    }
  }
  const bool countries_wanted = by_country;
  const bool slow =
      m.Word("unit", date, "track") == "album" || m.Word("combine-versions", date, "no") == "yes" ||
      m.Number("max-per-lead-artist", date, 0) > 0 || !by_country ||
      (sales &&
       (m.Number("weight track-sale", date, 0) > 0 || m.Number("weight airplay", date, 0) > 0));
  std::vector<CompiledChart> out;
  if (slow) {
    // Region by region (a handful of regions: the methodology names them).
    if (global) fixed.insert(fixed.begin(), "global");
    for (const auto& r : fixed) {
      ENCORE_ASSIGN_OR_RETURN(CompiledChart c,
                              CompileChart(store, catalog, m, date, r, false, sales));
      out.push_back(std::move(c));
    }
    return out;
  }
  // One pass over the period's counts: per country, and worldwide by the GLOBAL rule.
  std::vector<char> wanted_service(store.services().size());
  const auto* services = m.Get("services", date);
  size_t n_wanted = 0;
  for (size_t s = 0; s < wanted_service.size(); ++s) {
    wanted_service[s] = !services || std::find(services->begin(), services->end(),
                                               store.services()[s]) != services->end();
    n_wanted += wanted_service[s];
  }
  std::vector<Day> days;
  for (Day d : store.Days())
    if (d >= period.first && d <= period.second) days.push_back(d);
  const double w[3] = {m.Number("weight premium", date, 0), m.Number("weight free", date, 0),
                       m.Number("weight unknown", date, 0)};
  const size_t size = static_cast<size_t>(m.Number("size", date, 100));
  const auto& names = store.tracks();
  struct Acc {
    uint32_t track;
    int64_t t[3];
  };
  struct Item {
    double points;
    Acc acc;
  };
  // Ties: more points, then more premium streams, then the track id.
  auto better = [&](const Item& a, const Item& b) {
    if (a.points != b.points) return a.points > b.points;
    if (a.acc.t[0] != b.acc.t[0]) return a.acc.t[0] > b.acc.t[0];
    return names[a.acc.track] < names[b.acc.track];
  };
  // Per region (countries by code, kGlobalCountry for the world): the best `size` so far, as a
  // heap whose top is the worst of them.
  std::vector<std::vector<Item>> best(kGlobalCountry + 1);
  auto offer = [&](CountryCode region, const Acc& acc) {
    if (!acc.t[0] && !acc.t[1] && !acc.t[2]) return;
    const Item item{static_cast<double>(acc.t[0]) * w[0] + static_cast<double>(acc.t[1]) * w[1] +
                        static_cast<double>(acc.t[2]) * w[2],
                    acc};
    auto& h = best[region];
    if (h.size() < size) {
      h.push_back(item);
      std::push_heap(h.begin(), h.end(), better);
    } else if (size && better(item, h.front())) {
      std::pop_heap(h.begin(), h.end(), better);
      h.back() = item;
      std::push_heap(h.begin(), h.end(), better);
    }
  };
  // On a cluster the sums, and the cut to each region's best, are made there
  // (CountStore::PeriodChartStreams); the ties at the cut are broken here.
  const bool remote = store.RunsQueries();
  if (remote) {
    ChartStreamsQuery q;
    q.from = period.first;
    q.to = period.second;
    q.services = wanted_service;
    q.countries = countries_wanted;
    q.global = global;
    q.top = size;
    for (size_t t = 0; t < 3; ++t) q.weights[t] = w[t];
    ENCORE_ASSIGN_OR_RETURN(auto rows, store.PeriodChartStreams(q));
    for (const auto& r : rows) {
      if (r.region > kGlobalCountry) return Status::Corruption("a chart row of region " + std::to_string(r.region));
      if (r.track >= names.size()) return Status::Corruption("a chart row of track " + std::to_string(r.track));
      offer(r.region, Acc{r.track, {r.tier[0], r.tier[1], r.tier[2]}});
    }
    days.clear();  // nothing left to read
  }
  // With one day and one service every (track, country) is met once, so each can be offered as
  // soon as its rows are read. Otherwise sums per region are gathered first.
  const bool direct = days.size() == 1 && n_wanted == 1;
  std::vector<std::vector<Acc>> by_region(direct ? 0 : kGlobalCountry + 1);
  auto emit = [&](CountryCode region, const Acc& acc) {
    if (direct) {
      offer(region, acc);
      return;
    }
    auto& list = by_region[region];
    if (!list.empty() && list.back().track == acc.track) {
      for (size_t t = 0; t < 3; ++t) list.back().t[t] += acc.t[t];
    } else {
      list.push_back(acc);
    }
  };
  for (Day d : days) {
    // The rows come sorted by (service, track, country), tiers together.
    uint64_t group = UINT64_MAX, cell = UINT64_MAX;
    Acc country_acc{0, {0, 0, 0}}, countries{0, {0, 0, 0}}, glob{0, {0, 0, 0}};
    bool has_global = false;
    auto flush_cell = [&] {
      if (cell == UINT64_MAX) return;
      const CountryCode c = CellCountry(cell);
      if (c != kGlobalCountry && countries_wanted) emit(c, country_acc);
      country_acc = {CellTrack(cell), {0, 0, 0}};
    };
    auto flush_group = [&] {
      if (group == UINT64_MAX) return;
      if (global) emit(kGlobalCountry, has_global ? glob : countries);
      countries = {0, {0, 0, 0}};
      glob = {0, {0, 0, 0}};
      has_global = false;
    };
    ENCORE_RETURN_IF_ERROR(store.ScanCounts(d, [&](const CountRow* rows, size_t n) {
      for (size_t i = 0; i < n; ++i) {
        const CountRow& r = rows[i];
        if (!wanted_service[CellService(r.cell)]) continue;
        if (r.cell != cell) {
          flush_cell();
          cell = r.cell;
          country_acc.track = CellTrack(r.cell);
          const uint64_t g = r.cell >> kCountryBits;
          if (g != group) {
            flush_group();
            group = g;
            countries.track = glob.track = CellTrack(r.cell);
          }
        }
        const size_t t = static_cast<size_t>(r.tier);
        if (CellCountry(r.cell) == kGlobalCountry) {
          glob.t[t] += r.streams;
          has_global = true;
        } else {
          country_acc.t[t] += r.streams;
          countries.t[t] += r.streams;
        }
      }
      return Status::Ok();
    }));
    flush_cell();
    flush_group();
  }
  if (!direct) {
    for (CountryCode region = 0; region <= kGlobalCountry; ++region) {
      auto& list = by_region[region];
      if (list.empty()) continue;
      std::sort(list.begin(), list.end(),
                [](const Acc& x, const Acc& y) { return x.track < y.track; });
      size_t o = 0;
      for (size_t i = 0; i < list.size(); ++i) {
        if (o && list[o - 1].track == list[i].track) {
          for (size_t t = 0; t < 3; ++t) list[o - 1].t[t] += list[i].t[t];
        } else {
          list[o++] = list[i];
        }
      }
      list.resize(o);
      for (const Acc& acc : list) offer(region, acc);
      std::vector<Acc>().swap(list);
    }
  }
  auto chart = [&](CountryCode region, const std::string& name) {
    auto& h = best[region];
    std::sort_heap(h.begin(), h.end(), better);  // best first
    CompiledChart c = NewChart(m, name, date, period.first, period.second);
    for (size_t i = 0; i < h.size(); ++i) {
      const Acc& a = h[i].acc;
      const std::string& track = names[a.track];
      c.edition.entries.push_back(TrackEntry(catalog, track, static_cast<int>(i + 1),
                                             static_cast<int64_t>(std::llround(h[i].points))));
      PointsBreakdown p;
      p.points = h[i].points;
      p.premium = a.t[0];
      p.free = a.t[1];
      p.unknown = a.t[2];
      p.tracks = {track};
      c.points.push_back(std::move(p));
    }
    out.push_back(std::move(c));
  };
  if (global && !best[kGlobalCountry].empty()) chart(kGlobalCountry, "global");
  for (CountryCode cc = 0; cc < kGlobalCountry; ++cc) {
    if (!best[cc].empty()) chart(cc, CountryName(cc));
  }
  return out;
}

Result<std::vector<CompiledChart>> CompileSeries(const CountStore& store, const Catalog* catalog,
                                                 const ChartMethod& m, Day last,
                                                 const std::string& region, SalesData* sales) {
  const std::vector<Day> days = store.Days();
  if (days.empty()) return Status::NotFound("the store has no counts");
  ENCORE_RETURN_IF_ERROR(ChartPeriod(m, last).status());
  // The first chart whose period covers the first counted day.
  Day first = ChartDateOnOrBefore(m, days.front());
  while (ChartPeriod(m, first)->second < days.front()) first = NextChartDate(m, first);
  if (last < first) {
    return Status::NotFound("no " + m.name + " chart on " + FormatDate(last) +
                            ": the counts start " + FormatDate(days.front()));
  }
  struct State {
    int peak = INT_MAX, weeks = 0, streak = 0, at_peak = 0, last_index = -2, last_pos = 0;
    // The accelerated chart ratio (UK): last week's stream points, declines against the market
    // in a row, and whether the song is on the ACR.
    double prev_stream = 0;
    int declines = 0;
    bool acr = false;
  };
  double prev_market = 0;
  std::unordered_map<std::string, State> state;
  std::vector<CompiledChart> out;
  int index = 0;
  // On a cluster the weeks' streams are read several at a time (one query, not one a week), as
  // long as they count the same services: 8 weeks first, then as many as hold about 2M rows by
  // the size of the weeks read so far (up to 256: a series of small weeks since 2020 takes one
  // or two queries).
  constexpr size_t kRowsPerQuery = 2'000'000, kMostPeriods = 256;
  size_t periods_per_query = 8;
  std::map<Day, PeriodTrackStreams> ahead;
  for (Day d = first; d <= last; d = NextChartDate(m, d), ++index) {
    PeriodTrackStreams* given = nullptr;
    if (store.RunsQueries()) {
      if (!ahead.count(d)) {
        ahead.clear();
        std::vector<Day> dates;
        std::vector<std::pair<Day, Day>> periods;
        std::vector<char> wanted;
        for (Day e = d; e <= last && dates.size() < periods_per_query; e = NextChartDate(m, e)) {
          auto p = ChartPeriod(m, e);
          if (!p.ok()) break;
          if (dates.empty()) wanted = WantedServices(store, m, p->second);
          if (WantedServices(store, m, p->second) != wanted) break;
          if (!periods.empty() && p->first <= periods.back().second) break;  // periods overlap
          dates.push_back(e);
          periods.push_back(*p);
        }
        // A failure is left to RankAll, which reads the week alone and says what is wrong as
        // for any store (a region the methodology is not compiled for, an unknown region).
        auto read = QueriedPeriodStreams(store, wanted, periods, region);
        size_t rows = 0;
        for (size_t i = 0; read.ok() && i < dates.size(); ++i) {
          rows += (*read)[i].size();
          ahead[dates[i]] = std::move((*read)[i]);
        }
        if (read.ok() && !dates.empty()) {
          const size_t per_period = std::max<size_t>(1, rows / dates.size());
          periods_per_query = std::clamp<size_t>(kRowsPerQuery / per_period, 1, kMostPeriods);
        }
      }
      auto it = ahead.find(d);
      if (it != ahead.end()) given = &it->second;
    }
    ENCORE_ASSIGN_OR_RETURN(CompiledChart c, RankAll(store, catalog, m, d, region, sales, given));
    // The accelerated chart ratio: after `acr-after-weeks` weeks on the chart and
    // `acr-declines` weeks in a row of stream points falling against the whole market's change,
    // a song's stream points count at `acr-ratio`; a rise of more than `acr-reset-rise` percent
    // above the market's change puts it back on the standard ratio; a song released more than
    // `acr-age-years` years before the chart is on the ACR for good.
    const double acr_ratio = m.Number("acr-ratio", d, 0);
    if (acr_ratio > 0) {
      double market = 0;
      for (const auto& p : c.points) market += p.stream_points;
      const double market_change = prev_market > 0 ? market / prev_market : 1;
      const int after = static_cast<int>(m.Number("acr-after-weeks", d, 9));
      const int declines = static_cast<int>(m.Number("acr-declines", d, 3));
      const double reset = m.Number("acr-reset-rise", d, 25) / 100;
      const double age_years = m.Number("acr-age-years", d, 0);
      for (size_t i = 0; i < c.edition.entries.size(); ++i) {
        State& s = state[c.edition.entries[i].song];
        PointsBreakdown& p = c.points[i];
        std::string why;
        if (s.prev_stream > 0 && prev_market > 0) {
          const double change = p.stream_points / s.prev_stream;
          s.declines = change < market_change ? s.declines + 1 : 0;
          if (s.acr && change > market_change * (1 + reset)) {
            s.acr = false;
            s.declines = 0;
            c.notes.push_back("back on the standard ratio (a rise of more than " +
                              Num(reset * 100) +
                              "% above the market): " + c.edition.entries[i].title);
          }
        }
        if (!s.acr && s.weeks >= after && s.declines >= declines) {
          s.acr = true;
          why = std::to_string(s.weeks) + " weeks on the chart, " + std::to_string(s.declines) +
                " weeks in a row falling against the market";
        }
        bool old = false;
        if (age_years > 0 && catalog) {
          for (const auto& name : p.tracks) {
            const Track* t = catalog->TrackById(name);
            const Release* r = t ? catalog->ReleaseById(t->release_id) : nullptr;
            old = old || (r && d - r->date > static_cast<Day>(age_years * 365.25));
          }
        }
        s.prev_stream = p.stream_points;
        if (!s.acr && !old) continue;
        const double cut = p.stream_points * (1 - acr_ratio);
        p.points -= cut;
        p.lines.push_back("accelerated chart ratio (" +
                          (old           ? "released over " + Num(age_years) + " years ago"
                           : why.empty() ? std::string("on the ACR")
                                         : why) +
                          "): stream points x " + Num(acr_ratio) + " = -" + Num(cut));
      }
      prev_market = market;
      // Ranked again with the ACR applied (the tie rule as in RankAll).
      std::vector<size_t> order(c.edition.entries.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        const auto &a = c.points[x], &b = c.points[y];
        if (a.points != b.points) return a.points > b.points;
        if (a.premium != b.premium) return a.premium > b.premium;
        return c.edition.entries[x].song < c.edition.entries[y].song;
      });
      CompiledChart sorted = c;
      for (size_t i = 0; i < order.size(); ++i) {
        sorted.edition.entries[i] = std::move(c.edition.entries[order[i]]);
        sorted.points[i] = std::move(c.points[order[i]]);
      }
      c = std::move(sorted);
    }
    // Recurrent removal: a song on the chart more than N weeks that falls below No. X while
    // descending leaves the chart (rules by era).
    const auto rules = m.All("recurrent", d);
    if (!rules.empty()) {
      size_t rank = 0;
      Filter(&c, [&](size_t i) {
        const State& s = state[c.edition.entries[i].song];
        const int pos = static_cast<int>(rank + 1);
        const bool on_prev = s.last_index == index - 1;
        for (const auto& r : rules) {
          const int below = std::atoi(r[0].c_str()), after = std::atoi(r[1].c_str());
          if (s.weeks >= after && pos > below && on_prev && pos > s.last_pos) {
            c.notes.push_back("recurrent (below No. " + r[0] + " after " + r[1] +
                              " weeks, descending): " + c.edition.entries[i].title);
            return false;
          }
        }
        ++rank;
        return true;
      });
    }
    Finish(m, &c);
    c.runs.resize(c.edition.entries.size());
    for (size_t j = 0; j < c.edition.entries.size(); ++j) {
      const ChartEntry& e = c.edition.entries[j];
      State& s = state[e.song];
      RunStats& r = c.runs[j];
      const bool on_prev = s.last_index == index - 1;
      if (on_prev) r.last = s.last_pos;
      r.debut = s.weeks == 0;
      r.reentry = s.weeks > 0 && !on_prev;
      r.weeks = ++s.weeks;
      r.streak = s.streak = on_prev ? s.streak + 1 : 1;
      s.at_peak = e.position < s.peak ? 1 : e.position == s.peak ? s.at_peak + 1 : s.at_peak;
      s.peak = std::min(s.peak, e.position);
      r.peak = s.peak;
      r.weeks_at_peak = s.at_peak;
      s.last_index = index;
      s.last_pos = e.position;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace encore
