// Catalog::ToImage and FromImage: a built catalog as bytes (doc/formats/catalog-image.md).
//
// Layout, integers as LEB128 varints, strings as a varint length and the bytes, an optional day
// as a varint flag then a zigzag varint:
//   artists:  count, then per artist id, name, kind, country, aliases, member_of (group id,
//             from?, to?), persona_of, tags, begin?
//   releases: count, then id, title, type, date (zigzag), artists
//   tracks:   count, then id, isrc, title, release_id, duration_ms? (0: none, else ms + 1),
//             primary, featured, song key
//   names:    count, then (normalised name, artist index)      — artist_names_
//   songs:    count, then ("song:" key, track index)           — song_tracks_
//   digest:   the catalog's digest before track aliases
// The id indexes are rebuilt from the tables in Build's order (a track's id, then its ISRC when
// no earlier id or ISRC took it). Nothing here checks what Build checks: an image is made only
// of a catalog that was built; what it checks is that the bytes hold what they say.
#include <algorithm>
#include <functional>

#include "common/varint.h"
#include "encore/catalog.h"

namespace encore {
namespace {

class Writer {
 public:
  void Int(uint64_t v) { PutVarint(&out_, v); }
  void Str(std::string_view s) {
    Int(s.size());
    out_.append(s);
  }
  void Strs(const std::vector<std::string>& v) {
    Int(v.size());
    for (const auto& s : v) Str(s);
  }
  void OptDay(const std::optional<Day>& d) {
    Int(d ? 1 : 0);
    if (d) Int(ZigZag(*d));
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }
  bool done() const { return p_ == end_; }
  uint64_t Int() {
    uint64_t v = 0;
    if (ok_ && !GetVarint(&p_, end_, &v)) ok_ = false;
    return ok_ ? v : 0;
  }
  // A count of items each at least `min_bytes` long: no more than the bytes left can hold.
  size_t Count(size_t min_bytes = 1) {
    const uint64_t n = Int();
    if (n > static_cast<uint64_t>(end_ - p_) / min_bytes) ok_ = false;
    return ok_ ? static_cast<size_t>(n) : 0;
  }
  std::string Str() {
    const uint64_t n = Int();
    if (!ok_ || n > static_cast<uint64_t>(end_ - p_)) {
      ok_ = false;
      return {};
    }
    std::string s(p_, static_cast<size_t>(n));
    p_ += n;
    return s;
  }
  std::vector<std::string> Strs() {
    std::vector<std::string> v(Count());
    for (auto& s : v) s = Str();
    return v;
  }
  Day DayValue() {
    const uint64_t z = Int();
    const int64_t d = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    if (d < INT32_MIN || d > INT32_MAX) ok_ = false;
    return static_cast<Day>(d);
  }
  std::optional<Day> OptDay() {
    const uint64_t has = Int();
    if (has > 1) ok_ = false;
    if (has != 1) return std::nullopt;
    return DayValue();
  }
  size_t Index(size_t limit) {
    const uint64_t i = Int();
    if (i >= limit) ok_ = false;
    return ok_ ? static_cast<size_t>(i) : 0;
  }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace

std::string Catalog::ToImage() const {
  Writer w;
  w.Int(artists_.size());
  for (const Artist& a : artists_) {
    w.Str(a.id);
    w.Str(a.name);
    w.Int(static_cast<uint64_t>(a.kind));
    w.Str(a.country);
    w.Strs(a.aliases);
    w.Int(a.member_of.size());
    for (const Membership& m : a.member_of) {
      w.Str(m.group_id);
      w.OptDay(m.from);
      w.OptDay(m.to);
    }
    w.Str(a.persona_of);
    w.Strs(a.tags);
    w.OptDay(a.begin);
  }
  w.Int(releases_.size());
  for (const Release& r : releases_) {
    w.Str(r.id);
    w.Str(r.title);
    w.Int(static_cast<uint64_t>(r.type));
    w.Int(ZigZag(r.date));
    w.Strs(r.artists);
  }
  w.Int(tracks_.size());
  for (size_t i = 0; i < tracks_.size(); ++i) {
    const Track& t = tracks_[i];
    w.Str(t.id);
    w.Str(t.isrc);
    w.Str(t.title);
    w.Str(t.release_id);
    w.Int(t.duration_ms ? uint64_t{*t.duration_ms} + 1 : 0);
    w.Strs(t.primary);
    w.Strs(t.featured);
    w.Str(i < song_keys_.size() ? song_keys_[i] : SongKeyOf(t));
  }
  w.Int(artist_names_.size());
  for (const auto& [name, i] : artist_names_) {
    w.Str(name);
    w.Int(i);
  }
  // In key order: the same catalog gives the same bytes, however its table was filled.
  std::vector<const std::pair<const std::string, size_t>*> songs;
  songs.reserve(song_tracks_.size());
  for (const auto& entry : song_tracks_) songs.push_back(&entry);
  std::sort(songs.begin(), songs.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  w.Int(songs.size());
  for (const auto* entry : songs) {
    w.Str(entry->first);
    w.Int(entry->second);
  }
  w.Str(base_digest_.empty() ? BaseDigest() : base_digest_);
  return w.Take();
}

Result<Catalog> Catalog::FromImage(std::string_view image) {
  Reader r(image);
  Catalog c;
  c.artists_.resize(r.Count(8));
  for (Artist& a : c.artists_) {
    if (!r.ok()) break;
    a.id = r.Str();
    a.name = r.Str();
    const uint64_t kind = r.Int();
    if (kind > static_cast<uint64_t>(ArtistKind::kProject)) r.Fail();
    a.kind = static_cast<ArtistKind>(kind);
    a.country = r.Str();
    a.aliases = r.Strs();
    a.member_of.resize(r.Count(3));
    for (Membership& m : a.member_of) {
      m.group_id = r.Str();
      m.from = r.OptDay();
      m.to = r.OptDay();
    }
    a.persona_of = r.Str();
    a.tags = r.Strs();
    a.begin = r.OptDay();
  }
  c.releases_.resize(r.Count(5));
  for (Release& rel : c.releases_) {
    if (!r.ok()) break;
    rel.id = r.Str();
    rel.title = r.Str();
    const uint64_t type = r.Int();
    if (type > static_cast<uint64_t>(ReleaseType::kAlbum)) r.Fail();
    rel.type = static_cast<ReleaseType>(type);
    rel.date = r.DayValue();
    rel.artists = r.Strs();
  }
  const size_t tracks = r.Count(8);
  c.tracks_.resize(tracks);
  c.song_keys_.resize(tracks);
  for (size_t i = 0; i < tracks && r.ok(); ++i) {
    Track& t = c.tracks_[i];
    t.id = r.Str();
    t.isrc = r.Str();
    t.title = r.Str();
    t.release_id = r.Str();
    const uint64_t ms = r.Int();
    if (ms > uint64_t{UINT32_MAX} + 1) r.Fail();
    if (ms && r.ok()) t.duration_ms = static_cast<uint32_t>(ms - 1);
    t.primary = r.Strs();
    t.featured = r.Strs();
    c.song_keys_[i] = r.Str();
  }
  const size_t names = r.Count(2);
  for (size_t i = 0; i < names && r.ok(); ++i) {
    std::string name = r.Str();
    c.artist_names_.emplace_hint(c.artist_names_.end(), std::move(name),
                                 r.Index(c.artists_.size()));
  }
  const size_t songs = r.Count(2);
  c.song_tracks_.reserve(songs);
  for (size_t i = 0; i < songs && r.ok(); ++i) {
    std::string key = r.Str();
    c.song_tracks_.emplace(std::move(key), r.Index(c.tracks_.size()));
  }
  c.base_digest_ = r.Str();
  if (!r.ok() || !r.done()) return Status::Corruption("the catalog image does not add up");
  // The id indexes, as Build made them.
  c.artist_ids_.reserve(c.artists_.size());
  for (size_t i = 0; i < c.artists_.size(); ++i) c.artist_ids_.emplace(c.artists_[i].id, i);
  c.release_ids_.reserve(c.releases_.size());
  for (size_t i = 0; i < c.releases_.size(); ++i) c.release_ids_.emplace(c.releases_[i].id, i);
  c.track_ids_.reserve(2 * c.tracks_.size());
  for (size_t i = 0; i < c.tracks_.size(); ++i) {
    const Track& t = c.tracks_[i];
    c.track_ids_.emplace(t.id, i);
    if (!t.isrc.empty()) c.track_ids_.emplace(t.isrc, i);
  }
  return c;
}

}  // namespace encore
