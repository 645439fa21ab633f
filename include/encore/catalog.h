// The catalog: who made what. Artists (people, groups, and projects — a person's solo persona),
// group membership over time, releases and tracks with their primary and featured artists.
// Files: shared spec §5 (artists.csv, releases.csv, tracks.csv). A Catalog is immutable once
// loaded; const methods are safe to call from several threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "encore/date.h"
#include "encore/status.h"

namespace encore {

enum class ArtistKind { kPerson, kGroup, kProject };
std::string_view ArtistKindName(ArtistKind k);

struct Membership {
  std::string group_id;
  std::optional<Day> from, to;  // inclusive; nullopt: open
};

struct Artist {
  std::string id, name;
  ArtistKind kind = ArtistKind::kPerson;
  std::string country;  // ISO 3166-1 alpha-2
  std::vector<std::string> aliases;
  std::vector<Membership> member_of;
  std::string persona_of;  // for a project: the person's id
  std::vector<std::string> tags;
  std::optional<Day> begin;
};

enum class ReleaseType { kSingle, kEp, kAlbum };
std::string_view ReleaseTypeName(ReleaseType t);

struct Release {
  std::string id, title;
  ReleaseType type = ReleaseType::kSingle;
  Day date = 0;
  std::vector<std::string> artists;
};

struct Track {
  std::string id, isrc, title, release_id;
  std::optional<uint32_t> duration_ms;
  std::vector<std::string> primary, featured;
};

// One problem found while loading: file name, 1-based line (0: the file as a whole), reason.
struct CatalogIssue {
  std::string file;
  uint64_t line = 0;
  std::string reason;
  std::string ToString() const;  // "artists.csv:7: unknown group 'bts' in member_of"
};

class Catalog {
 public:
  // Reads DIR/artists.csv, DIR/releases.csv and DIR/tracks.csv (releases and tracks optional).
  // All or nothing: on any problem, returns kDataError and fills *issues with every one found.
  static Result<Catalog> Load(const std::string& dir, std::vector<CatalogIssue>* issues);

  const std::vector<Artist>& artists() const { return artists_; }
  const std::vector<Release>& releases() const { return releases_; }
  const std::vector<Track>& tracks() const { return tracks_; }

  const Artist* ArtistById(std::string_view id) const;
  const Release* ReleaseById(std::string_view id) const;
  const Track* TrackById(std::string_view id) const;  // a track id or an ISRC
  // Artists whose name or an alias matches `name` (NormalizeName); an id matches too.
  std::vector<const Artist*> FindArtists(std::string_view name) const;

  // Solo: every primary artist is a person or a project (shared spec §5).
  bool IsSolo(const Track& t) const;
  // The person behind an artist: a project's persona_of, a person itself; nullptr for a group.
  const Artist* Person(const Artist& a) const;
  // Members of a group on a day (any day when nullopt), and a person's groups on a day.
  std::vector<const Artist*> MembersOf(const Artist& group, std::optional<Day> on) const;
  std::vector<const Artist*> GroupsOf(const Artist& person, std::optional<Day> on) const;
  std::vector<const Artist*> Personas(const Artist& person) const;
  // Tracks with the artist among their primary (or, when featured is set, featured) artists.
  std::vector<const Track*> TracksOf(const Artist& a, bool featured) const;

 private:
  std::vector<Artist> artists_;
  std::vector<Release> releases_;
  std::vector<Track> tracks_;
  std::unordered_map<std::string, size_t> artist_ids_, release_ids_, track_ids_;
  std::multimap<std::string, size_t> artist_names_;  // normalised name or alias -> artist
};

// The continent of an ISO 3166-1 alpha-2 country ("Asia", "Europe", "North America",
// "South America", "Africa", "Oceania"); empty when unknown.
std::string_view ContinentOf(std::string_view country);

}  // namespace encore
