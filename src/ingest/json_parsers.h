// simdjson's parsers of a ChunkParser (kept out of chunk_parser.h: simdjson's classes change
// layout with the compile definitions of its CMake target, which not every includer has). Only
// for the .cc files of ingest/ that are built with that target.
#pragma once

#include <simdjson.h>

#include <set>
#include <string_view>

#include "ingest/chunk_parser.h"

namespace encore {

// The keys of one JSON object as they come, to tell a key named twice: an entry that names a field
// twice is bad_json, whichever reader reads it (no reader picks the first or the last).
class KeySet {
 public:
  // False when `key` came before.
  bool Add(std::string_view key) {
    const uint64_t bit = uint64_t{1} << ((key.size() * 7 + (key.empty() ? 0 : key.back())) & 63);
    if (seen_ & bit) {
      for (size_t i = 0; i < n_; ++i) {
        if (keys_[i] == key) return false;
      }
    }
    if (n_ >= kMax && (seen_ & bit) && more_.count(key)) return false;
    seen_ |= bit;
    if (n_ < kMax) {
      keys_[n_++] = key;
    } else {
      more_.insert(key);  // an entry of many keys (rare): the rest in a set
    }
    return true;
  }

 private:
  static constexpr size_t kMax = 64;
  std::string_view keys_[kMax];
  size_t n_ = 0;
  uint64_t seen_ = 0;
  std::set<std::string_view> more_;
};

// Whether some object within `e` (at any depth) names a key twice.
inline bool HasDuplicateKey(simdjson::dom::element e) {
  if (e.is_object()) {
    KeySet keys;
    for (const auto field : simdjson::dom::object(e)) {
      if (!keys.Add(field.key) || HasDuplicateKey(field.value)) return true;
    }
  } else if (e.is_array()) {
    for (const auto x : simdjson::dom::array(e)) {
      if (HasDuplicateKey(x)) return true;
    }
  }
  return false;
}

struct ChunkParser::JsonParsers {
  simdjson::ondemand::parser ondemand;
  simdjson::dom::parser dom;

  // An entry as a DOM object; false when it is not one JSON object. SIMDJSON_PADDING readable
  // bytes must follow it, as they do every entry the readers hand out.
  bool Dom(std::string_view raw, simdjson::dom::object* o) {
    simdjson::dom::element e;
    if (dom.parse(raw.data(), raw.size(), false).get(e) || e.get_object().get(*o)) return false;
    return !HasDuplicateKey(e);
  }
  // An entry opened for one On-Demand pass over its fields; false when it is not an object.
  bool OnDemand(std::string_view raw, simdjson::ondemand::document* doc,
                simdjson::ondemand::object* obj) {
    const simdjson::padded_string_view view(raw.data(), raw.size(),
                                            raw.size() + simdjson::SIMDJSON_PADDING);
    return !ondemand.iterate(view).get(*doc) && !doc->get_object().get(*obj);
  }
};

}  // namespace encore
