#include <algorithm>

#include "catalog/names.h"
#include "encore/catalog.h"

namespace encore {
namespace {

// A credit string made of the catalog's names for known artists (so that aliases key alike).
std::string CanonicalCredit(const Catalog& c, const std::vector<std::string>& names,
                            std::vector<const Artist*>* known, std::vector<std::string>* unknown) {
  std::string credit;
  for (const auto& name : names) {
    const auto found = c.FindArtists(name);
    std::string use = name;
    if (found.size() == 1) {
      use = found[0]->name;
      if (known) known->push_back(found[0]);
    } else if (unknown) {
      unknown->push_back(name);  // unknown, or ambiguous: not guessed
    }
    credit += (credit.empty() ? "" : " & ") + use;
  }
  return credit;
}

}  // namespace

Resolution Resolve(const Catalog& catalog, std::string_view query) {
  Resolution r;
  const size_t dash = query.find(" - ");
  r.artist_part = std::string(dash == std::string_view::npos ? "" : query.substr(0, dash));
  r.title_part = std::string(dash == std::string_view::npos ? query : query.substr(dash + 3));
  Credit credit = SplitCredit(r.artist_part, catalog.KnownNames());
  // A name the catalog knows whole ("Simon & Garfunkel") is not split into two.
  if (credit.primary.size() > 1 && catalog.FindArtists(r.artist_part).size() == 1)
    credit = {{r.artist_part}, {}};
  r.primary = credit.primary;
  r.featured = credit.featured;
  const ParsedTitle title = ParseTitle(r.title_part);
  for (const auto& f : title.featured) r.featured.push_back(f);
  r.base_title = title.base;
  r.version_kind = std::string(VersionKindName(title.kind));
  r.version_label = title.label;
  const std::string credit_text =
      CanonicalCredit(catalog, r.primary, &r.artists, &r.unknown_artists);
  r.song_key = SongKey(credit_text, r.title_part);
  // The song: the same title, with the credit's lead artist among the track's primary artists
  // (publishers list co-artists differently, but the lead first). Other credited names the
  // catalog does not know are reported and do not block the match; an unknown lead does.
  if (r.primary.empty()) return r;
  const std::vector<const Artist*> lead = catalog.FindArtists(r.primary.front());
  if (lead.size() != 1) return r;
  const std::string base = NormalizeName(r.base_title);
  for (const auto& t : catalog.tracks()) {
    if (std::find(t.primary.begin(), t.primary.end(), lead[0]->id) == t.primary.end()) continue;
    if (NormalizeName(ParseTitle(t.title).base) == base) r.versions.push_back(&t);
  }
  // The album: "FACE (EP)", "GOLDEN (Deluxe)" are FACE and GOLDEN.
  const std::string album = NormalizeName(ParseAlbumTitle(r.title_part).base);
  for (const auto& rel : catalog.releases()) {
    if (std::find(rel.artists.begin(), rel.artists.end(), lead[0]->id) == rel.artists.end())
      continue;
    if (NormalizeName(ParseAlbumTitle(rel.title).base) == album) r.releases.push_back(&rel);
  }
  // The version: same kind and, for named versions, the same label; the original when the query
  // names none; on a tie, the earliest release.
  for (const Track* t : r.versions) {
    const ParsedTitle tt = ParseTitle(t->title);
    const bool kind_ok = tt.kind == title.kind || (title.kind == VersionKind::kOriginal &&
                                                   tt.kind == VersionKind::kExplicit);
    const bool label_ok = title.kind != VersionKind::kNamed && title.kind != VersionKind::kRemix
                              ? true
                              : NormalizeName(tt.label) == NormalizeName(title.label);
    if (!kind_ok || !label_ok) continue;
    auto date = [&](const Track* x) {
      const Release* rel = catalog.ReleaseById(x->release_id);
      return rel ? rel->date : Day{kMaxStoredDay};
    };
    if (!r.match || date(t) < date(r.match)) r.match = t;
  }
  return r;
}

}  // namespace encore
