#include "common/text.h"

#include <cstdint>

namespace encore {

bool CleanText(std::string_view s) {
  // ASCII fast path: printable bytes only.
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    // A multi-byte sequence: well-formed (no overlong forms, no surrogates, at most U+10FFFF)
    // and not a C1 control (U+0080..U+009F).
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0x80 && cp <= 0x9f)) {
      return false;
    }
    i += n;
  }
  return true;
}

std::string Printable(std::string_view s, bool collapse_space) {
  std::string out;
  out.reserve(s.size());
  auto hex = [&](unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  };
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (collapse_space && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
      out += ' ';
      continue;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c == '\n' || c == '\t' || c == '\r') {
      out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r";
      ++i;
      continue;
    }
    // A whole, printable UTF-8 sequence passes; anything else is escaped byte by byte.
    size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    // Bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069) reorder what a
    // terminal shows after them: escaped too.
    const bool bidi = n == 3 && i + 3 <= s.size() && c == 0xe2 &&
                      ((static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                        static_cast<unsigned char>(s[i + 2]) >= 0xaa &&
                        static_cast<unsigned char>(s[i + 2]) <= 0xae) ||
                       (static_cast<unsigned char>(s[i + 1]) == 0x81 &&
                        static_cast<unsigned char>(s[i + 2]) >= 0xa6 &&
                        static_cast<unsigned char>(s[i + 2]) <= 0xa9));
    if (n && !bidi && i + n <= s.size() && CleanText(s.substr(i, n))) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    hex(c);
    ++i;
  }
  return out;
}

}  // namespace encore
