// The catalog image: the same catalog back from its bytes, damaged bytes refused, and a store's
// image read only while it was made from catalog.sqlite as it is.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "encore/catalog.h"

namespace encore {
namespace {

std::string DemoDir() { return std::string(ENCORE_SOURCE_DIR) + "/catalog/demo"; }

Catalog Demo() {
  std::vector<CatalogIssue> issues;
  auto c = Catalog::Load(DemoDir(), &issues);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

std::string Dump(const std::optional<Day>& d) { return d ? std::to_string(*d) : "-"; }

// Everything a catalog answers, as text: two catalogs that print the same answer the same.
std::string Answers(const Catalog& c) {
  std::ostringstream o;
  for (const Artist& a : c.artists()) {
    o << "A " << a.id << '|' << a.name << '|' << ArtistKindName(a.kind) << '|' << a.country << '|'
      << a.persona_of << '|' << Dump(a.begin);
    for (const auto& x : a.aliases) o << "|al:" << x;
    for (const auto& x : a.tags) o << "|tag:" << x;
    for (const auto& m : a.member_of) o << "|m:" << m.group_id << Dump(m.from) << Dump(m.to);
    for (const Artist* f : c.FindArtists(a.name)) o << "|find:" << f->id;
    for (const auto& x : a.aliases) {
      for (const Artist* f : c.FindArtists(x)) o << "|find-alias:" << f->id;
    }
    o << '\n';
  }
  for (const Release& r : c.releases()) {
    o << "R " << r.id << '|' << r.title << '|' << ReleaseTypeName(r.type) << '|' << r.date;
    for (const auto& x : r.artists) o << '|' << x;
    o << '|' << (c.ReleaseById(r.id) == &r) << '\n';
  }
  for (size_t i = 0; i < c.tracks().size(); ++i) {
    const Track& t = c.tracks()[i];
    o << "T " << t.id << '|' << t.isrc << '|' << t.title << '|' << t.release_id << '|'
      << (t.duration_ms ? std::to_string(*t.duration_ms) : "-") << '|' << c.CreditOf(t) << '|'
      << c.SongKeyOf(t) << '|' << c.SongKeyAt(i) << '|' << (c.TrackById(t.id) == &t);
    if (!t.isrc.empty()) o << "|isrc:" << c.TrackById(t.isrc)->id;
    const Track* song = c.TrackById("song:" + c.SongKeyOf(t));
    o << "|song:" << (song ? song->id : "-") << '\n';
  }
  o << "digest " << c.Digest() << '\n';
  return o.str();
}

std::string TempDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("encore-image-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Exec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

}  // namespace

TEST(CatalogImage, GivesBackTheSameCatalog) {
  const Catalog c = Demo();
  ASSERT_FALSE(c.tracks().empty());
  const std::string image = c.ToImage();
  auto back = Catalog::FromImage(image);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Answers(*back), Answers(c));
  EXPECT_EQ(back->ToImage(), image);  // the same bytes, whatever order its tables were filled in
  // Track aliases added later go into the digest of either the same way.
  Catalog a = std::move(*back), b = Demo();
  const std::vector<std::pair<std::string, std::string>> aliases = {
      {"spotify:track:seven", c.tracks().front().id}};
  EXPECT_EQ(a.AddTrackAliases(aliases), 1u);
  EXPECT_EQ(b.AddTrackAliases(aliases), 1u);
  EXPECT_EQ(a.Digest(), b.Digest());
  EXPECT_NE(a.Digest(), c.Digest());
  EXPECT_EQ(a.TrackById("spotify:track:seven"), &a.tracks().front());
}

TEST(CatalogImage, DamagedBytesAreRefusedNeverMisread) {
  const std::string image = Demo().ToImage();
  // Every cut short: refused.
  for (size_t n = 0; n < image.size(); n += 1 + n / 64) {
    EXPECT_FALSE(Catalog::FromImage(std::string_view(image).substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(Catalog::FromImage(image + "x").ok());
  // Any byte changed: refused or read as some catalog, never a crash or a read past the end
  // (the sanitizer builds run this).
  for (size_t i = 0; i < image.size(); i += 1 + i / 256) {
    std::string bad = image;
    bad[i] = static_cast<char>(bad[i] ^ 0xff);
    (void)Catalog::FromImage(bad);
    bad[i] = '\x7f';
    (void)Catalog::FromImage(bad);
  }
}

TEST(CatalogImage, AStoreReadsItsImageOnlyWhileItMatchesTheRows) {
  const std::string store = TempDir("store");
  std::vector<CatalogIssue> issues;
  ASSERT_TRUE(ImportCatalog(DemoDir(), store, &issues).ok());
  const std::string image = store + "/catalog.sqlite.image";
  ASSERT_TRUE(std::filesystem::exists(image));
  EXPECT_TRUE(StoredCatalogImageIsCurrent(store));
  const std::string want = Answers(Demo());
  {
    auto c = LoadStoredCatalog(store);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(Answers(*c), want);
  }

  // The rows changed behind the image's back (another program, an older encore): the rows win.
  Exec(store + "/catalog.sqlite",
       "UPDATE artists SET row = json_set(row, '$.name', 'Renamed') WHERE id = 'jungkook'");
  EXPECT_FALSE(StoredCatalogImageIsCurrent(store));
  {
    auto c = LoadStoredCatalog(store);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->ArtistById("jungkook")->name, "Renamed");
    EXPECT_EQ(c->FindArtists("Renamed").size(), 1u);
  }
  // A writer's load keeps a new image of them; a reader's does not write.
  EXPECT_FALSE(StoredCatalogImageIsCurrent(store));
  ASSERT_TRUE(LoadStoredCatalog(store, /*keep_image=*/true).ok());
  EXPECT_TRUE(StoredCatalogImageIsCurrent(store));
  {
    auto c = LoadStoredCatalog(store);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->ArtistById("jungkook")->name, "Renamed");
  }

  // A damaged image (one byte, then cut short), or none: read from the rows.
  std::string bytes = ReadAll(image);
  for (const std::string& bad : {bytes.substr(0, bytes.size() / 2),
                                 bytes.substr(0, bytes.size() / 2) + "?" +
                                     bytes.substr(bytes.size() / 2 + 1)}) {
    std::ofstream(image, std::ios::binary | std::ios::trunc) << bad;
    EXPECT_FALSE(StoredCatalogImageIsCurrent(store));
    auto c = LoadStoredCatalog(store);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->ArtistById("jungkook")->name, "Renamed");
  }
  std::filesystem::remove(image);
  auto c = LoadStoredCatalog(store);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ArtistById("jungkook")->name, "Renamed");

  // A re-import puts back what changed and leaves a current image of the files.
  auto report = ImportCatalog(DemoDir(), store, &issues);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->artists.changed, 1u);
  EXPECT_EQ(report->artists.added + report->tracks.changed + report->releases.changed, 0u);
  EXPECT_TRUE(StoredCatalogImageIsCurrent(store));
  auto again = LoadStoredCatalog(store);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Answers(*again), want);
  std::filesystem::remove_all(store);
}

// A value that is not clean UTF-8 is stored with replacement characters: the image must be the
// catalog of the rows, not of the files, or commands would answer differently with and without it.
TEST(CatalogImage, ValuesStoredWithReplacementsAreImagedAsStored) {
  const std::string files = TempDir("files"), store = TempDir("dirty");
  std::filesystem::create_directories(files);
  std::ofstream(files + "/artists.csv")
      << "artist_id,name,kind,country,aliases,member_of,persona_of,tags,begin\n"
      << "bey,Beyonc\xe9,person,US,,,,,\n";
  std::ofstream(files + "/tracks.csv")
      << "track_id,isrc,title,release_id,duration_ms,primary,featured\nt1,,Halo,,,bey,\n";
  std::vector<CatalogIssue> issues;
  ASSERT_TRUE(ImportCatalog(files, store, &issues).ok());
  EXPECT_TRUE(StoredCatalogImageIsCurrent(store));
  auto with_image = LoadStoredCatalog(store);
  ASSERT_TRUE(with_image.ok());
  EXPECT_EQ(with_image->ArtistById("bey")->name, "Beyonc\xef\xbf\xbd");  // U+FFFD, as stored
  std::filesystem::remove(store + "/catalog.sqlite.image");
  auto from_rows = LoadStoredCatalog(store);
  ASSERT_TRUE(from_rows.ok());
  EXPECT_EQ(Answers(*with_image), Answers(*from_rows));
  std::filesystem::remove_all(files);
  std::filesystem::remove_all(store);
}

}  // namespace encore
