#include "common/csv_scanner.h"

#include <algorithm>
#include <cstring>

namespace encore {

Boundaries FindBoundaries(std::string_view data, bool quotes) {
  Boundaries b;
  const size_t half = data.size() / 2;
  if (!quotes || std::memchr(data.data(), '"', data.size()) == nullptr) {
    const size_t last = data.rfind('\n');
    if (last == std::string_view::npos) return b;
    b.last = last + 1;
    const size_t mid = data.find('\n', half);
    b.mid = mid == std::string_view::npos || mid + 1 >= b.last ? 0 : mid + 1;
    return b;
  }
  // Quotes present: walk the records so that a quoted line end is not taken for a boundary.
  bool in_quotes = false;
  size_t record_start = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '"') {
      in_quotes = !in_quotes;
    } else if (c == '\n' && (!in_quotes || i - record_start > kMaxRecordBytes)) {
      in_quotes = false;
      record_start = i + 1;
      b.last = i + 1;
      if (b.mid == 0 && i >= half) b.mid = i + 1;
    }
  }
  if (b.mid >= b.last) b.mid = 0;
  return b;
}

bool CsvRecordReader::Next(Record* rec) {
  while (pos_ < data_.size()) {
    const size_t start = pos_;
    size_t end;  // index of the line end, or data_.size()
    uint64_t newlines = 0;
    bool too_long = false;
    const void* nl = std::memchr(data_.data() + start, '\n', data_.size() - start);
    end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data_.data()) : data_.size();
    if (quotes_ && std::memchr(data_.data() + start, '"', end - start) != nullptr) {
      bool in_quotes = false;
      end = start;
      for (; end < data_.size(); ++end) {
        const char c = data_[end];
        if (c == '"') {
          in_quotes = !in_quotes;
        } else if (c == '\n') {
          if (!in_quotes) break;
          if (end - start > kMaxRecordBytes) {
            too_long = true;
            break;
          }
          ++newlines;
        }
      }
    }
    pos_ = end < data_.size() ? end + 1 : end;
    size_t stop = end;
    if (end == data_.size() && stop > start && data_[stop - 1] == '\n') {
      --stop;  // an open quote ran to the end of the chunk: its last line end is not data
      --newlines;
    }
    if (stop > start && data_[stop - 1] == '\r') --stop;
    rec->raw = data_.substr(start, stop - start);
    rec->line = line_;
    rec->lines = newlines + 1;
    rec->too_long = too_long || rec->raw.size() > kMaxRecordBytes;
    line_ += newlines + 1;
    return true;
  }
  return false;
}

bool SplitCsv(std::string_view raw, std::vector<std::string_view>* fields, std::string* scratch) {
  fields->clear();
  {
    // Fast path: no quote anywhere in the record.
    const char* p = raw.data();
    const char* end = p + raw.size();
    const char* field = p;
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    for (;;) {
      // Eight bytes at a time while they hold neither a comma nor a quote.
      while (end - p >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        const uint64_t c = w ^ (kOnes * ','), q = w ^ (kOnes * '"');
        if ((((c - kOnes) & ~c) | ((q - kOnes) & ~q)) & kHighs) break;
        p += 8;
      }
      const char* stop = std::min(end, p + 8);
      for (; p < stop; ++p) {
        if (*p == ',' || *p == '"') break;
      }
      if (p == end || *p == '"') break;
      fields->emplace_back(field, static_cast<size_t>(p - field));
      field = ++p;
    }
    for (; p < end; ++p) {
      if (*p == ',') {
        fields->emplace_back(field, static_cast<size_t>(p - field));
        field = p + 1;
      } else if (*p == '"') {
        break;
      }
    }
    if (p == end) {
      fields->emplace_back(field, static_cast<size_t>(end - field));
      return true;
    }
    fields->clear();
  }
  // Slow path: unescaped fields go to scratch, reserved up front so views stay valid.
  scratch->clear();
  scratch->reserve(raw.size());
  size_t i = 0;
  for (;;) {
    if (i < raw.size() && raw[i] == '"') {
      const size_t begin = scratch->size();
      ++i;
      for (;;) {
        if (i >= raw.size()) return false;  // unterminated
        if (raw[i] == '"') {
          if (i + 1 < raw.size() && raw[i + 1] == '"') {
            scratch->push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        scratch->push_back(raw[i++]);
      }
      fields->push_back(std::string_view(*scratch).substr(begin));
      if (i == raw.size()) return true;
      if (raw[i] != ',') return false;  // text after the closing quote
      ++i;
    } else {
      const size_t comma = raw.find(',', i);
      const std::string_view f =
          raw.substr(i, comma == std::string_view::npos ? raw.size() - i : comma - i);
      if (f.find('"') != std::string_view::npos) return false;  // stray quote
      fields->push_back(f);
      if (comma == std::string_view::npos) return true;
      i = comma + 1;
    }
  }
}

}  // namespace encore
