// Reading published chart files: shared spec §6 and the publishers' own CSVs (doc/charts.md),
// streamed line by line so that memory stays bounded whatever the file's size. The layouts are
// told apart by their header's column names; a JSON document goes to billboard_json.cc.
#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "catalog/names.h"
#include "charts/chart_layouts.h"
#include "common/byte_source.h"
#include "common/csv_scanner.h"
#include "common/hash.h"
#include "common/line_reader.h"
#include "common/strings.h"
#include "common/text.h"
#include "encore/charts.h"

namespace encore {

bool PlausibleChartDate(Day d) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const Day today =
      static_cast<Day>(std::chrono::duration_cast<std::chrono::hours>(now).count() / 24);
  return d >= DayFromCivil(1900, 1, 1) && d <= today + 366;
}
namespace {

// What a column holds.
enum Role {
  kChart,
  kDate,
  kPosition,
  kTitle,
  kArtist,
  kLast,
  kPeak,
  kWeeks,
  kId,
  kMetric,
  kRegion,
  kKind,
  kIgnored,
  kRoles
};

struct Column {
  std::string_view name;
  Role role;
  bool optional = false;
};

struct Layout {
  ChartFileFormat format;
  std::vector<Column> columns;  // in the publisher's order (for the list of known headers)
  bool note_line = false;       // a line of notes may come before the header
};

const std::vector<Layout>& Layouts() {
  static const std::vector<Layout> kLayouts = {
      {ChartFileFormat::kSpec,
       {{"chart", kChart},
        {"date", kDate},
        {"position", kPosition},
        {"title", kTitle},
        {"artist", kArtist},
        {"last_week", kLast},
        {"peak", kPeak},
        {"weeks", kWeeks}}},
      {ChartFileFormat::kHot100,
       {{"chart_date", kDate},
        {"this_week", kPosition},
        {"song", kTitle},
        {"artist", kArtist},
        {"last_week", kLast},
        {"peak_position", kPeak},
        {"weeks_on_chart", kWeeks}}},
      {ChartFileFormat::kBillboard200Old,
       {{"date", kDate},
        {"title", kTitle},
        {"artist", kArtist},
        {"current", kPosition},
        {"previous", kLast},
        {"peak", kPeak},
        {"weeks", kWeeks},
        {"new", kIgnored}}},
      {ChartFileFormat::kBillboard200New,
       {{"chart_week", kDate},
        {"current_week", kPosition},
        {"title", kTitle},
        {"performer", kArtist},
        {"last_week", kLast},
        {"peak_pos", kPeak},
        {"wks_on_chart", kWeeks}}},
      {ChartFileFormat::kSpotifyWeekly,
       {{"rank", kPosition},
        {"uri", kId},
        {"artist_names", kArtist},
        {"track_name", kTitle},
        {"source", kIgnored, true},
        {"peak_rank", kPeak},
        {"previous_rank", kLast},
        {"weeks_on_chart", kWeeks},
        {"streams", kMetric, true}}},
      {ChartFileFormat::kSpotifyDaily,
       {{"rank", kPosition},
        {"uri", kId},
        {"artist_names", kArtist},
        {"track_name", kTitle},
        {"source", kIgnored, true},
        {"peak_rank", kPeak},
        {"previous_rank", kLast},
        {"days_on_chart", kWeeks},
        {"streams", kMetric, true}}},
      {ChartFileFormat::kUk,
       {{"chart_date", kDate},
        {"position", kPosition},
        {"title", kTitle},
        {"artist", kArtist},
        {"last_week", kLast},
        {"peak_position", kPeak},
        {"weeks_on_chart", kWeeks}}},
      {ChartFileFormat::kSpotifyLegacy,
       {{"Position", kPosition},
        {"Track Name", kTitle},
        {"Artist", kArtist},
        {"Streams", kMetric, true},
        {"URL", kId}},
       true},
      {ChartFileFormat::kSpotifyDataset,
       {{"title", kTitle},
        {"rank", kPosition},
        {"date", kDate},
        {"artist", kArtist},
        {"url", kId},
        {"region", kRegion},
        {"chart", kKind},
        {"trend", kIgnored},
        {"streams", kMetric}}},
  };
  return kLayouts;
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The layout whose columns the header names (every column it needs, nothing it does not know,
// in any order, case aside), and the field of each role (-1: absent).
const Layout* MatchLayout(const std::vector<std::string_view>& fields,
                          std::array<int, kRoles>* index) {
  for (const Layout& l : Layouts()) {
    index->fill(-1);
    std::vector<bool> seen(l.columns.size(), false);
    bool ok = true;
    for (size_t i = 0; i < fields.size() && ok; ++i) {
      const std::string_view name = Trim(fields[i]);
      ok = false;
      for (size_t c = 0; c < l.columns.size(); ++c) {
        if (!seen[c] && SameName(l.columns[c].name, name)) {
          seen[c] = true;
          if (l.columns[c].role != kIgnored) (*index)[l.columns[c].role] = static_cast<int>(i);
          ok = true;
          break;
        }
      }
    }
    for (size_t c = 0; c < l.columns.size() && ok; ++c) ok = seen[c] || l.columns[c].optional;
    if (ok) return &l;
  }
  return nullptr;
}

std::string KnownHeaders() {
  std::string known;
  for (const Layout& l : Layouts()) {
    std::string h;
    for (const auto& c : l.columns) {
      const bool quote = c.name.find(' ') != std::string_view::npos;
      h += (h.empty() ? "" : ",") + std::string(quote ? "\"" : "") + std::string(c.name) +
           (quote ? "\"" : "");
    }
    known += "\n  " + h;
  }
  return known +
         "\n  a JSON document {\"date\": …, \"data\": [{\"song\", \"artist\", \"this_week\", …}]}";
}

// A marker glued to a UK title ("NewPRETTY ON THE INTERNET", "RESOMEONE YOU LOVED") removed:
// the rest must be a title of its own, upper case as the Official Charts print them.
std::string WithoutMarker(std::string_view title, std::string_view marker) {
  if (title.size() <= marker.size() || title.substr(0, marker.size()) != marker) {
    return std::string(title);
  }
  const std::string_view rest = title.substr(marker.size());
  if (rest[0] == ' ' || std::any_of(rest.begin(), rest.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c));
      })) {
    return std::string(title);
  }
  return std::string(rest);
}

// Spotify's track URL as its URI ("https://open.spotify.com/track/ID?si=…" ->
// "spotify:track:ID"), so that entries of the old and the current site share their id.
std::string SpotifyId(std::string_view v) {
  const size_t at = v.find("open.spotify.com/track/");
  if (at == std::string_view::npos) return std::string(v);
  std::string_view id = v.substr(at + 23);
  id = id.substr(0, id.find_first_of("?/#"));
  return "spotify:track:" + std::string(id);
}

// Streams: digits, or a whole number written as a decimal ("253019.0", as dataframes save it).
std::optional<int64_t> ParseMetric(std::string_view v) {
  const size_t dot = v.find('.');
  if (dot != std::string_view::npos) {
    if (v.find_first_not_of('0', dot + 1) != std::string_view::npos) return std::nullopt;
    v = v.substr(0, dot);
  }
  const auto n = ParseInt64(v);
  if (!n || *n < 0) return std::nullopt;
  return n;
}

constexpr size_t kMaxRejectText = 4096;

// Editions read and not yet handed over, by chart and date. The chart of a Billboard layout may
// be told only by the first edition's size: until then the key's chart is empty.
class EditionBuffer {
 public:
  EditionBuffer(ChartSink* sink, size_t flush_rows) : sink_(sink), flush_rows_(flush_rows) {}

  ChartEdition& At(const std::string& chart, Day date) {
    auto [it, fresh] = editions_.try_emplace({chart, date});
    if (fresh) {
      it->second.order = next_order_++;
      it->second.edition.chart = chart;
      it->second.edition.date = date;
    }
    last_ = it->first;
    return it->second.edition;
  }
  void Added(int position) {
    auto& p = editions_.at(last_);
    p.max_position = std::max(p.max_position, position);
    ++rows_;
  }
  bool Full() const { return rows_ >= flush_rows_; }
  // The highest position of the edition read first.
  int FirstMaxPosition() const {
    const Pending* first = nullptr;
    for (const auto& [key, p] : editions_)
      if (!first || p.order < first->order) first = &p;
    return first ? first->max_position : 0;
  }
  // Hands over every edition (all: false keeps the one the last row went to), charts named.
  Status Flush(bool all, const std::string& chart_for_unnamed) {
    for (auto it = editions_.begin(); it != editions_.end();) {
      if (!all && it->first == last_) {
        ++it;
        continue;
      }
      ChartEdition ed = std::move(it->second.edition);
      if (ed.chart.empty()) ed.chart = chart_for_unnamed;
      std::stable_sort(
          ed.entries.begin(), ed.entries.end(),
          [](const ChartEntry& a, const ChartEntry& b) { return a.position < b.position; });
      rows_ -= ed.entries.size();
      it = editions_.erase(it);
      ENCORE_RETURN_IF_ERROR(sink_->Add(std::move(ed)));
    }
    return Status::Ok();
  }

 private:
  struct Pending {
    ChartEdition edition;
    uint64_t order = 0;
    int max_position = 0;
  };
  ChartSink* sink_;
  size_t flush_rows_;
  std::map<std::pair<std::string, Day>, Pending> editions_;
  std::pair<std::string, Day> last_;
  uint64_t next_order_ = 0;
  size_t rows_ = 0;
};

bool IsBillboardLayout(ChartFileFormat f) {
  return f == ChartFileFormat::kHot100 || f == ChartFileFormat::kBillboard200Old ||
         f == ChartFileFormat::kBillboard200New;
}

std::string LayoutDefault(ChartFileFormat f) {
  switch (f) {
    case ChartFileFormat::kHot100:
      return "billboard-hot-100";
    case ChartFileFormat::kBillboard200Old:
      return "billboard-200";
    default:
      return "";  // the rwd layout: told by the path or the first edition's size
  }
}

// Collects a streamed file into a ChartFile (ReadChartFile).
class Collector final : public ChartSink {
 public:
  Status Add(ChartEdition part) override {
    ChartEdition& ed = editions_[{part.chart, part.date}];
    ed.chart = part.chart;
    ed.date = part.date;
    for (auto& e : part.entries) ed.entries.push_back(std::move(e));
    return Status::Ok();
  }
  Status Reject(ChartReject r) override {
    rejects_.push_back(std::move(r));
    return Status::Ok();
  }
  void MoveTo(ChartFile* file) {
    for (auto& [key, ed] : editions_) {
      std::stable_sort(
          ed.entries.begin(), ed.entries.end(),
          [](const ChartEntry& a, const ChartEntry& b) { return a.position < b.position; });
      file->editions.push_back(std::move(ed));
    }
    file->rejects = std::move(rejects_);
  }

 private:
  std::map<std::pair<std::string, Day>, ChartEdition> editions_;
  std::vector<ChartReject> rejects_;
};

}  // namespace

// In billboard_json.cc.
Result<ChartFileSummary> StreamBillboardJson(const std::string& path,
                                             const ChartReadOptions& options, ChartSink* sink,
                                             std::vector<ChartIssue>* issues);

std::string ChartFormatName(ChartFileFormat format) {
  switch (format) {
    case ChartFileFormat::kSpec:
      return "shared spec §6";
    case ChartFileFormat::kHot100:
      return "Billboard Hot 100";
    case ChartFileFormat::kBillboard200Old:
      return "Billboard 200, 1967-2020";
    case ChartFileFormat::kBillboard200New:
      return "Billboard weekly (utdata)";
    case ChartFileFormat::kSpotifyWeekly:
      return "Spotify Charts weekly";
    case ChartFileFormat::kUk:
      return "UK Official Charts";
    case ChartFileFormat::kSpotifyDaily:
      return "Spotify Charts daily";
    case ChartFileFormat::kSpotifyLegacy:
      return "Spotify Charts (old site)";
    case ChartFileFormat::kSpotifyDataset:
      return "Spotify Charts dataset";
    case ChartFileFormat::kBillboardJson:
      return "Billboard JSON";
  }
  return "";
}

std::string EntryKey(const std::string& artist, const std::string& title) {
  return NormalizeName(title) + "|" + LeadKey(artist);
}

std::string ChartIssue::ToString() const {
  return file + (line ? ":" + std::to_string(line) : "") + ": " + reason;
}

Result<std::string> ChartFileFingerprint(const std::string& path) {
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  Fingerprinter fp;
  std::vector<char> buf(size_t{1} << 20);
  for (;;) {
    ENCORE_ASSIGN_OR_RETURN(const size_t got, src->Read(buf.data(), buf.size()));
    if (got == 0) break;
    fp.Update(std::string_view(buf.data(), got));
  }
  return fp.Hex();
}

Result<ChartFileSummary> StreamChartFile(const std::string& path, const ChartReadOptions& options,
                                         ChartSink* sink, std::vector<ChartIssue>* issues) {
  const std::string name = std::filesystem::path(path).filename().string();
  auto issue = [&](uint64_t line, std::string reason) {
    issues->push_back({name, line, std::move(reason)});
  };
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  Fingerprinter fp;
  LineReader lines(src.get(), kMaxRecordBytes, &fp);
  LineReader::Line line;
  std::vector<std::string_view> fields;
  std::string scratch;

  // The header: the first line that is not empty, or the one after a line of notes.
  const Layout* layout = nullptr;
  std::array<int, kRoles> col{};
  std::string first_line;
  uint64_t first_number = 0;
  size_t header_fields = 0;
  for (int tries = 0; tries < 2;) {
    ENCORE_ASSIGN_OR_RETURN(const bool more, lines.Next(&line));
    if (!more) break;
    std::string_view text = line.text;
    if (line.number == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);
    if (Trim(text).empty() && !line.too_long) continue;
    if (tries == 0) {
      const std::string_view t = Trim(text);
      if (!t.empty() && (t[0] == '{' || t[0] == '[')) {
        return StreamBillboardJson(path, options, sink, issues);
      }
      first_line = std::string(text.substr(0, 200));
      first_number = line.number;
    }
    ++tries;
    if (line.too_long || !SplitCsv(text, &fields, &scratch)) continue;
    const Layout* l = MatchLayout(fields, &col);
    if (l && (tries == 1 || l->note_line)) {
      layout = l;
      header_fields = fields.size();
    }
    if (layout || tries == 2) break;
  }
  if (!layout) {
    if (first_number == 0) {
      issue(0, "empty file");
      return Status::DataError("empty chart file: " + path);
    }
    issue(first_number, "not a chart file: the header '" + first_line +
                            "' is none of the known ones:" + KnownHeaders());
    return Status::DataError("not a chart file: " + path);
  }

  ChartFileSummary summary;
  summary.format = layout->format;
  const ChartFileFormat format = layout->format;
  const SpotifyFileName spotify = ParseSpotifyFileName(path);
  // The chart of the whole file, where one chart is told by the name or layout (empty: per row,
  // or, for a Billboard layout, told at the first hand-over).
  std::string chart;
  std::optional<Day> file_date;
  switch (format) {
    case ChartFileFormat::kSpec:
    case ChartFileFormat::kSpotifyDataset:
      summary.chart_from = "the rows name it";
      break;
    case ChartFileFormat::kHot100:
    case ChartFileFormat::kBillboard200Old:
    case ChartFileFormat::kBillboard200New:
    case ChartFileFormat::kBillboardJson:
      break;
    case ChartFileFormat::kSpotifyWeekly:
    case ChartFileFormat::kSpotifyDaily:
    case ChartFileFormat::kSpotifyLegacy: {
      file_date = spotify.date;
      if (!file_date) {
        issue(0,
              "a Spotify chart file is named by its date (regional-REGION-weekly-YYYY-MM-DD.csv,"
              " or the old site's …-YYYY-MM-DD--YYYY-MM-DD.csv)");
        return Status::DataError("no date in the file name: " + path);
      }
      std::string period = spotify.period;
      if (format == ChartFileFormat::kSpotifyWeekly) period = "weekly";
      if (format == ChartFileFormat::kSpotifyDaily) period = "daily";
      if (!options.chart.empty()) {
        chart = options.chart, summary.chart_from = "--chart";
      } else if (period.empty()) {
        issue(0,
              "the old site's file name tells daily or weekly "
              "(regional-REGION-daily-YYYY-MM-DD.csv): rename it or give --chart");
        return Status::DataError("no period in the file name: " + path);
      } else {
        chart = SpotifyChartName(spotify.viral, spotify.region, period);
        summary.chart_from = "the file name";
      }
      break;
    }
    case ChartFileFormat::kUk:
      chart = !options.chart.empty() ? options.chart
              : std::filesystem::path(path).filename().string().find("album") != std::string::npos
                  ? "uk-albums"
                  : "uk-singles";
      summary.chart_from = options.chart.empty() ? "the file name" : "--chart";
      break;
  }
  if (format == ChartFileFormat::kSpec || format == ChartFileFormat::kSpotifyDataset) chart.clear();

  EditionBuffer buffer(sink, std::max<size_t>(options.flush_rows, 1));
  bool decided = !IsBillboardLayout(format);
  auto flush = [&](bool all) -> Status {
    if (!decided) {
      auto choice = ChooseBillboardChart(path, options.chart, "", LayoutDefault(format),
                                         buffer.FirstMaxPosition());
      if (!choice.ok()) {
        issue(0, choice.status().message());
        return Status::DataError("cannot tell the chart of " + path);
      }
      chart = choice->chart;
      summary.chart_from = choice->from;
      decided = true;
    }
    return buffer.Flush(all, chart);
  };
  auto reject = [&](uint64_t number, std::string reason, std::string_view text) -> Status {
    ++summary.rejects;
    return sink->Reject({number, std::move(reason), std::string(text.substr(0, kMaxRejectText))});
  };
  std::unordered_map<std::string, std::string> regions;  // the dataset's region names, resolved
  for (;;) {
    ENCORE_ASSIGN_OR_RETURN(const bool more, lines.Next(&line));
    if (!more) break;
    const std::string_view raw = line.text;
    if (line.too_long) {
      ENCORE_RETURN_IF_ERROR(reject(line.number, "line over 1 MiB", raw.substr(0, 200)));
      continue;
    }
    if (Trim(raw).empty()) continue;
    if (!SplitCsv(raw, &fields, &scratch)) {
      ENCORE_RETURN_IF_ERROR(reject(line.number, "not valid CSV", raw));
      continue;
    }
    if (fields.size() != header_fields) {
      ENCORE_RETURN_IF_ERROR(reject(line.number,
                                    "expected " + std::to_string(header_fields) +
                                        " fields, found " + std::to_string(fields.size()),
                                    raw));
      continue;
    }
    auto f = [&](Role r) -> std::string_view {
      const int i = col[r];
      return i < 0 ? std::string_view() : Trim(fields[static_cast<size_t>(i)]);
    };
    ChartEntry e;
    e.line = line.number;
    std::string chart_name = chart;
    std::optional<Day> date = file_date;
    if (col[kDate] >= 0) date = ParseDate(f(kDate));
    std::string_view pos = f(kPosition), last = f(kLast);
    e.title = f(kTitle);
    e.artist = f(kArtist);
    if (col[kId] >= 0) e.id = SpotifyId(f(kId));
    if (format == ChartFileFormat::kSpec) {
      chart_name = std::string(f(kChart));
      if (chart_name.empty()) {
        ENCORE_RETURN_IF_ERROR(reject(line.number, "empty chart name", raw));
        continue;
      }
    } else if (format == ChartFileFormat::kSpotifyDataset) {
      const std::string region_name(f(kRegion));
      auto it = regions.find(region_name);
      if (it == regions.end() && regions.size() < 4096)
        it = regions.emplace(region_name, SpotifyRegionOfName(region_name)).first;
      const std::string region =
          it != regions.end() ? it->second : SpotifyRegionOfName(region_name);
      const std::string_view kind = f(kKind);
      if (region.empty()) {
        ENCORE_RETURN_IF_ERROR(reject(line.number, "unknown region '" + region_name + "'", raw));
        continue;
      }
      if (kind != "top200" && kind != "viral50") {
        ENCORE_RETURN_IF_ERROR(reject(
            line.number, "unknown chart '" + std::string(kind) + "' (top200, viral50)", raw));
        continue;
      }
      chart_name = SpotifyChartName(kind == "viral50", region, "daily");
    }
    if (col[kMetric] >= 0 && !f(kMetric).empty()) {
      e.metric = ParseMetric(f(kMetric));
      if (!e.metric) {
        ENCORE_RETURN_IF_ERROR(
            reject(line.number, "streams is not a number: '" + std::string(f(kMetric)) + "'", raw));
        continue;
      }
    }
    if (format == ChartFileFormat::kUk) {
      if (pos.substr(0, 6) == "Number") pos.remove_prefix(6);
      if (last == "New" || last == "NEW") e.title = WithoutMarker(e.title, "New");
      if (last == "RE" || last == "Re") e.title = WithoutMarker(e.title, "RE");
    }
    if (!date) {
      ENCORE_RETURN_IF_ERROR(reject(line.number, "not a date", raw));
      continue;
    }
    if (!PlausibleChartDate(*date)) {
      ENCORE_RETURN_IF_ERROR(reject(
          line.number,
          "implausible chart date " + FormatDate(*date) + " (before 1900 or over a year ahead)",
          raw));
      continue;
    }
    const auto p = ParseInt64(pos);
    if (!p || *p < 1 || *p > 100000) {
      ENCORE_RETURN_IF_ERROR(
          reject(line.number, "position is not a number from 1: '" + std::string(pos) + "'", raw));
      continue;
    }
    e.position = static_cast<int>(*p);
    if (e.title.empty() || e.artist.empty()) {
      ENCORE_RETURN_IF_ERROR(
          reject(line.number, e.title.empty() ? "empty title" : "empty artist", raw));
      continue;
    }
    if (!CleanText(e.title) || !CleanText(e.artist)) {
      ENCORE_RETURN_IF_ERROR(
          reject(line.number,
                 "title or artist is not UTF-8 text (invalid bytes or control characters)", raw));
      continue;
    }
    // Printed columns: empty, "-", "New", "Re" (UK) mean none; Spotify's previous_rank -1 and
    // the old Billboard 200's previous 0 mean new.
    std::string bad;
    auto printed = [&](std::string_view v, const char* what) -> std::optional<int> {
      if (v.empty() || v == "-" || v == "New" || v == "NEW" || v == "Re" || v == "RE")
        return std::nullopt;
      const auto n = ParseInt64(v);
      if (!n || *n < -1 || *n > 100000) {
        if (bad.empty()) bad = std::string(what) + " is not a number: '" + std::string(v) + "'";
        return std::nullopt;
      }
      if (*n == -1 || (*n == 0 && format == ChartFileFormat::kBillboard200Old)) return std::nullopt;
      return static_cast<int>(*n);
    };
    e.last_week = printed(last, "last week");
    e.peak = printed(f(kPeak), "peak");
    e.weeks = printed(f(kWeeks), "weeks");
    // No chart has a position 0, nor a song 0 weeks on it: printed 0 is no value (new).
    if (e.last_week == 0) e.last_week = std::nullopt;
    if (bad.empty() && (e.peak == 0 || e.weeks == 0))
      bad = e.peak == 0 ? "peak is 0 (positions start at 1)" : "weeks on chart is 0";
    if (!bad.empty()) {
      ENCORE_RETURN_IF_ERROR(reject(line.number, bad, raw));
      continue;
    }
    e.song = EntryKey(e.artist, e.title);
    const int position = e.position;
    buffer.At(decided ? chart_name : std::string(), *date).entries.push_back(std::move(e));
    buffer.Added(position);
    ++summary.rows;
    if (buffer.Full()) ENCORE_RETURN_IF_ERROR(flush(false));
  }
  if (summary.rows == 0) {
    issue(0, "no chart entries");
    return Status::DataError("no chart entries in " + path);
  }
  ENCORE_RETURN_IF_ERROR(flush(true));
  summary.fingerprint = fp.Hex();
  return summary;
}

Result<ChartFile> ReadChartFile(const std::string& path, const std::string& chart,
                                std::vector<ChartIssue>* issues) {
  Collector collector;
  ChartReadOptions options;
  options.chart = chart;
  ENCORE_ASSIGN_OR_RETURN(const ChartFileSummary s,
                          StreamChartFile(path, options, &collector, issues));
  ChartFile file;
  file.format = s.format;
  file.fingerprint = s.fingerprint;
  file.rows = s.rows;
  collector.MoveTo(&file);
  return file;
}

}  // namespace encore
