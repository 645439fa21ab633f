// Fuzzes the readers of every stored file: a damaged store must give a corruption error, never a
// crash or a read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "store/codecs.h"
#include "store/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<encore::CountRow> rows;
  std::vector<encore::CapEntry> entries;
  std::vector<std::string> names;
  std::vector<encore::RejectRecord> rejects;
  (void)encore::DecodeSegment(bytes, "fuzz", 0, &rows);
  (void)encore::DecodeCapState(bytes, "fuzz", 0, &entries);
  (void)encore::DecodeDictionary(bytes, "fuzz", &names);
  (void)encore::DecodeRejects(bytes, "fuzz", &rejects);
  (void)encore::DecodeManifest(bytes, "fuzz");
  return 0;
}
