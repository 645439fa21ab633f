// The chart views: an edition of a kept or a compiled chart, a song's chart runs (views/views.h).
#include <algorithm>
#include <set>

#include "catalog/names.h"
#include "common/strings.h"
#include "encore/keys.h"
#include "encore/query.h"
#include "views/views.h"

namespace encore::views {
namespace {

json ChartRunJson(const std::string& chart, int period, const ChartRun& r) {
  auto dates = [](const std::vector<Day>& ds) {
    json a = json::array();
    for (Day d : ds) a.push_back(FormatDate(d));
    return a;
  };
  json positions = json::array();
  for (const auto& [d, p] : r.positions) positions.push_back({FormatDate(d), p});
  // A daily chart counts days on the chart; a weekly one weeks.
  const std::string unit = period == 1 ? "days" : "weeks";
  json j = {{"chart", chart},
            {"title", r.title},
            {"artist", r.artist},
            {"period", period == 1 ? "day" : "week"},
            {"carried_in", r.carried_in},
            // Its first edition in the data: its debut, unless it was on the chart before.
            {"debut", {{"date", FormatDate(r.first)}, {"position", r.first_position}}},
            {"debut_in_data", r.debut_in_data},
            {"peak", r.peak},
            {"peak_date", r.peak_date ? json(FormatDate(*r.peak_date)) : json()},
            {unit + "_at_peak", r.weeks_at_peak},
            {unit, r.weeks},
            {unit + "_at_1", r.weeks_at_1},
            {unit + "_at_1_before_data", r.weeks_at_1_before},
            {"longest_streak", r.longest_streak},
            {"longest_at_1", r.longest_at_1},
            {"reentries", dates(r.reentries)},
            {"new_runs", dates(r.new_runs)},
            {"exits", dates(r.exits)},
            {"last", FormatDate(r.last)},
            {"positions", positions}};
  return j;
}

}  // namespace

Result<std::set<std::string>> ChartSongsOfTrack(ChartHistory& history, const Catalog& catalog,
                                                const Track& t) {
  std::vector<std::string> ids = {t.id};
  for (const Track* v :
       Resolve(catalog, catalog.NamesOf(t.primary, " & ") + " - " + t.title).versions)
    ids.push_back(v->id);
  ENCORE_ASSIGN_OR_RETURN(auto keys, history.SongsOfTracks(ids));
  return std::set<std::string>(keys.begin(), keys.end());
}

Result<json> ChartRunsJson(ChartHistory& history, const std::vector<std::string>& names,
                           const std::function<bool(const ChartEntry&)>& matches) {
  json out = json::array();
  for (const auto& name : names) {
    ENCORE_ASSIGN_OR_RETURN(auto stored, history.Editions(name));
    // Which identities are asked for, judged on the entries as stored (before identities
    // that share a publisher id are joined).
    std::set<std::string> wanted;
    const auto linked = LinkIdentities(stored);
    for (size_t i = 0; i < stored.size(); ++i)
      for (size_t j = 0; j < stored[i].entries.size(); ++j)
        if (matches(stored[i].entries[j])) wanted.insert(linked[i].entries[j].song);
    if (wanted.empty()) continue;
    std::vector<ChartRepair> repairs;
    const auto editions = RepairEditions(linked, &repairs);
    const auto runs = ComputeRuns(editions);
    const int period = ChartPeriod(editions);
    for (const ChartRun& r :
         SongRuns(editions, runs, [&](const std::string& song) { return wanted.count(song) > 0; }))
      out.push_back(ChartRunJson(name, period, r));
  }
  return out;
}

// The region a compiled chart is asked for: --country, else the methodology's first region.
Result<std::string> RegionOf(const ChartMethod& m, Day date, const std::string& country) {
  if (!country.empty()) {
    std::string lower = country;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "global" || lower == "worldwide") return std::string("global");
    if (lower == "global-excl-us") return lower;
    if (auto code = CountryOfText(country); code && CountryName(*code) != "ZZ") {
      return CountryName(*code);  // "kr", "South Korea"
    }
    // A region the methodology names (a methodology of one's own may have others).
    if (const auto* regions = m.Get("regions", date)) {
      for (const auto& r : *regions)
        if (r != "countries" && r == country) return country;
    }
    return Status::InvalidArgument("no region '" + country +
                                   "': give a country (a code such as KR, or a name such as South "
                                   "Korea), GLOBAL or global-excl-us");
  }
  const auto* regions = m.Get("regions", date);
  if (!regions || regions->empty() || (*regions)[0] == "countries") return std::string("global");
  return std::string((*regions)[0]);
}

Result<Day> CompiledDate(const ChartMethod& m, const CountStore& store, std::optional<Day> date) {
  const auto days = store.Days();
  if (days.empty())
    return Status::NotFound("the store has no counts to compile " + m.name + " from");
  Day chart_date;
  if (date) {
    chart_date = ChartDateOnOrBefore(m, *date);
  } else {
    // The latest chart whose whole period is counted (a chart may be dated days after it).
    chart_date = ChartDateOnOrBefore(m, days.back() + 31);
    while (ChartPeriod(m, chart_date)->second > days.back())
      chart_date = ChartDateOnOrBefore(m, chart_date - 1);
  }
  auto period = ChartPeriod(m, chart_date);
  if (!period.ok()) return period.status();
  if (period->second < days.front() || period->first > days.back()) {
    return Status::NotFound("no " + m.name + " chart dated " + FormatDate(chart_date) +
                            ": the counts run " + FormatDate(days.front()) + ".." +
                            FormatDate(days.back()));
  }
  return chart_date;
}

Result<RegionEnd> EndOfRegion(const ChartMethod& m, const CountStore& store, const std::string& region) {
  RegionEnd e;
  std::optional<CountryCode> code;
  if (region.size() == 2) code = ParseCountry(region, false);
  e.where = region.size() == 2 ? "in " + region : "anywhere";
  ENCORE_ASSIGN_OR_RETURN(e.last, LastDayWithStreams(store, code));
  if (!e.last) return e;
  e.edition = ChartDateOnOrBefore(m, *e.last + 31);
  for (auto p = ChartPeriod(m, e.edition); p.ok() && p->first > *e.last; p = ChartPeriod(m, e.edition)) {
    e.edition = ChartDateOnOrBefore(m, e.edition - 1);
  }
  return e;
}

Result<EmptyEdition> WhenEmpty(const ChartMethod& m, const CountStore& store, const std::string& region,
                               Day from, Day to, bool date_given) {
  ENCORE_ASSIGN_OR_RETURN(const RegionEnd end, EndOfRegion(m, store, region));
  EmptyEdition e;
  if (!end.last) {
    e.note = "no streams are counted " + end.where + " in the store's last 400 days";
  } else if (!date_given && *end.last < from) {
    ENCORE_ASSIGN_OR_RETURN(e.instead, CompiledDate(m, store, end.edition));
    e.note = "the latest edition with streams " + end.where + ": they end on " + FormatDate(*end.last) +
             ", the store's counts on " + FormatDate(store.Days().back());
  } else {
    e.note = "no track has streams " + end.where + " in " + FormatDate(from) + ".." + FormatDate(to) +
             "; the last day with streams " + end.where + " is " + FormatDate(*end.last) +
             " (the edition dated " + FormatDate(end.edition) + ")";
  }
  return e;
}

Result<json> ChartListJson(Day on, ChartHistory* history) {
  json compiled = json::array(), kept = json::array();
  for (const ChartMethod& m : BuiltinMethodologies()) {
    json regions = json::array();
    if (const auto* r = m.Get("regions", on))
      for (const auto& w : *r) regions.push_back(w);
    compiled.push_back({{"chart", m.name},
                        {"title", m.Word("title", on)},
                        {"period", m.Word("period", on)},
                        {"regions", regions}});
  }
  if (history) {
    ENCORE_ASSIGN_OR_RETURN(auto list, history->Charts());
    for (const auto& c : list) {
      kept.push_back({{"chart", c.chart},
                      {"editions", c.editions},
                      {"entries", c.entries},
                      {"first", FormatDate(c.first)},
                      {"last", FormatDate(c.last)}});
    }
  }
  return json{{"compiled", compiled}, {"kept", kept}};
}

json EntryJson(const ChartEntry& e, const RunStats* run) {
  json j = {{"position", e.position}, {"title", e.title}, {"artist", e.artist}};
  if (run) {
    j["movement"] = Movement(*run, e.position);
    j["last_week"] = run->last ? json(*run->last) : json();
    j["peak"] = run->peak;
    j["weeks"] = run->weeks;
    j["streak"] = run->streak;
  } else {
    j["movement"] = json();
  }
  return j;
}

Result<json> KeptChartJson(ChartHistory& history, const Catalog& catalog, const std::string& name,
                           std::optional<Day> date) {
  ENCORE_ASSIGN_OR_RETURN(auto stored, history.Editions(name));
  std::vector<ChartRepair> repairs;
  std::vector<ChartEdition> editions = RepairEditions(LinkIdentities(std::move(stored)), &repairs);
  if (editions.empty()) return Status::NotFound("no edition of " + name + " is kept");
  size_t i = editions.size() - 1;
  json notes = json::array();
  if (date) {
    if (*date < editions.front().date) {
      return Status::NotFound("no " + name + " edition on or before " + FormatDate(*date) +
                              ": the first is dated " + FormatDate(editions.front().date));
    }
    while (editions[i].date > *date) --i;
    // A date past the last edition's period is answered by the last edition, and says so.
    const int period = ChartPeriod(editions);
    if (i + 1 == editions.size() && *date >= editions[i].date + period) {
      notes.push_back("the last edition kept is dated " + FormatDate(editions[i].date) + " (the data runs " +
                      FormatDate(editions.front().date) + ".." + FormatDate(editions[i].date) + ")");
    }
  }
  const json next = i + 1 < editions.size() ? json(FormatDate(editions[i + 1].date)) : json();
  const json previous = i > 0 ? json(FormatDate(editions[i - 1].date)) : json();
  editions.resize(i + 1);
  const auto runs = ComputeRuns(editions);
  const ChartEdition& ed = editions.back();
  json entries = json::array();
  const bool metric = std::any_of(ed.entries.begin(), ed.entries.end(),
                                  [](const ChartEntry& e) { return e.metric.has_value(); });
  for (size_t j = 0; j < ed.entries.size(); ++j) {
    const ChartEntry& e = ed.entries[j];
    json row = EntryJson(e, &runs.back()[j]);
    row["song"] = e.song;
    if (e.metric) row["value"] = *e.metric;
    const Resolution res = Resolve(catalog, e.artist + " - " + e.title);
    const Track* t = res.match ? res.match : res.versions.empty() ? nullptr : res.versions[0];
    row["track"] = t ? json(t->id) : json();
    entries.push_back(std::move(row));
  }
  return json{{"chart", name},
              {"source", "kept"},
              {"date", FormatDate(ed.date)},
              {"run_unit", ChartPeriod(editions) == 1 ? "days" : "weeks"},
              {"value_name", metric ? json("streams") : json()},
              {"previous", previous},
              {"next", next},
              {"notes", notes},
              {"entries", entries}};
}

Result<json> CompiledChartJson(const CountStore& store, const Catalog* catalog, const ChartMethod& m,
                               std::optional<Day> date_asked, const std::string& region_asked,
                               const CompileEdition& compile, Day* period_end) {
  ENCORE_ASSIGN_OR_RETURN(Day date, CompiledDate(m, store, date_asked));
  ENCORE_ASSIGN_OR_RETURN(std::string region, RegionOf(m, date, region_asked));
  ENCORE_ASSIGN_OR_RETURN(const CompiledChart* found, compile(date, region));
  // An empty edition says where its region's streams end; without a date, the latest edition
  // with streams in the region is given instead.
  std::optional<std::string> empty_note;
  if (found->edition.entries.empty()) {
    ENCORE_ASSIGN_OR_RETURN(const EmptyEdition e,
                            WhenEmpty(m, store, region, found->from, found->to, date_asked.has_value()));
    if (e.instead) {
      date = *e.instead;
      ENCORE_ASSIGN_OR_RETURN(region, RegionOf(m, date, region_asked));
      ENCORE_ASSIGN_OR_RETURN(found, compile(date, region));
    }
    empty_note = e.note;
  }
  const CompiledChart& c = *found;
  const bool albums = m.Word("unit", date, "track") == "album";
  const std::string unit = albums ? "units" : "points";
  const bool streams_only = unit == "points" && m.Number("weight premium", date, 0) == 1 &&
                            m.Number("weight free", date, 0) == 1;
  json entries = json::array();
  for (size_t j = 0; j < c.edition.entries.size(); ++j) {
    json row = EntryJson(c.edition.entries[j], &c.runs[j]);
    row["value"] = Number(c.points[j].points);
    row["tracks"] = c.points[j].tracks;
    const Track* t = nullptr;
    if (catalog) {
      for (const auto& id : c.points[j].tracks)
        if (!t) t = catalog->TrackById(id);
    }
    row["track"] = t                            ? json(t->id)
                   : c.points[j].tracks.empty() ? json()
                                                : json(c.points[j].tracks[0]);
    // A store track the catalog does not know stands by its id, with no artist: it says so.
    row["in_catalog"] = t != nullptr || catalog == nullptr;
    if (albums) {
      const Release* rel = t && catalog ? catalog->ReleaseById(t->release_id) : nullptr;
      row["release"] = rel ? json(rel->id) : json();
    }
    entries.push_back(std::move(row));
  }
  const auto days = store.Days();
  const Day prev = ChartDateOnOrBefore(m, date - 1);
  const Day next = NextChartDate(m, date);
  auto prev_period = ChartPeriod(m, prev);
  auto next_period = ChartPeriod(m, next);
  json notes = c.notes;
  if (empty_note) notes.insert(notes.begin(), *empty_note);
  if (period_end) *period_end = c.to;
  return json{
      {"chart", m.name},
      {"source", "compiled"},
      {"title", m.Word("title", date)},
      {"region", region},
      {"date", FormatDate(c.date)},
      {"period", {FormatDate(c.from), FormatDate(c.to)}},
      {"run_unit", m.Word("period", date) == "day" ? "days" : "weeks"},
      {"value_name", streams_only ? "streams" : unit},
      {"previous",
       prev_period.ok() && prev_period->second >= days.front() ? json(FormatDate(prev)) : json()},
      {"next",
       next_period.ok() && next_period->second <= days.back() ? json(FormatDate(next)) : json()},
      {"notes", notes},
      {"entries", entries}};
}

Result<std::string> StoreChartCountry(const std::string& asked) {
  if (asked.empty()) return std::string("US");
  if (auto code = CountryOfText(asked); code && CountryName(*code) != "ZZ") return CountryName(*code);
  return Status::InvalidArgument("no country '" + asked +
                                 "': an hourly store chart is a country's (a code such as KR, or a "
                                 "name such as South Korea)");
}

json StoreChartJson(const ChartMethod& m, const CompiledChart& c, const std::string& country,
                    int64_t hour_ts) {
  json entries = json::array();
  for (size_t j = 0; j < c.edition.entries.size(); ++j) {
    json row = EntryJson(c.edition.entries[j], nullptr);
    row["value"] = Number(c.points[j].points);
    row["track"] = c.points[j].tracks.empty() ? json() : json(c.points[j].tracks[0]);
    entries.push_back(std::move(row));
  }
  json notes = c.notes;
  if (entries.empty()) {
    notes.push_back("no sales are counted in " + country + " in the " +
                    std::to_string(static_cast<int64_t>(m.Number("window", c.date, 24))) +
                    " hours to " + FormatTimestamp(hour_ts));
  }
  return json{{"chart", m.name},
              {"source", "compiled"},
              {"title", m.Word("title", c.date)},
              {"region", country},
              {"hour", FormatTimestamp(hour_ts)},
              {"value_name", "units"},
              {"previous", FormatTimestamp(hour_ts - 3600).substr(0, 13)},
              {"next", FormatTimestamp(hour_ts + 3600).substr(0, 13)},
              {"notes", notes},
              {"entries", entries}};
}

Result<json> ChartExplainJson(const CountStore& store, const Catalog* catalog, SalesData* sales,
                              const ChartMethod& m, std::optional<Day> date_asked,
                              const std::string& region_asked, const std::string& track) {
  if (track.empty()) return Status::InvalidArgument("name the track to explain (an id or a title)");
  if (m.Word("period", 0) == "hour") {
    return Status::InvalidArgument(m.name + " is an hourly store chart, ranked by units sold: its "
                                   "hour's chart shows them (encore chart " + m.name + " --date HOUR)");
  }
  ENCORE_ASSIGN_OR_RETURN(Day date, CompiledDate(m, store, date_asked));
  ENCORE_ASSIGN_OR_RETURN(std::string region, RegionOf(m, date, region_asked));
  ENCORE_ASSIGN_OR_RETURN(CompiledChart c, CompileChart(store, catalog, m, date, region, true, sales));
  // Without a date, an edition after the region's streams end is passed over for the latest that
  // has any (as the chart itself is).
  if (c.edition.entries.empty() && !date_asked) {
    ENCORE_ASSIGN_OR_RETURN(const EmptyEdition e, WhenEmpty(m, store, region, c.from, c.to, false));
    if (e.instead) {
      date = *e.instead;
      ENCORE_ASSIGN_OR_RETURN(region, RegionOf(m, date, region_asked));
      ENCORE_ASSIGN_OR_RETURN(c, CompileChart(store, catalog, m, date, region, true, sales));
    }
  }
  const size_t size = static_cast<size_t>(m.Number("size", date, 100));
  // The track as the catalog knows it (any name it takes): its ids, and its song (base title)
  // and primary artists, which an entry counted from sales alone, without store tracks, is known by.
  std::set<std::string> ids = {track};
  std::vector<std::pair<std::string, std::string>> songs;  // (base title, primary artists)
  const std::vector<const Track*> found = catalog ? FindTracks(*catalog, track) : std::vector<const Track*>{};
  if (catalog) {
    for (const Track* t : found) {
      ids.insert(t->id);
      if (!t->isrc.empty()) ids.insert(t->isrc);
      songs.emplace_back(NormalizeName(ParseTitle(t->title).base),
                         NormalizeName(catalog->NamesOf(t->primary, " & ")));
    }
  }
  const std::string unit = m.Word("unit", date, "track") == "album" ? "units" : "points";
  for (size_t j = 0; j < c.edition.entries.size(); ++j) {
    const ChartEntry& e = c.edition.entries[j];
    const PointsBreakdown& b = c.points[j];
    bool hit = NormalizeName(e.title) == NormalizeName(track);
    for (const auto& id : b.tracks) hit |= ids.count(id) > 0;
    const std::string base = NormalizeName(ParseTitle(e.title).base);
    const std::string artist = NormalizeName(e.artist);
    for (const auto& [song, primary] : songs) {
      hit |= b.tracks.empty() && song == base && !primary.empty() &&
             artist.find(primary) != std::string::npos;
    }
    if (!hit) continue;
    json components = json::array();
    for (const auto& line : b.lines) components.push_back({{"line", line}});
    json neighbours = json::array();
    auto neighbour = [&](size_t k, const char* relation) {
      const ChartEntry& n = c.edition.entries[k];
      neighbours.push_back({{"relation", relation},
                            {"position", n.position},
                            {"title", n.title},
                            {"artist", n.artist},
                            {"points", c.points[k].points}});
    };
    if (j > 0) neighbour(j - 1, "above");
    if (j + 1 < c.edition.entries.size()) neighbour(j + 1, "below");
    // The track's id: the catalog track counted (or the one the name means), else the store's.
    std::string id = b.tracks.empty() ? track : b.tracks[0];
    if (!found.empty()) id = found[0]->id;
    for (const Track* t : found)
      if (std::find(b.tracks.begin(), b.tracks.end(), t->id) != b.tracks.end()) id = t->id;
    return json{{"chart", m.name},
                {"region", region},
                {"date", FormatDate(date)},
                {"period", {FormatDate(c.from), FormatDate(c.to)}},
                {"track", id},
                {"asked", track},
                {"position", e.position},
                {"title", e.title},
                {"artist", e.artist},
                {"size", size},
                {"in_top", j < size},
                {"value_name", unit},
                {"points", b.points},
                {"stream_points", b.stream_points},
                {"premium", b.premium},
                {"free", b.free},
                {"unknown", b.unknown},
                {"tracks", b.tracks},
                {"components", std::move(components)},
                {"neighbours", std::move(neighbours)},
                {"ties", "more points first; on equal points more premium streams, then the identity"},
                {"notes", c.notes}};
  }
  if (catalog && found.empty()) {
    // A name the catalog does not know (a typo, an artist): say so, with the titles near it.
    std::vector<std::string> titles;
    for (const Track& t : catalog->tracks()) titles.push_back(t.title);
    return Status::NotFound("no track '" + track + "' in the catalog, and no entry of " + m.name +
                            " " + region + " dated " + FormatDate(date) + " by that name or id" +
                            DidYouMean(track, titles));
  }
  ENCORE_ASSIGN_OR_RETURN(const RegionEnd end, EndOfRegion(m, store, region));
  return Status::NotFound("'" + track + "' has no streams counted for " + m.name + " " + region +
                          " dated " + FormatDate(date) +
                          (end.last ? " (the last day with streams " + end.where + " is " +
                                          FormatDate(*end.last) + ")"
                                    : std::string()));
}

}  // namespace encore::views
