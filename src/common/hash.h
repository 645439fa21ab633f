// Hashes: XXH3 for content fingerprints and user keys (doc/decisions/0002).
#pragma once

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace encore {

inline uint64_t Hash64(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

// Streaming XXH3-128 over a file's decompressed bytes; Hex() gives 32 lower-case hex digits.
class Fingerprinter {
 public:
  Fingerprinter() : state_(XXH3_createState()) { XXH3_128bits_reset(state_); }
  ~Fingerprinter() { XXH3_freeState(state_); }
  Fingerprinter(const Fingerprinter&) = delete;
  Fingerprinter& operator=(const Fingerprinter&) = delete;

  void Update(std::string_view bytes) { XXH3_128bits_update(state_, bytes.data(), bytes.size()); }
  std::string Hex() const {
    const XXH128_hash_t h = XXH3_128bits_digest(state_);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(32, '0');
    for (int i = 0; i < 16; ++i) {
      const uint64_t part = i < 8 ? h.high64 : h.low64;
      const auto byte = static_cast<unsigned>((part >> (8 * (7 - (i % 8)))) & 0xff);
      out[static_cast<size_t>(2 * i)] = kHex[byte >> 4];
      out[static_cast<size_t>(2 * i + 1)] = kHex[byte & 15];
    }
    return out;
  }

 private:
  XXH3_state_t* state_;
};

}  // namespace encore
