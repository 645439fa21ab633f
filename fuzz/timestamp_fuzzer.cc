// Fuzzes date and timestamp parsing; a parsed date must format back to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "encore/date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  (void)encore::ParseTimestamp(s);
  if (auto d = encore::ParseDate(s)) {
    if (encore::FormatDate(*d) != s) __builtin_trap();
  }
  return 0;
}
