#include "common/line_reader.h"

#include <algorithm>
#include <cstring>

namespace encore {

LineReader::LineReader(ByteSource* src, size_t limit, Fingerprinter* fp)
    : src_(src), limit_(limit), fp_(fp), buf_(std::max<size_t>(limit + 1, size_t{1} << 20)) {}

Result<size_t> LineReader::Fill() {
  if (start_ > 0) {
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (eof_ || end_ == buf_.size()) return size_t{0};
  ENCORE_ASSIGN_OR_RETURN(size_t got, src_->Read(buf_.data() + end_, buf_.size() - end_));
  if (got == 0) eof_ = true;
  if (fp_) fp_->Update(std::string_view(buf_.data() + end_, got));
  end_ += got;
  return got;
}

Result<bool> LineReader::Next(Line* line) {
  while (skip_) {  // the rest of a line over the limit
    const void* at = std::memchr(buf_.data() + start_, '\n', end_ - start_);
    if (at) {
      start_ = static_cast<size_t>(static_cast<const char*>(at) - buf_.data()) + 1;
      skip_ = false;
      break;
    }
    start_ = end_;
    if (eof_) return false;
    ENCORE_ASSIGN_OR_RETURN(size_t got, Fill());
    (void)got;
  }
  for (;;) {
    const char* at = static_cast<const char*>(
        std::memchr(buf_.data() + start_, '\n', end_ - start_));
    const size_t len = at ? static_cast<size_t>(at - (buf_.data() + start_)) : end_ - start_;
    if (len > limit_) {
      // Over the limit: hand out its first bytes, then read past the rest of it.
      line->text = std::string_view(buf_.data() + start_, limit_);
      line->number = ++number_;
      line->too_long = true;
      if (at) {
        start_ += len + 1;
      } else {
        // Nothing of it is kept: the caller's view stays valid until the next call, which first
        // skips to the line's end.
        skip_ = true;
        start_ = end_;
      }
      return true;
    }
    if (at || (eof_ && end_ > start_)) {
      std::string_view text(buf_.data() + start_, len);
      start_ += at ? len + 1 : len;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      line->text = text;
      line->number = ++number_;
      line->too_long = false;
      return true;
    }
    if (eof_) return false;
    ENCORE_ASSIGN_OR_RETURN(size_t got, Fill());
    (void)got;
  }
}

}  // namespace encore
