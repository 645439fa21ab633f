// A time zone, for inputs that give local wall-clock times (Spotify's "Account data" export).
// IANA names come from the system's zoneinfo (Debian's tzdata) through CCTZ; fixed offsets
// ("+09:00", "UTC") need no files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "encore/status.h"

namespace encore {

class TimeZone {
 public:
  TimeZone();  // UTC
  ~TimeZone();
  TimeZone(TimeZone&&) noexcept;
  TimeZone& operator=(TimeZone&&) noexcept;

  // "UTC", "Z", "+HH:MM" / "-HH:MM", or an IANA name such as "Europe/Berlin". kInvalidArgument
  // for anything else, naming the value.
  static Result<TimeZone> Load(const std::string& name);

  const std::string& name() const { return name_; }
  // The UTC epoch second of a local civil time. A time that a clock change skips is taken with
  // the offset before the change, one that it repeats as the first of the two (CCTZ's `pre`).
  int64_t ToUtc(int year, int month, int day, int hour, int minute, int second) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string name_ = "UTC";
};

}  // namespace encore
