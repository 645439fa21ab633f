// Template parts of common/reject_log.h.
#pragma once

#include "common/varint.h"

namespace encore {

template <typename Fn>
bool ForEachReject(std::string_view payload, Fn fn) {
  const char* p = payload.data();
  const char* end = p + payload.size();
  while (p < end) {
    uint64_t line, len;
    if (!GetVarint(&p, end, &line) || p == end) return false;
    const auto reason = static_cast<uint8_t>(*p++);
    if (reason >= kRejectReasonCount) return false;
    if (!GetVarint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) return false;
    fn(line, static_cast<RejectReason>(reason), std::string_view(p, len));
    p += len;
  }
  return true;
}

template <typename Fn>
void RejectBuffer::ForEach(Fn fn) const {
  (void)ForEachReject(bytes_, fn);
}

}  // namespace encore
