#include "encore/catalog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "catalog/names.h"

namespace encore {
namespace {

Catalog Demo() {
  std::vector<CatalogIssue> issues;
  auto c = Catalog::Load(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo", &issues);
  for (const auto& i : issues) ADD_FAILURE() << i.ToString();
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

std::vector<std::string> Ids(const std::vector<const Artist*>& v) {
  std::vector<std::string> out;
  for (const Artist* a : v) out.push_back(a->id);
  return out;
}

}  // namespace

TEST(Catalog, DemoWorldLoadsAndAnswers) {
  const Catalog c = Demo();
  // Names and aliases, however spelled.
  EXPECT_EQ(Ids(c.FindArtists("JK")), std::vector<std::string>{"jungkook"});
  EXPECT_EQ(Ids(c.FindArtists("Jung-Kook")), std::vector<std::string>{"jungkook"});
  EXPECT_EQ(Ids(c.FindArtists("jungkook")), std::vector<std::string>{"jungkook"});
  EXPECT_EQ(Ids(c.FindArtists("Rose")), std::vector<std::string>{"rose"});  // ROSÉ
  EXPECT_TRUE(c.FindArtists("Nobody At All").empty());
  // Solo tracks: every primary artist a person or a project; featured artists do not matter.
  EXPECT_TRUE(c.IsSolo(*c.TrackById("jk-seven")));
  EXPECT_TRUE(c.IsSolo(*c.TrackById("agustd-haegeum")));
  EXPECT_FALSE(c.IsSolo(*c.TrackById("bts-dynamite")));
  EXPECT_TRUE(c.IsSolo(*c.TrackById("laroi-stay")));
  // Agust D is SUGA's persona; SUGA is in BTS.
  const Artist& agustd = *c.ArtistById("agustd");
  EXPECT_EQ(c.Person(agustd)->id, "suga");
  EXPECT_EQ(Ids(c.Personas(*c.ArtistById("suga"))), std::vector<std::string>{"agustd"});
  EXPECT_EQ(c.MembersOf(*c.ArtistById("bts"), DayFromCivil(2023, 7, 14)).size(), 7u);
  EXPECT_TRUE(c.MembersOf(*c.ArtistById("bts"), DayFromCivil(2012, 1, 1)).empty());  // before debut
  EXPECT_EQ(Ids(c.GroupsOf(*c.ArtistById("lisa"), std::nullopt)),
            std::vector<std::string>{"blackpink"});
  // Featured credits.
  EXPECT_EQ(c.TrackById("jk-seven")->featured, std::vector<std::string>{"latto"});
  EXPECT_EQ(c.TracksOf(*c.ArtistById("latto"), true).size(), 5u);
  EXPECT_TRUE(c.TracksOf(*c.ArtistById("latto"), false).empty());
  // Every version of Seven in the catalog is one song.
  const std::string seven = SongKey("Jung Kook", "Seven");
  size_t versions = 0;
  for (const auto& t : c.tracks()) {
    std::string credit;
    for (const auto& id : t.primary)
      credit += (credit.empty() ? "" : " & ") + c.ArtistById(id)->name;
    if (SongKey(credit, t.title) == seven) ++versions;
  }
  EXPECT_EQ(versions, 6u);
  EXPECT_EQ(ContinentOf(c.ArtistById("lisa")->country), "Asia");
  EXPECT_EQ(ContinentOf(c.ArtistById("rose")->country), "Oceania");
  EXPECT_EQ(ContinentOf("BR"), "South America");
}

TEST(Catalog, EveryProblemIsReportedWithFileLineAndReason) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("encore-catalog-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "artists.csv")
      << "artist_id,name,kind,country,aliases,member_of,persona_of,tags,begin\n"
         "g1,Group One,group,KR,,,,,\n"
         "a,A,person,KR,,g1@2020-01-01..2019-01-01,,,\n"  // 3: ends before it begins
         "a,Again,person,KR,,,,,\n"                       // 4: duplicate id
         "b,B,person,XX,,nosuch,,,\n"                     // 5: bad country, unknown group
         "c,C,project,KR,,,g1,,\n"                        // 6: persona of a group
         "d,D,person,KR,,,a,,13/06/2013\n"                // 7: persona_of on a person, bad begin
         "g2,Group Two,group,KR,,g3,,,\n"                 // 8 and 9: a cycle
         "g3,Group Three,group,KR,,g2,,,\n"
         "e,E,band,KR,,,,,\n";  // 10: bad kind
  std::ofstream(dir / "releases.csv") << "release_id,title,type,date,artists\n"
                                         "r1,R,album,2023-02-30,a\n"       // 2: bad date
                                         "r2,R2,mixtape,2023-01-01,zz\n";  // 3: type, artist
  std::ofstream(dir / "tracks.csv")
      << "track_id,isrc,title,release_id,duration_ms,primary,featured\n"
         "t1,,T,r9,abc,a,q\n"         // 2: release, duration, featured
         "t1,,T again,r1,1000,a,\n";  // 3: duplicate
  std::vector<CatalogIssue> issues;
  auto c = Catalog::Load(dir.string(), &issues);
  EXPECT_EQ(c.status().code(), StatusCode::kDataError);
  std::string all;
  for (const auto& i : issues) all += i.ToString() + "\n";
  for (const char* want :
       {"artists.csv:3: member_of 'g1@2020-01-01..2019-01-01' ends before it begins",
        "artists.csv:4: duplicate artist_id 'a'", "artists.csv:5: not a country code: 'XX'",
        "artists.csv:5: unknown group 'nosuch' in member_of",
        "artists.csv:6: persona_of 'g1' is not a person",
        "artists.csv:7: persona_of is only for a project", "artists.csv:7: begin is not a date",
        "membership cycle", "artists.csv:10: kind must be person, group or project",
        "releases.csv:2: date is not a date", "releases.csv:3: type must be single, ep or album",
        "releases.csv:3: unknown artist 'zz'", "tracks.csv:2: unknown release 'r9'",
        "tracks.csv:2: duration_ms is not a duration", "tracks.csv:2: unknown artist 'q'",
        "tracks.csv:3: duplicate track_id 't1'"}) {
    EXPECT_NE(all.find(want), std::string::npos) << "missing: " << want << "\nreported:\n" << all;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace encore

namespace encore {

// Credits as publishers print them, against the demo world (doc/catalog.md, credits and titles).
TEST(Catalog, CreditsAsPublishersPrintThem) {
  const Catalog c = Demo();
  // "Name (native name)": either name; an unknown name under both is not guessed.
  EXPECT_EQ(Ids(c.FindArtists("Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD)")),
            std::vector<std::string>{"jungkook"});
  EXPECT_EQ(Ids(c.FindArtists("JISOO (\xEC\xA7\x80\xEC\x88\x98)")), std::vector<std::string>{"jisoo"});
  EXPECT_EQ(Ids(c.FindArtists("\xEC\xA7\x80\xEC\x88\x98 (Kim Jisoo)")),
            std::vector<std::string>{"jisoo"});
  EXPECT_TRUE(c.FindArtists("Nobody (\xEC\xA7\x80\xEC\x88\x98)").empty());
  const Resolution seven =
      Resolve(c, "Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD) Featuring Latto - Seven");
  ASSERT_NE(seven.match, nullptr);
  EXPECT_EQ(seven.match->id, "jk-seven");
  // The catalog's names split credits: the longest known name at each split point.
  EXPECT_TRUE(c.KnowsName("jungkook"));
  EXPECT_FALSE(c.KnowsName("jung"));
  EXPECT_EQ(SplitCredit("Jung Kook, Latto", c.KnownNames()).primary,
            (std::vector<std::string>{"Jung Kook", "Latto"}));
  // Albums by their title without edition suffixes.
  const Resolution face = Resolve(c, "Jimin - FACE (EP)");
  ASSERT_EQ(face.releases.size(), 1u);
  EXPECT_EQ(face.releases[0]->id, "face");
  EXPECT_EQ(face.match, nullptr);
  const Resolution golden = Resolve(c, "Jung Kook - GOLDEN (Deluxe)");
  ASSERT_EQ(golden.releases.size(), 1u);
  EXPECT_EQ(golden.releases[0]->id, "golden");
  EXPECT_TRUE(Resolve(c, "Latto - FACE (EP)").releases.empty());  // not Latto's
}

}  // namespace encore
