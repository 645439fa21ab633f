// Small text-formatting helpers for the command line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/strings.h"
#include "common/text.h"

namespace encore::cli {

using encore::Printable;  // common/text.h
using encore::Thousands;  // common/strings.h

// Right-aligns s in width columns.
inline std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// "1.5 GB", "12.0 MB", "512 B".
inline std::string Bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) b /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

}  // namespace encore::cli
