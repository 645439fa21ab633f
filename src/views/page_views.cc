// The pages of a track, a release and an artist (views/views.h): the catalog's view with the
// counts, the records and the charts of each, as `encore track|release|artist --format json` and
// GET /api/v1/tracks|releases|artists/{id} give them.
#include <algorithm>

#include "encore/query.h"
#include "views/views.h"

namespace encore::views {

namespace {

json NewsOf(const PageContext& c, const std::string& key) {
  json out = json::array();
  for (auto it = c.news->rbegin(); it != c.news->rend(); ++it)
    if (it->entity == key) out.push_back(NewsJson(*it));
  return out;
}

// The entity's next three milestones from the last counted day; null when it has too few days
// of streams.
Result<json> ForecastOf(const PageContext& c, uint32_t e) {
  if (!c.state->last_day || e >= c.state->totals.size()) return json();
  const Day as_of = *c.state->last_day;
  ENCORE_ASSIGN_OR_RETURN(EntityForecast ef, ForecastEntity(*c.store, *c.state, e, as_of,
                                                            c.settings->service, {},
                                                            c.settings->step, 3));
  if (!ef.forecast) return json();
  return ForecastJson(c.state->universe, e, as_of, ef.total, *ef.forecast);
}

// The runs of a catalog track's song (every version) on each chart kept.
Result<json> ChartRuns(const PageContext& c, const Track* t) {
  if (!c.history || !t) return json::array();
  std::unique_lock<std::mutex> lock;
  if (c.history_mu) lock = std::unique_lock<std::mutex>(*c.history_mu);
  ENCORE_ASSIGN_OR_RETURN(const auto keys, ChartSongsOfTrack(*c.history, *c.catalog, *t));
  ENCORE_ASSIGN_OR_RETURN(const auto charts, c.history->Charts());
  std::vector<std::string> names;
  for (const auto& ch : charts) names.push_back(ch.chart);
  return ChartRunsJson(*c.history, names,
                       [&](const ChartEntry& e) { return keys.count(e.song) > 0; });
}

// The counts and records of a release or an artist: entity, forecast, milestones, series, news.
Status AddEntityParts(const PageContext& c, EntityKind kind, const std::string& id,
                      const StreamsQuery& q, json* body) {
  json milestones = json::array();
  (*body)["forecast"] = nullptr;
  if (auto e = c.state->universe.Find(kind, id)) {
    (*body)["entity"] = EntitySummaryJson(c, *e);
    ENCORE_ASSIGN_OR_RETURN((*body)["forecast"], ForecastOf(c, *e));
    milestones = MilestonesJson(*c.state, *e)["milestones"];
    ENCORE_ASSIGN_OR_RETURN((*body)["series"],
                            StreamSeriesJson(*c.store, StoreTracksOf(c.state->universe, *e), q, false));
    (*body)["news"] = NewsOf(c, std::string(EntityKindName(kind)) + ":" + id);
  }
  (*body)["milestones"] = milestones;
  return Status::Ok();
}

}  // namespace

std::vector<uint32_t> StoreTracksOf(const RecordsUniverse& u, uint32_t e) {
  std::vector<uint32_t> out;
  for (uint32_t t = 0; t < u.store_tracks(); ++t) {
    if (u.TrackEntity(t) == e || std::find(u.ExtrasBegin(t), u.ExtrasEnd(t), e) != u.ExtrasEnd(t))
      out.push_back(t);
  }
  return out;
}

json EntitySummaryJson(const PageContext& c, uint32_t e) {
  const RecordsUniverse& u = c.state->universe;
  const Entity d = u.Describe(e);
  return {{"kind", EntityKindName(d.kind)},
          {"id", d.id},
          {"name", d.name},
          {"noun", d.noun},
          {"released", DateOrNull(d.released)},
          {"streams", e < c.state->totals.size() ? c.state->totals[e] : 0},
          {"first_counted", e < c.state->first_day.size() && c.state->first_day[e] >= 0
                                ? json(FormatDate(c.state->first_day[e]))
                                : json()},
          {"link", LinkOf(u, e)},
          {"unranked", u.Unranked(e)}};
}

std::optional<int64_t> EntityTotal(const PageContext& c, EntityKind kind, const std::string& id) {
  auto e = c.state->universe.Find(kind, id);
  if (!e || *e >= c.state->totals.size() || c.state->first_day[*e] < 0) return std::nullopt;
  return c.state->totals[*e];
}

Result<json> TrackPageJson(const PageContext& c, const std::string& id, const StreamsQuery& q) {
  const RecordsUniverse& u = c.state->universe;
  const Track* t = c.catalog->TrackById(id);
  std::vector<uint32_t> tracks;
  if (t) {
    for (const std::string* x : {&t->id, &t->isrc}) {
      if (x->empty()) continue;
      if (auto st = c.store->FindTrack(*x);
          st && std::find(tracks.begin(), tracks.end(), *st) == tracks.end())
        tracks.push_back(*st);
    }
  } else if (auto st = c.store->FindTrack(id)) {
    tracks.push_back(*st);
  } else {
    return Status::NotFound("no track '" + id + "' in the catalog or the store");
  }
  json body;
  if (t) {
    ENCORE_ASSIGN_OR_RETURN(body, TrackJson(*c.catalog, *t, nullptr));
    // All-time streams from the records' totals, as the artist's.
    if (auto n = EntityTotal(c, EntityKind::kTrack, t->id)) body["streams"] = *n;
    body["credit"] = c.catalog->CreditOf(*t);
    json artists = json::array();
    for (const auto* list : {&t->primary, &t->featured}) {
      for (const auto& a : *list) {
        const Artist* x = c.catalog->ArtistById(a);
        artists.push_back({{"id", a}, {"name", x ? x->name : a}});
      }
    }
    body["artists"] = artists;
  } else {
    body = {{"id", id}, {"title", id}, {"credit", ""}};
  }
  ENCORE_ASSIGN_OR_RETURN(body["series"], StreamSeriesJson(*c.store, tracks, q, true));
  json milestones = json::array(), news = json::array();
  body["forecast"] = nullptr;  // no streams: no forecast
  if (!tracks.empty() && tracks[0] < u.store_tracks()) {
    const uint32_t e = u.TrackEntity(tracks[0]);
    body["entity"] = EntitySummaryJson(c, e);
    ENCORE_ASSIGN_OR_RETURN(body["forecast"], ForecastOf(c, e));
    milestones = MilestonesJson(*c.state, e)["milestones"];
    news = NewsOf(c, "track:" + u.Describe(e).id);
    // The song (every version) it counts for.
    for (const uint32_t* x = u.ExtrasBegin(tracks[0]); x != u.ExtrasEnd(tracks[0]); ++x) {
      if (u.kind(*x) == EntityKind::kSong) body["song_entity"] = EntitySummaryJson(c, *x);
    }
  }
  body["milestones"] = milestones;
  body["news"] = news;
  ENCORE_ASSIGN_OR_RETURN(body["chart_runs"], ChartRuns(c, t));
  return body;
}

Result<json> ReleasePageJson(const PageContext& c, const std::string& id, const StreamsQuery& q) {
  const Release* rel = c.catalog->ReleaseById(id);
  if (!rel) return Status::NotFound("no release '" + id + "' in the catalog");
  json tracks = json::array();
  for (const auto& t : c.catalog->tracks()) {
    if (t.release_id != rel->id) continue;
    ENCORE_ASSIGN_OR_RETURN(json tj, TrackJson(*c.catalog, t, nullptr));
    // Its streams: the records' total (no query per track).
    if (auto n = EntityTotal(c, EntityKind::kTrack, t.id)) tj["streams"] = *n;
    tracks.push_back(std::move(tj));
  }
  json body = {{"id", rel->id},
               {"title", rel->title},
               {"type", ReleaseTypeName(rel->type)},
               {"date", FormatDate(rel->date)},
               {"artists", rel->artists},
               {"credit", c.catalog->NamesOf(rel->artists)},
               {"tracks", tracks}};
  ENCORE_RETURN_IF_ERROR(AddEntityParts(c, EntityKind::kRelease, rel->id, q, &body));
  return body;
}

Result<json> ArtistPageJson(const PageContext& c, const std::string& id, const StreamsQuery& q) {
  const Artist* a = c.catalog->ArtistById(id);
  if (!a) {
    const auto found = c.catalog->FindArtists(id);
    if (found.size() == 1) a = found[0];
    if (found.size() > 1)
      return Status::InvalidArgument("'" + id + "' names " + std::to_string(found.size()) +
                                     " artists: use an id");
  }
  if (!a) return Status::NotFound("no artist '" + id + "' in the catalog");
  // The streams come from the records' totals (one read of the store for them all, instead of a
  // query per track).
  ENCORE_ASSIGN_OR_RETURN(json body, ArtistJson(*c.catalog, *a, nullptr));
  int64_t primary = 0;
  for (const char* key : {"tracks", "featured_on"}) {
    for (auto& t : body[key]) {
      if (auto n = EntityTotal(c, EntityKind::kTrack, t["id"].get<std::string>())) {
        t["streams"] = *n;
        if (key == std::string("tracks")) primary += *n;
      }
    }
  }
  body["streams"] = primary;
  for (auto& song : body["songs"]) {
    if (auto n = EntityTotal(c, EntityKind::kSong, song["key"].get<std::string>()))
      song["streams"] = *n;
  }
  ENCORE_RETURN_IF_ERROR(AddEntityParts(c, EntityKind::kArtist, a->id, q, &body));
  return body;
}

}  // namespace encore::views
