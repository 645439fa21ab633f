// The bytes of a JSON file fed to nlohmann's SAX parser a block at a time (billboard_json.cc,
// store_feed.cc): lines counted for rejects, the content fingerprinted as it streams past, a
// byte-order mark skipped, and the input ended early when one value runs over kMaxQuiet bytes, so
// that memory stays bounded whatever the file holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/hash.h"
#include "encore/status.h"

namespace encore {

inline constexpr size_t kMaxQuiet = size_t{1} << 20;  // bytes between two parser events

// The file's bytes, one at a time, for the parser; counts lines, feeds the fingerprint, and ends
// the input early (failed()) when a value runs over kMaxQuiet bytes.
class JsonCursor {
 public:
  JsonCursor(ByteSource* src, Fingerprinter* fp) : src_(src), fp_(fp), buf_(size_t{1} << 16) {}
  bool AtEnd() {
    if (pos_ < end_) return false;
    if (eof_ || !failed_.empty()) return true;
    auto got = src_->Read(buf_.data(), buf_.size());
    if (!got.ok()) {
      failed_ = got.status().message();
      return true;
    }
    if (*got == 0) {
      eof_ = true;
      return true;
    }
    fp_->Update(std::string_view(buf_.data(), *got));
    pos_ = 0;
    end_ = *got;
    if (first_) {  // a byte-order mark
      first_ = false;
      if (end_ >= 3 && std::string_view(buf_.data(), 3) == "\xEF\xBB\xBF") pos_ = 3;
      return AtEnd();
    }
    return false;
  }
  const char& Ref() const { return buf_[pos_]; }
  void Advance() {
    if (buf_[pos_] == '\n') ++line_;
    ++pos_;
    if (++quiet_ > kMaxQuiet) {
      failed_ = "over 1 MiB without a value's end (a value that long is not a chart's)";
      pos_ = end_;
    }
  }
  void Event() { quiet_ = 0; }
  // Skips the bytes before the first `c` (a script's "var data = " before its array), within
  // kMaxQuiet: false when there is none.
  bool SkipTo(char c) {
    while (!AtEnd()) {
      if (Ref() == c) return true;
      Advance();
    }
    return false;
  }
  uint64_t line() const { return line_; }
  const std::string& failed() const { return failed_; }
  // Reads the rest of the content, for the fingerprint.
  Status Drain() {
    while (failed_.empty() && !eof_) {
      pos_ = end_;
      AtEnd();
    }
    return failed_.empty() ? Status::Ok() : Status::IoError(failed_);
  }

 private:
  ByteSource* src_;
  Fingerprinter* fp_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0, quiet_ = 0;
  uint64_t line_ = 1;
  bool eof_ = false, first_ = true;
  std::string failed_;
};

struct JsonIterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  JsonCursor* c = nullptr;
  const char& operator*() const { return c->Ref(); }
  JsonIterator& operator++() {
    c->Advance();
    return *this;
  }
  JsonIterator operator++(int) {
    JsonIterator old = *this;
    c->Advance();
    return old;
  }
  bool Done() const { return c == nullptr || c->AtEnd(); }
  bool operator==(const JsonIterator& o) const { return Done() == o.Done(); }
  bool operator!=(const JsonIterator& o) const { return !(*this == o); }
};

// The events of nlohmann's SAX parser for a reader that takes every scalar as text
// (store_feed.cc, number_ones.cc). `Reader` derives from it and has Open(bool object),
// Value(std::string text), Close() and Key(const std::string&); a parse error keeps the first
// reason (the cursor's, when it ended the input) and its line.
template <class Reader>
class TextSax {
 public:
  explicit TextSax(JsonCursor* cursor) : cursor_(cursor) {}
  bool null() { return self().Value(""); }
  bool boolean(bool v) { return self().Value(v ? "true" : "false"); }
  bool number_integer(int64_t v) { return self().Value(std::to_string(v)); }
  bool number_unsigned(uint64_t v) { return self().Value(std::to_string(v)); }
  bool number_float(double, const std::string& s) { return self().Value(s); }
  bool string(std::string& s) { return self().Value(s); }
  bool binary(nlohmann::json::binary_t&) { return self().Value(""); }
  bool start_object(std::size_t) { return self().Open(true); }
  bool start_array(std::size_t) { return self().Open(false); }
  bool key(std::string& k) {
    cursor_->Event();
    self().Key(k);
    return true;
  }
  bool end_object() { return self().Close(); }
  bool end_array() { return self().Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    if (error_.empty())
      error_ = cursor_->failed().empty() ? std::string("not valid JSON: ") + ex.what()
                                         : cursor_->failed();
    error_line_ = cursor_->line();
    return false;
  }
  const std::string& error() const { return error_; }
  uint64_t error_line() const { return error_line_; }

 protected:
  JsonCursor* cursor_;
  std::string error_;
  uint64_t error_line_ = 0;

 private:
  Reader& self() { return static_cast<Reader&>(*this); }
};

}  // namespace encore
