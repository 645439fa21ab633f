#include "encore/date.h"

#include <cstdio>
#include <cstring>

namespace encore {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
constexpr int64_t DaysFromCivil64(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

inline bool Digits(const char* p, int n, int* out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const unsigned c = static_cast<unsigned char>(p[i]) - '0';
    if (c > 9) return false;
    v = v * 10 + static_cast<int>(c);
  }
  *out = v;
  return true;
}

// Parses YYYY-MM-DD at p (10 bytes available) into a validated day number.
bool ParseDatePrefix(const char* p, int64_t* day) {
  int y, m, d;
  if (!Digits(p, 4, &y) || p[4] != '-' || !Digits(p + 5, 2, &m) || p[7] != '-' ||
      !Digits(p + 8, 2, &d)) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 ||
      static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m))) {
    return false;
  }
  *day = DaysFromCivil64(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

Day DayFromCivil(int year, unsigned month, unsigned day) {
  return static_cast<Day>(DaysFromCivil64(year, month, day));
}

void CivilFromDay(Day z32, int* year, unsigned* month, unsigned* day) {
  int64_t z = static_cast<int64_t>(z32) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (m <= 2));
  *month = m;
  *day = d;
}

std::optional<Day> ParseDate(std::string_view s) {
  int64_t day;
  if (s.size() != 10 || !ParseDatePrefix(s.data(), &day)) return std::nullopt;
  return static_cast<Day>(day);
}

std::string FormatDate(Day d) {
  int y;
  unsigned m, dd;
  CivilFromDay(d, &y, &m, &dd);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, dd);
  return buf;
}

std::string FormatTimestamp(int64_t s) {
  const Day d = DayOfEpochSecond(s);
  const int64_t in_day = s - static_cast<int64_t>(d) * 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", static_cast<int>(in_day / 3600),
                static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60));
  return FormatDate(d) + buf;
}

namespace {

std::optional<int64_t> ParseTimestampParts(std::string_view s, int* millis) {
  // Shortest: YYYY-MM-DDTHH:MM:SSZ (20 bytes).
  if (s.size() < 20 || s.size() > 40) return std::nullopt;
  const char* p = s.data();
  // Logs come roughly in time order: most lines share the previous line's date.
  thread_local char last_date[10] = {};
  thread_local int64_t last_day = 0;
  int64_t day;
  if (std::memcmp(p, last_date, 10) == 0) {
    day = last_day;
  } else {
    if (!ParseDatePrefix(p, &day)) return std::nullopt;
    std::memcpy(last_date, p, 10);
    last_day = day;
  }
  if (p[10] != 'T') return std::nullopt;
  int hh, mm, ss;
  if (!Digits(p + 11, 2, &hh) || p[13] != ':' || !Digits(p + 14, 2, &mm) || p[16] != ':' ||
      !Digits(p + 17, 2, &ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  if (ss == 60) ss = 59;
  size_t i = 19;
  *millis = 0;
  if (s[i] == '.') {
    size_t digits = 0;
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 3) *millis = *millis * 10 + (s[i] - '0');
      ++i, ++digits;
    }
    if (digits < 1 || digits > 9) return std::nullopt;
    for (size_t d = digits; d < 3; ++d) *millis *= 10;
  }
  if (i >= s.size()) return std::nullopt;
  int64_t offset = 0;
  if (s[i] == 'Z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int oh, om;
    if (s.size() - i != 6 || !Digits(p + i + 1, 2, &oh) || p[i + 3] != ':' ||
        !Digits(p + i + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (int64_t{oh} * 3600 + int64_t{om} * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return day * 86400 + int64_t{hh} * 3600 + int64_t{mm} * 60 + ss - offset;
}

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  int millis;
  return ParseTimestampParts(s, &millis);
}

std::optional<int64_t> ParseTimestampMillis(std::string_view s) {
  int millis = 0;
  const std::optional<int64_t> seconds = ParseTimestampParts(s, &millis);
  if (!seconds) return std::nullopt;
  return *seconds * 1000 + millis;
}

}  // namespace encore
