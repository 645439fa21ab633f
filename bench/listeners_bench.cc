// encore-listeners-bench: the listener workloads of issue 17, in process, on a store that holds
// raw plays and a catalog (doc/performance.md, "Listener sets"):
//
//   encore-listeners-bench --store DIR [--runs 5] [--peer-json FILE]
//
// board_day: every artist's monthly listeners (28 days) on the last day with listeners, with the
// day before's (ListenerBoard, no peaks). every_day: every artist's monthly listeners on every day
// of the last 30 with listeners (ListenerDays, one pass). one_artist: the busiest artist's 28-day
// listeners on the last day (EntityListeners). board_peaks: board_day with every artist's peak
// over all days (what `encore listeners` prints). Prints a Markdown row per workload: median wall
// seconds of --runs runs, the process's peak RSS, and a checksum (the sum of the board's
// listeners) for comparing with a peer's (bench/duckdb_listeners_peer.mjs).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "encore/catalog.h"
#include "encore/records.h"
#include "bench_clock.h"
#include "encore/store.h"

namespace {

using encore::bench::Median;
using encore::bench::Now;
using encore::bench::PeakRssMb;

int Fail(const encore::Status& s) {
  std::fprintf(stderr, "encore-listeners-bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int runs = 5;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--store") && i + 1 < argc) {
      dir = argv[++i];
    } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: encore-listeners-bench --store DIR [--runs 5]\n");
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: encore-listeners-bench --store DIR [--runs 5]\n");
    return 2;
  }
  using namespace encore;
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  auto store = OpenLocalStore(dir, o);
  if (!store.ok()) return Fail(store.status());
  auto catalog = LoadStoredCatalog(dir);
  if (!catalog.ok()) return Fail(catalog.status());
  const RecordsUniverse u =
      RecordsUniverse::Build((*store)->tracks(), &*catalog, RecordsSettings{});
  auto last = LastListenerDay(**store);
  if (!last.ok() || !*last) {
    std::fprintf(stderr, "encore-listeners-bench: the store holds no listeners\n");
    return 1;
  }
  const Day day = **last;
  const StoreStats st = (*store)->Stats();
  std::printf("store: %llu listeners, %llu entries over %llu days, listener sets %.1f MB\n",
              static_cast<unsigned long long>(st.users),
              static_cast<unsigned long long>(st.listener_entries),
              static_cast<unsigned long long>(st.listener_days),
              static_cast<double>(st.listener_bytes) / 1e6);
  std::printf("| workload | median wall s | peak RSS MiB | result |\n|---|---|---|---|\n");

  auto time = [&](const char* name, const std::function<Result<std::string>()>& fn) -> int {
    std::vector<double> w;
    std::string result;
    for (int r = 0; r < runs; ++r) {
      const double t0 = Now();
      auto out = fn();
      w.push_back(Now() - t0);
      if (!out.ok()) return Fail(out.status());
      result = *out;
    }
    std::printf("| %s | %.3f | %.0f | %s |\n", name, Median(w), PeakRssMb(), result.c_str());
    std::fflush(stdout);
    return 0;
  };
  uint32_t busiest = 0;
  if (int rc = time("board_day", [&]() -> Result<std::string> {
        ENCORE_ASSIGN_OR_RETURN(auto b, ListenerBoard(**store, u, EntityKind::kArtist, day,
                                                      ListenerWindow::k28Days, {}));
        uint64_t sum = 0;
        for (const auto& s : b.standings) sum += s.listeners;
        if (!b.standings.empty()) busiest = b.standings[0].entity;
        return std::to_string(b.standings.size()) + " artists, listeners summed " +
               std::to_string(sum);
      })) {
    return rc;
  }
  if (int rc = time("every_day", [&]() -> Result<std::string> {
        uint64_t sum = 0;
        int n = 0;
        ENCORE_RETURN_IF_ERROR(ListenerDays(
            **store, u, EntityKind::kArtist, day - 29, day, ListenerWindow::k28Days, {},
            [&](Day, const std::vector<uint32_t>&, const std::vector<uint64_t>& counts) {
              for (uint64_t c : counts) sum += c;
              ++n;
              return Status::Ok();
            }));
        return std::to_string(n) + " days, listeners summed " + std::to_string(sum);
      })) {
    return rc;
  }
  if (int rc = time("one_artist", [&]() -> Result<std::string> {
        ENCORE_ASSIGN_OR_RETURN(auto p, EntityListeners(**store, u, busiest, day, day,
                                                        ListenerWindow::k28Days, {}));
        return u.Describe(busiest).name + ": " + std::to_string(p.at(0).listeners);
      })) {
    return rc;
  }
  return time("board_peaks", [&]() -> Result<std::string> {
    ENCORE_ASSIGN_OR_RETURN(auto b, ListenerBoard(**store, u, EntityKind::kArtist, day,
                                                  ListenerWindow::k28Days, {}, true));
    return std::to_string(b.standings.size()) + " artists";
  });
}
