// Track names and their ids: an open-addressing table, built fast and freed at once (its names sit
// in an arena). The store indexes its dictionary with one; ingest keeps one per input file that the
// parser threads read while they parse a block (Find is const and touches nothing) and the
// ingester extends between blocks, when no parser runs. A name is looked up once per play, so on a
// high-cardinality log (a million tracks) nearly every lookup misses the cache: the slots live in
// transparent huge pages (one TLB entry per 2 MiB instead of per 4 KiB) and a parser hashes a
// run of plays first and prefetches their slots (Prefetch), so that the misses overlap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace encore {

class TrackTable {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  TrackTable();
  ~TrackTable();
  TrackTable(const TrackTable&) = delete;
  TrackTable& operator=(const TrackTable&) = delete;

  // Room for `n` names without growing.
  void Reserve(size_t n);
  // The id kept for `name` (whose Hash64 is `hash`), or kNone.
  uint32_t Find(std::string_view name, uint64_t hash) const {
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.len1 == 0) return kNone;
      if (s.hash == hash && s.len1 == name.size() + 1 && Equal(s, name)) return s.value;
    }
  }
  void Prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }

  // Keeps `name` → `value`; `name` must not be in the table. Not safe while any Find runs.
  void Insert(std::string_view name, uint64_t hash, uint32_t value);
  size_t size() const { return size_; }

 private:
  static constexpr size_t kInline = 16;
  struct Slot {
    uint64_t hash;
    uint32_t value;
    uint32_t len1;  // the name's length + 1; 0: an empty slot
    union {
      char bytes[kInline];  // names of up to 16 bytes (ISRCs, most ids)
      const char* ptr;      // longer names, in the arena
    } key;
  };
  static_assert(sizeof(Slot) == 32);
  static bool Equal(const Slot& s, std::string_view name) {
    if (name.size() > kInline) return std::memcmp(s.key.ptr, name.data(), name.size()) == 0;
    // Short names: two word compares against the slot's zero-padded bytes, no call.
    uint64_t want[2] = {0, 0}, have[2];
    std::memcpy(want, name.data(), name.size());
    std::memcpy(have, s.key.bytes, kInline);
    return want[0] == have[0] && want[1] == have[1];
  }
  void Allocate(size_t capacity);  // fresh, empty slots
  void Release();
  void Grow();
  const char* Keep(std::string_view name);

  Slot* slots_ = nullptr;
  size_t capacity_ = 0, mask_ = 0, size_ = 0, bytes_ = 0;
  std::vector<std::unique_ptr<char[]>> arena_;  // long names, in blocks that never move
  size_t arena_left_ = 0;
  char* arena_next_ = nullptr;
};

}  // namespace encore
