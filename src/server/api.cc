// The read endpoints of the HTTP API (doc/api/http.md): what the CLI shows, as JSON, from one
// snapshot of a store.
#include "server/api.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "catalog/names.h"
#include "common/strings.h"
#include "common/text.h"
#include "encore/chart_streams.h"
#include "encore/compile.h"
#include "encore/methodology.h"
#include "encore/query.h"
#include "records/news.h"
#include "store/clickhouse_client.h"
#include "views/views.h"

namespace encore::server {

namespace {

using nlohmann::json;

constexpr const char* kSealedCache = "public, max-age=86400";

// ---------------------------------------------------------------------------------------------
// Parameters

class Params {
 public:
  explicit Params(const ApiRequest& r) : r_(r) {}

  // kInvalidArgument for a parameter the endpoint does not take (a typo must not pass silently).
  Status Only(std::initializer_list<const char*> allowed) const {
    for (const auto& param : r_.params) {
      const std::string& k = param.first;  // a binding clang before 16 cannot capture
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Status::InvalidArgument("unknown parameter '" + k + "' (this endpoint takes: " +
                                       (list.empty() ? "none" : list) + ")");
      }
    }
    return Status::Ok();
  }
  std::optional<std::string> Get(const std::string& k) const {
    auto it = r_.params.find(k);
    if (it == r_.params.end()) return std::nullopt;
    return it->second;
  }
  std::string Str(const std::string& k, const std::string& def = "") const {
    return Get(k).value_or(def);
  }
  Result<int64_t> Int(const std::string& k, int64_t def, int64_t lo, int64_t hi) const {
    auto v = Get(k);
    if (!v) return def;
    char* end = nullptr;
    errno = 0;
    const long long x = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end || errno || x < lo || x > hi) {
      return Status::InvalidArgument(k + " must be a whole number from " + std::to_string(lo) +
                                     " to " + std::to_string(hi) + ", not '" + *v + "'");
    }
    return static_cast<int64_t>(x);
  }
  Result<std::optional<Day>> Date(const std::string& k) const {
    auto v = Get(k);
    if (!v || v->empty()) return std::optional<Day>();
    auto d = ParseDate(*v);
    if (!d) return Status::InvalidArgument(k + " must be a date YYYY-MM-DD, not '" + *v + "'");
    return std::optional<Day>(*d);
  }
  Result<int64_t> Count(const std::string& k, const std::string& def) const {
    const std::string v = Str(k, def);
    auto n = ParseCount(v);
    if (!n || *n <= 0) {
      return Status::InvalidArgument(k + " must be a positive count (1e9, 1.4B, 100M), not '" + v +
                                     "'");
    }
    return *n;
  }
  Result<EntityKind> Kind(const std::string& def) const {
    const std::string v = Str("kind", def);
    auto k = ParseEntityKind(v);
    if (!k) return Status::InvalidArgument("kind must be track, song, release or artist");
    return *k;
  }
  Result<bool> Bool(const std::string& k, bool def) const {
    auto v = Get(k);
    if (!v) return def;
    if (*v == "1" || *v == "true" || *v == "yes" || v->empty()) return true;
    if (*v == "0" || *v == "false" || *v == "no") return false;
    return Status::InvalidArgument(k + " must be true or false, not '" + *v + "'");
  }

 private:
  const ApiRequest& r_;
};

// One page of a list: `limit` items from `offset`, with the total and the next offset.
struct Page {
  size_t offset = 0, limit = 50;
};
Result<Page> GetPage(const Params& p, size_t def_limit) {
  Page page;
  ENCORE_ASSIGN_OR_RETURN(const int64_t limit,
                          p.Int("limit", static_cast<int64_t>(def_limit), 1, 1000));
  ENCORE_ASSIGN_OR_RETURN(const int64_t offset, p.Int("offset", 0, 0, 1'000'000'000));
  page.limit = static_cast<size_t>(limit);
  page.offset = static_cast<size_t>(offset);
  return page;
}
// Puts items[offset, offset + limit) into out[key] with the paging fields.
void PutPage(json* out, const std::string& key, const json& items, const Page& page) {
  views::PutPage(out, key, items, page.offset, page.limit);
}

using views::DateOrNull;
using views::Number;

using views::LinkOf;


// ---------------------------------------------------------------------------------------------
// Entities: their store tracks, daily series and milestones

// What the pages of a track, a release and an artist read (views::PageContext); the chart
// history is read under sqlite_mu.
views::PageContext PageOf(const Snapshot& s) {
  views::PageContext c;
  c.catalog = &s.catalog;
  c.store = s.store.get();
  c.state = &s.state;
  c.settings = &s.settings;
  c.news = &s.news;
  c.history = s.history.get();
  c.history_mu = &s.sqlite_mu;
  return c;
}

// The daily series a page asks for: country, service, from, to.
Result<StreamsQuery> SeriesQuery(const Params& p) {
  StreamsQuery q;
  if (auto c = p.Get("country")) q.country = *c;
  if (auto v = p.Get("service")) q.service = *v;
  ENCORE_ASSIGN_OR_RETURN(q.from, p.Date("from"));
  ENCORE_ASSIGN_OR_RETURN(q.to, p.Date("to"));
  return q;
}

// ---------------------------------------------------------------------------------------------
// Endpoints

Result<ApiReply> Index() {
  ApiReply r;
  r.body = {{"name", "encore"},
            {"version", "v1"},
            {"documentation", "doc/api/http.md"},
            {"endpoints",
             {"GET /api/v1/status", "GET /api/v1/charts", "GET /api/v1/charts/{chart}",
              "GET /api/v1/tracks/{id}", "GET /api/v1/releases/{id}", "GET /api/v1/artists/{id}",
              "GET /api/v1/records/fastest", "GET /api/v1/records/race",
              "GET /api/v1/records/first", "GET /api/v1/records/most",
              "GET /api/v1/records/charts", "GET /api/v1/records/store",
              "GET /api/v1/records/store-tops", "GET /api/v1/charts/{name}/explain", "GET /api/v1/listeners",
              "GET /api/v1/listeners/{kind}/{id}", "GET /api/v1/news",
              "GET /api/v1/check", "GET /api/v1/resolve", "GET /api/v1/search",
              "POST /api/v1/ingest (with a token)", "PUT /api/v1/catalog (with a token)"}}};
  return r;
}

Result<ApiReply> GetStatus(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({}));
  json charts = json::array();
  if (s.history) {
    std::lock_guard<std::mutex> lock(s.sqlite_mu);
    ENCORE_ASSIGN_OR_RETURN(auto list, s.history->Charts());
    for (const auto& c : list) charts.push_back({{"chart", c.chart}, {"editions", c.editions}});
  }
  ApiReply r;
  // The store by its last name: a directory's, or a ClickHouse store's database (never its hosts).
  std::string store_name = std::filesystem::path(s.dir).filename().string();
  if (auto ep = ParseClickHouseUrl(s.store->Name()); ep.ok()) store_name = ep->database;
  r.body = views::StoreStatusJson(*s.store, store_name);
  r.body["loaded_at"] =
      std::chrono::duration_cast<std::chrono::seconds>(s.loaded.time_since_epoch()).count();
  r.body["catalog"] = {{"artists", s.catalog.artists().size()},
                       {"releases", s.catalog.releases().size()},
                       {"tracks", s.catalog.tracks().size()}};
  r.body["charts"] = charts;
  r.body["records"] = {{"last_day", DateOrNull(s.state.last_day)},
                       {"kept", s.records_kept},
                       {"crossings", s.state.crossings.size()},
                       {"news", s.news.size()}};
  r.body["sales"] = s.sales != nullptr;
  return r;
}

Result<ApiReply> ListCharts(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({}));
  const auto days = s.store->Days();
  ApiReply r;
  std::lock_guard<std::mutex> lock(s.sqlite_mu);
  ENCORE_ASSIGN_OR_RETURN(r.body, views::ChartListJson(days.empty() ? 0 : days.back(), s.history.get()));
  return r;
}

// A chart kept in the chart history (imported from a publisher, or compiled and stored).
Result<ApiReply> KeptChart(const Snapshot& s, const std::string& name, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"date", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 200));
  ENCORE_ASSIGN_OR_RETURN(const auto want, p.Date("date"));
  ApiReply r;
  {
    std::lock_guard<std::mutex> lock(s.sqlite_mu);
    ENCORE_ASSIGN_OR_RETURN(r.body, views::KeptChartJson(*s.history, s.catalog, name, want));
  }
  const json entries = std::move(r.body["entries"]);
  PutPage(&r.body, "entries", entries, page);
  return r;
}

Result<ApiReply> CompiledStoreChart(const Snapshot& s, const ChartMethod& m, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"hour", "region", "country", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 200));
  if (!s.sales) return Status::NotFound(m.name + " is compiled from sales: the store has none");
  const auto hour = p.Get("hour");
  // region= (a code in any case or a name; US when not given), as every chart takes it (country=
  // too, its first name).
  const auto asked = p.Get("region") ? p.Get("region") : p.Get("country");
  ENCORE_ASSIGN_OR_RETURN(const std::string country, views::StoreChartCountry(asked ? *asked : ""));
  if (!hour) {
    return Status::InvalidArgument(
        m.name + " is an hourly store chart: give hour=YYYY-MM-DDTHH (UTC) and region (default US)");
  }
  auto ts = ParseTimestamp(*hour + (hour->size() == 13 ? ":00:00Z" : ""));
  if (!ts) return Status::InvalidArgument("hour must be YYYY-MM-DDTHH (UTC), not '" + *hour + "'");
  const int64_t hour_ts = *ts - *ts % 3600;
  CompiledChart c;
  {
    std::lock_guard<std::mutex> lock(s.sqlite_mu);
    ENCORE_ASSIGN_OR_RETURN(c,
                            CompileStoreChart(*s.sales, s.catalog_or_null(), m, hour_ts, country));
  }
  ApiReply r;
  r.body = views::StoreChartJson(m, c, country, hour_ts);
  const json entries = std::move(r.body["entries"]);
  PutPage(&r.body, "entries", entries, page);
  return r;
}

// A chart compiled from the counts by a built-in methodology, with its run columns.
Result<ApiReply> CompiledChartReply(const Snapshot& s, const ChartMethod& m, const Params& p) {
  if (m.Word("period", 0) == "hour") return CompiledStoreChart(s, m, p);
  ENCORE_RETURN_IF_ERROR(p.Only({"date", "region", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 200));
  ENCORE_ASSIGN_OR_RETURN(const auto want, p.Date("date"));
  // The charts up to the latest whose whole period is counted, compiled once per snapshot (a
  // chart's runs depend only on the charts before it, so each is what a series to its date
  // gives); a later date is compiled on its own.
  ENCORE_ASSIGN_OR_RETURN(const Day latest, views::CompiledDate(m, *s.store, std::nullopt));
  std::vector<CompiledChart> own;
  const views::CompileEdition compile = [&](Day date,
                                            const std::string& region) -> Result<const CompiledChart*> {
    std::shared_ptr<const std::vector<CompiledChart>> series;
    {
      std::lock_guard<std::mutex> lock(s.series_mu);
      const std::string key = m.name + "|" + region;
      auto it = s.series.find(key);
      if (it != s.series.end()) series = it->second;
      if (!series && date <= latest) {
        std::lock_guard<std::mutex> sql(s.sqlite_mu);  // sales
        ENCORE_ASSIGN_OR_RETURN(
            auto all, CompileSeries(*s.store, s.catalog_or_null(), m, latest, region, s.sales.get()));
        series = std::make_shared<const std::vector<CompiledChart>>(std::move(all));
        s.series.emplace(key, series);
      }
    }
    if (series && date <= latest) {
      // The snapshot keeps the series as long as this request holds its snapshot.
      auto at = std::lower_bound(series->begin(), series->end(), date,
                                 [](const CompiledChart& c, Day d) { return c.date < d; });
      if (at != series->end() && at->date == date) return &*at;
    }
    std::lock_guard<std::mutex> lock(s.sqlite_mu);  // sales
    ENCORE_ASSIGN_OR_RETURN(
        own, CompileSeries(*s.store, s.catalog_or_null(), m, date, region, s.sales.get()));
    return &own.back();
  };
  ApiReply r;
  Day period_end = 0;
  ENCORE_ASSIGN_OR_RETURN(r.body, views::CompiledChartJson(*s.store, s.catalog_or_null(), m, want,
                                                           p.Str("region"), compile, &period_end));
  const json entries = std::move(r.body["entries"]);
  PutPage(&r.body, "entries", entries, page);
  // A chart whose whole period is sealed no longer changes with new plays.
  if (s.store->sealed_before() && period_end < *s.store->sealed_before()) r.cache_control = kSealedCache;
  return r;
}

Result<ApiReply> GetChart(const Snapshot& s, const std::string& name, const Params& p) {
  if (s.history) {
    std::vector<ChartSummary> list;
    {
      std::lock_guard<std::mutex> lock(s.sqlite_mu);
      ENCORE_ASSIGN_OR_RETURN(list, s.history->Charts());
    }
    for (const auto& c : list)
      if (c.chart == name) return KeptChart(s, name, p);
  }
  if (const ChartMethod* m = FindMethodology(name)) return CompiledChartReply(s, *m, p);
  return Status::NotFound("no chart '" + name + "': GET /api/v1/charts lists them");
}

// GET /api/v1/charts/NAME/explain?track=…: why a track has its place on a compiled chart
// (`encore chart explain NAME --track T --format json`).
Result<ApiReply> ExplainChart(const Snapshot& s, const std::string& name, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"track", "date", "region"}));
  const ChartMethod* m = FindMethodology(name);
  if (!m) {
    return Status::NotFound("no compiled chart '" + name +
                            "' (a kept chart's points are as published: GET /api/v1/charts lists them)");
  }
  ENCORE_ASSIGN_OR_RETURN(const auto date, p.Date("date"));
  std::lock_guard<std::mutex> lock(s.sqlite_mu);  // sales
  ApiReply r;
  ENCORE_ASSIGN_OR_RETURN(r.body, views::ChartExplainJson(*s.store, s.catalog_or_null(), s.sales.get(), *m,
                                                          date, p.Str("region"), p.Str("track")));
  return r;
}

// A track by catalog id or ISRC, or by a store track id the catalog does not know; a release; an
// artist by id or name (views::TrackPageJson and the others).
Result<ApiReply> GetTrack(const Snapshot& s, const std::string& id, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"country", "service", "from", "to"}));
  ENCORE_ASSIGN_OR_RETURN(const StreamsQuery q, SeriesQuery(p));
  ApiReply r;
  ENCORE_ASSIGN_OR_RETURN(r.body, views::TrackPageJson(PageOf(s), id, q));
  return r;
}

Result<ApiReply> GetRelease(const Snapshot& s, const std::string& id, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"country", "service", "from", "to"}));
  ENCORE_ASSIGN_OR_RETURN(const StreamsQuery q, SeriesQuery(p));
  ApiReply r;
  ENCORE_ASSIGN_OR_RETURN(r.body, views::ReleasePageJson(PageOf(s), id, q));
  return r;
}

Result<ApiReply> GetArtist(const Snapshot& s, const std::string& id, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"country", "service", "from", "to"}));
  ENCORE_ASSIGN_OR_RETURN(const StreamsQuery q, SeriesQuery(p));
  ApiReply r;
  ENCORE_ASSIGN_OR_RETURN(r.body, views::ArtistPageJson(PageOf(s), id, q));
  return r;
}

// The leaderboards: what `encore records fastest|race|first|most` show.
struct Board {
  int64_t n = 0;
  EntityKind kind = EntityKind::kTrack;
  Filter filter;
  Page page;
};
Result<Board> GetBoard(const Params& p, const std::string& kind, size_t limit) {
  Board b;
  ENCORE_ASSIGN_OR_RETURN(b.n, p.Count("n", "1e9"));
  ENCORE_ASSIGN_OR_RETURN(b.kind, p.Kind(kind));
  ENCORE_ASSIGN_OR_RETURN(b.filter, Filter::Parse(p.Str("where")));
  ENCORE_RETURN_IF_ERROR(b.filter.RefusePeriodOfBoard());
  ENCORE_ASSIGN_OR_RETURN(b.page, GetPage(p, limit));
  return b;
}

// A leaderboard as the CLI prints it (views::BoardJson), cut to the page asked for.
json BoardReply(const RecordsUniverse& u, views::BoardKind kind, const Board& b, int year,
                const std::vector<Standing>& board, const std::string& value) {
  return views::BoardJson(u, views::BoardTitle(kind, b.kind, b.n, year, "streams", b.filter), b.n,
                          b.kind, b.filter, board, value, b.page.offset, b.page.limit);
}

Result<ApiReply> Fastest(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"n", "kind", "where", "as_of", "history", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const Board b, GetBoard(p, "track", 10));
  ENCORE_ASSIGN_OR_RETURN(const auto as_of, p.Date("as_of"));
  ENCORE_ASSIGN_OR_RETURN(const bool history, p.Bool("history", false));
  std::vector<Day> first_day;
  ENCORE_ASSIGN_OR_RETURN(auto crossings,
                          CrossingsAt(*s.store, s.state, s.settings, b.n, &first_day));
  const RecordsUniverse& u = s.state.universe;
  const auto board = FastestTo(u, crossings, first_day, b.kind, b.n, b.filter, as_of);
  ApiReply r;
  r.body = BoardReply(u, views::BoardKind::kFastest, b, 0, board, "days");
  r.body["as_of"] = DateOrNull(as_of);
  if (history) r.body["history"] = views::ReignsJson(u, FastestHistory(board));
  return r;
}

// The race plot: each listed entity's streams within the year, day by day (day of the year).
Result<json> RaceSeries(const Snapshot& s, int year, const std::vector<uint32_t>& entities) {
  const RecordsUniverse& u = s.state.universe;
  const Day first = DayFromCivil(year, 1, 1), last = DayFromCivil(year, 12, 31);
  std::unordered_map<uint32_t, size_t> index;
  for (size_t i = 0; i < entities.size(); ++i) index.emplace(entities[i], i);
  std::vector<int64_t> cum(entities.size(), 0);
  std::vector<json> values(entities.size(), json::array());
  json days = json::array();
  for (Day d : s.store->Days()) {
    if (d < first || d > last) continue;
    ENCORE_ASSIGN_OR_RETURN(const DayTotals t, ReadDayTotals(*s.store, d, s.settings.service));
    for (size_t i = 0; i < t.tracks.size(); ++i) {
      const uint32_t st = t.tracks[i];
      if (st >= u.store_tracks()) continue;
      if (auto it = index.find(u.TrackEntity(st)); it != index.end())
        cum[it->second] += t.streams[i];
      for (const uint32_t* x = u.ExtrasBegin(st); x != u.ExtrasEnd(st); ++x)
        if (auto it = index.find(*x); it != index.end()) cum[it->second] += t.streams[i];
    }
    days.push_back(d - first + 1);
    for (size_t i = 0; i < entities.size(); ++i) values[i].push_back(cum[i]);
  }
  json series = json::array();
  for (size_t i = 0; i < entities.size(); ++i) {
    series.push_back({{"id", u.Describe(entities[i]).id},
                      {"name", u.Describe(entities[i]).name},
                      {"values", std::move(values[i])}});
  }
  return json{{"day_of_year", days}, {"series", series}};
}

Result<ApiReply> Race(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(
      p.Only({"year", "n", "kind", "where", "as_of", "series", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const Board b, GetBoard(p, "artist", 10));
  int last_year = 2024;
  unsigned month = 0, mday = 0;
  if (s.state.last_day) CivilFromDay(*s.state.last_day, &last_year, &month, &mday);
  const int64_t default_year = last_year;
  ENCORE_ASSIGN_OR_RETURN(const int64_t year, p.Int("year", default_year, 1900, 2999));
  ENCORE_ASSIGN_OR_RETURN(const auto as_of, p.Date("as_of"));
  ENCORE_ASSIGN_OR_RETURN(const bool with_series, p.Bool("series", true));
  std::vector<Day> first_day;
  ENCORE_ASSIGN_OR_RETURN(auto crossings,
                          CrossingsAt(*s.store, s.state, s.settings, b.n, &first_day));
  const RecordsUniverse& u = s.state.universe;
  const auto board = YearRace(u, crossings, b.kind, static_cast<int>(year), b.n, b.filter, as_of);
  ApiReply r;
  r.body = BoardReply(u, views::BoardKind::kRace, b, static_cast<int>(year), board, "day");
  r.body["year"] = year;
  if (with_series) {
    std::vector<uint32_t> shown;
    for (size_t i = b.page.offset;
         i < board.size() && shown.size() < std::min<size_t>(b.page.limit, 20); ++i)
      shown.push_back(board[i].entity);
    ENCORE_ASSIGN_OR_RETURN(r.body["race"], RaceSeries(s, static_cast<int>(year), shown));
  }
  if (s.store->sealed_before() &&
      DayFromCivil(static_cast<int>(year), 12, 31) < *s.store->sealed_before())
    r.cache_control = kSealedCache;
  return r;
}

Result<ApiReply> First(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"n", "year", "kind", "where", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const Board b, GetBoard(p, "artist", 10));
  ENCORE_ASSIGN_OR_RETURN(const int64_t year, p.Int("year", 0, 0, 2999));
  std::vector<Day> first_day;
  ENCORE_ASSIGN_OR_RETURN(auto crossings,
                          CrossingsAt(*s.store, s.state, s.settings, b.n, &first_day));
  const RecordsUniverse& u = s.state.universe;
  auto board = FirstTo(u, crossings, b.kind, static_cast<int>(year), b.n, b.filter);
  // As `encore records first`: all time, the rank is the order of arrival and says it all.
  if (!year) {
    for (Standing& x : board) x.value = 0;
  }
  ApiReply r;
  // Within a year the value is the day of the year; all time, the crossing date says it all.
  r.body = BoardReply(u, views::BoardKind::kFirst, b, static_cast<int>(year), board, year ? "day" : "-");
  r.body["year"] = year ? json(year) : json();
  return r;
}

// GET /api/v1/records/charts?chart=…&by=…: a chart record's board over a kept chart's editions
// (`encore records charts CHART --by KIND --format json`).
Result<ApiReply> ChartRecordsReply(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"chart", "by", "artist", "credit", "first", "where", "milestones",
                                 "limit", "offset"}));
  const std::string chart = p.Str("chart");
  if (chart.empty()) {
    return Status::InvalidArgument(
        "give a kept chart: ?chart=spotify-weekly:global (GET /api/v1/charts lists them)");
  }
  const bool first = p.Get("first").has_value(), milestones = p.Get("milestones").has_value();
  if (first + milestones + p.Get("by").has_value() > 1)
    return Status::InvalidArgument("give one of by=, first= and milestones=");
  if ((first || milestones) && (p.Get("artist") || p.Get("credit"))) {
    return Status::InvalidArgument(std::string("artist= and credit= filter a record board (by=): ") +
                                   (first ? "first= takes where=" : "milestones= takes no filter"));
  }
  if (!first && p.Get("where"))
    return Status::InvalidArgument("where= filters first='s acts: a record board (by=) takes artist=");
  if (milestones) {
    ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 50));
    ENCORE_ASSIGN_OR_RETURN(const int64_t step, p.Count("milestones", ""));
    if (!s.history) return Status::NotFound("the store keeps no charts (encore chart import)");
    std::lock_guard<std::mutex> lock(s.sqlite_mu);
    ENCORE_ASSIGN_OR_RETURN(const auto ms, ChartMetricMilestones(*s.history, chart, step, s.catalog_or_null()));
    ApiReply r;
    r.body = views::ChartMilestonesJson(chart, step, ms, page.offset, page.limit);
    return r;
  }
  if (first) {
    ENCORE_ASSIGN_OR_RETURN(const int64_t position, p.Int("first", 1, 1, 100000));
    ENCORE_ASSIGN_OR_RETURN(const Filter filter, Filter::Parse(p.Str("where")));
    ENCORE_RETURN_IF_ERROR(filter.RefusePeriod("the chart's firsts", "they count no period"));
    ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 10));
    if (!s.history) return Status::NotFound("the store keeps no charts (encore chart import)");
    std::lock_guard<std::mutex> lock(s.sqlite_mu);
    ENCORE_ASSIGN_OR_RETURN(const auto firsts, ChartFirsts(*s.history, chart, static_cast<int>(position),
                                                           filter, s.state.universe));
    ApiReply r;
    r.body = views::ChartFirstsJson(chart, static_cast<int>(position), p.Str("where"), firsts,
                                    page.offset, page.limit);
    return r;
  }
  const std::string by = p.Str("by", "weeks-at-1");
  const auto kind = ParseChartRecordKind(by);
  if (!kind) {
    return Status::InvalidArgument(
        "by must be weeks-at-1, consecutive-at-1, weeks, debut, peak, climb, climb-to-1 (songs), "
        "simultaneous or number-ones (artists), not '" + by + "'");
  }
  const std::string credit = p.Str("credit", "any");
  if (credit != "any" && credit != "primary" && credit != "featured")
    return Status::InvalidArgument("credit must be any, primary or featured, not '" + credit + "'");
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 10));
  if (!s.history) return Status::NotFound("the store keeps no charts (encore chart import)");
  ChartRecordOptions o;
  o.catalog = s.catalog_or_null();
  o.artist = p.Str("artist");
  o.credit = credit == "primary"    ? CreditRole::kPrimary
             : credit == "featured" ? CreditRole::kFeatured
                                    : CreditRole::kAny;
  std::lock_guard<std::mutex> lock(s.sqlite_mu);
  ENCORE_ASSIGN_OR_RETURN(const auto places, ChartRecords(*s.history, chart, *kind, o));
  ApiReply r;
  r.body = views::ChartRecordsJson(chart, by, o.artist, IsArtistRecord(*kind), places, page.offset,
                                   page.limit);
  return r;
}

// GET /api/v1/records/store?track=…: a launch on an hourly store chart, countries at No. 1 within
// T hours and the time to K of them (`encore records store TRACK --format json`).
Result<ApiReply> StoreFeatReply(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(
      p.Only({"track", "chart", "within", "countries", "hours", "launch", "limit", "offset"}));
  const std::string track = p.Str("track");
  if (track.empty() && p.Get("launch"))
    return Status::InvalidArgument("launch= goes with track=: the board finds each track's own");
  if (!track.empty() && (p.Get("limit") || p.Get("offset")))
    return Status::InvalidArgument("limit= and offset= page the board of every launch: not with track=");
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 10));
  const std::string chart = p.Str("chart", "itunes-style");
  const ChartMethod* m = FindMethodology(chart);
  if (!m || m->Word("period", 0) != "hour") {
    return Status::NotFound("no hourly store chart '" + chart + "' (itunes-style is one)");
  }
  const std::string within_text = p.Str("within", "24");
  char* end = nullptr;
  const double within = std::strtod(within_text.c_str(), &end);
  if (within_text.empty() || *end || !(within > 0 && within <= 240)) {
    return Status::InvalidArgument("within must be hours from 0 to 240 (2.5), not '" +
                                   within_text + "'");
  }
  ENCORE_ASSIGN_OR_RETURN(const int64_t countries, p.Int("countries", 100, 1, 1000));
  ENCORE_ASSIGN_OR_RETURN(const int64_t hours_asked, p.Int("hours", 24, 1, 240));
  std::optional<int64_t> launch;
  if (auto l = p.Get("launch")) {
    launch = ParseTimestamp(*l);
    if (!launch) return Status::InvalidArgument("launch must be an ISO-8601 timestamp, not '" + *l + "'");
    if (*launch % 3600 != 0) {
      return Status::InvalidArgument("launch must be the start of an hour (the hourly charts' hours): " +
                                     FormatTimestamp(*launch - *launch % 3600) + ", not " + *l);
    }
  }
  // The charts checked cover the window counted: hours= less than within= is refused.
  const int hours = p.Get("hours") ? static_cast<int>(hours_asked)
                                   : std::max(static_cast<int>(hours_asked), static_cast<int>(std::ceil(within)));
  if (hours < within) {
    return Status::InvalidArgument("hours=" + std::to_string(hours) +
                                   " checks fewer hours than within= counts: give at least " +
                                   std::to_string(static_cast<int>(std::ceil(within))));
  }
  if (!s.sales) return Status::NotFound("the store has no sales (encore ingest sales.csv)");
  const RecordsUniverse& u = s.state.universe;
  if (track.empty()) {
    if (!s.catalog_or_null())
      return Status::NotFound("the board of launches needs a catalog (encore catalog import)");
    std::lock_guard<std::mutex> lock(s.sqlite_mu);
    ENCORE_ASSIGN_OR_RETURN(const auto launches,
                            StoreLaunches(*s.sales, s.catalog, *m, hours, static_cast<int64_t>(within * 3600),
                                          static_cast<size_t>(countries)));
    ApiReply r;
    r.body = views::StoreLaunchesJson(u, s.catalog, m->name, within, static_cast<size_t>(countries),
                                      hours, launches, page.offset, page.limit);
    return r;
  }
  ENCORE_ASSIGN_OR_RETURN(const uint32_t e, FindEntity(u, EntityKind::kTrack, track));
  const Entity ent = u.Describe(e);
  std::lock_guard<std::mutex> lock(s.sqlite_mu);
  ENCORE_ASSIGN_OR_RETURN(const StoreFeat feat, StoreNumberOnes(*s.sales, s.catalog_or_null(), *m,
                                                                ent.id, launch, hours));
  ApiReply r;
  r.body = views::StoreFeatJson(ent, m->name, feat, within, static_cast<size_t>(countries), hours);
  return r;
}

// GET /api/v1/records/store-tops?song=…: No. 1 in N countries within T from the stores' feed
// snapshots (`encore records store-tops SONG --format json`).
Result<ApiReply> StoreTopsReply(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"song", "store_name", "kind", "within", "from", "ids"}));
  const std::string song = p.Str("song");
  if (song.empty()) return Status::InvalidArgument("give a song: ?song=Jung%20Kook%20-%20Seven");
  StoreTopsOptions o;
  o.store = p.Str("store_name", "itunes");
  if (o.store != "itunes" && o.store != "apple-music")
    return Status::InvalidArgument("store_name must be itunes or apple-music, not '" + o.store + "'");
  o.kind = p.Str("kind", "songs");
  if (o.kind != "songs" && o.kind != "albums")
    return Status::InvalidArgument("kind must be songs or albums, not '" + o.kind + "'");
  const std::string within = p.Str("within", "2.5h");
  const auto w = ParseHours(within);
  if (!w) return Status::InvalidArgument("within must be a time (2.5h, 90m, 2h30m), not '" + within + "'");
  o.within = *w;
  if (auto f = p.Get("from")) {
    o.from = ParseTimestamp(*f);
    if (!o.from) return Status::InvalidArgument("from must be an ISO-8601 timestamp, not '" + *f + "'");
  }
  const std::string ids = p.Str("ids");  // comma-separated
  for (size_t at = 0; at <= ids.size();) {
    const size_t comma = std::min(ids.find(',', at), ids.size());
    const std::string id(Trim(std::string_view(ids).substr(at, comma - at)));
    if (!id.empty()) o.ids.push_back(id);
    at = comma + 1;
  }
  if (!s.feeds) return Status::NotFound("the store has no feed snapshots (encore chart import FEEDS)");
  std::lock_guard<std::mutex> lock(s.sqlite_mu);
  ENCORE_ASSIGN_OR_RETURN(const StoreTopsResult r, StoreTops(*s.feeds, s.catalog_or_null(), song, o));
  ApiReply reply;
  reply.body = views::StoreTopsJson(r, o);
  return reply;
}

Result<ApiReply> Most(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"kind", "where", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const EntityKind kind, p.Kind("track"));
  ENCORE_ASSIGN_OR_RETURN(const Filter filter, Filter::Parse(p.Str("where")));
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 10));
  const RecordsUniverse& u = s.state.universe;
  // A filter's period (`year = 2024`, `from`, `to`): the totals of those days, as the CLI's.
  std::vector<int64_t> totals = s.state.totals;
  if (filter.from || filter.to) {
    StreamScan scan(u, std::vector<int64_t>{});
    ENCORE_RETURN_IF_ERROR(ScanStore(*s.store, s.settings, filter.from, filter.to, &scan));
    totals = scan.totals();
  }
  const auto board = MostStreamed(u, totals, kind, filter, u.size());
  ApiReply r;
  r.body = views::BoardJson(u, views::BoardTitle(views::BoardKind::kMost, kind, 0, 0, "streams", filter),
                            std::nullopt, kind, filter, board, "streams", page.offset, page.limit);
  r.body["as_of"] = DateOrNull(s.state.last_day);
  return r;
}

// Listeners (doc/records.md, "Listeners"): the window, country and service of a request.
struct ListenerParams {
  ListenerWindow window = ListenerWindow::k28Days;
  ListenerFilter filter;
  std::string country, service;
};
Result<ListenerParams> GetListenerParams(const Snapshot& s, const Params& p) {
  ListenerParams lp;
  const std::string w = p.Str("window", "28d");
  auto window = ParseListenerWindow(w);
  if (!window) return Status::InvalidArgument("window must be day, 7d, 28d, month or year, not '" + w + "'");
  lp.window = *window;
  lp.country = p.Str("country");
  lp.service = p.Str("service");
  ENCORE_ASSIGN_OR_RETURN(lp.filter, MakeListenerFilter(*s.store, lp.country, lp.service));
  // The country as the CLI names it ("kr", "South Korea": KR).
  lp.country = lp.filter.country ? CountryName(*lp.filter.country) : "";
  return lp;
}

// GET /api/v1/listeners: every entity of a kind by listeners in the window ending on a day (the
// last with listeners by default), with the day before's figure and the peak.
Result<ApiReply> ListenersBoard(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(
      p.Only({"kind", "window", "date", "country", "service", "where", "reached", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const EntityKind kind, p.Kind("artist"));
  ENCORE_ASSIGN_OR_RETURN(const ListenerParams lp, GetListenerParams(s, p));
  ENCORE_ASSIGN_OR_RETURN(const Filter where, Filter::Parse(p.Str("where")));
  ENCORE_RETURN_IF_ERROR(where.RefusePeriod("a listener board", "date and window"));
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 50));
  ENCORE_ASSIGN_OR_RETURN(auto date, p.Date("date"));
  ENCORE_ASSIGN_OR_RETURN(std::optional<Day> last, LastListenerDay(*s.store));
  if (!last) {
    return Status::NotFound(
        "the store holds no listeners: they come from raw plays and listening histories (daily "
        "totals and chart streams carry no users; plays ingested before the store kept listener "
        "sets have none)");
  }
  const Day day = date.value_or(*last);
  const RecordsUniverse& u = s.state.universe;
  if (p.Get("reached")) {  // the first to N listeners, up to `date`
    ENCORE_ASSIGN_OR_RETURN(const int64_t n, p.Count("reached", ""));
    ApiReply r;
    ENCORE_ASSIGN_OR_RETURN(r.body, views::ListenerFirstsJson(*s.store, u, kind, lp.window, lp.filter,
                                                              lp.country, lp.service, where, n, day,
                                                              page.offset, page.limit));
    return r;
  }
  ENCORE_ASSIGN_OR_RETURN(ListenerBoardResult board,
                          ListenerBoard(*s.store, u, kind, day, lp.window, lp.filter, true));
  ApiReply r;
  r.body = views::ListenerBoardJson(u, board, kind, lp.window, lp.country, lp.service, where, *last,
                                    page.offset, page.limit);
  return r;
}

// GET /api/v1/listeners/{kind}/{id}: an entity's listeners in the window ending on each day
// from..to (default: the 90 days to the last with listeners).
Result<ApiReply> ListenersSeries(const Snapshot& s, const std::string& kind_name,
                                 const std::string& id, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"window", "from", "to", "country", "service", "milestones"}));
  auto kind = ParseEntityKind(kind_name);
  if (!kind) return Status::NotFound("no such endpoint: listeners of a '" + kind_name + "' (track, song, release or artist)");
  ENCORE_ASSIGN_OR_RETURN(const ListenerParams lp, GetListenerParams(s, p));
  const RecordsUniverse& u = s.state.universe;
  ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, *kind, id));
  ENCORE_ASSIGN_OR_RETURN(std::optional<Day> last, LastListenerDay(*s.store));
  ENCORE_ASSIGN_OR_RETURN(auto from, p.Date("from"));
  ENCORE_ASSIGN_OR_RETURN(auto to, p.Date("to"));
  ApiReply r;
  if (!last) {  // no listeners: an empty series, and why
    r.body = views::ListenerSeriesJson(
        u, e, lp.window, lp.country, lp.service, {},
        "the store holds no listeners: they come from raw plays and listening histories (daily "
        "totals and chart streams carry no users; plays ingested before the store kept listener "
        "sets have none)");
    return r;
  }
  if (p.Get("milestones")) {  // the first day at each multiple, from the first with listeners
    if (from) return Status::InvalidArgument("milestones= counts from the first day with listeners: no from=");
    ENCORE_ASSIGN_OR_RETURN(const int64_t step, p.Count("milestones", ""));
    ENCORE_ASSIGN_OR_RETURN(r.body, views::ListenerMilestonesJson(*s.store, u, e, lp.window, lp.filter,
                                                                  lp.country, lp.service, step,
                                                                  to.value_or(*last)));
    return r;
  }
  ENCORE_ASSIGN_OR_RETURN(std::optional<Day> first, FirstListenerDay(*s.store));
  const Day end = to ? *to : from ? std::max(*last, *from) : *last;
  const Day start = from ? *from : *first <= end ? std::max(end - 89, *first) : end - 89;
  if (start > end) return Status::InvalidArgument("from is after to");
  if (end - start > 3660) return Status::InvalidArgument("a series spans at most 3,660 days");
  ENCORE_ASSIGN_OR_RETURN(auto points, EntityListeners(*s.store, u, e, start, end, lp.window, lp.filter));
  r.body = views::ListenerSeriesJson(u, e, lp.window, lp.country, lp.service, points);
  return r;
}

Result<ApiReply> News(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"since", "kind", "entity", "limit", "offset"}));
  ENCORE_ASSIGN_OR_RETURN(const auto since, p.Date("since"));
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 50));
  const std::string kind = p.Str("kind"), entity = p.Str("entity");
  static const std::set<std::string> kKinds = {"milestone", "record", "year",    "first",
                                               "withdrawn", "release", "listeners"};
  if (!kind.empty() && !kKinds.count(kind))
    return Status::InvalidArgument(
        "kind must be milestone, record, year, first, withdrawn, release or listeners");
  if (!entity.empty()) {
    // KIND:ID of an entity the records know (a typo must not read as "no news").
    const size_t colon = entity.find(':');
    const auto ekind = colon == std::string::npos ? std::nullopt
                                                   : ParseEntityKind(entity.substr(0, colon));
    if (!ekind) {
      return Status::InvalidArgument("entity is KIND:ID (track:jk-seven, artist:jungkook), not '" +
                                     entity + "'");
    }
    if (!s.state.universe.Find(*ekind, entity.substr(colon + 1)) &&
        !(*ekind == EntityKind::kRelease && s.catalog.ReleaseById(entity.substr(colon + 1)))) {
      return Status::NotFound("no " + std::string(EntityKindName(*ekind)) + " '" +
                              entity.substr(colon + 1) + "' in the records");
    }
  }
  std::vector<NewsItem> items;
  for (const NewsItem& n : s.news) {
    if (since && n.day < *since) continue;
    if (!kind.empty() && n.kind != kind) continue;
    if (!entity.empty() && n.entity != entity) continue;
    items.push_back(n);
  }
  ApiReply r;
  r.body = views::NewsListJson(items, page.offset, page.limit);
  return r;
}

Result<ApiReply> Check(const Snapshot& s, const ApiRequest& req, const Params& p) {
  std::string claim = p.Str("claim");
  if (req.method == "POST") {
    const json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("claim") || !body["claim"].is_string())
      return Status::InvalidArgument("the body must be JSON: {\"claim\": \"…\"}");
    claim = body["claim"].get<std::string>();
  } else {
    ENCORE_RETURN_IF_ERROR(p.Only({"claim"}));
  }
  if (claim.empty())
    return Status::InvalidArgument(
        "give a claim: ?claim=days_to(streams, 1e9, track \"Seven\") = 108");
  ClaimContext ctx;
  ctx.store = s.store.get();
  ctx.state = &s.state;
  ctx.settings = s.settings;
  ctx.sales = s.sales.get();
  ctx.charts = s.history.get();
  std::lock_guard<std::mutex> lock(s.sqlite_mu);
  ENCORE_ASSIGN_OR_RETURN(const ClaimResult c, CheckClaim(claim, ctx));
  ApiReply r;
  r.body = views::ClaimJson(c);
  return r;
}

Result<ApiReply> ResolveName(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"q", "kind"}));
  const std::string q = p.Str("q");
  if (q.empty()) return Status::InvalidArgument("give a name: ?q=Jung Kook - Seven");
  ApiReply r;
  if (p.Get("kind")) {
    ENCORE_ASSIGN_OR_RETURN(const EntityKind kind, p.Kind("track"));
    ENCORE_ASSIGN_OR_RETURN(const uint32_t e, FindEntity(s.state.universe, kind, q));
    r.body = {{"query", q}, {"entity", views::EntitySummaryJson(PageOf(s), e)}};
    return r;
  }
  r.body = views::ResolutionJson(q, Resolve(s.catalog, q));
  return r;
}

// Search (issue 18): the query's words, each matched against the words of an entity's names
// (an artist's name and aliases, native names among them; a release's title and artists; a
// track's title and credited artists). A word matches a name word whole (3), as its prefix (2),
// within it or with a typo (1: one letter wrong in a word of 4 to 7 letters, two from 8): every
// word must match. One-letter words match whole only ("v" is V, not David Guetta). The whole
// query equal to a name or alias comes first; then more points, a match in the entity's own
// name before its credits, more streams.
std::vector<std::string> SearchWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(NormalizeName(word));
    if (!words.empty() && words.back().empty()) words.pop_back();
    word.clear();
  };
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || std::isalnum(c) || c == '\'') {
      if (c != '\'') word.push_back(ch);  // "don't" is one word
    } else {
      flush();
    }
  }
  flush();
  return words;
}

// How well one query word matches one name word: 3 whole, 2 prefix, 1 within or a typo, 0 not.
int WordMatch(const std::string& q, const std::string& w) {
  if (q == w) return 3;
  if (q.size() < 2) return 0;
  if (w.size() > q.size() && w.compare(0, q.size(), q) == 0) return 2;
  if (q.size() >= 3 && w.find(q) != std::string::npos) return 1;
  const size_t allowed = q.size() >= 8 ? 2 : (q.size() >= 4 ? 1 : 0);
  const size_t gap = q.size() > w.size() ? q.size() - w.size() : w.size() - q.size();
  if (allowed > 0 && gap <= allowed && EditDistance(q, w) <= allowed) return 1;
  return 0;
}

Result<ApiReply> Search(const Snapshot& s, const Params& p) {
  ENCORE_RETURN_IF_ERROR(p.Only({"q", "limit", "offset"}));
  const std::string whole = NormalizeName(p.Str("q"));
  const std::vector<std::string> query = SearchWords(p.Str("q"));
  if (whole.empty() || query.empty()) return Status::InvalidArgument("give a name to search for: ?q=seven");
  ENCORE_ASSIGN_OR_RETURN(const Page page, GetPage(p, 20));
  struct Hit {
    bool exact;
    int points;
    bool own;  // every word matched in the entity's own names
    int64_t streams;
    json j;
  };
  std::vector<Hit> hits;
  // own: the entity's names; credits: the names it is credited to. nullopt: not a match.
  auto match = [&](const std::vector<std::string>& own,
                   const std::vector<std::string>& credits) -> std::optional<Hit> {
    Hit h{false, 0, true, 0, {}};
    for (const auto& n : own) h.exact |= NormalizeName(n) == whole;
    std::vector<std::vector<std::string>> own_words, credit_words;
    for (const auto& n : own) own_words.push_back(SearchWords(n));
    for (const auto& n : credits) credit_words.push_back(SearchWords(n));
    for (const auto& q : query) {
      int best_own = 0, best_credit = 0;
      for (const auto& ws : own_words)
        for (const auto& w : ws) best_own = std::max(best_own, WordMatch(q, w));
      for (const auto& ws : credit_words)
        for (const auto& w : ws) best_credit = std::max(best_credit, WordMatch(q, w));
      if (best_own == 0 && best_credit == 0) return std::nullopt;
      if (best_own == 0) h.own = false;
      h.points += std::max(best_own, best_credit);
    }
    return h;
  };
  auto add = [&](std::optional<Hit> h, EntityKind kind, const std::string& id, const std::string& name,
                 const std::string& detail) {
    if (!h) return;
    h->streams = views::EntityTotal(PageOf(s), kind, id).value_or(0);
    h->j = {{"type", EntityKindName(kind)},
            {"id", id},
            {"name", name},
            {"detail", detail},
            {"streams", h->streams}};
    hits.push_back(std::move(*h));
  };
  // An artist's names and aliases, for its credits.
  auto names_of = [&](const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) {
      if (const Artist* a = s.catalog.ArtistById(id)) {
        out.push_back(a->name);
        out.insert(out.end(), a->aliases.begin(), a->aliases.end());
      }
    }
    return out;
  };
  for (const auto& a : s.catalog.artists()) {
    std::vector<std::string> own = {a.name};
    own.insert(own.end(), a.aliases.begin(), a.aliases.end());
    add(match(own, {}), EntityKind::kArtist, a.id, a.name,
        std::string(ArtistKindName(a.kind)) + ", " + a.country);
  }
  for (const auto& rel : s.catalog.releases()) {
    add(match({rel.title}, names_of(rel.artists)), EntityKind::kRelease, rel.id, rel.title,
        std::string(ReleaseTypeName(rel.type)) + " by " + s.catalog.NamesOf(rel.artists) + ", " +
            FormatDate(rel.date));
  }
  for (const auto& t : s.catalog.tracks()) {
    std::vector<std::string> credited = t.primary;
    credited.insert(credited.end(), t.featured.begin(), t.featured.end());
    add(match({t.title, s.catalog.CreditOf(t) + " - " + t.title}, names_of(credited)), EntityKind::kTrack,
        t.id, t.title, s.catalog.CreditOf(t));
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.exact != b.exact) return a.exact;
    if (a.points != b.points) return a.points > b.points;
    if (a.own != b.own) return a.own;
    return a.streams > b.streams;
  });
  json items = json::array();
  for (auto& h : hits) items.push_back(std::move(h.j));
  ApiReply r;
  r.body = {{"query", p.Str("q")}};
  PutPage(&r.body, "results", items, page);
  return r;
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

}  // namespace

int HttpStatusOf(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kDataError:
      return 422;
    case StatusCode::kUnavailable:  // the store's servers cannot answer now (a shard is down)
      return 503;
    default:
      return 500;
  }
}

json ErrorBody(int status, const std::string& message) {
  static const std::map<int, std::string> kCodes = {{400, "bad_request"},
                                                    {401, "unauthorized"},
                                                    {403, "forbidden"},
                                                    {404, "not_found"},
                                                    {405, "method_not_allowed"},
                                                    {409, "conflict"},
                                                    {411, "length_required"},
                                                    {413, "payload_too_large"},
                                                    {414, "uri_too_long"},
                                                    {415, "unsupported_media_type"},
                                                    {422, "unprocessable"},
                                                    {431, "request_header_fields_too_large"},
                                                    {500, "internal"},
                                                    {501, "not_implemented"},
                                                    {503, "unavailable"},
                                                    {507, "insufficient_storage"}};
  auto it = kCodes.find(status);
  return {{"error",
           {{"status", status},
            {"code", it == kCodes.end() ? "error" : it->second},
            {"message", message}}}};
}

namespace {

Result<ApiReply> HandleReadJson(const Snapshot& s, const ApiRequest& r) {
  const auto parts = Split(r.path);  // "api", "v1", ...
  const Params p(r);
  if (parts.size() < 2 || parts[0] != "api" || parts[1] != "v1")
    return Status::NotFound("no such endpoint: " + r.path);
  if (parts.size() == 2) return Index();
  const std::string& what = parts[2];
  if (r.method == "POST" && !(parts.size() == 3 && what == "check"))
    return Status::NotFound("no such endpoint: POST " + r.path);
  if (parts.size() == 3) {
    if (what == "status") return GetStatus(s, p);
    if (what == "charts") return ListCharts(s, p);
    if (what == "news") return News(s, p);
    if (what == "check") return Check(s, r, p);
    if (what == "resolve") return ResolveName(s, p);
    if (what == "search") return Search(s, p);
    if (what == "listeners") return ListenersBoard(s, p);
  }
  if (parts.size() == 5 && what == "listeners") return ListenersSeries(s, parts[3], parts[4], p);
  if (parts.size() == 5 && what == "charts" && parts[4] == "explain") return ExplainChart(s, parts[3], p);
  if (parts.size() == 4) {
    const std::string& id = parts[3];
    if (what == "charts") return GetChart(s, id, p);
    if (what == "tracks") return GetTrack(s, id, p);
    if (what == "releases") return GetRelease(s, id, p);
    if (what == "artists") return GetArtist(s, id, p);
    if (what == "records") {
      if (id == "fastest") return Fastest(s, p);
      if (id == "race") return Race(s, p);
      if (id == "first") return First(s, p);
      if (id == "most") return Most(s, p);
      if (id == "charts") return ChartRecordsReply(s, p);
      if (id == "store") return StoreFeatReply(s, p);
      if (id == "store-tops") return StoreTopsReply(s, p);
    }
  }
  return Status::NotFound("no such endpoint: " + r.path + " (GET /api/v1 lists them)");
}

}  // namespace

// format=json (the default) or format=csv (the answer's table; `table` names which), for every
// read endpoint.
Result<ApiReply> HandleRead(const Snapshot& s, const ApiRequest& r) {
  // A parameter given twice is a mistake to name, not one to settle by taking either; a control
  // character (a NUL, a newline) is in no name, date or filter.
  for (auto it = r.params.begin(); it != r.params.end(); it = r.params.upper_bound(it->first)) {
    if (r.params.count(it->first) > 1) {
      return Status::InvalidArgument("parameter '" + Printable(it->first) +
                                     "' is given more than once: give it once");
    }
  }
  for (const auto& [k, v] : r.params) {
    if (std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
      return Status::InvalidArgument("parameter '" + Printable(k) + "' holds a control character");
  }
  auto f = r.params.find("format");
  if (f == r.params.end()) return HandleReadJson(s, r);
  if (f->second != "json" && f->second != "csv") {
    return Status::InvalidArgument("format is json or csv, not '" + Printable(f->second) + "'");
  }
  ApiRequest plain = r;
  plain.params.erase("format");
  std::string table;
  if (auto t = plain.params.find("table"); t != plain.params.end()) {
    if (f->second != "csv") return Status::InvalidArgument("table= goes with format=csv");
    table = t->second;
    plain.params.erase(t);
  }
  ENCORE_ASSIGN_OR_RETURN(ApiReply reply, HandleReadJson(s, plain));
  if (f->second == "json") return reply;
  ENCORE_ASSIGN_OR_RETURN(reply.text, views::TableCsv(reply.body, table));
  reply.content_type = "text/csv; charset=utf-8";
  return reply;
}

std::string StoreStamp(const std::string& dir) {
  std::string stamp;
  // Not records.sqlite: loading a snapshot writes it, and it follows from the others.
  for (const char* f : {"MANIFEST", "catalog.sqlite", "charts.sqlite", "sales.sqlite",
                        "feeds.sqlite", "catalog.sqlite-wal", "charts.sqlite-wal",
                        "sales.sqlite-wal", "feeds.sqlite-wal"}) {
    struct stat st {};
    if (::stat((dir + "/" + f).c_str(), &st) != 0) {
      stamp += "-;";
      continue;
    }
    stamp += std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
             std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return stamp + RemoteCommitStamp(dir);  // a ClickHouse store's commits are not in `dir`
}

Result<std::shared_ptr<Snapshot>> LoadSnapshot(const std::string& dir) {
  auto s = std::make_shared<Snapshot>();
  s->dir = dir;
  s->stamp = StoreStamp(dir);
  s->loaded = std::chrono::system_clock::now();
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  ENCORE_ASSIGN_OR_RETURN(s->store, OpenStore(dir, o));
  ENCORE_ASSIGN_OR_RETURN(s->catalog, LoadStoredCatalog(dir));
  // Spotify URIs the chart history linked by name, as `encore records` adds them (best effort:
  // a chart history that cannot be read leaves them out).
  (void)AddChartTrackLinks(dir, &s->catalog);
  // The kept records, brought up to date (as `encore records` does); computed in memory when
  // the store directory cannot be written.
  auto up = UpdateRecords(dir, *s->store, &s->catalog, s->settings);
  if (up.ok()) {
    s->state = std::move(up->state);
    s->records_kept = true;
  } else {
    ENCORE_ASSIGN_OR_RETURN(s->state, ComputeRecords(*s->store, &s->catalog, s->settings));
  }
  auto news = ReadNews(dir, std::nullopt);
  if (news.ok()) s->news = std::move(*news);
  auto history = OpenChartHistory(dir, false);
  if (history.ok()) s->history = std::move(*history);
  ENCORE_ASSIGN_OR_RETURN(s->sales, OpenSalesData(dir));
  if (std::filesystem::exists(dir + "/feeds.sqlite")) {
    ENCORE_ASSIGN_OR_RETURN(s->feeds, OpenStoreFeeds(dir, false));
  }
  return s;
}

}  // namespace encore::server
