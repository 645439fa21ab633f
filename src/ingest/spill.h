// Where a file's reader sets parsed records aside when holding them would pass its memory budget
// (IngestOptions::memory_bytes): one unnamed file, appended to in runs and read back a day at a
// time when the day is counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "encore/status.h"

namespace encore {

class SpillFile {
 public:
  // An unnamed file in `dir` (O_TMPFILE; else a named one, unlinked at once): it goes when it is
  // closed or the process dies. kIoError naming `dir` when none can be made.
  static Result<std::unique_ptr<SpillFile>> Create(const std::string& dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends `bytes` bytes and returns their offset. kIoError (a full disk) naming the folder.
  Result<uint64_t> Append(const void* data, size_t bytes);
  // Reads back `bytes` bytes at `offset`. Safe from several threads at once (no Append then).
  Status ReadAt(uint64_t offset, void* out, size_t bytes) const;
  uint64_t size() const { return size_; }

 private:
  SpillFile(int fd, std::string dir) : fd_(fd), dir_(std::move(dir)) {}
  int fd_;
  std::string dir_;
  uint64_t size_ = 0;
};

}  // namespace encore
