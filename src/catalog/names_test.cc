#include "catalog/names.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "shared_data.h"

namespace encore {

TEST(NormalizeName, IgnoresCaseSpacingPunctuationAndDiacritics) {
  EXPECT_EQ(NormalizeName("Jung Kook"), "jungkook");
  EXPECT_EQ(NormalizeName("Jungkook"), "jungkook");
  EXPECT_EQ(NormalizeName("JUNG-KOOK"), "jungkook");
  EXPECT_EQ(NormalizeName("HUNTR/X"), NormalizeName("HUNTRX"));
  EXPECT_EQ(NormalizeName("Don\xE2\x80\x99t Stop"),
            NormalizeName("Don't Stop"));  // curly apostrophe
  EXPECT_EQ(NormalizeName("Beyonc\xC3\xA9"), "beyonce");
  EXPECT_EQ(NormalizeName("Ros\xC3\xA9"), "rose");
  EXPECT_EQ(NormalizeName("Mot\xC3\xB6rhead"), "motorhead");
  EXPECT_EQ(NormalizeName("\xC5\x81ukasz"), "lukasz");  // Ł
  EXPECT_EQ(NormalizeName("Stra\xC3\x9F"
                          "e"),
            "strasse");  // ß
  EXPECT_EQ(
      NormalizeName("\xEB\xB0\xA9\xED\x83\x84\xEC\x86\x8C\xEB\x85\x84\xEB\x8B\xA8"),  // Hangul kept
      "\xEB\xB0\xA9\xED\x83\x84\xEC\x86\x8C\xEB\x85\x84\xEB\x8B\xA8");
  EXPECT_EQ(NormalizeName("A\xC2\xA0"
                          "B"),
            "ab");  // no-break space
}

TEST(SplitCredit, SeparatesPrimaryAndFeatured) {
  Credit c = SplitCredit("Jung Kook feat. Latto");
  EXPECT_EQ(c.primary, std::vector<std::string>{"Jung Kook"});
  EXPECT_EQ(c.featured, std::vector<std::string>{"Latto"});
  c = SplitCredit("The Kid LAROI & Justin Bieber");
  EXPECT_EQ(c.primary, (std::vector<std::string>{"The Kid LAROI", "Justin Bieber"}));
  c = SplitCredit("Lil Nas X & Jack Harlow");
  EXPECT_EQ(c.primary, (std::vector<std::string>{"Lil Nas X", "Jack Harlow"}));
  c = SplitCredit("Jimin x Loco");
  EXPECT_EQ(c.primary, (std::vector<std::string>{"Jimin", "Loco"}));
  c = SplitCredit("A, B & C Featuring D & E");
  EXPECT_EQ(c.primary, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(c.featured, (std::vector<std::string>{"D", "E"}));
  c = SplitCredit("HUNTR/X: EJAE, Audrey Nuna & REI AMI");
  // "/" is not a separator; "Group: members" credits the group and each member.
  EXPECT_EQ(c.primary, (std::vector<std::string>{"HUNTR/X", "EJAE", "Audrey Nuna", "REI AMI"}));
  EXPECT_EQ(SplitCredit("Post Malone ft Swae Lee").featured, std::vector<std::string>{"Swae Lee"});
  EXPECT_EQ(SplitCredit("Miley Cyrus").primary, std::vector<std::string>{"Miley Cyrus"});
}

TEST(ParseTitle, KeepsTheSongAndNamesTheVersion) {
  ParsedTitle t = ParseTitle("Seven (feat. Latto) (Explicit Ver.)");
  EXPECT_EQ(t.base, "Seven");
  EXPECT_EQ(t.featured, std::vector<std::string>{"Latto"});
  EXPECT_EQ(t.kind, VersionKind::kExplicit);
  EXPECT_EQ(ParseTitle("Seven (Weekday Ver.)").kind, VersionKind::kNamed);
  EXPECT_EQ(ParseTitle("Seven (feat. Latto) (Band Ver.)").kind, VersionKind::kBand);
  EXPECT_EQ(ParseTitle("Seven (feat. Latto) (Summer Mix)").kind, VersionKind::kRemix);
  EXPECT_EQ(ParseTitle("Seven (David Guetta Remix - Extended)").kind, VersionKind::kRemix);
  EXPECT_EQ(ParseTitle("3D (feat. Jack Harlow) (Sped Up)").kind, VersionKind::kSpedUp);
  EXPECT_EQ(ParseTitle("3D (feat. Jack Harlow) (Slowed Down)").kind, VersionKind::kSlowed);
  EXPECT_EQ(ParseTitle("Seven (feat. Latto) (Instrumental)").kind, VersionKind::kInstrumental);
  EXPECT_EQ(ParseTitle("Seven").kind, VersionKind::kOriginal);
  t = ParseTitle("Stay Alive (Prod. SUGA of BTS)");
  EXPECT_EQ(t.base, "Stay Alive");
  EXPECT_EQ(t.kind, VersionKind::kOriginal);
  t = ParseTitle("Dreamers [Music from the FIFA World Cup Qatar 2022 Official Soundtrack]");
  EXPECT_EQ(t.base, "Dreamers");
  EXPECT_EQ(t.kind, VersionKind::kOriginal);
  t = ParseTitle("Yesterday - Remastered 2009");
  EXPECT_EQ(t.base, "Yesterday");
  EXPECT_EQ(t.kind, VersionKind::kNamed);
  EXPECT_EQ(ParseTitle("Love Yourself - Live").kind, VersionKind::kLive);
  // Spotify's dashed subtitles and features; a record's "Part 1" stays in the title.
  t = ParseTitle("Sunflower - Spider-Man: Into the Spider-Verse");
  EXPECT_EQ(t.base, "Sunflower");
  EXPECT_EQ(t.kind, VersionKind::kOriginal);
  t = ParseTitle("Enemy (with JID) - from the series Arcane League of Legends");
  EXPECT_EQ(t.base, "Enemy");
  EXPECT_EQ(t.featured, std::vector<std::string>{"JID"});
  t = ParseTitle("LOYALTY. FEAT. RIHANNA.");
  EXPECT_EQ(t.base, "LOYALTY.");
  EXPECT_EQ(t.featured, std::vector<std::string>{"RIHANNA."});
  EXPECT_EQ(ParseTitle("Cold Sweat - Part 1").base, "Cold Sweat - Part 1");
}

// The real discographies: every "Seven" title of Jung Kook's resolves to the song "Seven", and
// distinct versions are told apart.
TEST(ParseTitle, RealDiscographyVersionsOfSeven) {
  ENCORE_REQUIRE_SHARED_DATA(path, "catalog/jungkook_v14.csv");
  std::ifstream in(path);
  std::string line;
  std::set<std::string> kinds;
  size_t sevens = 0;
  while (std::getline(in, line)) {
    // The track title is the 6th column; titles in this file have no quoted commas before it.
    size_t pos = 0;
    for (int i = 0; i < 5 && pos != std::string::npos; ++i) pos = line.find(',', pos) + 1;
    const std::string title = line.substr(pos, line.find(',', pos) - pos);
    if (title.rfind("Seven", 0) != 0) continue;
    const ParsedTitle t = ParseTitle(title);
    EXPECT_EQ(t.base, "Seven") << title;
    kinds.insert(std::string(VersionKindName(t.kind)));
    ++sevens;
  }
  EXPECT_GE(sevens, 10u);
  for (const char* k : {"explicit", "clean", "instrumental", "remix", "band"}) {
    EXPECT_TRUE(kinds.count(k)) << k;
  }
}

}  // namespace encore

namespace encore {

TEST(SongKey, VersionsAndFeaturesShareTheKey) {
  const std::string seven = SongKey("Jung Kook", "Seven (feat. Latto) (Explicit Ver.)");
  EXPECT_EQ(seven, SongKey("Jungkook feat. Latto", "Seven"));
  EXPECT_EQ(seven, SongKey("JUNG KOOK", "Seven (Weekday Ver.)"));
  EXPECT_NE(seven, SongKey("Jung Kook", "3D"));
  // Publishers list co-artists differently but put the lead first.
  EXPECT_EQ(SongKey("The Kid LAROI & Justin Bieber", "Stay"),
            SongKey("The Kid LAROI, Justin Bieber", "STAY"));
  EXPECT_EQ(SongKey("The Weeknd Featuring Daft Punk", "Starboy"),
            SongKey("The Weeknd, Daft Punk", "Starboy"));
  EXPECT_EQ(
      SongKey("Zayn / Taylor Swift", "I Don't Wanna Live Forever (Fifty Shades Darker)"),
      SongKey("ZAYN, Taylor Swift", "I Don\xE2\x80\x99t Wanna Live Forever (Fifty Shades Darker)"));
  EXPECT_EQ(SongKey("HUNTRX", "Golden"), SongKey("HUNTR/X", "Golden"));
}

}  // namespace encore
