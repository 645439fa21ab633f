// Name matching for the catalog: normalised keys, credit strings, and song titles with their
// version. Real data spells one artist and one song many ways ("Jung Kook" / "Jungkook",
// "HUNTR/X" / "HUNTRX", curly and straight apostrophes, "Seven (feat. Latto) (Explicit Ver.)");
// these functions reduce the spelling to what identifies the thing, and keep what differs
// (the version) apart. Pure functions, thread-safe.
//
// A store's catalog image keeps what NormalizeName, SongKey and ParseTitle gave when it was made:
// a change to what they return must change the derivation number of kImageMagic
// (catalog/catalog_store.cc), so that older images are read from the rows again.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace encore {

// The matching key of a name (shared spec §5: without regard to case, spaces, hyphens and
// punctuation): ASCII letters lower-cased, Latin letters with diacritics folded to their base
// letter (é -> e, ø -> o, ß -> ss), digits kept, every other ASCII character and typographic
// quote, dash or space dropped; other UTF-8 (Hangul, kana, …) kept as it is.
std::string NormalizeName(std::string_view name);

// An artist credit split into names: "Jung Kook feat. Latto", "A & B", "A, B & C", "A x B",
// "A with B", "A featuring B". Names before a feature marker are primary, after it featured.
struct Credit {
  std::vector<std::string> primary;
  std::vector<std::string> featured;
};
Credit SplitCredit(std::string_view credit);

// Whether a name is known as one artist's, by its NormalizeName key (the catalog's names and
// aliases: Catalog::KnowsName).
using KnownName = std::function<bool(const std::string& key)>;

// SplitCredit, and at every split point the longest run of names that `known` knows as one
// ("Earth, Wind & Fire, The Emotions" with "Earth, Wind & Fire" known: two names, not four).
// Names that contain a separator are kept whole without a catalog too (doc/catalog.md, credits):
// a comma before a suffix ("Grover Washington, Jr.", "Lipps, Inc."), between digits ("10,000
// Maniacs"), or inside parentheses ("Silk Sonic (Bruno Mars & Anderson .Paak)"); an unspaced "/"
// next to a one-letter part or between two short parts ("HUNTR/X", "AC/DC"), while other
// unspaced "/" join artists as UK credits do ("CALVIN HARRIS/ELLIE GOULDING"); and the
// well-known names of KnownCreditNames().
Credit SplitCredit(std::string_view credit, const KnownName& known);

// The NormalizeName keys of well-known artist names that contain a separator ("Tyler, The
// Creator", "Earth, Wind & Fire", "Ebn/Ozn"), each printed whole as a credit of its own in the
// Billboard charts; SplitCredit keeps them whole. Sorted.
const std::vector<std::string>& KnownCreditNames();

// "Jung Kook (정국)" -> {"Jung Kook", "정국"}: a name followed by another in parentheses, as
// credits print a native name (or a group's members: "Silk Sonic (Bruno Mars & Anderson
// .Paak)"). Empty views when the name does not end in a parenthesised part after a name.
std::pair<std::string_view, std::string_view> NameAndParenthesized(std::string_view name);

// The matching key of a credit's lead artist (its first primary name): NormalizeName of the
// name, or of the part before a parenthesised native name ("Jung Kook (정국)" -> "jungkook").
// With `known`, names are split as SplitCredit(credit, known) does.
std::string LeadKey(std::string_view credit, const KnownName& known = nullptr);

// What kind of version a title names, from its parenthesised or dashed parts.
enum class VersionKind {
  kOriginal,      // no version part
  kExplicit,      // "Explicit Ver."
  kClean,         // "Clean Ver.", "Radio Edit"
  kInstrumental,  // "Instrumental", "Inst."
  kRemix,         // "... Remix", "... Mix"
  kSpedUp,        // "Sped Up"
  kSlowed,        // "Slowed Down", "Slowed + Reverb"
  kAcoustic,      // "Acoustic"
  kLive,          // "Live", "Live at ..."
  kBand,          // "Band Ver."
  kExtended,      // "Extended"
  kAlternate,     // "Alternate Ver."
  kNamed,         // any other "... Ver." / "... Version" ("Weekday Ver.", "Japanese Ver.")
};
std::string_view VersionKindName(VersionKind k);

// "Seven (feat. Latto) (Explicit Ver.)" -> base "Seven", featured {"Latto"}, kind kExplicit,
// label "Explicit Ver.". Producer credits ("Prod. SUGA of BTS") are dropped from the base and
// are not a version. When several version parts appear, the most specific wins (remix over
// explicit) and `label` keeps them all, joined by " / ".
struct ParsedTitle {
  std::string base;
  std::vector<std::string> featured;
  VersionKind kind = VersionKind::kOriginal;
  std::string label;
};
ParsedTitle ParseTitle(std::string_view title);

// An album title as charts print it: the release's own title apart from the edition suffixes
// publishers add ("FACE (EP)", "GOLDEN (Deluxe)", "Rumours (Super Deluxe Edition)", "Abbey Road
// - Remastered", "Thriller [25th Anniversary Edition]"). A suffix is an edition when every word
// of it is an edition word or a number and one of them says so (EP, single, deluxe, edition,
// expanded, remaster(ed), reissue, repackage); "(Taylor's Version)" and "(Soundtrack)" name other
// releases and stay. `edition` keeps the suffixes dropped, joined by " / ".
struct ParsedAlbumTitle {
  std::string base;
  std::string edition;
};
ParsedAlbumTitle ParseAlbumTitle(std::string_view title);

// The key of a song as printed by charts and services: the normalised base title and the
// normalised lead artist (the first name of the credit), joined by '|'. Publishers list
// co-artists differently (Spotify "The Weeknd, Daft Punk", Billboard "The Weeknd Featuring Daft
// Punk") but put the lead first, so every version of a song, under any spelling of its title and
// credit, has the same key. Measured on the real files: doc/catalog.md.
std::string SongKey(std::string_view artist_credit, std::string_view title);

}  // namespace encore
