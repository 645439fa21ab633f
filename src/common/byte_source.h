// Sequential readers and writers of plain, gzip (.gz) and zstd (.zst) files, chosen by extension.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "encore/status.h"

namespace encore {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n decompressed bytes into buf; 0 at the end of the content.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Bytes of the underlying file consumed so far, and its size, for progress display.
  virtual uint64_t consumed() const = 0;
  virtual uint64_t file_size() const = 0;
};

enum class Compression { kNone, kGzip, kZstd };
// By the path's last extension: .gz, .zst, anything else is plain.
Compression CompressionOf(const std::string& path);
// The path without a .gz/.zst extension ("plays.csv.gz" -> "plays.csv").
std::string StripCompressionExtension(const std::string& path);

Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path);
// The decompressed content of a file, whole or its first `limit` bytes (at least; reads stop at
// the first block past it).
Result<std::string> ReadDecompressed(const std::string& path, size_t limit = SIZE_MAX);

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(const char* data, size_t n) = 0;
  // Flushes, finishes the compressed stream and closes; the sink is unusable afterwards.
  virtual Status Close() = 0;
};
// Creates or truncates path; compresses by extension. "-" writes plain bytes to stdout.
Result<std::unique_ptr<ByteSink>> OpenByteSink(const std::string& path);

}  // namespace encore
