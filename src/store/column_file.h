// Column files: a fixed number of integer columns of equal length, each encoded and zstd
// compressed on its own, with a checksum over the whole file. Day segments and cap states are
// column files. Format: doc/formats/column-file.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "encore/status.h"

namespace encore {

enum class ColumnEncoding : uint8_t {
  kVarint = 1,        // LEB128
  kDeltaVarint = 2,   // LEB128 of the difference to the previous value; values must not decrease
  kZigZagVarint = 3,  // LEB128 of the zig-zag of a signed value
  kFixed64 = 4,       // 8 bytes little-endian
};

class ColumnFileWriter {
 public:
  ColumnFileWriter(std::string_view magic, int64_t tag) : magic_(magic), tag_(tag) {}
  // All columns must have the same length. The column is copied into the encoding immediately.
  void AddColumn(ColumnEncoding encoding, const std::vector<uint64_t>& values);
  // A column of `rows` values already encoded (raw: the bytes before compression), compressed at
  // this zstd level (default: the store's, 3).
  void AddEncodedColumn(ColumnEncoding encoding, uint64_t rows, std::string_view raw, int level = 3);
  // The whole file's bytes.
  std::string Finish() const;

 private:
  std::string_view magic_;
  int64_t tag_;
  uint64_t rows_ = 0;
  std::vector<std::pair<ColumnEncoding, std::string>> columns_;  // compressed payloads
};

class ColumnFileReader {
 public:
  // Checks magic, version, checksum and every bound, and decompresses the columns; then either
  // Parse() decodes them whole, or Next() decodes them row by row (no column is materialised).
  // decoded_columns: only the first this many are decompressed (the others read as empty).
  Status Open(std::string_view data, std::string_view magic, size_t expected_columns,
              const std::string& name, size_t decoded_columns = SIZE_MAX);
  // Open() and every column decoded into column(i).
  Status Parse(std::string_view data, std::string_view magic, size_t expected_columns,
               const std::string& name);
  int64_t tag() const { return tag_; }
  uint64_t rows() const { return rows_; }
  const std::vector<uint64_t>& column(size_t i) const { return columns_[i]; }
  // After Open(): the next row's values into values[0..columns); false after the last row, or
  // on corruption (then *error is set). At the end, checks that every column was used up.
  bool Next(uint64_t* values, Status* error);
  // After Open(): the next n values of one column into out (columns are read independently;
  // read them in step to read rows). Returns how many were decoded; fewer than n at the end of
  // the column, 0 with *error set on corruption. Do not mix with Next().
  size_t NextValues(size_t column, uint64_t* out, size_t n, Status* error);

 private:
  std::string name_;
  int64_t tag_ = 0;
  uint64_t rows_ = 0, next_row_ = 0;
  std::vector<std::vector<uint64_t>> columns_;
  struct Raw {
    ColumnEncoding encoding;
    std::string bytes;
    const char* at = nullptr;
    uint64_t prev = 0;
  };
  std::vector<Raw> raw_;
};

// Blob files: a header, one zstd-compressed payload of `count` records, a checksum.
// Format: doc/formats/blob-file.md.
std::string EncodeBlobFile(std::string_view magic, uint64_t count, std::string_view payload);
// The same from a payload already compressed into one zstd frame.
std::string EncodeBlobFileFromFrame(std::string_view magic, uint64_t count, std::string_view frame);
Status DecodeBlobFile(std::string_view data, std::string_view magic, const std::string& name,
                      uint64_t* count, std::string* payload);
// The same, the payload handed to `fn` a piece at a time as it is decompressed (never whole).
Status ScanBlobFile(std::string_view data, std::string_view magic, const std::string& name,
                   uint64_t* count, const std::function<Status(std::string_view)>& fn);

uint32_t Crc32(std::string_view data);

}  // namespace encore
