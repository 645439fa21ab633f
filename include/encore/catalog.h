// The catalog: who made what. Artists (people, groups, and projects — a person's solo persona),
// group membership over time, releases and tracks with their primary and featured artists.
// Files: shared spec §5 (artists.csv, releases.csv, tracks.csv). A Catalog is immutable once
// loaded; const methods are safe to call from several threads.
#pragma once

#include <functional>
#include <algorithm>
#include <map>
#include <memory>
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

  // Tagged `unranked` (doc/catalog.md, "Unranked acts"): the act's songs are charted but kept out
  // of the records and the news (a simulated market, filler).
  bool unranked() const {
    for (const auto& t : tags)
      if (t == "unranked") return true;
    return false;
  }
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

// A catalog table row: its values (lists `;`-joined, as in the files) by the column names of its
// file, shared by the file's rows, and the line it came from (0 when it came from the store).
struct CatalogRow {
  uint64_t line = 0;
  std::shared_ptr<const std::vector<std::string>> columns;
  std::vector<std::string> values;  // values[i] is the value of (*columns)[i]
  // The value of column k; empty when the row has no such column. A name given twice: the last.
  const std::string& operator[](std::string_view k) const {
    static const std::string kEmpty;
    if (!columns) return kEmpty;
    for (size_t i = std::min(columns->size(), values.size()); i-- > 0;) {
      if ((*columns)[i] == k) return values[i];
    }
    return kEmpty;
  }
};
struct CatalogTables {
  std::vector<CatalogRow> artists, releases, tracks;
};

class Catalog {
 public:
  // Reads one catalog CSV file into rows (false when the file does not exist).
  static bool ReadTable(const std::string& path, std::vector<CatalogRow>* rows,
                        std::vector<CatalogIssue>* issues);
  // Validates rows and builds the catalog; kDataError with *issues filled on any problem.
  static Result<Catalog> Build(const CatalogTables& tables, std::vector<CatalogIssue>* issues);
  // Reads DIR/artists.csv, DIR/releases.csv and DIR/tracks.csv (releases and tracks optional).
  // All or nothing: on any problem, returns kDataError and fills *issues with every one found.
  // `rows`, when given, receives the files' rows as read (every column, extra ones included).
  static Result<Catalog> Load(const std::string& dir, std::vector<CatalogIssue>* issues,
                              CatalogTables* rows = nullptr);

  const std::vector<Artist>& artists() const { return artists_; }
  const std::vector<Release>& releases() const { return releases_; }
  const std::vector<Track>& tracks() const { return tracks_; }

  const Artist* ArtistById(std::string_view id) const;
  const Release* ReleaseById(std::string_view id) const;
  // A track id, an ISRC, or "song:" + a song key (catalog/names.h SongKey, the lead artist by
  // name or alias): what personal histories count plays of songs by before the catalog knew them
  // under; the song's original version (else its earliest release).
  const Track* TrackById(std::string_view id) const;
  // Artists whose name or an alias matches `name` (NormalizeName); an id matches too.
  // A credited "Name (native name)" ("Jung Kook (정국)") that matches no artist whole matches the
  // artists of either name.
  std::vector<const Artist*> FindArtists(std::string_view name) const;
  // Whether some artist's name or alias has this NormalizeName key.
  bool KnowsName(const std::string& key) const { return artist_names_.count(key) > 0; }
  // KnowsName as a function, for SplitCredit (catalog/names.h): credits split where the
  // catalog's names allow ("Earth, Wind & Fire" stays one name). Valid while the catalog is.
  std::function<bool(const std::string&)> KnownNames() const {
    return [this](const std::string& key) { return KnowsName(key); };
  }

  // Solo: every primary artist is a person or a project (shared spec §5).
  bool IsSolo(const Track& t) const;
  // The person behind an artist: a project's persona_of, a person itself; nullptr for a group.
  const Artist* Person(const Artist& a) const;
  // Members of a group on a day (any day when nullopt), and a person's groups on a day.
  std::vector<const Artist*> MembersOf(const Artist& group, std::optional<Day> on) const;
  std::vector<const Artist*> GroupsOf(const Artist& person, std::optional<Day> on) const;
  std::vector<const Artist*> Personas(const Artist& person) const;
  // Artists' names joined ("Jung Kook, Latto"; ids the catalog does not know as they are).
  std::string NamesOf(const std::vector<std::string>& artist_ids,
                      std::string_view separator = ", ") const;
  // A track's credit as charts print it: "Jung Kook feat. Latto".
  std::string CreditOf(const Track& t) const;
  // Whether artists (a track's primary, a release's) are all unranked acts (Artist::unranked);
  // false for none.
  bool AllUnranked(const std::vector<std::string>& artist_ids) const;
  // The key every version of the track's song shares (SongKey of its primary artists' names and
  // its title): what "all versions combined" groups by.
  std::string SongKeyOf(const Track& t) const;
  // SongKeyOf(tracks()[i]), kept since the catalog was built: valid while the catalog is.
  const std::string& SongKeyAt(size_t i) const { return song_keys_[i]; }
  // A digest (32 hex digits) of everything derived results depend on: ids, names, aliases,
  // kinds, countries, tags, memberships, personas, release types and dates, credits, and the
  // track aliases added.
  std::string Digest() const;
  // Other ids a track is known by (TrackById finds it by them): (alias, catalog track id), such
  // as a Spotify URI that a chart entry linked to the track by name (ChartHistory::TrackLinks).
  // An alias that is already a track's id or ISRC, or names a track the catalog does not have,
  // is ignored. Returns how many were added.
  size_t AddTrackAliases(const std::vector<std::pair<std::string, std::string>>& aliases);
  // Names for ids the catalog has no track for, as a chart printed them (a chart song of its
  // own, kept under its Spotify URI): what records call and find such a track by.
  struct ChartSong {
    std::string id, title, artist;
  };
  void AddChartSongs(std::vector<ChartSong> songs);
  const ChartSong* ChartSongById(std::string_view id) const;
  const std::vector<ChartSong>& chart_songs() const { return chart_songs_; }
  // Tracks with the artist among their primary (or, when featured is set, featured) artists.
  std::vector<const Track*> TracksOf(const Artist& a, bool featured) const;

  // A built catalog as bytes and back: what a store keeps beside catalog.sqlite so that a
  // command maps the catalog instead of validating its rows again (catalog/catalog_store.cc).
  // The image holds the tables and what Build derives from them (normalised names, song keys,
  // the digest); not chart songs or track aliases, which come from the chart history. FromImage
  // checks every length and count against the bytes: kCorruption when they do not add up.
  std::string ToImage() const;
  static Result<Catalog> FromImage(std::string_view image);

 private:
  // What Build derives once the tables are valid: artist_names_, song_tracks_, song_keys_,
  // base_digest_.
  void Derive();
  std::string BaseDigest() const;

  std::vector<Artist> artists_;
  std::vector<Release> releases_;
  std::vector<Track> tracks_;
  std::unordered_map<std::string, size_t> artist_ids_, release_ids_, track_ids_;
  std::unordered_map<std::string, size_t> song_tracks_;  // "song:<key>" → the song's main track
  std::multimap<std::string, size_t> artist_names_;  // normalised name or alias -> artist
  std::vector<std::pair<std::string, size_t>> track_aliases_;  // added: alias -> track
  std::vector<ChartSong> chart_songs_;                          // by id
  std::vector<std::string> song_keys_;  // SongKeyOf each of tracks_, computed once
  std::string base_digest_;             // Digest() before track aliases
};

// The continent of an ISO 3166-1 alpha-2 country ("Asia", "Europe", "North America",
// "South America", "Africa", "Oceania"); empty when unknown.
std::string_view ContinentOf(std::string_view country);

}  // namespace encore

namespace encore {

// What a catalog import changed, per table.
struct CatalogChanges {
  size_t total = 0, added = 0, changed = 0, removed = 0;
};
struct CatalogImportReport {
  CatalogChanges artists, releases, tracks;
};

// Validates the catalog files in catalog_dir and, only if they are sound, replaces the catalog
// kept in store_dir (catalog.sqlite) in one transaction; re-importing upserts and reports what
// changed. On any problem nothing changes: kDataError, with *issues filled.
Result<CatalogImportReport> ImportCatalog(const std::string& catalog_dir,
                                          const std::string& store_dir,
                                          std::vector<CatalogIssue>* issues);

// The catalog kept in store_dir; an empty catalog when none was ever imported. It is read from
// the store's catalog image when that was made from catalog.sqlite as it is now, else built from
// the rows (kCorruption when they do not validate); `keep_image` then writes the image for the
// next load (for a writer of the store: best effort, a failure leaves the next load to the rows).
Result<Catalog> LoadStoredCatalog(const std::string& store_dir, bool keep_image = false);
// Whether store_dir holds a whole catalog image made from its catalog.sqlite as it is now (what
// LoadStoredCatalog then reads instead of the rows).
bool StoredCatalogImageIsCurrent(const std::string& store_dir);

}  // namespace encore

namespace encore {

// What `encore resolve` shows: a query "Artist - Title" matched to the catalog, and why.
struct Resolution {
  std::string artist_part, title_part;         // the query, split at its first " - "
  std::vector<std::string> primary, featured;  // the credit's names
  std::vector<std::string> unknown_artists;    // credited names the catalog does not know
  std::vector<const Artist*> artists;          // the known primary artists
  std::string base_title;                      // the title without its version parts
  std::string version_kind, version_label;     // VersionKindName and the version text
  std::string song_key;                        // the key every version of the song shares
  std::vector<const Track*> versions;          // the catalog's tracks of that song
  const Track* match = nullptr;                // the version the query names, if the catalog has it
  // The releases the query names as an album: the title without its edition suffixes ("FACE
  // (EP)" is FACE; catalog/names.h ParseAlbumTitle) by a release artist of the credit's lead.
  std::vector<const Release*> releases;
};
// The song is the catalog's tracks with the query's title (without version parts) whose primary
// artists include the credit's lead artist (its first name, by name or alias). Never merges a name
// it does not know with another: an unknown lead artist or song leaves `match` null and
// `versions` empty; other unknown credited names are listed in `unknown_artists`. The credit is
// split where the catalog's names allow (the longest known name at each split point).
Resolution Resolve(const Catalog& catalog, std::string_view query);

}  // namespace encore
