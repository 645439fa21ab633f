// The catalog's place in a store: DIR/catalog.sqlite, one table per catalog file, each row the
// file's columns as a JSON object keyed by the row's id, with its position in the file (seq) so
// that the order of the files (a release's track order) is kept. SQLite gives the all-or-nothing
// import.
//
// Beside it, DIR/catalog.sqlite.image: the built catalog (Catalog::ToImage) with the XXH3-128 of
// the catalog.sqlite bytes it was built from. Loading reads the image when that hash still
// matches, and the rows otherwise: a stale, damaged or missing image costs time, never a wrong
// catalog (doc/formats/catalog-image.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <nlohmann/json.hpp>

#include "common/file_system.h"
#include "common/hash.h"
#include "common/sqlite.h"
#include "common/text.h"
#include "common/varint.h"
#include "encore/catalog.h"

namespace encore {
namespace {

constexpr const char* kTables[] = {"artists", "releases", "tracks"};
constexpr const char* kIdColumns[] = {"artist_id", "release_id", "track_id"};

// The catalog's tables over the common SQLite layer.
class Db {
 public:
  Status Open(const std::string& path, bool create) {
    ENCORE_RETURN_IF_ERROR(db_.Open(path, create, ""));
    for (const char* table : kTables) {
      const std::string t = table;
      ENCORE_RETURN_IF_ERROR(
          Exec("CREATE TABLE IF NOT EXISTS " + t +
               "(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, row TEXT NOT NULL)"));
      // Catalogs stored before the order was kept have no seq column: add it (order then by id).
      if (!SqliteStmt(db_.get(), ("SELECT seq FROM " + t).c_str()).ok())
        ENCORE_RETURN_IF_ERROR(
            Exec("ALTER TABLE " + t + " ADD COLUMN seq INTEGER NOT NULL DEFAULT 0"));
    }
    return Status::Ok();
  }
  Status Exec(const std::string& sql) { return db_.Exec(sql); }
  // Inside a BEGIN: takes the read lock now (SQLite takes it at the first read).
  Status Lock() {
    SqliteStmt st(db_.get(), "SELECT count(*) FROM sqlite_master");
    return st.ok() && st.Step() == SQLITE_ROW ? Status::Ok() : db_.Error();
  }
  // (id, row JSON text) of a table, in file order.
  Result<std::vector<std::pair<std::string, std::string>>> Rows(const std::string& table) {
    std::vector<std::pair<std::string, std::string>> out;
    ENCORE_RETURN_IF_ERROR(Scan(table, [&](std::string id, int64_t, std::string row) {
      out.emplace_back(std::move(id), std::move(row));
    }));
    return out;
  }
  // Calls f(id, seq, row JSON text) for each row of a table, in file order.
  template <typename F>
  Status Scan(const std::string& table, F&& f) {
    SqliteStmt st(db_.get(), ("SELECT id, seq, row FROM " + table + " ORDER BY seq, id").c_str());
    if (!st.ok()) return Status::Corruption(db_.Error().message());
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) f(st.Text(0), st.Int(1), st.Text(2));
    if (rc != SQLITE_DONE) return Status::Corruption(db_.Error().message());
    return Status::Ok();
  }
  // Writes and deletes of one table's rows, each statement prepared once.
  class Writer {
   public:
    Writer(SqliteDb& db, const std::string& table)
        : db_(db),
          put_(db.get(),
               ("INSERT OR REPLACE INTO " + table + "(id, seq, row) VALUES(?, ?, ?)").c_str()),
          delete_(db.get(), ("DELETE FROM " + table + " WHERE id = ?").c_str()) {}
    Status Put(const std::string& id, int64_t seq, const std::string& row) {
      if (!put_.ok()) return db_.Error();
      put_.Bind(1, id);
      put_.Bind(2, seq);
      put_.Bind(3, row);
      return put_.Run() ? Status::Ok() : db_.Error();
    }
    Status Delete(const std::string& id) {
      if (!delete_.ok()) return db_.Error();
      delete_.Bind(1, id);
      return delete_.Run() ? Status::Ok() : db_.Error();
    }

   private:
    SqliteDb& db_;
    SqliteStmt put_, delete_;
  };
  std::unique_ptr<Writer> WriterOf(const std::string& table) {
    return std::make_unique<Writer>(db_, table);
  }

 private:
  SqliteDb db_;
};

std::string RowJson(const CatalogRow& r) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; r.columns && i < r.columns->size() && i < r.values.size(); ++i)
    j[(*r.columns)[i]] = r.values[i];
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<CatalogRow>& TableOf(CatalogTables& t, size_t i) {
  return i == 0 ? t.artists : i == 1 ? t.releases : t.tracks;
}

// The magic names the version of what the image derives from the rows (song keys, normalised
// names, the digest: catalog/names.cc, Catalog::Derive). Whoever changes what those return
// changes the version here, so that images of an older derivation are read from the rows again.
constexpr std::string_view kImageMagic = "encore catalog image 1 derivation 1\n";
// magic, catalog.sqlite's size, its XXH3-128 (32 hex digits), the body's size.
constexpr size_t kImageHeader = kImageMagic.size() + 8 + 32 + 8;

// A file's size and XXH3-128 (Fingerprinter::Hex).
struct FileHash {
  uint64_t size = 0;
  std::string hex;
};

// The hash of a file's bytes, read with pread (a file that shrinks as it is read gives a hash of
// what was read, which then matches nothing); nullopt when it cannot be read.
std::optional<FileHash> HashOfFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Fingerprinter fp;
  std::string buffer(1 << 20, '\0');
  FileHash out;
  bool ok = true;
  for (;;) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(out.size));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    fp.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    out.size += static_cast<uint64_t>(n);
  }
  ::close(fd);
  if (!ok || out.size == 0) return std::nullopt;
  out.hex = fp.Hex();
  return out;
}

// SQLite's file change counter (offset 24 of the header, big-endian): in rollback-journal mode,
// every transaction that changes the file adds one. nullopt when the header cannot be read.
std::optional<uint32_t> ChangeCounter(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  unsigned char b[4];
  const ssize_t n = ::pread(fd, b, 4, 24);
  ::close(fd);
  if (n != 4) return std::nullopt;
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

std::string ImagePath(const std::string& store_dir) { return store_dir + "/catalog.sqlite.image"; }

// The image of `catalog`, built from catalog.sqlite whose bytes had `rows` (taken while those
// rows could not change), replacing any other: written to a new file, synced, renamed over.
// Best effort: the image is a cache of the rows.
Status KeepImage(const std::string& store_dir, const Catalog& catalog, const FileHash& rows) {
  const std::string body = catalog.ToImage();
  std::string file(kImageMagic);
  PutFixed64(&file, rows.size);
  file += rows.hex;
  PutFixed64(&file, body.size());
  file += body;
  PutFixed64(&file, XXH3_64bits(file.data(), file.size()));
  const std::string path = ImagePath(store_dir);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  FileSystem* fs = PosixFileSystem();
  Status s = fs->WriteFile(tmp, file, true);
  if (s.ok()) s = fs->Rename(tmp, path);
  if (!s.ok()) {
    (void)fs->Remove(tmp);
    return s;
  }
  return fs->SyncDir(store_dir);
}

// The image file, when it is whole and made from catalog.sqlite as it is.
std::optional<std::string> CurrentImage(const std::string& store_dir) {
  auto bytes = PosixFileSystem()->ReadFile(ImagePath(store_dir));
  if (!bytes.ok() || bytes->size() < kImageHeader + 8 ||
      std::string_view(*bytes).substr(0, kImageMagic.size()) != kImageMagic) {
    return std::nullopt;
  }
  const char* p = bytes->data() + kImageMagic.size();
  const uint64_t size = GetFixed64(p), body = GetFixed64(p + 8 + 32);
  if (body != bytes->size() - kImageHeader - 8) return std::nullopt;
  const size_t sum_at = bytes->size() - 8;
  if (XXH3_64bits(bytes->data(), sum_at) != GetFixed64(bytes->data() + sum_at)) return std::nullopt;
  const auto hash = HashOfFile(store_dir + "/catalog.sqlite");
  if (!hash || hash->size != size || hash->hex != std::string_view(p + 8, 32)) return std::nullopt;
  return std::move(*bytes);
}

// The body of an image file CurrentImage gave.
std::string_view ImageBody(const std::string& file) {
  return std::string_view(file).substr(kImageHeader, file.size() - kImageHeader - 8);
}

std::optional<Catalog> ReadImage(const std::string& store_dir) {
  const auto file = CurrentImage(store_dir);
  if (!file) return std::nullopt;
  auto c = Catalog::FromImage(ImageBody(*file));
  if (!c.ok()) return std::nullopt;
  return std::move(*c);
}

}  // namespace

Result<CatalogImportReport> ImportCatalog(const std::string& catalog_dir,
                                          const std::string& store_dir,
                                          std::vector<CatalogIssue>* issues) {
  // Validate first: nothing is written unless the whole catalog is sound. The rows are kept as
  // read, every column included.
  CatalogTables tables;
  ENCORE_ASSIGN_OR_RETURN(const Catalog catalog, Catalog::Load(catalog_dir, issues, &tables));
  std::error_code ec;
  std::filesystem::create_directories(store_dir, ec);
  Db db;
  ENCORE_RETURN_IF_ERROR(db.Open(store_dir + "/catalog.sqlite", true));
  ENCORE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  // Under the write lock: the file as the last commit left it.
  const std::string path = store_dir + "/catalog.sqlite";
  const std::optional<uint32_t> counter = ChangeCounter(path);
  bool wrote = false;
  CatalogImportReport report;
  for (size_t i = 0; i < 3; ++i) {
    CatalogChanges& ch = i == 0 ? report.artists : i == 1 ? report.releases : report.tracks;
    // The rows kept now: (seq, row text) by id.
    std::unordered_map<std::string, std::pair<int64_t, std::string>> old;
    if (Status s = db.Scan(kTables[i],
                           [&](std::string id, int64_t seq, std::string row) {
                             old.emplace(std::move(id), std::make_pair(seq, std::move(row)));
                           });
        !s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s;
    }
    const auto writer = db.WriterOf(kTables[i]);
    std::unordered_set<std::string> seen;
    int64_t seq = 0;
    for (const CatalogRow& r : TableOf(tables, i)) {
      const std::string& id = r[kIdColumns[i]];
      const std::string row = RowJson(r);
      seen.insert(id);
      auto it = old.find(id);
      if (it == old.end())
        ++ch.added;
      else if (it->second.second != row)
        ++ch.changed;
      // A row is written unless it is kept as it is, in the same place: its position follows
      // the file even when it is unchanged.
      const int64_t at = seq++;
      if (it != old.end() && it->second.first == at && it->second.second == row) continue;
      wrote = true;
      if (Status s = writer->Put(id, at, row); !s.ok()) {
        (void)db.Exec("ROLLBACK");
        return s;
      }
    }
    for (const auto& [id, kept] : old) {
      if (seen.count(id)) continue;
      ++ch.removed;
      wrote = true;
      if (Status s = writer->Delete(id); !s.ok()) {
        (void)db.Exec("ROLLBACK");
        return s;
      }
    }
    ch.total = seen.size();
  }
  ENCORE_RETURN_IF_ERROR(db.Exec("COMMIT"));
  // The image, of exactly the bytes this commit left: read under a read lock, and only when the
  // change counter says no other commit came between (else the next writer's load makes it).
  // Values that are not clean UTF-8 are stored with replacements (RowJson): the catalog of the
  // files is then not the catalog of the rows, and the image is made from the rows instead.
  // The rows are what counts; an image that cannot be written leaves loads to read them.
  bool clean = true;
  for (size_t i = 0; i < 3 && clean; ++i) {
    for (const CatalogRow& r : TableOf(tables, i)) {
      clean = std::all_of(r.values.begin(), r.values.end(),
                          [](const std::string& v) { return CleanText(v); });
      if (!clean) break;
    }
  }
  if (!clean) {
    (void)LoadStoredCatalog(store_dir, /*keep_image=*/true);
  } else if (counter && db.Exec("BEGIN").ok()) {
    std::optional<FileHash> hash;
    if (db.Lock().ok() && ChangeCounter(path) == *counter + (wrote ? 1 : 0)) hash = HashOfFile(path);
    (void)db.Exec("COMMIT");
    if (hash) (void)KeepImage(store_dir, catalog, *hash);
  }
  return report;
}

bool StoredCatalogImageIsCurrent(const std::string& store_dir) {
  const auto file = CurrentImage(store_dir);
  return file && Catalog::FromImage(ImageBody(*file)).ok();
}

Result<Catalog> LoadStoredCatalog(const std::string& store_dir, bool keep_image) {
  CatalogTables tables;
  const std::string path = store_dir + "/catalog.sqlite";
  const bool stored = std::filesystem::exists(path);
  if (stored) {
    if (auto c = ReadImage(store_dir)) return std::move(*c);
  }
  std::optional<FileHash> hash;  // of the bytes the rows were read from
  if (stored) {
    Db db;
    ENCORE_RETURN_IF_ERROR(db.Open(path, false));
    // One read transaction: no commit can come between the rows and the hash of their file.
    ENCORE_RETURN_IF_ERROR(db.Exec("BEGIN"));
    ENCORE_RETURN_IF_ERROR(db.Lock());
    std::vector<std::string> names;
    std::shared_ptr<const std::vector<std::string>> columns;
    for (size_t i = 0; i < 3; ++i) {
      ENCORE_ASSIGN_OR_RETURN(auto rows, db.Rows(kTables[i]));
      for (const auto& [id, text] : rows) {
        CatalogRow r;
        try {
          const nlohmann::json parsed = nlohmann::json::parse(text);  // outlives the loop over it
          names.clear();
          for (const auto& [k, v] : parsed.items()) {
            names.push_back(k);
            r.values.push_back(v.get<std::string>());
          }
          // Rows of one file share their columns.
          if (!columns || *columns != names)
            columns = std::make_shared<const std::vector<std::string>>(names);
          r.columns = columns;
        } catch (const nlohmann::json::exception& e) {
          return Status::Corruption(path + ": bad row " + id + ": " + e.what());
        }
        TableOf(tables, i).push_back(std::move(r));
      }
    }
    if (keep_image) hash = HashOfFile(path);
    (void)db.Exec("COMMIT");
  }
  std::vector<CatalogIssue> issues;
  auto c = Catalog::Build(tables, &issues);
  if (!c.ok()) {
    return Status::Corruption(path + ": the stored catalog does not validate: " +
                              (issues.empty() ? c.status().message() : issues.front().ToString()));
  }
  if (hash) (void)KeepImage(store_dir, *c, *hash);
  return c;
}

}  // namespace encore
