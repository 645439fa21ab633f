// Billboard charts as JSON: one week, {"date": "2023-07-29", "data": [{"song", "artist",
// "this_week", "last_week", "peak_position", "weeks_on_chart"}, …]} (mhollingshead's
// date/YYYY-MM-DD.json and recent.json), an array of such weeks (its all.json), and billboard.py's
// ChartData.json() ({"name": "hot-100", "date", "entries": [{"title", "artist", "rank",
// "lastPos", "peakPos", "weeks"}]}). Streamed through nlohmann's SAX parser from the file's
// blocks: memory holds one week, and no value over 1 MiB.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <nlohmann/json.hpp>

#include "charts/chart_layouts.h"
#include "charts/json_stream.h"
#include "common/byte_source.h"
#include "common/hash.h"
#include "common/strings.h"
#include "common/text.h"
#include "encore/charts.h"

namespace encore {
namespace {

constexpr size_t kMaxDepth = 32;
constexpr size_t kMaxWeekEntries = 100000;

// A scalar as read: its text, and its integer value where it is one.
struct Scalar {
  bool null = false;
  std::string text;
  std::optional<int64_t> number;
  bool is_string = false;  // a JSON string (names must be)
};

std::optional<int64_t> WholeNumber(std::string_view s) {
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.remove_suffix(2);
  return ParseInt64(Trim(s));
}

class WeekReader {
 public:
  WeekReader(JsonCursor* cursor, const std::string& path, const ChartReadOptions& options,
             ChartSink* sink)
      : cursor_(cursor), path_(path), options_(options), sink_(sink) {
    const SpotifyFileName n = ParseSpotifyFileName(path);  // only the date of its name
    name_date_ = n.date;
  }

  // SAX events.
  bool null() { return Value(Scalar{true, "null", std::nullopt}); }
  bool boolean(bool v) { return Value(Scalar{false, v ? "true" : "false", std::nullopt}); }
  bool number_integer(int64_t v) { return Value(Scalar{false, std::to_string(v), v}); }
  bool number_unsigned(uint64_t v) {
    return Value(Scalar{false, std::to_string(v),
                        v <= static_cast<uint64_t>(INT64_MAX)
                            ? std::optional<int64_t>(static_cast<int64_t>(v))
                            : std::nullopt});
  }
  bool number_float(double, const std::string& s) {
    return Value(Scalar{false, s, WholeNumber(s)});
  }
  bool string(std::string& s) { return Value(Scalar{false, s, std::nullopt, true}); }
  bool binary(nlohmann::json::binary_t&) { return Value(Scalar{false, "binary", std::nullopt}); }
  bool start_object(std::size_t) { return Open(true); }
  bool start_array(std::size_t) { return Open(false); }
  bool key(std::string& k) {
    cursor_->Event();
    if (!stack_.empty()) {
      stack_.back().key = k;
      for (char& c : stack_.back().key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return true;
  }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    if (error_.empty())
      error_ = cursor_->failed().empty() ? std::string("not valid JSON: ") + ex.what()
                                         : cursor_->failed();
    error_line_ = cursor_->line();
    return false;
  }

  const std::string& error() const { return error_; }
  uint64_t error_line() const { return error_line_; }
  uint64_t weeks() const { return weeks_; }
  ChartFileSummary& summary() { return summary_; }

 private:
  enum Kind { kOther, kWeekList, kWeek, kEntryList, kEntry };
  struct Frame {
    bool object;
    Kind kind;
    std::string key;  // an object's current key
  };

  Kind ParentKind() const { return stack_.empty() ? kOther : stack_.back().kind; }
  const std::string& ParentKey() const {
    static const std::string kNone;
    return stack_.empty() ? kNone : stack_.back().key;
  }

  bool Open(bool object) {
    cursor_->Event();
    if (stack_.size() >= kMaxDepth) return Fail("nested deeper than " + std::to_string(kMaxDepth));
    Kind kind = kOther;
    const Kind parent = ParentKind();
    if (stack_.empty()) {
      kind = object ? kWeek : kWeekList;
    } else if (object && parent == kWeekList) {
      kind = kWeek;
    } else if (!object && parent == kWeek && (ParentKey() == "data" || ParentKey() == "entries")) {
      kind = kEntryList;
      has_entries_ = true;
    } else if (object && parent == kEntryList) {
      kind = kEntry;
      entry_ = {};
      ++ordinal_;
    }
    if (kind == kWeek) {
      week_ = {};
      week_date_.reset();
      week_name_.clear();
      has_entries_ = false;
      ordinal_ = 0;
      date_text_.clear();
    }
    stack_.push_back({object, kind, ""});
    return true;
  }

  bool Value(Scalar v) {
    cursor_->Event();
    const Kind parent = ParentKind();
    const std::string& key = ParentKey();
    if (parent == kEntry) {
      entry_.emplace_back(key, std::move(v));
    } else if (parent == kWeek && key == "date") {
      date_text_ = v.text;
      week_date_ = ParseDate(Trim(v.text));
    } else if (parent == kWeek && key == "name") {
      week_name_ = v.text;
    }
    return true;
  }

  bool Close() {
    cursor_->Event();
    if (stack_.empty()) return true;
    const Kind kind = stack_.back().kind;
    stack_.pop_back();
    if (kind == kEntry) return EndEntry();
    if (kind == kWeek && has_entries_) return EndWeek();
    return true;
  }

  bool EndEntry() {
    ChartEntry e;
    e.line = cursor_->line();
    const Scalar* pos = nullptr;
    const Scalar* last = nullptr;
    const Scalar* peak = nullptr;
    const Scalar* weeks = nullptr;
    std::string not_text;  // a name that is not a JSON string: rejected, not made up
    for (const auto& [k, v] : entry_) {
      if ((k == "song" || k == "title" || k == "artist") && !v.is_string && !v.null)
        not_text = k + " is not a string (" + v.text + ")";
      const bool text = !v.null && v.is_string;
      if ((k == "song" || k == "title") && text) e.title = Trim(v.text);
      if (k == "artist" && text) e.artist = Trim(v.text);
      if (k == "this_week" || k == "rank" || k == "position") pos = &v;
      if (k == "last_week" || k == "lastpos") last = &v;
      if (k == "peak_position" || k == "peakpos") peak = &v;
      if (k == "weeks_on_chart" || k == "weeks") weeks = &v;
    }
    const std::string at = "entry " + std::to_string(ordinal_) + ": ";
    auto number = [](const Scalar* s) -> std::optional<int64_t> {
      if (!s) return std::nullopt;
      return s->number ? s->number : WholeNumber(s->text);
    };
    const auto p = number(pos);
    if (!p || *p < 1 || *p > 100000)
      return Reject(at + "position is not a number from 1: '" + (pos ? pos->text : "") + "'");
    e.position = static_cast<int>(*p);
    if (!not_text.empty()) return Reject(at + not_text);
    if (e.title.empty() || e.artist.empty())
      return Reject(at + (e.title.empty() ? "empty title" : "empty artist"));
    if (!CleanText(e.title) || !CleanText(e.artist))
      return Reject(at + "title or artist is not UTF-8 text (invalid bytes or control characters)");
    std::string bad;
    auto printed = [&](const Scalar* s, const char* what) -> std::optional<int> {
      if (!s || s->null || s->text.empty() || s->text == "-") return std::nullopt;
      const auto n = number(s);
      if (!n || *n < 0 || *n > 100000) {
        if (bad.empty()) bad = std::string(what) + " is not a number: '" + s->text + "'";
        return std::nullopt;
      }
      if (*n == 0) return std::nullopt;  // billboard.py's lastPos 0: new
      return static_cast<int>(*n);
    };
    e.last_week = printed(last, "last week");
    e.peak = printed(peak, "peak");
    e.weeks = printed(weeks, "weeks");
    if (!bad.empty()) return Reject(at + bad);
    if (week_.size() >= kMaxWeekEntries)
      return Reject(at + "more than " + std::to_string(kMaxWeekEntries) + " entries in a week");
    e.song = EntryKey(e.artist, e.title);
    week_.push_back(std::move(e));
    return true;
  }

  bool EndWeek() {
    ++weeks_;
    const std::optional<Day> date = week_date_           ? week_date_
                                    : date_text_.empty() ? name_date_
                                                         : std::nullopt;
    if (!date || !PlausibleChartDate(*date)) {
      for (const ChartEntry& e : week_) {
        ++summary_.rejects;
        Status s = sink_->Reject(
            {e.line,
             date ? "the week's date is implausible (before 1900 or over a year ahead): '" +
                        date_text_ + "'"
                  : "the week's date is not a date: '" + date_text_ + "'",
             e.title});
        if (!s.ok()) return Fail(s.message());
      }
      week_.clear();
      return true;
    }
    if (week_.empty()) return true;
    std::stable_sort(week_.begin(), week_.end(), [](const ChartEntry& a, const ChartEntry& b) {
      return a.position < b.position;
    });
    if (chart_.empty()) {
      auto choice = ChooseBillboardChart(path_, options_.chart, week_name_, "billboard-hot-100",
                                         week_.back().position);
      if (!choice.ok()) return Fail(choice.status().message());
      chart_ = choice->chart;
      summary_.chart_from = choice->from;
    }
    ChartEdition ed;
    ed.chart = chart_;
    ed.date = *date;
    ed.entries = std::move(week_);
    week_.clear();
    summary_.rows += ed.entries.size();
    Status s = sink_->Add(std::move(ed));
    return s.ok() || Fail(s.message());
  }

  bool Reject(std::string reason) {
    ++summary_.rejects;
    nlohmann::json text = nlohmann::json::object();
    for (const auto& [k, v] : entry_) text[k] = v.text;
    Status s = sink_->Reject(
        {cursor_->line(), std::move(reason),
         text.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 4096)});
    return s.ok() || Fail(s.message());
  }

  bool Fail(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_line_ = cursor_->line();
    }
    return false;
  }

  JsonCursor* cursor_;
  const std::string& path_;
  const ChartReadOptions& options_;
  ChartSink* sink_;
  std::optional<Day> name_date_;
  std::vector<Frame> stack_;
  std::vector<std::pair<std::string, Scalar>> entry_;
  std::vector<ChartEntry> week_;
  std::optional<Day> week_date_;
  std::string date_text_, week_name_, chart_, error_;
  uint64_t error_line_ = 0, weeks_ = 0, ordinal_ = 0;
  bool has_entries_ = false;
  ChartFileSummary summary_;
};

}  // namespace

Result<ChartFileSummary> StreamBillboardJson(const std::string& path,
                                             const ChartReadOptions& options, ChartSink* sink,
                                             std::vector<ChartIssue>* issues) {
  const std::string name = std::filesystem::path(path).filename().string();
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  Fingerprinter fp;
  JsonCursor cursor(src.get(), &fp);
  WeekReader reader(&cursor, path, options, sink);
  const bool ok = nlohmann::json::sax_parse(JsonIterator{&cursor}, JsonIterator{}, &reader);
  if (!ok || !reader.error().empty()) {
    issues->push_back({name, reader.error_line(), reader.error()});
    return Status::DataError("not a readable chart file: " + path);
  }
  if (reader.weeks() == 0) {
    issues->push_back({name, 0,
                       "not a chart file: a JSON document without chart weeks (known: "
                       "{\"date\": \"YYYY-MM-DD\", \"data\": [{\"song\", \"artist\", "
                       "\"this_week\", \"last_week\", \"peak_position\", \"weeks_on_chart\"}]}, "
                       "an array of them, or billboard.py's {\"name\", \"date\", \"entries\"})"});
    return Status::DataError("not a chart file: " + path);
  }
  if (reader.summary().rows == 0) {
    issues->push_back({name, 0, "no chart entries"});
    return Status::DataError("no chart entries in " + path);
  }
  ENCORE_RETURN_IF_ERROR(cursor.Drain());
  ChartFileSummary summary = std::move(reader.summary());
  summary.format = ChartFileFormat::kBillboardJson;
  summary.fingerprint = fp.Hex();
  return summary;
}

}  // namespace encore
