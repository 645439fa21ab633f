// A string interner: dense ids for the distinct strings of a chunk (track ids, services).
// Not thread-safe; each parser thread has its own and the ingester maps them to store ids.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"

namespace encore {

class Interner {
 public:
  Interner() { slots_.assign(1024, Slot{}); }

  uint32_t Intern(std::string_view s) { return Intern(s, Hash64(s)); }
  // The same, with the Hash64 of `s` already computed.
  uint32_t Intern(std::string_view s, uint64_t h) {
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) {
        const auto id = static_cast<uint32_t>(names_.size());
        names_.emplace_back(s);
        slot.hash = h;
        slot.id = id;
        slot.len = static_cast<uint32_t>(s.size());
        std::memcpy(slot.inline_key, s.data(), std::min(s.size(), sizeof slot.inline_key));
        if (names_.size() * 2 > slots_.size()) Grow();
        return id;
      }
      // Keys of up to 16 bytes (ISRCs, most ids) compare inside the slot, without a cache miss
      // on the stored name.
      if (slot.hash == h && slot.len == s.size() &&
          (s.size() <= sizeof slot.inline_key ? std::memcmp(slot.inline_key, s.data(), s.size()) == 0
                                               : names_[slot.id] == s)) {
        return slot.id;
      }
    }
  }
  const std::deque<std::string>& names() const { return names_; }
  void Clear() {
    if (names_.empty()) return;
    slots_.assign(1024, Slot{});
    names_.clear();
  }
  size_t size() const { return names_.size(); }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = kEmpty;
    uint32_t len = 0;
    char inline_key[16] = {};
  };
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == kEmpty) continue;
      size_t i = s.hash & mask;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::deque<std::string> names_;
};

}  // namespace encore
