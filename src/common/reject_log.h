// Rejected lines, held compactly while a file is read. A record is what the store's rejects file
// holds (doc/formats/blob-file.md): LEB128 line, one byte of reason, LEB128 length, the text. A
// RejectBuffer keeps a chunk's records uncompressed (a few bytes beyond each text); a RejectLog
// keeps a whole file's, compressed into one zstd frame as they come, so that a file of millions
// of rejected lines costs the compressed size of its rejects, not millions of strings.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encore/source.h"

namespace encore {

class RejectBuffer {
 public:
  void Add(uint64_t line, RejectReason reason, std::string_view text);
  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The records in order: fn(line, reason, text).
  template <typename Fn>
  void ForEach(Fn fn) const;
  std::optional<RejectRecord> First() const;
  std::vector<RejectRecord> Decode() const;
  void Clear() {
    bytes_.clear();
    count_ = 0;
  }

 private:
  std::string bytes_;
  uint64_t count_ = 0;
};

class RejectLog {
 public:
  RejectLog();
  ~RejectLog();
  RejectLog(RejectLog&&) noexcept;
  RejectLog& operator=(RejectLog&&) noexcept;

  // Appends a chunk's records, their lines moved by `line_shift`.
  void Append(const RejectBuffer& chunk, uint64_t line_shift);
  void Add(uint64_t line, RejectReason reason, std::string_view text);
  uint64_t count() const { return count_; }
  // The first record added (in line order, as records are added), for messages.
  const std::optional<RejectRecord>& first() const { return first_; }
  // Ends the frame: the compressed payload of every record, for the store. The log is empty
  // afterwards.
  std::string Finish();

 private:
  void Compress(bool end);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string pending_;     // encoded records not yet compressed
  std::string compressed_;  // the frame so far
  uint64_t count_ = 0;
  std::optional<RejectRecord> first_;
};

// Decodes a rejects payload record by record: fn(line, reason, text); false on a malformed one.
template <typename Fn>
bool ForEachReject(std::string_view payload, Fn fn);

}  // namespace encore

#include "common/reject_log_inl.h"
