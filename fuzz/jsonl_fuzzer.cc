// Fuzzes the JSON Lines path of ingest (simdjson On-Demand per line, then row validation).
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/chunk_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The ingester guarantees SIMDJSON_PADDING readable bytes after a chunk.
  std::string buf(reinterpret_cast<const char*>(data), size);
  buf.append(simdjson::SIMDJSON_PADDING, ' ');
  encore::ParseRules rules;
  rules.default_service = "spotify";
  encore::ChunkParser p(rules);
  p.ParseJsonLines(std::string_view(buf).substr(0, size), 1);
  if (p.summary().plays + p.summary().blank_lines + p.summary().rejected != p.summary().lines) __builtin_trap();
  return 0;
}
