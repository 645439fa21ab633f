#include "ingest/json_splitter.h"

#include <cstring>

namespace encore {
namespace {

inline bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The first byte in [p, end) that is a quote, a backslash or a line end (end when none): inside a
// string only these matter. Eight bytes at a time, as SplitCsv does.
inline const char* StringStop(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t q = w ^ (kOnes * '"'), b = w ^ (kOnes * '\\'), n = w ^ (kOnes * '\n');
    if ((((q - kOnes) & ~q) | ((b - kOnes) & ~b) | ((n - kOnes) & ~n)) & kHighs) break;
    p += 8;
  }
  for (; p < end; ++p) {
    if (*p == '"' || *p == '\\' || *p == '\n') return p;
  }
  return end;
}

// The bytes that matter inside an object or array, outside strings; everything else (names'
// colons, numbers, words, and above all indentation) is passed over in a tight loop.
struct Structural {
  bool is[256] = {};
  constexpr Structural() {
    for (char c : {'"', '{', '}', '[', ']', '\n'}) is[static_cast<unsigned char>(c)] = true;
  }
};
constexpr Structural kStructural;

}  // namespace

size_t JsonEntrySplitter::Scan(const char* data, size_t n, uint64_t offset,
                               std::vector<Entry>* out, size_t max_entries) {
  const char* const begin = data;
  const char* const end = data + n;
  const char* p = data;
  auto abs = [&](const char* q) { return offset + static_cast<uint64_t>(q - begin); };
  auto open = [&](const char* q) {
    entry_.begin = abs(q);
    entry_.line = line_;
    parent_ = mode_ == Mode::kStart ? Mode::kValues : mode_;
    mode_ = Mode::kEntry;
    depth_ = 0;
    in_string_ = escape_ = false;
    if (*q == '{' || *q == '[') {
      kind_ = Kind::kContainer;
      depth_ = 1;
    } else if (*q == '"') {
      kind_ = Kind::kString;
      in_string_ = true;
    } else {
      kind_ = Kind::kScalar;
    }
  };
  auto close = [&](const char* q) {  // the entry ends just before q
    entry_.end = abs(q);
    out->push_back(entry_);
    mode_ = parent_;
  };
  while (p < end && out->size() < max_entries) {
    if (mode_ != Mode::kEntry) {
      const char c = *p;
      if (c == '\n') ++line_;
      if (IsSpace(c)) {
        ++p;
        continue;
      }
      if (mode_ == Mode::kStart && c == '[') {
        mode_ = Mode::kArray;
        array_open_ = is_array_ = true;
        ++p;
        continue;
      }
      if (mode_ == Mode::kArray && c == ',') {  // separators; a missing one is not our concern
        ++p;
        continue;
      }
      if (mode_ == Mode::kArray && c == ']') {  // the array closes; anything after is an entry
        mode_ = Mode::kValues;
        array_open_ = false;
        ++p;
        continue;
      }
      open(p);
      ++p;
      continue;
    }
    if (in_string_) {
      if (escape_) {
        escape_ = false;
        if (*p == '\n') ++line_;
        ++p;
        continue;
      }
      p = StringStop(p, end);
      if (p == end) break;
      const char c = *p++;
      if (c == '\n') {
        ++line_;
      } else if (c == '\\') {
        escape_ = true;
      } else {  // the closing quote
        in_string_ = false;
        if (kind_ == Kind::kString) close(p);
      }
      continue;
    }
    const char c = *p;
    if (kind_ == Kind::kScalar) {
      // A number or word ends at a space or at what would follow it inside an array.
      if (IsSpace(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"') {
        close(p);
        continue;  // the byte is looked at again outside the entry
      }
      ++p;
      continue;
    }
    if (!kStructural.is[static_cast<unsigned char>(c)]) {
      ++p;
      while (p < end && !kStructural.is[static_cast<unsigned char>(*p)]) ++p;
      continue;
    }
    ++p;
    switch (c) {
      case '\n':
        ++line_;
        break;
      case '"':
        in_string_ = true;
        break;
      case '{':
      case '[':
        ++depth_;
        break;
      case '}':
      case ']':
        if (--depth_ == 0) close(p);
        break;
      default:
        break;
    }
  }
  return static_cast<size_t>(p - begin);
}

std::optional<JsonEntrySplitter::Tail> JsonEntrySplitter::Finish(uint64_t end_offset) {
  if (mode_ != Mode::kEntry) return std::nullopt;
  Tail t;
  t.entry = entry_;
  t.entry.end = end_offset;
  t.complete = kind_ == Kind::kScalar;
  mode_ = parent_;
  return t;
}

}  // namespace encore
