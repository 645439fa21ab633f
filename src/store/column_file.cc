#include "store/column_file.h"

#include <zlib.h>
#include <zstd.h>

#include <memory>

#include "common/varint.h"
#include "store/store_format.h"

namespace encore {
namespace {

constexpr size_t kHeaderSize = 8 + 4 + 4 + 8 + 8;  // magic, version, columns, rows, tag
constexpr size_t kColumnDirEntry = 16;             // encoding, 7 reserved, compressed size
constexpr size_t kMaxRows = 1ULL << 34;
constexpr int kZstdLevel = 3;

std::string Compress(std::string_view raw, int level = kZstdLevel) {
  // One context a thread, kept: making one per call costs more than compressing a small column.
  struct Ctx {
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ~Ctx() { ZSTD_freeCCtx(c); }
  };
  thread_local Ctx ctx;
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compressCCtx(ctx.c, out.data(), out.size(), raw.data(), raw.size(), level);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

Status Decompress(std::string_view comp, const std::string& name, std::string* raw) {
  const unsigned long long size = ZSTD_getFrameContentSize(comp.data(), comp.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) {  // a frame compressed as it was written (rejects)
    ZSTD_DCtx* d = ZSTD_createDCtx();
    ZSTD_inBuffer in{comp.data(), comp.size(), 0};
    raw->clear();
    size_t rc = 1;
    while (rc != 0 && raw->size() < (1ULL << 36)) {
      const size_t at = raw->size();
      raw->resize(at + ZSTD_DStreamOutSize());
      ZSTD_outBuffer out{raw->data() + at, raw->size() - at, 0};
      rc = ZSTD_decompressStream(d, &out, &in);
      raw->resize(at + out.pos);
      if (ZSTD_isError(rc) || (rc != 0 && in.pos == in.size && out.pos == 0)) break;
    }
    ZSTD_freeDCtx(d);
    if (rc != 0 || in.pos != in.size) return Status::Corruption(name + ": bad compressed block");
    return Status::Ok();
  }
  if (size == ZSTD_CONTENTSIZE_ERROR || size > (1ULL << 36)) {
    return Status::Corruption(name + ": bad compressed block");
  }
  raw->resize(size);
  const size_t n = ZSTD_decompress(raw->data(), raw->size(), comp.data(), comp.size());
  if (ZSTD_isError(n) || n != size) return Status::Corruption(name + ": bad compressed block");
  return Status::Ok();
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t off = 0;
  while (off < data.size()) {
    const size_t n = std::min<size_t>(data.size() - off, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + off), static_cast<uInt>(n));
    off += n;
  }
  return static_cast<uint32_t>(crc);
}

void ColumnFileWriter::AddColumn(ColumnEncoding encoding, const std::vector<uint64_t>& values) {
  rows_ = values.size();
  std::string raw;
  raw.reserve(values.size() * 3);
  uint64_t prev = 0;
  for (uint64_t v : values) {
    switch (encoding) {
      case ColumnEncoding::kVarint:
      case ColumnEncoding::kZigZagVarint:  // callers pass ZigZag()ed values
        PutVarint(&raw, v);
        break;
      case ColumnEncoding::kDeltaVarint:
        PutVarint(&raw, v - prev);
        prev = v;
        break;
      case ColumnEncoding::kFixed64:
        PutFixed64(&raw, v);
        break;
    }
  }
  columns_.emplace_back(encoding, Compress(raw));
}

void ColumnFileWriter::AddEncodedColumn(ColumnEncoding encoding, uint64_t rows, std::string_view raw,
                                        int level) {
  rows_ = rows;
  columns_.emplace_back(encoding, Compress(raw, level));
}

std::string ColumnFileWriter::Finish() const {
  std::string out;
  out.append(magic_);
  PutFixed32(&out, store_format::kVersion);
  PutFixed32(&out, static_cast<uint32_t>(columns_.size()));
  PutFixed64(&out, rows_);
  PutFixed64(&out, static_cast<uint64_t>(tag_));
  for (const auto& [enc, payload] : columns_) {
    out.push_back(static_cast<char>(enc));
    out.append(7, '\0');
    PutFixed64(&out, payload.size());
  }
  for (const auto& c : columns_) out.append(c.second);
  PutFixed32(&out, Crc32(out));
  return out;
}

Status ColumnFileReader::Open(std::string_view data, std::string_view magic,
                              size_t expected_columns, const std::string& name,
                              size_t decoded_columns) {
  name_ = name;
  if (data.size() < kHeaderSize + 4 || data.substr(0, 8) != magic) {
    return Status::Corruption(name + ": not a column file of the expected kind");
  }
  const uint32_t stored_crc = GetFixed32(data.data() + data.size() - 4);
  if (Crc32(data.substr(0, data.size() - 4)) != stored_crc) {
    return Status::Corruption(name + ": checksum mismatch");
  }
  const char* p = data.data() + 8;
  if (GetFixed32(p) != store_format::kVersion)
    return Status::Corruption(name + ": unknown version");
  const uint32_t ncols = GetFixed32(p + 4);
  rows_ = GetFixed64(p + 8);
  tag_ = static_cast<int64_t>(GetFixed64(p + 16));
  if (ncols != expected_columns || rows_ > kMaxRows) {
    return Status::Corruption(name + ": unexpected column count or row count");
  }
  size_t off = kHeaderSize + ncols * kColumnDirEntry;
  if (off + 4 > data.size()) return Status::Corruption(name + ": truncated column directory");
  raw_.assign(ncols, {});
  for (uint32_t c = 0; c < ncols; ++c) {
    const char* dir = data.data() + kHeaderSize + c * kColumnDirEntry;
    const auto enc = static_cast<ColumnEncoding>(static_cast<uint8_t>(dir[0]));
    if (enc != ColumnEncoding::kFixed64 && enc != ColumnEncoding::kVarint &&
        enc != ColumnEncoding::kZigZagVarint && enc != ColumnEncoding::kDeltaVarint) {
      return Status::Corruption(name + ": unknown column encoding");
    }
    const uint64_t size = GetFixed64(dir + 8);
    if (size > data.size() - 4 - off) return Status::Corruption(name + ": column out of bounds");
    raw_[c].encoding = enc;
    if (c < decoded_columns) {
      ENCORE_RETURN_IF_ERROR(Decompress(data.substr(off, size), name, &raw_[c].bytes));
    }
    raw_[c].at = raw_[c].bytes.data();
    off += size;
  }
  if (off + 4 != data.size()) return Status::Corruption(name + ": trailing bytes");
  next_row_ = 0;
  return Status::Ok();
}

bool ColumnFileReader::Next(uint64_t* values, Status* error) {
  if (next_row_ == rows_) {
    for (const Raw& r : raw_) {
      if (r.at != r.bytes.data() + r.bytes.size()) {
        *error = Status::Corruption(name_ + ": trailing bytes in column");
        return false;
      }
    }
    return false;
  }
  for (size_t c = 0; c < raw_.size(); ++c) {
    Raw& r = raw_[c];
    const char* end = r.bytes.data() + r.bytes.size();
    uint64_t v;
    if (r.encoding == ColumnEncoding::kFixed64) {
      if (end - r.at < 8) {
        *error = Status::Corruption(name_ + ": column truncated");
        return false;
      }
      v = GetFixed64(r.at);
      r.at += 8;
    } else {
      if (!GetVarint(&r.at, end, &v)) {
        *error = Status::Corruption(name_ + ": column truncated");
        return false;
      }
      if (r.encoding == ColumnEncoding::kDeltaVarint) v = r.prev += v;
    }
    values[c] = v;
  }
  ++next_row_;
  return true;
}

size_t ColumnFileReader::NextValues(size_t column, uint64_t* out, size_t n, Status* error) {
  Raw& r = raw_[column];
  const char* end = r.bytes.data() + r.bytes.size();
  size_t i = 0;
  if (r.encoding == ColumnEncoding::kFixed64) {
    for (; i < n && end - r.at >= 8; ++i, r.at += 8) out[i] = GetFixed64(r.at);
  } else if (r.encoding == ColumnEncoding::kDeltaVarint) {
    uint64_t prev = r.prev;
    for (; i < n && r.at < end; ++i) {
      uint64_t v;
      if (!GetVarint(&r.at, end, &v)) {
        *error = Status::Corruption(name_ + ": column truncated");
        return 0;
      }
      out[i] = prev += v;
    }
    r.prev = prev;
  } else {
    for (; i < n && r.at < end; ++i) {
      if (!GetVarint(&r.at, end, &out[i])) {
        *error = Status::Corruption(name_ + ": column truncated");
        return 0;
      }
    }
  }
  return i;
}

Status ColumnFileReader::Parse(std::string_view data, std::string_view magic,
                               size_t expected_columns, const std::string& name) {
  ENCORE_RETURN_IF_ERROR(Open(data, magic, expected_columns, name));
  columns_.assign(raw_.size(), {});
  for (auto& col : columns_) col.reserve(rows_);
  std::vector<uint64_t> row(raw_.size());
  Status error;
  while (Next(row.data(), &error)) {
    for (size_t c = 0; c < row.size(); ++c) columns_[c].push_back(row[c]);
  }
  return error;
}

std::string EncodeBlobFile(std::string_view magic, uint64_t count, std::string_view payload) {
  return EncodeBlobFileFromFrame(magic, count, Compress(payload));
}

std::string EncodeBlobFileFromFrame(std::string_view magic, uint64_t count,
                                    std::string_view comp) {
  std::string out;
  out.append(magic);
  PutFixed32(&out, store_format::kVersion);
  PutFixed32(&out, 0);
  PutFixed64(&out, count);
  PutFixed64(&out, comp.size());
  out.append(comp);
  PutFixed32(&out, Crc32(out));
  return out;
}

Status ScanBlobFile(std::string_view data, std::string_view magic, const std::string& name,
                   uint64_t* count, const std::function<Status(std::string_view)>& fn) {
  constexpr size_t kHeader = 8 + 4 + 4 + 8 + 8;
  if (data.size() < kHeader + 4 || data.substr(0, 8) != magic) {
    return Status::Corruption(name + ": not a file of the expected kind");
  }
  if (Crc32(data.substr(0, data.size() - 4)) != GetFixed32(data.data() + data.size() - 4)) {
    return Status::Corruption(name + ": checksum mismatch");
  }
  if (GetFixed32(data.data() + 8) != store_format::kVersion) {
    return Status::Corruption(name + ": unknown version");
  }
  *count = GetFixed64(data.data() + 16);
  const uint64_t size = GetFixed64(data.data() + 24);
  if (size != data.size() - kHeader - 4) return Status::Corruption(name + ": bad payload size");
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> d(ZSTD_createDCtx(), ZSTD_freeDCtx);
  ZSTD_inBuffer in{data.data() + kHeader, size, 0};
  std::string out(ZSTD_DStreamOutSize(), '\0');
  size_t rc = 1;
  while (rc != 0) {
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    rc = ZSTD_decompressStream(d.get(), &o, &in);
    if (ZSTD_isError(rc) || (rc != 0 && in.pos == in.size && o.pos == 0)) {
      return Status::Corruption(name + ": bad compressed block");
    }
    if (o.pos > 0) ENCORE_RETURN_IF_ERROR(fn(std::string_view(out.data(), o.pos)));
  }
  if (in.pos != in.size) return Status::Corruption(name + ": bad compressed block");
  return Status::Ok();
}

Status DecodeBlobFile(std::string_view data, std::string_view magic, const std::string& name,
                      uint64_t* count, std::string* payload) {
  constexpr size_t kHeader = 8 + 4 + 4 + 8 + 8;
  if (data.size() < kHeader + 4 || data.substr(0, 8) != magic) {
    return Status::Corruption(name + ": not a file of the expected kind");
  }
  if (Crc32(data.substr(0, data.size() - 4)) != GetFixed32(data.data() + data.size() - 4)) {
    return Status::Corruption(name + ": checksum mismatch");
  }
  if (GetFixed32(data.data() + 8) != store_format::kVersion) {
    return Status::Corruption(name + ": unknown version");
  }
  *count = GetFixed64(data.data() + 16);
  const uint64_t size = GetFixed64(data.data() + 24);
  if (size != data.size() - kHeader - 4) return Status::Corruption(name + ": bad payload size");
  return Decompress(data.substr(kHeader, size), name, payload);
}

}  // namespace encore
