// The chart history of a store: DIR/charts.sqlite. One SQLite transaction per imported file;
// a file is imported once (by the XXH3-128 of its content); an edition imported again from
// another file replaces the earlier one whole.
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <unordered_set>

#include "common/sqlite.h"
#include "common/varint.h"
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
    " artist TEXT NOT NULL, track_id TEXT NOT NULL);"
    // Compiled charts (encore chart compile): one row per edition, its entries in one blob
    // (EncodeCompiled), so that keeping a day's 71 regions is 71 inserts, not 14,000.
    "CREATE TABLE IF NOT EXISTS compiled_editions(chart TEXT NOT NULL, date INTEGER NOT NULL,"
    " entries INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY(chart, date));";

// A compiled edition's entries: a varint count, then per entry its position, metric + 1 (0: none)
// and the lengths and bytes of its song, title and artist.
std::string EncodeCompiled(const std::vector<ChartEntry>& entries) {
  std::string out;
  size_t bytes = 8;
  for (const ChartEntry& e : entries) bytes += 16 + e.song.size() + e.title.size() + e.artist.size();
  out.reserve(bytes);
  PutVarint(&out, entries.size());
  for (const ChartEntry& e : entries) {
    PutVarint(&out, static_cast<uint64_t>(e.position));
    PutVarint(&out, e.metric ? static_cast<uint64_t>(*e.metric) + 1 : 0);
    for (const std::string* s : {&e.song, &e.title, &e.artist}) {
      PutVarint(&out, s->size());
      out += *s;
    }
  }
  return out;
}

bool DecodeCompiled(std::string_view body, std::vector<ChartEntry>* out) {
  const char* p = body.data();
  const char* end = p + body.size();
  uint64_t n;
  if (!GetVarint(&p, end, &n) || n > body.size()) return false;
  out->reserve(out->size() + n);
  for (uint64_t i = 0; i < n; ++i) {
    ChartEntry e;
    uint64_t position, metric;
    if (!GetVarint(&p, end, &position) || !GetVarint(&p, end, &metric)) return false;
    e.position = static_cast<int>(position);
    if (metric > 0) e.metric = static_cast<int64_t>(metric - 1);
    for (std::string* s : {&e.song, &e.title, &e.artist}) {
      uint64_t len;
      if (!GetVarint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) return false;
      s->assign(p, len);
      p += len;
    }
    out->push_back(std::move(e));
  }
  return p == end;
}

class SqliteChartHistory final : public ChartHistory {
 public:
  Status Open(const std::string& path, bool create) { return db_.Open(path, create, kSchema); }

  Result<ChartImportReport> Import(const ChartFile& file, const std::string& path) override {
    ENCORE_ASSIGN_OR_RETURN(const bool seen, Imported(file.fingerprint));
    if (seen) {
      ChartImportReport report;
      report.already_imported = true;
      return report;
    }
    ChartImportOptions options;
    options.replace = true;
    ENCORE_ASSIGN_OR_RETURN(auto import, BeginImport(file.fingerprint, path, options));
    for (const ChartReject& r : file.rejects) ENCORE_RETURN_IF_ERROR(import->Reject(r));
    for (const ChartEdition& ed : file.editions) ENCORE_RETURN_IF_ERROR(import->Add(ed));
    return import->Commit(file.rows);
  }

  Result<bool> Imported(const std::string& fingerprint) override {
    SqliteStmt st(db_.get(), "SELECT 1 FROM sources WHERE fingerprint = ?");
    if (!st.ok()) return Error();
    st.Bind(1, fingerprint);
    const int rc = st.Step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error();
    return rc == SQLITE_ROW;
  }

  Result<std::unique_ptr<ChartImport>> BeginImport(const std::string& fingerprint,
                                                   const std::string& path,
                                                   const ChartImportOptions& options) override;

  Result<std::vector<ChartSummary>> Charts() override {
    SqliteStmt st(db_.get(),
                  "SELECT chart, SUM(editions), SUM(entries), MIN(first), MAX(last) FROM ("
                  " SELECT chart, COUNT(DISTINCT date) AS editions, COUNT(*) AS entries,"
                  " MIN(date) AS first, MAX(date) AS last FROM entries GROUP BY chart"
                  " UNION ALL SELECT chart, COUNT(*), SUM(entries), MIN(date), MAX(date)"
                  " FROM compiled_editions GROUP BY chart) GROUP BY chart ORDER BY chart");
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

  Result<std::vector<EditionSource>> EditionSources() override {
    SqliteStmt st(db_.get(),
                  "SELECT e.chart, e.date, s.id, s.fingerprint, s.path FROM editions e JOIN"
                  " sources s ON s.id = e.source ORDER BY s.id, e.date, e.chart");
    if (!st.ok()) return Error();
    std::vector<EditionSource> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      out.push_back({st.Text(0), static_cast<Day>(st.Int(1)), st.Int(2), st.Text(3), st.Text(4)});
    }
    if (rc != SQLITE_DONE) return Error();
    return out;
  }

  Result<std::vector<TrackLink>> TrackLinks() override {
    // One pass over the entries with an id, by id and date: the latest printing names it.
    SqliteStmt st(db_.get(),
                  "SELECT e.id, e.title, e.artist, COALESCE(s.track_id, '') FROM entries e LEFT"
                  " JOIN songs s ON s.song = e.song WHERE e.id != '' ORDER BY e.id, e.date");
    if (!st.ok()) return Error();
    std::vector<TrackLink> out;
    int rc;
    while ((rc = st.Step()) == SQLITE_ROW) {
      std::string id = st.Text(0), track = st.Text(3);
      if (out.empty() || out.back().id != id) out.push_back({std::move(id), "", "", ""});
      TrackLink& l = out.back();
      l.title = st.Text(1);
      l.artist = st.Text(2);
      if (!track.empty() && (l.track_id.empty() || track < l.track_id)) l.track_id = track;
    }
    if (rc != SQLITE_DONE) return Error();
    return out;
  }

  Result<std::pair<size_t, size_t>> LinkSongs(const Catalog& catalog) override {
    // Identities not linked yet: new ones, and those the catalog did not know before.
    // (Compiled editions put their songs in `songs` unlinked as they are kept.)
    SqliteStmt pending(
        db_.get(),
        "SELECT e.song, e.title, e.artist FROM entries e LEFT JOIN songs s ON s.song ="
        " e.song WHERE s.song IS NULL GROUP BY e.song"
        " UNION ALL SELECT song, title, artist FROM songs WHERE track_id = ''");
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

  Status StoreCompiled(const std::string& family,
                       const std::vector<CompiledDate>& dates) override {
    if (dates.empty()) return Status::Ok();
    ENCORE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status s = StoreCompiledInTransaction(family, dates);
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
    SqliteStmt compiled(db_.get(),
                        "SELECT date, body FROM compiled_editions WHERE chart = ? AND date >= ?"
                        " AND date <= ? ORDER BY date");
    if (!compiled.ok()) return Error();
    compiled.Bind(1, chart);
    compiled.Bind(2, static_cast<int64_t>(from.value_or(std::numeric_limits<Day>::min())));
    compiled.Bind(3, static_cast<int64_t>(to.value_or(kMaxStoredDay)));
    const size_t imported = out.size();
    while ((rc = compiled.Step()) == SQLITE_ROW) {
      const Day date = static_cast<Day>(compiled.Int(0));
      out.push_back({chart, date, {}});
      if (!DecodeCompiled(compiled.Blob(1), &out.back().entries)) {
        return Status::Corruption(db_.path() + ": the compiled edition " + chart + " " +
                                  FormatDate(date) + " cannot be read");
      }
    }
    if (rc != SQLITE_DONE) return Error();
    if (imported > 0 && out.size() > imported) {  // (a store from before compiled_editions)
      std::stable_sort(out.begin(), out.end(),
                       [](const ChartEdition& a, const ChartEdition& b) { return a.date < b.date; });
    }
    return out;
  }

 private:
  Status Exec(const std::string& sql) { return db_.Exec(sql); }
  Status Error() const { return db_.Error(); }

  Status StoreCompiledInTransaction(const std::string& family,
                                    const std::vector<CompiledDate>& dates) {
    // Every region of the family's date goes: regions without counts any more must not stay
    // (nor rows a store from before compiled_editions kept as entries).
    SqliteStmt drop(db_.get(),
                    "DELETE FROM compiled_editions WHERE date = ? AND chart >= ? AND chart < ?");
    SqliteStmt drop_old(db_.get(),
                        "DELETE FROM entries WHERE date = ? AND chart >= ? AND chart < ?");
    SqliteStmt drop_ed(db_.get(),
                       "DELETE FROM editions WHERE date = ? AND chart >= ? AND chart < ?");
    SqliteStmt mark(db_.get(),
                    "INSERT OR REPLACE INTO compiled(family, date, inputs) VALUES(?, ?, ?)");
    SqliteStmt edition(db_.get(),
                       "INSERT INTO compiled_editions(chart, date, entries, body) VALUES(?, ?, ?, ?)");
    SqliteStmt song(db_.get(),
                    "INSERT OR IGNORE INTO songs(song, title, artist, track_id) VALUES(?, ?, ?, '')");
    if (!drop.ok() || !drop_old.ok() || !drop_ed.ok() || !mark.ok() || !edition.ok() ||
        !song.ok())
      return Error();
    std::unordered_set<std::string_view> songs;
    for (const CompiledDate& cd : dates) {
      const Day date = cd.date;
      for (SqliteStmt* st : {&drop, &drop_old, &drop_ed}) {
        st->Bind(1, static_cast<int64_t>(date));
        st->Bind(2, family + ":");
        st->Bind(3, family + ";");  // ':' + 1
        if (st->Step() != SQLITE_DONE) return Error();
        st->Reset();
      }
      for (const ChartEdition& ed : cd.editions) {
        edition.Bind(1, ed.chart);
        edition.Bind(2, static_cast<int64_t>(date));
        edition.Bind(3, static_cast<int64_t>(ed.entries.size()));
        edition.BindBlob(4, EncodeCompiled(ed.entries));
        if (edition.Step() != SQLITE_DONE) return Error();
        edition.Reset();
        // Each song once, for LinkSongs to link to the catalog.
        for (const ChartEntry& e : ed.entries) {
          if (!songs.insert(e.song).second) continue;
          song.Bind(1, e.song);
          song.Bind(2, e.title);
          song.Bind(3, e.artist);
          if (song.Step() != SQLITE_DONE) return Error();
          song.Reset();
        }
      }
      mark.Bind(1, family);
      mark.Bind(2, static_cast<int64_t>(date));
      mark.Bind(3, cd.inputs);
      if (mark.Step() != SQLITE_DONE) return Error();
      mark.Reset();
    }
    return Status::Ok();
  }

  SqliteDb db_;
};

// One file's import: a transaction from BeginImport to Commit (rolled back when dropped). An
// edition the history holds from another file has its old entries set aside in a temporary table
// when the file first hands it over, so that Commit can say what replacing it changes.
class SqliteChartImport final : public ChartImport {
 public:
  SqliteChartImport(SqliteDb* db, bool replace)
      : db_(db),
        replace_(replace),
        find_(db->get(), "SELECT 1 FROM editions WHERE chart = ? AND date = ?"),
        find_compiled_(db->get(),
                       "SELECT body FROM compiled_editions WHERE chart = ? AND date = ?"),
        drop_compiled_(db->get(), "DELETE FROM compiled_editions WHERE chart = ? AND date = ?"),
        keep_compiled_(db->get(),
                       "INSERT INTO temp.replaced_entries(chart, date, song, position) VALUES(?, ?, ?, ?)"),
        keep_(db->get(),
              "INSERT INTO temp.replaced_entries(chart, date, song, position, last_week, peak, "
              "weeks, metric) SELECT chart, date, song, position, last_week, peak, weeks, metric "
              "FROM entries WHERE chart = ? AND date = ?"),
        drop_(db->get(), "DELETE FROM entries WHERE chart = ? AND date = ?"),
        edition_(db->get(), "INSERT OR REPLACE INTO editions(chart, date, source) VALUES(?, ?, ?)"),
        entry_(db->get(),
               "INSERT INTO entries(chart, date, position, title, artist, id, song, last_week,"
               " peak, weeks, metric, line) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        reject_(db->get(), "INSERT INTO rejects(source, line, reason, text) VALUES(?, ?, ?, ?)") {}
  ~SqliteChartImport() override {
    if (open_) (void)db_->Exec("ROLLBACK");
  }

  // Called once, right after construction (the statements need the temporary table).
  Status Begin(const std::string& fingerprint, const std::string& path) {
    ENCORE_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    open_ = true;
    ENCORE_RETURN_IF_ERROR(db_->Exec("DELETE FROM temp.replaced_entries"));
    SqliteStmt src(db_->get(), "INSERT INTO sources(fingerprint, path, rows) VALUES(?, ?, 0)");
    if (!src.ok()) return db_->Error();
    src.Bind(1, fingerprint);
    src.Bind(2, path);
    if (src.Step() != SQLITE_DONE) return db_->Error();
    source_ = sqlite3_last_insert_rowid(db_->get());
    if (!find_.ok() || !find_compiled_.ok() || !drop_compiled_.ok() || !keep_compiled_.ok() ||
        !keep_.ok() || !drop_.ok() || !edition_.ok() || !entry_.ok() ||
        !reject_.ok())
      return db_->Error();
    return Status::Ok();
  }

  Status Add(ChartEdition part) override {
    if (!open_) return Status::Internal("chart import used after it ended");
    const int64_t date = static_cast<int64_t>(part.date);
    if (touched_.insert({part.chart, part.date}).second) {
      find_.Bind(1, part.chart);
      find_.Bind(2, date);
      const int rc = find_.Step();
      find_.Reset();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_->Error();
      if (rc == SQLITE_ROW) {
        for (SqliteStmt* st : {&keep_, &drop_}) {
          st->Bind(1, part.chart);
          st->Bind(2, date);
          if (st->Step() != SQLITE_DONE) return db_->Error();
          st->Reset();
        }
        replaced_.push_back({part.chart, part.date});
      } else {
        ENCORE_RETURN_IF_ERROR(SetAsideCompiled(part.chart, part.date));
      }
      edition_.Bind(1, part.chart);
      edition_.Bind(2, date);
      edition_.Bind(3, source_);
      if (edition_.Step() != SQLITE_DONE) return db_->Error();
      edition_.Reset();
      charts_.insert(part.chart);
    }
    for (const ChartEntry& e : part.entries) {
      entry_.Bind(1, part.chart);
      entry_.Bind(2, date);
      entry_.Bind(3, static_cast<int64_t>(e.position));
      entry_.Bind(4, e.title);
      entry_.Bind(5, e.artist);
      entry_.Bind(6, e.id);
      entry_.Bind(7, e.song);
      entry_.Bind(8, e.last_week);
      entry_.Bind(9, e.peak);
      entry_.Bind(10, e.weeks);
      entry_.Bind(11, e.metric);
      entry_.Bind(12, static_cast<int64_t>(e.line));
      if (entry_.Step() != SQLITE_DONE) return db_->Error();
      entry_.Reset();
    }
    entries_ += part.entries.size();
    return Status::Ok();
  }

  Status Reject(ChartReject r) override {
    if (!open_) return Status::Internal("chart import used after it ended");
    reject_.Bind(1, source_);
    reject_.Bind(2, static_cast<int64_t>(r.line));
    reject_.Bind(3, r.reason);
    reject_.Bind(4, r.text);
    if (reject_.Step() != SQLITE_DONE) return db_->Error();
    reject_.Reset();
    return Status::Ok();
  }

  Result<ChartImportReport> Commit(uint64_t rows) override {
    if (!open_) return Status::Internal("chart import used after it ended");
    ChartImportReport report;
    report.editions = touched_.size();
    report.entries = entries_;
    report.replaced = replaced_.size();
    report.charts.assign(charts_.begin(), charts_.end());
    for (const auto& [chart, date] : replaced_) {
      ENCORE_ASSIGN_OR_RETURN(const ChartEditionChange c, Change(chart, date));
      if (c.added || c.removed || c.moved || c.reprinted)
        report.changes.push_back(c);
      else
        ++report.unchanged;
    }
    if (!report.changes.empty() && !replace_) {
      open_ = false;
      ENCORE_RETURN_IF_ERROR(db_->Exec("ROLLBACK"));
      report.refused = true;
      report.editions = report.entries = 0;
      report.charts.clear();
      return report;
    }
    SqliteStmt update(db_->get(), "UPDATE sources SET rows = ? WHERE id = ?");
    if (!update.ok()) return db_->Error();
    update.Bind(1, static_cast<int64_t>(rows));
    update.Bind(2, source_);
    if (update.Step() != SQLITE_DONE) return db_->Error();
    open_ = false;
    Status s = db_->Exec("COMMIT");
    if (!s.ok()) {
      (void)db_->Exec("ROLLBACK");
      return s;
    }
    return report;
  }

 private:
  // An edition compiled under the same name and date (`compiled_editions`) is replaced like an
  // imported one: its entries set aside for Change, its row dropped (back with a rollback).
  Status SetAsideCompiled(const std::string& chart, Day date) {
    find_compiled_.Bind(1, chart);
    find_compiled_.Bind(2, static_cast<int64_t>(date));
    int rc = find_compiled_.Step();
    if (rc != SQLITE_ROW) {
      find_compiled_.Reset();
      return rc == SQLITE_DONE ? Status::Ok() : db_->Error();
    }
    std::vector<ChartEntry> entries;
    const bool read = DecodeCompiled(find_compiled_.Blob(0), &entries);
    find_compiled_.Reset();
    if (!read) {
      return Status::Corruption(db_->path() + ": the compiled edition " + chart + " " +
                                FormatDate(date) + " cannot be read");
    }
    for (const ChartEntry& e : entries) {
      keep_compiled_.Bind(1, chart);
      keep_compiled_.Bind(2, static_cast<int64_t>(date));
      keep_compiled_.Bind(3, e.song);
      keep_compiled_.Bind(4, static_cast<int64_t>(e.position));
      if (keep_compiled_.Step() != SQLITE_DONE) return db_->Error();
      keep_compiled_.Reset();
    }
    drop_compiled_.Bind(1, chart);
    drop_compiled_.Bind(2, static_cast<int64_t>(date));
    rc = drop_compiled_.Step();
    drop_compiled_.Reset();
    if (rc != SQLITE_DONE) return db_->Error();
    replaced_.push_back({chart, date});
    return Status::Ok();
  }

  // What replacing an edition changes, by identity (an identity twice: its better position).
  // Per identity: its best position, and what its rows print (every row's position, last week,
  // peak and weeks; a corrected streams figure is a correction, not another edition).
  struct Printed {
    int64_t position = INT64_MAX;
    std::string columns;
  };
  Result<ChartEditionChange> Change(const std::string& chart, Day date) {
    auto rows = [&](const char* table) -> Result<std::map<std::string, Printed>> {
      const std::string sql = std::string(
                                  "SELECT song, position, coalesce(last_week, ''), coalesce(peak, "
                                  "''), coalesce(weeks, '') FROM ") +
                              table + " WHERE chart = ? AND date = ? ORDER BY song, position";
      SqliteStmt st(db_->get(), sql.c_str());
      if (!st.ok()) return db_->Error();
      st.Bind(1, chart);
      st.Bind(2, static_cast<int64_t>(date));
      std::map<std::string, Printed> out;
      int rc;
      while ((rc = st.Step()) == SQLITE_ROW) {
        Printed& p = out[st.Text(0)];
        p.position = std::min(p.position, st.Int(1));
        p.columns += std::to_string(st.Int(1)) + "/" + st.Text(2) + "/" + st.Text(3) + "/" +
                     st.Text(4) + ";";
      }
      if (rc != SQLITE_DONE) return db_->Error();
      return out;
    };
    ENCORE_ASSIGN_OR_RETURN(const auto before, rows("temp.replaced_entries"));
    ENCORE_ASSIGN_OR_RETURN(const auto after, rows("entries"));
    ChartEditionChange c;
    c.chart = chart;
    c.date = date;
    for (const auto& [song, now] : after) {
      const auto it = before.find(song);
      if (it == before.end())
        ++c.added;
      else if (it->second.position != now.position)
        ++c.moved;
      else if (it->second.columns != now.columns)
        ++c.reprinted;
    }
    for (const auto& [song, was] : before) c.removed += after.count(song) ? 0 : 1;
    return c;
  }

  SqliteDb* db_;
  bool replace_;
  bool open_ = false;
  int64_t source_ = 0;
  SqliteStmt find_, find_compiled_, drop_compiled_, keep_compiled_, keep_, drop_, edition_, entry_,
      reject_;
  std::set<std::pair<std::string, Day>> touched_;
  std::vector<std::pair<std::string, Day>> replaced_;
  std::set<std::string> charts_;
  size_t entries_ = 0;
};

Result<std::unique_ptr<ChartImport>> SqliteChartHistory::BeginImport(
    const std::string& fingerprint, const std::string& path, const ChartImportOptions& options) {
  ENCORE_RETURN_IF_ERROR(
      Exec("CREATE TEMP TABLE IF NOT EXISTS replaced_entries(chart TEXT NOT NULL, date INTEGER NOT"
           " NULL, song TEXT NOT NULL, position INTEGER NOT NULL, last_week INTEGER, peak INTEGER,"
           " weeks INTEGER, metric INTEGER);"
           "CREATE INDEX IF NOT EXISTS temp.replaced_by_edition ON replaced_entries(chart, date)"));
  auto import = std::make_unique<SqliteChartImport>(&db_, options.replace);
  ENCORE_RETURN_IF_ERROR(import->Begin(fingerprint, path));
  return std::unique_ptr<ChartImport>(std::move(import));
}

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
