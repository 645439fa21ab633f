// A view's table as CSV (views/views.h): the API's format=csv and the CLI's --format csv.
#include <algorithm>
#include <map>
#include <set>

#include "common/strings.h"
#include "views/views.h"

namespace encore::views {
namespace {

// A CSV cell of a JSON value: numbers and booleans as JSON writes them, null empty, a list of
// values joined by "; ", anything else as compact JSON; text through SpreadsheetCsvField.
std::string CsvCell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_number() || v.is_boolean()) return v.dump();
  std::string s;
  if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) {
               return x.is_primitive();
             })) {
    for (const json& x : v) s += (s.empty() ? "" : "; ") + (x.is_string() ? x.get<std::string>() : x.dump());
  } else {
    s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return SpreadsheetCsvField(s);
}

// An object of equal-length arrays ({"dates": [...], "streams": [...]}, a series) as rows.
std::optional<json> RowsOfColumns(const json& v) {
  if (!v.is_object()) return std::nullopt;
  size_t n = 0;
  bool any = false;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it.value().is_array()) continue;
    if (any && it.value().size() != n) return std::nullopt;
    n = it.value().size();
    any = true;
  }
  if (!any || n == 0) return std::nullopt;
  json rows = json::array();
  for (size_t i = 0; i < n; ++i) {
    json row = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.value().is_array()) row[it.key() == "dates" ? "date" : it.key()] = it.value()[i];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

// The table of an answer as CSV (format=csv): `table` names it (a key of the answer), else the
// first among the keys a table goes by, else the first array of objects; a series given as
// columns ({"dates": [...], "streams": [...]}) is turned into rows. A row per element, a column per
// key (objects within a row flattened one level: `link.id`), rank, position, date and names
// first. kInvalidArgument when there is no such table.
Result<std::string> TableCsv(const json& body, const std::string& table_name) {
  static const char* kTables[] = {"entries", "standings", "rows",      "points",     "series", "items",
                                  "results", "days",      "countries", "milestones", "tracks",
                                  "sources"};
  // An empty list, or a series (columns) without a day: a table with no rows.
  auto empty_table = [](const json& v) {
    if (v.is_array()) return v.empty();
    return v.is_object() && v.contains("dates") && v["dates"].is_array() && v["dates"].empty();
  };
  auto as_table = [](const json& v) -> std::optional<json> {
    if (v.is_array() && !v.empty() &&
        std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_object(); })) {
      return v;
    }
    return RowsOfColumns(v);
  };
  std::optional<json> table;
  if (body.is_array()) {  // a view that is a list (news)
    if (!table_name.empty())
      return Status::InvalidArgument("this answer is one table: --table/table= names none");
    if (body.empty()) return std::string();
    table = as_table(body);
    if (!table) return Status::InvalidArgument("this answer is a list, but not of rows");
  }
  if (!table && !table_name.empty()) {
    if (!body.is_object() || !body.contains(table_name)) {
      std::string keys;
      for (auto it = body.begin(); body.is_object() && it != body.end(); ++it) {
        if (as_table(it.value())) keys += (keys.empty() ? "" : ", ") + it.key();
      }
      return Status::InvalidArgument("no table '" + table_name + "' in this answer (it has: " +
                                     (keys.empty() ? "none" : keys) + ")");
    }
    table = as_table(body.at(table_name));
    if (!table) {
      // An empty list: nothing to give; a list of values or one value: not a table.
      if (empty_table(body.at(table_name))) return std::string();
      return Status::InvalidArgument("'" + table_name + "' is not a table (a table is a list of rows)");
    }
  }
  for (const char* k : kTables) {
    if (table || !body.is_object() || !body.contains(k)) continue;
    if (empty_table(body.at(k))) return std::string();  // the main table, with no rows
    table = as_table(body.at(k));
  }
  for (auto it = body.begin(); !table && body.is_object() && it != body.end(); ++it) {
    table = as_table(it.value());
  }
  if (!table && body.is_object() && body.contains("dates")) {  // the view is a series
    table = RowsOfColumns(body);
    if (!table) return std::string();
  }
  if (!table) {
    for (const char* k : kTables) {  // an empty table: nothing to give
      if (body.is_object() && body.contains(k) && body.at(k).is_array()) return std::string();
    }
    return Status::InvalidArgument("this answer holds no table to give as CSV (format=json)");
  }
  std::vector<std::string> columns;
  std::set<std::string> seen;
  std::vector<std::map<std::string, const json*>> rows;
  for (const json& row : *table) {
    std::map<std::string, const json*> cells;
    auto add = [&](const std::string& name, const json* v) {
      if (seen.insert(name).second) columns.push_back(name);
      cells[name] = v;
    };
    for (auto it = row.begin(); it != row.end(); ++it) {
      if (it.value().is_object()) {
        for (auto in = it.value().begin(); in != it.value().end(); ++in) {
          add(it.key() + "." + in.key(), &in.value());
        }
      } else {
        add(it.key(), &it.value());
      }
    }
    rows.push_back(std::move(cells));
  }
  // Then the order of a series (streams, its tiers; cumulative after any other column) and of
  // milestones (date, counted, threshold, days, before, after).
  static const char* kFirst[] = {"rank",   "position", "date",    "counted",   "threshold",
                                 "name",   "title",    "artist",  "id",        "streams",
                                 "premium", "free",    "unknown", "days",      "year",
                                 "day_of_year", "before", "after"};
  std::stable_sort(columns.begin(), columns.end(), [](const std::string& a, const std::string& b) {
    auto at = [](const std::string& c) {
      const auto* it = std::find(std::begin(kFirst), std::end(kFirst), c);
      return static_cast<size_t>(it - std::begin(kFirst));
    };
    return at(a) < at(b);
  });
  std::string out;
  for (size_t c = 0; c < columns.size(); ++c) out += (c ? "," : "") + CsvCell(columns[c]);
  out += "\n";
  for (const auto& cells : rows) {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c) out += ',';
      if (auto it = cells.find(columns[c]); it != cells.end()) out += CsvCell(*it->second);
    }
    out += "\n";
  }
  return out;
}

}  // namespace encore::views
