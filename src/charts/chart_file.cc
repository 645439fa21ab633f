// Reading published chart files: shared spec §6 and the publishers' own CSVs (doc/charts.md).
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>

#include "catalog/names.h"
#include "common/byte_source.h"
#include "common/csv_scanner.h"
#include "common/hash.h"
#include "common/strings.h"
#include "encore/charts.h"

namespace encore {
namespace {

struct Layout {
  ChartFileFormat format;
  std::vector<std::string> columns;  // the header, exactly
};

const std::vector<Layout>& Layouts() {
  static const std::vector<Layout> kLayouts = {
      {ChartFileFormat::kSpec,
       {"chart", "date", "position", "title", "artist", "last_week", "peak", "weeks"}},
      {ChartFileFormat::kHot100,
       {"chart_date", "this_week", "song", "artist", "last_week", "peak_position",
        "weeks_on_chart"}},
      {ChartFileFormat::kBillboard200Old,
       {"date", "title", "artist", "current", "previous", "peak", "weeks", "new"}},
      {ChartFileFormat::kBillboard200New,
       {"chart_week", "current_week", "title", "performer", "last_week", "peak_pos",
        "wks_on_chart"}},
      {ChartFileFormat::kSpotifyWeekly,
       {"rank", "uri", "artist_names", "track_name", "source", "peak_rank", "previous_rank",
        "weeks_on_chart", "streams"}},
      {ChartFileFormat::kUk,
       {"chart_date", "position", "title", "artist", "last_week", "peak_position",
        "weeks_on_chart"}},
  };
  return kLayouts;
}

// The date at the end of a file name: "regional-global-weekly-2023-07-20.csv" -> 2023-07-20.
std::optional<Day> DateOfFileName(const std::string& stem) {
  if (stem.size() < 10) return std::nullopt;
  return ParseDate(std::string_view(stem).substr(stem.size() - 10));
}

std::string Stem(const std::string& path) {
  std::string name = std::filesystem::path(StripCompressionExtension(path)).stem().string();
  return name;
}

std::string DefaultChart(ChartFileFormat f, const std::string& path) {
  const std::string stem = Stem(path);
  switch (f) {
    case ChartFileFormat::kSpec:
      return "";
    case ChartFileFormat::kHot100:
      return "billboard-hot-100";
    case ChartFileFormat::kBillboard200Old:
    case ChartFileFormat::kBillboard200New:
      return "billboard-200";
    case ChartFileFormat::kSpotifyWeekly: {
      // "regional-<region>-weekly-DATE": spotify-<region>-weekly.
      const size_t a = stem.find('-'), b = stem.find("-weekly");
      if (stem.rfind("regional-", 0) == 0 && b != std::string::npos && b > a)
        return "spotify-" + stem.substr(a + 1, b - a - 1) + "-weekly";
      return "spotify-weekly";
    }
    case ChartFileFormat::kUk:
      return stem.find("album") != std::string::npos ? "uk-albums" : "uk-singles";
  }
  return "";
}

// UK files: the marker of a new entry or a re-entry glued to its title ("NewPRETTY ON THE
// INTERNET", "RESOMEONE YOU LOVED") where the last-week column prints the marker itself. Only
// then: "REIN ME IN" with a last week is a title.
std::string UkTitle(std::string_view title, std::string_view marker) {
  const std::string_view glue = marker == "New" || marker == "NEW" ? "New"
                                : marker == "RE" || marker == "Re" ? "RE"
                                                                   : "";
  if (!glue.empty() && title.size() > glue.size() && title.substr(0, glue.size()) == glue &&
      (std::isupper(static_cast<unsigned char>(title[glue.size()])) ||
       std::isdigit(static_cast<unsigned char>(title[glue.size()])))) {
    const std::string_view rest = title.substr(glue.size());
    if (std::none_of(rest.begin(), rest.end(),
                     [](char c) { return std::islower(static_cast<unsigned char>(c)); }))
      return std::string(rest);
  }
  return std::string(title);
}

}  // namespace

std::string EntryKey(const std::string& artist, const std::string& title) {
  return NormalizeName(title) + "|" + LeadKey(artist);
}

std::string ChartIssue::ToString() const {
  return file + (line ? ":" + std::to_string(line) : "") + ": " + reason;
}

Result<ChartFile> ReadChartFile(const std::string& path, const std::string& chart,
                                std::vector<ChartIssue>* issues) {
  const std::string name = std::filesystem::path(path).filename().string();
  ENCORE_ASSIGN_OR_RETURN(const std::string data, ReadDecompressed(path));
  ChartFile file;
  Fingerprinter fp;
  fp.Update(data);
  file.fingerprint = fp.Hex();
  size_t start = data.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // Spotify's byte-order mark
  // One row a line: chart files never quote a line end, and a stray quote must cost one line
  // only, not swallow the lines after it.
  CsvRecordReader reader(std::string_view(data).substr(start), 1, false);
  CsvRecordReader::Record rec;
  std::vector<std::string_view> fields;
  std::string scratch;
  auto issue = [&](uint64_t line, std::string reason) {
    issues->push_back({name, line, std::move(reason)});
  };
  // A malformed row: rejected and kept (the current record's text).
  auto reject = [&](uint64_t line, std::string reason) {
    file.rejects.push_back({line, std::move(reason), std::string(rec.raw)});
  };
  // Header.
  const Layout* layout = nullptr;
  while (reader.Next(&rec)) {
    if (rec.raw.empty()) continue;
    if (!SplitCsv(rec.raw, &fields, &scratch)) break;
    for (const Layout& l : Layouts()) {
      if (l.columns.size() == fields.size() &&
          std::equal(l.columns.begin(), l.columns.end(), fields.begin(),
                     [](const std::string& a, std::string_view b) { return a == Trim(b); })) {
        layout = &l;
      }
    }
    if (!layout) {
      std::string known;
      for (const Layout& l : Layouts()) {
        std::string h;
        for (const auto& c : l.columns) h += (h.empty() ? "" : ",") + c;
        known += "\n  " + h;
      }
      issue(rec.line, "not a chart file: the header '" + std::string(rec.raw) +
                          "' is none of the known ones:" + known);
      return Status::DataError("not a chart file: " + path);
    }
    break;
  }
  if (!layout) {
    issue(0, "empty file");
    return Status::DataError("empty chart file: " + path);
  }
  file.format = layout->format;
  const std::string default_chart = chart.empty() ? DefaultChart(file.format, path) : chart;
  std::optional<Day> file_date;
  if (file.format == ChartFileFormat::kSpotifyWeekly) {
    file_date = DateOfFileName(Stem(path));
    if (!file_date) {
      issue(0, "a Spotify weekly file is named by its week's last day (…-YYYY-MM-DD.csv)");
      return Status::DataError("no date in the file name: " + path);
    }
  }
  if (file.format != ChartFileFormat::kSpec && default_chart.empty()) {
    issue(0, "no chart name: give one with --chart");
    return Status::DataError("no chart name for " + path);
  }
  std::map<std::pair<std::string, Day>, ChartEdition> editions;
  while (reader.Next(&rec)) {
    if (rec.raw.empty()) continue;
    if (!SplitCsv(rec.raw, &fields, &scratch)) {
      reject(rec.line, "not valid CSV");
      continue;
    }
    if (fields.size() != layout->columns.size()) {
      reject(rec.line, "expected " + std::to_string(layout->columns.size()) + " fields, found " +
                           std::to_string(fields.size()));
      continue;
    }
    auto f = [&](size_t i) { return Trim(fields[i]); };
    ChartEntry e;
    e.line = rec.line;
    std::string chart_name = default_chart;
    std::optional<Day> date;
    std::string_view pos, last, peak, weeks;
    bool last_zero_is_new = false;
    switch (file.format) {
      case ChartFileFormat::kSpec:
        chart_name = std::string(f(0));
        date = ParseDate(f(1)), pos = f(2), e.title = f(3), e.artist = f(4);
        last = f(5), peak = f(6), weeks = f(7);
        if (chart_name.empty()) {
          reject(rec.line, "empty chart name");
          continue;
        }
        break;
      case ChartFileFormat::kHot100:
        date = ParseDate(f(0)), pos = f(1), e.title = f(2), e.artist = f(3);
        last = f(4), peak = f(5), weeks = f(6);
        break;
      case ChartFileFormat::kBillboard200Old:
        date = ParseDate(f(0)), e.title = f(1), e.artist = f(2), pos = f(3);
        last = f(4), peak = f(5), weeks = f(6);
        last_zero_is_new = true;
        break;
      case ChartFileFormat::kBillboard200New:
        date = ParseDate(f(0)), pos = f(1), e.title = f(2), e.artist = f(3);
        last = f(4), peak = f(5), weeks = f(6);
        break;
      case ChartFileFormat::kSpotifyWeekly:
        date = file_date, pos = f(0), e.id = f(1), e.artist = f(2), e.title = f(3);
        peak = f(5), last = f(6), weeks = f(7);
        if (auto m = ParseInt64(f(8))) {
          e.metric = *m;
        } else if (!f(8).empty()) {
          reject(rec.line, "streams is not a number: '" + std::string(f(8)) + "'");
          continue;
        }
        break;
      case ChartFileFormat::kUk:
        date = ParseDate(f(0)), pos = f(1), e.artist = f(3);
        last = f(4), peak = f(5), weeks = f(6);
        if (pos.substr(0, 6) == "Number") pos.remove_prefix(6);
        e.title = UkTitle(f(2), last);
        break;
    }
    if (!date) {
      reject(rec.line, "not a date");
      continue;
    }
    const auto p = ParseInt64(pos);
    if (!p || *p < 1 || *p > 100000) {
      reject(rec.line, "position is not a number from 1: '" + std::string(pos) + "'");
      continue;
    }
    e.position = static_cast<int>(*p);
    if (e.title.empty() || e.artist.empty()) {
      reject(rec.line, e.title.empty() ? "empty title" : "empty artist");
      continue;
    }
    // Printed columns: empty, "-", "New", "Re" (UK) mean none; Spotify's previous_rank -1 and
    // the old Billboard 200's previous 0 mean new.
    bool bad = false;
    auto printed = [&](std::string_view v, const char* what) -> std::optional<int> {
      if (v.empty() || v == "-" || v == "New" || v == "NEW" || v == "Re" || v == "RE")
        return std::nullopt;
      const auto n = ParseInt64(v);
      if (!n || *n < -1 || *n > 100000) {
        reject(rec.line, std::string(what) + " is not a number: '" + std::string(v) + "'");
        bad = true;
        return std::nullopt;
      }
      if (*n == -1 || (*n == 0 && last_zero_is_new)) return std::nullopt;
      return static_cast<int>(*n);
    };
    e.last_week = printed(last, "last week");
    e.peak = printed(peak, "peak");
    e.weeks = printed(weeks, "weeks");
    if (bad) continue;
    e.song = EntryKey(e.artist, e.title);
    ChartEdition& ed = editions[{chart_name, *date}];
    ed.chart = chart_name;
    ed.date = *date;
    ed.entries.push_back(std::move(e));
    ++file.rows;
  }
  if (file.rows == 0) {
    issue(0, "no chart entries");
    return Status::DataError("no chart entries in " + path);
  }
  for (auto& [key, ed] : editions) {
    std::stable_sort(
        ed.entries.begin(), ed.entries.end(),
        [](const ChartEntry& a, const ChartEntry& b) { return a.position < b.position; });
    file.editions.push_back(std::move(ed));
  }
  return file;
}

}  // namespace encore
