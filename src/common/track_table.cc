#include "common/track_table.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace encore {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kFirstCapacity = size_t{1} << 12;
constexpr size_t kArenaBlock = size_t{1} << 20;

}  // namespace

TrackTable::TrackTable() { Allocate(kFirstCapacity); }

TrackTable::~TrackTable() { Release(); }

void TrackTable::Allocate(size_t capacity) {
  // Anonymous memory comes zeroed: every slot empty. Tables of a huge page or more ask for huge
  // pages (the kernel's "madvise" mode, Debian's default; where they are off this is a no-op).
  const size_t bytes = capacity * sizeof(Slot);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  if (bytes >= kHugePage) (void)madvise(p, bytes, MADV_HUGEPAGE);
  slots_ = static_cast<Slot*>(p);
  capacity_ = capacity;
  mask_ = capacity - 1;
  bytes_ = bytes;
}

void TrackTable::Release() {
  if (slots_ != nullptr) munmap(slots_, bytes_);
  slots_ = nullptr;
}

const char* TrackTable::Keep(std::string_view name) {
  if (name.size() > arena_left_) {
    const size_t block = std::max(kArenaBlock, name.size());
    arena_.push_back(std::make_unique<char[]>(block));
    arena_next_ = arena_.back().get();
    arena_left_ = block;
  }
  char* p = arena_next_;
  std::memcpy(p, name.data(), name.size());
  arena_next_ += name.size();
  arena_left_ -= name.size();
  return p;
}

void TrackTable::Insert(std::string_view name, uint64_t hash, uint32_t value) {
  if ((size_ + 1) * 2 > capacity_) Grow();
  size_t i = hash & mask_;
  while (slots_[i].len1 != 0) i = (i + 1) & mask_;
  Slot& s = slots_[i];
  s.hash = hash;
  s.value = value;
  s.len1 = static_cast<uint32_t>(name.size() + 1);
  if (name.size() <= kInline) {
    std::memcpy(s.key.bytes, name.data(), name.size());
  } else {
    s.key.ptr = Keep(name);
  }
  ++size_;
}

void TrackTable::Reserve(size_t n) {
  while (n * 2 > capacity_) Grow();
}

void TrackTable::Grow() {
  Slot* old = slots_;
  const size_t old_capacity = capacity_, old_bytes = bytes_;
  Allocate(capacity_ * 2);
  for (size_t j = 0; j < old_capacity; ++j) {
    if (old[j].len1 == 0) continue;
    size_t i = old[j].hash & mask_;
    while (slots_[i].len1 != 0) i = (i + 1) & mask_;
    slots_[i] = old[j];
  }
  munmap(old, old_bytes);
}

}  // namespace encore
