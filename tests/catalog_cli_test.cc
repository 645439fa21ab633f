// The catalog from the command line: import (all or nothing, with a change report), artist
// profiles, and name resolution that never merges an unknown name.
#include <gtest/gtest.h>

#include "test_util.h"

namespace encore::test {
namespace {

bool Has(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

const std::string kDemo = std::string(ENCORE_SOURCE_DIR) + "/catalog/demo";

}  // namespace

TEST(CatalogCli, ImportIsAllOrNothingAndReportsChanges) {
  TempDir dir("catalog-cli");
  const std::string store = " --store " + Quote(dir / "s");
  RunResult r = RunEncore("catalog import " + Quote(kDemo) + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "artists       41  (41 added, 0 changed, 0 removed)")) << r.out;
  r = RunEncore("catalog import " + Quote(kDemo) + store);
  EXPECT_TRUE(Has(r.out, "(0 added, 0 changed, 0 removed)")) << r.out;

  // A copy with one artist renamed, one removed, and a broken track: rejected whole.
  std::filesystem::create_directories(dir / "c2");
  std::string artists = ReadText(kDemo + "/artists.csv");
  artists.replace(artists.find("iu,IU,"), 6, "iu,IU!,");
  artists.erase(artists.find("arijitsingh,"));
  WriteText(dir / "c2/artists.csv", artists);
  WriteText(dir / "c2/releases.csv", ReadText(kDemo + "/releases.csv"));
  WriteText(dir / "c2/tracks.csv",
            ReadText(kDemo + "/tracks.csv") + "bad-track,,Song,nosuchrelease,,jungkook,\n");
  r = RunEncore("catalog import " + Quote(dir / "c2") + store);
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(Has(r.err, "tracks.csv:27: unknown release 'nosuchrelease'")) << r.err;
  EXPECT_TRUE(Has(r.err, "the catalog is unchanged")) << r.err;
  EXPECT_TRUE(Has(RunEncore("artist IU" + store).out, "IU (iu)"));  // still the old name

  // Fixed, it goes in, and the report names what changed.
  WriteText(dir / "c2/tracks.csv", ReadText(kDemo + "/tracks.csv"));
  r = RunEncore("catalog import " + Quote(dir / "c2") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "artists       40  (0 added, 1 changed, 1 removed)")) << r.out;
}

TEST(CatalogCli, ArtistProfilesAndResolution) {
  TempDir dir("catalog-cli2");
  const std::string store = " --store " + Quote(dir / "s");
  ASSERT_EQ(RunEncore("catalog import " + Quote(kDemo) + store).code, 0);
  RunResult r = RunEncore("artist jungkook" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Jung Kook (jungkook): person from KR (Asia), debut 2013-06-13")) << r.out;
  EXPECT_TRUE(Has(r.out, "member of: BTS (2013-06-13..)"));
  EXPECT_TRUE(Has(r.out, "2023-11-03  album  GOLDEN"));
  r = RunEncore("artist \"Agust D\" --format json" + store);
  EXPECT_TRUE(Has(r.out, "\"persona_of\": \"suga\"")) << r.out;
  EXPECT_TRUE(Has(RunEncore("artist SUGA" + store).out, "persona: Agust D"));
  const std::string bts = RunEncore("artist BTS" + store).out;
  for (const char* m : {"RM", "Jin", "SUGA", "j-hope", "Jimin", "V", "Jung Kook"}) {
    EXPECT_TRUE(Has(bts.substr(bts.find("members: ")), m)) << m << "\n" << bts;
  }
  EXPECT_FALSE(Has(bts, "Agust D"));  // a persona is not a member
  EXPECT_EQ(RunEncore("artist Nobody" + store).code, 4);

  r = RunEncore("resolve \"Jung Kook - Seven (Band Ver.)\" --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "\"id\": \"jk-seven-band\"")) << r.out;
  EXPECT_TRUE(Has(r.out, "\"version_kind\": \"band\""));
  // Tracks and releases, by id, "Artist - Title" or title.
  r = RunEncore("track \"Seven (Band Ver.)\"" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "Seven (feat. Latto) (Band Ver.) (jk-seven-band)")) << r.out;
  EXPECT_TRUE(Has(r.out, "by Jung Kook, featuring Latto (solo)"));
  EXPECT_TRUE(Has(r.out, "other version: Seven (feat. Latto) (Clean Ver.) (jk-seven-clean)"));
  EXPECT_TRUE(Has(RunEncore("track \"Agust D - Haegeum\" --format json" + store).out,
                  "\"id\": \"agustd-haegeum\""));
  r = RunEncore("release golden" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "GOLDEN (golden): album by Jung Kook, 2023-11-03")) << r.out;
  EXPECT_TRUE(Has(r.out, "Seven (feat. Latto) (Explicit Ver.)"));
  EXPECT_EQ(RunEncore("release \"No Such Album\"" + store).code, 4);
  EXPECT_EQ(RunEncore("track \"No Such Song\"" + store).code, 4);

  // Unknown artist or song: reported, never matched to something else.
  r = RunEncore("resolve \"Jung Kok - Seven\"" + store);
  EXPECT_EQ(r.code, 4);
  EXPECT_TRUE(Has(r.out, "unknown:  'Jung Kok'")) << r.out;
  r = RunEncore("resolve \"Jung Kook - Sevens\"" + store);
  EXPECT_EQ(r.code, 4);
  EXPECT_TRUE(Has(r.out, "versions of this song in the catalog: 0")) << r.out;
}

}  // namespace encore::test
