#include "ingest/history_time.h"

#include <cstring>

#include "encore/date.h"

namespace encore {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool ValidCivil(int y, int m, int d) {
  if (y < 1970 || y > 2149 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace

std::optional<int64_t> ParseLastfmDate(std::string_view s) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  size_t i = 0;
  int day = 0;
  if (Digits(s, 0, 2, &day)) {
    i = 2;
  } else if (Digits(s, 0, 1, &day)) {
    i = 1;
  } else {
    return std::nullopt;
  }
  if (i + 5 > s.size() || s[i] != ' ' || s[i + 4] != ' ') return std::nullopt;
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (std::memcmp(s.data() + i + 1, kMonths[m], 3) == 0) month = m + 1;
  }
  if (month == 0) return std::nullopt;
  i += 5;
  int year, hour, minute;
  if (!Digits(s, i, 4, &year)) return std::nullopt;
  i += 4;
  if (i < s.size() && s[i] == ',') ++i;
  if (i + 6 != s.size() || s[i] != ' ' || !Digits(s, i + 1, 2, &hour) || s[i + 3] != ':' ||
      !Digits(s, i + 4, 2, &minute) || hour > 23 || minute > 59 || !ValidCivil(year, month, day)) {
    return std::nullopt;
  }
  return int64_t{DayFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))} *
             86400 +
         hour * 3600 + minute * 60;
}

std::optional<CivilMinute> ParseCivilMinute(std::string_view s) {
  CivilMinute c;
  if (s.size() != 16 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
      !Digits(s, 0, 4, &c.year) || !Digits(s, 5, 2, &c.month) || !Digits(s, 8, 2, &c.day) ||
      !Digits(s, 11, 2, &c.hour) || !Digits(s, 14, 2, &c.minute) || c.hour > 23 || c.minute > 59 ||
      !ValidCivil(c.year, c.month, c.day)) {
    return std::nullopt;
  }
  return c;
}

}  // namespace encore
