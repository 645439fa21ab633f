// The records views: a news item, a leaderboard place, milestones, a forecast (views/views.h).
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/strings.h"
#include "records/news.h"
#include "views/views.h"

namespace encore::views {

json NewsJson(const NewsItem& n) {
  json j = {{"seq", n.seq},   {"date", FormatDate(n.day)},
            {"kind", n.kind}, {"entity", n.entity},
            {"text", n.text}, {"evidence", json::parse(n.evidence, nullptr, false)}};
  if (n.threshold) j["threshold"] = n.threshold;
  if (n.year) j["year"] = n.year;
  return j;
}

json NewsListJson(const std::vector<NewsItem>& items, size_t offset, size_t limit) {
  json all = json::array();
  for (auto it = items.rbegin(); it != items.rend(); ++it) all.push_back(NewsJson(*it));
  json out = json::object();
  PutPage(&out, "items", all, offset, limit);
  return out;
}

json StandingJson(const RecordsUniverse& u, const Standing& s, const std::string& value) {
  const Entity e = u.Describe(s.entity);
  json r = {{"rank", s.rank}, {"kind", EntityKindName(e.kind)}, {"id", e.id}, {"name", e.name},
            {"evidence", s.evidence}};
  if (value != "-" && !value.empty()) r[value] = s.value;
  if (s.day) r["date"] = FormatDate(s.day);
  if (s.from) r["from"] = FormatDate(*s.from);
  if (s.reached) r["reached"] = s.reached;
  return r;
}

json LinkOf(const RecordsUniverse& u, uint32_t e) {
  const Entity d = u.Describe(e);
  switch (d.kind) {
    case EntityKind::kTrack:
      return {{"type", "track"}, {"id", d.track ? d.track->id : d.id}};
    case EntityKind::kSong:
      return d.track ? json{{"type", "track"}, {"id", d.track->id}} : json();
    case EntityKind::kRelease:
      return {{"type", "release"}, {"id", d.id}};
    case EntityKind::kArtist:
      return {{"type", "artist"}, {"id", d.id}};
  }
  return json();
}

json ListenerBoardJson(const RecordsUniverse& u, const ListenerBoardResult& board, EntityKind kind,
                       ListenerWindow window, const std::string& country, const std::string& service,
                       const Filter& where, Day last_date, size_t offset, size_t limit) {
  json rows = json::array();
  size_t rank = 0;
  for (const auto& x : board.standings) {
    if (!where.Matches(u, x.entity)) continue;
    const Entity e = u.Describe(x.entity);
    rows.push_back({{"rank", ++rank},
                    {"kind", EntityKindName(e.kind)},
                    {"id", e.id},
                    {"name", e.name},
                    {"link", LinkOf(u, x.entity)},
                    {"listeners", x.listeners},
                    {"before", x.before},
                    {"change", static_cast<int64_t>(x.listeners) - static_cast<int64_t>(x.before)},
                    {"peak", x.peak},
                    {"peak_date", FormatDate(x.peak_day)}});
  }
  json out = {{"window", ListenerWindowName(window)},
              {"country", country.empty() ? json() : json(country)},
              {"service", service.empty() ? json() : json(service)},
              {"title", std::string(window == ListenerWindow::k28Days ? "Monthly listeners" : "Listeners") +
                            " of " + std::string(EntityKindName(kind)) + "s" + (country.empty() ? "" : " in " + country) +
                            (where.text().empty() ? "" : " (" + where.text() + ")")},
              {"kind", EntityKindName(kind)},
              {"where", where.text()},
              {"date", FormatDate(board.day)},
              {"from", FormatDate(board.from)},
              {"last_date", FormatDate(last_date)},
              {"days_without_sets", board.days_without_sets}};
  PutPage(&out, "standings", rows, offset, limit);
  return out;
}

Result<json> ListenerMilestonesJson(const CountStore& store, const RecordsUniverse& u, uint32_t e,
                                    ListenerWindow window, const ListenerFilter& filter,
                                    const std::string& country, const std::string& service,
                                    int64_t step, Day to) {
  if (step <= 0) return Status::InvalidArgument("a milestone step is a positive count");
  ENCORE_ASSIGN_OR_RETURN(const std::optional<Day> first, FirstListenerDay(store));
  if (!first) return Status::NotFound("the store holds no listeners");
  ENCORE_ASSIGN_OR_RETURN(const auto points,
                          EntityListeners(store, u, e, std::min(*first, to), to, window, filter));
  uint64_t peak = 0;
  for (const auto& p : points) peak = std::max(peak, p.listeners);
  json ms = json::array();
  uint64_t next = static_cast<uint64_t>(step);
  for (const auto& p : points) {
    while (next <= p.listeners && ms.size() < 10000) {
      ms.push_back({{"threshold", next}, {"date", FormatDate(p.day)}});
      next += static_cast<uint64_t>(step);
    }
  }
  const Entity ent = u.Describe(e);
  return json{{"entity", std::string(EntityKindName(ent.kind)) + ":" + ent.id},
              {"name", ent.name},
              {"link", LinkOf(u, e)},
              {"window", ListenerWindowName(window)},
              {"country", country.empty() ? json() : json(country)},
              {"service", service.empty() ? json() : json(service)},
              {"step", step},
              {"to", FormatDate(to)},
              {"peak", peak},
              {"milestones", std::move(ms)}};
}

Result<json> ListenerFirstsJson(const CountStore& store, const RecordsUniverse& u, EntityKind kind,
                                ListenerWindow window, const ListenerFilter& filter,
                                const std::string& country, const std::string& service,
                                const Filter& where, int64_t n, Day as_of, size_t offset,
                                size_t limit) {
  if (n <= 0) return Status::InvalidArgument("a listener count is positive");
  ENCORE_ASSIGN_OR_RETURN(const std::optional<Day> first, FirstListenerDay(store));
  if (!first) return Status::NotFound("the store holds no listeners");
  ENCORE_ASSIGN_OR_RETURN(auto crossings,
                          ListenerMilestones(store, u, kind, std::min(*first, as_of), as_of, window,
                                             filter, {static_cast<uint64_t>(n)}));
  std::vector<std::pair<Day, uint32_t>> order;
  for (const auto& c : crossings) {
    if (!c.reached.empty() && where.Matches(u, c.entity)) order.emplace_back(c.reached[0].second, c.entity);
  }
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return u.Describe(a.second).name < u.Describe(b.second).name;
  });
  json rows = json::array();
  size_t rank = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || order[i].first != order[i - 1].first) rank = i + 1;
    const Entity e = u.Describe(order[i].second);
    rows.push_back({{"rank", rank},
                    {"kind", EntityKindName(e.kind)},
                    {"id", e.id},
                    {"name", e.name},
                    {"link", LinkOf(u, order[i].second)},
                    {"date", FormatDate(order[i].first)}});
  }
  json out = {{"window", ListenerWindowName(window)},
              {"country", country.empty() ? json() : json(country)},
              {"service", service.empty() ? json() : json(service)},
              {"kind", EntityKindName(kind)},
              {"reached", n},
              {"where", where.text()},
              {"as_of", FormatDate(as_of)},
              {"title", "The first " + std::string(EntityKindName(kind)) + "s to " + Thousands(n) + " " +
                            (window == ListenerWindow::k28Days ? "monthly listeners" : "listeners") +
                            (country.empty() ? "" : " in " + country) +
                            (where.text().empty() ? "" : " (" + where.text() + ")")}};
  PutPage(&out, "standings", rows, offset, limit);
  return out;
}

json ReignsJson(const RecordsUniverse& u, const std::vector<Reign>& reigns) {
  json out = json::array();
  for (const Reign& g : reigns) {
    const Entity e = u.Describe(g.entity);
    out.push_back({{"id", e.id},
                   {"name", e.name},
                   {"link", LinkOf(u, g.entity)},
                   {"days", g.value},
                   {"from", FormatDate(g.from)},
                   {"to", DateOrNull(g.to)}});
  }
  return out;
}

std::string BoardTitle(BoardKind board, EntityKind kind, int64_t n, int year, const std::string& unit,
                       const Filter& filter) {
  const std::string plural = std::string(EntityKindName(kind)) + "s";
  std::string title;
  switch (board) {
    case BoardKind::kFastest:
      title = "Fastest " + plural + " to " + ShortNumber(n) + " " + unit;
      break;
    case BoardKind::kRace: {
      std::string capital = plural;
      capital[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capital[0])));
      title = capital + " to " + ShortNumber(n) + " " + unit + " in " + std::to_string(year) +
              " (day of the year)";
      break;
    }
    case BoardKind::kFirst:
      title = "First " + plural + " to " + ShortNumber(n) + " " + unit +
              (year ? " in " + std::to_string(year) : std::string());
      break;
    case BoardKind::kMost: {
      std::string period = "all time";
      if (filter.from || filter.to) {
        period = (filter.from ? FormatDate(*filter.from) : "") + ".." +
                 (filter.to ? FormatDate(*filter.to) : "");
      }
      title = "Most streamed " + plural + (unit == "streams" ? "" : " (" + unit + ")") + ", " + period;
      break;
    }
  }
  return title + (filter.text().empty() ? "" : " (" + filter.text() + ")");
}

json BoardJson(const RecordsUniverse& u, const std::string& title, std::optional<int64_t> n,
               EntityKind kind, const Filter& filter, const std::vector<Standing>& standings,
               const std::string& value, size_t offset, size_t limit) {
  json rows = json::array();
  for (const Standing& x : standings) {
    json j = StandingJson(u, x, value);
    j["link"] = LinkOf(u, x.entity);
    rows.push_back(std::move(j));
  }
  json out = {{"title", title},
              {"kind", EntityKindName(kind)},
              {"n", n ? json(*n) : json()},
              {"where", filter.text()}};
  PutPage(&out, "standings", rows, offset, limit);
  return out;
}

json MilestonesJson(const RecordsState& state, uint32_t e) {
  const RecordsUniverse& u = state.universe;
  const Entity d = u.Describe(e);
  std::optional<Day> day0 = d.released;
  if (!day0 && e < state.first_day.size() && state.first_day[e] >= 0) day0 = state.first_day[e];
  json rows = json::array();
  for (const Crossing& c : state.crossings) {
    if (c.entity != e) continue;
    json j = {{"counted", c.year ? std::to_string(c.year) : "all"},
              {"threshold", c.threshold},
              {"date", FormatDate(c.day)}};
    if (c.year) {
      j["year"] = c.year;
      j["day_of_year"] = c.day - DayFromCivil(c.year, 1, 1) + 1;
    } else if (day0) {
      j["days"] = c.day - *day0;
    }
    j["before"] = c.before;
    j["after"] = c.after;
    if (c.span > 1) {
      j["week_ending"] = FormatDate(c.day);
      j["earliest"] = FormatDate(c.day - (c.span - 1));
    }
    rows.push_back(std::move(j));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return a["date"].get<std::string>() < b["date"].get<std::string>();
  });
  return {{"entity", std::string(EntityKindName(d.kind)) + ":" + d.id},
          {"name", d.name},
          {"total", e < state.totals.size() ? state.totals[e] : 0},
          {"day0", DateOrNull(day0)},
          {"milestones", std::move(rows)}};
}

json ForecastJson(const RecordsUniverse& u, uint32_t e, Day as_of, int64_t total, const Forecast& f) {
  const Entity d = u.Describe(e);
  json next = json::array();
  for (const auto& x : f.next) {
    next.push_back({{"threshold", x.threshold},
                    {"expected", DateOrNull(x.expected)},
                    {"earliest", DateOrNull(x.earliest)},
                    {"latest", DateOrNull(x.latest)}});
  }
  json weekday = json::array();
  for (double w : f.model.weekday) weekday.push_back(std::round(w * 1000) / 1000);
  return {{"entity", std::string(EntityKindName(d.kind)) + ":" + d.id},
          {"name", d.name},
          {"as_of", FormatDate(as_of)},
          {"total", total},
          {"streams_a_day", std::llround(f.model.level)},
          {"weekly_change", std::round(f.model.weekly_change * 10000) / 10000},
          {"weekday_factors", std::move(weekday)},
          {"days_used", f.model.days_used},
          {"next", std::move(next)}};
}

json ClaimJson(const ClaimResult& c, const std::string& where) {
  json j = {{"claim", c.claim}};
  if (!where.empty()) j["where"] = where;
  j["holds"] = c.holds;
  j["actual"] = c.actual;
  j["evidence"] = c.evidence;
  return j;
}

json ClaimErrorJson(const std::string& claim, const std::string& where, const Status& error) {
  return {{"claim", claim}, {"where", where}, {"holds", nullptr}, {"error", error.message()}};
}

json ClaimsJson(const json& claims) {
  size_t hold = 0, fail = 0, errors = 0;
  for (const json& c : claims) {
    if (c["holds"].is_null()) {
      ++errors;
    } else {
      ++(c["holds"].get<bool>() ? hold : fail);
    }
  }
  return {{"claims", claims},
          {"total", claims.size()},
          {"hold", hold},
          {"do_not_hold", fail},
          {"errors", errors}};
}

json ChartRecordsJson(const std::string& chart, const std::string& by, const std::string& artist,
                      bool artists, const std::vector<ChartRecordPlace>& places, size_t offset,
                      size_t limit) {
  json rows = json::array();
  for (const ChartRecordPlace& p : places) {
    json row = {{"rank", p.rank},         {"artist", p.artist},         {"value", p.value},
                {"at_least", p.at_least}, {"date", FormatDate(p.date)}, {"evidence", p.evidence}};
    if (!artists) row["title"] = p.title;
    rows.push_back(std::move(row));
  }
  json out = {{"chart", chart},
              {"by", by},
              {"artist", artist},
              {"title", (artists ? "Artists on " : "Songs on ") + chart + ", by " + by +
                            (artist.empty() ? "" : " (" + artist + ")")}};
  PutPage(&out, artists ? "artists" : "songs", rows, offset, limit);
  return out;
}

json ChartFirstsJson(const std::string& chart, int position, const std::string& where,
                     const std::vector<ChartFirst>& firsts, size_t offset, size_t limit) {
  json rows = json::array();
  size_t place = 0;
  for (size_t i = 0; i < firsts.size(); ++i) {
    // Acts that got there on the same edition (co-leads of one song) share their place.
    if (i == 0 || firsts[i].date != firsts[i - 1].date) place = i + 1;
    rows.push_back({{"place", place},
                    {"artist", firsts[i].artist},
                    {"title", firsts[i].title},
                    {"credit", firsts[i].credit},
                    {"date", FormatDate(firsts[i].date)},
                    {"position", firsts[i].position}});
  }
  json out = {{"chart", chart},
              {"position", position},
              {"where", where},
              {"title", "The first acts" + (where.empty() ? "" : " matching \"" + where + "\"") +
                            " to reach No. " + std::to_string(position) + " on " + chart +
                            " (lead credits), in order"}};
  PutPage(&out, "firsts", rows, offset, limit);
  return out;
}

json ChartMilestonesJson(const std::string& chart, int64_t step,
                         const std::vector<MetricMilestone>& ms, size_t offset, size_t limit) {
  json rows = json::array();
  for (const MetricMilestone& m : ms) {
    rows.push_back({{"date", FormatDate(m.date)},
                    {"artist", m.artist},
                    {"title", m.title},
                    {"threshold", m.threshold},
                    {"weeks", m.weeks},
                    {"total", m.total},
                    {"carried_in", m.carried_in}});
  }
  json out = {{"chart", chart},
              {"step", step},
              {"title", "Running points (or units) of each song on " + chart + ", every " +
                            Thousands(step)}};
  PutPage(&out, "milestones", rows, offset, limit);
  return out;
}

json StoreFeatJson(const Entity& track, const std::string& chart, const StoreFeat& feat,
                   double within_hours, size_t countries, int hours) {
  json tops = json::array();
  for (const auto& t : feat.tops) {
    tops.push_back({{"country", t.country},
                    {"hour", FormatTimestamp(t.hour_ts)},
                    {"after_seconds", t.after}});
  }
  const auto time_to = feat.TimeTo(countries);
  return {{"track", track.id},
          {"name", track.name},
          {"chart", chart},
          {"launch", FormatTimestamp(feat.launch)},
          {"within_hours", within_hours},
          {"countries_within", feat.CountWithin(static_cast<int64_t>(within_hours * 3600))},
          {"countries", countries},
          {"seconds_to_countries", time_to ? json(*time_to) : json(nullptr)},
          {"hours", hours},
          {"tops", std::move(tops)}};
}

json StoreLaunchesJson(const RecordsUniverse& u, const Catalog& catalog, const std::string& chart,
                       double within_hours, size_t countries, int hours,
                       const std::vector<StoreFeat>& launches, size_t offset, size_t limit) {
  const auto within = static_cast<int64_t>(within_hours * 3600);
  json rows = json::array();
  for (size_t i = 0; i < launches.size(); ++i) {
    const StoreFeat& f = launches[i];
    json name, link;
    if (auto e = u.Find(EntityKind::kTrack, f.track)) {
      name = u.Describe(*e).name;
      link = LinkOf(u, *e);
    } else if (const Track* t = catalog.TrackById(f.track)) {
      name = t->title;
    }
    const auto time_to = f.TimeTo(countries);
    rows.push_back({{"rank", i + 1},
                    {"track", f.track},
                    {"name", name},
                    {"link", link},
                    {"launch", FormatTimestamp(f.launch)},
                    {"countries_within", f.CountWithin(within)},
                    {"seconds_to_countries", time_to ? json(*time_to) : json(nullptr)}});
  }
  char w[32];
  std::snprintf(w, sizeof w, "%g", within_hours);
  json out = {{"chart", chart},
              {"within_hours", within_hours},
              {"countries", countries},
              {"hours", hours},
              {"title", "Launches on " + chart + ": countries at No. 1 within " + w +
                            " hours, then the time to " + std::to_string(countries)}};
  PutPage(&out, "launches", rows, offset, limit);
  return out;
}

json StoreTopsJson(const StoreTopsResult& r, const StoreTopsOptions& o) {
  auto tied = [&](size_t i) {
    return (i > 0 && r.tops[i - 1].after == r.tops[i].after) ||
           (i + 1 < r.tops.size() && r.tops[i + 1].after == r.tops[i].after);
  };
  json tops = json::array();
  for (size_t i = 0; i < r.tops.size(); ++i) {
    const CountryTop& t = r.tops[i];
    json j = {{"country", t.country},
              {"snapshot", FormatTimestamp(t.taken)},
              {"after_seconds", t.after},
              {"within", t.after <= r.within},
              {"tied", tied(i)},
              {"time_from", t.taken_from},
              {"file", std::filesystem::path(t.path).filename().string()},  // not the machine's paths
              {"as_printed", t.artist + " - " + t.title},
              {"id", t.id}};
    if (t.before) {
      j["before"] = {{"snapshot", FormatTimestamp(t.before)},
                     {"position", t.before_position ? json(t.before_position) : json(nullptr)},
                     {"no1", t.before_top}};
    } else {
      j["before"] = nullptr;
    }
    tops.push_back(std::move(j));
  }
  return {{"song", r.query},
          {"store", o.store},
          {"kind", o.kind},
          {"song_keys", r.songs},
          {"ids", r.ids},
          {"names", r.names},
          {"start", FormatTimestamp(r.start)},
          {"start_from", r.start_from},
          {"within_seconds", r.within},
          {"countries_within", r.CountWithin(r.within)},
          {"countries_at_no1", r.tops.size()},
          {"countries_seen", r.countries_seen},
          {"snapshots_seen", r.snapshots_seen},
          {"countries_not_seen", r.not_seen},
          {"tops", std::move(tops)}};
}

json ListenerSeriesJson(const RecordsUniverse& u, uint32_t e, ListenerWindow window,
                        const std::string& country, const std::string& service,
                        const std::vector<ListenerPoint>& points, const std::string& note) {
  const Entity ent = u.Describe(e);
  json pts = json::array();
  for (const auto& p : points) {
    pts.push_back({{"date", FormatDate(p.day)},
                   {"from", FormatDate(p.from)},
                   {"listeners", p.listeners},
                   {"days_without_sets", p.days_without_sets}});
  }
  json out = {{"window", ListenerWindowName(window)},
              {"country", country.empty() ? json() : json(country)},
              {"service", service.empty() ? json() : json(service)},
              {"entity", std::string(EntityKindName(ent.kind)) + ":" + ent.id},
              {"name", ent.name},
              {"link", LinkOf(u, e)},
              {"points", std::move(pts)}};
  if (!note.empty()) out["note"] = note;
  return out;
}

}  // namespace encore::views
