// Lists of a chart's No. 1s with their weeks at No. 1 (doc/charts.md, "Lists of No. 1s"): the
// reader of the Wikipedia-derived JSON (a script `var data = [...]` with HTML links in the names),
// the list's own consistency, and the list against the chart's editions.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "catalog/names.h"
#include "charts/json_stream.h"
#include "common/strings.h"
#include "encore/store_feeds.h"

namespace encore {
namespace {

constexpr size_t kMaxDepth = 32;
constexpr size_t kMaxListEntries = 100000;

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// "14 November 1952" (also "14 Nov 1952").
std::optional<Day> ParseLongDate(std::string_view s) {
  s = Trim(s);
  const size_t a = s.find(' ');
  const size_t b = a == std::string_view::npos ? a : s.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  const auto day = ParseInt64(s.substr(0, a));
  const auto year = ParseInt64(s.substr(b + 1));
  std::string month(Trim(s.substr(a + 1, b - a - 1)));
  for (char& c : month) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                  "july",    "august",   "september", "october", "november", "december"};
  int m = 0;
  for (int i = 0; i < 12; ++i) {
    const std::string full = kMonths[i];
    if (month == full || (month.size() == 3 && full.rfind(month, 0) == 0)) m = i + 1;
  }
  if (!day || !year || !m || *day < 1 || *day > 31 || *year < 1900 || *year > 2149) return std::nullopt;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(*year), m, static_cast<int>(*day));
  return ParseDate(buf);
}

// The list's title without the quotes around it: "\"A\"" -> A; "\"A\" / \"B\"" (a double A-side)
// -> "A / B".
std::string Unquoted(std::string t) {
  t = std::string(Trim(t));
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
    t = t.substr(1, t.size() - 2);
    for (size_t at; (at = t.find("\" / \"")) != std::string::npos;) t.replace(at, 5, " / ");
  }
  return std::string(Trim(t));
}

class ListReader : public TextSax<ListReader> {
 public:
  ListReader(JsonCursor* cursor, NumberOnesList* list) : TextSax(cursor), list_(list) {}

  uint64_t objects() const { return ordinal_; }

 private:
  friend class TextSax<ListReader>;
  void Key(const std::string& k) {
    if (!stack_.empty()) stack_.back().key = k;
  }
  struct Frame {
    bool object;
    std::string key;
  };
  bool Open(bool object) {
    cursor_->Event();
    if (stack_.size() >= kMaxDepth) return Fail("nested deeper than " + std::to_string(kMaxDepth));
    if (stack_.empty() && object) return Fail("not a list: the document is an object");
    if (stack_.size() == 1 && object) {
      fields_.clear();
      ++ordinal_;
    }
    stack_.push_back({object, ""});
    return true;
  }
  bool Value(std::string text) {
    cursor_->Event();
    if (stack_.size() == 2 && stack_.back().object && fields_.size() < 32)
      fields_[stack_.back().key] = std::move(text);
    return true;
  }
  bool Close() {
    cursor_->Event();
    if (stack_.empty()) return true;
    stack_.pop_back();
    if (stack_.size() == 1) return EndEntry();
    return true;
  }
  bool EndEntry() {
    const std::string at = "entry " + std::to_string(ordinal_) + ": ";
    const uint64_t line = cursor_->line();
    auto reject = [&](std::string why) {
      nlohmann::json text = fields_;
      list_->rejects.push_back(
          {line, at + why,
           text.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 4096)});
      return true;
    };
    if (list_->entries.size() >= kMaxListEntries)
      return reject("more than " + std::to_string(kMaxListEntries) + " entries");
    NumberOne n;
    n.line = line;
    n.number = std::string(Trim(fields_["number"]));
    n.artist = std::string(Trim(HtmlText(fields_["artist"])));
    n.title = Unquoted(HtmlText(fields_["song"]));
    if (n.artist.empty()) return reject("no artist");
    if (n.title.empty()) return reject("no song");
    const auto d = ParseLongDate(fields_["date"]);
    if (!d) return reject("the date '" + fields_["date"] + "' is not a date like 14 November 1952");
    n.date = *d;
    std::string woc(Trim(fields_["woc"]));
    if (!woc.empty() && (woc.back() == 'x' || woc.back() == 'X')) {
      n.shared = true;
      woc.pop_back();
    }
    const auto w = ParseInt64(woc);
    if (!w || *w < 1 || *w > 1000) return reject("weeks at No. 1 '" + fields_["woc"] + "' is not a number from 1");
    n.weeks = static_cast<int>(*w);
    n.song = SongKey(n.artist, n.title);
    list_->entries.push_back(std::move(n));
    return true;
  }
  bool Fail(std::string m) {
    if (error_.empty()) {
      error_ = std::move(m);
      error_line_ = cursor_->line();
    }
    return false;
  }

  NumberOnesList* list_;
  std::vector<Frame> stack_;
  std::map<std::string, std::string> fields_;
  uint64_t ordinal_ = 0;
};

std::string TitleKey(const std::string& song) { return song.substr(0, song.find('|')); }

std::string Weekday(Day d) {
  static const char* kDays[] = {"Thursday", "Friday", "Saturday", "Sunday",
                                "Monday",   "Tuesday", "Wednesday"};  // day 0 is a Thursday
  return kDays[((d % 7) + 7) % 7];
}

}  // namespace

std::string HtmlText(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (size_t i = 0; i < html.size();) {
    const char c = html[i];
    if (c == '<') {  // a tag: dropped to its end
      const size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      i = end + 1;
      continue;
    }
    if (c == '&') {
      const size_t semi = html.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        const std::string_view name = html.substr(i + 1, semi - i - 1);
        static const std::pair<const char*, uint32_t> kNamed[] = {
            {"amp", '&'}, {"quot", '"'}, {"apos", '\''}, {"lt", '<'}, {"gt", '>'},
            {"nbsp", ' '}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026},
            {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}};
        std::optional<uint32_t> cp;
        if (!name.empty() && name[0] == '#') {
          const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
          const std::string_view digits = name.substr(hex ? 2 : 1);
          uint32_t v = 0;
          bool ok = !digits.empty() && digits.size() <= 7;
          for (char d : digits) {
            const int x = std::isdigit(static_cast<unsigned char>(d)) ? d - '0'
                          : hex && std::isxdigit(static_cast<unsigned char>(d))
                              ? std::tolower(static_cast<unsigned char>(d)) - 'a' + 10
                              : -1;
            if (x < 0) ok = false;
            v = v * (hex ? 16 : 10) + static_cast<uint32_t>(std::max(x, 0));
          }
          if (ok) cp = v;
        } else {
          for (const auto& [n, v] : kNamed)
            if (name == n) cp = v;
        }
        if (cp) {
          AppendUtf8(&out, *cp);
          i = semi + 1;
          continue;
        }
      }
    }
    out.push_back(c);
    ++i;
  }
  // Spaces collapsed (a tag between words leaves none or two).
  std::string tidy;
  for (char c : out) {
    if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
    tidy.push_back(c);
  }
  while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
  return tidy;
}

Result<NumberOnesList> ReadNumberOnesList(const std::string& path, const std::string& chart,
                                          std::vector<ChartIssue>* issues) {
  const std::string name = std::filesystem::path(path).filename().string();
  NumberOnesList list;
  list.chart = chart;
  if (list.chart.empty()) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool uk = lower.rfind("uk", 0) == 0 || lower.find("uk-") != std::string::npos ||
                    lower.find("uk_") != std::string::npos;
    if (uk) list.chart = lower.find("album") != std::string::npos ? "uk-albums" : "uk-singles";
  }
  if (list.chart.empty()) {
    issues->push_back({name, 0, "the chart this list of No. 1s is of is not told by its name: "
                                "--chart names it"});
    return Status::DataError("no chart for the list of No. 1s " + path);
  }
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  Fingerprinter fp;
  JsonCursor cursor(src.get(), &fp);
  if (!cursor.SkipTo('[')) {
    issues->push_back({name, cursor.line(), "not a list: no '['"});
    return Status::DataError("not a list of No. 1s: " + path);
  }
  ListReader reader(&cursor, &list);
  // Not strict: a script's ";" after the array is left unread.
  const bool ok = nlohmann::json::sax_parse(JsonIterator{&cursor}, JsonIterator{}, &reader,
                                            nlohmann::json::input_format_t::json, false);
  if (!ok || !reader.error().empty()) {
    issues->push_back({name, reader.error_line(), reader.error()});
    return Status::DataError("not a readable list of No. 1s: " + path);
  }
  if (list.entries.empty()) {
    issues->push_back({name, 0, "no No. 1 in the list"});
    return Status::DataError("no entries in " + path);
  }
  ENCORE_RETURN_IF_ERROR(cursor.Drain());
  list.fingerprint = fp.Hex();
  return list;
}

ListCheck CheckNumberOnesList(const NumberOnesList& list) {
  ListCheck c;
  c.entries = list.entries.size();
  if (list.entries.empty()) return c;
  c.first = list.entries.front().date;
  c.last = list.entries.back().date;
  for (size_t i = 0; i < list.entries.size(); ++i) {
    const NumberOne& n = list.entries[i];
    c.weeks += n.weeks;
    if (n.number == "re") ++c.reentries;
    if (n.shared) ++c.shared;
    if (i + 1 == list.entries.size()) break;
    const NumberOne& next = list.entries[i + 1];
    const Day gap = next.date - n.date;
    const std::string who = n.artist + " - " + n.title + " (" + FormatDate(n.date) + ")";
    if (gap <= 0) {
      c.findings.push_back({i, who + ": the next No. 1 is dated " + FormatDate(next.date) +
                                   ", not after it", "date order"});
      continue;
    }
    if (gap == 7 * n.weeks) {
      ++c.gaps_agree;
      continue;
    }
    const std::string text = who + ": " + std::to_string(n.weeks) + (n.shared ? "x" : "") +
                             " weeks, the next No. 1 " + std::to_string(gap) + " days later (" +
                             FormatDate(next.date) + ")";
    if (n.shared || next.shared) {
      c.findings.push_back({i, text + ": weeks shared with another song at No. 1", "joint No. 1"});
    } else if (gap % 7 != 0) {
      c.findings.push_back({i, text + ": the chart day moved from " + Weekday(n.date) + " to " +
                                   Weekday(next.date), "chart day moved"});
    } else {
      c.findings.push_back({i, text + ": " + std::to_string(gap / 7) + " weeks by the dates",
                            "weeks and dates disagree"});
    }
  }
  return c;
}

NumberOnesReport CompareNumberOnes(const NumberOnesList& list,
                                   const std::vector<ChartEdition>& editions) {
  NumberOnesReport r;
  r.chart = list.chart;
  r.editions = editions.size();
  if (list.entries.empty()) return r;
  r.list_first = list.entries.front().date;
  r.list_end = list.entries.back().date + 7 * list.entries.back().weeks - 1;
  if (editions.empty()) return r;
  r.chart_first = editions.front().date;
  r.chart_last = editions.back().date;
  // Each run's period: from its date to the next run's (the last: its weeks).
  const size_t n = list.entries.size();
  std::vector<std::pair<Day, Day>> period(n);  // [from, to)
  for (size_t i = 0; i < n; ++i) {
    const Day from = list.entries[i].date;
    const Day to = i + 1 < n ? std::max(list.entries[i + 1].date, from + 1)
                             : from + 7 * list.entries[i].weeks;
    period[i] = {from, to};
  }
  auto run_of = [&](Day d) -> std::optional<size_t> {
    // The last run starting on or before d, if d is within its period.
    auto it = std::upper_bound(period.begin(), period.end(), d,
                               [](Day v, const std::pair<Day, Day>& p) { return v < p.first; });
    if (it == period.begin()) return std::nullopt;
    const size_t i = static_cast<size_t>(it - period.begin()) - 1;
    if (d >= period[i].second) return std::nullopt;
    return i;
  };
  auto top_of = [](const ChartEdition& ed) -> const ChartEntry* {
    for (const ChartEntry& e : ed.entries)
      if (e.position == 1) return &e;
    return nullptr;
  };
  auto same_song = [](const NumberOne& a, const ChartEntry& e) {
    const std::string key = SongKey(e.artist, e.title);
    return key == a.song || TitleKey(key) == TitleKey(a.song);
  };
  // The offset of the chart's dates from the list's (a publisher dates a week by its start or its
  // end): the one of -6..6 days under which most editions' No. 1 is the list's run.
  int best = 0;
  size_t best_hits = 0;
  for (int off = -6; off <= 6; ++off) {
    size_t hits = 0;
    for (const ChartEdition& ed : editions) {
      const ChartEntry* top = top_of(ed);
      const auto i = run_of(ed.date - off);
      if (top && i && same_song(list.entries[*i], *top)) ++hits;
    }
    if (hits > best_hits || (hits == best_hits && std::abs(off) < std::abs(best))) {
      best = off;
      best_hits = hits;
    }
  }
  // The overlap: list dates the chart's editions cover.
  const Day from = std::max(r.list_first, r.chart_first - best);
  const Day to = std::min(r.list_end, r.chart_last - best + 6);
  if (from > to) return r;
  r.overlap = true;
  r.overlap_from = from;
  r.overlap_to = to;
  // Editions by run.
  std::vector<std::vector<const ChartEdition*>> by_run(n);
  for (const ChartEdition& ed : editions) {
    const auto i = run_of(ed.date - best);
    if (i) by_run[*i].push_back(&ed);
  }
  std::string prev_chart_only;
  for (size_t i = 0; i < n; ++i) {
    const NumberOne& row = list.entries[i];
    const auto [pf, pt] = period[i];
    if (pt <= from || pf > to) continue;  // outside the overlap
    NumberOneComparison c;
    c.title = row.title;
    c.artist = row.artist;
    c.date = row.date;
    c.list_weeks = row.weeks;
    std::vector<std::string> others;
    for (const ChartEdition* ed : by_run[i]) {
      const ChartEntry* top = top_of(*ed);
      if (top && same_song(row, *top)) {
        ++c.chart_weeks;
        if (!c.chart_first) c.chart_first = ed->date;
      } else if (others.size() < 3) {
        others.push_back(FormatDate(ed->date) + ": " +
                         (top ? top->artist + " - " + top->title : std::string("no No. 1")));
      }
    }
    // The run's weeks the chart's data can hold (its editions' span), and its editions there.
    int weeks_in = 0;
    for (int k = 0; k < row.weeks; ++k) {
      const Day week = row.date + 7 * k + best;  // the week [week, week + 6] in chart dates
      if (week + 6 >= r.chart_first && week <= r.chart_last) ++weeks_in;
    }
    const int expected = weeks_in;
    c.agree = c.chart_weeks == row.weeks || (weeks_in < row.weeks && c.chart_weeks == weeks_in);
    if (c.agree && weeks_in < row.weeks) {
      c.cause = "agrees within the data: " + std::to_string(row.weeks - weeks_in) + " of its " +
                std::to_string(row.weeks) + " weeks are outside the chart's editions";
    } else if (!c.agree) {
      const int editions_in_run = static_cast<int>(by_run[i].size());
      if (row.shared) {
        c.cause = "joint No. 1: the list counts weeks shared with another song";
      } else if (editions_in_run < expected) {
        c.cause = "the chart's data lacks " + std::to_string(expected - editions_in_run) +
                  " edition(s) in the run";
      } else if (c.chart_weeks == 0) {
        c.cause = "not No. 1 on the chart's editions of the run (a different song or spelling): " +
                  (others.empty() ? std::string("none") : others.front());
      } else if (c.chart_weeks < row.weeks) {
        c.cause = others.empty() ? "fewer editions at No. 1 on the chart than the list's weeks"
                                 : "another No. 1 on the chart within the run: " + others.front();
      } else {
        c.cause = "the chart has it at No. 1 on more editions than the list's weeks (the next "
                  "run's date)";
      }
    }
    if (c.agree) ++r.agree;
    r.rows.push_back(std::move(c));
  }
  // The chart's No. 1 runs in the overlap that no list run holds.
  for (const ChartEdition& ed : editions) {
    const Day d = ed.date - best;
    if (d < from || d > to) continue;
    const ChartEntry* top = top_of(ed);
    if (!top) continue;
    const auto i = run_of(d);
    if (i && same_song(list.entries[*i], *top)) {
      prev_chart_only.clear();
      continue;
    }
    const std::string who = top->artist + " - " + top->title;
    if (who != prev_chart_only) r.chart_only.push_back({ed.date, who});
    prev_chart_only = who;
  }
  return r;
}

}  // namespace encore
