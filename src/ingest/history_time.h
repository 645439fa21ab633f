// The time formats of personal listening histories other than ISO-8601 (encore/date.h has that).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace encore {

// Last.fm's "31 Jan 2021 14:05" or "31 Jan 2021, 14:05" (UTC; English month abbreviations), the
// date column of its common CSV exporters and the `#text` of its API's dates. Epoch seconds.
std::optional<int64_t> ParseLastfmDate(std::string_view s);

// A wall-clock time to the minute, "YYYY-MM-DD HH:MM" (Spotify "Account data" `endTime`).
struct CivilMinute {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
};
std::optional<CivilMinute> ParseCivilMinute(std::string_view s);

}  // namespace encore
