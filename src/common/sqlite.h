// A thin RAII layer over SQLite for the relational side files of a store (catalog, chart
// history, sales): a connection that opens with a schema, statements that finalise themselves,
// and errors as Status naming the file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "encore/status.h"

namespace encore {

class SqliteStmt {
 public:
  SqliteStmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); }
  ~SqliteStmt() { sqlite3_finalize(st_); }
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;

  bool ok() const { return st_ != nullptr; }
  sqlite3_stmt* get() const { return st_; }
  void Bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(st_, i, v); }
  void BindBlob(int i, std::string_view b) {
    sqlite3_bind_blob64(st_, i, b.data(), b.size(), SQLITE_TRANSIENT);
  }
  void Bind(int i, const std::optional<int>& v) {
    if (v)
      sqlite3_bind_int64(st_, i, *v);
    else
      sqlite3_bind_null(st_, i);
  }
  void Bind(int i, const std::optional<int64_t>& v) {
    if (v)
      sqlite3_bind_int64(st_, i, *v);
    else
      sqlite3_bind_null(st_, i);
  }
  int Step() { return sqlite3_step(st_); }
  // Step, then reset for the next row of bindings: true when the statement is done.
  bool Run() {
    const bool done = sqlite3_step(st_) == SQLITE_DONE;
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
    return done;
  }
  void Reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(st_, col); }
  std::string_view Blob(int col) const {
    const void* p = sqlite3_column_blob(st_, col);
    return p ? std::string_view(static_cast<const char*>(p),
                                static_cast<size_t>(sqlite3_column_bytes(st_, col)))
             : std::string_view();
  }
  std::optional<int> OptInt(int col) const {
    if (sqlite3_column_type(st_, col) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int(st_, col);
  }

 private:
  sqlite3_stmt* st_ = nullptr;
};

class SqliteDb {
 public:
  ~SqliteDb() { sqlite3_close(db_); }
  // Opens (creating when asked) with full durability, then runs `schema`.
  Status Open(const std::string& path, bool create, const char* schema) {
    path_ = path;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK)
      return Status::IoError("cannot open " + path + ": " + sqlite3_errmsg(db_));
    sqlite3_busy_timeout(db_, 10000);
    ENCORE_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"));
    return Exec(schema);
  }
  Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Status s = Status::IoError(path_ + ": " + (err ? err : "error"));
      sqlite3_free(err);
      return s;
    }
    return Status::Ok();
  }
  // The last error, naming the file.
  Status Error() const { return Status::IoError(path_ + ": " + sqlite3_errmsg(db_)); }
  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace encore
