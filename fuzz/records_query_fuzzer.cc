// Fuzzes the records' query languages: filters (`--where`), counts ("1.4B") and claims
// (`encore check`), the claims evaluated against a small real store. None may crash; a filter
// that parses must also evaluate.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "encore/ingest.h"
#include "encore/records.h"
#include "encore/store.h"

namespace {

struct World {
  std::unique_ptr<encore::CountStore> store;
  encore::RecordsState state;
};

World* MakeWorld() {
  auto* w = new World;
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("encore-fuzz-records-" + std::to_string(::getpid())))
                              .string();
  std::filesystem::remove_all(dir);
  w->store = std::move(encore::OpenLocalStore(dir, encore::StoreOptions{}).value());
  const std::string csv = dir + "-daily.csv";
  FILE* f = std::fopen(csv.c_str(), "w");
  std::fprintf(f, "date,country,track,streams,tier\n");
  for (int d = 1; d <= 9; ++d) {
    std::fprintf(f, "2024-01-0%d,GLOBAL,a,60000000,\n2024-01-0%d,US,b,%d0000000,\n", d, d, d);
  }
  std::fclose(f);
  (void)encore::IngestFiles(w->store.get(), {csv}, encore::IngestOptions{});
  w->state = encore::ComputeRecords(*w->store, nullptr, encore::RecordsSettings{}).value();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = MakeWorld();
  if (size == 0) return 0;
  const std::string_view s(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      if (auto f = encore::Filter::Parse(s); f.ok()) {
        for (uint32_t e = 0; e < world->state.universe.size(); ++e)
          (void)f->Matches(world->state.universe, e);
      }
      break;
    case 1:
      (void)encore::ParseCount(s);
      break;
    default: {
      encore::ClaimContext ctx;
      ctx.store = world->store.get();
      ctx.state = &world->state;
      (void)encore::CheckClaim(s, ctx);
    }
  }
  return 0;
}
