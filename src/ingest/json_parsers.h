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
};

}  // namespace encore
