#include "common/time_zone.h"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <cctype>
#include <chrono>

namespace encore {

struct TimeZone::Impl {
  cctz::time_zone zone = cctz::utc_time_zone();
};

TimeZone::TimeZone() : impl_(std::make_unique<Impl>()) {}
TimeZone::~TimeZone() = default;
TimeZone::TimeZone(TimeZone&&) noexcept = default;
TimeZone& TimeZone::operator=(TimeZone&&) noexcept = default;

Result<TimeZone> TimeZone::Load(const std::string& name) {
  TimeZone tz;
  tz.name_ = name;
  if (name == "UTC" || name == "Z") return tz;
  if (name.size() == 6 && (name[0] == '+' || name[0] == '-') && name[3] == ':') {
    auto digit = [&](size_t i) { return name[i] >= '0' && name[i] <= '9'; };
    if (digit(1) && digit(2) && digit(4) && digit(5)) {
      const int h = (name[1] - '0') * 10 + (name[2] - '0');
      const int m = (name[4] - '0') * 10 + (name[5] - '0');
      if (h <= 23 && m <= 59) {
        const int sign = name[0] == '-' ? -1 : 1;
        tz.impl_->zone = cctz::fixed_time_zone(std::chrono::seconds(sign * (h * 3600 + m * 60)));
        return tz;
      }
    }
  }
  // An IANA name: letters, digits, '_', '-', '+' and '/' between parts ("America/Argentina/
  // Buenos_Aires", "Etc/GMT+9"), never a path of its own (cctz would open "file:/any/path", a FIFO
  // among them, and block).
  bool iana = !name.empty() && name.size() <= 64 && name[0] != '/' && name.back() != '/' &&
              name.find("//") == std::string::npos && name.find("..") == std::string::npos;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' ||
          c == '/'))
      iana = false;
  }
  if (!iana || !cctz::load_time_zone(name, &tz.impl_->zone)) {
    return Status::InvalidArgument("unknown time zone '" + name +
                                   "' (an IANA name such as Europe/Berlin, which needs Debian's "
                                   "tzdata, or an offset such as +09:00)");
  }
  return tz;
}

int64_t TimeZone::ToUtc(int year, int month, int day, int hour, int minute, int second) const {
  const cctz::civil_second cs(year, month, day, hour, minute, second);
  const cctz::time_zone::civil_lookup cl = impl_->zone.lookup(cs);
  return std::chrono::duration_cast<std::chrono::seconds>(cl.pre.time_since_epoch()).count();
}

}  // namespace encore
