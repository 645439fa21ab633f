// Compiling charts from stored counts by a methodology.
#include "encore/compile.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <set>
#include <unordered_map>

#include "catalog/names.h"

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

std::string Thousands(int64_t v) {
  std::string s = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string Names(const Catalog& c, const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    const Artist* a = c.ArtistById(id);
    out += (out.empty() ? "" : ", ") + (a ? a->name : id);
  }
  return out;
}

// Streams per store track and tier over the period, for the region.
struct TrackStreams {
  int64_t tier[3] = {0, 0, 0};
};

Result<std::unordered_map<uint32_t, TrackStreams>> PeriodStreams(const CountStore& store,
                                                                 const ChartMethod& m, Day from,
                                                                 Day to,
                                                                 const std::string& region) {
  std::set<uint32_t> services;
  const auto* wanted = m.Get("services", to);
  for (uint32_t s = 0; s < store.services().size(); ++s) {
    if (!wanted || std::find(wanted->begin(), wanted->end(), store.services()[s]) != wanted->end())
      services.insert(s);
  }
  std::optional<CountryCode> country;
  const bool global = region == "global", excl_us = region == "global-excl-us";
  if (!global && !excl_us) {
    country = ParseCountry(region, false);
    if (!country) return Status::InvalidArgument("not a region: '" + region + "'");
  }
  const CountryCode us = *ParseCountry("US", false);
  std::unordered_map<uint32_t, TrackStreams> out;
  const std::vector<Day> days = store.Days();
  for (Day d : days) {
    if (d < from || d > to) continue;
    ENCORE_ASSIGN_OR_RETURN(auto rows, store.ReadCounts(d));
    if (country) {
      for (const CountRow& r : rows) {
        if (CellCountry(r.cell) != *country || !services.count(CellService(r.cell))) continue;
        out[CellTrack(r.cell)].tier[static_cast<size_t>(r.tier)] += r.streams;
      }
      continue;
    }
    // Worldwide, per (track, service): the GLOBAL rows where the day has them, else the sum over
    // countries (the rule of QueryStreams); without the US where asked.
    struct Sums {
      int64_t countries[3] = {0, 0, 0}, global[3] = {0, 0, 0}, us[3] = {0, 0, 0};
      bool has_global = false;
    };
    std::unordered_map<uint64_t, Sums> sums;  // (service, track) -> sums
    for (const CountRow& r : rows) {
      if (!services.count(CellService(r.cell))) continue;
      Sums& s = sums[r.cell >> kCountryBits];
      const size_t t = static_cast<size_t>(r.tier);
      const CountryCode c = CellCountry(r.cell);
      if (c == kGlobalCountry) {
        s.global[t] += r.streams;
        s.has_global = true;
      } else {
        s.countries[t] += r.streams;
        if (c == us) s.us[t] += r.streams;
      }
    }
    for (const auto& [key, s] : sums) {
      TrackStreams& ts = out[static_cast<uint32_t>(key & 0xffffffffULL)];
      for (size_t t = 0; t < 3; ++t) {
        const int64_t base = s.has_global ? s.global[t] : s.countries[t];
        ts.tier[t] += excl_us ? std::max<int64_t>(0, base - s.us[t]) : base;
      }
    }
  }
  return out;
}

// Ranks every identity of the period (no size cut): edition entries with their points.
Result<CompiledChart> RankAll(const CountStore& store, const Catalog* catalog, const ChartMethod& m,
                              Day date, const std::string& region) {
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
  CompiledChart c;
  c.chart = m.name;
  c.region = region;
  c.date = date;
  c.from = period.first;
  c.to = period.second;
  c.edition.chart = m.name + ":" + region;
  c.edition.date = date;
  ENCORE_ASSIGN_OR_RETURN(auto streams, PeriodStreams(store, m, c.from, c.to, region));

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
    const Track* t = catalog ? catalog->TrackById(name) : nullptr;
    std::string key = name, title = name, artist, lead;
    if (album) {
      const Release* r = t ? catalog->ReleaseById(t->release_id) : nullptr;
      if (!r) {
        ++no_album;
        continue;
      }
      key = "release:" + r->id;
      title = r->title;
      artist = Names(*catalog, r->artists);
      lead = r->artists.empty() ? "" : r->artists.front();
    } else if (t) {
      title = t->title;
      artist = Names(*catalog, t->primary);
      if (!t->featured.empty()) artist += " feat. " + Names(*catalog, t->featured);
      lead = t->primary.empty() ? "" : t->primary.front();
      if (combine) {
        std::string credit;
        for (const auto& id : t->primary) {
          const Artist* a = catalog->ArtistById(id);
          credit += (credit.empty() ? "" : " & ") + (a ? a->name : id);
        }
        key = "song:" + SongKey(credit, t->title);
        title = ParseTitle(t->title).base;
      } else {
        key = t->id;
      }
    }
    Group& g = groups[key];
    if (g.key.empty()) g = {key, title, artist, lead, {}};
    g.p.premium += ts.tier[0];
    g.p.free += ts.tier[1];
    g.p.unknown += ts.tier[2];
    g.p.tracks.push_back(name);
  }
  if (no_album) {
    c.notes.push_back(std::to_string(no_album) +
                      " tracks with streams are on no catalog release: they count for no album");
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
    if (m.Number(std::string("weight ") + comp, date, 0) > 0) {
      c.notes.push_back(std::string(comp) +
                        " is a component of this methodology; encore has no such input yet, so "
                        "it adds nothing");
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
                                   bool all) {
  ENCORE_ASSIGN_OR_RETURN(CompiledChart c, RankAll(store, catalog, m, date, region));
  Finish(m, &c, all);
  return c;
}

Result<std::vector<CompiledChart>> CompileSeries(const CountStore& store, const Catalog* catalog,
                                                 const ChartMethod& m, Day last,
                                                 const std::string& region) {
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
  };
  std::unordered_map<std::string, State> state;
  std::vector<CompiledChart> out;
  int index = 0;
  for (Day d = first; d <= last; d = NextChartDate(m, d), ++index) {
    ENCORE_ASSIGN_OR_RETURN(CompiledChart c, RankAll(store, catalog, m, d, region));
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
