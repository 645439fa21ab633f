// The entities records are kept for, and which of them each store track's streams count for.
#include <algorithm>
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

  // Catalog entities: every song, release and artist, in catalog order.
  std::unordered_map<std::string, uint32_t> songs, releases, artists;
  auto add = [&u](EntityKind k, std::string key, const void* object) {
    const auto e = static_cast<uint32_t>(u.kinds_.size());
    u.kinds_.push_back(k);
    u.keys_.push_back(std::move(key));
    u.objects_.push_back(object);
    return e;
  };
  for (const Track& t : catalog->tracks()) {
    std::string key = catalog->SongKeyOf(t);
    if (!songs.count(key)) songs[key] = add(EntityKind::kSong, key, &t);
  }
  for (const Release& r : catalog->releases()) releases[r.id] = add(EntityKind::kRelease, r.id, &r);
  for (const Artist& a : catalog->artists()) artists[a.id] = add(EntityKind::kArtist, a.id, &a);
  // Day 0 of songs and artists: the earliest release of their (primary) tracks.
  u.day0_.assign(u.keys_.size(), std::nullopt);
  auto earliest = [&u, n](uint32_t e, Day d) {
    std::optional<Day>& x = u.day0_[e - n];
    if (!x || d < *x) x = d;
  };
  for (const Track& t : catalog->tracks()) {
    const Release* r = catalog->ReleaseById(t.release_id);
    if (!r) continue;
    earliest(songs.at(catalog->SongKeyOf(t)), r->date);
    earliest(releases.at(r->id), r->date);
    for (const auto& id : t.primary) {
      if (auto it = artists.find(id); it != artists.end()) earliest(it->second, r->date);
    }
  }

  std::unordered_map<const Track*, uint32_t> first_store_id;
  std::vector<uint32_t> extras;
  for (uint32_t t = 0; t < n; ++t) {
    const Track* ct = catalog->TrackById(store_tracks[t]);
    u.extras_at_[t] = static_cast<uint32_t>(u.extras_.size());
    if (!ct) continue;
    u.catalog_track_[t] = ct;
    u.track_entity_[t] = first_store_id.emplace(ct, t).first->second;
    extras.clear();
    extras.push_back(songs.at(catalog->SongKeyOf(*ct)));
    const Release* r = catalog->ReleaseById(ct->release_id);
    if (r) extras.push_back(releases.at(r->id));
    std::vector<const Artist*> credited;
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
      if (a) extras.push_back(artists.at(a->id));
    }
    std::sort(extras.begin() + 1, extras.end());
    extras.erase(std::unique(extras.begin(), extras.end()), extras.end());
    u.extras_.insert(u.extras_.end(), extras.begin(), extras.end());
  }
  u.extras_at_[n] = static_cast<uint32_t>(u.extras_.size());
  return u;
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
  return std::string(EntityKindName(kinds_[e])) + ":" + keys_[e - base];
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
  out.id = keys_[i];
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
