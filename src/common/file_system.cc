#include "common/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

namespace encore {
namespace {

class PosixLock final : public FileLock {
 public:
  explicit PosixLock(int fd) : fd_(fd) {}
  ~PosixLock() override { ::close(fd_); }

 private:
  int fd_;
};

class Posix final : public FileSystem {
 public:
  Status WriteFile(const std::string& path, std::string_view data, bool sync) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("cannot create", path);
    const char* p = data.data();
    size_t n = data.size();
    while (n > 0) {
      const ssize_t w = ::write(fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        Status s = ErrnoStatus("cannot write", path);
        ::close(fd);
        return s;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    if (sync && ::fdatasync(fd) != 0) {
      Status s = ErrnoStatus("cannot sync", path);
      ::close(fd);
      return s;
    }
    if (::close(fd) != 0) return ErrnoStatus("cannot close", path);
    return Status::Ok();
  }

  Result<std::string> ReadFile(const std::string& path) const override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound("no file " + path);
      return ErrnoStatus("cannot open", path);
    }
    std::string out;
    struct stat st;
    if (::fstat(fd, &st) == 0) out.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
      const ssize_t r = ::read(fd, buf, sizeof buf);
      if (r < 0) {
        if (errno == EINTR) continue;
        Status s = ErrnoStatus("cannot read", path);
        ::close(fd);
        return s;
      }
      if (r == 0) break;
      out.append(buf, static_cast<size_t>(r));
    }
    ::close(fd);
    return out;
  }

  Status SyncFiles(const std::vector<std::string>& paths) override {
    // Syncs of files on one file system are mostly waits for the device; in parallel they share
    // journal commits (1,461 day files: 6 s one after another, under 1 s eight at a time).
    const size_t n = paths.size();
    const size_t threads = std::min<size_t>(8, (n + 15) / 16);
    std::vector<Status> errors(std::max<size_t>(threads, 1));
    std::atomic<size_t> next{0};
    auto work = [&](size_t t) {
      for (size_t i = next++; i < n; i = next++) {
        const int fd = ::open(paths[i].c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
          errors[t] = ErrnoStatus("cannot open", paths[i]);
          return;
        }
        const bool ok = ::fdatasync(fd) == 0;
        Status s = ok ? Status::Ok() : ErrnoStatus("cannot sync", paths[i]);
        ::close(fd);
        if (!ok) {
          errors[t] = std::move(s);
          return;
        }
      }
    };
    if (threads <= 1) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
      work(0);
      for (auto& th : pool) th.join();
    }
    for (auto& e : errors) ENCORE_RETURN_IF_ERROR(e);
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return ErrnoStatus("cannot rename to " + to + ":", from);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open directory", dir);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return ErrnoStatus("cannot sync directory", dir);
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("cannot remove", path);
    return Status::Ok();
  }

  Status MakeDirs(const std::string& dir) override {
    std::string cur;
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = dir.find('/', pos + 1);
      cur = dir.substr(0, pos);
      if (cur.empty()) continue;
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
        return ErrnoStatus("cannot create directory", cur);
    }
    return Status::Ok();
  }

  bool Exists(const std::string& path) const override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<std::vector<std::string>> List(const std::string& dir) const override {
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
      if (errno == ENOENT) return std::vector<std::string>{};
      return ErrnoStatus("cannot list", dir);
    }
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      struct stat st;
      if (::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode))
        names.push_back(name);
    }
    ::closedir(d);
    return names;
  }

  Result<uint64_t> FileSize(const std::string& path) const override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat", path);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("cannot open lock file", path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        // The holder wrote its pid into the file (below); a holder of an older encore did not.
        std::string holder;
        if (FILE* f = std::fopen(path.c_str(), "r")) {
          char line[64] = {};
          if (std::fgets(line, sizeof line, f)) holder = line;
          std::fclose(f);
        }
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r')) holder.pop_back();
        const bool pid = !holder.empty() && holder.size() < 12 &&
                         holder.find_first_not_of("0123456789") == std::string::npos;
        return Status::FailedPrecondition("the store is in use by another encore process (" +
                                          (pid ? "pid " + holder + "; " : std::string()) + path +
                                          " is locked)");
      }
      errno = err;
      return ErrnoStatus("cannot lock", path);
    }
    // Who holds the lock, for the message of the next process that wants it (best effort: the
    // lock, not the text, is what keeps writers apart).
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
      // nothing to do: the message will not name the holder
    }
    return std::unique_ptr<FileLock>(new PosixLock(fd));
  }
};

}  // namespace

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

FileSystem* PosixFileSystem() {
  static Posix* fs = new Posix;
  return fs;
}

}  // namespace encore
