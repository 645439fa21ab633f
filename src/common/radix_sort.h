// LSD radix sort (stable) on a 64-bit key: what the ingester sorts a day's records with, and the
// store a day's listeners.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace encore {

// LSD radix sort on a 64-bit key in kBits-bit digits, skipping digits where all keys agree.
// Narrower digits scatter to fewer places at once (kinder to caches) in more passes.
template <int kBits = 16, typename T, typename KeyFn>
void RadixSort(std::vector<T>* v, KeyFn key) {
  if (v->size() < 256) {
    std::stable_sort(v->begin(), v->end(), [&](const T& a, const T& b) { return key(a) < key(b); });
    return;
  }
  uint64_t all_or = 0, all_and = ~uint64_t{0};
  for (const T& x : *v) {
    all_or |= key(x);
    all_and &= key(x);
  }
  const uint64_t varying = all_or ^ all_and;
  std::vector<T> tmp(v->size());
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  std::vector<size_t> count(size_t{1} << kBits);
  for (int shift = 0; shift < 64; shift += kBits) {
    if (((varying >> shift) & kMask) == 0) continue;
    std::fill(count.begin(), count.end(), 0);
    for (const T& x : *v) ++count[(key(x) >> shift) & kMask];
    size_t sum = 0;
    for (auto& c : count) {
      const size_t n = c;
      c = sum;
      sum += n;
    }
    for (const T& x : *v) tmp[count[(key(x) >> shift) & kMask]++] = x;
    v->swap(tmp);
  }
}

}  // namespace encore
