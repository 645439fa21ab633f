// RFC 4180 record scanning over an in-memory chunk: finds record boundaries (quote-aware) and
// splits a record into fields, unescaping quoted ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace encore {

inline constexpr size_t kMaxRecordBytes = 1u << 20;

// Where records end in data[0, size), which starts at a record boundary.
struct Boundaries {
  size_t last = 0;  // one past the last complete record's line end (0: none complete)
  size_t mid = 0;   // a record boundary near size/2 (0 when there is none)
};
// `quotes` says whether records may hold quoted line ends (false for JSON Lines).
Boundaries FindBoundaries(std::string_view data, bool quotes);

// Iterates the records of a chunk that starts at a record boundary.
class CsvRecordReader {
 public:
  CsvRecordReader(std::string_view chunk, uint64_t first_line, bool quotes)
      : data_(chunk), line_(first_line), quotes_(quotes) {}

  struct Record {
    std::string_view raw;   // without its line end
    uint64_t line = 0;      // line where it starts
    uint64_t lines = 1;     // physical lines it spans
    bool too_long = false;  // over kMaxRecordBytes: cut at the first line end after the limit
  };
  // False at the end of the chunk.
  bool Next(Record* rec);

 private:
  std::string_view data_;
  size_t pos_ = 0;
  uint64_t line_;
  bool quotes_;
};

// Splits one CSV record into fields. Returns false for a malformed record (a quote inside an
// unquoted field, text after a closing quote, an unterminated quote). Views point into `raw` or
// into `scratch` (for fields that needed unescaping); both must outlive them.
bool SplitCsv(std::string_view raw, std::vector<std::string_view>* fields, std::string* scratch);

}  // namespace encore
