// Fuzzes JsonEntrySplitter: the entries it finds do not depend on how the stream is cut into
// pieces (it resumes at any byte), lie within the input in order without overlapping, and each
// begins on the line it says.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ingest/json_splitter.h"

using encore::JsonEntrySplitter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t step = 1 + data[0] % 17;  // the first byte says how to cut the rest
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<JsonEntrySplitter::Entry> whole, pieces;
  JsonEntrySplitter a, b;
  a.Scan(text.data(), text.size(), 0, &whole);
  auto tail_a = a.Finish(text.size());
  for (size_t at = 0; at < text.size(); at += step) {
    const size_t n = std::min(step, text.size() - at);
    b.Scan(text.data() + at, n, at, &pieces);
  }
  auto tail_b = b.Finish(text.size());
  if (whole.size() != pieces.size() || tail_a.has_value() != tail_b.has_value()) __builtin_trap();
  uint64_t last_end = 0;
  for (size_t i = 0; i < whole.size(); ++i) {
    const auto& e = whole[i];
    if (e.begin != pieces[i].begin || e.end != pieces[i].end || e.line != pieces[i].line)
      __builtin_trap();
    if (e.begin < last_end || e.end <= e.begin || e.end > text.size()) __builtin_trap();
    const auto lines = std::count(text.begin(), text.begin() + static_cast<long>(e.begin), '\n');
    if (e.line != static_cast<uint64_t>(lines) + 1) __builtin_trap();
    last_end = e.end;
  }
  return 0;
}
