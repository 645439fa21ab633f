// Small string helpers shared by the parsers and the file code.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace encore {

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Without leading and trailing spaces, tabs and carriage returns.
inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A whole decimal integer (after trimming), or nullopt.
inline std::optional<int64_t> ParseInt64(std::string_view s) {
  s = Trim(s);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A CSV field (RFC 4180): quoted, its quotes doubled, when it holds a comma, a quote or a line
// break.
inline std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A CSV field for a table people open in a spreadsheet (names come from anyone's exports): one
// that a spreadsheet would read as a formula (=, +, -, @, a tab or CR first; not a signed number
// such as "+2") is led by a single quote (OWASP's rule against CSV injection), then CsvField.
// Not for files encore reads back (export daily keeps its ids as they are).
inline std::string SpreadsheetCsvField(std::string_view s) {
  const bool signed_number = s.size() > 1 && (s[0] == '+' || s[0] == '-') &&
                             s.find_first_not_of("0123456789.,", 1) == std::string_view::npos;
  if (!s.empty() && !signed_number &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    return CsvField("'" + std::string(s));
  }
  return CsvField(s);
}

// 1234567 -> "1,234,567".
inline std::string Thousands(int64_t v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive: how
// far a mistyped word is from a known one.
inline size_t EditDistance(std::string_view a, std::string_view b) {
  auto low = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The known words nearest `word` (a third of its letters wrong at most, or `word` a prefix of
// them), as "'a'" or "'a' or 'b'" (the nearest, three at most): "" when none is near.
inline std::string NearestWords(std::string_view word, const std::vector<std::string>& known) {
  std::vector<std::pair<size_t, std::string>> near;
  for (const auto& k : known) {
    const size_t d = EditDistance(word, k);
    const bool prefix = word.size() >= 3 && k.size() > word.size() && k.compare(0, word.size(), word) == 0;
    if (d <= std::max<size_t>(1, word.size() / 3) || prefix) near.emplace_back(prefix ? 0 : d, k);
  }
  if (near.empty()) return "";
  std::sort(near.begin(), near.end());
  near.erase(std::unique(near.begin(), near.end()), near.end());
  std::string out;
  for (size_t i = 0; i < near.size() && i < 3 && near[i].first == near[0].first; ++i) {
    out += (i ? " or '" : "'") + near[i].second + "'";
  }
  return out;
}

// " (did you mean 'a'?)" for the known words nearest `word` (NearestWords), "" when none is near:
// what every refusal of a mistyped word adds.
inline std::string DidYouMean(std::string_view word, const std::vector<std::string>& known) {
  const std::string near = NearestWords(word, known);
  return near.empty() ? "" : " (did you mean " + near + "?)";
}

}  // namespace encore
