#include "ingest/spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace encore {

Result<std::unique_ptr<SpillFile>> SpillFile::Create(const std::string& dir) {
  int fd = -1;
#ifdef O_TMPFILE
  fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
  if (fd < 0) {  // a file system without O_TMPFILE
    std::string name = dir + "/.encore-spill-XXXXXX";
    std::vector<char> path(name.begin(), name.end());
    path.push_back('\0');
    fd = ::mkstemp(path.data());
    if (fd >= 0) ::unlink(path.data());
  }
  if (fd < 0) {
    return Status::IoError("cannot make a spill file in " + dir + ": " + std::strerror(errno));
  }
  return std::unique_ptr<SpillFile>(new SpillFile(fd, dir));
}

SpillFile::~SpillFile() { ::close(fd_); }

Result<uint64_t> SpillFile::Append(const void* data, size_t bytes) {
  const uint64_t at = size_;
  const char* p = static_cast<const char*>(data);
  size_t left = bytes;
  while (left > 0) {
    const ssize_t n = ::pwrite(fd_, p, left, static_cast<off_t>(size_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IoError("cannot write the spill file in " + dir_ + ": " +
                             std::strerror(n < 0 ? errno : ENOSPC));
    }
    p += n;
    left -= static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
  return at;
}

Status SpillFile::ReadAt(uint64_t offset, void* out, size_t bytes) const {
  char* p = static_cast<char*>(out);
  while (bytes > 0) {
    const ssize_t n = ::pread(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IoError("cannot read the spill file in " + dir_ + ": " +
                             (n < 0 ? std::strerror(errno) : "it is shorter than written"));
    }
    p += n;
    bytes -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace encore
