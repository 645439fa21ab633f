// The catalog views: an artist, a track, a resolution (views/views.h).
#include <algorithm>
#include <map>

#include "catalog/names.h"
#include "encore/query.h"
#include "views/views.h"

namespace encore::views {
namespace {

std::string Period(const Membership& m) {
  return (m.from ? FormatDate(*m.from) : std::string("?")) + ".." +
         (m.to ? FormatDate(*m.to) : std::string(""));
}

}  // namespace

// Streams counted for a catalog track: plays name it by its id or its ISRC (shared spec §1), so
// both are summed. nullopt when there is no store or it has counted neither.
Result<std::optional<int64_t>> TrackStreams(const CountStore* store, const Track& t) {
  if (!store) return std::optional<int64_t>();
  std::optional<int64_t> sum;
  for (const std::string* id : {&t.id, &t.isrc}) {
    if (id->empty() || (id == &t.isrc && t.isrc == t.id) || !store->FindTrack(*id)) continue;
    StreamsQuery q;
    q.track = *id;
    ENCORE_ASSIGN_OR_RETURN(auto rows, QueryStreams(*store, q));
    sum = sum.value_or(0);
    for (const auto& r : rows) *sum += r.streams;
  }
  return sum;
}

Result<json> ArtistJson(const Catalog& c, const Artist& a, const CountStore* store) {
  json j = {{"id", a.id},
            {"name", a.name},
            {"kind", ArtistKindName(a.kind)},
            {"country", a.country},
            {"continent", ContinentOf(a.country)},
            {"aliases", a.aliases},
            {"tags", a.tags},
            {"begin", a.begin ? json(FormatDate(*a.begin)) : json()}};
  json groups = json::array(), members = json::array(), personas = json::array();
  for (const auto& m : a.member_of) {
    const Artist* g = c.ArtistById(m.group_id);
    groups.push_back(
        {{"id", m.group_id}, {"name", g ? g->name : m.group_id}, {"period", Period(m)}});
  }
  if (a.kind == ArtistKind::kGroup) {
    for (const Artist* m : c.MembersOf(a, std::nullopt))
      members.push_back({{"id", m->id}, {"name", m->name}});
  }
  for (const Artist* p : c.Personas(a)) personas.push_back({{"id", p->id}, {"name", p->name}});
  j["member_of"] = groups;
  j["members"] = members;
  j["personas"] = personas;
  if (a.kind == ArtistKind::kProject) j["persona_of"] = a.persona_of;
  json releases = json::array();
  std::vector<const Release*> own;
  for (const auto& r : c.releases()) {
    if (std::find(r.artists.begin(), r.artists.end(), a.id) != r.artists.end()) own.push_back(&r);
  }
  std::sort(own.begin(), own.end(), [](const Release* x, const Release* y) {
    return x->date != y->date ? x->date < y->date : x->title < y->title;
  });
  for (const Release* rp : own) {
    const Release& r = *rp;
    releases.push_back({{"id", r.id},
                        {"title", r.title},
                        {"type", ReleaseTypeName(r.type)},
                        {"date", FormatDate(r.date)}});
  }
  j["releases"] = releases;
  int64_t total = 0;
  bool any_counted = false;
  Status error;
  auto tracks = [&](bool featured) {
    json out = json::array();
    auto list = c.TracksOf(a, featured);
    auto date = [&](const Track* t) {
      const Release* r = c.ReleaseById(t->release_id);
      return r ? r->date : Day{kMaxStoredDay};
    };
    // By release date, and within a release in the catalog's (the tracklist's) order.
    std::stable_sort(list.begin(), list.end(),
                     [&](const Track* x, const Track* y) { return date(x) < date(y); });
    for (const Track* t : list) {
      const Release* rel = c.ReleaseById(t->release_id);
      json tj = {{"id", t->id},
                 {"title", t->title},
                 {"release", t->release_id},
                 {"release_title", rel ? rel->title : ""}};
      auto s = TrackStreams(store, *t);
      if (!s.ok()) {
        if (error.ok()) error = s.status();
      } else if (*s) {
        tj["streams"] = **s;
        if (!featured) total += **s, any_counted = true;
      }
      out.push_back(tj);
    }
    return out;
  };
  j["tracks"] = tracks(false);
  j["featured_on"] = tracks(true);
  ENCORE_RETURN_IF_ERROR(error);
  if (any_counted) j["streams"] = total;
  // Songs: every version of a song together (the totals "all versions combined" rules need).
  json songs = json::array();
  {
    std::map<std::string, size_t> index;  // song key -> position in songs
    for (const auto& tj : j["tracks"]) {
      const Track* t = c.TrackById(tj["id"].get<std::string>());
      const std::string key = c.SongKeyOf(*t);
      auto [it, added] = index.emplace(key, songs.size());
      if (added) {
        songs.push_back(
            {{"song", ParseTitle(t->title).base}, {"key", key}, {"tracks", json::array()}});
      }
      json& song = songs[it->second];
      song["tracks"].push_back(t->id);
      if (tj.contains("streams"))
        song["streams"] = song.value("streams", int64_t{0}) + tj["streams"].get<int64_t>();
    }
  }
  j["songs"] = songs;
  return j;
}

json ResolutionJson(const std::string& query, const Resolution& r) {
  json artists = json::array(), versions = json::array();
  for (const Artist* a : r.artists) artists.push_back({{"id", a->id}, {"name", a->name}});
  for (const Track* t : r.versions)
    versions.push_back({{"id", t->id}, {"title", t->title}, {"release", t->release_id}});
  json releases = json::array();
  for (const Release* x : r.releases)
    releases.push_back({{"id", x->id},
                        {"title", x->title},
                        {"type", ReleaseTypeName(x->type)},
                        {"date", FormatDate(x->date)}});
  return {{"query", query},
          {"artist", r.artist_part},
          {"title", r.title_part},
          {"primary", r.primary},
          {"featured", r.featured},
          {"unknown_artists", r.unknown_artists},
          {"artists", artists},
          {"song", r.base_title},
          {"version_kind", r.version_kind},
          {"version", r.version_label},
          {"song_key", r.song_key},
          {"versions", versions},
          {"match", r.match ? json{{"id", r.match->id}, {"title", r.match->title}} : json()},
          {"releases", releases}};
}

// Tracks a name means: an id or ISRC, "Artist - Title", or a title alone.
std::vector<const Track*> FindTracks(const Catalog& c, const std::string& name) {
  if (const Track* t = c.TrackById(name)) return {t};
  if (name.find(" - ") != std::string::npos) {
    const Resolution r = Resolve(c, name);
    if (r.match) return {r.match};
    return r.versions;
  }
  // A title alone: the tracks of that song title and, when the query names a version, of that
  // version only.
  std::vector<const Track*> out;
  const ParsedTitle q = ParseTitle(name);
  const std::string want = NormalizeName(q.base);
  for (const auto& t : c.tracks()) {
    const ParsedTitle p = ParseTitle(t.title);
    if (NormalizeName(p.base) != want) continue;
    if (q.kind != VersionKind::kOriginal &&
        (p.kind != q.kind || ((q.kind == VersionKind::kNamed || q.kind == VersionKind::kRemix) &&
                              NormalizeName(p.label) != NormalizeName(q.label)))) {
      continue;
    }
    out.push_back(&t);
  }
  return out;
}

Result<json> TrackJson(const Catalog& c, const Track& t, const CountStore* store) {
  const ParsedTitle p = ParseTitle(t.title);
  const Release* r = c.ReleaseById(t.release_id);
  json j = {{"id", t.id},
            {"isrc", t.isrc},
            {"title", t.title},
            {"song", p.base},
            {"version_kind", VersionKindName(p.kind)},
            {"version", p.label},
            {"release",
             r ? json{{"id", r->id}, {"title", r->title}, {"date", FormatDate(r->date)}} : json()},
            {"duration_ms", t.duration_ms ? json(*t.duration_ms) : json()},
            {"primary", t.primary},
            {"featured", t.featured},
            {"solo", c.IsSolo(t)}};
  // The song's other versions (any release, any version kind).
  json others = json::array();
  for (const Track* v : Resolve(c, c.NamesOf(t.primary, " & ") + " - " + t.title).versions) {
    if (v != &t) others.push_back({{"id", v->id}, {"title", v->title}});
  }
  j["other_versions"] = others;
  ENCORE_ASSIGN_OR_RETURN(auto streams, TrackStreams(store, t));
  if (streams) j["streams"] = *streams;
  return j;
}

}  // namespace encore::views
