// An in-memory SQLite database for the end-to-end tests' independent computations.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

namespace encore::test {

class Sql {
 public:
  Sql() { sqlite3_open(":memory:", &db_); }
  ~Sql() { sqlite3_close(db_); }
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
  }
  // A statement for the caller to step and finalise.
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
    return st;
  }
  // Every row of a query, each column as text.
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    sqlite3_stmt* st = Prepare(sql);
    std::vector<std::vector<std::string>> out;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }
  // Inserts rows of text into a table of `columns` columns, in one transaction.
  void Insert(const std::string& table, const std::vector<std::vector<std::string>>& rows,
              size_t columns) {
    Exec("BEGIN");
    std::string sql = "INSERT INTO " + table + " VALUES(?";
    for (size_t i = 1; i < columns; ++i) sql += ",?";
    sqlite3_stmt* st = Prepare(sql + ")");
    for (const auto& r : rows) {
      for (size_t i = 0; i < columns; ++i) {
        sqlite3_bind_text(st, static_cast<int>(i + 1), r[i].c_str(), -1, SQLITE_TRANSIENT);
      }
      sqlite3_step(st);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    Exec("COMMIT");
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace encore::test
