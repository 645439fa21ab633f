// How the engine names what it counts: tiers, countries and the packed cell key.
//
// A "cell" is one (service, track, country) of one day; counts are kept per cell and tier. The key
// packs into 47 bits so that a day's counts sort and compare as integers:
//   bits 42..46 service id (0..31), bits 10..41 track id, bits 0..9 country code.
// Ids are the store's dictionary ids; sorting by cell sorts by (service, track, country).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace encore {

enum class Tier : uint8_t { kPremium = 0, kFree = 1, kUnknown = 2 };
std::string_view TierName(Tier t);  // "premium", "free", "" (unknown)

// 0..675 are the alpha-2 codes AA..ZZ (only ISO 3166-1 assigned ones and ZZ are accepted);
// kGlobalCountry is the `GLOBAL` of daily totals.
using CountryCode = uint16_t;
inline constexpr CountryCode kGlobalCountry = 676;
// Accepts an assigned ISO 3166-1 alpha-2 code in upper case, `ZZ` (unknown), and `GLOBAL` when
// allow_global is set.
std::optional<CountryCode> ParseCountry(std::string_view s, bool allow_global);
std::string CountryName(CountryCode c);
// A country's name as datasets print it ("United States", "Korea, Republic of", "Türkiye"; case,
// spaces and punctuation aside) to its code; "Global" (and "Worldwide") to kGlobalCountry;
// nullopt for a name it does not know.
std::optional<CountryCode> CountryOfName(std::string_view name);
// A country as people type it where they ask a question (a filter, --country): a code in any
// case ("kr") or a name ("South Korea", "korea"); never GLOBAL. nullopt for neither. (Input
// files keep ParseCountry's stricter rule.)
std::optional<CountryCode> CountryOfText(std::string_view text);

inline constexpr uint32_t kMaxServices = 32;
inline constexpr int kCountryBits = 10;
inline constexpr int kTrackBits = 32;

inline uint64_t MakeCell(uint32_t service, uint32_t track, CountryCode country) {
  return (static_cast<uint64_t>(service) << (kTrackBits + kCountryBits)) |
         (static_cast<uint64_t>(track) << kCountryBits) | country;
}
inline uint32_t CellService(uint64_t cell) {
  return static_cast<uint32_t>(cell >> (kTrackBits + kCountryBits));
}
inline uint32_t CellTrack(uint64_t cell) {
  return static_cast<uint32_t>((cell >> kCountryBits) & 0xffffffffULL);
}
inline CountryCode CellCountry(uint64_t cell) {
  return static_cast<CountryCode>(cell & ((1u << kCountryBits) - 1));
}

}  // namespace encore
