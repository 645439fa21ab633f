// Magic numbers and versions of the local store's files. Byte layouts: doc/formats/.
#pragma once

#include <cstdint>
#include <string_view>

namespace encore::store_format {

using std::string_view_literals::operator""sv;

inline constexpr std::string_view kSegmentMagic = "ENCSEG\x00\x01"sv;  // doc/formats/column-file.md
inline constexpr std::string_view kCapStateMagic =
    "ENCCAP\x00\x01"sv;  // doc/formats/column-file.md
inline constexpr std::string_view kDictionaryMagic =
    "ENCDIC\x00\x01"sv;                                                 // doc/formats/blob-file.md
inline constexpr std::string_view kHistoryMagic = "ENCHIS\x00\x01"sv;  // doc/formats/column-file.md
inline constexpr std::string_view kListenersMagic =
    "ENCLIS\x00\x01"sv;  // doc/formats/column-file.md
inline constexpr std::string_view kUsersMagic = "ENCUSR\x00\x01"sv;  // doc/formats/column-file.md
inline constexpr std::string_view kRejectsMagic = "ENCREJ\x00\x01"sv;   // doc/formats/blob-file.md
inline constexpr std::string_view kManifestHeader = "ENCORE-MANIFEST";  // doc/formats/manifest.md
inline constexpr uint32_t kVersion = 1;

}  // namespace encore::store_format
