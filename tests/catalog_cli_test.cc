// The catalog from the command line: import (all or nothing, with a change report), artist
// profiles, and name resolution that never merges an unknown name.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_util.h"

namespace encore::test {
namespace {


const std::string kDemo = std::string(ENCORE_SOURCE_DIR) + "/catalog/demo";

}  // namespace

TEST(CatalogCli, ImportIsAllOrNothingAndReportsChanges) {
  TempDir dir("catalog-cli");
  const std::string store = " --store " + Quote(dir / "s");
  RunResult r = RunEncore("catalog import " + Quote(kDemo) + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "artists       43  (43 added, 0 changed, 0 removed)")) << r.out;
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
  EXPECT_TRUE(Has(r.err, "tracks.csv:35: unknown release 'nosuchrelease'")) << r.err;
  EXPECT_TRUE(Has(r.err, "the catalog is unchanged")) << r.err;
  EXPECT_TRUE(Has(RunEncore("artist IU" + store).out, "IU (iu)"));  // still the old name

  // Fixed, it goes in, and the report names what changed.
  WriteText(dir / "c2/tracks.csv", ReadText(kDemo + "/tracks.csv"));
  r = RunEncore("catalog import " + Quote(dir / "c2") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "artists       42  (0 added, 1 changed, 1 removed)")) << r.out;
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
  // As Spotify prints it (every artist, lead first) and with the co-leads the other way round.
  r = RunEncore("resolve \"Jung Kook, Latto - Seven (feat. Latto) (Explicit Ver.)\"" + store);
  EXPECT_TRUE(Has(r.out, "jk-seven")) << r.out;
  r = RunEncore("resolve \"Justin Bieber & The Kid LAROI - STAY\" --format json" + store);
  EXPECT_TRUE(Has(r.out, "\"id\": \"laroi-stay\"")) << r.out;
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

// Plays of the demo world (`simulate --world`), counted in a store with the catalog: the ingest
// reports the tracks the catalog does not know, and profiles show stream totals that agree with
// the export of the counts (a separate code path).
TEST(CatalogCli, PlaysOfTheWorldAreMatchedAndTotalled) {
  TempDir dir("catalog-cli3");
  const std::string store = " --store " + Quote(dir / "s");
  const std::string plays = dir / "plays.csv";
  RunResult r = RunEncore(
      "simulate --plays 60000 --days 10 --start 2023-12-28 --world demo --out " + Quote(plays));
  ASSERT_EQ(r.code, 0) << r.err;
  // The world's tracks are played, never before their release date; the rest is the long tail.
  std::set<std::string> world_ids, played, unknown;
  {
    std::istringstream tracks(ReadText(kDemo + "/tracks.csv"));
    std::string line;
    std::getline(tracks, line);
    while (std::getline(tracks, line)) world_ids.insert(line.substr(0, line.find(',')));
  }
  std::istringstream in(ReadText(plays));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
    const std::string track = line.substr(b + 1, c - b - 1);
    // A track the ingest counts has a stream: a play of 30 s or more (shared spec §1).
    const size_t d = line.find(',', c + 1);
    if (std::stoll(line.substr(c + 1, d - c - 1)) >= 30000)
      (world_ids.count(track) ? played : unknown).insert(track);
    if (track == "jimin-closer-than-this") {
      EXPECT_GE(line.substr(0, 10), "2023-12-22") << line;
    }
  }
  EXPECT_TRUE(played.count("jk-seven"));
  EXPECT_TRUE(played.count("jimin-closer-than-this"));
  EXPECT_FALSE(played.count("jk-never-let-go"));  // released 2024-06-07
  EXPECT_FALSE(unknown.empty());

  ASSERT_EQ(RunEncore("catalog import " + Quote(kDemo) + store).code, 0);
  r = RunEncore("ingest --no-progress " + Quote(plays) + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "tracks " + std::to_string(played.size() + unknown.size()) +
                             ", not in the catalog " + std::to_string(unknown.size())))
      << r.out;

  // Streams per track from the export.
  std::map<std::string, int64_t> exported;
  r = RunEncore("export daily" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream ex(r.out);
  std::getline(ex, line);
  while (std::getline(ex, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    exported[f[2]] += std::stoll(f[3]);
  }
  r = RunEncore("artist jungkook --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  int64_t total = 0, seven = 0;
  for (const auto& t : j["tracks"]) {
    const std::string id = t["id"];
    if (!exported.count(id)) {
      EXPECT_FALSE(t.contains("streams")) << id;
      continue;
    }
    EXPECT_EQ(t["streams"].get<int64_t>(), exported[id]) << id;
    total += exported[id];
    if (id.rfind("jk-seven", 0) == 0 || id == "jk-golden-seven") seven += exported[id];
  }
  EXPECT_GT(total, 0);
  EXPECT_EQ(j["streams"].get<int64_t>(), total);
  // Every version of "Seven" (single, Weekday versions, the album's) in one song total.
  bool found = false;
  for (const auto& s : j["songs"]) {
    if (s["song"] != "Seven") continue;
    found = true;
    EXPECT_EQ(s["tracks"].size(), 6u);
    EXPECT_EQ(s["streams"].get<int64_t>(), seven);
  }
  EXPECT_TRUE(found) << r.out;

  // A release lists its tracks in the catalog's order (the tracklist), not sorted by id.
  r = RunEncore("release golden --format json" + store);
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> order;
  const auto golden = nlohmann::json::parse(r.out);
  for (const auto& t : golden["tracks"]) order.push_back(t["id"]);
  EXPECT_EQ(order, (std::vector<std::string>{"jk-golden-3d", "jk-closer-to-you", "jk-golden-seven",
                                             "jk-standing-next-to-you"}));
}

}  // namespace encore::test
