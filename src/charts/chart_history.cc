// The chart history of a store: DIR/charts.sqlite. One SQLite transaction per imported file;
// a file is imported once (by the XXH3-128 of its content); an edition imported again from
// another file replaces the earlier one whole.
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <limits>

#include "common/sqlite.h"
#include "encore/catalog.h"
#include "encore/charts.h"

namespace encore {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, fingerprint TEXT UNIQUE NOT NULL,"
    " path TEXT NOT NULL, rows INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS editions(chart TEXT NOT NULL, date INTEGER NOT NULL,"
    " source INTEGER NOT NULL, PRIMARY KEY(chart, date));"
    "CREATE TABLE IF NOT EXISTS entries(chart TEXT NOT NULL, date INTEGER NOT NULL,"
    " position INTEGER NOT NULL, title TEXT NOT NULL, artist TEXT NOT NULL, id TEXT NOT NULL,"
    " song TEXT NOT NULL, last_week INTEGER, peak INTEGER, weeks INTEGER, metric INTEGER,"
    " line INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entries_by_edition ON entries(chart, date, position);"
    "CREATE TABLE IF NOT EXISTS rejects(source INTEGER NOT NULL, line INTEGER NOT NULL,"
    " reason TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS compiled(family TEXT NOT NULL, date INTEGER NOT NULL,"
    " inputs TEXT NOT NULL, PRIMARY KEY(family, date));"
    "CREATE TABLE IF NOT EXISTS songs(song TEXT PRIMARY KEY, title TEXT NOT NULL,"
    " artist TEXT NOT NULL, track_id TEXT NOT NULL);";

class SqliteChartHistory final : public ChartHistory {
 public:
  Status Open(const std::string& path, bool create) { return db_.Open(path, create, kSchema); }

  Result<ChartImportReport> Import(const ChartFile& file, const std::string& path) override {
    ChartImportReport report;
    ENCORE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status s = ImportInTransaction(file, path, &report);
    if (!s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
    if (report.already_imported) {
      ENCORE_RETURN_IF_ERROR(Exec("ROLLBACK"));
      return report;
    }
    ENCORE_RETURN_IF_ERROR(Exec("COMMIT"));
    return report;
  }

  Result<std::vector<ChartSummary>> Charts() override {
    SqliteStmt st(db_.get(),
                  "SELECT e.chart, COUNT(DISTINCT e.date), COUNT(*), MIN(e.date), MAX(e.date)"
                  " FROM entries e GROUP BY e.chart ORDER BY e.chart");
    if (!st.ok()) return Error();
    std::vector<ChartSummary> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      ChartSummary c;
      c.chart = st.Text(0);
      c.editions = static_cast<size_t>(st.Int(1));
      c.entries = static_cast<size_t>(st.Int(2));
      c.first = static_cast<Day>(st.Int(3));
      c.last = static_cast<Day>(st.Int(4));
      out.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE) return Error();
    return out;
  }

  Result<std::vector<std::pair<std::string, ChartReject>>> Rejects() override {
    SqliteStmt st(db_.get(),
                  "SELECT s.path, r.line, r.reason, r.text FROM rejects r JOIN sources s"
                  " ON s.id = r.source ORDER BY s.path, r.line");
    if (!st.ok()) return Error();
    std::vector<std::pair<std::string, ChartReject>> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      out.push_back({st.Text(0), {static_cast<uint64_t>(st.Int(1)), st.Text(2), st.Text(3)}});
    }
    if (rc != SQLITE_DONE) return Error();
    return out;
  }

  Result<std::pair<size_t, size_t>> LinkSongs(const Catalog& catalog) override {
    // Identities not linked yet: new ones, and those the catalog did not know before.
    SqliteStmt pending(
        db_.get(),
        "SELECT e.song, e.title, e.artist FROM entries e LEFT JOIN songs s ON s.song ="
        " e.song WHERE s.song IS NULL OR s.track_id = '' GROUP BY e.song");
    if (!pending.ok()) return Error();
    std::vector<std::array<std::string, 3>> todo;
    int rc;
    while ((rc = pending.Step()) == SQLITE_ROW)
      todo.push_back({pending.Text(0), pending.Text(1), pending.Text(2)});
    if (rc != SQLITE_DONE) return Error();
    ENCORE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    SqliteStmt put(db_.get(),
                   "INSERT OR REPLACE INTO songs(song, title, artist, track_id) VALUES(?,?,?,?)");
    if (!put.ok()) {
      (void)Exec("ROLLBACK");
      return Error();
    }
    for (const auto& [song, title, artist] : todo) {
      std::string track;
      if (!catalog.tracks().empty()) {
        const Resolution r = Resolve(catalog, artist + " - " + title);
        if (r.match)
          track = r.match->id;
        else if (!r.versions.empty())
          track = r.versions.front()->id;
      }
      put.Bind(1, song);
      put.Bind(2, title);
      put.Bind(3, artist);
      put.Bind(4, track);
      if (put.Step() != SQLITE_DONE) {
        (void)Exec("ROLLBACK");
        return Error();
      }
      put.Reset();
    }
    ENCORE_RETURN_IF_ERROR(Exec("COMMIT"));
    SqliteStmt count(db_.get(), "SELECT COUNT(*), SUM(track_id != '') FROM songs");
    if (!count.ok() || count.Step() != SQLITE_ROW) return Error();
    return std::pair<size_t, size_t>(static_cast<size_t>(count.Int(0)),
                                     static_cast<size_t>(count.Int(1)));
  }

  Result<std::vector<std::string>> SongsOfTracks(const std::vector<std::string>& ids) override {
    SqliteStmt st(db_.get(), "SELECT song FROM songs WHERE track_id = ?");
    if (!st.ok()) return Error();
    std::vector<std::string> out;
    for (const auto& id : ids) {
      st.Bind(1, id);
      int rc;
      while ((rc = st.Step()) == SQLITE_ROW) out.push_back(st.Text(0));
      if (rc != SQLITE_DONE) return Error();
      st.Reset();
    }
    return out;
  }

  Result<std::optional<std::string>> CompiledInputs(const std::string& family, Day date) override {
    SqliteStmt st(db_.get(), "SELECT inputs FROM compiled WHERE family = ? AND date = ?");
    if (!st.ok()) return Error();
    st.Bind(1, family);
    st.Bind(2, static_cast<int64_t>(date));
    const int rc = st.Step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(st.Text(0));
    if (rc != SQLITE_DONE) return Error();
    return std::optional<std::string>();
  }

  Status StoreCompiled(const std::string& family, Day date, const std::string& inputs,
                       const std::vector<ChartEdition>& editions) override {
    ENCORE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status s = StoreCompiledInTransaction(family, date, inputs, editions);
    if (!s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
    return Exec("COMMIT");
  }

  Result<std::vector<ChartEdition>> Editions(const std::string& chart, std::optional<Day> from,
                                             std::optional<Day> to) override {
    SqliteStmt st(
        db_.get(),
        "SELECT date, position, title, artist, id, song, last_week, peak, weeks, metric, line"
        " FROM entries WHERE chart = ? AND date >= ? AND date <= ?"
        " ORDER BY date, position, rowid");
    if (!st.ok()) return Error();
    st.Bind(1, chart);
    st.Bind(2, static_cast<int64_t>(from.value_or(std::numeric_limits<Day>::min())));
    st.Bind(3, static_cast<int64_t>(to.value_or(kMaxStoredDay)));
    std::vector<ChartEdition> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      sqlite3_stmt* r = st.get();
      const Day date = static_cast<Day>(st.Int(0));
      if (out.empty() || out.back().date != date) out.push_back({chart, date, {}});
      ChartEntry e;
      e.position = static_cast<int>(st.Int(1));
      e.title = st.Text(2);
      e.artist = st.Text(3);
      e.id = st.Text(4);
      e.song = st.Text(5);
      e.last_week = st.OptInt(6);
      e.peak = st.OptInt(7);
      e.weeks = st.OptInt(8);
      if (sqlite3_column_type(r, 9) != SQLITE_NULL) e.metric = st.Int(9);
      e.line = static_cast<uint64_t>(st.Int(10));
      out.back().entries.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return Error();
    return out;
  }

 private:
  Status Exec(const std::string& sql) { return db_.Exec(sql); }
  Status Error() const { return db_.Error(); }

  Status StoreCompiledInTransaction(const std::string& family, Day date, const std::string& inputs,
                                    const std::vector<ChartEdition>& editions) {
    // Every region of the family's date goes: regions without counts any more must not stay.
    SqliteStmt drop(db_.get(), "DELETE FROM entries WHERE date = ? AND chart >= ? AND chart < ?");
    SqliteStmt drop_ed(db_.get(),
                       "DELETE FROM editions WHERE date = ? AND chart >= ? AND chart < ?");
    SqliteStmt mark(db_.get(),
                    "INSERT OR REPLACE INTO compiled(family, date, inputs) VALUES(?, ?, ?)");
    SqliteStmt edition(db_.get(),
                       "INSERT OR REPLACE INTO editions(chart, date, source) VALUES(?, ?, 0)");
    SqliteStmt entry(
        db_.get(),
        "INSERT INTO entries(chart, date, position, title, artist, id, song, last_week,"
        " peak, weeks, metric, line) VALUES(?, ?, ?, ?, ?, '', ?, NULL, NULL, NULL, ?, 0)");
    if (!drop.ok() || !drop_ed.ok() || !mark.ok() || !edition.ok() || !entry.ok()) return Error();
    for (SqliteStmt* st : {&drop, &drop_ed}) {
      st->Bind(1, static_cast<int64_t>(date));
      st->Bind(2, family + ":");
      st->Bind(3, family + ";");  // ':' + 1
      if (st->Step() != SQLITE_DONE) return Error();
    }
    for (const ChartEdition& ed : editions) {
      edition.Bind(1, ed.chart);
      edition.Bind(2, static_cast<int64_t>(date));
      if (edition.Step() != SQLITE_DONE) return Error();
      edition.Reset();
      for (const ChartEntry& e : ed.entries) {
        entry.Bind(1, ed.chart);
        entry.Bind(2, static_cast<int64_t>(date));
        entry.Bind(3, static_cast<int64_t>(e.position));
        entry.Bind(4, e.title);
        entry.Bind(5, e.artist);
        entry.Bind(6, e.song);
        entry.Bind(7, e.metric);
        if (entry.Step() != SQLITE_DONE) return Error();
        entry.Reset();
      }
    }
    mark.Bind(1, family);
    mark.Bind(2, static_cast<int64_t>(date));
    mark.Bind(3, inputs);
    return mark.Step() == SQLITE_DONE ? Status::Ok() : Error();
  }

  Status ImportInTransaction(const ChartFile& file, const std::string& path,
                             ChartImportReport* report) {
    {
      SqliteStmt st(db_.get(), "SELECT 1 FROM sources WHERE fingerprint = ?");
      if (!st.ok()) return Error();
      st.Bind(1, file.fingerprint);
      if (st.Step() == SQLITE_ROW) {
        report->already_imported = true;
        return Status::Ok();
      }
    }
    SqliteStmt src(db_.get(), "INSERT INTO sources(fingerprint, path, rows) VALUES(?, ?, ?)");
    if (!src.ok()) return Error();
    src.Bind(1, file.fingerprint);
    src.Bind(2, path);
    src.Bind(3, static_cast<int64_t>(file.rows));
    if (src.Step() != SQLITE_DONE) return Error();
    const int64_t source = sqlite3_last_insert_rowid(db_.get());
    SqliteStmt rej(db_.get(), "INSERT INTO rejects(source, line, reason, text) VALUES(?, ?, ?, ?)");
    if (!rej.ok()) return Error();
    for (const ChartReject& r : file.rejects) {
      rej.Bind(1, source);
      rej.Bind(2, static_cast<int64_t>(r.line));
      rej.Bind(3, r.reason);
      rej.Bind(4, r.text);
      if (rej.Step() != SQLITE_DONE) return Error();
      rej.Reset();
    }
    SqliteStmt find(db_.get(), "SELECT 1 FROM editions WHERE chart = ? AND date = ?");
    SqliteStmt drop(db_.get(), "DELETE FROM entries WHERE chart = ? AND date = ?");
    SqliteStmt edition(db_.get(),
                       "INSERT OR REPLACE INTO editions(chart, date, source) VALUES(?, ?, ?)");
    SqliteStmt entry(
        db_.get(),
        "INSERT INTO entries(chart, date, position, title, artist, id, song, last_week,"
        " peak, weeks, metric, line) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!find.ok() || !drop.ok() || !edition.ok() || !entry.ok()) return Error();
    for (const ChartEdition& ed : file.editions) {
      find.Bind(1, ed.chart);
      find.Bind(2, static_cast<int64_t>(ed.date));
      const bool exists = find.Step() == SQLITE_ROW;
      find.Reset();
      if (exists) {
        ++report->replaced;
        drop.Bind(1, ed.chart);
        drop.Bind(2, static_cast<int64_t>(ed.date));
        if (drop.Step() != SQLITE_DONE) return Error();
        drop.Reset();
      }
      edition.Bind(1, ed.chart);
      edition.Bind(2, static_cast<int64_t>(ed.date));
      edition.Bind(3, source);
      if (edition.Step() != SQLITE_DONE) return Error();
      edition.Reset();
      for (const ChartEntry& e : ed.entries) {
        entry.Bind(1, ed.chart);
        entry.Bind(2, static_cast<int64_t>(ed.date));
        entry.Bind(3, static_cast<int64_t>(e.position));
        entry.Bind(4, e.title);
        entry.Bind(5, e.artist);
        entry.Bind(6, e.id);
        entry.Bind(7, e.song);
        entry.Bind(8, e.last_week);
        entry.Bind(9, e.peak);
        entry.Bind(10, e.weeks);
        entry.Bind(11, e.metric);
        entry.Bind(12, static_cast<int64_t>(e.line));
        if (entry.Step() != SQLITE_DONE) return Error();
        entry.Reset();
        ++report->entries;
      }
      ++report->editions;
      if (report->charts.empty() || report->charts.back() != ed.chart)
        report->charts.push_back(ed.chart);
    }
    return Status::Ok();
  }

  SqliteDb db_;
};

}  // namespace

Result<std::unique_ptr<ChartHistory>> OpenChartHistory(const std::string& store_dir, bool create) {
  const std::string path = store_dir + "/charts.sqlite";
  if (!create && !std::filesystem::exists(path))
    return Status::NotFound("no chart history in " + store_dir + " (encore chart import)");
  if (create) {
    std::error_code ec;
    std::filesystem::create_directories(store_dir, ec);
  }
  auto h = std::make_unique<SqliteChartHistory>();
  ENCORE_RETURN_IF_ERROR(h->Open(path, create));
  return std::unique_ptr<ChartHistory>(std::move(h));
}

}  // namespace encore
