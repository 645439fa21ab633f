// RecordsUniverse over the demo catalog: every entity found back by its key, and each store
// track's extras (song, release, credited artists) as the catalog says, worked out here directly.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "encore/catalog.h"
#include "encore/records.h"

namespace encore {
namespace {

Catalog Demo() {
  std::vector<CatalogIssue> issues;
  auto c = Catalog::Load(std::string(ENCORE_SOURCE_DIR) + "/catalog/demo", &issues);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

}  // namespace

TEST(RecordsUniverse, KeysFindTheirEntitiesAndExtrasFollowTheCatalog) {
  const Catalog c = Demo();
  std::vector<std::string> store_tracks;
  for (const Track& t : c.tracks()) store_tracks.push_back(t.id);
  store_tracks.push_back("not-in-the-catalog");
  if (!c.tracks().empty() && !c.tracks()[0].isrc.empty()) store_tracks.push_back(c.tracks()[0].isrc);
  const RecordsUniverse u = RecordsUniverse::Build(store_tracks, &c, RecordsSettings{});

  std::vector<std::string> keys;
  for (uint32_t e = 0; e < u.size(); ++e) keys.push_back(u.Key(e));
  keys.push_back("artist:nobody");
  keys.push_back("track#99999999");
  keys.push_back("track#1x");
  keys.push_back("planet:earth");
  keys.push_back("song");
  const std::vector<std::string_view> views(keys.begin(), keys.end());
  const auto found = u.FindKeys(views);
  ASSERT_EQ(found.size(), keys.size());
  for (uint32_t e = 0; e < u.size(); ++e) {
    ASSERT_TRUE(found[e]) << keys[e];
    EXPECT_EQ(*found[e], e) << keys[e];
    EXPECT_EQ(u.Key(*found[e]), keys[e]);
    if (e >= u.store_tracks()) {
      EXPECT_EQ(u.Find(u.kind(e), u.Describe(e).id), e) << keys[e];
    }
  }
  for (size_t i = u.size(); i < keys.size(); ++i) EXPECT_FALSE(found[i]) << keys[i];

  // Each catalog track's extras: its song, its release and its credited artists.
  for (uint32_t t = 0; t < c.tracks().size(); ++t) {
    const Track& ct = c.tracks()[t];
    std::set<std::string> want = {"song:" + c.SongKeyOf(ct)};
    if (c.ReleaseById(ct.release_id)) want.insert("release:" + ct.release_id);
    for (const auto& id : ct.primary) want.insert("artist:" + id);
    for (const auto& id : ct.featured) want.insert("artist:" + id);
    std::set<std::string> got;
    for (const uint32_t* x = u.ExtrasBegin(t); x != u.ExtrasEnd(t); ++x) got.insert(u.Key(*x));
    EXPECT_EQ(got, want) << ct.id;
    EXPECT_EQ(u.TrackEntity(t), t);
  }
  // A track known by its ISRC counts for the catalog track's entity; an unknown one for itself.
  const auto unknown = static_cast<uint32_t>(c.tracks().size());
  EXPECT_EQ(u.TrackEntity(unknown), unknown);
  EXPECT_EQ(u.ExtrasBegin(unknown), u.ExtrasEnd(unknown));
  if (store_tracks.size() > c.tracks().size() + 1) {
    EXPECT_EQ(u.TrackEntity(unknown + 1), 0u);
  }
}

}  // namespace encore
