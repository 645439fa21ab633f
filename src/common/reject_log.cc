#include "common/reject_log.h"

#include <zstd.h>

namespace encore {
namespace {

void Encode(std::string* out, uint64_t line, RejectReason reason, std::string_view text) {
  PutVarint(out, line);
  out->push_back(static_cast<char>(reason));
  PutVarint(out, text.size());
  out->append(text);
}

constexpr size_t kPendingBytes = size_t{1} << 20;  // compressed a MiB at a time

}  // namespace

void RejectBuffer::Add(uint64_t line, RejectReason reason, std::string_view text) {
  Encode(&bytes_, line, reason, text);
  ++count_;
}

std::optional<RejectRecord> RejectBuffer::First() const {
  std::optional<RejectRecord> first;
  (void)ForEachReject(bytes_, [&](uint64_t line, RejectReason reason, std::string_view text) {
    if (!first) first = RejectRecord{line, reason, std::string(text)};
  });
  return first;
}

std::vector<RejectRecord> RejectBuffer::Decode() const {
  std::vector<RejectRecord> out;
  ForEach([&](uint64_t line, RejectReason reason, std::string_view text) {
    out.push_back({line, reason, std::string(text)});
  });
  return out;
}

struct RejectLog::Impl {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ~Impl() { ZSTD_freeCCtx(cctx); }
};

RejectLog::RejectLog() : impl_(std::make_unique<Impl>()) {
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_compressionLevel, 3);
}
RejectLog::~RejectLog() = default;
RejectLog::RejectLog(RejectLog&&) noexcept = default;
RejectLog& RejectLog::operator=(RejectLog&&) noexcept = default;

void RejectLog::Add(uint64_t line, RejectReason reason, std::string_view text) {
  if (!first_) first_ = RejectRecord{line, reason, std::string(text)};
  Encode(&pending_, line, reason, text);
  ++count_;
  if (pending_.size() >= kPendingBytes) Compress(false);
}

void RejectLog::Append(const RejectBuffer& chunk, uint64_t line_shift) {
  chunk.ForEach([&](uint64_t line, RejectReason reason, std::string_view text) {
    Add(line + line_shift, reason, text);
  });
}

void RejectLog::Compress(bool end) {
  ZSTD_inBuffer in{pending_.data(), pending_.size(), 0};
  for (;;) {
    const size_t at = compressed_.size();
    compressed_.resize(at + ZSTD_CStreamOutSize());
    ZSTD_outBuffer out{compressed_.data() + at, compressed_.size() - at, 0};
    const size_t left =
        ZSTD_compressStream2(impl_->cctx, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
    compressed_.resize(at + out.pos);
    if (ZSTD_isError(left)) break;  // only a bug or no memory: the caller's commit would fail
    if (end ? left == 0 : in.pos == in.size) break;
  }
  pending_.clear();
}

std::string RejectLog::Finish() {
  Compress(true);
  std::string frame = std::move(compressed_);
  compressed_.clear();
  count_ = 0;
  first_.reset();
  ZSTD_CCtx_reset(impl_->cctx, ZSTD_reset_session_only);
  return frame;
}

}  // namespace encore
