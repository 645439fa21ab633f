// Sales and airplay: validated, counted exactly once, kept in store_dir/sales.sqlite.
#include "encore/sales.h"

#include <sqlite3.h>

#include <charconv>
#include <filesystem>
#include <map>
#include <tuple>

#include "common/byte_source.h"
#include "common/csv_scanner.h"
#include "common/hash.h"
#include "common/line_reader.h"
#include "common/sqlite.h"
#include "common/strings.h"
#include "encore/keys.h"

namespace encore {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, fingerprint TEXT UNIQUE NOT NULL,"
    " path TEXT NOT NULL, kind TEXT NOT NULL, lines INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " rejected INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sales(hour INTEGER NOT NULL, store TEXT NOT NULL,"
    " country TEXT NOT NULL, item TEXT NOT NULL, format TEXT NOT NULL, units INTEGER NOT NULL,"
    " PRIMARY KEY(hour, store, country, item, format)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS airplay(day INTEGER NOT NULL, country TEXT NOT NULL,"
    " track TEXT NOT NULL, audience INTEGER NOT NULL, PRIMARY KEY(day, country, track))"
    " WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS rejects(source INTEGER NOT NULL, line INTEGER NOT NULL,"
    " reason TEXT NOT NULL, text TEXT NOT NULL);";

const std::vector<std::string> kSalesColumns = {"ts",   "store",  "country",
                                                "item", "format", "units"};
const std::vector<std::string> kAirplayColumns = {"date", "country", "track", "audience"};

// Column positions of the needed columns in a header; nullopt when one is missing.
std::optional<std::vector<size_t>> Columns(const std::vector<std::string>& header,
                                           const std::vector<std::string>& needed) {
  std::vector<size_t> at;
  for (const auto& n : needed) {
    size_t i = 0;
    while (i < header.size() && Trim(header[i]) != n) ++i;
    if (i == header.size()) return std::nullopt;
    at.push_back(i);
  }
  return at;
}

// The header's fields (the file's first line, after a byte-order mark).
std::vector<std::string> HeaderOf(std::string_view data) {
  if (data.rfind("\xEF\xBB\xBF", 0) == 0) data.remove_prefix(3);
  std::string_view line = data.substr(0, data.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string_view> fields;
  std::string scratch;
  if (!SplitCsv(line, &fields, &scratch)) return {};
  return {fields.begin(), fields.end()};
}

class SqliteSalesData final : public SalesData {
 public:
  Status Open(const std::string& path) { return db_.Open(path, false, kSchema); }

  Result<std::map<std::string, int64_t>> Units(int64_t from, int64_t to, const std::string& format,
                                               const std::string& country,
                                               const std::string& store) override {
    SqliteStmt g(db_.get(),
                 "SELECT item, SUM(units) FROM sales WHERE hour >= ? AND hour <= ? AND format = ?"
                 " AND (? = '' OR country = ?) AND (? = '' OR store = ?) GROUP BY item");
    if (!g.ok()) return db_.Error();
    g.Bind(1, static_cast<int64_t>(from / 3600));
    g.Bind(2, static_cast<int64_t>(to / 3600));
    g.Bind(3, std::string(format));
    g.Bind(4, std::string(country));
    g.Bind(5, std::string(country));
    g.Bind(6, std::string(store));
    g.Bind(7, std::string(store));
    std::map<std::string, int64_t> out;
    int rc;
    while ((rc = g.Step()) == SQLITE_ROW) out[g.Text(0)] = g.Int(1);
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

  Result<std::map<std::string, int64_t>> Audience(Day from, Day to,
                                                  const std::string& country) override {
    SqliteStmt g(db_.get(),
                 "SELECT track, SUM(audience) FROM airplay WHERE day >= ? AND day <= ?"
                 " AND (? = '' OR country = ?) GROUP BY track");
    if (!g.ok()) return db_.Error();
    g.Bind(1, static_cast<int64_t>(from));
    g.Bind(2, static_cast<int64_t>(to));
    g.Bind(3, std::string(country));
    g.Bind(4, std::string(country));
    std::map<std::string, int64_t> out;
    int rc;
    while ((rc = g.Step()) == SQLITE_ROW) out[g.Text(0)] = g.Int(1);
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

  Result<std::vector<std::string>> Countries(int64_t from, int64_t to,
                                             const std::string& store) override {
    SqliteStmt g(db_.get(),
                 "SELECT DISTINCT country FROM sales WHERE hour >= ? AND hour <= ?"
                 " AND (? = '' OR store = ?) ORDER BY country");
    if (!g.ok()) return db_.Error();
    g.Bind(1, static_cast<int64_t>(from / 3600));
    g.Bind(2, static_cast<int64_t>(to / 3600));
    g.Bind(3, std::string(store));
    g.Bind(4, std::string(store));
    std::vector<std::string> out;
    int rc;
    while ((rc = g.Step()) == SQLITE_ROW) out.push_back(g.Text(0));
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

  Result<std::vector<std::pair<std::string, ExtraReject>>> Rejects() override {
    SqliteStmt g(
        db_.get(),
        "SELECT s.path, r.line, r.reason, r.text FROM rejects r JOIN sources s ON s.id = r.source"
        " ORDER BY s.path, r.line");
    if (!g.ok()) return db_.Error();
    std::vector<std::pair<std::string, ExtraReject>> out;
    int rc;
    while ((rc = g.Step()) == SQLITE_ROW) {
      out.push_back({g.Text(0), {static_cast<uint64_t>(g.Int(1)), g.Text(2), g.Text(3)}});
    }
    if (rc != SQLITE_DONE) return db_.Error();
    return out;
  }

 private:
  SqliteDb db_;
};

}  // namespace

Result<std::optional<ExtraInput>> DetectExtraInput(const std::string& path) {
  ENCORE_ASSIGN_OR_RETURN(std::string head, ReadDecompressed(path, 64 * 1024));
  const auto header = HeaderOf(head);
  if (Columns(header, kSalesColumns)) return std::optional<ExtraInput>(ExtraInput::kSales);
  if (Columns(header, kAirplayColumns)) return std::optional<ExtraInput>(ExtraInput::kAirplay);
  return std::optional<ExtraInput>();
}

Result<ExtraInputReport> IngestExtraInput(const std::string& store_dir, const std::string& path,
                                          bool strict) {
  // Streamed line by line (bounded memory, whatever the file): only the sums and the rejects
  // grow, with what the file holds.
  ENCORE_ASSIGN_OR_RETURN(auto input, OpenByteSource(path));
  Fingerprinter fp;
  LineReader lines(input.get(), kMaxRecordBytes, &fp);
  LineReader::Line rec;
  ExtraInputReport rep;
  rep.path = path;
  ENCORE_ASSIGN_OR_RETURN(bool any, lines.Next(&rec));
  const auto header = any && !rec.too_long ? HeaderOf(rec.text) : std::vector<std::string>();
  const auto sales_cols = Columns(header, kSalesColumns);
  const auto air_cols = Columns(header, kAirplayColumns);
  if (!sales_cols && !air_cols) {
    return Status::DataError(path + ":1: not a sales or airplay file (columns " +
                             "ts,store,country,item,format,units or date,country,track,audience)");
  }
  rep.kind = sales_cols ? ExtraInput::kSales : ExtraInput::kAirplay;
  const std::vector<size_t>& col = sales_cols ? *sales_cols : *air_cols;
  // Sums of the file, then one transaction.
  std::map<std::tuple<int64_t, std::string, std::string, std::string, std::string>, int64_t> sales;
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> airplay;
  std::vector<std::string_view> f;
  std::string scratch;
  const std::string name = std::filesystem::path(path).filename().string();
  for (;;) {
    ENCORE_ASSIGN_OR_RETURN(bool more, lines.Next(&rec));
    if (!more) break;
    if (Trim(rec.text).empty()) continue;
    ++rep.lines;
    std::string reason;
    auto reject = [&](std::string why) { reason = std::move(why); };
    if (rec.too_long) {
      reject("record_too_long");
    } else if (!SplitCsv(rec.text, &f, &scratch) || f.size() != header.size()) {
      reject("bad_csv");
    } else if (rep.kind == ExtraInput::kSales) {
      const auto ts = ParseTimestamp(Trim(f[col[0]]));
      const std::string store(Trim(f[col[1]])), country(Trim(f[col[2]])), item(Trim(f[col[3]])),
          format(Trim(f[col[4]]));
      const auto units = ParseInt64(Trim(f[col[5]]));
      if (!ts)
        reject("bad_timestamp");
      else if (store.empty() || store.size() > 64)
        reject("bad_store");
      else if (!ParseCountry(country, false))
        reject("bad_country");
      else if (item.empty() || item.size() > 64)
        reject("bad_item");
      else if (format != "track" && format != "album")
        reject("bad_format");
      else if (!units || *units < 1 || *units > 1000000000)
        reject("bad_units");
      else {
        sales[{*ts / 3600, store, country, item, format}] += *units;
        rep.units += static_cast<uint64_t>(*units);
        if (!rep.first_ts || *ts < *rep.first_ts) rep.first_ts = *ts;
        if (!rep.last_ts || *ts > *rep.last_ts) rep.last_ts = *ts;
      }
    } else {
      const auto day = ParseDate(Trim(f[col[0]]));
      const std::string country(Trim(f[col[1]])), track(Trim(f[col[2]]));
      const auto audience = ParseInt64(Trim(f[col[3]]));
      if (!day)
        reject("bad_date");
      else if (!ParseCountry(country, false))
        reject("bad_country");
      else if (track.empty() || track.size() > 64)
        reject("bad_track");
      else if (!audience || *audience < 0)
        reject("bad_audience");
      else {
        airplay[{*day, country, track}] += *audience;
        rep.units += static_cast<uint64_t>(*audience);
        const int64_t ts = static_cast<int64_t>(*day) * 86400;
        if (!rep.first_ts || ts < *rep.first_ts) rep.first_ts = ts;
        if (!rep.last_ts || ts > *rep.last_ts) rep.last_ts = ts;
      }
    }
    if (!reason.empty()) {
      if (strict) {
        return Status::DataError(name + ":" + std::to_string(rec.number) + ": " + reason +
                                 " (strict mode): " + std::string(rec.text));
      }
      rep.rejects.push_back({rec.number, reason, std::string(rec.text)});
    } else {
      ++rep.rows;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(store_dir, ec);
  SqliteDb db;
  const std::string fingerprint = fp.Hex();
  ENCORE_RETURN_IF_ERROR(db.Open(store_dir + "/sales.sqlite", true, kSchema));
  ENCORE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto fail = [&](Status s) {
    (void)db.Exec("ROLLBACK");
    return s;
  };
  {
    SqliteStmt g(db.get(), "SELECT 1 FROM sources WHERE fingerprint = ?");
    g.Bind(1, fingerprint);
    if (g.Step() == SQLITE_ROW) {
      rep.already_ingested = true;
      (void)db.Exec("ROLLBACK");
      return rep;
    }
  }
  SqliteStmt src(
      db.get(),
      "INSERT INTO sources(fingerprint, path, kind, lines, rows, rejected) VALUES(?,?,?,?,?,?)");
  src.Bind(1, fingerprint);
  src.Bind(2, path);
  src.Bind(3, std::string(rep.kind == ExtraInput::kSales ? "sales" : "airplay"));
  src.Bind(4, static_cast<int64_t>(rep.lines));
  src.Bind(5, static_cast<int64_t>(rep.rows));
  src.Bind(6, static_cast<int64_t>(rep.rejects.size()));
  if (src.Step() != SQLITE_DONE) return fail(db.Error());
  const int64_t source = sqlite3_last_insert_rowid(db.get());
  SqliteStmt rej(db.get(), "INSERT INTO rejects(source, line, reason, text) VALUES(?,?,?,?)");
  for (const auto& r : rep.rejects) {
    rej.Bind(1, static_cast<int64_t>(source));
    rej.Bind(2, static_cast<int64_t>(r.line));
    rej.Bind(3, std::string(r.reason));
    rej.Bind(4, std::string(r.text));
    if (rej.Step() != SQLITE_DONE) return fail(db.Error());
    rej.Reset();
  }
  SqliteStmt ins_s(
      db.get(),
      "INSERT INTO sales(hour, store, country, item, format, units) VALUES(?,?,?,?,?,?)"
      " ON CONFLICT(hour, store, country, item, format) DO UPDATE SET units = units + "
      "excluded.units");
  for (const auto& [k, units] : sales) {
    ins_s.Bind(1, static_cast<int64_t>(std::get<0>(k)));
    ins_s.Bind(2, std::string(std::get<1>(k)));
    ins_s.Bind(3, std::string(std::get<2>(k)));
    ins_s.Bind(4, std::string(std::get<3>(k)));
    ins_s.Bind(5, std::string(std::get<4>(k)));
    ins_s.Bind(6, static_cast<int64_t>(units));
    if (ins_s.Step() != SQLITE_DONE) return fail(db.Error());
    ins_s.Reset();
  }
  SqliteStmt ins_a(
      db.get(),
      "INSERT INTO airplay(day, country, track, audience) VALUES(?,?,?,?)"
      " ON CONFLICT(day, country, track) DO UPDATE SET audience = audience + excluded.audience");
  for (const auto& [k, audience] : airplay) {
    ins_a.Bind(1, static_cast<int64_t>(std::get<0>(k)));
    ins_a.Bind(2, std::string(std::get<1>(k)));
    ins_a.Bind(3, std::string(std::get<2>(k)));
    ins_a.Bind(4, static_cast<int64_t>(audience));
    if (ins_a.Step() != SQLITE_DONE) return fail(db.Error());
    ins_a.Reset();
  }
  ENCORE_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return rep;
}

Result<std::unique_ptr<SalesData>> OpenSalesData(const std::string& store_dir) {
  const std::string path = store_dir + "/sales.sqlite";
  if (!std::filesystem::exists(path)) return std::unique_ptr<SalesData>();
  auto d = std::make_unique<SqliteSalesData>();
  ENCORE_RETURN_IF_ERROR(d->Open(path));
  return std::unique_ptr<SalesData>(std::move(d));
}

}  // namespace encore
