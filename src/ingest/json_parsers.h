// simdjson's parsers of a ChunkParser (kept out of chunk_parser.h: simdjson's classes change
// layout with the compile definitions of its CMake target, which not every includer has). Only
// for the .cc files of ingest/ that are built with that target.
#pragma once

#include <simdjson.h>

#include "ingest/chunk_parser.h"

namespace encore {

struct ChunkParser::JsonParsers {
  simdjson::ondemand::parser ondemand;
  simdjson::dom::parser dom;

  // An entry as a DOM object; false when it is not one JSON object. SIMDJSON_PADDING readable
  // bytes must follow it, as they do every entry the readers hand out.
  bool Dom(std::string_view raw, simdjson::dom::object* o) {
    return !dom.parse(raw.data(), raw.size(), false).get(*o);
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
