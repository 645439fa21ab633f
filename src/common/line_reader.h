// The lines of a byte source, one at a time, holding no more than a block and one line: a line
// over the limit comes back cut to the limit (too_long), and the rest of it is read past without
// being kept, however long it runs (a decompression bomb of one endless line costs time, not
// memory).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/hash.h"

namespace encore {

class LineReader {
 public:
  // fp, if given, is fed every byte read.
  LineReader(ByteSource* src, size_t limit, Fingerprinter* fp);

  struct Line {
    std::string_view text;  // without its line end (LF or CRLF); valid until the next call
    uint64_t number = 0;    // 1-based
    bool too_long = false;  // text holds the first `limit` bytes of a longer line
  };
  // False at the end of the source.
  Result<bool> Next(Line* line);

 private:
  Result<size_t> Fill();  // reads more after the unconsumed bytes; 0 at the end

  ByteSource* src_;
  size_t limit_;
  Fingerprinter* fp_;
  std::vector<char> buf_;
  size_t start_ = 0, end_ = 0;
  uint64_t number_ = 0;
  bool eof_ = false;
  bool skip_ = false;  // reading past the rest of a line over the limit
};

}  // namespace encore
