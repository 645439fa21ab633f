// Fuzzes the CSV path of ingest: header parsing, record scanning (quotes, line ends, recovery) and
// row validation, for both plays and daily totals. The first byte picks the layout.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/chunk_parser.h"
#include "common/csv_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string error;
  const char* header = data[0] & 1 ? "date,country,track,streams,tier,service"
                                   : "ts,user,track,ms_played,country,tier,service";
  const encore::CsvLayout layout = *encore::ParseCsvHeader(header, &error);
  (void)encore::ParseCsvHeader(input.substr(0, input.find('\n')), &error);
  encore::ParseRules rules;
  rules.default_service = "spotify";
  const encore::Boundaries b = encore::FindBoundaries(input, true);
  encore::ChunkParser p(rules);
  if (b.mid > 0) {
    p.ParseCsv(input.substr(0, b.mid), 1, layout);
    p.ParseCsv(input.substr(b.mid), 1, layout);
  } else {
    p.ParseCsv(input, 1, layout);
  }
  // Every line is accounted for: counted, blank or rejected.
  if (p.summary().plays + p.summary().blank_lines + p.summary().rejected > p.summary().lines) __builtin_trap();
  return 0;
}
