// Column files: a fixed number of integer columns of equal length, each encoded and zstd
// compressed on its own, with a checksum over the whole file. Day segments and cap states are
// column files. Format: doc/formats/column-file.md.
#pragma once

#include <cstdint>
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
  // Checks magic, version, checksum and every bound; columns are decoded in Parse().
  Status Parse(std::string_view data, std::string_view magic, size_t expected_columns,
               const std::string& name);
  int64_t tag() const { return tag_; }
  uint64_t rows() const { return rows_; }
  const std::vector<uint64_t>& column(size_t i) const { return columns_[i]; }

 private:
  int64_t tag_ = 0;
  uint64_t rows_ = 0;
  std::vector<std::vector<uint64_t>> columns_;
};

// Blob files: a header, one zstd-compressed payload of `count` records, a checksum.
// Format: doc/formats/blob-file.md.
std::string EncodeBlobFile(std::string_view magic, uint64_t count, std::string_view payload);
Status DecodeBlobFile(std::string_view data, std::string_view magic, const std::string& name,
                      uint64_t* count, std::string* payload);

uint32_t Crc32(std::string_view data);

}  // namespace encore
