#include "common/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "common/file_system.h"
#include "common/strings.h"

namespace encore {
namespace {

class FdReader {
 public:
  ~FdReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return ErrnoStatus("cannot open", path);
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus("cannot stat", path);
    if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + " is a directory");
    size_ = static_cast<uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    return Status::Ok();
  }
  Result<size_t> Read(char* buf, size_t n) {
    for (;;) {
      const ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) {
        consumed_ += static_cast<uint64_t>(r);
        return static_cast<size_t>(r);
      }
      if (errno != EINTR) return ErrnoStatus("cannot read", path_);
    }
  }
  uint64_t consumed() const { return consumed_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
  uint64_t size_ = 0;
  uint64_t consumed_ = 0;
};

class PlainSource final : public ByteSource {
 public:
  Status Open(const std::string& path) { return in_.Open(path); }
  Result<size_t> Read(char* buf, size_t n) override { return in_.Read(buf, n); }
  uint64_t consumed() const override { return in_.consumed(); }
  uint64_t file_size() const override { return in_.size(); }

 private:
  FdReader in_;
};

class GzipSource final : public ByteSource {
 public:
  ~GzipSource() override {
    if (init_) inflateEnd(&z_);
  }
  Status Open(const std::string& path) {
    ENCORE_RETURN_IF_ERROR(in_.Open(path));
    std::memset(&z_, 0, sizeof z_);
    if (inflateInit2(&z_, 15 + 32) != Z_OK) return Status::Internal("inflateInit2 failed");
    init_ = true;
    buf_.resize(1 << 20);
    return Status::Ok();
  }
  Result<size_t> Read(char* out, size_t n) override {
    if (done_) return size_t{0};
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out == n) {
      if (z_.avail_in == 0) {
        ENCORE_ASSIGN_OR_RETURN(size_t got, in_.Read(buf_.data(), buf_.size()));
        if (got == 0) {
          if (!stream_end_) {
            return Status::DataError(in_.path() + ": truncated gzip stream");
          }
          done_ = true;
          break;
        }
        z_.next_in = reinterpret_cast<Bytef*>(buf_.data());
        z_.avail_in = static_cast<uInt>(got);
        if (stream_end_) {  // another gzip member follows
          inflateReset(&z_);
          stream_end_ = false;
        }
      }
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        stream_end_ = true;
        if (z_.avail_in > 0) inflateReset(&z_), stream_end_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::DataError(in_.path() + ": corrupt gzip data (" +
                                 (z_.msg ? z_.msg : "inflate failed") + ")");
      }
    }
    return n - z_.avail_out;
  }
  uint64_t consumed() const override { return in_.consumed(); }
  uint64_t file_size() const override { return in_.size(); }

 private:
  FdReader in_;
  z_stream z_{};
  bool init_ = false;
  bool stream_end_ = false;
  bool done_ = false;
  std::vector<char> buf_;
};

class ZstdSource final : public ByteSource {
 public:
  ~ZstdSource() override { ZSTD_freeDStream(z_); }
  Status Open(const std::string& path) {
    ENCORE_RETURN_IF_ERROR(in_.Open(path));
    z_ = ZSTD_createDStream();
    ZSTD_initDStream(z_);
    buf_.resize(ZSTD_DStreamInSize());
    return Status::Ok();
  }
  Result<size_t> Read(char* out, size_t n) override {
    ZSTD_outBuffer ob{out, n, 0};
    while (ob.pos == 0) {
      if (in_pos_ == in_len_) {
        ENCORE_ASSIGN_OR_RETURN(size_t got, in_.Read(buf_.data(), buf_.size()));
        if (got == 0) {
          if (last_hint_ != 0) return Status::DataError(in_.path() + ": truncated zstd stream");
          break;
        }
        in_len_ = got;
        in_pos_ = 0;
      }
      ZSTD_inBuffer ib{buf_.data(), in_len_, in_pos_};
      const size_t rc = ZSTD_decompressStream(z_, &ob, &ib);
      in_pos_ = ib.pos;
      if (ZSTD_isError(rc)) {
        return Status::DataError(in_.path() + ": corrupt zstd data (" + ZSTD_getErrorName(rc) +
                                 ")");
      }
      last_hint_ = rc;
    }
    return ob.pos;
  }
  uint64_t consumed() const override { return in_.consumed(); }
  uint64_t file_size() const override { return in_.size(); }

 private:
  FdReader in_;
  ZSTD_DStream* z_ = nullptr;
  std::vector<char> buf_;
  size_t in_len_ = 0, in_pos_ = 0, last_hint_ = 0;
};

class FdSink {
 public:
  ~FdSink() {
    if (fd_ > 2) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    if (path == "-") {
      fd_ = 1;
      return Status::Ok();
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return ErrnoStatus("cannot create", path);
    return Status::Ok();
  }
  Status Write(const char* p, size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot write", path_);
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return Status::Ok();
  }
  Status Close() {
    if (fd_ > 2 && ::close(fd_) != 0) {
      fd_ = -1;
      return ErrnoStatus("cannot close", path_);
    }
    fd_ = -1;
    return Status::Ok();
  }

 private:
  int fd_ = -1;
  std::string path_;
};

class PlainSink final : public ByteSink {
 public:
  Status Open(const std::string& path) { return out_.Open(path); }
  Status Write(const char* d, size_t n) override { return out_.Write(d, n); }
  Status Close() override { return out_.Close(); }

 private:
  FdSink out_;
};

class GzipSink final : public ByteSink {
 public:
  ~GzipSink() override {
    if (init_) deflateEnd(&z_);
  }
  Status Open(const std::string& path) {
    ENCORE_RETURN_IF_ERROR(out_.Open(path));
    if (deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return Status::Internal("deflateInit2 failed");
    }
    init_ = true;
    buf_.resize(1 << 20);
    return Status::Ok();
  }
  Status Write(const char* d, size_t n) override { return Run(d, n, Z_NO_FLUSH); }
  Status Close() override {
    ENCORE_RETURN_IF_ERROR(Run(nullptr, 0, Z_FINISH));
    return out_.Close();
  }

 private:
  Status Run(const char* d, size_t n, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(d));
    z_.avail_in = static_cast<uInt>(n);
    int rc;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf_.data());
      z_.avail_out = static_cast<uInt>(buf_.size());
      rc = deflate(&z_, flush);
      ENCORE_RETURN_IF_ERROR(out_.Write(buf_.data(), buf_.size() - z_.avail_out));
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return Status::Ok();
  }
  FdSink out_;
  z_stream z_{};
  bool init_ = false;
  std::vector<char> buf_;
};

class ZstdSink final : public ByteSink {
 public:
  ~ZstdSink() override { ZSTD_freeCCtx(z_); }
  Status Open(const std::string& path) {
    ENCORE_RETURN_IF_ERROR(out_.Open(path));
    z_ = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(z_, ZSTD_c_compressionLevel, 3);
    buf_.resize(ZSTD_CStreamOutSize());
    return Status::Ok();
  }
  Status Write(const char* d, size_t n) override { return Run(d, n, ZSTD_e_continue); }
  Status Close() override {
    ENCORE_RETURN_IF_ERROR(Run(nullptr, 0, ZSTD_e_end));
    return out_.Close();
  }

 private:
  Status Run(const char* d, size_t n, ZSTD_EndDirective mode) {
    ZSTD_inBuffer ib{d, n, 0};
    for (;;) {
      ZSTD_outBuffer ob{buf_.data(), buf_.size(), 0};
      const size_t rc = ZSTD_compressStream2(z_, &ob, &ib, mode);
      if (ZSTD_isError(rc)) return Status::Internal(ZSTD_getErrorName(rc));
      ENCORE_RETURN_IF_ERROR(out_.Write(buf_.data(), ob.pos));
      if (mode == ZSTD_e_end ? rc == 0 : ib.pos == ib.size) break;
    }
    return Status::Ok();
  }
  FdSink out_;
  ZSTD_CCtx* z_ = nullptr;
  std::vector<char> buf_;
};

}  // namespace

Compression CompressionOf(const std::string& path) {
  if (EndsWith(path, ".gz")) return Compression::kGzip;
  if (EndsWith(path, ".zst")) return Compression::kZstd;
  return Compression::kNone;
}

std::string StripCompressionExtension(const std::string& path) {
  if (EndsWith(path, ".gz")) return path.substr(0, path.size() - 3);
  if (EndsWith(path, ".zst")) return path.substr(0, path.size() - 4);
  return path;
}

Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path) {
  switch (CompressionOf(path)) {
    case Compression::kGzip: {
      auto s = std::make_unique<GzipSource>();
      ENCORE_RETURN_IF_ERROR(s->Open(path));
      return std::unique_ptr<ByteSource>(std::move(s));
    }
    case Compression::kZstd: {
      auto s = std::make_unique<ZstdSource>();
      ENCORE_RETURN_IF_ERROR(s->Open(path));
      return std::unique_ptr<ByteSource>(std::move(s));
    }
    case Compression::kNone:
      break;
  }
  auto s = std::make_unique<PlainSource>();
  ENCORE_RETURN_IF_ERROR(s->Open(path));
  return std::unique_ptr<ByteSource>(std::move(s));
}

Result<std::unique_ptr<ByteSink>> OpenByteSink(const std::string& path) {
  switch (CompressionOf(path)) {
    case Compression::kGzip: {
      auto s = std::make_unique<GzipSink>();
      ENCORE_RETURN_IF_ERROR(s->Open(path));
      return std::unique_ptr<ByteSink>(std::move(s));
    }
    case Compression::kZstd: {
      auto s = std::make_unique<ZstdSink>();
      ENCORE_RETURN_IF_ERROR(s->Open(path));
      return std::unique_ptr<ByteSink>(std::move(s));
    }
    case Compression::kNone:
      break;
  }
  auto s = std::make_unique<PlainSink>();
  ENCORE_RETURN_IF_ERROR(s->Open(path));
  return std::unique_ptr<ByteSink>(std::move(s));
}

Result<std::string> ReadDecompressed(const std::string& path, size_t limit) {
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  std::string data;
  std::vector<char> buf(std::min<size_t>(limit, 1 << 20));
  while (data.size() < limit) {
    ENCORE_ASSIGN_OR_RETURN(size_t n, src->Read(buf.data(), buf.size()));
    if (n == 0) break;
    data.append(buf.data(), n);
  }
  return data;
}

}  // namespace encore
