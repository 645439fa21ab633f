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
  EXPECT_EQ(ParseTitle("Run - BTS").base, "Run - BTS");  // a dash that names no version stays
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
namespace {

// A minimal RFC 4180 split for the test, independent of the ingest parser.
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        out.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

TEST(SongKey, OneSongUnderEverySpellingOfTheHot100) {
  ENCORE_REQUIRE_SHARED_DATA(path, "billboard-hot-100/hot100_all_weeks.csv");
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::map<std::string, std::set<std::string>> golden_keys;  // credit -> keys
  std::set<std::string> curly_keys, straight_keys;
  size_t rows = 0;
  while (std::getline(in, line)) {
    const auto f = CsvFields(line);
    if (f.size() < 4) continue;
    ++rows;
    const std::string key = SongKey(f[3], f[2]);
    if (f[2] == "Golden" && f[3].find("HUNTR") != std::string::npos) golden_keys[f[3]].insert(key);
    if (f[2].find("\xE2\x80\x99") != std::string::npos) curly_keys.insert(key);
    if (f[2].find('\'') != std::string::npos) straight_keys.insert(key);
  }
  EXPECT_GT(rows, 350000u);
  // "HUNTR/X, EJAE, Audrey Nuna & Rei Ami" and "HUNTR/X: EJAE, Audrey Nuna & REI AMI": one song.
  ASSERT_GE(golden_keys.size(), 2u);
  std::set<std::string> all;
  for (const auto& [credit, keys] : golden_keys) all.insert(keys.begin(), keys.end());
  EXPECT_EQ(all.size(), 1u);
  EXPECT_EQ(*all.begin(), "golden|audreynuna|ejae|huntrx|reiami");
  EXPECT_EQ(SongKey("HUNTRX", "Golden"), SongKey("HUNTR/X", "Golden"));
  // Titles printed with a curly apostrophe key the same as with a straight one.
  ASSERT_FALSE(curly_keys.empty());
  EXPECT_EQ(SongKey("Artist", "Don\xE2\x80\x99t Stop"), SongKey("artist", "Don't Stop"));
  for (const auto& k : curly_keys) EXPECT_EQ(k.find("\xE2\x80"), std::string::npos) << k;
}

TEST(SongKey, VersionsAndFeaturesShareTheKey) {
  const std::string seven = SongKey("Jung Kook", "Seven (feat. Latto) (Explicit Ver.)");
  EXPECT_EQ(seven, SongKey("Jungkook feat. Latto", "Seven"));
  EXPECT_EQ(seven, SongKey("JUNG KOOK", "Seven (Weekday Ver.)"));
  EXPECT_NE(seven, SongKey("Jung Kook", "3D"));
  EXPECT_EQ(SongKey("The Kid LAROI & Justin Bieber", "Stay"),
            SongKey("Justin Bieber & The Kid LAROI", "STAY"));
}

}  // namespace encore
