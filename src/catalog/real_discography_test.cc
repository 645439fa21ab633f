// The real BTS discographies (../shared/data/catalog/*_v14.csv) converted into catalog files
// inside the test, imported, and asked what the issue asks: the versions of "Seven" are one song
// with their version kinds, Agust D's tracks belong to SUGA's persona, featured artists are
// credited as featured.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "catalog/names.h"
#include "common/csv_scanner.h"
#include "encore/catalog.h"
#include "shared_data.h"

namespace encore {
namespace {

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Converts the eight discographies into artists.csv, releases.csv and tracks.csv in `out`.
void Convert(const std::filesystem::path& in, const std::filesystem::path& out) {
  // The people and the group, as the files name them; SUGA's solo releases here are all Agust D's.
  const std::map<std::string, std::string> ids = {
      {"BTS", "bts"},      {"RM", "rm"},       {"JIN", "jin"}, {"SUGA", "suga"},
      {"J-HOPE", "jhope"}, {"JIMIN", "jimin"}, {"V", "v"},     {"JUNGKOOK", "jungkook"}};
  std::ostringstream artists, releases, tracks;
  artists
      << "artist_id,name,kind,country,aliases,member_of,persona_of,tags,begin\n"
      << "bts,BTS,group,KR,Bangtan Boys,,,k-pop,2013-06-13\n"
      << "rm,RM,person,KR,,bts@2013-06-13..,,k-pop,\njin,Jin,person,KR,,bts@2013-06-13..,,k-pop,\n"
      << "suga,SUGA,person,KR,,bts@2013-06-13..,,k-pop,\njhope,j-hope,person,KR,J-HOPE,bts@2013-06-"
         "13..,,k-pop,\n"
      << "jimin,Jimin,person,KR,,bts@2013-06-13..,,k-pop,\nv,V,person,KR,,bts@2013-06-13..,,k-pop,"
         "\n"
      << "jungkook,Jung Kook,person,KR,JUNGKOOK;Jungkook,bts@2013-06-13..,,k-pop,\n"
      << "agustd,Agust D,project,KR,,,suga,k-pop,2016-08-16\n";
  releases << "release_id,title,type,date,artists\n";
  tracks << "track_id,isrc,title,release_id,duration_ms,primary,featured\n";
  std::map<std::string, std::string> featured_ids;  // name -> id
  std::map<std::string, int> release_tracks;
  std::map<std::string, std::string> release_line;
  for (const char* file : {"bts", "rm", "jin", "suga", "jhope", "jimin", "v", "jungkook"}) {
    const std::string owner = file;
    std::vector<CatalogRow> rows;
    std::vector<CatalogIssue> ignored;
    ASSERT_TRUE(Catalog::ReadTable((in / (owner + "_v14.csv")).string(), &rows, &ignored));
    for (const auto& row : rows) {
      auto map_artist = [&](const std::string& name) {
        const std::string id = ids.count(name) ? ids.at(name) : "";
        return owner == "suga" && id == "suga" ? std::string("agustd") : id;
      };
      std::string primary;
      std::string performed = row["performed_by"];
      for (char& c : performed) c = c == ':' ? ';' : c;
      std::stringstream ps(performed);
      for (std::string name; std::getline(ps, name, ';');) {
        while (!name.empty() && name.front() == ' ') name.erase(0, 1);
        if (const std::string id = map_artist(name); !id.empty())
          primary += (primary.empty() ? "" : ";") + id;
      }
      if (primary.empty()) primary = owner == "suga" ? "agustd" : owner;  // instrumentals
      std::string featured;
      for (const auto& name : SplitCredit(row["featured"]).primary) {
        std::string& id = featured_ids[name];
        if (id.empty()) id = "f-" + NormalizeName(name) + "-" + std::to_string(featured_ids.size());
        featured += (featured.empty() ? "" : ";") + id;
      }
      const std::string release =
          owner + "-" + NormalizeName(row["album_title"]) + "-" + row["album_rd"];
      if (!release_line.count(release)) {
        release_line[release] = release + "," + Csv(row["album_title"]) + ",TYPE," +
                                row["album_rd"] + "," + (owner == "suga" ? "agustd" : owner) + "\n";
      }
      ++release_tracks[release];
      tracks << row["id"] << ",," << Csv(row["track_title"]) << "," << release << ","
             << row["spotify_track_duration_ms"] << "," << primary << "," << featured << "\n";
    }
  }
  for (const auto& [id, line] : release_line) {
    const int n = release_tracks[id];
    std::string l = line;
    l.replace(l.find("TYPE"), 4, n <= 3 ? "single" : n <= 7 ? "ep" : "album");
    releases << l;
  }
  for (const auto& [name, id] : featured_ids)
    artists << id << "," << Csv(name) << ",person,ZZ,,,,,\n";
  std::ofstream(out / "artists.csv") << artists.str();
  std::ofstream(out / "releases.csv") << releases.str();
  std::ofstream(out / "tracks.csv") << tracks.str();
}

}  // namespace

TEST(RealDiscography, ImportsAndAnswers) {
  ENCORE_REQUIRE_SHARED_DATA(in, "catalog");
  const auto out =
      std::filesystem::temp_directory_path() / ("encore-discography-" + std::to_string(::getpid()));
  std::filesystem::create_directories(out);
  Convert(in, out);
  std::vector<CatalogIssue> issues;
  auto loaded = Catalog::Load(out.string(), &issues);
  for (const auto& i : issues) ADD_FAILURE() << i.ToString();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Catalog& c = *loaded;
  EXPECT_GT(c.tracks().size(), 780u);

  // The versions of "Seven" are one song, with their version kinds.
  std::set<std::string> kinds;
  size_t sevens = 0;
  const Resolution seven = Resolve(c, "Jungkook feat. Latto - Seven (Explicit Ver.)");
  ASSERT_NE(seven.match, nullptr);
  for (const Track* t : seven.versions) {
    EXPECT_EQ(ParseTitle(t->title).base, "Seven") << t->title;
    kinds.insert(std::string(VersionKindName(ParseTitle(t->title).kind)));
    ++sevens;
  }
  EXPECT_GE(sevens, 10u);
  for (const char* k : {"explicit", "clean", "instrumental", "remix", "band"})
    EXPECT_TRUE(kinds.count(k)) << k;
  const Resolution band = Resolve(c, "JUNG KOOK - Seven (Band Ver.)");
  ASSERT_NE(band.match, nullptr);
  EXPECT_EQ(band.match->title, "Seven (feat. Latto) (Band Ver.)");

  // Agust D's tracks belong to SUGA's persona, and roll up to SUGA and so to BTS's member.
  const auto agustd = c.FindArtists("Agust D");
  ASSERT_EQ(agustd.size(), 1u);
  const auto persona_tracks = c.TracksOf(*agustd[0], false);
  EXPECT_GE(persona_tracks.size(), 25u);
  for (const Track* t : c.TracksOf(*c.ArtistById("suga"), false)) {
    EXPECT_NE(t->id.rfind("SUGA-", 0), 0u) << t->id;  // SUGA himself: only BTS unit songs
  }
  EXPECT_EQ(c.Person(*agustd[0])->id, "suga");
  EXPECT_EQ(c.GroupsOf(*c.Person(*agustd[0]), DayFromCivil(2023, 4, 21))[0]->id, "bts");
  for (const Track* t : persona_tracks) EXPECT_TRUE(c.IsSolo(*t)) << t->title;

  // Featured artists are credited as featured, not as primary.
  const auto latto = c.FindArtists("Latto");
  ASSERT_EQ(latto.size(), 1u);
  EXPECT_GE(c.TracksOf(*latto[0], true).size(), 8u);
  EXPECT_TRUE(c.TracksOf(*latto[0], false).empty());
  EXPECT_TRUE(c.IsSolo(*c.TrackById("JUNGKOOK-5")));
  const auto group_tracks = c.TracksOf(*c.ArtistById("bts"), false);
  ASSERT_GT(group_tracks.size(), 250u);
  for (const Track* t : group_tracks) EXPECT_FALSE(c.IsSolo(*t)) << t->id;
  std::filesystem::remove_all(out);
}

// The Billboard 200 prints albums with edition suffixes ("FACE (EP)"); each BTS member's album
// on it resolves to the release of the real discography. Spot fact of ../shared/data/README.md:
// Jimin's "FACE" is No. 2 on the Billboard 200 dated 2023-04-08.
TEST(RealDiscography, Billboard200AlbumsResolveToTheirRelease) {
  ENCORE_REQUIRE_SHARED_DATA(in, "catalog");
  ENCORE_REQUIRE_SHARED_DATA(b200, "billboard-200/2021-2026");
  const auto out =
      std::filesystem::temp_directory_path() / ("encore-b200-" + std::to_string(::getpid()));
  std::filesystem::create_directories(out);
  Convert(in, out);
  std::vector<CatalogIssue> issues;
  auto loaded = Catalog::Load(out.string(), &issues);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Catalog& c = *loaded;
  std::map<std::string, std::string> resolved;  // "performer - title" -> release title or ""
  std::string face;
  for (const auto& f : std::filesystem::recursive_directory_iterator(b200)) {
    if (f.path().extension() != ".csv") continue;
    std::vector<CatalogRow> rows;
    std::vector<CatalogIssue> ignored;
    ASSERT_TRUE(Catalog::ReadTable(f.path().string(), &rows, &ignored));
    for (const auto& row : rows) {
      const std::string& who = row["performer"];
      const auto artists = c.FindArtists(who);  // BTS and its members (not featured guests)
      if (artists.size() != 1 || artists[0]->id.rfind("f-", 0) == 0) continue;
      const std::string q = who + " - " + row["title"];
      const Resolution r = Resolve(c, q);
      resolved[q] = r.releases.empty() ? "" : r.releases[0]->title;
      if (row["chart_week"] == "2023-04-08" && row["current_week"] == "2" && !r.releases.empty())
        face = r.releases[0]->title;
    }
  }
  size_t found = 0;
  std::string list;
  for (const auto& [q, title] : resolved) {
    found += !title.empty();
    list += "\n  " + q + " -> " + (title.empty() ? "(no release in the catalog)" : title);
  }
  std::printf("Billboard 200 albums by BTS and its members: %zu, resolved to a release: %zu%s\n",
              resolved.size(), found, list.c_str());
  EXPECT_EQ(face, "FACE");
  EXPECT_EQ(resolved["Jimin - FACE (EP)"], "FACE");
  EXPECT_EQ(resolved["V - Layover (EP)"], "Layover");
  EXPECT_EQ(resolved["j-hope - Jack In The Box"], "Jack In The Box");
  EXPECT_GE(found, 15u);  // of 20: the others are not in the file, or under another title
  std::filesystem::remove_all(out);
}

}  // namespace encore
