// Store feed snapshots and lists of No. 1s kept in a store directory: DIR/feeds.sqlite. One SQLite
// transaction per imported file; a file is imported once (by the XXH3-128 of its content), and a
// snapshot once (by its store, kind, genre, country and time, and the XXH3-128 of its entries).
#include <sqlite3.h>

#include <filesystem>

#include "common/hash.h"
#include "common/sqlite.h"
#include "encore/store_feeds.h"

namespace encore {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, fingerprint TEXT UNIQUE NOT NULL,"
    " path TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS snapshots(id INTEGER PRIMARY KEY, store TEXT NOT NULL,"
    " kind TEXT NOT NULL, genre TEXT NOT NULL, country TEXT NOT NULL, taken INTEGER NOT NULL,"
    " taken_from TEXT NOT NULL, layout TEXT NOT NULL, feed_id TEXT NOT NULL, title TEXT NOT NULL,"
    " content TEXT NOT NULL, entries INTEGER NOT NULL, source INTEGER NOT NULL,"
    " UNIQUE(store, kind, genre, country, taken));"
    "CREATE TABLE IF NOT EXISTS snapshot_entries(snapshot INTEGER NOT NULL,"
    " position INTEGER NOT NULL, title TEXT NOT NULL, artist TEXT NOT NULL, id TEXT NOT NULL,"
    " song TEXT NOT NULL, line INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS snapshot_entries_by_snapshot ON snapshot_entries(snapshot,"
    " position);"
    "CREATE INDEX IF NOT EXISTS snapshot_entries_by_song ON snapshot_entries(song);"
    "CREATE INDEX IF NOT EXISTS snapshot_entries_by_id ON snapshot_entries(id);"
    "CREATE TABLE IF NOT EXISTS rejects(source INTEGER NOT NULL, line INTEGER NOT NULL,"
    " reason TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS number_ones(chart TEXT NOT NULL, ord INTEGER NOT NULL,"
    " number TEXT NOT NULL, title TEXT NOT NULL, artist TEXT NOT NULL, date INTEGER NOT NULL,"
    " weeks INTEGER NOT NULL, shared INTEGER NOT NULL, song TEXT NOT NULL, line INTEGER NOT NULL,"
    " source INTEGER NOT NULL, PRIMARY KEY(chart, ord));";

std::string ContentOf(const StoreSnapshot& s) {
  Fingerprinter fp;
  auto put = [&](const std::string& v) {
    fp.Update(v);
    fp.Update(std::string_view("\x1f", 1));
  };
  put(s.store);
  put(s.kind);
  put(s.genre);
  put(s.country);
  put(std::to_string(s.taken));
  for (const SnapshotEntry& e : s.entries) {
    put(std::to_string(e.position));
    put(e.title);
    put(e.artist);
    put(e.id);
  }
  return fp.Hex();
}

// One file's import: its own transaction, or a savepoint within a batch's (StoreFeeds::BeginBatch).
class SqliteFeedImport final : public FeedImport {
 public:
  SqliteFeedImport(SqliteDb* db, bool replace, bool in_batch)
      : db_(db), replace_(replace), in_batch_(in_batch) {}
  ~SqliteFeedImport() override {
    if (open_) (void)Rollback();
  }

  Status Begin(const std::string& fingerprint, const std::string& path) {
    ENCORE_RETURN_IF_ERROR(db_->Exec(in_batch_ ? "SAVEPOINT feed_file" : "BEGIN IMMEDIATE"));
    open_ = true;
    SqliteStmt src(db_->get(), "INSERT INTO sources(fingerprint, path) VALUES(?, ?)");
    if (!src.ok()) return db_->Error();
    src.Bind(1, fingerprint);
    src.Bind(2, path);
    if (src.Step() != SQLITE_DONE) return db_->Error();
    source_ = sqlite3_last_insert_rowid(db_->get());
    return Status::Ok();
  }

  Status Add(const StoreSnapshot& s) override {
    if (!open_) return Status::Internal("feed import used after it ended");
    const std::string content = ContentOf(s);
    SqliteStmt find(db_->get(),
                    "SELECT id, content FROM snapshots WHERE store = ? AND kind = ? AND genre = ?"
                    " AND country = ? AND taken = ?");
    if (!find.ok()) return db_->Error();
    find.Bind(1, s.store);
    find.Bind(2, s.kind);
    find.Bind(3, s.genre);
    find.Bind(4, s.country);
    find.Bind(5, s.taken);
    const int rc = find.Step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_->Error();
    if (rc == SQLITE_ROW) {
      if (find.Text(1) == content) {
        ++report_.same;
        return Status::Ok();
      }
      const std::string what = s.store + " " + s.kind + (s.genre.empty() ? "" : " genre " + s.genre) +
                               " " + s.country + " " + FormatTimestamp(s.taken);
      if (!replace_) {
        report_.conflicts.push_back(what);
        return Status::Ok();
      }
      const int64_t old = find.Int(0);
      for (const char* sql : {"DELETE FROM snapshot_entries WHERE snapshot = ?",
                              "DELETE FROM snapshots WHERE id = ?"}) {
        SqliteStmt del(db_->get(), sql);
        if (!del.ok()) return db_->Error();
        del.Bind(1, old);
        if (del.Step() != SQLITE_DONE) return db_->Error();
      }
      ++report_.replaced;
    }
    SqliteStmt put(db_->get(),
                   "INSERT INTO snapshots(store, kind, genre, country, taken, taken_from, layout,"
                   " feed_id, title, content, entries, source) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!put.ok()) return db_->Error();
    put.Bind(1, s.store);
    put.Bind(2, s.kind);
    put.Bind(3, s.genre);
    put.Bind(4, s.country);
    put.Bind(5, s.taken);
    put.Bind(6, s.taken_from);
    put.Bind(7, FeedLayoutName(s.layout));
    put.Bind(8, s.feed_id);
    put.Bind(9, s.title);
    put.Bind(10, content);
    put.Bind(11, static_cast<int64_t>(s.entries.size()));
    put.Bind(12, source_);
    if (put.Step() != SQLITE_DONE) return db_->Error();
    const int64_t id = sqlite3_last_insert_rowid(db_->get());
    SqliteStmt entry(db_->get(),
                     "INSERT INTO snapshot_entries(snapshot, position, title, artist, id, song,"
                     " line) VALUES(?,?,?,?,?,?,?)");
    if (!entry.ok()) return db_->Error();
    for (const SnapshotEntry& e : s.entries) {
      entry.Bind(1, id);
      entry.Bind(2, static_cast<int64_t>(e.position));
      entry.Bind(3, e.title);
      entry.Bind(4, e.artist);
      entry.Bind(5, e.id);
      entry.Bind(6, e.song);
      entry.Bind(7, static_cast<int64_t>(e.line));
      if (!entry.Run()) return db_->Error();
    }
    ++report_.snapshots;
    report_.entries += s.entries.size();
    return Status::Ok();
  }

  Status Reject(const ChartReject& r) override {
    if (!open_) return Status::Internal("feed import used after it ended");
    SqliteStmt put(db_->get(), "INSERT INTO rejects(source, line, reason, text) VALUES(?,?,?,?)");
    if (!put.ok()) return db_->Error();
    put.Bind(1, source_);
    put.Bind(2, static_cast<int64_t>(r.line));
    put.Bind(3, r.reason);
    put.Bind(4, r.text);
    return put.Step() == SQLITE_DONE ? Status::Ok() : db_->Error();
  }

  Status AddList(const NumberOnesList& list) override {
    if (!open_) return Status::Internal("feed import used after it ended");
    SqliteStmt del(db_->get(), "DELETE FROM number_ones WHERE chart = ?");
    if (!del.ok()) return db_->Error();
    del.Bind(1, list.chart);
    if (del.Step() != SQLITE_DONE) return db_->Error();
    SqliteStmt put(db_->get(),
                   "INSERT INTO number_ones(chart, ord, number, title, artist, date, weeks, shared,"
                   " song, line, source) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    if (!put.ok()) return db_->Error();
    int64_t ord = 0;
    for (const NumberOne& n : list.entries) {
      put.Bind(1, list.chart);
      put.Bind(2, ord++);
      put.Bind(3, n.number);
      put.Bind(4, n.title);
      put.Bind(5, n.artist);
      put.Bind(6, static_cast<int64_t>(n.date));
      put.Bind(7, static_cast<int64_t>(n.weeks));
      put.Bind(8, static_cast<int64_t>(n.shared ? 1 : 0));
      put.Bind(9, n.song);
      put.Bind(10, static_cast<int64_t>(n.line));
      put.Bind(11, source_);
      if (!put.Run()) return db_->Error();
    }
    for (const ChartReject& r : list.rejects) ENCORE_RETURN_IF_ERROR(Reject(r));
    report_.list_entries = list.entries.size();
    return Status::Ok();
  }

  Result<FeedImportReport> Commit() override {
    if (!open_) return Status::Internal("feed import used after it ended");
    open_ = false;
    if (!report_.conflicts.empty() && !replace_) {
      ENCORE_RETURN_IF_ERROR(Rollback());
      FeedImportReport r;
      r.refused = true;
      r.conflicts = std::move(report_.conflicts);
      return r;
    }
    Status s = db_->Exec(in_batch_ ? "RELEASE feed_file" : "COMMIT");
    if (!s.ok()) {
      (void)Rollback();
      return s;
    }
    return report_;
  }

 private:
  Status Rollback() {
    return db_->Exec(in_batch_ ? "ROLLBACK TO feed_file; RELEASE feed_file" : "ROLLBACK");
  }

  SqliteDb* db_;
  bool replace_, in_batch_;
  bool open_ = false;
  int64_t source_ = 0;
  FeedImportReport report_;
};

class SqliteStoreFeeds final : public StoreFeeds {
 public:
  ~SqliteStoreFeeds() override {
    if (batch_) (void)db_.Exec("ROLLBACK");
  }
  Status BeginBatch() override {
    if (batch_) return Status::Ok();
    ENCORE_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    batch_ = true;
    return Status::Ok();
  }
  Status CommitBatch() override {
    if (!batch_) return Status::Ok();
    batch_ = false;
    Status s = db_.Exec("COMMIT");
    if (!s.ok()) (void)db_.Exec("ROLLBACK");
    return s;
  }
  Status Open(const std::string& path, bool create) {
    ENCORE_RETURN_IF_ERROR(db_.Open(path, create, kSchema));
    // A batch's savepoints journal in memory; the pages of a batch stay cached until its commit.
    return db_.Exec("PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;");
  }

  Result<bool> Imported(const std::string& fingerprint) override {
    SqliteStmt st(db_.get(), "SELECT 1 FROM sources WHERE fingerprint = ?");
    if (!st.ok()) return db_.Error();
    st.Bind(1, fingerprint);
    const int rc = st.Step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_.Error();
    return rc == SQLITE_ROW;
  }

  Result<std::unique_ptr<FeedImport>> Begin(const std::string& fingerprint, const std::string& path,
                                            bool replace) override {
    auto import = std::make_unique<SqliteFeedImport>(&db_, replace, batch_);
    ENCORE_RETURN_IF_ERROR(import->Begin(fingerprint, path));
    return std::unique_ptr<FeedImport>(std::move(import));
  }

  Result<std::vector<FeedSeries>> Series() override {
    SqliteStmt st(db_.get(),
                  "SELECT store, kind, genre, COUNT(*), COUNT(DISTINCT country), SUM(entries),"
                  " MIN(taken), MAX(taken) FROM snapshots GROUP BY store, kind, genre"
                  " ORDER BY store, kind, genre");
    if (!st.ok()) return db_.Error();
    std::vector<FeedSeries> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      out.push_back({st.Text(0), st.Text(1), st.Text(2), static_cast<size_t>(st.Int(3)),
                     static_cast<size_t>(st.Int(4)), static_cast<size_t>(st.Int(5)), st.Int(6),
                     st.Int(7)});
    }
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

  Result<std::vector<SnapshotHead>> Snapshots(const std::string& store,
                                              const std::string& kind) override {
    SqliteStmt st(db_.get(),
                  "SELECT s.id, s.country, s.taken, s.taken_from, src.path, s.entries, e.title,"
                  " e.artist, e.song, e.id FROM snapshots s JOIN sources src ON src.id = s.source"
                  " LEFT JOIN snapshot_entries e ON e.snapshot = s.id AND e.position = 1"
                  " WHERE s.store = ? AND s.kind = ? AND s.genre = '' ORDER BY s.taken, s.country");
    if (!st.ok()) return db_.Error();
    st.Bind(1, store);
    st.Bind(2, kind);
    std::vector<SnapshotHead> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      SnapshotHead h;
      h.id = st.Int(0);
      h.store = store;
      h.kind = kind;
      h.country = st.Text(1);
      h.taken = st.Int(2);
      h.taken_from = st.Text(3);
      h.path = st.Text(4);
      h.entries = static_cast<size_t>(st.Int(5));
      h.top_title = st.Text(6);
      h.top_artist = st.Text(7);
      h.top_song = st.Text(8);
      h.top_id = st.Text(9);
      out.push_back(std::move(h));
    }
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

  Result<std::vector<SongSighting>> Sightings(const std::string& store, const std::string& kind,
                                              const std::vector<std::string>& songs,
                                              const std::vector<std::string>& ids) override {
    std::vector<SongSighting> out;
    auto run = [&](const char* column, const std::vector<std::string>& values) -> Status {
      const std::string sql =
          std::string("SELECT e.snapshot, e.position, e.title, e.artist, e.id FROM"
                      " snapshot_entries e JOIN snapshots s ON s.id = e.snapshot WHERE s.store = ?"
                      " AND s.kind = ? AND s.genre = '' AND e.") +
          column + " = ?";
      SqliteStmt st(db_.get(), sql.c_str());
      if (!st.ok()) return db_.Error();
      for (const std::string& v : values) {
        if (v.empty()) continue;
        st.Bind(1, store);
        st.Bind(2, kind);
        st.Bind(3, v);
        int rc;
        while ((rc = st.Step()) == SQLITE_ROW)
          out.push_back({st.Int(0), static_cast<int>(st.Int(1)), st.Text(2), st.Text(3), st.Text(4)});
        if (rc != SQLITE_DONE) return db_.Error();
        st.Reset();
      }
      return Status::Ok();
    };
    ENCORE_RETURN_IF_ERROR(run("song", songs));
    ENCORE_RETURN_IF_ERROR(run("id", ids));
    return out;
  }

  Result<std::vector<std::string>> Lists() override {
    SqliteStmt st(db_.get(), "SELECT DISTINCT chart FROM number_ones ORDER BY chart");
    if (!st.ok()) return db_.Error();
    std::vector<std::string> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) out.push_back(st.Text(0));
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

  Result<NumberOnesList> List(const std::string& chart) override {
    SqliteStmt st(db_.get(),
                  "SELECT number, title, artist, date, weeks, shared, song, line FROM number_ones"
                  " WHERE chart = ? ORDER BY ord");
    if (!st.ok()) return db_.Error();
    st.Bind(1, chart);
    NumberOnesList list;
    list.chart = chart;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      NumberOne n;
      n.number = st.Text(0);
      n.title = st.Text(1);
      n.artist = st.Text(2);
      n.date = static_cast<Day>(st.Int(3));
      n.weeks = static_cast<int>(st.Int(4));
      n.shared = st.Int(5) != 0;
      n.song = st.Text(6);
      n.line = static_cast<uint64_t>(st.Int(7));
      list.entries.push_back(std::move(n));
    }
    if (rc != SQLITE_DONE) return db_.Error();
    if (list.entries.empty()) return Status::NotFound("no list of No. 1s of '" + chart + "'");
    return list;
  }

  Result<std::vector<std::pair<std::string, ChartReject>>> Rejects() override {
    SqliteStmt st(db_.get(),
                  "SELECT s.path, r.line, r.reason, r.text FROM rejects r JOIN sources s"
                  " ON s.id = r.source ORDER BY s.path, r.line");
    if (!st.ok()) return db_.Error();
    std::vector<std::pair<std::string, ChartReject>> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW)
      out.push_back({st.Text(0), {static_cast<uint64_t>(st.Int(1)), st.Text(2), st.Text(3)}});
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

 private:
  SqliteDb db_;
  bool batch_ = false;
};

}  // namespace

Result<std::unique_ptr<StoreFeeds>> OpenStoreFeeds(const std::string& store_dir, bool create) {
  const std::string path = store_dir + "/feeds.sqlite";
  if (!create && !std::filesystem::exists(path))
    return Status::NotFound("no store feeds in " + store_dir + " (encore chart import FEEDS)");
  if (create) {
    std::error_code ec;
    std::filesystem::create_directories(store_dir, ec);
  }
  auto f = std::make_unique<SqliteStoreFeeds>();
  ENCORE_RETURN_IF_ERROR(f->Open(path, create));
  return std::unique_ptr<StoreFeeds>(std::move(f));
}

}  // namespace encore
