// Methodology files: parsing, versioned lookup, and the built-in set.
#include "encore/methodology.h"

#include <charconv>
#include <limits>
#include <set>
#include <sstream>

#include "common/hash.h"
#include "common/strings.h"

namespace encore {
namespace {

constexpr Day kAlways = std::numeric_limits<Day>::min();

// Keys and how many words their value takes (0: the rest of the line, free text).
struct KeySpec {
  const char* key;
  int words;
  bool sub;  // the first word after the key is part of the key ("weight premium")
};
constexpr KeySpec kKeys[] = {
    {"title", 0, false},
    {"source", 0, false},
    {"period", 1, false},
    {"week-starts", 1, false},
    {"chart-date", 1, false},
    {"size", 1, false},
    {"regions", -1, false},
    {"weight", 1, true},
    {"recurrent", 2, false},
    {"unit", 1, false},
    {"combine-versions", 1, false},
    {"max-per-lead-artist", 1, false},
    {"services", -1, false},
    {"stores", -1, false},
    {"window", 1, false},
    {"airplay-week", 1, false},
    {"acr-ratio", 1, false},
    {"acr-after-weeks", 1, false},
    {"acr-declines", 1, false},
    {"acr-reset-rise", 1, false},
    {"acr-age-years", 1, false},
};
const std::set<std::string> kComponents = {"premium",    "free",       "unknown",
                                           "track-sale", "album-sale", "airplay"};
const std::set<std::string> kWeekdays = {"monday", "tuesday",  "wednesday", "thursday",
                                         "friday", "saturday", "sunday"};

bool IsNumber(const std::string& s) {
  double v;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string MethodologyIssue::ToString() const {
  return file + (line ? ":" + std::to_string(line) : "") + ": " + reason;
}

const std::vector<std::string>* ChartMethod::Get(const std::string& key, Day date) const {
  auto it = settings.find(key);
  if (it == settings.end()) return nullptr;
  const Value* best = nullptr;
  for (const Value& v : it->second)
    if (v.from <= date && (!best || v.from >= best->from)) best = &v;
  return best ? &best->words : nullptr;
}

std::string ChartMethod::Word(const std::string& key, Day date, const std::string& fallback) const {
  const auto* w = Get(key, date);
  return w && !w->empty() ? (*w)[0] : fallback;
}

double ChartMethod::Number(const std::string& key, Day date, double fallback) const {
  const auto* w = Get(key, date);
  if (!w || w->empty()) return fallback;
  double v = fallback;
  std::from_chars((*w)[0].data(), (*w)[0].data() + (*w)[0].size(), v);
  return v;
}

std::vector<std::vector<std::string>> ChartMethod::All(const std::string& key, Day date) const {
  std::vector<std::vector<std::string>> out;
  auto it = settings.find(key);
  if (it == settings.end()) return out;
  std::optional<Day> latest;
  for (const Value& v : it->second)
    if (v.from <= date && (!latest || v.from > *latest)) latest = v.from;
  if (!latest) return out;
  for (const Value& v : it->second)
    if (v.from == *latest) out.push_back(v.words);
  return out;
}

Result<std::vector<ChartMethod>> ParseMethodology(const std::string& file, const std::string& text,
                                                  std::vector<MethodologyIssue>* issues) {
  std::vector<ChartMethod> out;
  const size_t before = issues->size();
  std::istringstream in(text);
  std::string line;
  uint64_t n = 0;
  std::string chart_text;
  auto finish = [&] {
    if (!out.empty()) {
      Fingerprinter fp;
      fp.Update(chart_text);
      out.back().fingerprint = fp.Hex();
    }
    chart_text.clear();
  };
  while (std::getline(in, line)) {
    ++n;
    const size_t hash = line.find('#');
    const std::string body(Trim(std::string_view(line).substr(0, hash)));
    if (body.empty()) continue;
    std::vector<std::string> words;
    std::istringstream ws(body);
    for (std::string w; ws >> w;) words.push_back(w);
    auto issue = [&](std::string reason) { issues->push_back({file, n, std::move(reason)}); };
    if (words[0] == "chart") {
      finish();
      if (words.size() != 2) {
        issue("`chart NAME` names one chart");
        continue;
      }
      ChartMethod m;
      m.name = words[1];
      m.file = file;
      m.line = n;
      out.push_back(std::move(m));
      chart_text = body + "\n";
      continue;
    }
    if (out.empty()) {
      issue("a setting before any `chart NAME` line");
      continue;
    }
    chart_text += body + "\n";
    const KeySpec* spec = nullptr;
    for (const auto& k : kKeys)
      if (words[0] == k.key) spec = &k;
    if (!spec) {
      issue("unknown setting '" + words[0] + "'");
      continue;
    }
    ChartMethod::Value v;
    v.from = kAlways;
    v.line = n;
    // A trailing `from YYYY-MM-DD`.
    if (words.size() >= 3 && words[words.size() - 2] == "from") {
      const auto d = ParseDate(words.back());
      if (!d) {
        issue("'from' takes a date YYYY-MM-DD, not '" + words.back() + "'");
        continue;
      }
      v.from = *d;
      words.resize(words.size() - 2);
    }
    std::string key = words[0];
    size_t first = 1;
    if (spec->sub) {
      if (words.size() < 2) {
        issue("'" + key + "' needs what it applies to");
        continue;
      }
      if (key == "weight" && !kComponents.count(words[1])) {
        issue("unknown weight '" + words[1] +
              "' (premium, free, unknown, track-sale, album-sale, airplay)");
        continue;
      }
      key += " " + words[1];
      first = 2;
    }
    if (spec->words == 0) {
      // Free text: the rest of the line as written.
      const size_t at = body.find(words[0]) + words[0].size();
      v.words = {std::string(Trim(std::string_view(body).substr(at)))};
      if (v.from != kAlways) {
        issue("free text takes no 'from'");
        continue;
      }
    } else {
      v.words.assign(words.begin() + static_cast<long>(first), words.end());
      if (spec->words > 0 && static_cast<int>(v.words.size()) != spec->words) {
        issue("'" + key + "' takes " + std::to_string(spec->words) + " value" +
              (spec->words == 1 ? "" : "s"));
        continue;
      }
      if (v.words.empty()) {
        issue("'" + key + "' needs a value");
        continue;
      }
    }
    // Values by key.
    const std::string& w0 = v.words[0];
    bool ok = true;
    if (words[0] == "weight" || words[0] == "size" || words[0] == "max-per-lead-artist" ||
        words[0] == "recurrent" || words[0] == "window" || words[0].rfind("acr-", 0) == 0) {
      for (const auto& w : v.words) ok = ok && IsNumber(w);
      if (!ok) issue("'" + key + "' takes numbers");
    } else if (key == "period") {
      ok = w0 == "day" || w0 == "week" || w0 == "hour";
      if (!ok) issue("period is day, week or hour, not '" + w0 + "'");
    } else if (key == "week-starts") {
      ok = kWeekdays.count(w0) > 0;
      if (!ok) issue("week-starts takes a weekday, not '" + w0 + "'");
    } else if (key == "chart-date" || key == "airplay-week") {
      ok = w0 == "end" || (w0.rfind("end+", 0) == 0 && IsNumber(w0.substr(4)));
      if (!ok) issue(key + " is end or end+N (days after the period's last day)");
    } else if (key == "unit") {
      ok = w0 == "track" || w0 == "album";
      if (!ok) issue("unit is track or album");
    } else if (key == "combine-versions") {
      ok = w0 == "yes" || w0 == "no";
      if (!ok) issue("combine-versions is yes or no");
    }
    if (!ok) continue;
    out.back().settings[key].push_back(std::move(v));
  }
  finish();
  for (const auto& m : out) {
    if (!m.Get("period", std::numeric_limits<Day>::max()))
      issues->push_back({file, m.line, "chart " + m.name + " has no period"});
  }
  if (issues->size() > before) {
    return Status::DataError(std::to_string(issues->size() - before) + " problems in " + file);
  }
  return out;
}

extern const char* const kBuiltinMethodologyFiles[];
extern const char* const kBuiltinMethodologyTexts[];
extern const size_t kBuiltinMethodologyCount;

const std::vector<ChartMethod>& BuiltinMethodologies() {
  static const std::vector<ChartMethod> all = [] {
    std::vector<ChartMethod> out;
    for (size_t i = 0; i < kBuiltinMethodologyCount; ++i) {
      std::vector<MethodologyIssue> issues;
      auto parsed =
          ParseMethodology(kBuiltinMethodologyFiles[i], kBuiltinMethodologyTexts[i], &issues);
      // The built-in files are tested (methodology_test.cc); a broken one is skipped, not fatal.
      if (parsed.ok()) out.insert(out.end(), parsed->begin(), parsed->end());
    }
    return out;
  }();
  return all;
}

const ChartMethod* FindMethodology(const std::string& name) {
  for (const auto& m : BuiltinMethodologies())
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace encore
