// Calendar days and ISO-8601 timestamps, all in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace encore {

// Days since 1970-01-01 (day 0). Stored days are 0..65535 (1970-01-01 .. 2149-06-06).
using Day = int32_t;
inline constexpr Day kMaxStoredDay = 65535;

// Day number of a proleptic Gregorian date; the date must be valid.
Day DayFromCivil(int year, unsigned month, unsigned day);
// Civil date of a day number.
void CivilFromDay(Day d, int* year, unsigned* month, unsigned* day);

// Parses strict `YYYY-MM-DD` (a real calendar date). nullopt on anything else.
std::optional<Day> ParseDate(std::string_view s);
// `YYYY-MM-DD`.
std::string FormatDate(Day d);

// `YYYY-MM-DDTHH:MM:SSZ` of an epoch second.
std::string FormatTimestamp(int64_t s);

// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)` and returns seconds since the epoch, UTC.
// A lower-case `t`/`z`, a missing zone, or any out-of-range field gives nullopt. Seconds may be 60
// (a leap second), which counts as the last second of its minute.
std::optional<int64_t> ParseTimestamp(std::string_view s);

// As ParseTimestamp, in milliseconds since the epoch (a fraction is cut to whole milliseconds).
std::optional<int64_t> ParseTimestampMillis(std::string_view s);

// The UTC day holding an epoch second.
inline Day DayOfEpochSecond(int64_t s) {
  return static_cast<Day>((s >= 0 ? s : s - 86399) / 86400);
}

// The UTC day holding an epoch millisecond.
inline Day DayOfEpochMillis(int64_t ms) {
  return static_cast<Day>((ms >= 0 ? ms : ms - 86399999) / 86400000);
}

}  // namespace encore
