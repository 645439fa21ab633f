// The file-system calls the store makes, behind an interface so that tests can fail a write
// half-way and check that the store survives it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "encore/status.h"

namespace encore {

class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates or truncates path, writes data and, when sync is set, fsyncs the file.
  virtual Status WriteFile(const std::string& path, std::string_view data, bool sync) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  // Atomically replaces `to` with `from`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status SyncDir(const std::string& dir) = 0;
  // Makes the data of files already written durable (fdatasync), several at once: a commit that
  // writes a file per day syncs them together rather than one after another.
  virtual Status SyncFiles(const std::vector<std::string>& paths) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual Status MakeDirs(const std::string& dir) = 0;
  virtual bool Exists(const std::string& path) const = 0;
  // Names (not paths) of the regular files in dir.
  virtual Result<std::vector<std::string>> List(const std::string& dir) const = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) const = 0;
  // An exclusive advisory lock on path (created if missing), held until the object is destroyed.
  // kFailedPrecondition when another process holds it.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
};

// kIoError "WHAT PATH: <strerror(errno)>", for a system call that just failed.
Status ErrnoStatus(const std::string& what, const std::string& path);

// The real thing. Thread-safe; never destroyed.
FileSystem* PosixFileSystem();

}  // namespace encore
