// The catalog's place in a store: DIR/catalog.sqlite, one table per catalog file, each row the
// file's columns as a JSON object keyed by the row's id, with its position in the file (seq) so
// that the order of the files (a release's track order) is kept. SQLite gives the all-or-nothing
// import.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "common/sqlite.h"
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
  // (id, row JSON text) of a table, in file order.
  Result<std::vector<std::pair<std::string, std::string>>> Rows(const std::string& table) {
    SqliteStmt st(db_.get(), ("SELECT id, row FROM " + table + " ORDER BY seq, id").c_str());
    if (!st.ok()) return Status::Corruption(db_.Error().message());
    std::vector<std::pair<std::string, std::string>> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) out.emplace_back(st.Text(0), st.Text(1));
    if (rc != SQLITE_DONE) return Status::Corruption(db_.Error().message());
    return out;
  }
  Status Put(const std::string& table, const std::string& id, int64_t seq, const std::string& row) {
    SqliteStmt st(db_.get(),
                  ("INSERT OR REPLACE INTO " + table + "(id, seq, row) VALUES(?, ?, ?)").c_str());
    st.Bind(1, id);
    st.Bind(2, seq);
    st.Bind(3, row);
    return st.ok() && st.Step() == SQLITE_DONE ? Status::Ok() : db_.Error();
  }
  Status Delete(const std::string& table, const std::string& id) {
    SqliteStmt st(db_.get(), ("DELETE FROM " + table + " WHERE id = ?").c_str());
    st.Bind(1, id);
    return st.ok() && st.Step() == SQLITE_DONE ? Status::Ok() : db_.Error();
  }

 private:
  SqliteDb db_;
};

std::string RowJson(const CatalogRow& r) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : r.values) j[k] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<CatalogRow>& TableOf(CatalogTables& t, size_t i) {
  return i == 0 ? t.artists : i == 1 ? t.releases : t.tracks;
}

}  // namespace

Result<CatalogImportReport> ImportCatalog(const std::string& catalog_dir,
                                          const std::string& store_dir,
                                          std::vector<CatalogIssue>* issues) {
  // Validate first: nothing is written unless the whole catalog is sound. The rows are kept as
  // read, every column included.
  CatalogTables tables;
  ENCORE_RETURN_IF_ERROR(Catalog::Load(catalog_dir, issues, &tables).status());
  std::error_code ec;
  std::filesystem::create_directories(store_dir, ec);
  Db db;
  ENCORE_RETURN_IF_ERROR(db.Open(store_dir + "/catalog.sqlite", true));
  ENCORE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  CatalogImportReport report;
  for (size_t i = 0; i < 3; ++i) {
    CatalogChanges& ch = i == 0 ? report.artists : i == 1 ? report.releases : report.tracks;
    auto old_rows = db.Rows(kTables[i]);
    if (!old_rows.ok()) {
      (void)db.Exec("ROLLBACK");
      return old_rows.status();
    }
    const std::map<std::string, std::string> old(old_rows->begin(), old_rows->end());
    std::map<std::string, std::string> seen;
    int64_t seq = 0;
    for (const CatalogRow& r : TableOf(tables, i)) {
      const std::string& id = r[kIdColumns[i]];
      const std::string row = RowJson(r);
      seen[id] = row;
      auto it = old.find(id);
      if (it == old.end())
        ++ch.added;
      else if (it->second != row)
        ++ch.changed;
      // Every row is written, so that its position follows the file even when it is unchanged.
      if (Status s = db.Put(kTables[i], id, seq++, row); !s.ok()) {
        (void)db.Exec("ROLLBACK");
        return s;
      }
    }
    for (const auto& [id, row] : old) {
      if (seen.count(id)) continue;
      ++ch.removed;
      if (Status s = db.Delete(kTables[i], id); !s.ok()) {
        (void)db.Exec("ROLLBACK");
        return s;
      }
    }
    ch.total = seen.size();
  }
  ENCORE_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return report;
}

Result<Catalog> LoadStoredCatalog(const std::string& store_dir) {
  CatalogTables tables;
  const std::string path = store_dir + "/catalog.sqlite";
  if (std::filesystem::exists(path)) {
    Db db;
    ENCORE_RETURN_IF_ERROR(db.Open(path, false));
    for (size_t i = 0; i < 3; ++i) {
      ENCORE_ASSIGN_OR_RETURN(auto rows, db.Rows(kTables[i]));
      for (const auto& [id, text] : rows) {
        CatalogRow r;
        try {
          const nlohmann::json parsed = nlohmann::json::parse(text);  // outlives the loop over it
          for (const auto& [k, v] : parsed.items()) r.values[k] = v.get<std::string>();
        } catch (const nlohmann::json::exception& e) {
          return Status::Corruption(path + ": bad row " + id + ": " + e.what());
        }
        TableOf(tables, i).push_back(std::move(r));
      }
    }
  }
  std::vector<CatalogIssue> issues;
  auto c = Catalog::Build(tables, &issues);
  if (!c.ok()) {
    return Status::Corruption(path + ": the stored catalog does not validate: " +
                              (issues.empty() ? c.status().message() : issues.front().ToString()));
  }
  return c;
}

}  // namespace encore
