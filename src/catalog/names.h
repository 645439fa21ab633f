// Name matching for the catalog: normalised keys, credit strings, and song titles with their
// version. Real data spells one artist and one song many ways ("Jung Kook" / "Jungkook",
// "HUNTR/X" / "HUNTRX", curly and straight apostrophes, "Seven (feat. Latto) (Explicit Ver.)");
// these functions reduce the spelling to what identifies the thing, and keep what differs
// (the version) apart. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
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

// The key of a song as printed by charts and services: the normalised base title and the
// normalised lead artist (the first name of the credit), joined by '|'. Publishers list
// co-artists differently (Spotify "The Weeknd, Daft Punk", Billboard "The Weeknd Featuring Daft
// Punk") but put the lead first, so every version of a song, under any spelling of its title and
// credit, has the same key. Measured on the real files: doc/catalog.md.
std::string SongKey(std::string_view artist_credit, std::string_view title);

}  // namespace encore
