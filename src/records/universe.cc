// The entities records are kept for, and which of them each store track's streams count for.
#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "catalog/names.h"
#include "encore/records.h"

namespace encore {

std::string_view EntityKindName(EntityKind k) {
  switch (k) {
    case EntityKind::kTrack:
      return "track";
    case EntityKind::kSong:
      return "song";
    case EntityKind::kRelease:
      return "release";
    case EntityKind::kArtist:
      return "artist";
  }
  return "track";
}

std::optional<EntityKind> ParseEntityKind(std::string_view s) {
  for (EntityKind k :
       {EntityKind::kTrack, EntityKind::kSong, EntityKind::kRelease, EntityKind::kArtist}) {
    if (s == EntityKindName(k) || (s.size() == EntityKindName(k).size() + 1 && s.back() == 's' &&
                                   s.substr(0, s.size() - 1) == EntityKindName(k))) {
      return k;
    }
  }
  return std::nullopt;
}

std::string RecordsSettings::Token() const {
  return "step=" + std::to_string(step) + ";service=" + service.value_or("*") +
         ";credit=" + std::to_string(static_cast<int>(credit)) +
         ";rollup=" + std::to_string(static_cast<int>(rollup));
}

RecordsUniverse RecordsUniverse::Build(const std::vector<std::string>& store_tracks,
                                       const Catalog* catalog, const RecordsSettings& settings) {
  RecordsUniverse u;
  u.catalog_ = catalog;
  u.store_names_ = &store_tracks;
  const size_t n = store_tracks.size();
  u.kinds_.assign(n, EntityKind::kTrack);
  u.track_entity_.resize(n);
  u.catalog_track_.assign(n, nullptr);
  u.extras_at_.assign(n + 1, 0);
  for (uint32_t t = 0; t < n; ++t) u.track_entity_[t] = t;
  if (!catalog || catalog->tracks().empty()) return u;

  // Catalog entities: every song, release and artist, in catalog order. Their keys are views of
  // the catalog's own strings; releases and artists are numbered in the catalog's order.
  const std::vector<Track>& tracks = catalog->tracks();
  const std::vector<Release>& releases = catalog->releases();
  const std::vector<Artist>& artists = catalog->artists();
  const size_t entities = n + tracks.size() + releases.size() + artists.size();
  u.kinds_.reserve(entities);
  u.keys_.reserve(entities - n);
  u.objects_.reserve(entities - n);
  auto add = [&u](EntityKind k, std::string_view key, const void* object) {
    const auto e = static_cast<uint32_t>(u.kinds_.size());
    u.kinds_.push_back(k);
    u.keys_.push_back(key);
    u.objects_.push_back(object);
    return e;
  };
  std::vector<uint32_t> song_of(tracks.size());  // per catalog track: its song's entity
  {
    std::unordered_map<std::string_view, uint32_t> songs;
    songs.reserve(tracks.size());
    for (size_t i = 0; i < tracks.size(); ++i) {
      const std::string& key = catalog->SongKeyAt(i);
      auto [it, added] = songs.try_emplace(key, 0);
      if (added) it->second = add(EntityKind::kSong, key, &tracks[i]);
      song_of[i] = it->second;
    }
  }
  const auto release0 = static_cast<uint32_t>(u.kinds_.size());
  for (const Release& r : releases) add(EntityKind::kRelease, r.id, &r);
  const auto artist0 = static_cast<uint32_t>(u.kinds_.size());
  for (const Artist& a : artists) add(EntityKind::kArtist, a.id, &a);
  auto release_entity = [&](const Release* r) {
    return release0 + static_cast<uint32_t>(r - releases.data());
  };
  auto artist_entity = [&](const Artist* a) {
    return artist0 + static_cast<uint32_t>(a - artists.data());
  };
  // Day 0 of songs and artists: the earliest release of their (primary) tracks.
  u.day0_.assign(u.keys_.size(), std::nullopt);
  auto earliest = [&u, n](uint32_t e, Day d) {
    std::optional<Day>& x = u.day0_[e - n];
    if (!x || d < *x) x = d;
  };
  for (size_t i = 0; i < tracks.size(); ++i) {
    const Track& t = tracks[i];
    const Release* r = catalog->ReleaseById(t.release_id);
    if (!r) continue;
    earliest(song_of[i], r->date);
    earliest(release_entity(r), r->date);
    for (const auto& id : t.primary) {
      if (const Artist* a = catalog->ArtistById(id)) earliest(artist_entity(a), r->date);
    }
  }

  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> first_store_id(tracks.size(), kNone);  // per catalog track
  std::vector<char> unranked_track(n, 0);                      // per store track
  std::vector<uint32_t> extras;
  std::vector<const Artist*> credited;
  for (uint32_t t = 0; t < n; ++t) {
    const Track* ct = catalog->TrackById(store_tracks[t]);
    u.extras_at_[t] = static_cast<uint32_t>(u.extras_.size());
    if (!ct) continue;
    const auto index = static_cast<size_t>(ct - tracks.data());
    u.catalog_track_[t] = ct;
    unranked_track[t] = catalog->AllUnranked(ct->primary);
    if (first_store_id[index] == kNone) first_store_id[index] = t;
    u.track_entity_[t] = first_store_id[index];
    extras.clear();
    extras.push_back(song_of[index]);
    const Release* r = catalog->ReleaseById(ct->release_id);
    if (r) extras.push_back(release_entity(r));
    credited.clear();
    if (settings.credit != CreditRole::kFeatured) {
      for (const auto& id : ct->primary) credited.push_back(catalog->ArtistById(id));
    }
    if (settings.credit != CreditRole::kPrimary) {
      for (const auto& id : ct->featured) credited.push_back(catalog->ArtistById(id));
    }
    const size_t own = credited.size();
    for (size_t i = 0; i < own; ++i) {
      const Artist* a = credited[i];
      if (!a) continue;
      if (settings.rollup == Rollup::kPerson && a->kind == ArtistKind::kProject) {
        credited.push_back(catalog->Person(*a));
      } else if (settings.rollup == Rollup::kGroup) {
        const Artist* person = catalog->Person(*a);
        if (person) {
          for (const Artist* g :
               catalog->GroupsOf(*person, r ? std::optional<Day>(r->date) : std::nullopt)) {
            credited.push_back(g);
          }
        }
      }
    }
    for (const Artist* a : credited) {
      if (a) extras.push_back(artist_entity(a));
    }
    std::sort(extras.begin() + 1, extras.end());
    extras.erase(std::unique(extras.begin(), extras.end()), extras.end());
    u.extras_.insert(u.extras_.end(), extras.begin(), extras.end());
  }
  u.extras_at_[n] = static_cast<uint32_t>(u.extras_.size());
  // An entity is unranked when every store track that counts for it is.
  if (std::find(unranked_track.begin(), unranked_track.end(), 1) != unranked_track.end()) {
    u.unranked_.assign(entities, 0);
    auto mark = [&](uint32_t e, char by) {
      if (by == 2 || u.unranked_[e] == 0) u.unranked_[e] = by;  // a ranked track settles it
    };
    for (uint32_t t = 0; t < n; ++t) {
      const char by = unranked_track[t] ? 1 : 2;
      mark(u.track_entity_[t], by);
      for (const uint32_t* x = u.ExtrasBegin(t); x != u.ExtrasEnd(t); ++x) mark(*x, by);
    }
  }
  return u;
}

std::vector<std::optional<uint32_t>> RecordsUniverse::FindKeys(
    const std::vector<std::string_view>& keys) const {
  std::vector<std::optional<uint32_t>> out(keys.size());
  const size_t base = store_names_->size();
  // Catalog entities' keys wanted, by kind: one pass over the entities finds them all.
  std::unordered_map<std::string_view, std::vector<size_t>> wanted[3];  // song, release, artist
  auto slot = [](EntityKind k) { return k == EntityKind::kSong ? 0 : k == EntityKind::kRelease ? 1 : 2; };
  bool any = false;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string_view key = keys[i];
    if (key.rfind("track#", 0) == 0) {
      uint64_t t = 0;
      const std::string_view digits = key.substr(6);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), t);
      if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty() && t < base)
        out[i] = static_cast<uint32_t>(t);
      continue;
    }
    const size_t colon = key.find(':');
    if (colon == std::string_view::npos) continue;
    const auto kind = ParseEntityKind(key.substr(0, colon));
    if (!kind || *kind == EntityKind::kTrack) continue;
    wanted[slot(*kind)][key.substr(colon + 1)].push_back(i);
    any = true;
  }
  for (size_t i = 0; any && i < keys_.size(); ++i) {
    const auto& w = wanted[slot(kinds_[base + i])];
    if (w.empty()) continue;
    if (auto it = w.find(keys_[i]); it != w.end()) {
      for (size_t k : it->second) {
        if (!out[k]) out[k] = static_cast<uint32_t>(base + i);
      }
    }
  }
  return out;
}

std::optional<uint32_t> RecordsUniverse::Find(EntityKind kind, std::string_view id) const {
  if (kind == EntityKind::kTrack) {
    for (uint32_t t = 0; t < store_names_->size(); ++t) {
      if ((*store_names_)[t] == id) return track_entity_[t];
    }
    if (catalog_) {
      const Track* ct = catalog_->TrackById(id);
      for (uint32_t t = 0; ct && t < catalog_track_.size(); ++t) {
        if (catalog_track_[t] == ct) return track_entity_[t];
      }
    }
    return std::nullopt;
  }
  const size_t base = store_names_->size();
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (kinds_[base + i] == kind && keys_[i] == id) return static_cast<uint32_t>(base + i);
  }
  return std::nullopt;
}

std::string RecordsUniverse::Key(uint32_t e) const {
  const size_t base = store_names_->size();
  if (e < base) return "track#" + std::to_string(e);
  std::string key(EntityKindName(kinds_[e]));
  key += ':';
  key += keys_[e - base];
  return key;
}

namespace {

std::string TrackDisplayTitle(const Track& t) {
  const ParsedTitle p = ParseTitle(t.title);
  if (p.kind == VersionKind::kOriginal || p.kind == VersionKind::kExplicit) return p.base;
  return p.base + " (" + p.label + ")";
}

// "The Kid LAROI & Justin Bieber", "Jung Kook feat. Latto": names without commas, so that lists of
// them read well.
std::string CreditLine(const Catalog& c, const Track& t) {
  return c.NamesOf(t.primary, " & ") +
         (t.featured.empty() ? "" : " feat. " + c.NamesOf(t.featured, " & "));
}

std::string ReleaseNoun(ReleaseType type) {
  switch (type) {
    case ReleaseType::kSingle:
      return "single";
    case ReleaseType::kEp:
      return "EP";
    case ReleaseType::kAlbum:
      return "album";
  }
  return "release";
}

}  // namespace

Entity RecordsUniverse::Describe(uint32_t e) const {
  Entity out;
  out.kind = kinds_[e];
  const size_t base = store_names_->size();
  if (e < base) {
    out.id = (*store_names_)[e];
    out.noun = "song";
    out.name = out.id;
    const Track* t = catalog_track_[e];
    if (!t && catalog_) {
      // A chart song of its own: named as the chart printed it.
      if (const Catalog::ChartSong* s = catalog_->ChartSongById(out.id))
        out.name = s->title + " by " + s->artist;
    }
    if (t) {
      out.track = t;
      out.id = t->id;
      out.name = TrackDisplayTitle(*t) + " by " + CreditLine(*catalog_, *t);
      out.release = catalog_->ReleaseById(t->release_id);
      if (out.release) out.released = out.release->date;
    }
    return out;
  }
  const size_t i = e - base;
  out.id = std::string(keys_[i]);
  switch (out.kind) {
    case EntityKind::kSong: {
      const auto* t = static_cast<const Track*>(objects_[i]);
      out.track = t;
      out.noun = "song (all versions)";
      out.name = ParseTitle(t->title).base + " by " + CreditLine(*catalog_, *t);
      out.released = day0_[i];  // its earliest version's release
      break;
    }
    case EntityKind::kRelease: {
      const auto* r = static_cast<const Release*>(objects_[i]);
      out.release = r;
      out.noun = ReleaseNoun(r->type);
      out.name = r->title + " by " + catalog_->NamesOf(r->artists, " & ");
      out.released = r->date;
      break;
    }
    case EntityKind::kArtist: {
      const auto* a = static_cast<const Artist*>(objects_[i]);
      out.artist = a;
      out.noun = "artist";
      out.name = a->name;
      out.released = day0_[i];  // the first release of a track crediting them as primary
      break;
    }
    case EntityKind::kTrack:
      break;
  }
  return out;
}

}  // namespace encore
