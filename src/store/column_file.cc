#include "store/column_file.h"

#include <zlib.h>
#include <zstd.h>

#include "common/varint.h"
#include "store/store_format.h"

namespace encore {
namespace {

constexpr size_t kHeaderSize = 8 + 4 + 4 + 8 + 8;  // magic, version, columns, rows, tag
constexpr size_t kColumnDirEntry = 16;             // encoding, 7 reserved, compressed size
constexpr size_t kMaxRows = 1ULL << 34;
constexpr int kZstdLevel = 3;

std::string Compress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), kZstdLevel);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

Status Decompress(std::string_view comp, const std::string& name, std::string* raw) {
  const unsigned long long size = ZSTD_getFrameContentSize(comp.data(), comp.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ULL << 36)) {
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

Status ColumnFileReader::Parse(std::string_view data, std::string_view magic,
                               size_t expected_columns, const std::string& name) {
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
  columns_.assign(ncols, {});
  std::string raw;
  for (uint32_t c = 0; c < ncols; ++c) {
    const char* dir = data.data() + kHeaderSize + c * kColumnDirEntry;
    const auto enc = static_cast<ColumnEncoding>(static_cast<uint8_t>(dir[0]));
    const uint64_t size = GetFixed64(dir + 8);
    if (size > data.size() - 4 - off) return Status::Corruption(name + ": column out of bounds");
    ENCORE_RETURN_IF_ERROR(Decompress(data.substr(off, size), name, &raw));
    off += size;
    auto& col = columns_[c];
    col.resize(rows_);
    const char* q = raw.data();
    const char* end = q + raw.size();
    uint64_t prev = 0;
    for (uint64_t r = 0; r < rows_; ++r) {
      uint64_t v;
      if (enc == ColumnEncoding::kFixed64) {
        if (end - q < 8) return Status::Corruption(name + ": column truncated");
        v = GetFixed64(q);
        q += 8;
      } else if (enc == ColumnEncoding::kVarint || enc == ColumnEncoding::kZigZagVarint ||
                 enc == ColumnEncoding::kDeltaVarint) {
        if (!GetVarint(&q, end, &v)) return Status::Corruption(name + ": column truncated");
        if (enc == ColumnEncoding::kDeltaVarint) v = prev += v;
      } else {
        return Status::Corruption(name + ": unknown column encoding");
      }
      col[r] = v;
    }
    if (q != end) return Status::Corruption(name + ": trailing bytes in column");
  }
  if (off + 4 != data.size()) return Status::Corruption(name + ": trailing bytes");
  return Status::Ok();
}

std::string EncodeBlobFile(std::string_view magic, uint64_t count, std::string_view payload) {
  std::string comp = Compress(payload);
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
